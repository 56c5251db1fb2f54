import { afterEach, describe, expect, it } from '@jest/globals'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { run } from '../src/main.js'
import { certificate } from '../src/simulator/certificate.js'
import { generateMessages, knownHistory } from '../src/simulator/data.js'
import { startGitHubApi, type GitHubApi } from '../src/simulator/github-api.js'
import { type MailSink } from '../src/simulator/mail-sink.js'
import { expectedMatches } from '../src/simulator/oracle.js'
import { startSimulator, type Simulator } from '../src/simulator/server.js'
import { startWebhookReceiver, type WebhookReceiver } from '../src/simulator/webhook-receiver.js'
import { runAction } from './helpers/action-run.js'
import { etdInputs } from './helpers/simulator.js'
import { startWatchProcess, type WatchProcess } from './helpers/watch-process.js'
import { startSmtp, githubEnv } from './helpers/watch-run.js'
import { closedAfter, tempDir } from './helpers/servers.js'

/**
 * At least once per channel: a watch run killed (SIGKILL, as a cancelled job or a lost runner is) at
 * each boundary between its channels, then run again, has told every channel every conviction, and the
 * channels that had them before the kill not twice.
 */
const T0 = Date.UTC(2026, 10, 27, 10, 0, 0)
const VERDICTS = ['bec', 'phishing', 'malicious']
const MAILBOXES = ['ceo@example.com', 'cfo@example.com', 'payroll@example.com', 'it-help@example.com']
/** When the earlier run that leaves a state behind runs. */
const EARLIER = T0 - 3 * 3_600_000

// The servers of the test under way, closed after it by closedAfter.
let sim: Simulator, github: GitHubApi, smtp: MailSink, receiver: WebhookReceiver
let watch: WatchProcess | undefined
let dir = ''
/** The first issue of the runs under test: those before are the earlier run's. */
let firstIssue = 0

afterEach(async () => {
  await watch?.kill()
  watch = undefined
})

/**
 * The servers, and the runs. The convictions told are among `fresh`, received after EARLIER: with
 * `withState`, a run then leaves a state behind that knows the older ones (none of which changes verdict
 * later) and none of these.
 */
async function setUp(notify: string, withState = false) {
  dir = await tempDir('etd-channel-kill-')
  const fresh = generateMessages({ seed: 11, count: 500, start: EARLIER + 600_000, end: T0 - 600_000 })
  const older = generateMessages({ seed: 12, count: 300, start: T0 - 2 * 86_400_000, end: EARLIER - 600_000 })
  const settled = older.filter((m) => knownHistory(m, EARLIER).length === knownHistory(m, T0).length)
  let clock = withState ? EARLIER : T0
  const messages = [...fresh, ...(withState ? settled : [])]
  sim = closedAfter(await startSimulator({ messages, clock: () => clock, rateLimit: false }))
  github = closedAfter(await startGitHubApi())
  smtp = await startSmtp()
  receiver = closedAfter(await startWebhookReceiver())
  const inputs = {
    ...etdInputs(sim),
    mailboxes: MAILBOXES.join(','),
    verdicts: VERDICTS.join(','),
    backfill: '2d',
    notify,
    'smtp-url': `smtp://alerts:pw@127.0.0.1:${smtp.port}`,
    'email-from': 'etd@example.com',
    'email-to': 'soc@example.com',
    'github-token': github.token,
    'webhook-url': `json=${receiver.url}/json/hook`,
    'state-path': join(dir, 'state.json')
  }
  // The killed run is a process of its own: it trusts the mail sink's CA the way a runner's step would.
  const ca = (await certificate()).cert
  await writeFile(join(dir, 'ca.pem'), ca)
  const env = {
    ...githubEnv(github),
    NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem')
  }
  const again = () => runAction(({ env }) => run({ env, now: () => clock, emailCa: ca }), inputs, { dir, env })
  firstIssue = 0
  if (withState) {
    expect((await again()).outputs['state-saved']).toBe('true')
    expect(smtp.received).toHaveLength(1)
    clock = T0
    firstIssue = github.issues.length
    smtp.received.length = 0
    receiver.received.length = 0
  }
  return {
    /** The run that is killed, in a process of its own. */
    start: async () => (watch = await startWatchProcess(inputs, { dir, now: T0, env })),
    /** The next run, to its end. */
    again
  }
}

/** How many times each id was told. */
function tally(ids: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const id of ids) counts[id] = (counts[id] ?? 0) + 1
  return counts
}

const emailed = () =>
  tally(smtp!.received.flatMap((r) => [...(r.mail.text ?? '').matchAll(/ETD id: (\S+)/g)].map((m) => m[1])))
const posted = () =>
  tally(receiver!.received.flatMap((p) => [...JSON.stringify(p.body).matchAll(/"id":"([^"]+)"/g)].map((m) => m[1])))
/** The issues' record, read by its documented line format `<id> <verdict> <received>`. */
const recorded = () =>
  tally(
    github!.issues
      .slice(firstIssue)
      .flatMap((i) => [...i.body.matchAll(/^(\S+) (?:bec|phishing|malicious) \d{4}-\S+Z$/gm)].map((m) => m[1]))
  )

/** Every conviction in the window, from the simulator's own records, told `times` times. */
function everyConviction(window: { start: string; end: string }, times = 1): Record<string, number> {
  const ids = expectedMatches(sim!.messages, T0, {
    start: Date.parse(window.start),
    end: Date.parse(window.end),
    mailboxes: MAILBOXES,
    verdicts: VERDICTS,
    techniques: []
  })
  expect(ids.length).toBeGreaterThan(10)
  return Object.fromEntries(ids.map((id) => [id, times]))
}

describe('a run killed between two channels is finished by the next run', () => {
  const OPENED = /^POST \/repos\/[^/]+\/[^/]+\/issues$/
  const EDITED = /^PATCH \/repos\/[^/]+\/[^/]+\/issues\/\d+$/
  it.each([
    ['the issue is opened, before the email', OPENED, 1, false],
    ['the email is recorded in the issue, before the webhook', EDITED, 1, false],
    ['the webhook is recorded, before the state is saved', EDITED, 2, false],
    ['the issue is opened, with a restored state', OPENED, 1, true],
    ['the email is recorded, with a restored state', EDITED, 1, true],
    ['the webhook is recorded, with a restored state', EDITED, 2, true]
  ])(
    'killed once %s: every channel has every conviction once',
    async (_boundary, request, nth, withState) => {
      const runs = await setUp('issue, email, webhook', withState)
      let seen = 0
      github!.beforeReply = async (made) => {
        if (request.test(made) && ++seen === nth) await watch!.kill()
      }
      await runs.start()
      expect(await watch!.exited).toBe('SIGKILL')
      github!.beforeReply = undefined
      expect(github!.issues).toHaveLength(firstIssue + 1)

      const result = await runs.again()
      expect(result.failed).toBe(false)
      expect(result.outputs['state-saved']).toBe('true')
      const every = everyConviction({ start: result.outputs['window-start'], end: result.outputs['window-end'] })
      expect(recorded()).toEqual(every)
      expect(emailed()).toEqual(every)
      expect(posted()).toEqual(every)
      expect(smtp!.received).toHaveLength(1)
      expect(receiver!.received).toHaveLength(1)
      // The record owes nothing now: a run without state counts it as told.
      for (const issue of github!.issues) expect(issue.body).not.toMatch(/^owes /m)
    },
    120_000
  )

  /** The watch is killed as the SMTP server is about to answer its first email, which it has kept. */
  const killAtFirstEmail = () => {
    smtp.beforeReply = async () => {
      smtp.beforeReply = undefined
      await watch!.kill()
    }
  }

  it('killed after the email was kept but before it was recorded, the email is sent once more, never lost', async () => {
    const runs = await setUp('issue, email, webhook')
    killAtFirstEmail()
    await runs.start()
    expect(await watch!.exited).toBe('SIGKILL')
    expect(github!.issues[0].body).toMatch(/^owes email webhook:[0-9a-f]{12}$/m)

    const result = await runs.again()
    expect(result.outputs['state-saved']).toBe('true')
    const window = { start: result.outputs['window-start'], end: result.outputs['window-end'] }
    expect(emailed()).toEqual(everyConviction(window, 2))
    expect(posted()).toEqual(everyConviction(window))
    expect(recorded()).toEqual(everyConviction(window))
  }, 120_000)

  it('without an issue the state is the only record: a channel told before the kill is told again, none is lost', async () => {
    const runs = await setUp('email, webhook')
    killAtFirstEmail()
    await runs.start()
    expect(await watch!.exited).toBe('SIGKILL')
    expect(receiver!.received).toHaveLength(0)

    const result = await runs.again()
    expect(result.outputs['state-saved']).toBe('true')
    const window = { start: result.outputs['window-start'], end: result.outputs['window-end'] }
    expect(emailed()).toEqual(everyConviction(window, 2))
    expect(posted()).toEqual(everyConviction(window))
    expect(github!.requests).toEqual([])
  }, 120_000)
})

describe('the issue as the record of the channels', () => {
  it('an uninterrupted run opens the issue first, then strikes each channel from its marker as it delivers', async () => {
    const runs = await setUp('issue, email, webhook')
    const result = await runs.again()
    expect(result.failed).toBe(false)
    const writes = github!.requests.filter((r) => !r.startsWith('GET'))
    expect(writes.filter((r) => !r.includes('/labels'))).toEqual([
      'POST /repos/acme/etd-watch/issues',
      'PATCH /repos/acme/etd-watch/issues/1',
      'PATCH /repos/acme/etd-watch/issues/1'
    ])
    const [issue] = github!.issues
    expect(issue.body).not.toMatch(/^owes /m)
    // The audit trail still says what the other channels did, and not what the issue itself did.
    // Notes are escaped like all other text in the issue (an address defanged, punctuation backslashed).
    expect(issue.body).toMatch(/^- Digest emailed to soc@\u200Bexample\\\[\\\.\\\]com\\\.$/m)
    expect(issue.body).toMatch(/^- JSON webhook 1\\: \d+ convictions posted\\\.$/m)
    expect(issue.body).not.toContain('Issue #1 opened')
    const window = { start: result.outputs['window-start'], end: result.outputs['window-end'] }
    expect(emailed()).toEqual(everyConviction(window))
    expect(posted()).toEqual(everyConviction(window))

    // The next run has nothing to tell, and asks GitHub nothing.
    const requests = github!.requests.length
    expect((await runs.again()).outputs['new-count']).toBe('0')
    expect(github!.requests.slice(requests)).toEqual([])
  }, 60_000)

  it('a channel that failed is the only one told again by the next run', async () => {
    const runs = await setUp('issue, email, webhook')
    receiver!.replyNext.set('/json/hook', [{ status: 404, body: 'no such hook' }])
    const failed = await runs.again()
    expect(failed.failed).toBe(true)
    expect(failed.outputs['state-saved']).toBe('false')
    expect(github!.issues[0].body).toMatch(/^owes webhook:[0-9a-f]{12}$/m)
    expect(github!.issues[0].body).toContain('JSON webhook 1 failed')

    const result = await runs.again()
    expect(result.failed).toBe(false)
    expect(result.outputs['state-saved']).toBe('true')
    const window = { start: result.outputs['window-start'], end: result.outputs['window-end'] }
    const every = everyConviction(window)
    expect(emailed()).toEqual(every)
    expect(posted()).toEqual(every)
    expect(recorded()).toEqual(every)
    expect(result.summary).toContain(`Email had ${Object.keys(every).length} convictions of these from an earlier run.`)
  }, 60_000)

  it('when GitHub refuses to edit the marker, the run says so and still saves: the channel delivered', async () => {
    const runs = await setUp('issue, email, webhook')
    github!.failRequests.push({ request: 'PATCH /repos/acme/etd-watch/issues/1', status: 404 })
    const result = await runs.again()
    expect(result.failed).toBe(false)
    expect(result.outputs['state-saved']).toBe('true')
    expect(result.log).toContain(
      'The issue could not record that Email has the batch: GitHub found no repository acme/etd-watch, or github-token cannot see it, while recording the channels in issue #1 (404). The next run may send it there again.'
    )
    // The webhook's edit went through: the marker owes only the email.
    expect(github!.issues[0].body).toMatch(/^owes email$/m)
  }, 60_000)
})
