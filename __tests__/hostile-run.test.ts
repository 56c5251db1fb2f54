import { describe, expect, it } from '@jest/globals'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { run } from '../src/main.js'
import { certificate } from '../src/simulator/certificate.js'
import { generateMessages, type SimMessage } from '../src/simulator/data.js'
import { startGitHubApi, type GitHubApi } from '../src/simulator/github-api.js'
import { type MailSink } from '../src/simulator/mail-sink.js'
import { startSimulator, type Simulator } from '../src/simulator/server.js'
import { startWebhookReceiver, type WebhookReceiver } from '../src/simulator/webhook-receiver.js'
import { runAction } from './helpers/action-run.js'
import { forgedCommands, HOSTILE_COMMANDS } from './helpers/hostile.js'
import { etdInputs } from './helpers/simulator.js'
import { closedAfter, tempDir } from './helpers/servers.js'
import { runWatch, startSmtp, githubEnv } from './helpers/watch-run.js'

const T0 = Date.UTC(2026, 10, 27, 10, 0, 0)
const TOKEN = 'S3CR3T'
const HOOK = `/json/hook/b81c0f?token=${TOKEN}`

let sim: Simulator | undefined
let github: GitHubApi | undefined
let smtp: MailSink | undefined
let receiver: WebhookReceiver | undefined
let dir = ''

/** A phish still in the inbox whose every field, the mailbox too, tries to print a command. */
const hostile = (text: string, i: number): SimMessage => ({
  id: `hostile-${i}\n::error title=Forged::id`,
  receivedAt: T0 - 3_600_000 + i * 60_000,
  subject: `Invoice ${text}`,
  fromAddress: `billing@evil.example\n::add-mask::${i}`,
  senderName: text,
  toAddresses: [text],
  mailboxes: [text],
  direction: 'incoming',
  techniques: [{ type: `Call to action\n::error title=Forged::technique`, severity: 'high', description: text }],
  history: [{ at: T0 - 3_600_000 + i * 60_000 + 2000, verdict: 'phishing' }],
  folder: `quarantine\n::error title=Forged::folder`,
  urls: [],
  nanoTimes: false
})

describe('a run over hostile ETD text and a webhook that echoes its secret', () => {
  it('prints no workflow command of anyone else, and quotes no token in the log, summary, issue or email', async () => {
    dir = await tempDir('etd-hostile-run-')
    const messages = [
      ...generateMessages({ seed: 5, count: 150, start: T0 - 86_400_000, end: T0 - 600_000 }),
      ...HOSTILE_COMMANDS.map(hostile)
    ]
    sim = closedAfter(await startSimulator({ messages, clock: () => T0, rateLimit: false }))
    github = closedAfter(await startGitHubApi())
    smtp = await startSmtp()
    // The digest is refused for one recipient: the server's reply is quoted in a warning.
    smtp.rejectRecipients = ['noc@example.com']
    receiver = closedAfter(await startWebhookReceiver())
    // As a web framework answers a path it does not know: the path, query and all, echoed back.
    receiver.replyNext.set(HOOK, [
      { status: 404, body: `<pre>Cannot POST ${HOOK}</pre>\n::error title=Forged::reply\nBearer eyJhbGciOi9.x1y2z3` }
    ])
    const result = await runWatch(
      sim,
      {
        'smtp-url': `smtp://alerts:pw@127.0.0.1:${smtp.port}`,
        'github-token': github.token,
        // Every platform, the JSON one refusing with its URL's path and query echoed back.
        'webhook-url': [
          ...['teams', 'webex', 'slack'].map((f) => `${f}=${receiver!.url}/${f}/k3y`),
          `json=${receiver.url}${HOOK}`
        ].join('\n'),
        mailboxes: '*@example.com',
        backfill: '1d',
        notify: 'issue, email, webhook',
        'owner-notices': 'include-domains',
        'email-from': 'etd@example.com',
        'email-to': 'soc@example.com, noc@example.com'
      },
      {
        dir,
        now: () => T0,
        env: { ...githubEnv(github), RUNNER_DEBUG: '1' }
      }
    )
    // The webhook's 404 fails the run, after the issue and the email went out.
    expect(result.failed).toBe(true)
    expect(receiver.attempts.map((a) => `${a.path} ${a.status}`)).toEqual([
      '/teams/k3y 200',
      '/webex/k3y 200',
      '/slack/k3y 200',
      `${HOOK} 404`
    ])
    expect(github.issues).toHaveLength(1)
    expect(smtp.received.length).toBeGreaterThan(1)

    // Every hostile mailbox was matched, none got an owner notice, and each refusal was logged.
    const report = JSON.parse(await readFile(result.outputs['report-path'], 'utf8')) as {
      messages: Array<{ id: string }>
    }
    expect(report.messages.filter((m) => m.id.startsWith('hostile-'))).toHaveLength(HOSTILE_COMMANDS.length)
    for (const { envelopeTo } of smtp.received) {
      expect(envelopeTo).toHaveLength(1)
      expect(envelopeTo[0]).toMatch(/^[a-z-]+@example\.com$/)
    }
    expect(result.log.match(/^::warning::No owner notice to /gm)).toHaveLength(HOSTILE_COMMANDS.length)

    // No line of stdout starts a command the action did not mean to send; no mask is of ETD text.
    expect(forgedCommands(result.log)).toEqual([])
    const masks = result.log.match(/^::add-mask::.*$/gm) ?? []
    expect(masks.length).toBeGreaterThan(5)
    for (const mask of masks) expect(mask).not.toMatch(/hunter2|Forged|example\.com/)

    // The token is nowhere: log, summary, outputs, issue, emails, files written.
    const written = await Promise.all(
      (await readdir(dir, { recursive: true }))
        .filter((name) => !name.startsWith('report'))
        .map((name) => readFile(join(dir, name), 'utf8').catch(() => ''))
    )
    // The runner takes the masks in and never shows them: the URL is masked as a whole there.
    const shown = result.log.replace(/^::add-mask::.*$/gm, '')
    const everywhere = [
      shown,
      result.summary,
      JSON.stringify(result.outputs),
      ...github.issues.map((issue) => `${issue.title}\n${issue.body}`),
      ...smtp.received.map(({ raw }) => raw.toString()),
      ...written
    ]
    for (const text of everywhere) {
      expect(text).not.toContain(TOKEN)
      expect(text).not.toContain('eyJhbGciOi9')
    }
    expect(github.issues[0].body).toContain('JSON webhook 4 failed')
    expect(result.log).toMatch(
      /^::error::JSON webhook 4 answered 404: <pre>Cannot POST \(path\)<\/pre> ::error title=Forged::reply Bearer \(redacted\)/m
    )
  }, 60_000)

  it("retries a poisoned state's pending notices only to a watched address, and none with mailboxes empty", async () => {
    dir = await tempDir('etd-poisoned-')
    sim = closedAfter(
      await startSimulator({ messages: [hostile('ceo@example.com', 0)], clock: () => T0, rateLimit: false })
    )
    smtp = await startSmtp()
    // The first run's notice to ceo is refused: the state keeps it as a pending notice.
    smtp.rejectRecipients = ['ceo@example.com']
    const statePath = join(dir, 'state.json')
    let clock = T0
    const emailCa = (await certificate()).cert
    const watch = async (mailboxes: string, ownerNotices = 'include-domains') =>
      runAction(({ env }) => run({ env, now: () => clock, emailCa }), {
        ...etdInputs(sim!),
        mailboxes,
        backfill: '1d',
        notify: 'email',
        'owner-notices': ownerNotices,
        'smtp-url': `smtp://alerts:pw@127.0.0.1:${smtp!.port}`,
        'email-from': 'etd@example.com',
        'email-to': 'soc@example.com',
        'state-path': statePath
      })
    expect((await watch('ceo@example.com')).outputs['state-saved']).toBe('true')
    const state = JSON.parse(await readFile(statePath, 'utf8')) as { pending: Array<{ to: string }> }
    expect(state.pending.map((p) => p.to)).toEqual(['ceo@example.com'])
    // Whoever can write the cache adds notices to addresses of their choosing, each valid for the state.
    const poison = [
      'outsider@evil.example',
      '::add-mask::hunter2@example.com',
      'a,b@example.com',
      'ceo@example.com.evil'
    ]
    state.pending.push(...poison.map((to) => ({ ...state.pending[0], to })))
    await writeFile(statePath, JSON.stringify(state))
    smtp.rejectRecipients = []
    smtp.received.length = 0

    clock = T0 + 10 * 60_000
    const second = await watch('ceo@example.com, *@example.com')
    expect(smtp.received.map((r) => r.envelopeTo)).toEqual([['ceo@example.com']])
    // Two are no plain address, so the state never keeps them; the other two are checked before the retry.
    expect(
      second.log.match(/^::warning::Dropped from the state .* \(its recipient is not one plain address\)\.$/gm)
    ).toHaveLength(2)
    expect(second.log.match(/^::warning::An undelivered notice to .* was dropped/gm)).toHaveLength(2)
    expect(forgedCommands(second.log)).toEqual([])

    // With mailboxes empty owner notices cannot be turned on, and not even the watched owner's is retried.
    await writeFile(statePath, JSON.stringify(state))
    smtp.received.length = 0
    clock = T0 + 20 * 60_000
    expect((await watch('', 'true')).log).toMatch(/owner-notices/)
    expect(smtp.received).toEqual([])
    const third = await watch('', 'false')
    expect(third.failed).toBe(false)
    expect(smtp.received.map((r) => r.envelopeTo)).toEqual([])
  }, 60_000)
})
