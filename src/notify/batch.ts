import type { MatchRule } from '../match/matcher.js'
import type { Conviction } from '../state/dedupe.js'
import { countInto, emptyTotals, type BatchTotals } from './rows.js'

/** What this run tells: the convictions the channels may show, and counts of them all. */
export interface Batch {
  /** At most the collector's `keep`, in the order ETD returned them. */
  convictions: Conviction[]
  totals: BatchTotals
}

/**
 * Collects the run's convictions as they stream past: every one is counted, the first `keep` are kept
 * for the channels to show (the most any channel shows), and the rest are left to the report.
 */
export class BatchCollector {
  private readonly batch: Batch = { convictions: [], totals: emptyTotals() }

  constructor(
    private readonly rule: MatchRule,
    private readonly keep: number
  ) {}

  add(conviction: Conviction): void {
    countInto(this.batch.totals, conviction, this.rule)
    if (this.batch.convictions.length < this.keep) this.batch.convictions.push(conviction)
  }

  get result(): Batch {
    return this.batch
  }
}
