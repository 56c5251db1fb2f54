// The watch's daily aggregates: what it told and did on each UTC day, counts only, never message text,
// so that a weekly report costs no search. A day no run recorded stays absent: a gap, never zeros.
import { DAY, MINUTE } from '../common/time.js'
import { inInbox, isRelease, parseEtdTime } from '../etd/message.js'
import type { EtdMessage } from '../etd/types.js'
import { KNOWN_VERDICTS, type Verdict } from '../etd/verdicts.js'
import { clip, isCount, isRecord, type Dropped } from './rules.js'

/** Days of records kept: a year and a day, so that a year ago today is still there. */
export const DAYS_KEPT = 366
/** Days that keep their top lists and leave times: the report's week and the week before it. */
export const DETAIL_DAYS = 14
/** Names kept per top list and day, and their length: enough for a top ten, bounded in the state. */
export const TOP_KEPT = 12
export const NAME_MAX = 64
/** Leave times kept per day for the median; more are counted in `left` but not timed. */
export const LEAVE_TIMES_KEPT = 50

export type Top = Array<[name: string, count: number]>

/** What the state remembers of a told conviction, as far as the records need it (state.ts's NotifiedEntry). */
interface ToldEntry {
  notifiedAt: number
  inbox?: boolean
}

/** What one UTC day holds beyond counts, for the last DETAIL_DAYS days only. */
export interface DayDetail {
  techniques: Top
  mailboxes: Top
  senderDomains: Top
  /** Minutes from delivery until the watch saw a conviction told in the inbox leave it. */
  leaveMinutes: number[]
}

/**
 * One UTC day. The convictions' counts are by the day they were told: what later happens to one (it leaves
 * the inbox, is released, is no longer followed) is added to the day it was told, while that day is kept.
 */
export interface DayRecord {
  /** YYYY-MM-DD, UTC. */
  day: string
  /** Convictions first told that day, by effective verdict. */
  told: Partial<Record<Verdict, number>>
  /** Told that day as a verdict given after delivery (retro) or as a verdict change. */
  retro: number
  /** Of the day's convictions: released by an administrator later. */
  releases: number
  /** Of the day's convictions: in the inbox when told; later seen to leave it; no longer followed while in it. */
  inInbox: number
  left: number
  notFollowed: number
  /** Watch runs that saved the state that day, those whose delivery failed, their ETD requests, deep rescans. */
  runs: number
  failures: number
  requests: number
  deepScans: number
  /** Begun by a run without an earlier state (a first run, a lost cache): the day before it is unknown. */
  partial?: boolean
  detail?: DayDetail
}

const emptyDay = (day: string): DayRecord => ({
  day,
  told: {},
  retro: 0,
  releases: 0,
  inInbox: 0,
  left: 0,
  notFollowed: 0,
  runs: 0,
  failures: 0,
  requests: 0,
  deepScans: 0
})

const emptyDetail = (): DayDetail => ({ techniques: [], mailboxes: [], senderDomains: [], leaveMinutes: [] })

export const utcDayOf = (millis: number) => new Date(millis).toISOString().slice(0, 10)

/** The sender's domain as the state keeps it: lower-cased, after the last `@`; attacker text, clipped. */
const senderDomain = (address: string) => clip(address.slice(address.lastIndexOf('@') + 1).toLowerCase(), NAME_MAX)

/**
 * When a conviction told in the inbox left it, as the search sees the message now; `undefined` while it
 * is still there (or was not in it when told). ETD's action time when it is believable, else `now`.
 */
export function leftInboxAt(
  told: { inbox?: boolean; receivedAt: number } | undefined,
  message: Pick<EtdMessage, 'remediation'>,
  now: number
): number | undefined {
  if (told?.inbox !== true || inInbox(message)) return undefined
  const at = parseEtdTime(message.remediation?.at)
  return at !== undefined && at >= told.receivedAt && at <= now ? at : now
}

/** What one run adds to the days: built as messages arrive, merged into the records when the state is saved. */
export class DayTally {
  private readonly days = new Map<string, DayRecord>()
  private readonly today: string

  constructor(now: number) {
    this.today = utcDayOf(now)
  }

  private record(day: string): DayRecord {
    let record = this.days.get(day)
    if (!record) this.days.set(day, (record = emptyDay(day)))
    return record
  }

  private detail(day: string): DayDetail {
    const record = this.record(day)
    return (record.detail ??= emptyDetail())
  }

  /** A conviction told this run: `first` when never told before; `mailboxes`, its watched ones. */
  told(message: EtdMessage, first: boolean, mailboxes: readonly string[]): void {
    const record = this.record(this.today)
    if (message.retro || !first) record.retro++
    if (!first) return
    const verdict = message.verdict as Verdict
    record.told[verdict] = (record.told[verdict] ?? 0) + 1
    if (inInbox(message)) record.inInbox++
    const detail = this.detail(this.today)
    add(detail.techniques, [...new Set(message.techniques.map((t) => clip(t.type, NAME_MAX)))])
    add(detail.mailboxes, [...new Set(mailboxes.map((m) => clip(m, NAME_MAX)))])
    add(detail.senderDomains, [senderDomain(message.fromAddress)])
  }

  /** A conviction told on `toldAt` that left the inbox `minutes` after delivery. */
  left(toldAt: number, minutes: number): void {
    const day = utcDayOf(toldAt)
    this.record(day).left++
    this.detail(day).leaveMinutes.push(minutes)
  }

  /** A conviction told on `toldAt` that an administrator released. */
  released(toldAt: number): void {
    this.record(utcDayOf(toldAt)).releases++
  }

  /** Convictions told in the inbox on `toldAt` that the state stops following while they are still there. */
  notFollowed(toldAt: number): void {
    this.record(utcDayOf(toldAt)).notFollowed++
  }

  /** Known convictions told in the inbox, still there, that the next state no longer remembers. */
  dropped(known: ReadonlyMap<string, ToldEntry>, next: ReadonlyMap<string, unknown>): this {
    for (const [id, entry] of known) if (entry.inbox === true && !next.has(id)) this.notFollowed(entry.notifiedAt)
    return this
  }

  /** The days this run touched, and what it added to each. */
  get added(): ReadonlyMap<string, DayRecord> {
    return this.days
  }
}

/** Whether `message` is a release of a conviction told before (not yet counted: the entry still has a threat). */
export const isReleaseOf = (told: { verdict: string } | undefined, message: EtdMessage) =>
  told !== undefined && told.verdict !== 'neutral' && isRelease(message)

/** Minutes from delivery to `leftAt`, whole. */
export const minutesToLeave = (receivedAt: number, leftAt: number) => Math.round((leftAt - receivedAt) / MINUTE)

function add(top: Top, names: readonly string[], by = 1): void {
  for (const name of names) {
    const entry = top.find(([n]) => n === name)
    if (entry) entry[1] += by
    else top.push([name, by])
  }
}

/** The highest counts first (then by name, so that every run keeps the same ones), at most TOP_KEPT. */
const ranked = (top: Top): Top =>
  [...top].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, TOP_KEPT)

function merged(into: DayRecord, run: DayRecord): DayRecord {
  const told = { ...into.told }
  for (const [verdict, n] of Object.entries(run.told)) told[verdict as Verdict] = (told[verdict as Verdict] ?? 0) + n
  const detail = (into.detail ?? run.detail) ? { ...emptyDetail(), ...into.detail } : undefined
  if (detail && run.detail) {
    const sum = (a: Top, b: Top) => {
      const all = a.map(([n, c]): [string, number] => [n, c])
      for (const [name, n] of b) add(all, [name], n)
      return ranked(all)
    }
    detail.techniques = sum(detail.techniques, run.detail.techniques)
    detail.mailboxes = sum(detail.mailboxes, run.detail.mailboxes)
    detail.senderDomains = sum(detail.senderDomains, run.detail.senderDomains)
    detail.leaveMinutes = [...detail.leaveMinutes, ...run.detail.leaveMinutes].slice(0, LEAVE_TIMES_KEPT)
  }
  return {
    day: into.day,
    told,
    retro: into.retro + run.retro,
    releases: into.releases + run.releases,
    inInbox: into.inInbox + run.inInbox,
    left: into.left + run.left,
    notFollowed: into.notFollowed + run.notFollowed,
    runs: into.runs + run.runs,
    failures: into.failures + run.failures,
    requests: into.requests + run.requests,
    deepScans: into.deepScans + run.deepScans,
    ...(into.partial ? { partial: true } : {}),
    ...(detail ? { detail } : {})
  }
}

/** What a run itself adds to its day, whatever it told. */
export interface RunCounts {
  now: number
  requests: number
  failed: boolean
  deepScan: boolean
  /** No earlier state was restored: a new record for today is partial. */
  fresh: boolean
}

/**
 * The records after a run's own counts: added to today's record, begun when missing (partial after a
 * fresh start). Older days lose their detail, then go.
 */
export function dailyAfter(previous: readonly DayRecord[] | undefined, run: RunCounts): DayRecord[] {
  const today = utcDayOf(run.now)
  const records = [...(previous ?? [])]
  const at = records.findIndex((r) => r.day === today)
  const counts = {
    ...emptyDay(today),
    runs: 1,
    failures: run.failed ? 1 : 0,
    requests: run.requests,
    deepScans: run.deepScan ? 1 : 0
  }
  if (at >= 0) records[at] = merged(records[at], counts)
  else records.push(merged({ ...emptyDay(today), ...(run.fresh ? { partial: true } : {}) }, counts))
  return kept(records, run.now)
}

/**
 * The records with what a run's tally found, after everyone was told. What later happened to a conviction
 * of a day that is no longer kept, or was never recorded, is dropped: a gap stays a gap.
 */
export function withTally(records: readonly DayRecord[], tally: DayTally, now: number): DayRecord[] {
  const all = records.map((record) => {
    const added = tally.added.get(record.day)
    return added ? merged(record, added) : record
  })
  return kept(all, now)
}

/** `requests` more on the record of `day`, when there is one. */
export const withRequests = (records: readonly DayRecord[], day: string, requests: number): DayRecord[] =>
  records.map((r) => (r.day === day ? { ...r, requests: r.requests + requests } : r))

/** The records a state keeps at `now`: a year of days, oldest first, the last DETAIL_DAYS with their detail. */
export function kept(records: readonly DayRecord[], now: number): DayRecord[] {
  const oldest = utcDayOf(now - (DAYS_KEPT - 1) * DAY)
  const detailFrom = utcDayOf(now - (DETAIL_DAYS - 1) * DAY)
  return records
    .filter((r) => r.day >= oldest)
    .sort((a, b) => (a.day < b.day ? -1 : 1))
    .map((r) => (r.day >= detailFrom || r.detail === undefined ? r : { ...r, detail: undefined }))
}

// The state writes a day as one short array: its date, the told counts in KNOWN_VERDICTS order (trailing
// zeros left out), the other counts in COUNTS order, and an object for the partial flag and the detail.
const COUNTS = [
  'retro',
  'releases',
  'inInbox',
  'left',
  'notFollowed',
  'runs',
  'failures',
  'requests',
  'deepScans'
] as const

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/

function encodeTop(top: Top): Top {
  return ranked(top.map(([name, n]): [string, number] => [clip(name, NAME_MAX), n]))
}

/** One day as the state writes it. */
function encodeDay(record: DayRecord): unknown[] {
  const told = KNOWN_VERDICTS.map((v) => record.told[v] ?? 0)
  while (told.length > 0 && told.at(-1) === 0) told.pop()
  const extra: Record<string, unknown> = {}
  if (record.partial) extra.p = 1
  const d = record.detail
  if (d) {
    if (d.techniques.length > 0) extra.t = encodeTop(d.techniques)
    if (d.mailboxes.length > 0) extra.m = encodeTop(d.mailboxes)
    if (d.senderDomains.length > 0) extra.s = encodeTop(d.senderDomains)
    if (d.leaveMinutes.length > 0) extra.l = d.leaveMinutes.slice(0, LEAVE_TIMES_KEPT)
  }
  return [record.day, told, ...COUNTS.map((key) => record[key]), ...(Object.keys(extra).length > 0 ? [extra] : [])]
}

const isTop = (value: unknown): value is Top =>
  Array.isArray(value) &&
  value.length <= TOP_KEPT &&
  value.every(
    (e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && e[0].length <= NAME_MAX && isCount(e[1])
  )

/** One day as read, or `undefined` when any part of it is malformed. */
function decodeDay(json: unknown): DayRecord | undefined {
  if (!Array.isArray(json) || json.length < 2 + COUNTS.length || json.length > 3 + COUNTS.length) return undefined
  const [day, told, ...rest] = json as unknown[]
  if (typeof day !== 'string' || !DAY_PATTERN.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))
    return undefined
  if (!Array.isArray(told) || told.length > KNOWN_VERDICTS.length || !told.every((n) => isCount(n))) return undefined
  const counts = rest.slice(0, COUNTS.length)
  if (!counts.every((n) => isCount(n))) return undefined
  const extra = rest[COUNTS.length]
  if (extra !== undefined && !isRecord(extra)) return undefined
  const record: DayRecord = { ...emptyDay(day) }
  told.forEach((n: number, i) => {
    if (n > 0) record.told[KNOWN_VERDICTS[i]] = n
  })
  COUNTS.forEach((key, i) => (record[key] = counts[i] as number))
  if (extra === undefined) return record
  if (extra.p !== undefined && extra.p !== 1) return undefined
  if (extra.p === 1) record.partial = true
  const tops = [extra.t ?? [], extra.m ?? [], extra.s ?? []]
  const minutes = extra.l ?? []
  if (
    !tops.every(isTop) ||
    !Array.isArray(minutes) ||
    minutes.length > LEAVE_TIMES_KEPT ||
    !minutes.every((n) => isCount(n))
  )
    return undefined
  if (extra.t ?? extra.m ?? extra.s ?? extra.l) {
    const [techniques, mailboxes, senderDomains] = tops as Top[]
    record.detail = { techniques, mailboxes, senderDomains, leaveMinutes: minutes as number[] }
  }
  return record
}

/** The state's `daily` list as written: oldest first, a day at most once. */
export function encodeDaily(records: readonly DayRecord[]): unknown[] {
  return records.map(encodeDay)
}

/**
 * The state's `daily` list as read, each day on its own: a malformed day, or one out of order, is dropped
 * and named; `undefined` when the list itself is not one.
 */
export function decodeDaily(json: unknown, dropped: Dropped): DayRecord[] | undefined {
  if (!Array.isArray(json) || json.length > DAYS_KEPT) return undefined
  const records: DayRecord[] = []
  for (const [i, item] of json.entries()) {
    const record = decodeDay(item)
    if (record === undefined || (records.length > 0 && record.day <= records.at(-1)!.day)) {
      dropped.add(`daily record ${i + 1} (malformed)`)
    } else records.push(record)
  }
  return records
}
