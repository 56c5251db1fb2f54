import { count, plural } from '../../common/format.js'
import type { BatchTotals } from './rows.js'

// The words a batch's totals make, for every channel's headline; times and counts are in common/format.

/** `2 BEC, 1 phishing`, most frequent first. */
export function verdictCounts(totals: BatchTotals): string {
  return [...totals.verdicts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([verdict, n]) => `${count(n)} ${verdict}`)
    .join(', ')
}

/** What the batch holds: `3 new convictions`, `2 new convictions, 1 verdict change`. */
export function batchHeadline(totals: BatchTotals): string {
  const fresh = totals.total - totals.changes
  return [
    fresh > 0 ? plural(fresh, 'new conviction') : '',
    totals.changes > 0 ? plural(totals.changes, 'verdict change') : ''
  ]
    .filter(Boolean)
    .join(', ')
}

/** Where to read on, ours, never from ETD: the issue that records the batch or report, and this run. */
export interface Links {
  issue?: string
  run?: string
}
