import { clean, type Clean } from '../../etd/clean.js'
import { KNOWN_VERDICTS, verdictLabel } from '../../etd/verdicts.js'
import { count, formatDays, plural } from '../../common/format.js'
import type { DayCount, Ranked, Trend, WeeklyReport } from '../../report/weekly/types.js'

// The words of the weekly report, for every channel: its numbers in sentences, the trends, the gaps. Each
// channel escapes them for its format; names from ETD are cleaned here (or came cleaned, as Ranked).

/**
 * Entries of a top list that a channel shows at most; the rest are counted as not shown. Ten keeps the
 * email under Gmail's 102 KB, past which it clips the message, with every name at its longest.
 */
export const MAX_TOP_SHOWN = 10

/** Verdicts a chart draws as their own series; the rest are summed as "other verdicts". */
export const MAX_VERDICT_SERIES = 6

/** `up 12%`, `down 3%`, `same`, `new` (from none), `none either`, or `not known` (a gap in the state). */
export function changeWords({ current, previous }: Trend): string {
  if (previous === null) return 'not known'
  if (current === previous) return previous === 0 ? 'none either' : 'same'
  if (previous === 0) return 'new'
  const percent = Math.round((Math.abs(current - previous) / previous) * 100)
  return `${current > previous ? 'up' : 'down'} ${percent === 0 ? 'less than 1' : count(percent)}%`
}

/** `up 12% on the week before (37)`; the week before unknown (a gap in the state, no answer from ETD) is said, not guessed. */
export function trendWords(trend: Trend): string {
  const change = changeWords(trend)
  if (trend.previous === null) return 'the week before is not known'
  if (change === 'none either') return 'none the week before either'
  if (change === 'same') return 'the same as the week before'
  if (change === 'new') return 'up from none the week before'
  return `${change} on the week before (${count(trend.previous)})`
}

/** `42 minutes`, `3 h 20 min`, `2 days 4 h`: how long something stayed, to the unit a reader needs. */
export function minutesWords(minutes: number): string {
  const m = Math.round(minutes)
  if (m < 60) return plural(m, 'minute')
  if (m < 48 * 60) return m % 60 === 0 ? `${Math.floor(m / 60)} h` : `${Math.floor(m / 60)} h ${m % 60} min`
  const hours = Math.round(m / 60)
  return hours % 24 === 0 ? plural(hours / 24, 'day') : `${plural(Math.floor(hours / 24), 'day')} ${hours % 24} h`
}

/** A verdict as a person reads it (`BEC`), cleaned: ETD names verdicts, so they are its text. */
export const verdictName = (verdict: string): Clean => clean(verdictLabel(verdict))

const period = (report: WeeklyReport) => formatDays(report.period, report.timeZone)

/** The title every channel gives the report: counts and our words only. */
export function weeklyTitle(report: WeeklyReport): string {
  return `ETD weekly report ${period(report)}: ${plural(report.watched.total.current, 'conviction')}, ${trendWords(report.watched.total)}`
}

export function watchedHeadline(report: WeeklyReport): string {
  const { watched } = report
  return `${plural(watched.total.current, 'conviction')} to the ${plural(watched.mailboxes, 'watched mailbox', 'watched mailboxes')} in the week ${period(report)}, ${trendWords(watched.total)}.`
}

export function tenantHeadline(report: WeeklyReport): string {
  return `${plural(report.tenant.total.current, 'conviction')} in the whole tenant, ${trendWords(report.tenant.total)}.`
}

/** `2026-11-23` → `Mon 11-23`: days are UTC days, as the state keeps them. */
export function dayLabel(day: string): Clean {
  const millis = Date.parse(`${day}T00:00:00Z`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(millis)) return clean(day)
  const weekday = new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone: 'UTC' }).format(millis)
  return `${weekday} ${day.slice(5)}` as Clean
}

/** Said under every chart of days when the report's zone is not UTC, where a day would be misread. */
export const utcDaysNote = (report: WeeklyReport) =>
  report.timeZone === 'UTC' ? '' : ' Days are UTC days, as the watch counts them.'

const utcDay = (millis: number) => new Date(millis).toISOString().slice(0, 10)

const listWords = (items: readonly string[]) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`

/**
 * The days the state holds nothing for, said in words: a gap is never drawn or counted as none. Those of
 * this week and of the week before are named apart, since the second only blurs the trend.
 */
export function gapWords(report: WeeklyReport): string | undefined {
  const gaps = report.watched.gaps
  if (gaps.length === 0) return undefined
  const startDay = utcDay(report.period.start)
  const now = gaps.filter((day) => day >= startDay).sort()
  const before = gaps.filter((day) => day < startDay).sort()
  const parts = [
    ...(now.length > 0 ? [`${listWords(now)} (this week)`] : []),
    ...(before.length > 0 ? [`${listWords(before)} (the week before)`] : [])
  ]
  return `The watch's state holds nothing for ${parts.join(' and ')}, most likely a lost cache: those days are left out of the counts, charts and trends, not counted as none.`
}

/** Days whose record began with a run that had no earlier state: counted from that run on, said as such. */
export function partialWords(report: WeeklyReport): string | undefined {
  const partial = [...(report.watched.partialDays ?? [])].sort()
  if (partial.length === 0) return undefined
  return `The watch's record of ${listWords(partial)} began with a run that had no earlier state (a first run, or a lost cache): convictions before that run on ${partial.length === 1 ? 'that day' : 'those days'} are not counted.`
}

/** What the watch's own record lacks this week (gaps, days counted from a first run on): said before the numbers. */
export const recordNotes = (report: WeeklyReport): string[] =>
  [gapWords(report), partialWords(report)].filter((note): note is string => note !== undefined)

/** What ETD's report endpoints did not answer for the tenant, named. */
export function missingWords(report: WeeklyReport): string | undefined {
  const missing = report.tenant.missing
  if (missing.length === 0) return undefined
  return `ETD did not answer for the tenant: ${listWords(missing.map((what) => clean(what)))}; that part is left out.`
}

/** Still in an inbox when told, and what the watch saw of them afterwards. */
export function followWords(report: WeeklyReport): string {
  const w = report.watched
  if (w.inInboxWhenTold === 0) return 'None was still in an inbox when told.'
  const left =
    `the watch later saw ${count(w.leftInbox)} of them leave it` +
    (w.medianMinutesToLeave === null ? '' : `, after a median of ${minutesWords(w.medianMinutesToLeave)}`)
  const lost =
    w.notFollowed > 0 ? `; ${count(w.notFollowed)} it could not follow further (older than its rescan range)` : ''
  return `${plural(w.inInboxWhenTold, 'conviction')} ${w.inInboxWhenTold === 1 ? 'was' : 'were'} still in an inbox when told; ${left}${lost}.`
}

/** Late verdicts and releases, of the watched mailboxes and (where ETD answered) of the tenant. */
export function laterWords(report: WeeklyReport): string {
  const { watched, tenant } = report
  const tenantRetro = tenant.retroVerdicts === null ? '' : ` (${count(tenant.retroVerdicts)} in the whole tenant)`
  return (
    `${plural(watched.retroVerdicts, 'late (retro) verdict')}${tenantRetro}; ` +
    `${plural(watched.releases, 'conviction')} later released by an administrator.`
  )
}

/** The watch's own week: runs, failures, ETD requests against the budget, deep rescans. */
export function healthWords(report: WeeklyReport): string {
  const h = report.health
  const share = h.etdBudget > 0 ? ` (${Math.round((h.etdRequests / h.etdBudget) * 100)}%)` : ''
  return (
    `${plural(h.runs, 'watch run')}, ${count(h.failures)} failed; ` +
    `${count(h.etdRequests)} of ${count(h.etdBudget)} ETD requests used${share}; ${plural(h.deepScans, 'deep rescan')}.`
  )
}

export interface VerdictRow {
  /** ETD's verdict key, for colours. */
  key: string
  name: Clean
  trend: Trend
}

const knownRank = (key: string) => {
  const i = (KNOWN_VERDICTS as readonly string[]).indexOf(key)
  return i === -1 ? KNOWN_VERDICTS.length : i
}

/** This week beside the week before, by verdict: most first, then threats first. */
export function verdictRows(byVerdict: Record<string, Trend>): VerdictRow[] {
  return Object.entries(byVerdict)
    .sort(([a, x], [b, y]) => y.current - x.current || knownRank(a) - knownRank(b) || a.localeCompare(b))
    .map(([key, trend]) => ({ key, name: verdictName(key), trend }))
}

/** Days stacked by verdict: the series (bottom first) and each day's count in each. */
export interface DaySeries {
  /** ETD's verdict keys, threats first; `''` for the sum of the rest. */
  keys: string[]
  names: Clean[]
  days: Array<{ day: string; label: Clean; counts: number[]; total: number }>
}

/**
 * The days that the state holds a record of (a gap is left out, never drawn as none), by verdict: the
 * verdicts threats first, those past `MAX_VERDICT_SERIES` summed as other verdicts.
 */
export function daySeries(days: readonly DayCount[], gaps: readonly string[] = []): DaySeries {
  const known = days.filter((d) => !gaps.includes(d.day))
  const totals = new Map<string, number>()
  for (const d of known) for (const [k, n] of Object.entries(d.byVerdict)) totals.set(k, (totals.get(k) ?? 0) + n)
  const sorted = [...totals]
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => knownRank(a) - knownRank(b) || y - x || a.localeCompare(b))
    .map(([k]) => k)
  const own = sorted.length > MAX_VERDICT_SERIES ? sorted.slice(0, MAX_VERDICT_SERIES - 1) : sorted
  const others = sorted.length > own.length
  const keys = others ? [...own, ''] : own
  return {
    keys,
    names: keys.map((k) => (k === '' ? ('other verdicts' as Clean) : verdictName(k))),
    days: known.map((d) => {
      const counts = own.map((k) => d.byVerdict[k] ?? 0)
      const rest = d.total - counts.reduce((a, b) => a + b, 0)
      return {
        day: d.day,
        label: dayLabel(d.day),
        counts: others ? [...counts, Math.max(rest, 0)] : counts,
        total: d.total
      }
    })
  }
}

/** Where to read on: ours, from GitHub, never from ETD. */
export interface WeeklyLinks {
  /** The issue of this week's report, when the issue channel went first. */
  issue?: string
  /** This workflow run. */
  run?: string
}

/** A top list, with what a channel needs to title it. */
export interface TopList {
  title: string
  /** What one entry is, for the table's head. */
  noun: string
  items: Ranked[]
}

/** The top lists in the order every channel shows them: the watched mailboxes', then the tenant's. */
export function topLists(report: WeeklyReport): { watched: TopList[]; tenant: TopList[] } {
  return {
    watched: [
      { title: 'Top techniques', noun: 'Technique', items: report.watched.topTechniques },
      { title: 'Most targeted watched mailboxes', noun: 'Mailbox', items: report.watched.topMailboxes },
      { title: 'Top sender domains', noun: 'Sender domain', items: report.watched.topSenderDomains }
    ],
    tenant: [
      { title: 'Most targeted in the tenant', noun: 'Mailbox', items: report.tenant.topTargets },
      { title: 'Top threat senders in the tenant', noun: 'Sender', items: report.tenant.topThreatSenders }
    ]
  }
}

/** Under a list a channel cut, for its size limit or for `MAX_TOP_SHOWN`. */
export const notShown = (n: number) => `${count(n)} more not shown here.`

/** What the colours of a stacked day chart are, for a reader of any channel. */
export const stackWords = (series: DaySeries) =>
  series.names.length > 1 ? `Bars by verdict, bottom to top: ${series.names.join(', ')}.` : ''
