import { afterEach, describe, expect, it } from '@jest/globals'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { marked } from 'marked'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { postWebhook } from '../src/notify/webhook/post.js'
import type { Report } from '../src/report/report.js'
import { generateMessages } from '../src/simulator/data.js'
import { startGitHubApi, type GitHubApi } from '../src/simulator/github-api.js'
import { type MailSink } from '../src/simulator/mail-sink.js'
import { startSimulator, type Simulator } from '../src/simulator/server.js'
import { startWebhookReceiver, type WebhookReceiver } from '../src/simulator/webhook-receiver.js'
import { closedAfter, tempDir } from './helpers/servers.js'
import { githubEnv, runWatch, smtpInputs, startSmtp } from './helpers/watch-run.js'

const AdaptiveCards = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void }
  SerializationContext: new () => { eventCount: number }
}

const jsonSchema = JSON.parse(
  await readFile(new URL('../src/notify/webhook/json.schema.json', import.meta.url), 'utf8')
) as object
const validJson = new Ajv2020({ allErrors: true, validateFormats: false }).compile(jsonSchema)

const T0 = Date.UTC(2026, 10, 27, 10, 0, 0)
const SECRET_PATH = 'k3y-7f9c2d'

// The servers of the test under way, closed after it by closedAfter.
let sim: Simulator, github: GitHubApi, smtp: MailSink
let receiver: WebhookReceiver | undefined
let dir = ''
// A test may start its own receiver before `watch`, which starts one only where the test did not.
afterEach(() => {
  receiver = undefined
})

/** One run over two days of realistic traffic (hostile text included), telling email, issue and webhooks. */
async function watch(webhooks: string[], count = 600, extra: Record<string, string> = {}) {
  dir = await tempDir('etd-webhooks-')
  const messages = generateMessages({ seed: 3, count, start: T0 - 2 * 86_400_000, end: T0 - 600_000 })
  sim = closedAfter(await startSimulator({ messages, clock: () => T0, rateLimit: false }))
  github = closedAfter(await startGitHubApi())
  smtp = await startSmtp()
  receiver ??= closedAfter(await startWebhookReceiver())
  return runWatch(
    sim,
    {
      mailboxes: '*@example.com, *@subsidiary.example.org',
      backfill: '2d',
      notify: 'email, issue, webhook',
      'owner-notices': 'include-domains',
      ...smtpInputs(smtp),
      'github-token': github.token,
      'webhook-url': webhooks.join('\n'),
      ...extra
    },
    { dir, now: () => T0, env: githubEnv(github) }
  )
}

/** The log without its add-mask commands, which the runner consumes and never shows. */
const unmasked = (log: string) =>
  log
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')

const all = (r: WebhookReceiver) => ['teams', 'webex', 'slack', 'json'].map((f) => `${f}=${r.url}/${f}/${SECRET_PATH}`)

describe('postWebhook', () => {
  it('retries a receiver that is not there, and names it without its URL', async () => {
    const gone = await startWebhookReceiver()
    const url = `${gone.url}/json/${SECRET_PATH}`
    await gone.close()
    const retries: string[] = []
    const posting = postWebhook(
      { format: 'json', url, label: 'JSON webhook 3' },
      {},
      {
        policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
        onRetry: (reason) => retries.push(reason)
      }
    )
    await expect(posting).rejects.toThrow(/^JSON webhook 3 not reachable \(ECONNREFUSED\)\.$/)
    expect(retries).toHaveLength(2)
  })

  it('does not wait for a Retry-After over a minute: it fails at once and leaves it to the next run', async () => {
    receiver = closedAfter(await startWebhookReceiver())
    const path = `/json/${SECRET_PATH}`
    receiver.replyNext.set(path, [{ status: 429, body: 'slow down', headers: { 'retry-after': '61' } }])
    const retries: string[] = []
    const started = Date.now()
    const posting = postWebhook(
      { format: 'json', url: `${receiver.url}${path}`, label: 'JSON webhook 1' },
      {},
      { onRetry: (reason) => retries.push(reason) }
    )
    await expect(posting).rejects.toThrow('JSON webhook 1 answered 429: slow down.')
    expect(receiver.attempts).toEqual([{ path, status: 429 }])
    expect(retries).toEqual([])
    expect(Date.now() - started).toBeLessThan(10_000)
  })
})

describe('webhooks through run()', () => {
  it('posts each format to its receiver, within its limits, hostile text inert, still-in-the-inbox first', async () => {
    receiver = closedAfter(await startWebhookReceiver())
    const result = await watch(all(receiver))
    expect(result.failed).toBe(false)
    expect(receiver.received.map((p) => p.path.split('/')[1])).toEqual(['teams', 'webex', 'slack', 'json'])
    for (const post of receiver.received) expect(post.contentType).toBe('application/json')
    const [teams, webex, slack, json] = receiver.received.map((p) => p.body) as [
      { attachments: Array<{ content: unknown }> },
      { markdown: string },
      { text: string; blocks: Array<{ text?: { text: string } }> },
      {
        totals: { convictions: number; inInbox: number }
        omitted: { convictions: number; inInbox: number }
        convictions: Array<{ inInbox: boolean }>
        links: { run: string | null; issue: string | null }
      }
    ]

    // The oracle: the report lists every match with what it told and where ETD put it.
    const report = JSON.parse(await readFile(join(dir, 'etd-verdict-watch', 'report.json'), 'utf8')) as Report
    const told = report.messages.filter((m) => m.notice === 'new' || m.notice === 'verdict-change')
    const inInbox = told.filter((m) => !m.remediation?.folder || m.remediation.folder === 'inbox').length
    expect(told.length).toBeGreaterThan(50)
    expect(inInbox).toBeGreaterThan(0)
    expect(result.outputs['action-needed-count']).toBe(String(inInbox))
    expect(validJson(json) ? [] : validJson.errors).toEqual([])
    expect(json.totals).toMatchObject({ convictions: told.length, inInbox })
    expect(json.convictions.length + json.omitted.convictions).toBe(told.length)
    const shownInInbox = json.convictions.filter((c) => c.inInbox).length
    expect(shownInInbox + json.omitted.inInbox).toBe(inInbox)
    expect(json.convictions.slice(0, shownInInbox).every((c) => c.inInbox)).toBe(true)
    // The JSON webhook posts after the issue is opened, and links to it.
    expect(json.links.issue).toBe(github!.issues[0].html_url)

    const context = new AdaptiveCards.SerializationContext()
    new AdaptiveCards.AdaptiveCard().parse(teams.attachments[0].content, context)
    expect(context.eventCount).toBe(0)
    expect(receiver.received[0].bytes).toBeLessThanOrEqual(28 * 1024)
    expect(Buffer.byteLength(webex.markdown)).toBeLessThanOrEqual(7439)
    expect(slack.blocks.length).toBeLessThanOrEqual(50)

    const lead = `Still in the inbox: ${inInbox.toLocaleString('en-US')} — act on these`
    // Every channel leads with them: the count, then those rows, then the rest.
    const inboxRow = /no action taken|left in the inbox/
    const digest = smtp!.received.find((r) => r.envelopeTo.includes('soc@example.com'))!.mail.text!
    const [first, ...others] = digest.split('\n== ').slice(1)
    expect(first.startsWith(lead)).toBe(true)
    const remediations = (text: string) => text.split('\n').filter((line) => line.startsWith('  Remediation: '))
    expect(remediations(first)).toHaveLength(inInbox)
    expect(remediations(first).every((line) => inboxRow.test(line))).toBe(true)
    expect(others.flatMap(remediations).some((line) => inboxRow.test(line))).toBe(false)
    const issue = github!.issues[0]
    expect(issue.labels).toContain('action-needed')
    expect(issue.body.indexOf(`## ${lead}`)).toBeGreaterThan(-1)
    expect(issue.body.indexOf(`## ${lead}`)).toBeLessThan(issue.body.indexOf('### '))
    expect(result.summary.indexOf(lead)).toBeGreaterThan(-1)
    expect(result.summary.indexOf(lead)).toBeLessThan(result.summary.indexOf('<h3>Told in this run'))
    for (const text of [result.summary, issue.body]) {
      expect(text).toContain('```mermaid\npie showData title Convictions by verdict\n')
      expect(text).toContain('```mermaid\npie showData title Convictions by mailbox\n')
    }
    const owners = smtp!.received.filter((r) => !r.envelopeTo.includes('soc@example.com'))
    expect(owners.some((r) => / still in your inbox — do not open/.test(r.mail.subject ?? ''))).toBe(true)
    expect(webex.markdown.split('\n\n')[1]).toContain(lead.replace(':', '\\:'))
    expect(slack.text).toContain(lead)
    // Hostile senders and subjects are in this traffic: none reaches a platform in its live syntax.
    const webexHtml = await marked.parse(webex.markdown)
    expect(webexHtml).not.toMatch(/<img|<a href="[^"]*evil/)
    for (const block of slack.blocks) expect(block.text?.text ?? '').not.toMatch(/[<>]/)
    expect(JSON.stringify(teams)).not.toMatch(/https?:\/\/[^"]*evil/)
    expect(unmasked(result.log)).not.toContain(SECRET_PATH)
    expect(result.summary).not.toContain(SECRET_PATH)
  }, 60_000)

  it('on a dry run writes each payload beside the report and posts nothing', async () => {
    receiver = closedAfter(await startWebhookReceiver())
    const result = await watch([`slack=${receiver.url}/slack/${SECRET_PATH}`], 100, { 'dry-run': 'true' })
    expect(result.failed).toBe(false)
    expect(receiver.attempts).toEqual([])
    const written = JSON.parse(
      await readFile(join(dir, 'etd-verdict-watch', 'webhooks', 'slack-webhook-1.json'), 'utf8')
    ) as {
      blocks: unknown[]
    }
    expect(written.blocks.length).toBeGreaterThan(2)
  }, 60_000)

  it('retries 429 and 5xx, waiting as Retry-After says', async () => {
    receiver = closedAfter(await startWebhookReceiver())
    const path = `/slack/${SECRET_PATH}`
    receiver.replyNext.set(path, [
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } },
      { status: 503, body: 'unavailable', headers: { 'retry-after': '0' } }
    ])
    const started = Date.now()
    const result = await watch([`slack=${receiver.url}${path}`], 100)
    expect(result.failed).toBe(false)
    expect(receiver.attempts.map((a) => a.status)).toEqual([429, 503, 200])
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(result.log).toContain('Slack webhook 1 answered 429: rate_limited')
    expect(result.outputs['state-saved']).toBe('true')
  }, 60_000)

  it('a webhook refused with a 4xx fails alone: email and issue still go out, the state is not saved', async () => {
    receiver = closedAfter(await startWebhookReceiver())
    const path = `/slack/${SECRET_PATH}`
    receiver.replyNext.set(path, [{ status: 404, body: 'no_service' }])
    const result = await watch([`slack=${receiver.url}${path}`, `json=${receiver.url}/json/${SECRET_PATH}`], 100)
    expect(result.failed).toBe(true)
    expect(receiver.attempts).toEqual([
      { path, status: 404 },
      { path: `/json/${SECRET_PATH}`, status: 200 }
    ])
    expect(result.log).toMatch(/::error::Slack webhook 1 answered 404: no_service\. The job summary and the report /)
    expect(unmasked(result.log)).not.toContain(SECRET_PATH)
    expect(smtp!.received.length).toBeGreaterThan(0)
    expect(github!.issues).toHaveLength(1)
    expect(github!.issues[0].body).toContain('Slack webhook 1 failed')
    expect(result.outputs['state-saved']).toBe('false')
    expect(existsSync(join(dir, 'state.json'))).toBe(false)
  }, 60_000)
})
