import type { Batch } from '../batch.js'
import { clean } from '../../etd/clean.js'
import type { SearchWindow } from '../../window/plan.js'
import { batchCharts } from '../text/chart.js'
import { formatWindow } from '../../common/format.js'
import { batchHeadline, verdictCounts } from '../text/format.js'
import { inertCode, inertMarkdown, ownAddress } from '../text/markdown.js'
import { formatMarker } from './marker.js'
import {
  actionNeededLine,
  groupByMailbox,
  leftOutCount,
  movedInMailbox,
  movedLine,
  runListsAll,
  splitActionNeeded,
  toRow,
  verdictNote,
  type BatchTotals,
  type Row
} from '../text/rows.js'

/** A note is clipped to this many characters in the issue; the log and the summary have it whole. */
const MAX_NOTE = 1000

/** What the issue holds besides the batch. */
export interface IssueExtras {
  /** What the other channels did, for the audit trail. */
  notes: string[]
  /** The channels that do not have the batch yet, for the marker. */
  owes?: string[]
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

export function issueTitle(totals: BatchTotals, window: SearchWindow, timeZone: string): string {
  const title = `ETD: ${batchHeadline(totals)} (${verdictCounts(totals)}) ${formatWindow(window, timeZone)}`
  return title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title
}

const HEADER =
  '| Received | From | Subject | Verdict | Techniques | Remediation | ETD id |\n| --- | --- | --- | --- | --- | --- | --- |'
/** The leading section's rows are in no mailbox group: they name their mailboxes. */
const INBOX_HEADER =
  '| Received | Mailboxes | From | Subject | Verdict | Techniques | Remediation | ETD id |\n| --- | --- | --- | --- | --- | --- | --- | --- |'

function tableRow(r: Row, withMailboxes: boolean): string {
  const cells = [
    r.received,
    ...(withMailboxes ? [r.mailboxes] : []),
    r.sender,
    r.subject,
    verdictNote(r),
    r.techniques,
    r.remediation
  ]
  return `| ${cells.map(inertMarkdown).join(' | ')} | ${inertCode(r.id)} |\n`
}

/**
 * The audit-trail issue: those still in the inbox first, then the rest as markdown tables grouped by
 * mailbox, the window, what the other channels did, and a hidden marker of the batch. Attacker text is
 * inert; rows that do not fit GitHub's body limit are counted, never silently dropped.
 */
export function buildIssue(input: Batch & IssueExtras): IssueContent {
  const maxLength = input.maxLength ?? MAX_BODY
  const { totals } = input
  const marker = formatMarker(input.convictions, maxLength / 4, input.owes)
  const action = actionNeededLine(totals)
  const moved = movedLine(totals)
  const headline = `## ${batchHeadline(totals)} (${verdictCounts(totals)})\n`
  const intro = [
    '',
    `Cisco Secure Email Threat Defense convicted these messages to watched mailboxes in the window ${formatWindow(input.window, input.timeZone)}.`,
    '',
    // A note quotes servers and ETD (a reply, an address): escaped like every other outside text.
    ...input.notes.map((note) => `- ${inertMarkdown(clean(note, MAX_NOTE))}`),
    ...(input.runUrl ? [`- Workflow run: ${input.runUrl}`] : []),
    '',
    batchCharts(totals),
    ''
  ].join('\n')

  const { inbox, rest } = splitActionNeeded(input.convictions)
  let body = `${marker}\n${headline}`
  // Room for the closing note, whatever it says.
  const budget = maxLength - 300
  let inboxShown = 0
  if (action) {
    body += `\n## ${action}\n\n> [!WARNING]\n> Nobody has moved these out of the inbox yet: someone must act on them.\n\n${INBOX_HEADER}\n`
    for (const conviction of inbox) {
      const row = tableRow(toRow(conviction, input.timeZone), true)
      // The intro follows the section: its room is kept.
      if (body.length + row.length + intro.length > budget) break
      body += row
      inboxShown++
    }
  }
  body += intro
  let shown = 0
  if (moved && rest.length > 0 && body.length + moved.length + 8 <= budget) body += `\n## ${moved}\n`
  outer: for (const { address, label, messages: convictions } of groupByMailbox(rest, input.rule)) {
    const count = movedInMailbox(totals, address)
    const heading = ownAddress(address, input.rule.mailboxes) ?? inertMarkdown(label)
    const section = `\n### ${heading} (${count})\n\n${HEADER}\n`
    if (body.length + section.length > budget) break
    body += section
    for (const conviction of convictions) {
      const row = tableRow(toRow(conviction, input.timeZone), false)
      if (body.length + row.length > budget) break outer
      body += row
      shown++
    }
  }
  // A message in two watched mailboxes has a row in each of their groups, and one in the leading section.
  const restRows = [...totals.mailboxes.keys()].reduce((n, mailbox) => n + movedInMailbox(totals, mailbox), 0)
  const inboxLeftOut = totals.actionNeeded - inboxShown
  const omitted = inboxLeftOut + restRows - shown
  if (omitted > 0) {
    const where = input.runUrl
      ? `${runListsAll(`all ${totals.total} convictions`)}: ${input.runUrl}`
      : `the run's JSON report lists all ${totals.total} convictions`
    body += `\n> ${leftOutCount(omitted, inboxLeftOut)}: they did not fit in this issue (GitHub's limit is ${maxLength} characters); ${where}.\n`
  }
  return { title: `${input.test ? '[TEST] ' : ''}${issueTitle(totals, input.window, input.timeZone)}`, body, omitted }
}
