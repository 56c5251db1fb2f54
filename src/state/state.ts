import { isKnownVerdict } from '../etd/verdicts.js'
import { parsePending, type PendingNotice } from './deliveries.js'
import { MAX_RANGES, normalize, type Range, type Ranges } from './searched.js'

/** The state format this version writes; older ones are migrated on load. */
export const STATE_VERSION = 2

/** What the watch remembers between runs. */
export interface WatchState {
  version: typeof STATE_VERSION
  /** Where the watch began: older messages are reported only for verdicts given after it. */
  horizon: number
  /** End of the last window that was fully fetched and notified. */
  watermark: number
  /** End of the window of the last deep rescan; absent until one has run (then one is due). */
  deepScanAt?: number
  /** When this state was saved: the gap to the next run tells how often the watch runs. */
  savedAt?: number
  /** ETD requests this watch made on one UTC day, against `daily-request-budget`. */
  requests?: RequestTally
  /** Messages per hour that ETD returned for the verdict filter lately: what a deep rescan will cost. */
  ratePerHour?: number
  /** With `heartbeat: daily`: the runs and convictions since the last "all quiet" line. */
  heartbeat?: HeartbeatTally
  /** Owner notices that earlier runs could not deliver, retried alone (see deliveries.ts); absent when none. */
  pending?: PendingNotice[]
  /**
   * Message time searched to the end, merged (see searched.ts); what lies between is owed to the next run.
   * Absent in states written before it: nothing is known to be searched.
   */
  searched?: Ranges
  /** ETD id → what was last told about the message. */
  notified: Map<string, NotifiedEntry>
}

/** What the state keeps of a run besides the convictions: the rescan, budget, rate and heartbeat bookkeeping. */
export type Ledger = Pick<
  WatchState,
  'deepScanAt' | 'savedAt' | 'requests' | 'ratePerHour' | 'heartbeat' | 'pending' | 'searched'
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

export interface NotifiedEntry {
  verdict: string
  /** When the message arrived: entries are pruned once it leaves every future window. */
  receivedAt: number
  notifiedAt: number
}

type Parsed = { ok: true; state: WatchState; migratedFrom?: number } | { ok: false; reason: string }

// Restored state is untrusted (anyone who can run a workflow can write a cache entry): bounded and strict.
const MAX_ENTRIES = 1_000_000
const MAX_ID_LENGTH = 200
const MAX_COUNT = 10_000_000
/** Clocks of runners and of the machine that wrote the state differ a little; more than this is a lie. */
export const CLOCK_SKEW_MS = 5 * 60_000
const iso = (millis: number) => new Date(millis).toISOString()
export const utcDay = (millis: number) => iso(millis).slice(0, 10)

function time(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.test(value)) return undefined
  const millis = Date.parse(value)
  return Number.isNaN(millis) ? undefined : millis
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_COUNT

/** The fields version 2 added, each optional; `undefined` when present but malformed. */
function parseV2Fields(data: Record<string, unknown>): Partial<WatchState> | undefined {
  const fields: Partial<WatchState> = {}
  if (data.deepScanAt !== undefined) {
    fields.deepScanAt = time(data.deepScanAt)
    if (fields.deepScanAt === undefined) return undefined
  }
  if (data.savedAt !== undefined) {
    fields.savedAt = time(data.savedAt)
    if (fields.savedAt === undefined) return undefined
  }
  if (data.requests !== undefined) {
    const requests = data.requests
    if (
      !isRecord(requests) ||
      typeof requests.day !== 'string' ||
      !/^\d{4}-\d{2}-\d{2}$/.test(requests.day) ||
      Number.isNaN(Date.parse(`${requests.day}T00:00:00Z`)) ||
      !isCount(requests.count)
    ) {
      return undefined
    }
    fields.requests = { day: requests.day, count: requests.count }
  }
  if (data.ratePerHour !== undefined) {
    if (typeof data.ratePerHour !== 'number' || !(data.ratePerHour >= 0 && data.ratePerHour <= MAX_COUNT)) {
      return undefined
    }
    fields.ratePerHour = data.ratePerHour
  }
  return fields
}

/** Added within format 2, optional: absent in older states. `null` when present but malformed. */
function parseHeartbeat(beat: unknown): HeartbeatTally | undefined | null {
  if (beat === undefined) return undefined
  const since = isRecord(beat) ? time(beat.since) : undefined
  if (!isRecord(beat) || since === undefined || !isCount(beat.runs) || !isCount(beat.convictions)) return null
  return { since, runs: beat.runs, convictions: beat.convictions }
}

/** Optional: absent in older states. `null` when present but malformed; overlapping ranges are merged. */
export function parseSearched(value: unknown): Ranges | undefined | null {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.length > MAX_RANGES) return null
  const ranges: Range[] = []
  for (const pair of value as unknown[]) {
    const [start, end] = Array.isArray(pair) && pair.length === 2 ? pair.map(time) : []
    if (start === undefined || end === undefined || start >= end) return null
    ranges.push([start, end])
  }
  return normalize(ranges)
}

/**
 * Parses a saved state, migrating version 1 (which had no rescan, budget or rate fields: a deep rescan is
 * then due at once, as version 1 did on every run). Anything unexpected makes the whole state invalid,
 * never half-read.
 */
export function parseState(text: string): Parsed {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return { ok: false, reason: 'it is not JSON' }
  }
  if (!isRecord(data)) return { ok: false, reason: 'it is not a JSON object' }
  if (data.version !== 1 && data.version !== STATE_VERSION) {
    return { ok: false, reason: `its version ${JSON.stringify(data.version)} is not 1 or ${STATE_VERSION}` }
  }
  const horizon = time(data.horizon)
  const watermark = time(data.watermark)
  if (horizon === undefined || watermark === undefined || watermark < horizon) {
    return { ok: false, reason: 'its horizon or watermark is missing or out of order' }
  }
  const added = data.version === 1 ? {} : parseV2Fields(data)
  if (added === undefined) return { ok: false, reason: 'its rescan, request or rate fields are malformed' }
  const heartbeat = parseHeartbeat(data.heartbeat)
  if (heartbeat === null) return { ok: false, reason: 'its heartbeat is malformed' }
  const searched = parseSearched(data.searched)
  if (searched === null) return { ok: false, reason: 'its searched ranges are malformed' }
  const pending = data.pending === undefined ? undefined : parsePending(data.pending)
  if (pending !== undefined && !Array.isArray(pending)) return { ok: false, reason: pending.reason }
  if (!isRecord(data.notified)) return { ok: false, reason: 'its notified list is missing' }
  const entries = Object.entries(data.notified)
  if (entries.length > MAX_ENTRIES) return { ok: false, reason: `it has more than ${MAX_ENTRIES} entries` }
  const notified = new Map<string, NotifiedEntry>()
  for (const [id, entry] of entries) {
    const receivedAt = isRecord(entry) ? time(entry.r) : undefined
    const notifiedAt = isRecord(entry) ? time(entry.n) : undefined
    const verdict = isRecord(entry) ? entry.v : undefined
    if (
      id === '' ||
      id.length > MAX_ID_LENGTH ||
      typeof verdict !== 'string' ||
      !isKnownVerdict(verdict) ||
      receivedAt === undefined ||
      notifiedAt === undefined
    ) {
      return { ok: false, reason: `its entry for ${JSON.stringify(id.slice(0, 60))} is malformed` }
    }
    notified.set(id, { verdict, receivedAt, notifiedAt })
  }
  const state: WatchState = {
    version: STATE_VERSION,
    horizon,
    watermark,
    ...added,
    ...(heartbeat ? { heartbeat } : {}),
    ...(pending && pending.length > 0 ? { pending } : {}),
    ...(searched ? { searched } : {}),
    notified
  }
  return data.version === 1 ? { ok: true, state, migratedFrom: 1 } : { ok: true, state }
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
    ['last heartbeat', state.heartbeat?.since],
    ['searched range', state.searched?.at(-1)?.[1]]
  ]
  const future = times.find(([, at]) => at !== undefined && at > latest)
  if (future) return `its ${future[0]} ${iso(future[1]!)} lies in the future`
  if (state.requests && state.requests.day > utcDay(latest)) {
    return `its request count is for ${state.requests.day}, a day in the future`
  }
  const told = [...state.notified].find(([, e]) => e.notifiedAt > latest || e.receivedAt > latest)
  if (told) return `its entry for ${JSON.stringify(told[0].slice(0, 60))} has a time in the future`
  return undefined
}

/** Entries per chunk of the serialized state: big enough to write fast, small enough to stay flat. */
const ENTRIES_PER_CHUNK = 1000

/**
 * The state document in chunks, so that a state of any size is written without being held whole.
 * One line per entry keeps diffs of the state file readable; short keys keep it small.
 */
export function* serializeState(state: WatchState): Generator<string> {
  const optional = [
    state.deepScanAt === undefined ? undefined : `  "deepScanAt": "${iso(state.deepScanAt)}",`,
    state.savedAt === undefined ? undefined : `  "savedAt": "${iso(state.savedAt)}",`,
    state.requests === undefined ? undefined : `  "requests": ${JSON.stringify(state.requests)},`,
    state.ratePerHour === undefined ? undefined : `  "ratePerHour": ${JSON.stringify(state.ratePerHour)},`,
    state.heartbeat === undefined
      ? undefined
      : `  "heartbeat": ${JSON.stringify({ ...state.heartbeat, since: iso(state.heartbeat.since) })},`,
    state.pending === undefined || state.pending.length === 0
      ? undefined
      : `  "pending": [\n${state.pending.map((p) => `    ${JSON.stringify(p)}`).join(',\n')}\n  ],`,
    state.searched === undefined
      ? undefined
      : `  "searched": ${JSON.stringify(state.searched.map((range) => range.map(iso)))},`
  ].filter((line) => line !== undefined)
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
  for (const [id, e] of state.notified) {
    lines.push(
      `    ${JSON.stringify(id)}: ${JSON.stringify({ v: e.verdict, r: iso(e.receivedAt), n: iso(e.notifiedAt) })}`
    )
    if (lines.length === ENTRIES_PER_CHUNK) {
      yield `${first ? '\n' : ',\n'}${lines.join(',\n')}`
      first = false
      lines = []
    }
  }
  if (lines.length > 0) yield `${first ? '\n' : ',\n'}${lines.join(',\n')}`
  yield `${state.notified.size > 0 ? '\n  ' : ''}}\n}\n`
}
