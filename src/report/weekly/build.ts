import { DAY } from '../../common/time.js'
import { clean } from '../../etd/clean.js'
import type { ReportAnswer, TopAnswer } from '../../etd/report.js'
import { utcDayOf, type DayRecord, type Top } from '../../state/daily.js'
import type { DayCount, Ranked, Trend, WeeklyReport } from './types.js'

/** How long a top list of the report is. */
export const TOP_SHOWN = 10
const PERIOD_DAYS = 7

/** ETD's answers for the tenant; a request that failed is absent and named in `failed`. */
export interface TenantAnswers {
  /** By verdict, over the period and the one before it. */
  verdicts?: ReportAnswer
  retroVerdicts?: ReportAnswer
  targets?: TopAnswer
  threatSenders?: TopAnswer
  /** One line for each request that failed, naming it and why. */
  failed: string[]
}

export interface WeeklySettings {
  timeZone: string
  rule: { mailboxes: readonly string[]; verdicts: readonly string[] }
  dailyRequestBudget: number
}

/** The 7 whole UTC days before the day of `now`, and the 7 before those. */
export function weeklyPeriods(now: number): Pick<WeeklyReport, 'period' | 'previous'> {
  const end = Math.floor(now / DAY) * DAY
  const start = end - PERIOD_DAYS * DAY
  return { period: { start, end }, previous: { start: start - PERIOD_DAYS * DAY, end: start } }
}

const daysOf = (span: { start: number; end: number }) =>
  Array.from({ length: Math.round((span.end - span.start) / DAY) }, (_, i) => utcDayOf(span.start + i * DAY))

const sum = (values: Iterable<number>) => [...values].reduce((n, v) => n + v, 0)

/** The counts of the verdicts the watch looks for, and their total. */
function dayCount(day: string, counts: Partial<Record<string, number>>, verdicts: readonly string[]): DayCount {
  const byVerdict = Object.fromEntries(verdicts.flatMap((v) => (counts[v] ? [[v, counts[v]!]] : [])))
  return { day, byVerdict, total: sum(Object.values(byVerdict)) }
}

/** The `TOP_SHOWN` names with the highest counts, ties by name, cleaned for display. */
function ranked(lists: Iterable<Top>): Ranked[] {
  const counts = new Map<string, number>()
  for (const list of lists) for (const [name, n] of list) counts.set(name, (counts.get(name) ?? 0) + n)
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, TOP_SHOWN)
    .map(([name, count]) => ({ name: clean(name), count }))
}

function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** The watched mailboxes' part, from the state's daily records: a day without a record is a gap, not a zero. */
function watchedPart(
  records: readonly DayRecord[],
  periods: Pick<WeeklyReport, 'period' | 'previous'>,
  settings: WeeklySettings
): WeeklyReport['watched'] {
  const byDay = new Map(records.map((r) => [r.day, r]))
  const current = daysOf(periods.period).flatMap((day) => byDay.get(day) ?? [])
  const previousDays = daysOf(periods.previous)
  const previous = previousDays.every((day) => byDay.has(day)) ? previousDays.map((day) => byDay.get(day)!) : undefined
  const verdicts = [
    ...new Set([...settings.rule.verdicts, ...current.flatMap((r) => Object.keys(r.told))])
  ] as readonly string[]
  const told = (list: readonly DayRecord[], verdict?: string) =>
    sum(
      list.map((r) =>
        sum(Object.entries(r.told).flatMap(([v, n]) => (verdict === undefined || v === verdict ? [n!] : [])))
      )
    )
  const trend = (verdict?: string): Trend => ({
    current: told(current, verdict),
    previous: previous ? told(previous, verdict) : null
  })
  const total = (key: 'inInbox' | 'left' | 'notFollowed' | 'retro' | 'releases') => sum(current.map((r) => r[key]))
  const detail = current.flatMap((r) => r.detail ?? [])
  const partialDays = [...previousDays, ...daysOf(periods.period)].filter((day) => byDay.get(day)?.partial)
  return {
    mailboxes: settings.rule.mailboxes.length,
    days: current.map((r) => dayCount(r.day, r.told, verdicts)),
    total: trend(),
    byVerdict: Object.fromEntries(verdicts.map((v) => [v, trend(v)])),
    topTechniques: ranked(detail.map((d) => d.techniques)),
    topMailboxes: ranked(detail.map((d) => d.mailboxes)),
    topSenderDomains: ranked(detail.map((d) => d.senderDomains)),
    inInboxWhenTold: total('inInbox'),
    leftInbox: total('left'),
    medianMinutesToLeave: median(detail.flatMap((d) => d.leaveMinutes)),
    notFollowed: total('notFollowed'),
    retroVerdicts: total('retro'),
    releases: total('releases'),
    gaps: [...previousDays, ...daysOf(periods.period)].filter((day) => !byDay.has(day)),
    ...(partialDays.length > 0 ? { partialDays } : {})
  }
}

/** ETD's rows as ranked names: the address, and its threats of the verdicts the watch looks for. */
function rankedRows(answer: TopAnswer | undefined, verdicts: readonly string[]): Ranked[] {
  return (answer?.rows ?? []).slice(0, TOP_SHOWN).map((row) => ({
    name: clean(row.address),
    count: Object.keys(row.counts).length > 0 ? sum(verdicts.map((v) => row.counts[v] ?? 0)) : row.total
  }))
}

/** The tenant's part, from ETD's report endpoints; what they did not answer is named in `missing`. */
function tenantPart(
  tenant: TenantAnswers,
  periods: Pick<WeeklyReport, 'period' | 'previous'>,
  verdicts: readonly string[]
): WeeklyReport['tenant'] {
  const answered = new Map((tenant.verdicts?.days ?? []).map((d) => [d.day, d.counts]))
  const count = (days: string[]) =>
    days.some((day) => answered.has(day))
      ? sum(days.map((day) => dayCount(day, answered.get(day) ?? {}, verdicts).total))
      : null
  const current = daysOf(periods.period)
  const inPeriod = new Set(current)
  const retro = tenant.retroVerdicts?.days.filter((d) => inPeriod.has(d.day))
  return {
    days: current.flatMap((day) => (answered.has(day) ? [dayCount(day, answered.get(day)!, verdicts)] : [])),
    total: { current: count(current) ?? 0, previous: count(daysOf(periods.previous)) },
    retroVerdicts:
      retro && tenant.retroVerdicts!.missing.length === 0
        ? sum(retro.map((d) => dayCount(d.day, d.counts, verdicts).total))
        : null,
    topTargets: rankedRows(tenant.targets, verdicts),
    topThreatSenders: rankedRows(tenant.threatSenders, verdicts),
    missing: [
      ...tenant.failed,
      ...[tenant.verdicts, tenant.retroVerdicts, tenant.targets, tenant.threatSenders].flatMap((a) => a?.missing ?? [])
    ]
  }
}

/** The week at a glance, at `now`: the state's daily records for the watched mailboxes, ETD's answers for the tenant. */
export function buildWeeklyReport(input: {
  now: number
  daily: readonly DayRecord[] | undefined
  tenant: TenantAnswers
  settings: WeeklySettings
}): WeeklyReport {
  const periods = weeklyPeriods(input.now)
  const { settings } = input
  const current = new Set(daysOf(periods.period))
  const days = (input.daily ?? []).filter((r) => current.has(r.day))
  return {
    ...periods,
    timeZone: settings.timeZone,
    watched: watchedPart(input.daily ?? [], periods, settings),
    tenant: tenantPart(input.tenant, periods, settings.rule.verdicts),
    health: {
      runs: sum(days.map((r) => r.runs)),
      failures: sum(days.map((r) => r.failures)),
      etdRequests: sum(days.map((r) => r.requests)),
      etdBudget: settings.dailyRequestBudget * PERIOD_DAYS,
      deepScans: sum(days.map((r) => r.deepScans))
    }
  }
}
