import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../src/main.js'
import { deliverEmail } from '../src/notify/email-channel.js'
import { certificate } from '../src/simulator/certificate.js'
import type { SimMessage } from '../src/simulator/data.js'
import { startMailSink, type MailSink } from '../src/simulator/mail-sink.js'
import { startSimulator, type Simulator } from '../src/simulator/server.js'
import { afterFailure, parsePending, pendingToSave, type PendingNotice } from '../src/state/deliveries.js'
import { parseState, serializeState } from '../src/state/state.js'
import { runAction, type ActionResult } from './helpers/action-run.js'
import { etdInputs } from './helpers/simulator.js'

const MINUTE = 60_000
const T0 = Date.UTC(2026, 10, 27, 10, 0, 0)

/** One conviction to `owner`, received before T0 and convicted at once. */
function message(id: string, owner: string, minutesBefore: number, subject: string): SimMessage {
  const at = T0 - minutesBefore * MINUTE
  return {
    id,
    receivedAt: at,
    subject,
    fromAddress: 'billing@evil.example',
    senderName: 'Billing',
    toAddresses: [owner],
    mailboxes: [owner],
    direction: 'incoming',
    techniques: [],
    history: [{ at: at + 1000, verdict: 'bec' }],
    folder: 'quarantine',
    urls: [],
    nanoTimes: false
  }
}

describe('per-recipient delivery against an SMTP server that refuses one owner with 550', () => {
  let sim: Simulator | undefined
  let smtp: MailSink | undefined
  let dir = ''
  let clock = T0

  afterEach(async () => {
    await sim?.close()
    await smtp?.close()
    sim = smtp = undefined
    await rm(dir, { recursive: true, force: true })
  })

  async function setUp(): Promise<void> {
    dir = await mkdtemp(join(tmpdir(), 'etd-pending-'))
    sim = await startSimulator({
      messages: [
        message('m-ceo', 'ceo@example.com', 40, 'Wire transfer today'),
        message('m-cfo', 'cfo@example.com', 30, 'Invoice 4411 overdue'),
        message('m-cto', 'cto@example.com', 20, 'Password expires')
      ],
      clock: () => clock,
      rateLimit: false
    })
    smtp = await startMailSink({ auth: { user: 'alerts', pass: 'pw' } })
    // cfo sorts between the other two owners: those after it must still be told.
    smtp.rejectRecipients = ['cfo@example.com', 'noc@example.com']
  }

  async function runAt(at: number, inputs: Record<string, string> = {}): Promise<ActionResult> {
    clock = at
    return runAction(
      ({ env }) => run({ env, now: () => clock }),
      {
        ...etdInputs(sim!),
        mailboxes: 'ceo@example.com, cfo@example.com, cto@example.com',
        notify: 'email',
        'notify-mailbox-owners': 'true',
        'smtp-url': `smtp://alerts:pw@127.0.0.1:${smtp!.port}`,
        'smtp-ca': (await certificate()).cert,
        'email-from': 'etd@example.com',
        'email-to': 'soc@example.com, noc@example.com',
        'state-path': join(dir, 'state.json'),
        'report-path': join(dir, 'report.json'),
        ...inputs
      },
      { dir }
    )
  }

  const recipients = () => smtp!.received.map((r) => r.envelopeTo.join(','))
  const warnings = (result: ActionResult) =>
    result.log.split('\n').filter((l) => l.startsWith('::warning::') && !l.includes('No state restored'))
  const pendingIn = async () =>
    (JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { pending?: PendingNotice[] }).pending

  it('delivers the digest once and the other owners at once, names the address, and gives up after 3 runs', async () => {
    await setUp()
    const first = await runAt(T0)
    expect(first.failed).toBe(false)
    expect(first.outputs['new-count']).toBe('3')
    // The digest reached soc (noc refused it), then each owner on their own: ceo and cto, not cfo.
    expect(recipients()).toEqual(['soc@example.com', 'ceo@example.com', 'cto@example.com'])
    expect(smtp!.received[0].mail.subject).toMatch(/^\[ETD\] 3 new convictions/)
    const refusal = `The SMTP server at 127.0.0.1:${smtp!.port} refused the email: 550 5.1.1 <cfo@example.com>: Recipient address rejected: mailbox unavailable.`
    expect(warnings(first)).toEqual([
      expect.stringMatching(
        /^::warning::The digest was refused for noc@example\.com: 550 5\.1\.1 <noc@example\.com>.*check email-to\.$/
      ),
      expect.stringContaining(
        `::warning::The owner notice to cfo@example.com was not delivered: ${refusal} It is sent again next run (attempt 1 of 3).`
      )
    ])
    expect(first.outputs['state-saved']).toBe('true')
    expect(first.summary).toContain('cfo@example.com')
    expect(await pendingIn()).toEqual([
      expect.objectContaining({ to: 'cfo@example.com', attempts: 1, total: 1, inbox: 0 })
    ])

    // The second run finds nothing new: no digest again, no notice again to ceo or cto; cfo is tried alone.
    const second = await runAt(T0 + 10 * MINUTE)
    expect(second.failed).toBe(false)
    expect(second.outputs['new-count']).toBe('0')
    expect(recipients()).toHaveLength(3)
    expect(warnings(second)).toEqual([
      expect.stringContaining(
        `::warning::The owner notice to cfo@example.com was not delivered again: ${refusal} It is sent again next run (attempt 2 of 3).`
      )
    ])
    expect(await pendingIn()).toEqual([expect.objectContaining({ to: 'cfo@example.com', attempts: 2 })])

    // The third attempt is the last: given up, naming the recipient and the conviction, and forgotten.
    const third = await runAt(T0 + 20 * MINUTE)
    expect(warnings(third)).toEqual([
      expect.stringContaining(
        `::warning::Gave up notifying cfo@example.com after 3 attempts: ${refusal} Not told: convictions m-cfo.`
      )
    ])
    expect(await pendingIn()).toBeUndefined()
    const fourth = await runAt(T0 + 30 * MINUTE)
    expect(warnings(fourth)).toEqual([])
    expect(recipients()).toHaveLength(3)
    // One connection a mail (a 550 is not retried within a run): 4 in the first run, 1 in each retry, none after.
    expect(smtp!.connections).toBe(4 + 1 + 1)
  })

  it('sends the same notice to that owner alone once the server takes it, and then forgets it', async () => {
    await setUp()
    await runAt(T0)
    const [ceoNotice] = smtp!.received.filter((r) => r.envelopeTo[0] === 'ceo@example.com')
    smtp!.rejectRecipients = []
    const second = await runAt(T0 + 10 * MINUTE)
    expect(second.failed).toBe(false)
    expect(recipients()).toEqual(['soc@example.com', 'ceo@example.com', 'cto@example.com', 'cfo@example.com'])
    const cfo = smtp!.received[3].mail
    expect(cfo.subject).toBe('[ETD] 1 dangerous message to you was stopped')
    expect(cfo.text).toContain(
      '- Received 2026-11-27 09:30 UTC\n  The message said it came from: Billing <billing@evil[.]example>\n' +
        '  Its subject said: Invoice 4411 overdue\n  It was identified as a BEC threat and moved to quarantine automatically.'
    )
    // Built as the first run built the others: the same shape as ceo's.
    expect(cfo.text!.replace(/^.*(Received|subject said).*$/gm, '')).toBe(
      ceoNotice.mail.text!.replace(/^.*(Received|subject said).*$/gm, '')
    )
    expect(warnings(second)).toEqual([])
    expect(second.summary).toContain('1 mailbox owner notice delivered')
    expect(await pendingIn()).toBeUndefined()
    await runAt(T0 + 20 * MINUTE)
    expect(recipients()).toHaveLength(4)
  })

  it('drops a notice whose owner is no longer watched, with a warning, and sends it nowhere', async () => {
    await setUp()
    await runAt(T0)
    smtp!.rejectRecipients = []
    const second = await runAt(T0 + 10 * MINUTE, { mailboxes: 'ceo@example.com, cto@example.com' })
    expect(second.failed).toBe(false)
    expect(recipients()).toHaveLength(3)
    expect(warnings(second)).toEqual([
      '::warning::An undelivered notice to cfo@example.com was dropped: it is no longer a watched mailbox with notify-mailbox-owners on. Not told: convictions m-cfo.'
    ])
    expect(await pendingIn()).toBeUndefined()
  })
})

describe('owner notices when the server stops answering', () => {
  let smtp: MailSink | undefined
  afterEach(async () => {
    await smtp?.close()
    smtp = undefined
  })

  it('keeps every notice for the next run after the first one fails for good, without trying the rest', async () => {
    smtp = await startMailSink()
    // Three attempts (FAST below) all refused with 421: then the server counts as gone.
    smtp.refuseConnections = [421, 421, 421, 421, 421, 421]
    const notice = (to: string): PendingNotice => ({
      to,
      attempts: 1,
      total: 1,
      inbox: 0,
      messages: [
        {
          id: `m-${to}`,
          receivedAt: '2026-11-27T09:30:00.000Z',
          subject: 'Invoice',
          fromAddress: 'billing@evil.example',
          senderName: 'Billing',
          verdict: 'bec'
        }
      ]
    })
    const outcome = await deliverEmail(
      {
        transport: 'smtp',
        graphEndpoint: 'https://graph.microsoft.com',
        fromAddress: 'etd@example.com',
        smtp: { host: '127.0.0.1', port: smtp.port, security: 'none' },
        from: 'etd@example.com',
        to: ['soc@example.com'],
        maxRows: 200,
        whenEmpty: false,
        notifyOwners: true
      },
      {
        convictions: [],
        rule: { mailboxes: ['ceo@example.com', 'cfo@example.com'], verdicts: ['bec'], techniques: [] },
        window: { start: T0 - 3_600_000, end: T0 },
        timeZone: 'UTC',
        reportPath: '/nonexistent/report.json',
        dryRun: false,
        pendingNotices: [notice('ceo@example.com'), notice('cfo@example.com')]
      },
      { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 }, timeoutMs: 2000 }
    )
    expect(smtp.connections).toBe(3)
    expect(outcome.sent).toBe(false)
    expect(outcome.pending.earlier.map((p) => [p.to, p.attempts])).toEqual([
      ['ceo@example.com', 2],
      ['cfo@example.com', 2]
    ])
    expect(outcome.warnings[1]).toMatch(
      /^The owner notice to cfo@example\.com was not delivered again: Not tried after an earlier one failed: The SMTP server at 127\.0\.0\.1:\d+ refused the email: 421 /
    )
  })
})

describe('pending notices in the state', () => {
  const OLD = {
    version: 2,
    horizon: '2026-11-26T10:00:00.000Z',
    watermark: '2026-11-27T09:55:00.000Z',
    notified: { 'id-1': { v: 'bec', r: '2026-11-27T08:00:00.000Z', n: '2026-11-27T09:00:00.000Z' } }
  }
  const NOTICE: PendingNotice = {
    to: 'cfo@example.com',
    attempts: 1,
    total: 30,
    inbox: 1,
    messages: [
      {
        id: 'id-1',
        receivedAt: '2026-11-27T08:00:00.000Z',
        subject: 'Invoice',
        fromAddress: 'billing@evil.example',
        senderName: 'Billing',
        verdict: 'bec'
      }
    ]
  }

  it('are optional: a state written before them loads without any, and saves without the field', () => {
    const parsed = parseState(JSON.stringify(OLD))
    if (!parsed.ok) throw new Error(parsed.reason)
    expect(parsed.state.pending).toBeUndefined()
    expect([...serializeState(parsed.state)].join('')).not.toContain('pending')
  })

  it('survive a save and a load', () => {
    const parsed = parseState(JSON.stringify(OLD))
    if (!parsed.ok) throw new Error(parsed.reason)
    const text = [...serializeState({ ...parsed.state, pending: [NOTICE] })].join('')
    const again = parseState(text)
    expect(again.ok && again.state.pending).toEqual([NOTICE])
  })

  it('are checked field by field, with the reason', () => {
    const message = NOTICE.messages[0]
    for (const [bad, reason] of [
      ['cfo@example.com', 'its pending notices are not a list of at most 500'],
      [[{ ...NOTICE, to: 'cfo' }], 'its pending notice 1 is malformed'],
      [[NOTICE, { ...NOTICE, attempts: 0 }], 'its pending notice 2 is malformed'],
      [[{ ...NOTICE, inbox: 31 }], 'its pending notice 1 is malformed'],
      [[{ ...NOTICE, total: 0, inbox: 0 }], 'its pending notice 1 is malformed'],
      [[{ ...NOTICE, messages: [{ ...message, verdict: 'nasty' }] }], 'its pending notice 1 is malformed'],
      [[{ ...NOTICE, messages: [{ ...message, receivedAt: 'soon' }] }], 'its pending notice 1 is malformed'],
      [[{ ...NOTICE, messages: [{ ...message, remediation: { folder: 7 } }] }], 'its pending notice 1 is malformed']
    ] as const) {
      expect(parseState(JSON.stringify({ ...OLD, pending: bad }))).toEqual({ ok: false, reason })
    }
    expect(parsePending([NOTICE, { ...NOTICE, messages: [{ ...message, remediation: { folder: 'inbox' } }] }])).toEqual(
      [NOTICE, { ...NOTICE, messages: [{ ...message, remediation: { folder: 'inbox', automatic: undefined } }] }]
    )
  })

  it('are tried in 3 runs in all', () => {
    const second = afterFailure(NOTICE)
    expect(second?.attempts).toBe(2)
    expect(afterFailure(second!)).toBeUndefined()
  })

  it('are saved with the state as the run leaves them, never so that anyone is told twice', () => {
    const earlier = { ...NOTICE, attempts: 2 }
    const fresh = { ...NOTICE, to: 'cto@example.com' }
    const run = { earlier: [earlier], fresh: [fresh] }
    // Saved whole: this run's convictions count as told, its failed notices are kept to send again.
    expect(pendingToSave(run, [NOTICE], 'whole')).toEqual([earlier, fresh])
    // Another channel failed: the next run tells this run's convictions to everyone again, cto included.
    expect(pendingToSave(run, [NOTICE], 'ledger')).toEqual([earlier])
    // The email channel itself failed (the digest) before any notice: the earlier ones stay as they were.
    expect(pendingToSave(undefined, [NOTICE], 'ledger')).toEqual([NOTICE])
    // Email turned off: nothing left to send them with.
    expect(pendingToSave(undefined, [NOTICE], 'whole')).toBeUndefined()
    expect(pendingToSave({ earlier: [], fresh: [] }, [NOTICE], 'whole')).toBeUndefined()
  })
})
