import type { EtdMessage } from '../etd/types.js'
import { parseEtdTime } from '../etd/message.js'
import type { SearchWindow } from '../window/plan.js'
import { STATE_VERSION, type Ledger, type NotifiedEntry, type WatchState } from './state.js'

export type Disposition = 'new' | 'verdict-change' | 'already-notified' | 'before-horizon'

/** What the state needs of each matched message: small, so that a large window stays cheap. */
export interface Outcome {
  id: string
  verdict: string
  receivedAt: number
  disposition: Disposition
}

// How bad a verdict is; a change is told when it is no better than what was told before.
const SEVERITY: Record<string, number> = {
  neutral: 0,
  graymail: 1,
  spam: 2,
  scam: 3,
  phishing: 3,
  malicious: 4,
  bec: 4
}
const severity = (verdict: string) => SEVERITY[verdict] ?? 0
const ms = (iso: string | undefined) => (iso === undefined ? undefined : parseEtdTime(iso))

/**
 * Whether to tell about a matched message: yes when never told, or when its verdict changed to one at
 * least as bad. A message from before the horizon counts only when its verdict was given after it (a
 * retro verdict).
 */
export function classify(
  message: EtdMessage,
  previous: ReadonlyMap<string, NotifiedEntry>,
  horizon: number
): { disposition: Disposition; previousVerdict?: string } {
  const told = previous.get(message.id)
  if (told === undefined) {
    const verdictAt = ms(message.verdictAt) ?? ms(message.receivedAt)!
    return { disposition: ms(message.receivedAt)! < horizon && verdictAt < horizon ? 'before-horizon' : 'new' }
  }
  if (told.verdict !== message.verdict && severity(message.verdict) >= severity(told.verdict)) {
    return { disposition: 'verdict-change', previousVerdict: told.verdict }
  }
  return { disposition: 'already-notified' }
}

export const isTold = (disposition: Disposition) => disposition === 'new' || disposition === 'verdict-change'

/** The outcome the state keeps of a classified message. */
export function outcomeOf(message: EtdMessage, disposition: Disposition): Outcome {
  return { id: message.id, verdict: message.verdict, receivedAt: ms(message.receivedAt)!, disposition }
}

/**
 * The state after a fully successful run: the window's end as the watermark, what was known (the restored
 * state, or the issues' records) and what was told now, without messages received before `keepFrom`,
 * where no later window reaches.
 */
export function advanceState(
  known: ReadonlyMap<string, NotifiedEntry>,
  run: {
    horizon: number
    window: SearchWindow
    outcomes: Iterable<Outcome>
    now: number
    watermark?: number
    keepFrom: number
    ledger: Ledger
  }
): WatchState {
  const notified = new Map<string, NotifiedEntry>()
  for (const [id, entry] of known) if (entry.receivedAt >= run.keepFrom) notified.set(id, entry)
  for (const { id, verdict, receivedAt, disposition } of run.outcomes) {
    const old = notified.get(id)
    if (isTold(disposition)) {
      notified.set(id, { verdict, receivedAt, notifiedAt: run.now })
    } else if (old !== undefined && old.verdict !== verdict) {
      // A milder verdict is remembered silently, so that a later turn for the worse is told again.
      notified.set(id, { ...old, verdict })
    }
  }
  return {
    version: STATE_VERSION,
    horizon: run.horizon,
    watermark: Math.max(run.window.end, run.watermark ?? 0),
    ...run.ledger,
    notified
  }
}
