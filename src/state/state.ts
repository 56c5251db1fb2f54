import { createHash } from 'node:crypto'
import { MINUTE } from '../common/time.js'
import { isKnownVerdict } from '../etd/verdicts.js'
import { decodeDaily, encodeDaily, type DayRecord } from './daily.js'
import { decodePending, encodePending, type PendingNotice } from './pending-notices.js'
import { decodeTime, Dropped, encodeTime, isCount, isRecord, MAX_COUNT, shownId } from './rules.js'
import { MAX_RANGES, normalize, type Range, type Ranges } from './searched.js'

/** The state format this version writes; older ones are migrated on load (see MIGRATIONS). */
export const STATE_VERSION = 3

/** What the watch remembers between runs. */
export interface WatchState {
  version: typeof STATE_VERSION
  /** Where the watch began: older messages are reported only for verdicts given after it. */
  horizon: number
  /** End of the last window that was fully fetched and notified. */
  watermark: number
  /** End of the window of the last deep rescan; absent until one has run (then one is due). */
  deepScanAt?: number
  /** When this state was saved. */
  savedAt?: number
  /** When the last few scheduled runs started, oldest first: their gaps tell how often the watch runs. */
  scheduledRuns?: number[]
  /** ETD requests this watch made on one UTC day, against `daily-request-budget`. */
  requests?: RequestTally
  /** Messages per hour that ETD returned for the verdict filter lately: what a deep rescan will cost. */
  ratePerHour?: number
  /** With `heartbeat: daily`: the runs and convictions since the last "all quiet" line. */
  heartbeat?: HeartbeatTally
  /** Owner notices that earlier runs could not deliver, retried alone (see pending-notices.ts); absent when none. */
  pending?: PendingNotice[]
  /**
   * Message time searched to the end, merged (see searched.ts); what lies between is owed to the next run.
   * Absent in states written before it: nothing is known to be searched.
   */
  searched?: Ranges
  /** What the watch told and did on each UTC day, oldest first (see daily.ts); a day without a record is a gap. */
  daily?: DayRecord[]
  /** ETD id → what was last told about the message. */
  notified: Map<string, NotifiedEntry>
}

/** What the state keeps of a run besides the convictions: the rescan, budget, rate and heartbeat bookkeeping. */
export type Ledger = Pick<
  WatchState,
  | 'deepScanAt'
  | 'savedAt'
  | 'scheduledRuns'
  | 'requests'
  | 'ratePerHour'
  | 'heartbeat'
  | 'pending'
  | 'searched'
  | 'daily'
>

export interface HeartbeatTally {
  /** When the last heartbeat was due (or counting began): one a UTC day. */
  since: number
  runs: number
  convictions: number
}

export interface RequestTally {
  /** The UTC day, YYYY-MM-DD. */
  day: string
  count: number
}

/** What one run adds to the day's tally: a new UTC day starts from zero. */
export function tallyRequests(previous: RequestTally | undefined, now: number, made: number): RequestTally {
  const day = new Date(now).toISOString().slice(0, 10)
  return { day, count: (previous?.day === day ? previous.count : 0) + made }
}

export interface NotifiedEntry {
  verdict: string
  /** When the message arrived: entries are pruned once it leaves every future window. */
  receivedAt: number
  notifiedAt: number
  /**
   * Whether it was in the inbox when told or when an issue last recorded it (see notify/issue/follow.ts);
   * the daily records count it as left when it is seen out of it. Absent when nothing follows it.
   */
  inbox?: boolean
}

export type Parsed =
  | {
      ok: true
      state: WatchState
      /** The format it was written in, when older than `STATE_VERSION`. */
      migratedFrom?: number
      /** The parts left out as malformed, each named by its place, when there were any. */
      dropped?: string[]
    }
  | { ok: false; reason: string }

// Restored state is untrusted (anyone who can run a workflow can write a cache entry): bounded and strict.
const MAX_ENTRIES = 1_000_000
const MAX_ID_LENGTH = 200
/** The scheduled runs the state keeps: seven gaps, whose median one late or bunched run cannot move. */
export const SCHEDULED_RUNS_KEPT = 8
/** Clocks of runners and of the machine that wrote the state differ a little; more than this is a lie. */
export const CLOCK_SKEW_MS = 5 * MINUTE
const iso = (millis: number) => new Date(millis).toISOString()
export const utcDay = (millis: number) => iso(millis).slice(0, 10)

/**
 * The key a message is remembered by: its ETD id, or for an id longer than the state keeps, a digest of
 * it (still one key per message, and the same on every run).
 */
export function notifiedKey(id: string): string {
  return id.length <= MAX_ID_LENGTH ? id : `sha256:${createHash('sha256').update(id).digest('hex')}`
}

/** Optional: absent in older states. `null` when present but malformed; overlapping ranges are merged. */
/** The searched ranges as written: ordered pairs of times, a bounded few; `undefined` when malformed. */
export function decodeSearched(value: unknown): Ranges | undefined {
  if (!Array.isArray(value) || value.length > MAX_RANGES) return undefined
  const ranges: Range[] = []
  for (const pair of value as unknown[]) {
    const [start, end] = Array.isArray(pair) && pair.length === 2 ? pair.map(decodeTime) : []
    if (start === undefined || end === undefined || start >= end) return undefined
    ranges.push([start, end])
  }
  return normalize(ranges)
}

/**
 * How one optional top-level field is written and read. `decode` is the one rule: what is written is
 * decoded first and left out, named, when it fails; what is read and fails is dropped the same way, and
 * the rest of the state is kept. `undefined` from `decode` means malformed; an empty list, absent.
 */
interface Codec<T> {
  /** What a warning calls the field. */
  name: string
  encode(value: T, dropped: Dropped): unknown
  decode(json: unknown, dropped: Dropped): T | undefined
}

type OptionalField = Exclude<keyof WatchState, 'version' | 'horizon' | 'watermark' | 'notified'>

const timeCodec = (name: string): Codec<number> => ({ name, encode: encodeTime, decode: decodeTime })

/**
 * Every optional field, in the order written. A new field is one more entry here (the type requires it),
 * read from older documents as absent.
 */
const FIELDS: { [K in OptionalField]-?: Codec<NonNullable<WatchState[K]>> } = {
  deepScanAt: timeCodec('last deep rescan time'),
  savedAt: timeCodec('save time'),
  scheduledRuns: {
    name: 'scheduled run times',
    encode: (times) => times.map(encodeTime),
    // A few strictly increasing times: anything else could teach the budget a cadence GitHub never ran.
    decode: (json) => {
      if (!Array.isArray(json) || json.length > SCHEDULED_RUNS_KEPT) return undefined
      const times = json.map(decodeTime)
      return times.every((at, i) => at !== undefined && (i === 0 || at > times[i - 1]!))
        ? (times as number[])
        : undefined
    }
  },
  requests: {
    name: 'request count',
    encode: (tally) => tally,
    decode: (json) =>
      isRecord(json) &&
      typeof json.day === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(json.day) &&
      !Number.isNaN(Date.parse(`${json.day}T00:00:00Z`)) &&
      isCount(json.count)
        ? { day: json.day, count: json.count }
        : undefined
  },
  ratePerHour: {
    name: 'message rate',
    encode: (rate) => rate,
    decode: (json) => (typeof json === 'number' && json >= 0 && json <= MAX_COUNT ? json : undefined)
  },
  heartbeat: {
    name: 'heartbeat',
    encode: (beat) => ({ ...beat, since: encodeTime(beat.since) }),
    decode: (json) => {
      const since = isRecord(json) ? decodeTime(json.since) : undefined
      return isRecord(json) && since !== undefined && isCount(json.runs) && isCount(json.convictions)
        ? { since, runs: json.runs, convictions: json.convictions }
        : undefined
    }
  },
  pending: { name: 'pending notices', encode: encodePending, decode: decodePending },
  searched: {
    name: 'searched ranges',
    encode: (ranges) => ranges.map((range) => range.map(encodeTime)),
    decode: decodeSearched
  },
  daily: { name: 'daily records', encode: encodeDaily, decode: decodeDaily }
}

const OPTIONAL = Object.keys(FIELDS) as OptionalField[]

/** One field read through its codec: the value, or nothing (absent, empty, or dropped and named). */
function field<K extends OptionalField>(key: K, json: unknown, dropped: Dropped): Partial<WatchState> {
  if (json === undefined) return {}
  const codec = FIELDS[key] as unknown as Codec<WatchState[K]>
  const value = codec.decode(json, dropped)
  if (value === undefined) dropped.add(`its ${codec.name} (malformed)`)
  return value === undefined || (Array.isArray(value) && value.length === 0) ? {} : { [key]: value }
}

/** An entry of `notified` as read (or about to be written), or `undefined` when malformed. */
function decodeEntry(id: string, json: unknown): NotifiedEntry | undefined {
  if (!isRecord(json) || id === '' || id.length > MAX_ID_LENGTH) return undefined
  const receivedAt = decodeTime(json.r)
  const notifiedAt = decodeTime(json.n)
  const verdict = json.v
  if (typeof verdict !== 'string' || !isKnownVerdict(verdict) || receivedAt === undefined || notifiedAt === undefined)
    return undefined
  return { verdict, receivedAt, notifiedAt, ...(typeof json.i === 'boolean' ? { inbox: json.i } : {}) }
}

const encodeEntry = (e: NotifiedEntry) => ({
  v: e.verdict,
  r: encodeTime(e.receivedAt),
  n: encodeTime(e.notifiedAt),
  ...(e.inbox === undefined ? {} : { i: e.inbox })
})

type Doc = Record<string, unknown>

/**
 * Each step lifts a document by one format, from 1: a new format adds one step at the end. A step
 * changes only what its format changed; everything is checked after the last one.
 */
const MIGRATIONS: ReadonlyArray<(doc: Doc) => Doc> = [
  // 1 → 2: format 1 had no optional fields; none is believed (a deep rescan is then due at once, as
  // format 1's versions did one on every run).
  ({ horizon, watermark, notified }) => ({ horizon, watermark, notified }),
  // 2 → 3: the same fields. Format 3 writes ids over 200 characters as `notifiedKey` digests and reads
  // each entry on its own, so an older reader must not take it.
  (doc) => doc
]

/**
 * Parses a saved state, migrating older formats. A malformed entry, pending notice or optional field is
 * dropped and named in `dropped`; only a broken document (not JSON, an unknown format, no valid horizon
 * and watermark, no `notified` object, too many entries) makes the whole state invalid.
 */
export function parseState(text: string): Parsed {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return { ok: false, reason: 'it is not JSON' }
  }
  if (!isRecord(data)) return { ok: false, reason: 'it is not a JSON object' }
  const version = data.version
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > STATE_VERSION) {
    return { ok: false, reason: `its version ${JSON.stringify(version)} is not one of 1 to ${STATE_VERSION}` }
  }
  const doc = MIGRATIONS.slice(version - 1).reduce((d, step) => step(d), data)
  const horizon = decodeTime(doc.horizon)
  const watermark = decodeTime(doc.watermark)
  if (horizon === undefined || watermark === undefined || watermark < horizon) {
    return { ok: false, reason: 'its horizon or watermark is missing or out of order' }
  }
  if (!isRecord(doc.notified)) return { ok: false, reason: 'its notified list is missing' }
  const entries = Object.entries(doc.notified)
  if (entries.length > MAX_ENTRIES) return { ok: false, reason: `it has more than ${MAX_ENTRIES} entries` }
  const dropped = new Dropped()
  const fields = OPTIONAL.reduce((all, key) => ({ ...all, ...field(key, doc[key], dropped) }), {})
  const notified = new Map<string, NotifiedEntry>()
  for (const [i, [id, json]] of entries.entries()) {
    const entry = decodeEntry(id, json)
    if (entry === undefined) dropped.add(`notified entry ${i + 1}${shownId(id)} (malformed)`)
    else notified.set(id, entry)
  }
  const state: WatchState = { version: STATE_VERSION, horizon, watermark, ...fields, notified }
  const lines = dropped.lines()
  return {
    ok: true,
    state,
    ...(version < STATE_VERSION ? { migratedFrom: version } : {}),
    ...(lines.length > 0 ? { dropped: lines } : {})
  }
}

/**
 * Why a well-formed state still cannot be believed at `now`, or `undefined`. A time in the future would
 * silence the watch for good (every message "before it began", every window already searched) and be
 * saved again; an old horizon is normal for a watch that has run for months.
 */
export function untrustedTimes(state: WatchState, now: number): string | undefined {
  const latest = now + CLOCK_SKEW_MS
  const times: Array<[string, number | undefined]> = [
    ['horizon', state.horizon],
    ['watermark', state.watermark],
    ['last deep rescan', state.deepScanAt],
    ['save time', state.savedAt],
    ['last scheduled run', state.scheduledRuns?.at(-1)],
    ['last heartbeat', state.heartbeat?.since],
    ['searched range', state.searched?.at(-1)?.[1]]
  ]
  const future = times.find(([, at]) => at !== undefined && at > latest)
  if (future) return `its ${future[0]} ${iso(future[1]!)} lies in the future`
  if (state.requests && state.requests.day > utcDay(latest)) {
    return `its request count is for ${state.requests.day}, a day in the future`
  }
  const lastDay = state.daily?.at(-1)?.day
  if (lastDay !== undefined && lastDay > utcDay(latest))
    return `its daily records reach ${lastDay}, a day in the future`
  return undefined
}

/**
 * Drops the entries told or received after `now` (such an entry would never be pruned), naming each; the
 * rest of the state stands.
 */
export function dropFutureEntries(state: WatchState, now: number): string[] {
  const latest = now + CLOCK_SKEW_MS
  const dropped = new Dropped()
  let index = 0
  for (const [id, e] of state.notified) {
    index++
    if (e.notifiedAt <= latest && e.receivedAt <= latest) continue
    state.notified.delete(id)
    dropped.add(`notified entry ${index}${shownId(id)} (a time in the future)`)
  }
  return dropped.lines()
}

/** Entries per chunk of the serialized state: big enough to write fast, small enough to stay flat. */
const ENTRIES_PER_CHUNK = 1000

/**
 * The state document in chunks, so that a state of any size is written without being held whole.
 * Every part is checked by the rule that reads it back; a part that fails is left out and named in
 * `dropped`. One line per entry keeps diffs of the state file readable; short keys keep it small.
 */
export function* serializeState(state: WatchState, dropped = new Dropped()): Generator<string> {
  const optional: string[] = []
  for (const key of OPTIONAL) {
    const value = state[key]
    if (value === undefined) continue
    const codec = FIELDS[key] as unknown as Codec<typeof value>
    const kept = codec.decode(codec.encode(value, dropped), dropped)
    if (kept === undefined) {
      dropped.add(`its ${codec.name} (malformed)`)
      continue
    }
    const json = codec.encode(kept, dropped)
    const name = `  ${JSON.stringify(key)}: `
    if (!Array.isArray(json)) optional.push(`${name}${JSON.stringify(json)},`)
    else if (json.length > 0)
      optional.push(`${name}[\n${json.map((item) => `    ${JSON.stringify(item)}`).join(',\n')}\n  ],`)
  }
  yield [
    '{',
    `  "version": ${STATE_VERSION},`,
    `  "horizon": "${iso(state.horizon)}",`,
    `  "watermark": "${iso(state.watermark)}",`,
    ...optional,
    '  "notified": {'
  ].join('\n')
  let lines: string[] = []
  let first = true
  let written = 0
  let index = 0
  for (const [id, e] of state.notified) {
    index++
    const json = encodeEntry(e)
    if (decodeEntry(id, json) === undefined) {
      dropped.add(`notified entry ${index}${shownId(id)} (malformed)`)
      continue
    }
    lines.push(`    ${JSON.stringify(id)}: ${JSON.stringify(json)}`)
    if (lines.length === ENTRIES_PER_CHUNK) {
      yield `${first ? '\n' : ',\n'}${lines.join(',\n')}`
      written += lines.length
      first = false
      lines = []
    }
  }
  if (lines.length > 0) yield `${first ? '\n' : ',\n'}${lines.join(',\n')}`
  yield `${written + lines.length > 0 ? '\n  ' : ''}}\n}\n`
}
