import { describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { deliverEmail } from '../src/notify/email/channel.js'
import { startMailSink, type MailSink } from '../src/simulator/mail-sink.js'
import { afterFailure, decodePending, pendingToSave, type PendingNotice } from '../src/state/pending-notices.js'
import { Dropped } from '../src/state/rules.js'
import { parseState, serializeState } from '../src/state/state.js'
import { type ActionResult } from './helpers/action-run.js'
import { billing, T } from './helpers/fixtures.js'
import { closedAfter } from './helpers/servers.js'
import { smtpInputs, startSmtp, WatchAt } from './helpers/watch-run.js'

const MINUTE = 60_000
const T0 = T

/** One conviction to `owner`, received before T0 and convicted at once. */
const message = (id: string, owner: string, minutesBefore: number, subject: string) =>
  billing(id, owner, minutesBefore, { subject })

describe('per-recipient delivery against an SMTP server that refuses one owner with 550', () => {
  let smtp: MailSink
  const watch = new WatchAt(T0, () => ({
    mailboxes: 'ceo@example.com, cfo@example.com, cto@example.com',
    notify: 'email',
    'owner-notices': 'true',
    ...smtpInputs(smtp, 'soc@example.com, noc@example.com')
  }))
  const { runAt } = watch

  async function setUp(): Promise<void> {
    await watch.start('etd-pending-', [
      message('m-ceo', 'ceo@example.com', 40, 'Wire transfer today'),
      message('m-cfo', 'cfo@example.com', 30, 'Invoice 4411 overdue'),
      message('m-cto', 'cto@example.com', 20, 'Password expires')
    ])
    smtp = await startSmtp()
    // cfo sorts between the other two owners: those after it must still be told.
    smtp.rejectRecipients = ['cfo@example.com', 'noc@example.com']
  }

  const recipients = () => smtp!.received.map((r) => r.envelopeTo.join(','))
  const warnings = (result: ActionResult) =>
    result.log.split('\n').filter((l) => l.startsWith('::warning::') && !l.includes('No state restored'))
  const pendingIn = async () =>
    (JSON.parse(await readFile(join(watch.dir, 'state.json'), 'utf8')) as { pending?: PendingNotice[] }).pending

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
      '::warning::An undelivered notice to cfo@example.com was dropped: it is not one plain, watched address with owner-notices on. Not told: convictions m-cfo.'
    ])
    expect(await pendingIn()).toBeUndefined()
  })
})

describe('owner notices when the server stops answering', () => {
  let smtp: MailSink | undefined

  it('keeps every notice for the next run after the first one fails for good, without trying the rest', async () => {
    smtp = closedAfter(await startMailSink())
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
        ownerNotices: 'exact'
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

  const parseOld = () => {
    const parsed = parseState(JSON.stringify(OLD))
    if (!parsed.ok) throw new Error(parsed.reason)
    return parsed.state
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

  it('are checked one by one: a malformed one is dropped and named, the others kept', () => {
    const message = NOTICE.messages[0]
    const other = { ...NOTICE, to: 'cto@example.com' }
    for (const [bad, named] of [
      [{ ...NOTICE, to: 'cfo' }, 'its recipient is not one plain address'],
      [{ ...NOTICE, to: 'c fo@example.com' }, 'its recipient is not one plain address'],
      [{ ...NOTICE, to: 'x@evil.example, cfo@example.com' }, 'its recipient is not one plain address'],
      [{ ...NOTICE, to: 'g: cfo@example.com;' }, 'its recipient is not one plain address'],
      [{ ...NOTICE, to: 'Cfo <cfo@example.com>' }, 'its recipient is not one plain address'],
      [{ ...NOTICE, to: 'cfo@example.com\n' }, 'its recipient is not one plain address'],
      [{ ...NOTICE, to: `${'c'.repeat(309)}@example.com` }, 'its recipient is not one plain address'],
      [{ ...NOTICE, attempts: 0 }, 'its counts are malformed'],
      [{ ...NOTICE, attempts: 3 + 1 }, 'its counts are malformed'],
      [{ ...NOTICE, inbox: 31 }, 'its counts are malformed'],
      [{ ...NOTICE, total: 0, inbox: 0 }, 'its counts are malformed'],
      [{ ...NOTICE, messages: [{ ...message, verdict: 'nasty' }] }, 'its message 1 is malformed'],
      [{ ...NOTICE, messages: [message, { ...message, receivedAt: 'soon' }] }, 'its message 2 is malformed'],
      [{ ...NOTICE, messages: [{ ...message, remediation: { folder: 7 } }] }, 'its message 1 is malformed'],
      [{ ...NOTICE, messages: [{ ...message, subject: 's'.repeat(2001) }] }, 'its message 1 is malformed'],
      ['cfo@example.com', 'it is not an object']
    ] as const) {
      expect(parseState(JSON.stringify({ ...OLD, pending: [other, bad, NOTICE] }))).toMatchObject({
        ok: true,
        state: { pending: [other, NOTICE], notified: new Map([['id-1', expect.anything()]]) },
        dropped: [`pending notice 2 (${named})`]
      })
    }
    // A list of too many is not a list this action writes: dropped whole, the rest of the state kept.
    const tooMany = parseState(JSON.stringify({ ...OLD, pending: Array.from({ length: 501 }, () => NOTICE) }))
    expect(tooMany).toMatchObject({ ok: true, dropped: ['its pending notices (malformed)'] })
    expect(tooMany.ok && tooMany.state.pending).toBeUndefined()
    const dropped = new Dropped()
    expect(
      decodePending([NOTICE, { ...NOTICE, messages: [{ ...message, remediation: { folder: 'inbox' } }] }], dropped)
    ).toEqual([
      NOTICE,
      { ...NOTICE, messages: [{ ...message, remediation: { folder: 'inbox', automatic: undefined } }] }
    ])
    expect(dropped.lines()).toEqual([])
  })

  it('are written clipped to what is read back, the newest 500 when there are more, and named when left out', () => {
    const long = {
      ...NOTICE.messages[0],
      id: `i${'d'.repeat(300)}`,
      subject: `${'s'.repeat(1999)}😀 and more`,
      fromAddress: 'f'.repeat(2500),
      senderName: 'n'.repeat(2001),
      remediation: { folder: 'q'.repeat(150), automatic: true }
    }
    const notices = Array.from({ length: 502 }, (_, i) => ({ ...NOTICE, to: `o${i}@example.com`, messages: [long] }))
    const dropped = new Dropped()
    const text = [
      ...serializeState({ ...parseOld(), pending: [...notices, { ...NOTICE, to: 'no one' }] }, dropped)
    ].join('')
    expect(dropped.lines()).toEqual([
      'the oldest 3 pending notices (over 500)',
      'pending notice 500 (its recipient is not one plain address)'
    ])
    const again = parseState(text)
    if (!again.ok) throw new Error(again.reason)
    expect(again.dropped).toBeUndefined()
    expect(again.state.pending?.map((p) => p.to)).toEqual(notices.slice(3).map((n) => n.to))
    // Clipped to the limits the reader holds them to: 200, 2,000 and 100 characters, never half an emoji.
    expect(again.state.pending?.[0].messages[0]).toEqual({
      ...NOTICE.messages[0],
      id: `i${'d'.repeat(199)}`,
      subject: 's'.repeat(1999),
      fromAddress: 'f'.repeat(2000),
      senderName: 'n'.repeat(2000),
      remediation: { folder: 'q'.repeat(100), automatic: true }
    })
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
