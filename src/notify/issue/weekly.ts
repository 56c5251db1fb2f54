import type { WeeklyReport } from '../../report/weekly/types.js'
import { weeklyMarkdown } from '../text/weekly-markdown.js'
import { weeklyTitle } from '../text/weekly.js'

/** The label of the weekly report's issues: apart from the convictions', whose markers are the record. */
export const WEEKLY_LABEL = 'etd-weekly-report'

/** GitHub's limit on issue bodies, in characters. */
const MAX_BODY = 65_536

export interface WeeklyIssueInput {
  runUrl?: string
  /** GitHub's limit on issue bodies. */
  maxLength?: number
}

/** The weekly report as an issue: counts-only title, the markdown report (charts included) as body. */
export function buildWeeklyIssue(report: WeeklyReport, input: WeeklyIssueInput = {}): { title: string; body: string } {
  const maxLength = input.maxLength ?? MAX_BODY
  return {
    title: weeklyTitle(report),
    body: weeklyMarkdown(report, {
      fits: (body) => body.length <= maxLength,
      links: input.runUrl ? [`Workflow run: ${input.runUrl}`] : []
    })
  }
}
