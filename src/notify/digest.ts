import type { Clean } from '../etd/clean.js'
import type { MatchRule } from '../match/matcher.js'
import type { Conviction } from '../etd/types.js'
import type { SearchWindow } from '../window/plan.js'
import { escapeHtml } from './escape.js'
import { batchHeadline, formatWindow, verdictCounts } from './format.js'
import {
  actionNeededLine,
  groupByMailbox,
  leftOutCount,
  movedInMailbox,
  movedLine,
  splitActionNeeded,
  toRow,
  totalsOf,
  verdictNote,
  type BatchTotals,
  type Row
} from './rows.js'

export interface DigestInput {
  /** What this run tells: new convictions and verdict changes, or as many of them as the run kept. */
  convictions: Conviction[]
  /** Counts of the whole batch, when `convictions` holds only part of it. */
  totals?: BatchTotals
  rule: MatchRule
  window: SearchWindow
  timeZone: string
  maxRows: number
  /** The attachment that lists every message, named where rows are left out; absent when not attached. */
  reportName?: string
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

const reportPlace = (input: DigestInput) =>
  input.reportName ? `the attached ${input.reportName}` : "the run's JSON report (too large to attach)"

function digestSubject(totals: BatchTotals): string {
  if (totals.total === 0) return '[ETD] All clear: no new convictions'
  return `[ETD] ${batchHeadline(totals)}: ${verdictCounts(totals)}`
}

interface Group {
  label: Clean
  /** All of the mailbox's convictions in this part, shown or not. */
  count: number
  rows: Row[]
}

interface Sections {
  /** Still in the inbox, shown first and once each (with the mailboxes they are in). */
  inbox: Row[]
  /** The rest, by mailbox. */
  groups: Group[]
  /** Rows not shown, and how many of them are still in the inbox. */
  leftOut: number
  inboxLeftOut: number
}

/**
 * Those still in the inbox first, then the rest grouped by mailbox, cut after `maxRows` rows in all; what
 * is left out is counted from `totals`, the whole batch.
 */
function limitedSections(input: DigestInput, totals: BatchTotals): Sections {
  const { inbox, rest } = splitActionNeeded(input.convictions)
  const inboxRows = inbox.slice(0, input.maxRows).map((m) => toRow(m, input.timeZone))
  let budget = input.maxRows - inboxRows.length
  let shown = 0
  const groups: Group[] = []
  for (const { address, label, messages } of groupByMailbox(rest, input.rule)) {
    if (budget <= 0) break
    const rows = messages.slice(0, budget).map((m) => toRow(m, input.timeZone))
    groups.push({ label, count: movedInMailbox(totals, address), rows })
    budget -= rows.length
    shown += rows.length
  }
  const restTotal = [...totals.mailboxes.keys()].reduce((sum, mailbox) => sum + movedInMailbox(totals, mailbox), 0)
  const inboxLeftOut = totals.actionNeeded - inboxRows.length
  return { inbox: inboxRows, groups, leftOut: inboxLeftOut + restTotal - shown, inboxLeftOut }
}

const CELL = 'style="padding:4px 8px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top"'

const badge = (row: Row) =>
  `<span style="background:${BADGE_COLORS[row.verdict] ?? '#374151'};color:#fff;padding:1px 6px;border-radius:3px">${escapeHtml(row.verdict)}</span>` +
  (row.retro ? ' <em>retro</em>' : '') +
  (row.previousVerdict ? ` <em>was ${escapeHtml(row.previousVerdict)}</em>` : '')

/** A table of rows; `withMailboxes` for the leading section, whose rows are in no mailbox group. */
function tableHtml(rows: Row[], withMailboxes: boolean): string {
  const header = [
    'Received',
    ...(withMailboxes ? ['Mailboxes'] : []),
    'From',
    'Subject',
    'Verdict',
    'Techniques',
    'Remediation'
  ]
  return (
    `<table style="border-collapse:collapse;font-size:13px"><tr>${header.map((h) => `<th ${CELL}>${h}</th>`).join('')}</tr>` +
    rows
      .map(
        (r) =>
          `<tr>${[
            escapeHtml(r.received),
            ...(withMailboxes ? [escapeHtml(r.mailboxes)] : []),
            escapeHtml(r.sender),
            `${escapeHtml(r.subject)}<br><small style="color:#6b7280">ETD id ${escapeHtml(r.id)}</small>`,
            badge(r),
            escapeHtml(r.techniques),
            escapeHtml(r.remediation)
          ]
            .map((v) => `<td ${CELL}>${v}</td>`)
            .join('')}</tr>`
      )
      .join('') +
    '</table>'
  )
}

function html(input: DigestInput, totals: BatchTotals, { inbox, groups, leftOut, inboxLeftOut }: Sections): string {
  const action = actionNeededLine(totals)
  const moved = movedLine(totals)
  const sections = groups.map(
    ({ label, count, rows }) =>
      `<h3 style="margin:16px 0 4px">${escapeHtml(label)} (${count})</h3>` + tableHtml(rows, false)
  )
  const body =
    totals.total === 0
      ? '<p>All clear: no new convictions in the watched mailboxes.</p>'
      : (action
          ? `<h2 style="margin:16px 0 4px;color:#b91c1c">${escapeHtml(action)}</h2>` +
            (inbox.length > 0 ? tableHtml(inbox, true) : '')
          : '') +
        `<p>Cisco Secure Email Threat Defense in the watched mailboxes: ${escapeHtml(batchHeadline(totals))} (${escapeHtml(verdictCounts(totals))}).</p>` +
        (moved && groups.length > 0 ? `<h2 style="margin:16px 0 4px">${escapeHtml(moved)}</h2>` : '') +
        sections.join('') +
        (leftOut > 0
          ? `<p>${escapeHtml(leftOutCount(leftOut, inboxLeftOut))}; ${escapeHtml(reportPlace(input))} lists every message.</p>`
          : '')
  return (
    '<!doctype html><html><head><meta charset="utf-8"></head>' +
    '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#111827">' +
    `<h2 style="margin:0 0 8px">ETD verdict watch</h2><p style="color:#4b5563">Window ${formatWindow(input.window, input.timeZone)}</p>` +
    body +
    '</body></html>'
  )
}

function textRows(lines: string[], rows: Row[], withMailboxes: boolean): void {
  for (const r of rows) {
    lines.push(`- ${r.received}  ${verdictNote(r)}  from ${r.sender}`)
    if (withMailboxes) lines.push(`  To: ${r.mailboxes}`)
    lines.push(`  Subject: ${r.subject}`)
    if (r.techniques) lines.push(`  Techniques: ${r.techniques}`)
    lines.push(`  Remediation: ${r.remediation}`)
    lines.push(`  ETD id: ${r.id}`)
  }
  lines.push('')
}

function text(input: DigestInput, totals: BatchTotals, { inbox, groups, leftOut, inboxLeftOut }: Sections): string {
  const lines = ['ETD verdict watch', `Window ${formatWindow(input.window, input.timeZone)}`, '']
  if (totals.total === 0) return [...lines, 'All clear: no new convictions in the watched mailboxes.', ''].join('\n')
  const action = actionNeededLine(totals)
  if (action) {
    lines.push(`== ${action}`)
    textRows(lines, inbox, true)
  }
  lines.push(`${batchHeadline(totals)}: ${verdictCounts(totals)}`, '')
  const moved = movedLine(totals)
  if (moved && groups.length > 0) lines.push(`== ${moved}`, '')
  for (const { label, count, rows } of groups) {
    lines.push(`== ${label} (${count})`)
    textRows(lines, rows, false)
  }
  if (leftOut > 0) lines.push(`${leftOutCount(leftOut, inboxLeftOut)}; ${reportPlace(input)} lists every message.`, '')
  return lines.join('\n')
}

/** The administrator's digest: HTML with every message string escaped, and a plain-text twin. */
export function buildDigest(input: DigestInput): Digest {
  const totals = input.totals ?? totalsOf(input.convictions, input.rule)
  const sections = limitedSections(input, totals)
  return { subject: digestSubject(totals), html: html(input, totals, sections), text: text(input, totals, sections) }
}
