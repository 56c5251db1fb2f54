import { describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { unknownTechniques } from '../src/etd/techniques.js'
import { heartbeatAfter } from '../src/notify/heartbeat.js'
import { generateMessages } from '../src/simulator/data.js'
import { type MailSink } from '../src/simulator/mail-sink.js'
import { startWebhookReceiver, type WebhookReceiver } from '../src/simulator/webhook-receiver.js'
import { closedAfter } from './helpers/servers.js'
import { smtpInputs, startSmtp, WatchAt } from './helpers/watch-run.js'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 10, 27, 10, 0, 0)

describe('technique names ETD does not use', () => {
  it('are found case-insensitively, with the known name a typo was probably meant to be', () => {
    expect(unknownTechniques(['qr code', 'Malicious URL', 'sender NAME impersonation'])).toEqual([])
    expect(unknownTechniques(['qr-code', 'QRcode', 'shortend url', 'Brand impersonaton'])).toEqual([
      { given: 'qr-code', suggestion: 'QR code' },
      { given: 'QRcode', suggestion: 'QR code' },
      { given: 'shortend url', suggestion: 'Shortened URL' },
      { given: 'Brand impersonaton', suggestion: 'Brand impersonation' }
    ])
    // Nothing near: no guess, and the name is kept (ETD's list is open-ended).
    expect(unknownTechniques(['deepfake voice', 'x'])).toEqual([{ given: 'deepfake voice' }, { given: 'x' }])
  })
})

describe('heartbeatAfter', () => {
  const mailboxes = ['ceo@example.com', '*@payroll.example.com']

  it('is due at once without a tally, counting this run', () => {
    expect(heartbeatAfter(undefined, { now: T0, told: 0, mailboxes, timeZone: 'UTC' })).toEqual({
      line: 'All quiet: 1 run since 2026-11-27 10:00 UTC, 2 mailboxes watched, 0 convictions.',
      next: { since: T0, runs: 0, convictions: 0 }
    })
  })

  it('counts the runs of the day, and is due again with the first run of the next UTC day', () => {
    const sameDay = heartbeatAfter(
      { since: T0, runs: 0, convictions: 0 },
      { now: T0 + 13 * HOUR, told: 0, mailboxes, timeZone: 'UTC' }
    )
    expect(sameDay).toEqual({ next: { since: T0, runs: 1, convictions: 0 } })
    // 14:00 + 10 h is 00:00 on the 28th.
    const nextDay = heartbeatAfter(
      { since: T0, runs: 143, convictions: 0 },
      { now: T0 + 14 * HOUR, told: 0, mailboxes: [], timeZone: 'UTC' }
    )
    expect(nextDay).toEqual({
      line: 'All quiet: 144 runs since 2026-11-27 10:00 UTC, every mailbox watched, 0 convictions.',
      next: { since: T0 + 14 * HOUR, runs: 0, convictions: 0 }
    })
  })

  it('is not sent after a day with convictions, nor on a run that tells some', () => {
    const told = { since: T0, runs: 5, convictions: 2 }
    expect(heartbeatAfter(told, { now: T0 + 20 * HOUR, told: 0, mailboxes, timeZone: 'UTC' })).toEqual({
      next: { since: T0 + 20 * HOUR, runs: 0, convictions: 0 }
    })
    expect(heartbeatAfter(undefined, { now: T0, told: 3, mailboxes, timeZone: 'UTC' }).line).toBeUndefined()
    expect(
      heartbeatAfter({ since: T0, runs: 0, convictions: 0 }, { now: T0 + HOUR, told: 4, mailboxes, timeZone: 'UTC' })
        .next
    ).toEqual({
      since: T0,
      runs: 1,
      convictions: 4
    })
  })
})

describe('a quiet watch, against the simulator, an SMTP server and a webhook receiver', () => {
  let smtp: MailSink, receiver: WebhookReceiver
  const watch = new WatchAt(T0, () => ({
    // Nobody at this domain gets mail in the simulator: every run is quiet.
    mailboxes: 'ceo@quiet.example, *@quiet.example',
    backfill: '1h',
    notify: 'email, webhook',
    heartbeat: 'daily',
    ...smtpInputs(smtp),
    'webhook-url': `json=${receiver.url}/json/hook`
  }))
  const { runAt } = watch

  async function setUp(): Promise<void> {
    const messages = generateMessages({ seed: 21, count: 2000, start: T0 - 2 * 86_400_000, end: T0 + 3 * 86_400_000 })
    await watch.start('etd-quiet-', messages)
    smtp = await startSmtp()
    receiver = closedAfter(await startWebhookReceiver())
  }

  const heartbeats = () => smtp!.received.map((r) => r.mail.subject)

  it('sends one "all quiet" line a UTC day to email and webhooks, and none on a day with convictions', async () => {
    await setUp()
    const first = await runAt(T0)
    expect(first.failed).toBe(false)
    const line = 'All quiet: 1 run since 2026-11-27 10:00 UTC, 2 mailboxes watched, 0 convictions.'
    expect(heartbeats()).toEqual([`[ETD] ${line}`])
    expect(smtp!.received[0].mail.text?.trim()).toBe(line)
    expect(smtp!.received[0].envelopeTo).toEqual(['soc@example.com'])
    expect(receiver!.received.map((p) => p.body)).toEqual([
      { schemaVersion: 1, source: 'etd-verdict-watch', event: 'heartbeat', text: line }
    ])
    expect(first.outputs.notified).toBe('true')

    // The rest of the day: quiet, and silent.
    for (let hour = 1; hour <= 13; hour++) expect((await runAt(T0 + hour * HOUR)).failed).toBe(false)
    expect(heartbeats()).toHaveLength(1)
    expect(receiver!.received).toHaveLength(1)

    // The first run after midnight UTC counts the runs since the last line.
    await runAt(T0 + 14 * HOUR + 5 * 60_000)
    expect(heartbeats()).toEqual([
      `[ETD] ${line}`,
      '[ETD] All quiet: 14 runs since 2026-11-27 10:00 UTC, 2 mailboxes watched, 0 convictions.'
    ])
    expect(receiver!.received).toHaveLength(2)

    // A day with convictions needs no heartbeat: the digest went out.
    const busy = await runAt(T0 + 15 * HOUR, { mailboxes: '' })
    expect(Number(busy.outputs['new-count'])).toBeGreaterThan(0)
    const digests = smtp!.received.length
    expect(smtp!.received.at(-1)?.mail.subject).toMatch(/^\[ETD\] (\d+ still in the inbox · )?\d+ new conviction/)
    await runAt(T0 + 38 * HOUR + 5 * 60_000, { mailboxes: 'ceo@quiet.example, *@quiet.example' })
    expect(smtp!.received).toHaveLength(digests)
  })

  it('sends it with an older state that has no heartbeat yet, and does not send it on a dry run', async () => {
    await setUp()
    await watch.plantState({
      version: 2,
      horizon: '2026-11-26T10:00:00.000Z',
      watermark: '2026-11-27T08:55:00.000Z',
      savedAt: '2026-11-27T08:55:00.000Z',
      notified: {}
    })
    const dry = await runAt(T0, { 'dry-run': 'true' })
    expect(dry.failed).toBe(false)
    expect(smtp!.received).toHaveLength(0)
    expect(dry.summary).toContain('Dry run: the heartbeat &quot;All quiet: 1 run since 2026-11-27 10:00 UTC')
    const beat = await runAt(T0)
    expect(beat.outputs['state-restored']).toBe('true')
    expect(heartbeats()).toEqual([
      '[ETD] All quiet: 1 run since 2026-11-27 10:00 UTC, 2 mailboxes watched, 0 convictions.'
    ])
    expect(JSON.parse(await readFile(join(watch.dir, 'state.json'), 'utf8')).heartbeat).toEqual({
      since: '2026-11-27T10:00:00.000Z',
      runs: 0,
      convictions: 0
    })
  })

  it('warns about technique names ETD does not use, and lists the watched mailboxes that matched nothing', async () => {
    await setUp()
    const result = await runAt(T0, {
      mailboxes: 'ceo@example.com, cfo@example.com, ghost@example.com, *@quiet.example',
      backfill: '2d',
      techniques: 'Malicious URL, deepfake voice',
      heartbeat: 'off'
    })
    expect(result.failed).toBe(false)
    expect(result.log).toContain(
      "::warning::Input 'techniques' has 'deepfake voice', which is not a technique ETD is known to report, so it may match nothing; it is kept, as ETD adds techniques over time.\n"
    )
    expect(result.log).not.toContain("has 'malicious url'")
    // The oracle: which watched mailboxes a matched message was for, from the report.
    const report = JSON.parse(await readFile(join(watch.dir, 'etd-verdict-watch', 'report.json'), 'utf8')) as {
      messages: Array<{ mailboxes: string[] }>
    }
    const hit = new Set(report.messages.flatMap((m) => m.mailboxes))
    expect(hit.has('ceo@example.com')).toBe(true)
    const quiet = ['cfo@example.com', 'ghost@example.com', '*@quiet.example'].filter((m) => !hit.has(m))
    expect(quiet).toContain('ghost@example.com')
    expect(result.summary).toContain(`watched mailboxes matched nothing in the window: ${quiet.join(', ')}.`)
    expect(result.summary).not.toMatch(/matched nothing in the window: [^<]*ceo@example\.com/)
    // No heartbeat when it is off.
    expect(smtp!.received.every((r) => !/All quiet/.test(r.mail.subject ?? ''))).toBe(true)
  })
})
