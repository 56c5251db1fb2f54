import type { EtdMessage } from '../etd/types.js'
import { inInbox, parseEtdTime } from '../etd/message.js'
import type { TimeSpan } from '../common/time.js'
import { owes, rangeAt, type Ranges } from './searched.js'
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
 * but the entry itself is kept: a told one is remembered as told `now` (and whether it was in the inbox);
 * a milder verdict of one told before is remembered silently, so that a later turn for the worse is told
 * again, as is one told in the inbox that has left it; anything else changes nothing.
 */
export function entryToRemember(
  message: EtdMessage,
  disposition: Disposition,
  known: ReadonlyMap<string, NotifiedEntry>,
  now: number
): NotifiedEntry | undefined {
  if (isTold(disposition)) {
    return {
      verdict: message.verdict,
      receivedAt: ms(message.receivedAt)!,
      notifiedAt: now,
      ...(inInbox(message) ? { inbox: true } : {})
    }
  }
  const old = known.get(notifiedKey(message.id))
  if (old === undefined) return undefined
  const left = old.inbox === true && !inInbox(message)
  if (old.verdict === message.verdict && !left) return undefined
  return left
    ? { verdict: message.verdict, receivedAt: old.receivedAt, notifiedAt: old.notifiedAt }
    : { ...old, verdict: message.verdict }
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
  run: { horizon: number; window: TimeSpan; watermark?: number; ledger: Ledger }
): WatchState {
  return {
    version: STATE_VERSION,
    horizon: run.horizon,
    watermark: Math.max(run.window.end, run.watermark ?? 0),
    ...run.ledger,
    notified
  }
}
