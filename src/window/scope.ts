// The dedupe scope follows from the plan (how far its windows reach) and the state: it lives with the
// plan, one layer above the state it reads.
import { before, type Ranges } from '../state/searched.js'
import type { WatchState } from '../state/state.js'
import { deepScanAfter, reachOf, type SearchPlan } from './plan.js'

/** Which matched messages this run may tell, and what the next state remembers of what it knows. */
export interface DedupeScope {
  /** Where the watch began: before it, a message counts only with a verdict given after it. */
  horizon: number
  /** Where the state's record shows earlier runs searched, before what the state still remembers. */
  covered?: Ranges
  /** Whether this run searches before what the state remembers, where the issue markers join it. */
  reachesBack: boolean
  /** The known convictions received from here on are carried into the next state. */
  keepFrom: number
  /** After a search that got to `searchedTo`: from where the next state must remember. */
  rememberedFrom(searchedTo: number): number
}

/**
 * The dedupe scope of a run planned as `plan` after `previous`. A backfill tells what lies before where
 * the watch began, and moves that back; where the state's record shows a search older than what the state
 * still remembers, earlier runs told. How far back the state remembers, before this run and after it, is
 * what a later window can reach.
 */
export function dedupeScope(plan: SearchPlan, previous: WatchState | undefined, rescanMs: number): DedupeScope {
  const { window } = plan
  const deepScanAt = deepScanAfter(plan, previous?.deepScanAt, true)
  const rememberedFrom = (searchedTo: number) =>
    reachOf(deepScanAt, Math.max(searchedTo, previous?.watermark ?? searchedTo), rescanMs)
  const keepFrom = reachOf(deepScanAt, window.end, rescanMs)
  if (!previous) return { horizon: window.start, reachesBack: false, keepFrom, rememberedFrom }
  const backfilled = plan.backfill?.kind === 'run'
  const rememberedBefore = reachOf(previous.deepScanAt, previous.watermark, rescanMs)
  return {
    horizon: backfilled ? Math.min(previous.horizon, window.start) : previous.horizon,
    ...(previous.searched ? { covered: before(previous.searched, rememberedBefore) } : {}),
    reachesBack: backfilled || (plan.resumeFrom !== undefined && plan.resumeFrom < rememberedBefore),
    keepFrom,
    rememberedFrom
  }
}
