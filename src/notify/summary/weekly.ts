import type { WeeklyReport } from '../../report/weekly/types.js'
import { weeklyMarkdown } from '../text/weekly-markdown.js'
import { SUMMARY_MAX_BYTES } from './summary.js'

/** The weekly report as the run's job summary: the same markdown as the issue, under GitHub's 1 MiB. */
export function renderWeeklySummary(report: WeeklyReport): string {
  return weeklyMarkdown(report, { fits: (markdown) => Buffer.byteLength(markdown) <= SUMMARY_MAX_BYTES })
}
