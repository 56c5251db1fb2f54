import type { EtdMessage } from '../etd/types.js'
import { parseEtdTime } from '../etd/message.js'
import { STATE_VERSION, type Ledger, type NotifiedEntry, type WatchState } from './state.js'

/** A conviction to tell people about; `previousVerdict` marks a verdict change of one told before. */
export interface Conviction extends EtdMessage {
  previousVerdict?: string
}

export type Disposition = 'new' | 'verdict-change' | 'already-notified' | 'before-horizon'

export interface Decision {
  notices: Conviction[]
  /** Why each matched message was or was not told, by id. */
  dispositions: Map<string, Disposition>
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
 * Which matched messages to tell about: those never told, and those whose verdict changed to one at least
 * as bad. A message from before the horizon counts only when its verdict was given after it (a retro verdict).
 */
export function decide(matched: EtdMessage[], previous: ReadonlyMap<string, NotifiedEntry>, horizon: number): Decision {
  const notices: Conviction[] = []
  const dispositions = new Map<string, Disposition>()
  for (const message of matched) {
    const told = previous.get(message.id)
    let disposition: Disposition
    if (told === undefined) {
      const verdictAt = ms(message.verdictAt) ?? ms(message.receivedAt)!
      disposition = ms(message.receivedAt)! < horizon && verdictAt < horizon ? 'before-horizon' : 'new'
    } else if (told.verdict !== message.verdict && severity(message.verdict) >= severity(told.verdict)) {
      disposition = 'verdict-change'
    } else {
      disposition = 'already-notified'
    }
    dispositions.set(message.id, disposition)
    if (disposition === 'new') notices.push(message)
    if (disposition === 'verdict-change') notices.push({ ...message, previousVerdict: told!.verdict })
  }
  return { notices, dispositions }
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
    window: { start: number; end: number }
    matched: EtdMessage[]
    decision: Decision
    now: number
    watermark?: number
    keepFrom: number
    ledger: Ledger
  }
): WatchState {
  const notified = new Map<string, NotifiedEntry>()
  for (const [id, entry] of known) if (entry.receivedAt >= run.keepFrom) notified.set(id, entry)
  for (const message of run.matched) {
    const disposition = run.decision.dispositions.get(message.id)
    const old = notified.get(message.id)
    if (disposition === 'new' || disposition === 'verdict-change') {
      notified.set(message.id, { verdict: message.verdict, receivedAt: ms(message.receivedAt)!, notifiedAt: run.now })
    } else if (old !== undefined && old.verdict !== message.verdict) {
      // A milder verdict is remembered silently, so that a later turn for the worse is told again.
      notified.set(message.id, { ...old, verdict: message.verdict })
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
