import { describe, expect, it } from '@jest/globals'
import type { EmailConfig } from '../src/config/email.js'
import type { Conviction } from '../src/etd/types.js'
import { mailboxMatches } from '../src/match/matcher.js'
import { deliverEmail } from '../src/notify/email/channel.js'
import { ownerRecipient } from '../src/notify/email/owner-recipient.js'
import { startMailSink, type MailSink } from '../src/simulator/mail-sink.js'
import type { PendingNotice } from '../src/state/pending-notices.js'
import { closedAfter } from './helpers/servers.js'

const WATCHED = ['ceo@example.com', '*@example.com']
const FORGED = 'x\n::error title=Forged::owned\n@example.com'
// Strings an ETD mailbox or a restored state may hold, each of which a mail library could read as
// something other than one watched address.
const HOSTILE = [
  'attacker@evil.example, x@example.com',
  'attacker@evil.example,x@example.com',
  'a,b@example.com',
  'g: a@evil.example; b@example.com',
  'g:b@example.com;',
  'Name <attacker@evil.example> x@example.com',
  'attacker@evil.example <x@example.com>',
  '"attacker@evil.example"@example.com',
  'x@example.com ',
  ' x@example.com',
  'x @example.com',
  'x@example.com\r\nBcc: attacker@evil.example',
  'x@example.com\u0000',
  FORGED,
  'x@evil.example',
  'x@sub.example.com',
  'x@example.com.evil.example',
  'x@@example.com',
  '@example.com',
  'x@',
  `${'a'.repeat(250)}@example.com`
]

describe('ownerRecipient: one plain, watched address or none', () => {
  it.each(HOSTILE)('refuses %j', (mailbox) => {
    expect(ownerRecipient(mailbox, WATCHED, 'include-domains')).toBeUndefined()
  })

  it('takes a listed address, and one inside a watched domain, lower-cased, as an address object', () => {
    expect(ownerRecipient('CEO@Example.com', ['ceo@example.com'], 'exact')).toEqual({
      name: '',
      address: 'ceo@example.com'
    })
    expect(ownerRecipient('bob.o-neil+etd@example.com', WATCHED, 'include-domains')).toEqual({
      name: '',
      address: 'bob.o-neil+etd@example.com'
    })
    expect(ownerRecipient('jürgen@例え.jp', ['*@例え.jp'], 'include-domains')).toEqual({
      name: '',
      address: 'jürgen@例え.jp'
    })
  })

  it('keeps to listed addresses with the exact scope', () => {
    expect(ownerRecipient('bob@example.com', WATCHED, 'exact')).toBeUndefined()
    expect(ownerRecipient('ceo@example.com', WATCHED, 'exact')).toEqual({ name: '', address: 'ceo@example.com' })
  })

  it('finds no owner at all when mailboxes is empty (every mailbox of the tenant)', () => {
    expect(ownerRecipient('ceo@example.com', [], 'include-domains')).toBeUndefined()
  })
})

describe('owner notices over real SMTP reach only watched addresses', () => {
  let smtp: MailSink | undefined

  const T0 = Date.UTC(2026, 10, 27, 10, 0, 0)
  const conviction = (mailbox: string, i: number): Conviction => ({
    id: `m${i}`,
    receivedAt: new Date(T0 - 600_000).toISOString(),
    subject: 'Invoice',
    fromAddress: 'billing@evil.example',
    senderName: 'Billing',
    toAddresses: [mailbox],
    mailboxes: [mailbox],
    verdict: 'bec',
    retro: false,
    manual: false,
    techniques: []
  })
  const pending = (to: string): PendingNotice => ({
    to,
    attempts: 1,
    total: 1,
    inbox: 0,
    messages: [
      {
        id: `p-${to}`,
        receivedAt: '2026-11-27T09:30:00.000Z',
        subject: 'You were chosen: reply with your password',
        fromAddress: 'billing@evil.example',
        senderName: 'Billing',
        verdict: 'bec'
      }
    ]
  })

  async function deliver(mailboxes: string[], convictions: Conviction[], pendingNotices: PendingNotice[]) {
    const config: EmailConfig = {
      transport: 'smtp',
      graphEndpoint: 'https://graph.microsoft.com',
      fromAddress: 'etd@example.com',
      smtp: { host: '127.0.0.1', port: smtp!.port, security: 'none' },
      from: 'etd@example.com',
      to: ['soc@example.com'],
      maxRows: 200,
      whenEmpty: false,
      ownerNotices: 'include-domains'
    }
    return deliverEmail(
      config,
      {
        convictions,
        rule: { mailboxes, verdicts: ['bec'], techniques: [] },
        window: { start: T0 - 3_600_000, end: T0 },
        timeZone: 'UTC',
        reportPath: '/nonexistent/report.json',
        dryRun: false,
        pendingNotices
      },
      { retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 20 }, timeoutMs: 2000 }
    )
  }

  it('never splits a mailbox into two recipients, and retries a pending notice only to a watched address', async () => {
    smtp = closedAfter(await startMailSink())
    const outcome = await deliver(WATCHED, [...HOSTILE, 'bob@example.com'].map(conviction), [
      pending('outsider@evil.example'),
      pending('attacker@evil.example, x@example.com'),
      pending('ceo@example.com')
    ])
    const envelopes = smtp.received.map((r) => r.envelopeTo)
    // The digest to soc, bob's notice, and ceo's retried one: nothing else, and each to one address.
    expect(envelopes).toEqual([['soc@example.com'], ['bob@example.com'], ['ceo@example.com']])
    expect(smtp.received[1].mail.to).toEqual(expect.objectContaining({ text: 'bob@example.com' }))
    expect(outcome.ownerNotices).toBe(2)
    expect(outcome.pending.earlier).toEqual([])
    // Every hostile mailbox that the matcher counts as watched (by its ending) was refused a notice.
    const matched = HOSTILE.filter((m) => WATCHED.some((pattern) => mailboxMatches(m, pattern)))
    expect(matched.length).toBeGreaterThan(8)
    expect(outcome.warnings.filter((w) => w.startsWith('No owner notice to '))).toHaveLength(matched.length)
    expect(outcome.warnings.filter((w) => w.startsWith('An undelivered notice to '))).toHaveLength(2)
    // A refused mailbox is named cleaned: the forged one as one line.
    for (const warning of outcome.warnings) expect(warning).not.toMatch(/[\r\n]/)
  })

  it('sends no owner notice at all, fresh or pending, when mailboxes is empty', async () => {
    smtp = closedAfter(await startMailSink())
    const outcome = await deliver([], [conviction('bob@example.com', 1)], [pending('ceo@example.com')])
    expect(smtp.received.map((r) => r.envelopeTo)).toEqual([['soc@example.com']])
    expect(outcome.ownerNotices).toBe(0)
    expect(outcome.warnings).toEqual([
      "No owner notices: input 'mailboxes' is empty (every mailbox of the tenant), so no mailbox is a watched owner.",
      expect.stringMatching(/^An undelivered notice to ceo@example\.com was dropped: .* Not told: convictions p-ceo@/)
    ])
  })
})
