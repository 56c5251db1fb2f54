import { MAX_AGE_MS as ETD_MAX_AGE_MS, MAX_PAGE_SIZE, MAX_SPAN_MS } from '../etd/limits.js'
import type { Ledger } from '../state/state.js'
import { foldRate, nextUtcMidnight, reserveForRuns, searchRequests, tallyRequests, type BudgetView } from './budget.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** A day under ETD's 32-day span, so that clock skew cannot trip it. */
export const MAX_CHUNK_MS = MAX_SPAN_MS - DAY
/** A day inside ETD's 90-day reach: the run takes time to get there, and the clocks differ. */
export const MAX_AGE_MS = ETD_MAX_AGE_MS - DAY
/** The fresh window starts this far before the watermark, for messages that ETD indexes late. */
export const FRESH_OVERLAP_MS = 5 * MINUTE

export interface SearchWindow {
  start: number
  end: number
}

export interface WindowSettings {
  lookbackMs: number
  rescanMs: number
  rescanEveryMs: number
  settleDelayMs: number
  dailyRequestBudget: number
}

/** What the restored state tells the planner. */
export interface PlanMemory {
  watermark?: number
  /** End of the last deep rescan's window. */
  deepScanAt?: number
  budget: Omit<BudgetView, 'dailyBudget'>
}

export type DeepRescan =
  /** No state: the lookback window is all there is to search. */
  | { kind: 'first-run' }
  | { kind: 'not-due'; dueAt: number }
  /** `estimate` is undefined until a run has measured how many messages ETD returns per hour. */
  | { kind: 'full'; start: number; estimate?: number }
  /** Does not fit in what is left of today's budget; due again from `retryAt`. */
  | { kind: 'postponed'; estimate: number; available: number; retryAt: number }
  /** Would never fit in a day's budget: its newest part that fits, from `start` instead of `wantedStart`. */
  | { kind: 'cut'; start: number; wantedStart: number; estimate: number; available: number }

export interface SearchPlan {
  /** The one window searched: the fresh window, extended back when a deep rescan runs. */
  window: SearchWindow
  fresh: SearchWindow
  deep: DeepRescan
  /** The input that set the window's start, for explaining a date range ETD refuses. */
  startSetBy: 'lookback' | 'rescan' | 'watermark'
  /** The start that was wanted, when it lay beyond what ETD keeps and was moved forward. */
  clampedFrom?: number
}

const wholeSecond = (millis: number) => Math.floor(millis / 1000) * 1000

/** Whether the deep rescan runs, and how far back, within what the day's budget has left. */
function planDeep(now: number, settings: WindowSettings, memory: PlanMemory, fresh: SearchWindow): DeepRescan {
  if (memory.watermark === undefined) return { kind: 'first-run' }
  if (memory.deepScanAt !== undefined && fresh.end - memory.deepScanAt < settings.rescanEveryMs) {
    return { kind: 'not-due', dueAt: memory.deepScanAt + settings.rescanEveryMs }
  }
  const start = wholeSecond(fresh.end - settings.rescanMs)
  const rate = memory.budget.ratePerHour
  if (start >= fresh.start) return { kind: 'full', start, estimate: 0 }
  if (rate === undefined) return { kind: 'full', start }
  const view = { ...memory.budget, dailyBudget: settings.dailyRequestBudget }
  const thisRun = 1 + searchRequests(rate, fresh.end - fresh.start)
  const midnight = nextUtcMidnight(now)
  const available =
    settings.dailyRequestBudget - view.usedToday - thisRun - reserveForRuns(view, now, midnight, FRESH_OVERLAP_MS)
  const estimate = searchRequests(rate, fresh.start - start)
  if (estimate <= available) return { kind: 'full', start, estimate }
  const dayCapacity = settings.dailyRequestBudget - reserveForRuns(view, midnight, midnight + DAY, FRESH_OVERLAP_MS)
  if (estimate <= dayCapacity || available <= 0) {
    return { kind: 'postponed', estimate, available: Math.max(0, available), retryAt: midnight }
  }
  const spanThatFits = ((available * MAX_PAGE_SIZE) / rate) * HOUR
  return { kind: 'cut', start: wholeSecond(fresh.start - spanThatFits), wantedStart: start, estimate, available }
}

/**
 * The window of one run. The fresh window always runs: from the watermark (less an overlap) to
 * `now - settle`, or `lookback` before that without state. When the deep rescan is due and the budget
 * allows, the window reaches `rescan` back instead, so that verdicts given late are seen. In whole
 * seconds (what ETD is sent), the start clamped to what ETD still answers for.
 */
export function planSearch(now: number, settings: WindowSettings, memory: PlanMemory): SearchPlan {
  const end = wholeSecond(now - settings.settleDelayMs)
  const freshStart = wholeSecond(
    memory.watermark === undefined ? end - settings.lookbackMs : Math.min(memory.watermark, end) - FRESH_OVERLAP_MS
  )
  const fresh = { start: freshStart, end }
  const deep = planDeep(now, settings, memory, fresh)
  const deepStart = deep.kind === 'full' || deep.kind === 'cut' ? deep.start : end
  const wanted = Math.min(freshStart, deepStart)
  const startSetBy = memory.watermark === undefined ? 'lookback' : deepStart < freshStart ? 'rescan' : 'watermark'
  const oldest = wholeSecond(now - MAX_AGE_MS) + 1000
  const clamp = (t: number) => Math.max(t, oldest)
  return {
    window: { start: clamp(wanted), end },
    fresh: { start: clamp(freshStart), end },
    deep,
    startSetBy,
    ...(wanted < oldest ? { clampedFrom: wanted } : {})
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

/** When the deep rescan will next run, as far as this run can tell. */
export function nextDeepRescan(plan: SearchPlan, rescanEveryMs: number): number {
  switch (plan.deep.kind) {
    case 'not-due':
      return plan.deep.dueAt
    case 'postponed':
      return plan.deep.retryAt
    default:
      return plan.window.end + rescanEveryMs
  }
}

/**
 * The bookkeeping a run leaves for the next: when the deep rescan last ran (only when the run's
 * convictions were all told, or its finds could be lost), the day's requests and the rate.
 */
export function ledgerAfter(
  plan: SearchPlan,
  previous: Ledger | undefined,
  run: { now: number; requests: number; scanned: number; delivered: boolean }
): Ledger {
  const deepRan = plan.deep.kind === 'full' || plan.deep.kind === 'cut' || plan.deep.kind === 'first-run'
  return {
    deepScanAt: deepRan && run.delivered ? plan.window.end : previous?.deepScanAt,
    savedAt: run.now,
    requests: tallyRequests(previous?.requests, run.now, run.requests),
    ratePerHour: foldRate(previous?.ratePerHour, run.scanned, plan.window.end - plan.window.start)
  }
}
