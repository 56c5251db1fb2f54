import type { Config } from '../config/config.js'
import type { MatchRule } from '../match/matcher.js'
import type { Conviction } from '../etd/types.js'
import type { PendingNotice } from '../state/pending-notices.js'
import type { SearchWindow } from '../window/plan.js'
import { countInto, emptyTotals, needsAction, type BatchTotals } from './text/rows.js'

/**
 * What this run tells, as every channel and renderer takes it: the convictions, where they were found,
 * how to show them and where to read on. A channel that needs more takes `Batch & { … }`.
 */
export interface Batch {
  /** At most the collector's `keep`, in the order ETD returned them. */
  convictions: Conviction[]
  /** Counts of the whole batch: `convictions` may hold only part of it. */
  totals: BatchTotals
  /** The watch's rule: its mailboxes group the rows and decide who is an owner. */
  rule: MatchRule
  window: SearchWindow
  /** The watch's `time-zone`, in which every channel shows times. */
  timeZone: string
  /** The run's JSON report, which lists every conviction: named outside Actions, where no job deletes it. */
  reportPath: string
  /** This workflow run, whose summary and report artifact list every conviction; absent outside Actions. */
  runUrl?: string
  /** The issue an earlier channel opened (or found) for this batch, for the later ones to link to. */
  issueUrl?: string
  /** send-test's synthetic conviction: every title says [TEST], and no mailbox owner is written to. */
  test?: boolean
  /** Owner notices earlier runs could not deliver (the email channel sends them again). */
  pendingNotices?: readonly PendingNotice[]
}

/** What the collector gathers while the messages stream past; `batchOf` makes it a `Batch`. */
export type Collected = Pick<Batch, 'convictions' | 'totals'>

/** The collected convictions as the batch of a run that searched `window` under `config`. */
export function batchOf(
  collected: Collected,
  window: SearchWindow,
  config: Pick<Config, 'rule' | 'timeZone' | 'reportPath' | 'runUrl'>
): Batch {
  const { rule, timeZone, reportPath, runUrl } = config
  return { ...collected, rule, window, timeZone, reportPath, runUrl }
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
  get result(): Collected {
    return { convictions: [...this.actionNeeded, ...this.others].slice(0, this.keep), totals: this.totals }
  }
}
