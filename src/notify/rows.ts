import type { EtdMessage } from '../etd/types.js'
import { verdictLabel } from '../etd/verdicts.js'
import { mailboxMatches, type MatchRule } from '../match/matcher.js'
import { defang } from './escape.js'

/** One matched message as every channel shows it: plain strings, not yet escaped for any format. */
export interface Row {
  id: string
  received: string
  sender: string
  subject: string
  verdict: string
  /** The verdict told before, when this is a verdict change. */
  previousVerdict?: string
  retro: boolean
  techniques: string
  remediation: string
}

const FOLDER_NAMES: Record<string, string> = {
  quarantine: 'quarantine',
  trash: 'deleted items',
  junk: 'junk',
  junkemail: 'junk',
  inbox: 'the inbox'
}

/** `2026-11-27 10:00 UTC`: what a person reads; the report keeps the exact time. */
export function displayTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}

/** What ETD did with the message, in words: "moved to quarantine automatically". */
function describeRemediation(message: EtdMessage): string {
  const folder = message.remediation?.folder
  if (!folder) return 'no action taken'
  const where = folder === 'inbox' ? 'left in the inbox' : `moved to ${FOLDER_NAMES[folder] ?? folder}`
  const how = message.remediation?.automatic === false ? 'by an administrator' : 'automatically'
  return folder === 'inbox' ? where : `${where} ${how}`
}

// Control characters (newlines included) would break a table row or a text layout; a 2,000-character
// sender name would push everything else off the screen. The report keeps the full text.
const MAX_TEXT = 200
function oneLine(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  return flat.length > MAX_TEXT ? `${[...flat].slice(0, MAX_TEXT).join('')}…` : flat
}

/** A message's display strings, attacker text made one-line and its URLs unclickable. */
export function toRow(message: EtdMessage & { previousVerdict?: string }): Row {
  const name = defang(oneLine(message.senderName))
  return {
    id: message.id,
    received: displayTime(message.receivedAt),
    sender: name ? `${name} <${message.fromAddress}>` : message.fromAddress,
    subject: defang(oneLine(message.subject)) || '(no subject)',
    verdict: verdictLabel(message.verdict),
    previousVerdict: message.previousVerdict === undefined ? undefined : verdictLabel(message.previousVerdict),
    retro: message.retro,
    techniques: message.techniques.map((t) => t.type).join(', '),
    remediation: describeRemediation(message)
  }
}

/** The monitored mailboxes a message sits in: its mailboxes that the rule lists, or all when it lists none. */
function monitoredMailboxes(message: EtdMessage, rule: MatchRule): string[] {
  if (rule.mailboxes.length === 0) return message.mailboxes
  return message.mailboxes.filter((mailbox) => rule.mailboxes.some((pattern) => mailboxMatches(mailbox, pattern)))
}

/** Messages by monitored mailbox, mailboxes in order of address; a message in two sits in both. */
export function groupByMailbox(messages: EtdMessage[], rule: MatchRule): Array<[string, EtdMessage[]]> {
  const groups = new Map<string, EtdMessage[]>()
  for (const message of messages) {
    const mailboxes = monitoredMailboxes(message, rule)
    for (const mailbox of mailboxes.length > 0 ? mailboxes : ['(no mailbox)']) {
      groups.set(mailbox, [...(groups.get(mailbox) ?? []), message])
    }
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))
}

/** How often each key occurs, most frequent first, ties in alphabetical order. */
export function tally(keys: string[]): Array<[string, number]> {
  const counts = new Map<string, number>()
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
}

/** `2 BEC, 1 phishing`, most frequent first. */
export function verdictCounts(messages: EtdMessage[]): string {
  return tally(messages.map((m) => verdictLabel(m.verdict)))
    .map(([verdict, n]) => `${n} ${verdict}`)
    .join(', ')
}

/** `BEC (retro, was spam)`: the verdict with what a reader should notice about it. */
export function verdictNote(row: Row): string {
  const notes = [row.retro ? 'retro' : '', row.previousVerdict ? `was ${row.previousVerdict}` : ''].filter(Boolean)
  return notes.length > 0 ? `${row.verdict} (${notes.join(', ')})` : row.verdict
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`
