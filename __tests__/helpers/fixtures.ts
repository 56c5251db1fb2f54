import { join } from 'node:path'
import type { Conviction } from '../../src/etd/types.js'
import type { Batch } from '../../src/notify/batch.js'
import type { EmailExtras } from '../../src/notify/email/deliver.js'
import type { MatchRule } from '../../src/match/matcher.js'
import { totalsOf } from '../../src/notify/text/rows.js'
import { tempDir } from './servers.js'
import type { SimMessage } from '../../src/simulator/data.js'

/** The morning most tests stand at: 27 November 2026, 10:00 UTC (11:00 in Zurich). */
export const T = Date.UTC(2026, 10, 27, 10, 0, 0)

/** The sender of the invoice phish many tests send. */
export const BILLING = { fromAddress: 'billing@evil.example', senderName: 'Billing' }

/** A conviction's own mailbox: the one it was sent to and sits in. */
export const to = (mailbox: string) => ({ toAddresses: [mailbox], mailboxes: [mailbox] })

/**
 * A conviction as the channels get it: a BEC impersonating the CEO, sent to the CFO ten minutes before
 * `T` and quarantined. A test names in `extra` what it is about; the rest stays this plain case.
 */
export function conviction(id: string, extra: Partial<Conviction> = {}): Conviction {
  return {
    id,
    receivedAt: new Date(T - 600_000).toISOString(),
    subject: 'Quick favour',
    fromAddress: 'ceo@evil.example',
    senderName: 'Chief Executive',
    ...to('cfo@example.com'),
    verdict: 'bec',
    retro: false,
    manual: false,
    techniques: [{ type: 'Sender name impersonation' }],
    remediation: { folder: 'quarantine', automatic: true },
    ...extra
  }
}

/**
 * A message as the ETD simulator serves it: to the CEO at `at`, convicted of phishing two seconds later
 * and quarantined. `extra` overrides any field (a `history` of its own, for one).
 */
export function simMessage(id: string, at: number, extra: Partial<SimMessage> = {}): SimMessage {
  return {
    id,
    receivedAt: at,
    subject: `Subject of ${id}`,
    fromAddress: 'attacker@evil.example',
    senderName: 'Attacker',
    ...to('ceo@example.com'),
    direction: 'incoming',
    techniques: [{ type: 'Sender name impersonation', severity: 'high', description: '' }],
    history: [{ at: at + 2000, verdict: 'phishing' }],
    folder: 'quarantine',
    urls: [],
    nanoTimes: false,
    ...extra
  }
}

/** A phish from "Billing" to `owner`, received `minutesBefore` minutes before `T` and convicted of BEC a second later. */
export function billing(id: string, owner: string, minutesBefore: number, extra: Partial<SimMessage> = {}) {
  const at = T - minutesBefore * 60_000
  return simMessage(id, at, {
    subject: 'Invoice overdue',
    ...BILLING,
    ...to(owner),
    techniques: [],
    history: [{ at: at + 1000, verdict: 'bec' }],
    ...extra
  })
}

/** `convictions` as the channels and renderers get them: the hour before `T` in UTC, totals under `rule`. */
export function batchFor(convictions: Conviction[], rule: MatchRule, extra: Partial<Batch> = {}): Batch {
  return {
    convictions,
    totals: totalsOf(convictions, rule),
    rule,
    window: { start: T - 3_600_000, end: T },
    timeZone: 'UTC',
    reportPath: '/tmp/etd/report.json',
    ...extra
  }
}

/** `convictions` as the email channel gets them: the day before `now` in UTC, the report in a folder of the test's. */
export async function emailBatch(
  convictions: Conviction[],
  rule: MatchRule,
  now: number,
  extra: Partial<Batch & EmailExtras> = {}
): Promise<Batch & EmailExtras> {
  const dir = await tempDir('etd-email-')
  return {
    ...batchFor(convictions, rule, {
      window: { start: now - 86_400_000, end: now },
      reportPath: join(dir, 'report.json')
    }),
    reportJson: JSON.stringify({ messages: convictions }),
    dryRun: false,
    ...extra
  }
}

/**
 * Three phish to the CEO in the hour before `T`: the first left in the inbox, the second never moved, the
 * third quarantined by ETD.
 */
export function threePhish([inbox, untouched, held]: readonly [string, string, string]): SimMessage[] {
  return [
    simMessage(inbox, T - 50 * 60_000, { folder: 'inbox' }),
    simMessage(untouched, T - 40 * 60_000, { folder: undefined }),
    simMessage(held, T - 30 * 60_000)
  ]
}
