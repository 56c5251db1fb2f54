import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { marked } from 'marked'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ParsedMail } from 'mailparser'
import type { SimMessage } from '../src/simulator/data.js'
import { startGitHubApi, type GitHubApi } from '../src/simulator/github-api.js'
import { startMailSink, type MailSink } from '../src/simulator/mail-sink.js'
import { startSimulator, type Simulator } from '../src/simulator/server.js'
import { startWebhookReceiver, type WebhookReceiver } from '../src/simulator/webhook-receiver.js'
import { type ActionResult } from './helpers/action-run.js'
import { simMessage } from './helpers/fixtures.js'
import { githubEnv, runWatch, smtpInputs } from './helpers/watch-run.js'

const MINUTE = 60_000
const T0 = Date.UTC(2026, 10, 28, 9, 0, 0)

/** A phish to `mailboxes`, left by ETD in `folder` (`inbox`: moved back there; undefined: never moved). */
function phish(id: string, mailboxes: string[], minutesAgo: number, folder: string | undefined): SimMessage {
  const at = T0 - minutesAgo * MINUTE
  return simMessage(id, at, {
    subject: `Subject ${id}`,
    toAddresses: mailboxes,
    mailboxes,
    history: [{ at: at + 5000, verdict: 'phishing' }],
    folder
  })
}

// Three mailboxes; three messages still in an inbox (two in the CFO's), four moved out of it.
const MESSAGES = [
  phish('movedceo', ['ceo@example.com'], 50, 'quarantine'),
  phish('inboxcfo', ['cfo@example.com'], 45, 'inbox'),
  phish('movedcfo', ['cfo@example.com', 'ceo@example.com'], 40, 'trash'),
  phish('untouchedpay', ['pay@example.com'], 35, undefined),
  phish('movedpay', ['pay@example.com'], 30, 'junkemail'),
  phish('untouchedcfo', ['cfo@example.com'], 25, undefined),
  phish('movedpaytwo', ['pay@example.com'], 20, 'quarantine')
]
// As ETD lists them: newest first.
const IN_INBOX = ['untouchedcfo', 'untouchedpay', 'inboxcfo']
const MOVED = ['movedpaytwo', 'movedpay', 'movedcfo', 'movedceo']
const LEAD = 'Still in the inbox: 3 — act on these'

let sim: Simulator
let github: GitHubApi
let smtp: MailSink
let receiver: WebhookReceiver
let dir: string
let result: ActionResult

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etd-action-needed-'))
  sim = await startSimulator({ messages: MESSAGES, clock: () => T0, rateLimit: false })
  github = await startGitHubApi()
  smtp = await startMailSink({ auth: { user: 'alerts', pass: 'pw' } })
  receiver = await startWebhookReceiver()
  result = await runWatch(
    sim,
    {
      mailboxes: 'ceo@example.com, cfo@example.com, pay@example.com',
      verdicts: 'phishing',
      backfill: '2h',
      notify: 'email, issue, webhook',
      'owner-notices': 'true',
      'email-reply-to': 'SOC <soc@example.com>',
      ...smtpInputs(smtp),
      'github-token': github.token,
      'webhook-url': ['teams', 'webex', 'slack', 'json'].map((f) => `${f}=${receiver.url}/${f}/x`).join('\n')
    },
    { dir, now: () => T0, env: githubEnv(github) }
  )
}, 60_000)

afterAll(async () => {
  // Whatever beforeAll got to start is stopped, and the folder goes even when it failed partway.
  await Promise.allSettled([sim?.close(), github?.close(), smtp?.close(), receiver?.close()])
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** The message ids a channel shows, in the order it shows them. */
const shownIds = (text: string) => [...text.matchAll(/Subject (\w+)/g)].map((m) => m[1])

/**
 * The channel leads with the count, then lists exactly those still in the inbox (once each), before any
 * other conviction; the rest follow.
 */
function leadsWithInbox(text: string, lead = LEAD): void {
  const at = text.indexOf(lead)
  expect(at).toBeGreaterThan(-1)
  expect(shownIds(text.slice(0, at))).toEqual([])
  const ids = shownIds(text.slice(at))
  expect(ids.slice(0, IN_INBOX.length)).toEqual(IN_INBOX)
  const rest = ids.slice(IN_INBOX.length)
  expect(rest.filter((id) => IN_INBOX.includes(id))).toEqual([])
  expect([...new Set(rest)].sort()).toEqual([...MOVED].sort())
}

const mailTo = (address: string): ParsedMail => smtp.received.find((r) => r.envelopeTo.includes(address))!.mail

describe('still in the inbox first, in every channel, through the real servers', () => {
  it('ran, counted them, and labelled the issue', () => {
    expect(result.failed).toBe(false)
    expect(result.outputs['new-count']).toBe('7')
    expect(result.outputs['action-needed-count']).toBe('3')
    expect(github.issues).toHaveLength(1)
    expect(github.issues[0].labels).toContain('action-needed')
  })

  it('the digest, in its text and its HTML', () => {
    const digest = mailTo('soc@example.com')
    leadsWithInbox(digest.text!)
    leadsWithInbox(digest.html as string)
    expect(digest.text).toContain('== Moved out of the inbox: 4')
  })

  it('the issue', () => {
    const body = github.issues[0].body
    leadsWithInbox(body)
    expect(body).toContain(`## ${LEAD}`)
    expect(body.indexOf(`## ${LEAD}`)).toBeLessThan(body.indexOf('## Moved out of the inbox: 4'))
  })

  it('the job summary', () => {
    leadsWithInbox(result.summary)
  })

  it('each webhook format', async () => {
    const posted = new Map(receiver.received.map((p) => [p.path.split('/')[1], p.body]))
    expect([...posted.keys()].sort()).toEqual(['json', 'slack', 'teams', 'webex'])
    for (const format of ['teams', 'slack']) leadsWithInbox(JSON.stringify(posted.get(format)))
    // Webex's markdown escapes the watch's own words too: read as rendered.
    leadsWithInbox(await marked.parse((posted.get('webex') as { markdown: string }).markdown))
    const json = posted.get('json') as {
      totals: { inInbox: number }
      convictions: Array<{ subject: string; inInbox: boolean }>
    }
    expect(json.totals.inInbox).toBe(3)
    expect(json.convictions.map((c) => [c.subject, c.inInbox])).toEqual([
      ...IN_INBOX.map((id) => [`Subject ${id}`, true]),
      ...MOVED.map((id) => [`Subject ${id}`, false])
    ])
  })

  it('each owner notice, the truth in its subject and first line, with whom to ask and a Reply-To', () => {
    const cfo = mailTo('cfo@example.com')
    expect(cfo.subject).toBe('[ETD] 2 dangerous messages are still in your inbox — do not open them')
    const lines = cfo.text!.split('\n')
    expect(lines[0]).toBe(
      '2 dangerous messages addressed to you are still in your inbox. Do not open them, do not reply, and do not follow links or open attachments: delete them, or report them as phishing.'
    )
    expect(lines[1]).toBe('Questions: "SOC" <soc@example.com>')
    expect(shownIds(cfo.text!)).toEqual(['untouchedcfo', 'inboxcfo', 'movedcfo'])
    expect(cfo.replyTo?.value).toEqual([{ address: 'soc@example.com', name: 'SOC' }])

    const pay = mailTo('pay@example.com')
    expect(pay.subject).toBe('[ETD] 1 dangerous message is still in your inbox — do not open it')
    expect(pay.text!.split('\n')[0]).toBe(
      'A dangerous message addressed to you is still in your inbox. Do not open it, do not reply, and do not follow links or open attachments: delete it, or report it as phishing.'
    )
    expect(shownIds(pay.text!)).toEqual(['untouchedpay', 'movedpaytwo', 'movedpay'])

    // Nothing of the CEO's is in the inbox: the notice says they were stopped, and still whom to ask.
    const ceo = mailTo('ceo@example.com')
    expect(ceo.subject).toBe('[ETD] 2 dangerous messages to you were stopped')
    expect(ceo.text).toContain('Questions: "SOC" <soc@example.com>')
    expect(ceo.text).not.toContain('still in your inbox')
    expect(mailTo('soc@example.com').replyTo?.value).toEqual([{ address: 'soc@example.com', name: 'SOC' }])
  })
})
