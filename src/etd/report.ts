// ETD's reporting answers, read tolerantly: their shapes are partly unverified (etd-api.md), so each part
// is taken where it plausibly is, and what cannot be found is named in `missing` instead of failing.
import { DAY } from '../common/time.js'
import { parseEtdTime } from './message.js'

export type AggregateBy = 'verdicts' | 'directions' | 'retroVerdicts'
export type TopType = 'targets' | 'threatSenders'

/** One UTC day of a report: counts by verdict (or direction), keys lower-cased. */
export interface ReportDay {
  day: string
  counts: Record<string, number>
}

export interface ReportAnswer {
  days: ReportDay[]
  totalMessages?: number
  /** What the answer lacked, worded for the reader (`retroVerdicts: aggregations`). */
  missing: string[]
}

export interface TopRow {
  /** ETD text: attacker-controlled for senders. */
  address: string
  /** By threat verdict. */
  counts: Record<string, number>
  total: number
}

export interface TopAnswer {
  rows: TopRow[]
  missing: string[]
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0

/** The answer's `data`, or the answer itself when ETD sent the fields at the top. */
const dataOf = (answer: unknown): Record<string, unknown> =>
  isObject(answer) && isObject(answer.data) ? answer.data : isObject(answer) ? answer : {}

const TIME_KEYS = ['timestamp', 'date', 'time', 'key', 'day']
const COUNT_KEYS = ['counts', 'values', 'verdicts', 'directions', 'retroVerdicts', 'data']

/** The counts of one aggregation: a nested object of counts, or the item's own number fields. */
function countsOf(item: Record<string, unknown>): Record<string, number> {
  const nested = COUNT_KEYS.map((key) => item[key]).find(isObject)
  const source = nested ?? item
  const counts: Record<string, number> = {}
  for (const [key, value] of Object.entries(source)) {
    if (TIME_KEYS.includes(key) || key === 'total' || key === 'count') continue
    if (isCount(value)) counts[key.toLowerCase()] = (counts[key.toLowerCase()] ?? 0) + value
  }
  // Rows of one verdict each: {verdict, count}.
  const name = ['verdict', 'direction', 'name'].map((key) => item[key]).find((v) => typeof v === 'string')
  if (typeof name === 'string' && isCount(item.count)) counts[name.toLowerCase()] = item.count
  return counts
}

/** The UTC day an aggregation stands for, from its time (ISO or epoch), or `undefined`. */
function dayOf(item: Record<string, unknown>): string | undefined {
  const value = TIME_KEYS.map((key) => item[key]).find((v) => v !== undefined)
  const millis =
    typeof value === 'number' ? (value < 1e11 ? value * 1000 : value) : (parseEtdTime(value) ?? parseDay(value))
  return millis === undefined || !Number.isFinite(millis)
    ? undefined
    : new Date(Math.floor(millis / DAY) * DAY).toISOString().slice(0, 10)
}

const parseDay = (value: unknown) =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : undefined

/** `POST /v1/messages/report`'s answer as days of counts; the days of the same date are added up. */
export function readReport(answer: unknown, by: AggregateBy): ReportAnswer {
  const data = dataOf(answer)
  const missing: string[] = []
  const total = isCount(data.totalMessages) ? data.totalMessages : undefined
  if (total === undefined) missing.push(`${by}: totalMessages`)
  const list = data.aggregations
  if (!Array.isArray(list)) return { days: [], totalMessages: total, missing: [...missing, `${by}: aggregations`] }
  const byDay = new Map<string, Record<string, number>>()
  let unread = 0
  for (const item of list) {
    const day = isObject(item) ? dayOf(item) : undefined
    if (day === undefined) {
      unread++
      continue
    }
    const counts = byDay.get(day) ?? {}
    for (const [key, n] of Object.entries(countsOf(item as Record<string, unknown>)))
      counts[key] = (counts[key] ?? 0) + n
    byDay.set(day, counts)
  }
  if (unread > 0) missing.push(`${by}: the day of ${unread} aggregations`)
  const days = [...byDay].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, counts]) => ({ day, counts }))
  return { days, totalMessages: total, missing }
}

const THREATS = ['bec', 'scam', 'phishing', 'malicious']
const TOP_FIELDS: Record<TopType, string> = { targets: 'topTargets', threatSenders: 'topThreatSenders' }
const ADDRESS_KEYS = ['emailAddress', 'address', 'email', 'sender', 'fromAddress', 'name']

/** `POST /v1/messages/report/top`'s answer as rows of an address and its threats by verdict. */
export function readTop(answer: unknown, type: TopType): TopAnswer {
  const data = dataOf(answer)
  const list = data[TOP_FIELDS[type]]
  if (!Array.isArray(list)) return { rows: [], missing: [`${type}: ${TOP_FIELDS[type]}`] }
  const rows: TopRow[] = []
  let unread = 0
  for (const item of list) {
    const address = isObject(item)
      ? ADDRESS_KEYS.map((key) => item[key]).find((v) => typeof v === 'string' && v !== '')
      : undefined
    if (typeof address !== 'string') {
      unread++
      continue
    }
    const row = item as Record<string, unknown>
    const counts = Object.fromEntries(THREATS.flatMap((t) => (isCount(row[t]) ? [[t, row[t]]] : [])))
    const total = isCount(row.total) ? row.total : Object.values(counts).reduce((n, c) => n + c, 0)
    rows.push({ address, counts, total })
  }
  return { rows, missing: unread > 0 ? [`${type}: the address of ${unread} rows`] : [] }
}
