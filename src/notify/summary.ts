import type { EtdMessage } from '../etd/types.js'
import { verdictLabel } from '../etd/verdicts.js'
import type { MatchRule } from '../match/matcher.js'
import { escapeHtml } from './escape.js'
import { groupByMailbox, toRow } from './rows.js'

export interface SummaryInput {
  window: { start: number; end: number }
  matched: EtdMessage[]
  rule: MatchRule
  scanned: number
  skipped: number
  /** What the notification channels did, one sentence each. */
  notifications: string[]
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
      `${input.matched.length} matched${input.skipped > 0 ? `, ${input.skipped} unreadable skipped` : ''}.</p>`,
    ...input.notifications.map((n) => `<p>${escapeHtml(n)}</p>`)
  ]
  if (input.matched.length === 0) return [...lines, '<p>Nothing matched.</p>'].join('\n')

  const verdicts = new Map<string, number>()
  for (const m of input.matched) verdicts.set(verdictLabel(m.verdict), (verdicts.get(verdictLabel(m.verdict)) ?? 0) + 1)
  const mailboxes = groupByMailbox(input.matched, input.rule)
  lines.push(table(['Verdict', 'Count'], [...verdicts].map(([k, n]) => [escapeHtml(k), String(n)])))
  lines.push(table(['Mailbox', 'Count'], mailboxes.map(([k, ms]) => [escapeHtml(k), String(ms.length)])))
  lines.push(
    table(
      ['Received', 'Mailboxes', 'From', 'Subject', 'Verdict', 'Techniques', 'Remediation'],
      input.matched.map((m) => {
        const r = toRow(m)
        return [r.received, m.mailboxes.join(', '), r.sender, r.subject, r.verdict + (r.retro ? ' (retro)' : ''), r.techniques, r.remediation].map(escapeHtml)
      })
    )
  )
  return lines.join('\n')
}
