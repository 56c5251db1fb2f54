import { clean } from '../../etd/clean.js'
import type { BatchTotals } from './rows.js'

/** Slices per pie; the rest are summed as "others", so that a chart stays readable. */
export const MAX_CHART_SLICES = 10

/**
 * A pie label: cleaned, then only letters, digits, spaces and `@ . _ - [ ]` (defanged dots), so that no
 * quote, `#` entity, `;` or line ends the label and writes mermaid of its own.
 */
const label = (key: string) => clean(key).replace(/[^\p{L}\p{N} @._\-[\]]/gu, '') || '(blank)'

function pie(title: string, counts: Map<string, number>): string {
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  const shown = sorted.slice(0, MAX_CHART_SLICES)
  const others = sorted.slice(MAX_CHART_SLICES).reduce((n, [, c]) => n + c, 0)
  const slices = [
    ...shown.map(([key, n]) => `    "${label(key)}" : ${n}`),
    ...(others > 0 ? [`    "others" : ${others}`] : [])
  ]
  return ['```mermaid', `pie showData title ${title}`, ...slices, '```'].join('\n')
}

/** Mermaid pies of the batch by verdict and by mailbox (GitHub renders them); nothing for an empty batch. */
export function batchCharts(totals: BatchTotals): string {
  if (totals.total === 0) return ''
  return `${pie('Convictions by verdict', totals.verdicts)}\n\n${pie('Convictions by mailbox', totals.mailboxes)}`
}
