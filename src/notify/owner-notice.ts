import type { MatchRule } from '../match/matcher.js'
import type { Conviction } from '../etd/types.js'
import { plural } from './format.js'
import { groupByMailbox, toRow, type BatchTotals } from './rows.js'

export interface OwnerNotice {
  to: string
  subject: string
  text: string
}

/** What ETD did, said to the person the message was aimed at. */
function sentence(verdict: string, remediation: string): string {
  const article = /^[aeiou]/i.test(verdict) ? 'an' : 'a'
  return `identified as ${article} ${verdict} threat and ${remediation === 'no action taken' ? 'not yet removed' : remediation}`
}

/** A notice lists at most this many of the owner's messages; the rest are counted. */
export const OWNER_NOTICE_MAX_ROWS = 25

/**
 * One short plain-text email per monitored mailbox, listing only that mailbox's own messages. The
 * subject carries no attacker text. With `totals`, every mailbox it counts gets a notice with its full
 * count, even when the run kept none of its rows.
 */
export function buildOwnerNotices(
  convictions: Conviction[],
  rule: MatchRule,
  timeZone: string,
  totals?: BatchTotals
): OwnerNotice[] {
  const kept = new Map(groupByMailbox(convictions, rule).map((g) => [g.address, g.messages]))
  const counts = totals?.mailboxes ?? new Map([...kept].map(([address, messages]) => [address, messages.length]))
  return [...counts]
    .filter(([address]) => address.includes('@'))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([address, count]) => {
      const rows = (kept.get(address) ?? []).slice(0, OWNER_NOTICE_MAX_ROWS).map((m) => toRow(m, timeZone))
      const lines = [
        'Hello,',
        '',
        count === 1
          ? 'Cisco Secure Email Threat Defense stopped a dangerous message addressed to you:'
          : `Cisco Secure Email Threat Defense stopped ${count} dangerous messages addressed to you:`,
        ''
      ]
      const inInbox = rows.filter((r) => r.actionNeeded).length
      if (inInbox > 0) {
        lines.push(
          inInbox === 1
            ? 'The first one below is still in your inbox: delete it without opening it.'
            : `The first ${inInbox} below are still in your inbox: delete them without opening them.`,
          ''
        )
      }
      for (const r of rows) {
        lines.push(`- Received ${r.received} from ${r.sender}`)
        lines.push(`  Subject: ${r.subject}`)
        lines.push(`  It was ${sentence(r.verdict, r.remediation)}.`)
        lines.push('')
      }
      if (count > rows.length) lines.push(`${plural(count - rows.length, 'more message')} not listed here.`, '')
      lines.push(
        'Do not reply to the sender, open its attachments or follow its links. If you were expecting one of these',
        'messages, or if the sender asked you for money, credentials or urgency, contact your security team.',
        '',
        'This notice was sent automatically by ETD verdict watch.'
      )
      return {
        to: address,
        subject: `[ETD] ${plural(count, 'dangerous message')} to you ${count === 1 ? 'was' : 'were'} stopped`,
        text: `${lines.join('\n')}\n`
      }
    })
}
