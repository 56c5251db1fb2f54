import type { EtdMessage } from '../etd/types.js'
import type { MatchRule } from '../match/matcher.js'
import type { Conviction, Disposition } from '../state/dedupe.js'
import { escapeHtml } from './escape.js'
import { groupByMailbox, tally, toRow, verdictNote } from './rows.js'

export interface SummaryInput {
  window: { start: number; end: number }
  matched: EtdMessage[]
  notices: Conviction[]
  dispositions: ReadonlyMap<string, Disposition>
  rule: MatchRule
  scanned: number
  skipped: number
  /** Messages that an administrator released: never told, but counted, so that a release is seen. */
  released: number
  /** What the notification channels and the state store did, one sentence each. */
  notes: string[]
}

const DISPOSITION_TEXT: Record<Disposition, string> = {
  new: 'new',
  'verdict-change': 'verdict change',
  'already-notified': 'already notified',
  'before-horizon': 'before the watch began'
}

/**
 * Escaped, and on one line: GitHub's markdown ends an HTML block at a blank line, after which the rest
 * would render as markdown. Message values are one line already (clean.ts); notes may not be.
 */
const inline = (text: string) => escapeHtml(text).replace(/\s*[\r\n\u2028\u2029\u0085]\s*/g, ' ')

function table(head: string[], rows: string[][]): string {
  const cells = (tag: string, values: string[]) => values.map((v) => `<${tag}>${inline(v)}</${tag}>`).join('')
  return `<table><tr>${cells('th', head)}</tr>${rows.map((r) => `<tr>${cells('td', r)}</tr>`).join('')}</table>`
}

function counts(keys: string[]): Array<[string, string]> {
  return tally(keys).map(([k, n]) => [k, String(n)])
}

const iso = (millis: number) => new Date(millis).toISOString().replace('.000Z', 'Z')

/** The job summary: HTML in which every string from a message is escaped. */
export function renderSummary(input: SummaryInput): string {
  const byDisposition = counts([...input.dispositions.values()].map((d) => DISPOSITION_TEXT[d]))
  const lines = [
    '<h2>ETD verdict watch</h2>',
    `<p>Window ${iso(input.window.start)} to ${iso(input.window.end)}: ${input.scanned} messages scanned, ` +
      `${input.matched.length} matched${input.released > 0 ? `, ${input.released} released by an administrator` : ''}` +
      `${input.skipped > 0 ? `, ${input.skipped} unreadable skipped` : ''}` +
      `${byDisposition.length > 0 ? ` (${byDisposition.map(([k, n]) => `${n} ${k}`).join(', ')})` : ''}.</p>`,
    ...input.notes.map((n) => `<p>${inline(n)}</p>`)
  ]
  if (input.matched.length === 0) return [...lines, '<p>Nothing matched.</p>'].join('\n')
  if (input.notices.length > 0) {
    lines.push('<h3>Told in this run</h3>')
    lines.push(table(['Verdict', 'Count'], counts(input.notices.map((c) => toRow(c).verdict))))
    lines.push(
      table(
        ['Mailbox', 'Count'],
        groupByMailbox(input.notices, input.rule).map(({ label, messages }) => [label, String(messages.length)])
      )
    )
  }
  const previous = new Map(input.notices.map((c) => [c.id, c.previousVerdict]))
  lines.push('<h3>Matched in the window</h3>')
  lines.push(
    table(
      ['Received', 'Mailboxes', 'From', 'Subject', 'Verdict', 'Techniques', 'Remediation', 'Status'],
      input.matched.map((m) => {
        const r = toRow({ ...m, previousVerdict: previous.get(m.id) })
        const status = DISPOSITION_TEXT[input.dispositions.get(m.id) ?? 'new']
        return [r.received, r.mailboxes, r.sender, r.subject, verdictNote(r), r.techniques, r.remediation, status]
      })
    )
  )
  return lines.join('\n')
}
