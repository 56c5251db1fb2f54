import type { MatchRule } from '../match/matcher.js'
import type { Conviction } from '../etd/types.js'
import type { PendingNotice } from '../state/pending-notices.js'
import type { SearchWindow } from '../window/plan.js'
import { countInto, emptyTotals, needsAction, type BatchTotals } from './text/rows.js'

/** What this run tells: the convictions the channels may show, and counts of them all. */
export interface Batch {
  /** At most the collector's `keep`, in the order ETD returned them. */
  convictions: Conviction[]
  totals: BatchTotals
}

/** What every channel is given: the batch, where it was found, and how to show it. */
export interface NotifyBatch extends Batch {
  window: SearchWindow
  /** The watch's `time-zone`, in which every channel shows times. */
  timeZone: string
  /** send-test's synthetic conviction: every title says [TEST]. */
  test?: boolean
  /** Owner notices earlier runs could not deliver (the email channel sends them again). */
  pendingNotices?: readonly PendingNotice[]
  /** The issue an earlier channel opened (or found) for this batch, for the later ones to link to. */
  issueUrl?: string
}

/**
 * Collects the run's convictions as they stream past: every one is counted, and `keep` are kept for the
 * channels to show (the most any channel shows), those still in the inbox before any other; the rest are
 * left to the report.
 */
export class BatchCollector {
  private readonly totals = emptyTotals()
  private readonly actionNeeded: Conviction[] = []
  private readonly others: Conviction[] = []

  constructor(
    private readonly rule: MatchRule,
    private readonly keep: number
  ) {}

  add(conviction: Conviction): void {
    countInto(this.totals, conviction, this.rule)
    const kept = needsAction(conviction) ? this.actionNeeded : this.others
    if (kept.length < this.keep) kept.push(conviction)
  }

  /** Still in the inbox first, each part in ETD's order. */
  get result(): Batch {
    return { convictions: [...this.actionNeeded, ...this.others].slice(0, this.keep), totals: this.totals }
  }
}
