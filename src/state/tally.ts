import { utcDay, type RequestTally, type WatchState } from './state.js'
import type { StateStore } from './store.js'

/** The ETD requests the state counts for the UTC day of `now`. */
export function usedToday(state: Pick<WatchState, 'requests'> | undefined, now: number): number {
  return state?.requests?.day === utcDay(now) ? state.requests.count : 0
}

/** The day's tally with `made` more requests: a new UTC day starts from zero. */
export function addedTo(tally: RequestTally | undefined, now: number, made: number): RequestTally {
  return { day: utcDay(now), count: (tally?.day === utcDay(now) ? tally.count : 0) + made }
}

/**
 * Adds requests made outside the watch's runs (a command from a comment) to the day's tally of the
 * newest state: `restore` reads it just before this writes, so whatever the watch saved in between (a
 * newer watermark, what it told) is kept and never written over with an older copy. Nothing else of the
 * state changes.
 */
export async function addRequests(
  store: StateStore,
  restore: () => Promise<WatchState | undefined>,
  made: number,
  now: number
): Promise<{ ok: boolean; note: string }> {
  if (made === 0) return { ok: false, note: 'No ETD request made, so the state was left as it was.' }
  const newest = await restore()
  if (!newest) {
    return {
      ok: false,
      note: `No state of the watch was restored, so its daily tally does not count these ${made} requests: give this workflow the watch's state-key.`
    }
  }
  const requests = addedTo(newest.requests, now, made)
  const saved = await store.save({ ...newest, requests })
  return saved.ok
    ? { ok: true, note: `State saved to ${saved.where} with ${made} more ETD requests: ${requests.count} today.` }
    : { ok: false, note: `State not saved: ${saved.reason}. Today's tally misses ${made} requests.` }
}
