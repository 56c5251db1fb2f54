import { clean } from '../../etd/clean.js'
import type { Ranked, Trend } from '../../report/weekly/types.js'
import { OTHER_COLOR, verdictColor } from './colors.js'
import type { BatchTotals } from './rows.js'
import type { DaySeries, VerdictRow } from './weekly.js'

/** Slices per pie; the rest are summed as "others", so that a chart stays readable. */
export const MAX_CHART_SLICES = 10

/**
 * A pie label: cleaned, then only letters, digits, spaces and `@ . _ - [ ]` (defanged dots), so that no
 * quote, `#` entity, `;` or line ends the label and writes mermaid of its own.
 */
const label = (key: string) => clean(key).replace(/[^\p{L}\p{N} @._\-[\]]/gu, '') || '(blank)'

function pie(title: string, counts: ReadonlyMap<string, number>): string {
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

/** A top list as a pie; names that clean to the same label are one slice. */
export function rankedPie(title: string, ranked: readonly Ranked[]): string {
  const counts = new Map<string, number>()
  for (const { name, count } of ranked) counts.set(name, (counts.get(name) ?? 0) + count)
  return ranked.length === 0 ? '' : pie(title, counts)
}

const fence = (palette: string[], lines: string[]) =>
  [
    '```mermaid',
    // Mermaid's frontmatter: the bars take the verdicts' colours, as in the email.
    '---',
    'config:',
    '  themeVariables:',
    '    xyChart:',
    `      plotColorPalette: "${palette.join(', ')}"`,
    '---',
    'xychart-beta',
    ...lines.map((line) => `  ${line}`),
    '```'
  ].join('\n')

const categories = (labels: string[]) => `x-axis [${labels.map((l) => `"${label(l)}"`).join(', ')}]`
const yAxis = (max: number) => `y-axis "Convictions" 0 --> ${Math.max(max, 1)}`

/**
 * Convictions by day, stacked by verdict: xychart draws each bar series over the one before, so the
 * series are running sums drawn tallest first, each in its verdict's colour. Days the state has no
 * record of are not in `series` (said in words by the channel); nothing when no day is.
 */
export function dayChart(title: string, series: DaySeries): string {
  if (series.days.length === 0) return ''
  const sums = series.keys.map((_, k) => series.days.map((d) => d.counts.slice(0, k + 1).reduce((a, b) => a + b, 0)))
  const order = series.keys.map((_, k) => k).reverse()
  const bars = series.keys.length > 0 ? order.map((k) => `bar [${sums[k].join(', ')}]`) : []
  return fence(
    order.map((k) => (series.keys[k] === '' ? OTHER_COLOR : verdictColor(series.keys[k]))),
    [
      `title "${title}"`,
      categories(series.days.map((d) => d.label)),
      yAxis(Math.max(...series.days.map((d) => d.total))),
      ...bars
    ]
  )
}

const THIS_WEEK = '#1f2937'
const WEEK_BEFORE = '#9ca3af'

/**
 * This week's convictions by verdict as bars, the week before's as a line over them; no line when the
 * week before is not known. Verdicts past `max` are summed as other verdicts.
 */
export function weekChart(rows: readonly VerdictRow[], max: number): string {
  if (rows.length === 0) return ''
  const shown = rows.length > max ? rows.slice(0, max - 1) : [...rows]
  const rest = rows.slice(shown.length)
  const sum = (pick: (t: Trend) => number | null) => rest.reduce((n, r) => n + (pick(r.trend) ?? 0), 0)
  const points = [
    ...shown.map((r) => ({ label: r.name as string, trend: r.trend })),
    ...(rest.length > 0
      ? [{ label: 'other verdicts', trend: { current: sum((t) => t.current), previous: sum((t) => t.previous) } }]
      : [])
  ]
  const known = rows.every((r) => r.trend.previous !== null)
  return fence(
    [THIS_WEEK, WEEK_BEFORE],
    [
      `title "${known ? 'This week (bars) and the week before (line)' : 'This week by verdict'}"`,
      categories(points.map((p) => p.label)),
      yAxis(Math.max(...points.map((p) => Math.max(p.trend.current, known ? (p.trend.previous ?? 0) : 0)))),
      `bar [${points.map((p) => p.trend.current).join(', ')}]`,
      ...(known ? [`line [${points.map((p) => p.trend.previous).join(', ')}]`] : [])
    ]
  )
}
