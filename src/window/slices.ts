import { MAX_PAGE_SIZE, RATE_PER_SECOND } from '../etd/limits.js'
import { MAX_CHUNK_MS } from './plan.js'

import { MINUTE } from '../common/time.js'
/** Without a rate to go by, a first slice short enough to finish, which the next ones grow from. */
const FIRST_SLICE_MS = 60 * MINUTE
const MIN_SLICE_MS = MINUTE
/** How much longer a slice may be than the last, when the last was sparse. */
const GROWTH = 4

/** How long a run with `time-budget` searches: four fifths of it, leaving the rest to notify and save. */
export const searchTime = (timeBudgetMs: number) => Math.floor((timeBudgetMs * 4) / 5)

/**
 * Pages one slice should take under a time budget: a quarter of what the search time allows at ETD's
 * pace, so that the slice a stop cuts short (and the next run searches again) is a small part of a run.
 */
export function slicePages(searchMs: number): number {
  return Math.max(1, Math.floor(((searchMs / 1000) * RATE_PER_SECOND) / 4))
}

/**
 * Where the slice from `start` ends: about `pages` full pages at `perMs` messages a millisecond (seen in
 * the last slice, or the rate the state keeps), at most `GROWTH` times the last slice, at least a minute;
 * in whole seconds, within ETD's longest span and the window. Without `pages`, ETD's longest span.
 */
export function sliceEnd(
  start: number,
  windowEnd: number,
  pages?: number,
  perMs?: number,
  lastSpanMs?: number
): number {
  let span = MAX_CHUNK_MS
  if (pages !== undefined) {
    // An empty last slice (no density) leaves the growth cap in charge.
    span = perMs === undefined ? FIRST_SLICE_MS : (pages * MAX_PAGE_SIZE) / perMs
    if (lastSpanMs !== undefined) span = Math.min(span, lastSpanMs * GROWTH)
    span = Math.min(Math.max(span, MIN_SLICE_MS), MAX_CHUNK_MS)
  }
  return Math.min(Math.floor((start + span) / 1000) * 1000, windowEnd)
}
