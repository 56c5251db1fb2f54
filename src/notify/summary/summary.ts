import { clean } from '../../etd/clean.js'
import type { EtdMessage } from '../../etd/types.js'
import { mailboxMatches, type MatchRule } from '../../match/matcher.js'
import { isTold, type Disposition } from '../../state/dedupe.js'
import type { Batch } from '../batch.js'
import { batchCharts } from '../text/chart.js'
import { escapeHtml } from '../text/escape.js'
import { unreferenced } from '../text/markdown.js'
import type { SearchWindow } from '../../window/plan.js'
import { count, formatWindow, plural } from '../../common/format.js'
import { actionNeededLine, splitActionNeeded, toRow, verdictNote, type Row } from '../text/rows.js'

/** GitHub drops a step summary over 1 MiB (and shows an error instead): stay well under it. */
export const SUMMARY_MAX_BYTES = 1024 * 1024
/** What the summary fills, leaving room for the notes written after it. */
export const SUMMARY_BUDGET = SUMMARY_MAX_BYTES - 64 * 1024
/** Matched messages kept for the summary's table; the report lists them all. */
export const SUMMARY_MAX_ROWS = 1000

interface MatchedRow {
  message: EtdMessage
  disposition: Disposition
  previousVerdict?: string
}

/**
 * The matched messages as they stream past: every one counted by disposition, the first few kept, and
 * the watched mailboxes (patterns of the `mailboxes` input) that none of them was for.
 */
export class MatchedRows {
  readonly rows: MatchedRow[] = []
  readonly dispositions = new Map<Disposition, number>()
  total = 0
  private readonly unmatched: Set<string>

  constructor(watched: readonly string[] = []) {
    this.unmatched = new Set(watched)
  }

  /** The watched mailboxes that no matched message was for, in the input's order. */
  get quiet(): string[] {
    return [...this.unmatched]
  }

  add(message: EtdMessage, disposition: Disposition, previousVerdict?: string): void {
    this.total++
    for (const pattern of this.unmatched)
      if (message.mailboxes.some((mailbox) => mailboxMatches(mailbox, pattern))) this.unmatched.delete(pattern)
    this.dispositions.set(disposition, (this.dispositions.get(disposition) ?? 0) + 1)
    if (this.rows.length < SUMMARY_MAX_ROWS) this.rows.push({ message, disposition, previousVerdict })
  }
}

export interface SummaryInput {
  window: SearchWindow
  timeZone: string
  matched: MatchedRows
  /** What this run told. */
  batch: Batch
  rule: MatchRule
  scanned: number
  skipped: number
  /** Messages that an administrator released: never told, but counted, so that a release is seen. */
  released: number
  /** What the notification channels and the state store did, one sentence each. */
  notes: string[]
  /** Where the report that lists every match is. */
  reportPath: string
}

const DISPOSITION_TEXT: Record<Disposition, string> = {
  new: 'new',
  'verdict-change': 'verdict change',
  'already-notified': 'already notified',
  'before-horizon': 'before the watch began',
  covered: 'told by an earlier run'
}

/**
 * The summary is on the run's page; the report file it names goes with the runner unless the workflow
 * uploads it, and the summary says so.
 */
const reportNamed = (path: string) =>
  `the JSON report at ${path} lists every one (the report-path output; the runner deletes it after the job unless the workflow uploads it as an artifact)`

/**
 * Escaped, and on one line: GitHub's markdown ends an HTML block at a blank line, after which the rest
 * would render as markdown. Message values are one line already (clean.ts); notes may not be.
 */
const inline = (text: string) => escapeHtml(text).replace(/\s*[\r\n\u2028\u2029\u0085]\s*/g, ' ')

const cells = (tag: string, values: string[]) => values.map((v) => `<${tag}>${inline(v)}</${tag}>`).join('')

function table(head: string[], rows: string[][]): string {
  return `<table><tr>${cells('th', head)}</tr>${rows.map((r) => `<tr>${cells('td', r)}</tr>`).join('')}</table>`
}

const byCount = (counts: Iterable<[string, number]>) =>
  [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => [k, String(n)])

/** Counts keyed by ETD's own strings (mailboxes, verdicts), cleaned for display. */
const cleanKeys = (counts: Map<string, number>): Array<[string, number]> =>
  [...counts].map(([key, n]) => [unreferenced(clean(key)), n])

/**
 * The job summary: HTML in which every string from a message is escaped, under GitHub's 1 MiB at any
 * number of matches: the table of matches stops where the budget ends, and says how many it left out.
 */
export function renderSummary(input: SummaryInput): string {
  const { matched, batch } = input
  const byDisposition = byCount([...matched.dispositions].map(([d, n]) => [DISPOSITION_TEXT[d], n]))
  const lines = [
    '<h2>ETD verdict watch</h2>',
    `<p>Window ${formatWindow(input.window, input.timeZone)}: ${input.scanned} messages scanned, ` +
      `${matched.total} matched${input.released > 0 ? `, ${input.released} released by an administrator` : ''}` +
      `${input.skipped > 0 ? `, ${input.skipped} unreadable skipped` : ''}` +
      `${byDisposition.length > 0 ? ` (${byDisposition.map(([k, n]) => `${n} ${k}`).join(', ')})` : ''}.</p>`,
    ...input.notes.map((n) => `<p>${inline(n)}</p>`)
  ]
  const quiet = matched.quiet
  if (quiet.length > 0) {
    lines.push(
      `<p>${inline(`${plural(quiet.length, 'watched mailbox', 'watched mailboxes')} matched nothing in the window: ${quiet.join(', ')}.`)}</p>`
    )
  }
  if (matched.total === 0) return [...lines, '<p>Nothing matched.</p>'].join('\n')
  const head = ['Received', 'Mailboxes', 'From', 'Subject', 'Verdict', 'Techniques', 'Remediation', 'Status']
  // GitHub links @mentions and #123 in HTML text too: ETD's values get theirs broken.
  const cellsOf = (r: Row, disposition: Disposition) =>
    cells('td', [
      ...[r.received, r.mailboxes, r.sender, r.subject, verdictNote(r), r.techniques, r.remediation].map(unreferenced),
      DISPOSITION_TEXT[disposition]
    ])
  const told =
    batch.totals.total > 0
      ? [
          '<h3>Told in this run</h3>',
          table(['Verdict', 'Count'], byCount(cleanKeys(batch.totals.verdicts))),
          table(['Mailbox', 'Count'], byCount(cleanKeys(batch.totals.mailboxes)))
        ]
      : []
  let size = Buffer.byteLength([...lines, ...told].join('\n')) + 2 * head.join('').length + 2048
  const fits = (row: string) => (size += Buffer.byteLength(row)) <= SUMMARY_BUDGET
  // Told and still in the inbox, first: someone must act on those. The batch kept them before any other.
  const action = actionNeededLine(batch.totals)
  const shownFirst = new Set<string>()
  if (action) {
    const rows: string[] = []
    for (const conviction of splitActionNeeded(batch.convictions).inbox) {
      const row = `<tr>${cellsOf(toRow(conviction, input.timeZone), conviction.previousVerdict === undefined ? 'new' : 'verdict-change')}</tr>`
      if (!fits(row)) break
      rows.push(row)
      shownFirst.add(conviction.id)
    }
    lines.push(`<h3>${inline(action)}</h3>`, `<table><tr>${cells('th', head)}</tr>${rows.join('')}</table>`)
    if (rows.length < batch.totals.actionNeeded) {
      lines.push(
        `<p>${inline(`${plural(batch.totals.actionNeeded - rows.length, 'more')} still in the inbox not shown here; ${reportNamed(input.reportPath)}.`)}</p>`
      )
    }
  }
  lines.push(...told)
  lines.push(action ? '<h3>Matched in the window, besides those</h3>' : '<h3>Matched in the window</h3>')
  let shown = shownFirst.size
  const rows: string[] = []
  for (const { message, disposition, previousVerdict } of matched.rows) {
    if (isTold(disposition) && shownFirst.has(message.id)) continue
    const row = `<tr>${cellsOf(toRow({ ...message, previousVerdict }, input.timeZone), disposition)}</tr>`
    if (!fits(row)) break
    rows.push(row)
    shown++
  }
  lines.push(`<table><tr>${cells('th', head)}</tr>${rows.join('')}</table>`)
  if (shown < matched.total) {
    lines.push(
      `<p>${inline(`${plural(matched.total - shown, 'more matched message')} not shown here (of ${count(matched.total)}); ${reportNamed(input.reportPath)}.`)}</p>`
    )
  }
  // Markdown after the HTML, past the blank line that ends it: counts and sanitised labels only.
  const charts = batchCharts(batch.totals)
  return charts ? `${lines.join('\n')}\n\n${charts}\n` : lines.join('\n')
}
