import { log } from '../common/log.js'
import { formatTime } from '../common/format.js'
import type { StateEntries, StateEntry } from './prune.js'
import type { TimeSpan } from '../common/time.js'
import { withRequests, withTally, type DayTally } from './daily.js'
import { advanceState } from './dedupe.js'
import { pendingToSave } from './pending-notices.js'
import { afterRun } from './searched.js'
import {
  tallyRequests,
  untrustedTimes,
  utcDay,
  type HeartbeatTally,
  type Ledger,
  type NotifiedEntry,
  type WatchState
} from './state.js'
import type { Saved, StateStore } from './store.js'

/**
 * Saved whole only when everyone was told: otherwise the next run searches the same window and tells
 * again. After a failed delivery only the bookkeeping is saved over the previous state, so that a channel
 * that keeps failing cannot spend more than the day's request budget. A failed save is loud but not
 * fatal: the next run would only tell again.
 */
export async function saveState(
  store: StateStore,
  config: { dryRun: boolean; timeZone: string },
  delivered: boolean,
  next: { whole: () => WatchState; ledgerOnly?: WatchState }
): Promise<{ ok: boolean; note: string }> {
  if (config.dryRun) return { ok: false, note: 'Dry run: state not saved.' }
  const notSaved = 'State not saved: the next run searches this window again and retries the notifications.'
  if (!delivered) {
    if (next.ledgerOnly === undefined) return { ok: false, note: notSaved }
    const kept = warnDropped(await store.save(next.ledgerOnly))
    return {
      ok: false,
      note: kept.ok
        ? 'Only the request count was saved: the next run searches this window again and retries the notifications.'
        : notSaved
    }
  }
  const state = next.whole()
  const result = warnDropped(await store.save(state))
  if (result.ok) {
    return {
      ok: true,
      note: `State saved to ${result.where}: watermark ${formatTime(state.watermark, config.timeZone)}, ${state.notified.size} convictions remembered, ${result.bytes} bytes.`
    }
  }
  const note = `State not saved: ${result.reason}. The next run will tell this run's convictions again.`
  log.warning(note)
  return { ok: false, note }
}

/** The parts of a state that could not be written are named, never the text in them. */
function warnDropped(saved: Saved): Saved {
  if (saved.ok) for (const part of saved.dropped) log.warning(`Not saved with the state: ${part}.`)
  return saved
}

/** `state-prune`: after a successful save, the older state entries go; a refusal is a warning, never a failure. */
export async function pruneState(entries: StateEntries): Promise<string> {
  try {
    const { deleted, kept } = await entries.prune()
    const bytes = (list: StateEntry[]) => list.reduce((n, e) => n + e.bytes, 0)
    return `Pruning: ${deleted.length} older state entries deleted (${bytes(deleted)} bytes); this watch keeps ${kept.length} in the cache (${bytes(kept)} bytes).`
  } catch (error) {
    const note = `Pruning skipped: ${(error as Error).message}. Old state entries stay until GitHub evicts them.`
    log.warning(note)
    return note
  }
}

/**
 * The two states a run may save: `whole` after everyone was told (built only then), and `ledgerOnly`,
 * the previous state with this run's bookkeeping, after a failed delivery (none on a first run).
 */
export function nextStates(
  previous: WatchState | undefined,
  run: {
    notified: Map<string, NotifiedEntry>
    horizon: number
    window: TimeSpan
    searchedTo: number
    rememberedFrom: number
    now: () => number
    ledger: (delivered: boolean) => Ledger
    heartbeat?: HeartbeatTally
    pending: Parameters<typeof pendingToSave>[0]
    /** What the run found for the daily records, and the convictions known before it (some no longer followed). */
    days?: { tally: DayTally; known: ReadonlyMap<string, NotifiedEntry> }
  }
): { whole: () => WatchState; ledgerOnly?: WatchState } {
  const { window, searchedTo, days } = run
  // The whole state's bookkeeping: the run's counts, and what it found for the daily records.
  const toldLedger = () => {
    const ledger = run.ledger(true)
    const daily =
      ledger.daily && days
        ? withTally(ledger.daily, days.tally.dropped(days.known, run.notified), run.now())
        : ledger.daily
    return { ...ledger, daily }
  }
  return {
    whole: () =>
      advanceState(run.notified, {
        horizon: run.horizon,
        window: { start: window.start, end: searchedTo },
        watermark: previous?.watermark,
        ledger: {
          ...toldLedger(),
          searched: afterRun(previous?.searched, {
            window,
            searchedTo,
            rememberedFrom: run.rememberedFrom,
            now: run.now()
          }),
          heartbeat: run.heartbeat,
          pending: pendingToSave(run.pending, previous?.pending, 'whole')
        }
      }),
    ledgerOnly: previous && {
      ...previous,
      ...run.ledger(false),
      pending: pendingToSave(run.pending, previous.pending, 'ledger')
    }
  }
}

/**
 * A run that does not watch (`report: weekly`) adds only its ETD requests to the saved state: read again
 * just before, so that a watch run saved in between loses nothing, and written back whole. Its requests
 * join the day's tally against `daily-request-budget` and today's record, where there is one (a day
 * without one stays a gap); its run is not counted as the watch's.
 */
export async function addRequestsToSavedState(store: StateStore, now: number, requests: number): Promise<string> {
  const loaded = await store.load()
  if (loaded.kind !== 'restored' || untrustedTimes(loaded.state, now) !== undefined) {
    return `No state to add this run's ${requests} ETD requests to: the watch's tally does not count them.`
  }
  const { state } = loaded
  const saved = await store.save({
    ...state,
    requests: tallyRequests(state.requests, now, requests),
    ...(state.daily ? { daily: withRequests(state.daily, utcDay(now), requests) } : {})
  })
  return saved.ok
    ? `This run's ${requests} ETD requests were added to the state's tally for today.`
    : `This run's ${requests} ETD requests could not be added to the state's tally: ${saved.reason}.`
}
