import type { MatchRule } from '../match/matcher.js'
import type { Conviction } from '../state/dedupe.js'
import { groupByMailbox, plural, toRow } from './rows.js'

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

/**
 * One short plain-text email per monitored mailbox, listing only that mailbox's own messages. The
 * subject carries no attacker text.
 */
export function buildOwnerNotices(convictions: Conviction[], rule: MatchRule): OwnerNotice[] {
  return groupByMailbox(convictions, rule)
    .filter(({ address }) => address.includes('@'))
    .map(({ address, messages }) => {
      const rows = messages.map(toRow)
      const lines = [
        'Hello,',
        '',
        messages.length === 1
          ? 'Cisco Secure Email Threat Defense stopped a dangerous message addressed to you:'
          : `Cisco Secure Email Threat Defense stopped ${messages.length} dangerous messages addressed to you:`,
        ''
      ]
      for (const r of rows) {
        lines.push(`- Received ${r.received} from ${r.sender}`)
        lines.push(`  Subject: ${r.subject}`)
        lines.push(`  It was ${sentence(r.verdict, r.remediation)}.`)
        lines.push('')
      }
      lines.push(
        'Do not reply to the sender, open its attachments or follow its links. If you were expecting one of these',
        'messages, or if the sender asked you for money, credentials or urgency, contact your security team.',
        '',
        'This notice was sent automatically by ETD verdict watch.'
      )
      return {
        to: address,
        subject: `[ETD] ${plural(messages.length, 'dangerous message')} to you ${messages.length === 1 ? 'was' : 'were'} stopped`,
        text: `${lines.join('\n')}\n`
      }
    })
}
