import type { Clean } from '../../etd/clean.js'
import type { WeeklyReport } from '../../report/weekly/types.js'
import { dayChart, rankedPie, weekChart } from './chart.js'
import { inertMarkdown } from './markdown.js'
import {
  changeWords,
  daySeries,
  followWords,
  healthWords,
  laterWords,
  MAX_TOP_SHOWN,
  MAX_VERDICT_SERIES,
  missingWords,
  notShown,
  recordNotes,
  stackWords,
  tenantHeadline,
  topLists,
  utcDaysNote,
  verdictRows,
  watchedHeadline,
  weeklyTitle,
  type DaySeries,
  type TopList
} from './weekly.js'
import { count } from '../../common/format.js'

/**
 * The weekly report in GitHub's markdown, for the issue and the job summary: tables, and mermaid charts
 * that GitHub draws. Every sentence is escaped (our words carry ETD's names, and a zone may hold `_`);
 * the charts' labels are cleaned to plain letters in chart.ts.
 */

const words = (text: string) => inertMarkdown(text as Clean)

const table = (head: string[], rows: string[][]) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`)
  ].join('\n')

function topSection(list: TopList, shown: number, pie: boolean): string[] {
  if (list.items.length === 0) return [`### ${list.title}`, '', 'None this week.', '']
  const rows = list.items.slice(0, shown).map((item) => [inertMarkdown(item.name), count(item.count)])
  const cut = list.items.length - rows.length
  return [
    `### ${list.title}`,
    '',
    table([list.noun, 'Convictions'], rows),
    '',
    ...(cut > 0 ? [words(notShown(cut)), ''] : []),
    ...(pie ? [rankedPie(list.title, list.items.slice(0, shown)), ''] : [])
  ]
}

function daysSection(title: string, series: DaySeries, report: WeeklyReport): string[] {
  const chart = dayChart(title, series)
  if (!chart) return ['No day of the week is on record.', '']
  return [chart, '', words(`${stackWords(series)}${utcDaysNote(report)}`.trim()), '']
}

export interface WeeklyMarkdownOptions {
  /** Whether a body fits its channel's limit. */
  fits: (markdown: string) => boolean
  /** Lines of our own after the title, such as the workflow run's link. */
  links?: string[]
}

function render(report: WeeklyReport, shown: number, links: string[]): string {
  const { watched, tenant } = report
  const notes = recordNotes(report)
  const missing = missingWords(report)
  const lists = topLists(report)
  const verdicts = verdictRows(watched.byVerdict)
  return [
    `## ${words(weeklyTitle(report))}`,
    '',
    ...links.map((link) => `- ${link}`),
    ...(links.length > 0 ? [''] : []),
    `**${words(watchedHeadline(report))}**`,
    '',
    ...(notes.length > 0 ? ['> [!WARNING]', notes.map((note) => `> ${words(note)}`).join('\n>\n'), ''] : []),
    '### By verdict',
    '',
    verdicts.length === 0
      ? 'None this week.'
      : table(
          ['Verdict', 'This week', 'The week before', 'Change'],
          verdicts.map(({ name, trend }) => [
            inertMarkdown(name),
            count(trend.current),
            trend.previous === null ? 'not known' : count(trend.previous),
            changeWords(trend)
          ])
        ),
    '',
    ...daysSection('Convictions by day', daySeries(watched.days, watched.gaps), report),
    weekChart(verdicts, MAX_VERDICT_SERIES),
    '',
    ...lists.watched.flatMap((list, i) => topSection(list, shown, i === 0)),
    '### Still in an inbox when told',
    '',
    words(followWords(report)),
    '',
    words(laterWords(report)),
    '',
    '## The whole tenant',
    '',
    words(tenantHeadline(report)),
    '',
    ...(missing ? ['> [!NOTE]', `> ${words(missing)}`, ''] : []),
    ...daysSection('Convictions in the tenant by day', daySeries(tenant.days), report),
    ...lists.tenant.flatMap((list) => topSection(list, shown, false)),
    '## The watch',
    '',
    words(healthWords(report)),
    ''
  ].join('\n')
}

/** The report as markdown within the channel's limit: the top lists are cut shorter until it fits, and say so. */
export function weeklyMarkdown(report: WeeklyReport, options: WeeklyMarkdownOptions): string {
  const lists = topLists(report)
  let shown = Math.min(MAX_TOP_SHOWN, Math.max(0, ...[...lists.watched, ...lists.tenant].map((l) => l.items.length)))
  let markdown = render(report, shown, options.links ?? [])
  while (!options.fits(markdown) && shown > 0) markdown = render(report, --shown, options.links ?? [])
  return markdown
}
