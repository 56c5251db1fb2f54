import type { WeeklyReport } from '../../report/weekly/types.js'
import { weeklyMarkdown } from '../text/weekly-markdown.js'
import { SUMMARY_BUDGET } from './summary.js'

/**
 * The weekly report as the run's job summary: the same markdown as the issue, under GitHub's 1 MiB with
 * room for the run's notes after it.
 */
export function renderWeeklySummary(report: WeeklyReport): string {
  return weeklyMarkdown(report, { fits: (markdown) => Buffer.byteLength(markdown) <= SUMMARY_BUDGET })
}
