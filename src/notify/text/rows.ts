import { clean, cleanAll, display, joinClean, type Clean, type Cleaned } from '../../etd/clean.js'
import type { EtdMessage, Remediation } from '../../etd/types.js'
import { inInbox } from '../../etd/message.js'
import { verdictLabel } from '../../etd/verdicts.js'
import { count, formatTime, plural } from '../../common/format.js'
import { mailboxMatches, type MatchRule } from '../../match/matcher.js'

/**
 * One matched message as every channel shows it: every value cleaned (see clean.ts), not yet escaped
 * for any format. Built from the message's cleaned view only, so that no raw ETD text reaches a channel.
 */
export interface Row {
  id: Clean
  received: Clean
  mailboxes: Clean
  sender: Clean
  subject: Clean
  verdict: Clean
  /** The verdict told before, when this is a verdict change. */
  previousVerdict?: Clean
  retro: boolean
  /** Still in the inbox: see `needsAction`. */
  actionNeeded: boolean
  techniques: Clean
  /** Each technique with the severity ETD gave it, where it gave one: `QR code (high)`. */
  techniqueSeverities: Clean
  /** The links ETD names under a URL technique (`Malicious URL`), defanged like any ETD text. */
  urls: Clean
  remediation: Clean
}

// Keyed by ETD text: a Map, so that a folder named `constructor` shows as itself, not as Object's.
const FOLDER_NAMES = new Map<string, Clean>([
  ['quarantine', display`quarantine`],
  ['trash', display`deleted items`],
  ['junk', display`junk`],
  ['junkemail', display`junk`],
  ['inbox', display`the inbox`]
])

const label = (verdict: Clean) => clean(verdictLabel(verdict))

/** A folder as people call it: `deleted items` for ETD's `trash`; ETD's own word for one it did not name. */
export const folderName = (folder: Clean): Clean => FOLDER_NAMES.get(folder) ?? folder

/** What ETD did with the message, in words: "moved to quarantine automatically". */
function describeRemediation(remediation: Cleaned<Remediation> | undefined): Clean {
  const folder = remediation?.folder
  if (!folder) return display`no action taken`
  if (folder === 'inbox') return display`left in the inbox`
  if (remediation?.byWatch) return display`moved to ${folderName(folder)} by the watch`
  const how = remediation?.automatic === false ? display`by an administrator` : display`automatically`
  return display`moved to ${folderName(folder)} ${how}`
}

/** Still in the inbox, as etd/message.ts's `inInbox` decides (the state's daily records count the same). */
export const needsAction: (message: EtdMessage) => boolean = inInbox

type Displayed = Cleaned<EtdMessage & { previousVerdict?: string }>

function row(m: Displayed, timeZone: string): Row {
  return {
    id: m.id,
    // The report keeps the exact time; a person reads the minute in the watch's zone.
    received: clean(formatTime(Date.parse(m.receivedAt), timeZone)),
    mailboxes: joinClean(m.mailboxes),
    sender: m.senderName ? display`${m.senderName} <${m.fromAddress}>` : m.fromAddress,
    subject: m.subject || display`(no subject)`,
    verdict: label(m.verdict),
    previousVerdict: m.previousVerdict === undefined ? undefined : label(m.previousVerdict),
    retro: m.retro,
    actionNeeded: needsAction(m),
    techniques: joinClean(m.techniques.map((t) => t.type)),
    techniqueSeverities: joinClean(m.techniques.map((t) => (t.severity ? display`${t.type} (${t.severity})` : t.type))),
    urls: joinClean([
      ...new Set(m.techniques.filter((t) => /\burl\b/i.test(t.type) && t.description).map((t) => t.description!))
    ]),
    remediation: describeRemediation(m.remediation)
  }
}

/** A message's display values, read from its cleaned view (every string in it cleaned, new fields too). */
export function toRow(message: EtdMessage & { previousVerdict?: string }, timeZone: string): Row {
  return row(cleanAll(message), timeZone)
}

export interface MailboxGroup<T> {
  /** The mailbox's address as ETD gave it, for sending to; never shown. */
  address: string
  /** The address as shown. */
  label: Clean
  messages: T[]
}

/** The monitored mailboxes a message sits in: its mailboxes that the rule lists, or all when it lists none. */
export function monitoredMailboxes(message: EtdMessage, rule: MatchRule): string[] {
  if (rule.mailboxes.length === 0) return message.mailboxes
  return message.mailboxes.filter((mailbox) => rule.mailboxes.some((pattern) => mailboxMatches(mailbox, pattern)))
}

/** The mailboxes a message is grouped under: its monitored ones, or a stand-in when it has none. */
export function groupKeys(message: EtdMessage, rule: MatchRule): string[] {
  const mailboxes = monitoredMailboxes(message, rule)
  return mailboxes.length > 0 ? mailboxes : ['(no mailbox)']
}

/** Those still in the inbox, and the rest, each part in its own order. */
export function splitActionNeeded<T extends EtdMessage>(messages: T[]): { inbox: T[]; rest: T[] } {
  const inbox: T[] = []
  const rest: T[] = []
  for (const message of messages) (needsAction(message) ? inbox : rest).push(message)
  return { inbox, rest }
}

/** Those still in the inbox first, each part in its own order. */
export function actionFirst<T extends EtdMessage>(messages: T[]): T[] {
  const { inbox, rest } = splitActionNeeded(messages)
  return [...inbox, ...rest]
}

/**
 * Messages by monitored mailbox, a message in two sitting in both. Mailboxes with a message still in the
 * inbox come first, and in each mailbox those messages; otherwise in order of address, and as given.
 */
export function groupByMailbox<T extends EtdMessage>(messages: T[], rule: MatchRule): Array<MailboxGroup<T>> {
  const groups = new Map<string, T[]>()
  for (const message of actionFirst(messages)) {
    for (const mailbox of groupKeys(message, rule)) {
      const group = groups.get(mailbox)
      if (group) group.push(message)
      else groups.set(mailbox, [message])
    }
  }
  const urgent = (grouped: T[]) => (needsAction(grouped[0]) ? 0 : 1)
  return [...groups.entries()]
    .sort(([a, x], [b, y]) => urgent(x) - urgent(y) || a.localeCompare(b))
    .map(([address, grouped]) => ({ address, label: clean(address), messages: grouped }))
}

/**
 * What a whole batch holds, when the channels are given only the convictions they can show: counted as
 * the convictions stream past, so that every headline and "N more" speaks of all of them.
 */
export interface BatchTotals {
  total: number
  /** Of those, verdict changes of messages told before. */
  changes: number
  /** Of those, messages still in the inbox: someone must act on them. */
  actionNeeded: number
  /** Verdict label → count. */
  verdicts: Map<string, number>
  /** Monitored mailbox → count. */
  mailboxes: Map<string, number>
  /** Monitored mailbox → count of its convictions still in the inbox. */
  mailboxesActionNeeded: Map<string, number>
}

export function emptyTotals(): BatchTotals {
  return {
    total: 0,
    changes: 0,
    actionNeeded: 0,
    verdicts: new Map(),
    mailboxes: new Map(),
    mailboxesActionNeeded: new Map()
  }
}

/** Counts one conviction into `totals` (`by` -1 takes it out again). */
export function countInto(
  totals: BatchTotals,
  conviction: EtdMessage & { previousVerdict?: string },
  rule: MatchRule,
  by = 1
): void {
  const bump = (map: Map<string, number>, key: string) => {
    const n = (map.get(key) ?? 0) + by
    if (n > 0) map.set(key, n)
    else map.delete(key)
  }
  totals.total += by
  if (conviction.previousVerdict !== undefined) totals.changes += by
  const inbox = needsAction(conviction)
  if (inbox) totals.actionNeeded += by
  bump(totals.verdicts, verdictLabel(conviction.verdict))
  for (const mailbox of groupKeys(conviction, rule)) {
    bump(totals.mailboxes, mailbox)
    if (inbox) bump(totals.mailboxesActionNeeded, mailbox)
  }
}

/** The totals without some of their convictions. */
export function totalsWithout(
  totals: BatchTotals,
  removed: Array<EtdMessage & { previousVerdict?: string }>,
  rule: MatchRule
): BatchTotals {
  const left = {
    ...totals,
    verdicts: new Map(totals.verdicts),
    mailboxes: new Map(totals.mailboxes),
    mailboxesActionNeeded: new Map(totals.mailboxesActionNeeded)
  }
  for (const conviction of removed) countInto(left, conviction, rule, -1)
  return left
}

/** The totals of a batch that is whole. */
export function totalsOf(convictions: Array<EtdMessage & { previousVerdict?: string }>, rule: MatchRule): BatchTotals {
  const totals = emptyTotals()
  for (const conviction of convictions) countInto(totals, conviction, rule)
  return totals
}

/**
 * The heading of the section every channel leads with when any conviction is still in an inbox: the
 * count, then (in each channel) the list.
 */
export const actionNeededLine = (totals: BatchTotals) =>
  totals.actionNeeded > 0 ? `Still in the inbox: ${count(totals.actionNeeded)} — act on these` : undefined

/** The heading of the rest, after that section; none when nothing is in an inbox. */
export const movedLine = (totals: BatchTotals) =>
  totals.actionNeeded > 0 ? `Moved out of the inbox: ${count(totals.total - totals.actionNeeded)}` : undefined

/** A mailbox's convictions that are not in its inbox: those its group lists after the leading section. */
export const movedInMailbox = (totals: BatchTotals, mailbox: string) =>
  (totals.mailboxes.get(mailbox) ?? 0) - (totals.mailboxesActionNeeded.get(mailbox) ?? 0)

/**
 * Where a message that leaves rows out sends the reader: the run's page outlives the job, and the
 * report file on the runner does not (the workflow keeps it as an artifact).
 */
export const runListsAll = (what = 'every one') =>
  `the workflow run lists ${what} (its summary, and the report among its artifacts)`

/** `12 more rows not shown here (3 of them still in the inbox)`: what a channel left out, the urgent named. */
export function leftOutCount(leftOut: number, inboxLeftOut: number, one = 'more row'): string {
  return `${plural(leftOut, one)} not shown here${inboxLeftOut > 0 ? ` (${count(inboxLeftOut)} of them still in the inbox)` : ''}`
}

/** `BEC (retro, was spam)`: the verdict with what a reader should notice about it. */
export function verdictNote(row: Row): Clean {
  const notes = [row.retro ? display`retro` : '', row.previousVerdict ? display`was ${row.previousVerdict}` : '']
  const given = notes.filter((note): note is Clean => note !== '')
  return given.length > 0 ? display`${row.verdict} (${joinClean(given)})` : row.verdict
}
