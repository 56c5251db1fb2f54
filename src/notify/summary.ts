import type { EtdMessage } from '../etd/types.js'
import { verdictLabel } from '../etd/verdicts.js'
import { escapeHtml } from './escape.js'

export interface SummaryInput {
  window: { start: number; end: number }
  matched: EtdMessage[]
  scanned: number
  skipped: number
}

function countBy(messages: EtdMessage[], keys: (m: EtdMessage) => string[]): Array<[string, number]> {
  const counts = new Map<string, number>()
  for (const message of messages) for (const key of keys(message)) counts.set(key, (counts.get(key) ?? 0) + 1)
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
}

function table(head: string[], rows: string[][]): string {
  const cells = (tag: string, values: string[]) => values.map((v) => `<${tag}>${v}</${tag}>`).join('')
  return `<table><tr>${cells('th', head)}</tr>${rows.map((r) => `<tr>${cells('td', r)}</tr>`).join('')}</table>`
}

const iso = (millis: number) => new Date(millis).toISOString().replace('.000Z', 'Z')

/** The job summary: HTML in which every string from a message is escaped. */
export function renderSummary(input: SummaryInput): string {
  const lines = [
    '<h2>ETD verdict watch</h2>',
    `<p>Window ${iso(input.window.start)} to ${iso(input.window.end)}: ${input.scanned} messages scanned, ` +
      `${input.matched.length} matched${input.skipped > 0 ? `, ${input.skipped} unreadable skipped` : ''}.</p>`
  ]
  if (input.matched.length === 0) {
    lines.push('<p>Nothing matched.</p>')
    return lines.join('\n')
  }
  const byVerdict = countBy(input.matched, (m) => [verdictLabel(m.verdict)])
  const byMailbox = countBy(input.matched, (m) => m.mailboxes)
  lines.push(table(['Verdict', 'Count'], byVerdict.map(([k, n]) => [escapeHtml(k), String(n)])))
  lines.push(table(['Mailbox', 'Count'], byMailbox.map(([k, n]) => [escapeHtml(k), String(n)])))
  lines.push(
    table(
      ['Received', 'Mailboxes', 'From', 'Subject', 'Verdict', 'Techniques', 'Remediation'],
      input.matched.map((m) => [
        escapeHtml(m.receivedAt),
        escapeHtml(m.mailboxes.join(', ')),
        escapeHtml(m.senderName ? `${m.senderName} <${m.fromAddress}>` : m.fromAddress),
        escapeHtml(m.subject),
        escapeHtml(verdictLabel(m.verdict) + (m.retro ? ' (retro)' : '')),
        escapeHtml(m.techniques.map((t) => t.type).join(', ')),
        escapeHtml(m.remediation?.folder ?? 'none')
      ])
    )
  )
  return lines.join('\n')
}
