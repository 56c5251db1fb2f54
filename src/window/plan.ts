import { MAX_AGE_MS as ETD_MAX_AGE_MS, MAX_PAGE_SIZE, MAX_SPAN_MS } from '../etd/limits.js'
import { rangeAt, unsearched, type Ranges } from '../state/searched.js'
import { dailyAfter } from '../state/daily.js'
import type { Ledger } from '../state/state.js'
import { foldRate, reserveForRuns, searchRequests, tallyRequests, type BudgetView } from './budget.js'

import { DAY, HOUR, MINUTE, nextUtcMidnight, type TimeSpan } from '../common/time.js'

/** A day under ETD's 32-day span, so that clock skew cannot trip it. */
export const MAX_CHUNK_MS = MAX_SPAN_MS - DAY
/** A day inside ETD's 90-day reach: the run takes time to get there, and the clocks differ. */
export const MAX_AGE_MS = ETD_MAX_AGE_MS - DAY
/** The fresh window starts this far before the watermark, for messages that ETD indexes late. */
export const FRESH_OVERLAP_MS = 5 * MINUTE

/** The span one run searches; the lower layers take it as a plain `TimeSpan`. */
export type SearchWindow = TimeSpan

export interface WindowSettings {
  lookbackMs: number
  rescanMs: number
  rescanEveryMs: number
  settleDelayMs: number
  dailyRequestBudget: number
  /** `backfill`: search this far back once, even with state; 0 for none. */
  backfillMs: number
}

/** What the restored state tells the planner. */
export interface PlanMemory {
  watermark?: number
  /** Where the watch began searching: a backfill that starts no earlier has nothing left to search. */
  horizon?: number
  /** End of the last deep rescan's window. */
  deepScanAt?: number
  /** The state's record of searched time; absent in states written before it kept one. */
  searched?: Ranges
  budget: Omit<BudgetView, 'dailyBudget'>
}

export type DeepRescan =
  /** No state: the lookback window is all there is to search. */
  | { kind: 'first-run' }
  | { kind: 'not-due'; dueAt: number }
  /** `estimate` is undefined until a run has measured how many messages ETD returns per hour. */
  | { kind: 'full'; start: number; estimate?: number }
  /** Does not fit in what is left of today's budget; the first run from `retryAt` (a new day's) runs it. */
  | { kind: 'postponed'; estimate: number; available: number; retryAt: number }
  /** Would not fit in a new day's budget either: its newest part that fits, from `start` instead of `wantedStart`. */
  | { kind: 'cut'; start: number; wantedStart: number; estimate: number; available: number }

export type Backfill =
  /** The watch has searched from `since` (its horizon), before the backfill's start: nothing to do. */
  | { kind: 'covered'; since: number }
  /** Searched this run from `start`; `estimate` (requests) is undefined until a run has measured the rate. */
  | { kind: 'run'; start: number; estimate?: number }
  /** Does not fit in what is left of today's budget, but would tomorrow, from `retryAt`. */
  | { kind: 'postponed'; start: number; estimate: number; available: number; retryAt: number }
  /** Would not fit in a whole day's budget. */
  | { kind: 'refused'; start: number; estimate: number; dayCapacity: number }

export interface SearchPlan {
  /** The one window searched: the fresh window, extended back when a deep rescan runs. */
  window: SearchWindow
  fresh: SearchWindow
  deep: DeepRescan
  /** With `backfill` and a restored state: what became of it. */
  backfill?: Backfill
  /** Where the search an earlier run left unfinished (a gap in the record of searched time) resumes. */
  resumeFrom?: number
  /** The input that set the window's start, for explaining a date range ETD refuses. */
  startSetBy: 'lookback' | 'rescan' | 'watermark' | 'backfill' | 'resume'
  /** The start that was wanted, when it lay beyond what ETD keeps and was moved forward. */
  clampedFrom?: number
  /** When the deep rescan will next run, as far as this run can tell. */
  nextDeepScan: number
}

const wholeSecond = (millis: number) => Math.floor(millis / 1000) * 1000

/**
 * Requests left for extra searching: today's after the runs still to come before midnight, and a whole
 * day's after its runs (what could ever fit).
 */
function budgetRoom(now: number, settings: WindowSettings, memory: PlanMemory): { today: number; day: number } {
  const view = { ...memory.budget, dailyBudget: settings.dailyRequestBudget }
  const midnight = nextUtcMidnight(now)
  return {
    today: settings.dailyRequestBudget - view.usedToday - reserveForRuns(view, now, midnight, FRESH_OVERLAP_MS),
    day: settings.dailyRequestBudget - reserveForRuns(view, midnight, midnight + DAY, FRESH_OVERLAP_MS)
  }
}

/**
 * Where a deep rescan starts: `rescan` before the end of the last one's window (before `end` when none
 * ran), so that a verdict given up to `rescan` after delivery is seen whenever the deep rescan comes.
 */
const rescanStart = (deepScanAt: number | undefined, end: number, rescanMs: number) =>
  Math.min(deepScanAt ?? end, end) - rescanMs

/**
 * The oldest delivery that a window after a state saved at `watermark`, with `deepScanAt`, can reach:
 * what that state has to remember.
 */
export const reachOf = (deepScanAt: number | undefined, watermark: number, rescanMs: number) =>
  Math.min(rescanStart(deepScanAt, watermark, rescanMs), watermark - FRESH_OVERLAP_MS)

/**
 * Whether the record of searched time reaches back over the last `rescan` (or to the horizon, for a
 * younger watch): the restored times alone do not say so. Without it the deep rescan is due, so that no
 * alert waits beyond the fresh window for a state's word.
 */
function recordReaches(memory: PlanMemory, from: number): boolean {
  const first = memory.searched?.[0]
  return first !== undefined && first[0] <= Math.max(from, memory.horizon ?? from)
}

/** Whether the deep rescan runs, and how far back, within what the day's budget has left. */
function planDeep(now: number, settings: WindowSettings, memory: PlanMemory, fresh: SearchWindow): DeepRescan {
  if (memory.watermark === undefined) return { kind: 'first-run' }
  if (
    memory.deepScanAt !== undefined &&
    fresh.end - memory.deepScanAt < settings.rescanEveryMs &&
    recordReaches(memory, fresh.end - settings.rescanMs)
  ) {
    return { kind: 'not-due', dueAt: memory.deepScanAt + settings.rescanEveryMs }
  }
  const start = wholeSecond(rescanStart(memory.deepScanAt, fresh.end, settings.rescanMs))
  const rate = memory.budget.ratePerHour
  if (start >= fresh.start) return { kind: 'full', start, estimate: 0 }
  if (rate === undefined) return { kind: 'full', start }
  const room = budgetRoom(now, settings, memory)
  const freshCost = 1 + searchRequests(rate, fresh.end - fresh.start)
  const available = room.today - freshCost
  const estimate = searchRequests(rate, fresh.start - start)
  if (estimate <= available) return { kind: 'full', start, estimate }
  // Postponed, it runs when a new day's budget starts, if that run can afford it: its start stays where
  // the last deep rescan leaves it, so its window has grown by then.
  const retryAt = nextUtcMidnight(now)
  const later = retryAt - now
  const startThen = rescanStart(memory.deepScanAt, fresh.end + later, settings.rescanMs)
  if (searchRequests(rate, fresh.start + later - startThen) <= room.day - freshCost || available <= 0) {
    return { kind: 'postponed', estimate, available: Math.max(0, available), retryAt }
  }
  const spanThatFits = ((available * MAX_PAGE_SIZE) / rate) * HOUR
  return { kind: 'cut', start: wholeSecond(fresh.start - spanThatFits), wantedStart: start, estimate, available }
}

/**
 * `backfill` with a restored state: the whole range once, costed first (a token and every page of the
 * window, at the rate the state keeps) against what today's budget leaves after the runs still to come.
 * It starts at the oldest part the state's record does not show searched (the horizon alone is a claim,
 * not a record); when the record holds all of it, there is nothing left to search.
 */
function planBackfill(
  now: number,
  settings: WindowSettings,
  memory: PlanMemory,
  wanted: SearchWindow,
  freshStart: number
): Backfill {
  const left = unsearched(memory.searched ?? [], [wanted.start, freshStart])
  if (left.length === 0)
    return { kind: 'covered', since: rangeAt(memory.searched ?? [], wanted.start)?.[0] ?? wanted.start }
  const window = { start: left[0][0], end: wanted.end }
  const { start } = window
  const rate = memory.budget.ratePerHour
  if (rate === undefined) return { kind: 'run', start }
  const estimate = 1 + chunkWindow(window).reduce((sum, [from, to]) => sum + searchRequests(rate, to - from), 0)
  const room = budgetRoom(now, settings, memory)
  if (estimate <= room.today) return { kind: 'run', start, estimate }
  if (estimate <= room.day) {
    return { kind: 'postponed', start, estimate, available: Math.max(0, room.today), retryAt: nextUtcMidnight(now) }
  }
  return { kind: 'refused', start, estimate, dayCapacity: room.day }
}

/** When the deep rescan will next run after one planned as `deep` in a window ending at `end`. */
function nextDeepScan(deep: DeepRescan, end: number, rescanEveryMs: number): number {
  switch (deep.kind) {
    case 'not-due':
      return deep.dueAt
    case 'postponed':
      return deep.retryAt
    default:
      return end + rescanEveryMs
  }
}

/**
 * The window of one run. The fresh window always runs: from the watermark (less an overlap) to
 * `now - settle`, or `lookback` before that without state. When the deep rescan is due and the budget
 * allows, the window reaches `rescan` before the last deep rescan instead, so that verdicts given late are
 * seen. In whole seconds (what ETD is sent), the start clamped to what ETD still answers for.
 */
export function planSearch(now: number, settings: WindowSettings, memory: PlanMemory): SearchPlan {
  const end = wholeSecond(now - settings.settleDelayMs)
  const oldest = wholeSecond(now - MAX_AGE_MS) + 1000
  const clamp = (t: number) => Math.max(t, oldest)
  // Without state there is nothing to keep from telling again: a backfill is a longer lookback.
  const lookbackMs = Math.max(settings.lookbackMs, settings.backfillMs)
  const freshStart = wholeSecond(
    memory.watermark === undefined ? end - lookbackMs : Math.min(memory.watermark, end) - FRESH_OVERLAP_MS
  )
  const fresh = { start: freshStart, end }
  const deep = planDeep(now, settings, memory, fresh)
  const deepStart = deep.kind === 'full' || deep.kind === 'cut' ? deep.start : end
  const wantedBackfill = wholeSecond(end - settings.backfillMs)
  const backfill =
    settings.backfillMs > 0 && memory.watermark !== undefined
      ? planBackfill(now, settings, memory, { start: clamp(wantedBackfill), end }, freshStart)
      : undefined
  // From where it was wanted, unless the record moved it later: a start beyond ETD's reach is said.
  const backfillStart =
    backfill?.kind === 'run' ? (backfill.start > clamp(wantedBackfill) ? backfill.start : wantedBackfill) : end
  // What an earlier run left unsearched after its record's first range: searched before anything newer.
  const first = memory.searched?.[0]?.[0]
  const owed = first === undefined ? [] : unsearched(memory.searched!, [Math.max(first, oldest), freshStart])
  const resumeFrom = owed[0]?.[0]
  const resumeStart = resumeFrom ?? end
  const wanted = Math.min(freshStart, deepStart, backfillStart, resumeStart)
  const startSetBy =
    memory.watermark === undefined
      ? settings.backfillMs > settings.lookbackMs
        ? 'backfill'
        : 'lookback'
      : backfillStart === wanted
        ? 'backfill'
        : resumeStart === wanted
          ? 'resume'
          : deepStart < freshStart
            ? 'rescan'
            : 'watermark'
  return {
    window: { start: clamp(wanted), end },
    fresh: { start: clamp(freshStart), end },
    deep,
    ...(backfill ? { backfill } : {}),
    ...(resumeFrom !== undefined ? { resumeFrom } : {}),
    startSetBy,
    ...(wanted < oldest ? { clampedFrom: wanted } : {}),
    nextDeepScan: nextDeepScan(deep, end, settings.rescanEveryMs)
  }
}

/** Splits a window into consecutive spans ETD accepts, oldest first. */
export function chunkWindow(window: SearchWindow, maxChunkMs = MAX_CHUNK_MS): Array<[number, number]> {
  const chunks: Array<[number, number]> = []
  for (let start = window.start; start < window.end; start += maxChunkMs) {
    chunks.push([start, Math.min(start + maxChunkMs, window.end)])
  }
  return chunks
}

/**
 * When the deep rescan last ran, after this run: only one whose convictions were all told counts, or its
 * finds could be lost.
 */
export function deepScanAfter(plan: SearchPlan, previous: number | undefined, delivered: boolean): number | undefined {
  const deepRan = plan.deep.kind === 'full' || plan.deep.kind === 'cut' || plan.deep.kind === 'first-run'
  return deepRan && delivered ? plan.window.end : previous
}

/**
 * The bookkeeping a run leaves for the next: the deep rescan, the scheduled runs, the day's requests, the
 * rate, and the run on its day's record (a first run or lost state begins a partial one).
 */
export function ledgerAfter(
  plan: SearchPlan,
  previous: Ledger | undefined,
  run: {
    now: number
    requests: number
    scanned: number
    delivered: boolean
    scheduledRuns: number[]
    searchedTo?: number
  }
): Ledger {
  return {
    deepScanAt: deepScanAfter(plan, previous?.deepScanAt, run.delivered),
    savedAt: run.now,
    scheduledRuns: run.scheduledRuns.length > 0 ? run.scheduledRuns : undefined,
    requests: tallyRequests(previous?.requests, run.now, run.requests),
    ratePerHour: foldRate(previous?.ratePerHour, run.scanned, (run.searchedTo ?? plan.window.end) - plan.window.start),
    daily: dailyAfter(previous?.daily, {
      now: run.now,
      requests: run.requests,
      failed: !run.delivered,
      deepScan: plan.deep.kind === 'full' || plan.deep.kind === 'cut',
      fresh: previous === undefined
    })
  }
}
