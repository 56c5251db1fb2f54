import type { MatchRule } from '../match/matcher.js'
import type { Conviction } from '../state/dedupe.js'
import { batchCharts } from './chart.js'
import { inertCode, inertMarkdown } from './markdown.js'
import { formatMarker } from './marker.js'
import {
  actionNeededLine,
  batchHeadline,
  groupByMailbox,
  plural,
  toRow,
  totalsOf,
  verdictCounts,
  verdictNote,
  type BatchTotals
} from './rows.js'

export interface IssueInput {
  /** The batch's convictions, or as many of them as the run kept. */
  convictions: Conviction[]
  /** Counts of the whole batch, when `convictions` holds only part of it. */
  totals?: BatchTotals
  rule: MatchRule
  window: { start: number; end: number }
  /** What the other channels did, for the audit trail. */
  notes: string[]
  runUrl?: string
  /** send-test: the title says [TEST]. */
  test?: boolean
  /** GitHub's limit on issue bodies. */
  maxLength?: number
}

export interface IssueContent {
  title: string
  body: string
  /** Rows left out to stay within the body limit. */
  omitted: number
}

const MAX_BODY = 65_536
const MAX_TITLE = 250

const utc = (millis: number) => new Date(millis).toISOString()

/** `2026-11-27 10:00–11:00 UTC`, or both dates when the window spans midnight. */
export function windowLabel(window: { start: number; end: number }): string {
  const [startDay, startTime] = [utc(window.start).slice(0, 10), utc(window.start).slice(11, 16)]
  const [endDay, endTime] = [utc(window.end).slice(0, 10), utc(window.end).slice(11, 16)]
  return startDay === endDay
    ? `${startDay} ${startTime}–${endTime} UTC`
    : `${startDay} ${startTime} – ${endDay} ${endTime} UTC`
}

export function issueTitle(totals: BatchTotals, window: { start: number; end: number }): string {
  const title = `ETD: ${batchHeadline(totals)} (${verdictCounts(totals)}) ${windowLabel(window)}`
  return title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title
}

const HEADER =
  '| Received | From | Subject | Verdict | Techniques | Remediation | ETD id |\n| --- | --- | --- | --- | --- | --- | --- |'

/**
 * The audit-trail issue: the digest's facts as markdown tables grouped by mailbox, the window, what the
 * other channels did, and a hidden marker of the batch. Attacker text is inert; rows that do not fit
 * GitHub's body limit are counted, never silently dropped.
 */
export function buildIssue(input: IssueInput): IssueContent {
  const maxLength = input.maxLength ?? MAX_BODY
  const totals = input.totals ?? totalsOf(input.convictions, input.rule)
  const marker = formatMarker(input.convictions, maxLength / 4)
  const action = actionNeededLine(totals)
  const intro = [
    `## ${batchHeadline(totals)} (${verdictCounts(totals)})`,
    '',
    ...(action ? [`> [!WARNING]\n> **${action}**: listed first.`, ''] : []),
    `Cisco Secure Email Threat Defense convicted these messages to watched mailboxes in the window ${utc(input.window.start)} to ${utc(input.window.end)}.`,
    '',
    ...input.notes.map((note) => `- ${note}`),
    ...(input.runUrl ? [`- Workflow run: ${input.runUrl}`] : []),
    '',
    batchCharts(totals),
    ''
  ].join('\n')

  const groups = groupByMailbox(input.convictions, input.rule)
  // A message in two watched mailboxes has a row in each.
  const rows = [...totals.mailboxes.values()].reduce((n, count) => n + count, 0)
  let shown = 0
  let body = `${marker}\n${intro}`
  // Room for the closing note, whatever it says.
  const budget = maxLength - 300
  outer: for (const { address, label, messages: convictions } of groups) {
    const count = totals.mailboxes.get(address) ?? convictions.length
    const section = `\n### ${inertMarkdown(label)} (${count})\n\n${HEADER}\n`
    if (body.length + section.length > budget) break
    body += section
    for (const conviction of convictions) {
      const r = toRow(conviction)
      const row = `| ${[r.received, r.sender, r.subject, verdictNote(r), r.techniques, r.remediation].map(inertMarkdown).join(' | ')} | ${inertCode(r.id)} |\n`
      if (body.length + row.length > budget) break outer
      body += row
      shown++
    }
  }
  const omitted = rows - shown
  if (omitted > 0) {
    body += `\n> ${plural(omitted, 'more row')} did not fit in this issue (GitHub's limit is ${maxLength} characters); the JSON report of the run lists all ${totals.total} convictions.\n`
  }
  return { title: `${input.test ? '[TEST] ' : ''}${issueTitle(totals, input.window)}`, body, omitted }
}
