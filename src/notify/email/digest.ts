import type { Clean } from '../../etd/clean.js'
import type { MatchRule } from '../../match/matcher.js'
import type { Conviction } from '../../etd/types.js'
import type { SearchWindow } from '../../window/plan.js'
import { OTHER_COLOR, VERDICT_COLORS } from '../text/colors.js'
import { escapeHtml } from '../text/escape.js'
import { count, formatWindow } from '../../common/format.js'
import { batchHeadline, verdictCounts } from '../text/format.js'
import {
  actionNeededLine,
  groupByMailbox,
  leftOutCount,
  movedInMailbox,
  movedLine,
  runListsAll,
  splitActionNeeded,
  toRow,
  totalsOf,
  verdictNote,
  type BatchTotals,
  type Row
} from '../text/rows.js'

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
  /** The report's file, named when it is not attached and there is no run to point to (outside Actions). */
  reportPath: string
  links?: DigestLinks
}

/** Where to read on: ours, from GitHub, never from ETD. */
export interface DigestLinks {
  /** The issue opened for this batch (or the earlier one that records it). */
  issue?: string
  /** This workflow run: its summary and report. */
  run?: string
}

export interface Digest {
  subject: string
  text: string
  html: string
}

/** Where every message is, when the digest leaves some out: the attachment, else the run's page, else (outside Actions) the file. */
function wholeList(input: DigestInput): string {
  if (input.reportName) return `the attached ${input.reportName} lists every message`
  if (input.links?.run) return `${runListsAll()}: ${input.links.run} (the report was too large to attach)`
  return `the report at ${input.reportPath} lists every message (it was too large to attach)`
}

/** Counts only, never attacker text; those still in the inbox first, since someone must act on them. */
function digestSubject(totals: BatchTotals): string {
  if (totals.total === 0) return '[ETD] All clear: no new convictions'
  const inbox = totals.actionNeeded > 0 ? `${count(totals.actionNeeded)} still in the inbox · ` : ''
  return `[ETD] ${inbox}${batchHeadline(totals)}: ${verdictCounts(totals)}`
}

/** Our links (the issue, the run) as label and URL, for either part of an email. */
export const linkLines = (links: DigestLinks | undefined): Array<[string, string]> => [
  ...(links?.issue ? [['Issue', links.issue] as [string, string]] : []),
  ...(links?.run ? [['Workflow run', links.run] as [string, string]] : [])
]

/**
 * The page every email of the watch is, around its content: one narrow column that reads the same at
 * 420 px as on a desktop, our links under the heading.
 */
export function emailPage(heading: string, links: DigestLinks | undefined, content: string): string {
  const linked = linkLines(links)
    .map(([label, url]) => `${label}: <a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`)
    .join('<br>')
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"></head>' +
    '<body style="margin:0;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#111827">' +
    '<div style="max-width:640px;margin:0 auto;padding:12px;font-size:14px;overflow-wrap:anywhere;word-break:break-word">' +
    heading +
    (linked ? `<p>${linked}</p>` : '') +
    content +
    '</div></body></html>'
  )
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

const badge = (row: Row) =>
  `<span style="background:${VERDICT_COLORS.get(row.verdict) ?? OTHER_COLOR};color:#fff;padding:1px 6px;border-radius:3px">${escapeHtml(row.verdict)}</span>` +
  (row.retro ? ' <em>retro</em>' : '') +
  (row.previousVerdict ? ` <em>was ${escapeHtml(row.previousVerdict)}</em>` : '')

const MUTED = 'color:#6b7280'

/**
 * One block per conviction, a label and a value a line: it reads the same at 420 px as on a desktop,
 * where a table of six columns showed three. `withMailboxes` for the leading section, whose rows are in
 * no mailbox group.
 */
function convictionHtml(r: Row, withMailboxes: boolean): string {
  const lines: Array<[string, string]> = [
    ['Received', r.received],
    ...(withMailboxes ? [['Mailboxes', r.mailboxes] as [string, string]] : []),
    ['From', r.sender],
    ['Techniques', r.techniqueSeverities],
    ['URLs', r.urls],
    ['Remediation', r.remediation]
  ]
  return (
    `<div style="border:1px solid #e5e7eb;border-left:4px solid ${VERDICT_COLORS.get(r.verdict) ?? OTHER_COLOR};border-radius:4px;padding:8px 12px;margin:8px 0">` +
    `<div style="font-weight:600">${escapeHtml(r.subject)}</div>` +
    `<div style="margin:4px 0">${badge(r)}</div>` +
    lines
      .filter(([, value]) => value)
      .map(([label, value]) => `<div><span style="${MUTED}">${label}:</span> ${escapeHtml(value)}</div>`)
      .join('') +
    `<div style="${MUTED};font-size:12px">ETD id ${escapeHtml(r.id)}</div></div>`
  )
}

const blocksHtml = (rows: Row[], withMailboxes: boolean) => rows.map((r) => convictionHtml(r, withMailboxes)).join('')

function html(input: DigestInput, totals: BatchTotals, { inbox, groups, leftOut, inboxLeftOut }: Sections): string {
  const action = actionNeededLine(totals)
  const moved = movedLine(totals)
  const sections = groups.map(
    ({ label, count, rows }) =>
      `<h3 style="margin:16px 0 4px">${escapeHtml(label)} (${count})</h3>` + blocksHtml(rows, false)
  )
  const body =
    totals.total === 0
      ? '<p>All clear: no new convictions in the watched mailboxes.</p>'
      : (action
          ? `<h2 style="margin:16px 0 4px;color:#b91c1c">${escapeHtml(action)}</h2>` + blocksHtml(inbox, true)
          : '') +
        `<p>Cisco Secure Email Threat Defense in the watched mailboxes: ${escapeHtml(batchHeadline(totals))} (${escapeHtml(verdictCounts(totals))}).</p>` +
        (moved && groups.length > 0 ? `<h2 style="margin:16px 0 4px">${escapeHtml(moved)}</h2>` : '') +
        sections.join('') +
        (leftOut > 0 ? `<p>${escapeHtml(`${leftOutCount(leftOut, inboxLeftOut)}; ${wholeList(input)}`)}.</p>` : '')
  return emailPage(
    `<h2 style="margin:0 0 8px">ETD verdict watch</h2><p style="color:#4b5563">Window ${formatWindow(input.window, input.timeZone)}</p>`,
    input.links,
    body
  )
}

function textRows(lines: string[], rows: Row[], withMailboxes: boolean): void {
  for (const r of rows) {
    lines.push(`- ${r.received}  ${verdictNote(r)}  from ${r.sender}`)
    if (withMailboxes) lines.push(`  To: ${r.mailboxes}`)
    lines.push(`  Subject: ${r.subject}`)
    if (r.techniqueSeverities) lines.push(`  Techniques: ${r.techniqueSeverities}`)
    if (r.urls) lines.push(`  URLs: ${r.urls}`)
    lines.push(`  Remediation: ${r.remediation}`)
    lines.push(`  ETD id: ${r.id}`)
  }
  lines.push('')
}

function text(input: DigestInput, totals: BatchTotals, { inbox, groups, leftOut, inboxLeftOut }: Sections): string {
  const lines = [
    'ETD verdict watch',
    `Window ${formatWindow(input.window, input.timeZone)}`,
    ...linkLines(input.links).map(([label, url]) => `${label}: ${url}`),
    ''
  ]
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
  if (leftOut > 0) lines.push(`${leftOutCount(leftOut, inboxLeftOut)}; ${wholeList(input)}.`, '')
  return lines.join('\n')
}

/** The administrator's digest: HTML with every message string escaped, and a plain-text twin. */
export function buildDigest(input: DigestInput): Digest {
  const totals = input.totals ?? totalsOf(input.convictions, input.rule)
  const sections = limitedSections(input, totals)
  return { subject: digestSubject(totals), html: html(input, totals, sections), text: text(input, totals, sections) }
}
