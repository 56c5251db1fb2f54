import { isKnownVerdict } from '../etd/verdicts.js'

/** What the watch remembers between runs. */
export interface WatchState {
  version: 1
  /** Where the watch began: older messages are reported only for verdicts given after it. */
  horizon: number
  /** End of the last window that was fully fetched and notified. */
  watermark: number
  /** ETD id → what was last told about the message. */
  notified: Map<string, NotifiedEntry>
}

export interface NotifiedEntry {
  verdict: string
  /** When the message arrived: entries are pruned once it leaves every future window. */
  receivedAt: number
  notifiedAt: number
}

type Parsed = { ok: true; state: WatchState } | { ok: false; reason: string }

// Restored state is untrusted (anyone who can run a workflow can write a cache entry): bounded and strict.
const MAX_ENTRIES = 1_000_000
const MAX_ID_LENGTH = 200
const iso = (millis: number) => new Date(millis).toISOString()

function time(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.test(value)) return undefined
  const millis = Date.parse(value)
  return Number.isNaN(millis) ? undefined : millis
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Parses a saved state; anything unexpected makes the whole state invalid, never half-read. */
export function parseState(text: string): Parsed {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return { ok: false, reason: 'it is not JSON' }
  }
  if (!isRecord(data)) return { ok: false, reason: 'it is not a JSON object' }
  if (data.version !== 1) return { ok: false, reason: `its version ${JSON.stringify(data.version)} is not 1` }
  const horizon = time(data.horizon)
  const watermark = time(data.watermark)
  if (horizon === undefined || watermark === undefined || watermark < horizon) {
    return { ok: false, reason: 'its horizon or watermark is missing or out of order' }
  }
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
  return { ok: true, state: { version: 1, horizon, watermark, notified } }
}

/** One line per entry keeps diffs of the state file readable; short keys keep it small. */
export function serializeState(state: WatchState): string {
  const entries = [...state.notified].map(
    ([id, e]) =>
      `    ${JSON.stringify(id)}: ${JSON.stringify({ v: e.verdict, r: iso(e.receivedAt), n: iso(e.notifiedAt) })}`
  )
  return [
    '{',
    `  "version": 1,`,
    `  "horizon": "${iso(state.horizon)}",`,
    `  "watermark": "${iso(state.watermark)}",`,
    `  "notified": {${entries.length ? `\n${entries.join(',\n')}\n  ` : ''}}`,
    '}',
    ''
  ].join('\n')
}
