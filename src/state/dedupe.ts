import type { EtdMessage } from '../etd/types.js'
import { parseEtdTime } from '../etd/message.js'
import { deepScanAfter, reachOf, type SearchPlan, type SearchWindow } from '../window/plan.js'
import { before, owes, rangeAt, type Ranges } from './searched.js'
import { notifiedKey, STATE_VERSION, type Ledger, type NotifiedEntry, type WatchState } from './state.js'

export type Disposition = 'new' | 'verdict-change' | 'already-notified' | 'before-horizon' | 'covered'

// How bad a verdict is; a change is told when it is no better than what was told before. A Map: the
// verdict is ETD text, and a name such as `constructor` must not reach Object.prototype.
const SEVERITY = new Map([
  ['neutral', 0],
  ['graymail', 1],
  ['spam', 2],
  ['scam', 3],
  ['phishing', 3],
  ['malicious', 4],
  ['bec', 4]
])
const severity = (verdict: string) => SEVERITY.get(verdict) ?? 0
const ms = (iso: string | undefined) => (iso === undefined ? undefined : parseEtdTime(iso))

/**
 * Whether to tell about a matched message: yes when never told, or when its verdict changed to one at
 * least as bad. A message from before the horizon counts only when its verdict was given after it (a
 * retro verdict). `covered` is where the state's record shows earlier runs searched but the state no
 * longer remembers: an unknown message there was told then (or is a verdict given after the rescan passed
 * it, which cannot be told apart), and is not told again.
 */
export function classify(
  message: EtdMessage,
  previous: ReadonlyMap<string, NotifiedEntry>,
  horizon: number,
  covered?: Ranges
): { disposition: Disposition; previousVerdict?: string } {
  const told = previous.get(notifiedKey(message.id))
  if (told === undefined) {
    const receivedAt = ms(message.receivedAt)!
    if (covered && rangeAt(covered, receivedAt)) return { disposition: 'covered' }
    const verdictAt = ms(message.verdictAt) ?? receivedAt
    return { disposition: receivedAt < horizon && verdictAt < horizon ? 'before-horizon' : 'new' }
  }
  if (told.verdict !== message.verdict && severity(message.verdict) >= severity(told.verdict)) {
    return { disposition: 'verdict-change', previousVerdict: told.verdict }
  }
  return { disposition: 'already-notified' }
}

export const isTold = (disposition: Disposition) => disposition === 'new' || disposition === 'verdict-change'

/**
 * What a classified message changes in the remembered convictions, decided as it arrives so that nothing
 * but the entry itself is kept: a told one is remembered as told `now`; a milder verdict of one told before
 * is remembered silently, so that a later turn for the worse is told again; anything else changes nothing.
 */
export function changeOf(
  message: EtdMessage,
  disposition: Disposition,
  known: ReadonlyMap<string, NotifiedEntry>,
  now: number
): NotifiedEntry | undefined {
  if (isTold(disposition)) return { verdict: message.verdict, receivedAt: ms(message.receivedAt)!, notifiedAt: now }
  const old = known.get(notifiedKey(message.id))
  return old !== undefined && old.verdict !== message.verdict ? { ...old, verdict: message.verdict } : undefined
}

/**
 * What the next state starts from: the known convictions that a later window can still reach (received at
 * or after `keepFrom`, or in a gap of the state's record of searched time, which a later run still owes). The
 * run writes each change into it as its message arrives, so that the next state is never built as a
 * second copy of a large one.
 */
export function carriedOver(
  known: ReadonlyMap<string, NotifiedEntry>,
  keepFrom: number,
  searched?: Ranges
): Map<string, NotifiedEntry> {
  const next = new Map<string, NotifiedEntry>()
  for (const [id, entry] of known) {
    if (entry.receivedAt >= keepFrom || (searched && owes(searched, entry.receivedAt))) next.set(id, entry)
  }
  return next
}

/** After a run that stopped short of its window's end: the known convictions from `keepFrom` that `next` lacks. */
export function rememberFrom(
  next: Map<string, NotifiedEntry>,
  known: ReadonlyMap<string, NotifiedEntry>,
  keepFrom: number
): void {
  for (const [id, entry] of known) if (entry.receivedAt >= keepFrom && !next.has(id)) next.set(id, entry)
}

/** The state after a fully successful run: the window's end as the watermark, and the convictions to remember. */
export function advanceState(
  notified: Map<string, NotifiedEntry>,
  run: { horizon: number; window: SearchWindow; watermark?: number; ledger: Ledger }
): WatchState {
  return {
    version: STATE_VERSION,
    horizon: run.horizon,
    watermark: Math.max(run.window.end, run.watermark ?? 0),
    ...run.ledger,
    notified
  }
}

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
