import type { MatchRule } from '../../match/matcher.js'
import type { Conviction } from '../../etd/types.js'
import { count, plural } from '../../common/format.js'
import { groupByMailbox, needsAction, toRow, type BatchTotals, type Row } from '../text/rows.js'

export interface OwnerNotice {
  to: string
  subject: string
  text: string
  /** What it counts and lists: kept should it have to be sent again. */
  total: number
  inInbox: number
  listed: Conviction[]
}

/** What ETD did, said to the person the message was aimed at. */
function sentence(verdict: string, remediation: string): string {
  const article = /^[aeiou]/i.test(verdict) ? 'an' : 'a'
  return `identified as ${article} ${verdict} threat and ${remediation === 'no action taken' ? 'not yet removed' : remediation}`
}

/** A notice lists at most this many of the owner's messages; the rest are counted. */
export const OWNER_NOTICE_MAX_ROWS = 25

export interface OwnerNoticeOptions {
  /** Whom owners ask, named in every notice (`email-reply-to`); our text, checked by the config. */
  contact?: string
  /** Whether the notice goes out with a Reply-To (`email-reply-to`), so that a reply reaches a person. */
  replyTo?: boolean
}

function whomToAsk(options: OwnerNoticeOptions): string {
  if (options.contact) return `Questions: ${options.contact}`
  return options.replyTo ? 'Questions: reply to this email.' : 'Questions: ask your security team.'
}

/** The first line and the subject when messages are still in the inbox: the truth first, then what to do. */
function inboxWarning(inInbox: number): { subject: string; first: string } {
  const one = inInbox === 1
  const them = one ? 'it' : 'them'
  return {
    subject: `[ETD] ${plural(inInbox, 'dangerous message')} ${one ? 'is' : 'are'} still in your inbox — do not open ${them}`,
    first:
      `${one ? 'A dangerous message addressed to you is' : `${count(inInbox)} dangerous messages addressed to you are`} still in your inbox. ` +
      `Do not open ${them}, do not reply, and do not follow links or open attachments: delete ${them}, or report ${them} as phishing.`
  }
}

/**
 * Said before any list: the sender and subject are the attacker's words, which a notice from the
 * security team must not seem to vouch for.
 */
export const CLAIMED =
  'The sender and subject below are what each message said about itself: whoever sent it wrote them, not your security team.'

/** The rows, and a count of those of `of` that are not among them. */
function listRows(lines: string[], rows: Row[], of: number, where = ''): void {
  for (const r of rows) {
    lines.push(`- Received ${r.received}`)
    lines.push(`  The message said it came from: ${r.sender}`)
    lines.push(`  Its subject said: ${r.subject}`)
    lines.push(`  It was ${sentence(r.verdict, r.remediation)}.`)
    lines.push('')
  }
  if (of > rows.length) lines.push(`${plural(of - rows.length, 'more message')}${where} not listed here.`, '')
}

const stopped = (n: number, also: boolean) =>
  `Cisco Secure Email Threat Defense ${also ? 'also ' : ''}stopped ${n === 1 ? 'a' : `${count(n)}${also ? ' more' : ''}`} dangerous message${n === 1 ? '' : 's'} addressed to you:`

/**
 * One short plain-text email per monitored mailbox, listing only that mailbox's own messages: those still
 * in the inbox first, and then the subject and first line say so. The subject carries no attacker text.
 * With `totals`, every mailbox it counts gets a notice with its full counts, even when the run kept none
 * of its rows.
 */
export function buildOwnerNotices(
  convictions: Conviction[],
  rule: MatchRule,
  timeZone: string,
  totals?: BatchTotals,
  options: OwnerNoticeOptions = {}
): OwnerNotice[] {
  const kept = new Map(groupByMailbox(convictions, rule).map((g) => [g.address, g.messages]))
  const counts = totals?.mailboxes ?? new Map([...kept].map(([address, messages]) => [address, messages.length]))
  return [...counts]
    .filter(([address]) => address.includes('@'))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([address, total]) => {
      const messages = kept.get(address) ?? []
      const inInbox = totals?.mailboxesActionNeeded.get(address) ?? messages.filter(needsAction).length
      const listed = messages.slice(0, OWNER_NOTICE_MAX_ROWS)
      const rows = listed.map((m) => toRow(m, timeZone))
      const movedRows = rows.filter((r) => !r.actionNeeded)
      const lines: string[] = []
      let subject = `[ETD] ${plural(total, 'dangerous message')} to you ${total === 1 ? 'was' : 'were'} stopped`
      if (inInbox > 0) {
        const warning = inboxWarning(inInbox)
        subject = warning.subject
        lines.push(warning.first, whomToAsk(options), '', CLAIMED, '', `Still in your inbox (${count(inInbox)}):`, '')
        listRows(
          lines,
          rows.filter((r) => r.actionNeeded),
          inInbox,
          ' still in your inbox,'
        )
        if (total > inInbox) {
          lines.push(stopped(total - inInbox, true), '')
          listRows(lines, movedRows, total - inInbox)
        }
      } else {
        lines.push('Hello,', '', CLAIMED, '', stopped(total, false), '')
        listRows(lines, movedRows, total)
      }
      lines.push(
        'Do not reply to the sender, open its attachments or follow its links. If you were expecting one of these',
        'messages, or if the sender asked you for money, credentials or urgency, contact your security team.',
        ...(inInbox > 0 ? [] : [whomToAsk(options)]),
        '',
        'This notice was sent automatically by ETD verdict watch.'
      )
      return { to: address, subject, text: `${lines.join('\n')}\n`, total, inInbox, listed }
    })
}
