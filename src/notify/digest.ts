import type { Clean } from '../etd/clean.js'
import type { MatchRule } from '../match/matcher.js'
import type { Conviction } from '../state/dedupe.js'
import { escapeHtml } from './escape.js'
import { groupByMailbox, plural, toRow, verdictCounts, verdictNote, type Row } from './rows.js'

export interface DigestInput {
  /** What this run tells: new convictions and verdict changes. */
  convictions: Conviction[]
  rule: MatchRule
  window: { start: number; end: number }
  maxRows: number
  /** The attachment that lists every message, named where rows are left out. */
  reportName: string
}

export interface Digest {
  subject: string
  text: string
  html: string
}

const BADGE_COLORS: Record<string, string> = {
  BEC: '#8b0000',
  scam: '#b45309',
  phishing: '#c2410c',
  malicious: '#7f1d1d',
  spam: '#4b5563',
  graymail: '#6b7280',
  neutral: '#15803d'
}

const windowText = (w: { start: number; end: number }) =>
  `${new Date(w.start).toISOString().replace('.000Z', 'Z')} to ${new Date(w.end).toISOString().replace('.000Z', 'Z')}`

/** What the batch holds: `3 new convictions`, `2 new convictions, 1 verdict change`. */
export function batchHeadline(convictions: Conviction[]): string {
  const changes = convictions.filter((c) => c.previousVerdict !== undefined).length
  const fresh = convictions.length - changes
  return [fresh > 0 ? plural(fresh, 'new conviction') : '', changes > 0 ? plural(changes, 'verdict change') : '']
    .filter(Boolean)
    .join(', ')
}

function digestSubject(convictions: Conviction[]): string {
  if (convictions.length === 0) return '[ETD] All clear: no new convictions'
  return `[ETD] ${batchHeadline(convictions)}: ${verdictCounts(convictions)}`
}

/** Rows grouped by mailbox, cut after `maxRows` rows in all. */
function limitedGroups(input: DigestInput): { groups: Array<[Clean, Row[]]>; shown: number; total: number } {
  const all = groupByMailbox(input.convictions, input.rule)
  const total = all.reduce((sum, { messages }) => sum + messages.length, 0)
  let budget = input.maxRows
  const groups: Array<[Clean, Row[]]> = []
  for (const { label, messages } of all) {
    if (budget <= 0) break
    groups.push([label, messages.slice(0, budget).map(toRow)])
    budget -= messages.length
  }
  return { groups, shown: Math.min(total, input.maxRows), total }
}

function html(input: DigestInput, groups: Array<[Clean, Row[]]>, leftOut: number): string {
  const cell = 'style="padding:4px 8px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top"'
  const header = ['Received', 'From', 'Subject', 'Verdict', 'Techniques', 'Remediation']
  const badge = (row: Row) =>
    `<span style="background:${BADGE_COLORS[row.verdict] ?? '#374151'};color:#fff;padding:1px 6px;border-radius:3px">${escapeHtml(row.verdict)}</span>` +
    (row.retro ? ' <em>retro</em>' : '') +
    (row.previousVerdict ? ` <em>was ${escapeHtml(row.previousVerdict)}</em>` : '')
  const sections = groups.map(
    ([mailbox, rows]) =>
      `<h3 style="margin:16px 0 4px">${escapeHtml(mailbox)} (${rows.length})</h3>` +
      `<table style="border-collapse:collapse;font-size:13px"><tr>${header.map((h) => `<th ${cell}>${h}</th>`).join('')}</tr>` +
      rows
        .map(
          (r) =>
            `<tr>${[
              escapeHtml(r.received),
              escapeHtml(r.sender),
              `${escapeHtml(r.subject)}<br><small style="color:#6b7280">ETD id ${escapeHtml(r.id)}</small>`,
              badge(r),
              escapeHtml(r.techniques),
              escapeHtml(r.remediation)
            ]
              .map((v) => `<td ${cell}>${v}</td>`)
              .join('')}</tr>`
        )
        .join('') +
      '</table>'
  )
  const body =
    input.convictions.length === 0
      ? '<p>All clear: no new convictions in the watched mailboxes.</p>'
      : `<p>Cisco Secure Email Threat Defense in the watched mailboxes: ${escapeHtml(batchHeadline(input.convictions))} (${escapeHtml(verdictCounts(input.convictions))}).</p>` +
        sections.join('') +
        (leftOut > 0
          ? `<p>${plural(leftOut, 'more row')} not shown; the attached ${escapeHtml(input.reportName)} lists every message.</p>`
          : '')
  return (
    '<!doctype html><html><head><meta charset="utf-8"></head>' +
    '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#111827">' +
    `<h2 style="margin:0 0 8px">ETD verdict watch</h2><p style="color:#4b5563">Window ${windowText(input.window)}</p>` +
    body +
    '</body></html>'
  )
}

function text(input: DigestInput, groups: Array<[Clean, Row[]]>, leftOut: number): string {
  const lines = ['ETD verdict watch', `Window ${windowText(input.window)}`, '']
  if (input.convictions.length === 0)
    return [...lines, 'All clear: no new convictions in the watched mailboxes.', ''].join('\n')
  lines.push(`${batchHeadline(input.convictions)}: ${verdictCounts(input.convictions)}`, '')
  for (const [mailbox, rows] of groups) {
    lines.push(`== ${mailbox} (${rows.length})`)
    for (const r of rows) {
      lines.push(`- ${r.received}  ${verdictNote(r)}  from ${r.sender}`)
      lines.push(`  Subject: ${r.subject}`)
      if (r.techniques) lines.push(`  Techniques: ${r.techniques}`)
      lines.push(`  Remediation: ${r.remediation}`)
      lines.push(`  ETD id: ${r.id}`)
    }
    lines.push('')
  }
  if (leftOut > 0)
    lines.push(`${plural(leftOut, 'more row')} not shown; the attached ${input.reportName} lists every message.`, '')
  return lines.join('\n')
}

/** The administrator's digest: HTML with every message string escaped, and a plain-text twin. */
export function buildDigest(input: DigestInput): Digest {
  const { groups, shown, total } = limitedGroups(input)
  return {
    subject: digestSubject(input.convictions),
    html: html(input, groups, total - shown),
    text: text(input, groups, total - shown)
  }
}
