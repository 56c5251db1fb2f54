import { MAX_PAGE_SIZE } from '../etd/limits.js'
import { SCHEDULED_RUNS_KEPT } from '../state/state.js'

import { HOUR, MINUTE } from '../common/time.js'
/** How much history the rate estimate weighs against one new sample of a window's length. */
const RATE_MEMORY_MS = 6 * HOUR

/** Search requests for a span of `spanMs` at `ratePerHour` messages: full pages, and one at least. */
export function searchRequests(ratePerHour: number, spanMs: number): number {
  return Math.max(1, Math.ceil((ratePerHour * spanMs) / HOUR / MAX_PAGE_SIZE))
}

export interface BudgetView {
  dailyBudget: number
  /** Requests already made today (UTC) by earlier runs. */
  usedToday: number
  /** Messages per hour the verdict filter returns, from earlier runs; unknown before the first. */
  ratePerHour?: number
  /** How often the scheduled runs come (see cronInterval). */
  intervalMs?: number
}

/** GitHub never starts a scheduled workflow more often than this. */
export const MIN_CRON_MS = 5 * MINUTE

/** The recent scheduled runs, oldest first, with this run's time added when it is one of them. */
export function scheduledRunsWith(previous: readonly number[] | undefined, now: number, scheduled: boolean): number[] {
  if (!scheduled) return [...(previous ?? [])]
  return [...(previous ?? []).filter((at) => at < now), now].slice(-SCHEDULED_RUNS_KEPT)
}

/**
 * How often the watch runs: the median gap between its recent scheduled runs (GitHub delays, drops and
 * bunches them), never under GitHub's minimum, and that minimum until two are known.
 */
export function cronInterval(scheduledRuns: readonly number[]): number {
  const gaps = scheduledRuns
    .slice(1)
    .map((at, i) => at - scheduledRuns[i])
    .sort((a, b) => a - b)
  const middle = Math.floor(gaps.length / 2)
  const median = gaps.length % 2 === 1 ? gaps[middle] : (gaps[middle - 1] + gaps[middle]) / 2
  return gaps.length === 0 ? MIN_CRON_MS : Math.max(MIN_CRON_MS, median)
}

/**
 * Requests to keep for the fresh windows of the runs still to come before `until`: each makes a token
 * request and searches one interval (plus its overlap).
 */
export function reserveForRuns(view: BudgetView, now: number, until: number, overlapMs: number): number {
  if (view.ratePerHour === undefined || view.intervalMs === undefined) return 0
  const runs = Math.floor((until - now) / view.intervalMs)
  return runs * (1 + searchRequests(view.ratePerHour, view.intervalMs + overlapMs))
}

// The day's tally lives with the state, which the weekly report's run also adds to.
export { tallyRequests } from '../state/state.js'

/**
 * The rate folded with one window's sample, weighted by the window's length: a day-long deep rescan
 * nearly replaces it, a ten-minute window nudges it.
 */
export function foldRate(previous: number | undefined, scanned: number, spanMs: number): number | undefined {
  if (spanMs <= 0) return previous
  const sample = (scanned * HOUR) / spanMs
  if (previous === undefined) return Math.round(sample * 100) / 100
  const weight = spanMs / (spanMs + RATE_MEMORY_MS)
  return Math.round((previous + weight * (sample - previous)) * 100) / 100
}
