import type { Conviction } from '../../etd/types.js'
import type { WeeklyReport } from '../../report/weekly/types.js'
import type { WeeklyLinks } from '../text/weekly.js'
import type { SearchWindow } from '../../window/plan.js'
import { formatWindow } from '../../common/format.js'
import { batchHeadline } from '../text/format.js'
import {
  actionFirst,
  actionNeededLine,
  leftOutCount,
  movedLine,
  runListsAll,
  toRow,
  type BatchTotals,
  type Row
} from '../text/rows.js'

/** What every webhook renderer is given: pure data, so that each renders without a server. */
export interface WebhookBatch {
  /** The convictions the channels may show; `totals` counts all of them. */
  convictions: Conviction[]
  totals: BatchTotals
  window: SearchWindow
  timeZone: string
  /** The report's file, named only outside Actions, where no job deletes it. */
  reportPath: string
  /** This workflow run, whose summary and report artifact list every conviction; absent outside Actions. */
  runUrl?: string
  /** The issue opened (or found) for this batch, when the issue channel went first. */
  issueUrl?: string
  /** send-test: the title says [TEST]. */
  test?: boolean
}

/** A rendered payload and how many convictions it could not show. */
export interface Rendered {
  payload: unknown
  omitted: number
}

/** A platform a webhook posts to: the format of its messages, its size limit within. */
export interface Platform {
  /** The batch as one message: as many convictions as fit, those still in the inbox first. */
  render: (batch: WebhookBatch) => Rendered
  /** One line of the watch's own (the daily heartbeat) as a message. */
  line: (text: string) => unknown
  /** The weekly report as one message: its headline numbers and top lists (see weekly.ts). */
  weekly: (report: WeeklyReport, links: WeeklyLinks) => unknown
}

export const title = (totals: BatchTotals, test = false) =>
  `${test ? '[TEST] ' : ''}ETD verdict watch: ${totals.total > 0 ? batchHeadline(totals) : 'nothing new'}`

const windowLine = (batch: WebhookBatch) => `Messages received ${formatWindow(batch.window, batch.timeZone)}`

/** The rows to show, those still in the inbox first (otherwise in ETD's order). */
const rowsActionFirst = (convictions: Conviction[], timeZone: string): Row[] =>
  actionFirst(convictions).map((c) => toRow(c, timeZone))

/** What a payload shows: those still in the inbox under their own heading first, then the rest. */
export interface Shown {
  inbox: Row[]
  moved: Row[]
  /** Convictions not shown, and how many of them are still in the inbox. */
  omitted: number
  inboxOmitted: number
}

/** The first rows of an action-first list, split where those still in the inbox end. */
function shown(rows: Row[], totals: BatchTotals): Shown {
  const split = rows.findIndex((row) => !row.actionNeeded)
  const inbox = split === -1 ? rows : rows.slice(0, split)
  return {
    inbox,
    moved: split === -1 ? [] : rows.slice(split),
    omitted: totals.total - rows.length,
    inboxOmitted: totals.actionNeeded - inbox.length
  }
}

/** What a payload says of the convictions it left out, and the run's page, which each platform links its own way. */
export interface LeftOut {
  text: string
  runUrl?: string
}

/**
 * Where the convictions left out are: the run's page (its summary, and the report when the workflow keeps
 * it as an artifact), which outlives the job; outside Actions, the report's file, which nothing deletes.
 */
function leftOut({ omitted, inboxOmitted }: Shown, batch: WebhookBatch): LeftOut | undefined {
  if (omitted === 0) return undefined
  const count = leftOutCount(omitted, inboxOmitted, 'more conviction')
  return batch.runUrl
    ? { text: `${count}; ${runListsAll()}`, runUrl: batch.runUrl }
    : { text: `${count}; the report at ${batch.reportPath} lists every one` }
}

/** How a chat platform writes each part of the layout they share; `P` is one part of its message. */
export interface Parts<P> {
  /** The title and the line naming the window: one part or two. */
  heading(title: string, window: string): P[]
  /** How many are still in the inbox, above their rows. */
  action(text: string): P
  /** The heading of the rest, once some are shown. */
  moved(text: string): P
  /** Rows, nothing for none. */
  rows(rows: Row[]): P[]
  leftOut(rest: LeftOut): P
}

/**
 * The layout every chat message has, in seven parts: the title, the window, how many are still in the
 * inbox, their rows, the heading of the rest, those rows, and where the ones left out are listed.
 */
export function layout<P>(batch: WebhookBatch, shown: Shown, parts: Parts<P>): P[] {
  const action = actionNeededLine(batch.totals)
  const moved = movedLine(batch.totals)
  const rest = leftOut(shown, batch)
  return [
    ...parts.heading(title(batch.totals, batch.test), windowLine(batch)),
    ...(action ? [parts.action(action)] : []),
    ...parts.rows(shown.inbox),
    ...(moved && shown.moved.length > 0 ? [parts.moved(moved)] : []),
    ...parts.rows(shown.moved),
    ...(rest ? [parts.leftOut(rest)] : [])
  ]
}

/** The largest `k` in 0..n for which `fits(k)` holds, `fits` holding for all k up to some point. */
export function largestFitting(n: number, fits: (k: number) => boolean): number {
  let low = 0
  let high = n
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (fits(mid)) low = mid
    else high = mid - 1
  }
  return low
}

export const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8')

/**
 * Renders as many rows as fit under a limit: `render` of the first k rows (those still in the inbox
 * first), measured by
 * `size`. With no row fitting, the payload still says how many there are and where they are.
 */
export function renderFitting(
  batch: WebhookBatch,
  render: (shown: Shown) => unknown,
  size: (payload: unknown) => number,
  limit: number
): Rendered {
  const rows = rowsActionFirst(batch.convictions, batch.timeZone)
  const at = (k: number) => render(shown(rows.slice(0, k), batch.totals))
  const k = largestFitting(rows.length, (n) => size(at(n)) <= limit)
  return { payload: at(k), omitted: batch.totals.total - k }
}

/** `JSON.stringify`'s size in bytes: what the platform receives. */
export const jsonBytes = (payload: unknown) => utf8Bytes(JSON.stringify(payload))
