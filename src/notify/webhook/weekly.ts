import type { Clean } from '../../etd/clean.js'
import type { Ranked, WeeklyReport } from '../../report/weekly/types.js'
import { count } from '../../common/format.js'
import {
  followWords,
  healthWords,
  laterWords,
  missingWords,
  notShown,
  recordNotes,
  tenantHeadline,
  topLists,
  trendWords,
  verdictRows,
  watchedHeadline,
  weeklyTitle,
  type WeeklyLinks
} from '../text/weekly.js'
import { largestFitting } from './content.js'

/** Entries of each top list a chat message shows at most: a chat is read at a glance. */
export const CHAT_TOP = 5

/**
 * The weekly report as every chat shows it, in order: the headline numbers and the top lists, in words.
 * `notes` and the lists hold ETD's names (cleaned): each platform puts them only where nothing is read as
 * markup, as it does a conviction's values.
 */
export interface WeeklyChat {
  title: string
  /** Our words and counts only. */
  headline: string
  /** A gap in the state, and what ETD did not answer for the tenant: said before the numbers. */
  notes: string[]
  /** Each verdict's count beside the week before's. */
  verdicts: Array<{ name: Clean; words: string }>
  lists: Array<{ title: string; items: Ranked[]; more?: string }>
  /** What stayed in an inbox, late verdicts, the tenant, the watch's health. */
  sentences: string[]
  links: WeeklyLinks
}

function weeklyChat(report: WeeklyReport, links: WeeklyLinks, top: number): WeeklyChat {
  const lists = topLists(report)
  const missing = missingWords(report)
  return {
    title: weeklyTitle(report),
    headline: watchedHeadline(report),
    notes: [...recordNotes(report), ...(missing ? [missing] : [])],
    verdicts: verdictRows(report.watched.byVerdict).map(({ name, trend }) => ({
      name,
      words: `${count(trend.current)}, ${trendWords(trend)}`
    })),
    lists: [...lists.watched, ...lists.tenant]
      .filter((list) => list.items.length > 0)
      .map((list) => ({
        title: list.title,
        items: list.items.slice(0, top),
        ...(list.items.length > top ? { more: notShown(list.items.length - top) } : {})
      })),
    sentences: [followWords(report), laterWords(report), tenantHeadline(report), healthWords(report)],
    links
  }
}

/**
 * A platform's weekly message within its limit: as many entries of each top list as fit, up to
 * `CHAT_TOP`, the rest counted in words.
 */
export function renderWeekly(
  report: WeeklyReport,
  links: WeeklyLinks,
  render: (chat: WeeklyChat) => unknown,
  size: (payload: unknown) => number,
  limit: number
): unknown {
  const top = largestFitting(CHAT_TOP, (n) => size(render(weeklyChat(report, links, n))) <= limit)
  return render(weeklyChat(report, links, top))
}
