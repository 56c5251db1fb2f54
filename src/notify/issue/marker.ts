import { isKnownVerdict } from '../../etd/verdicts.js'
import type { NotifiedEntry } from '../../state/state.js'

/**
 * A hidden HTML comment in each issue body that records its batch, one conviction a line:
 * `<id> <verdict> <received>`. It makes issue creation idempotent and lets the issues stand in for
 * lost state. ETD ids are UUID-like; anything else found in a marker is ignored. An `owes` line names
 * the channels that do not have the batch yet (see ledger.ts); a marker without one owes nothing.
 */
const OPEN = '<!-- etd-verdict-watch batch v1'
const CLOSE = '-->'
const LINE = /^([A-Za-z0-9._:-]{1,200}) ([a-z]{1,20}) (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)$/
/** A channel as a marker names it: `email`, `webhook:<12 hex digits>`. */
const CHANNEL_KEY = /^[a-z]{1,20}(?::[0-9a-f]{12})?$/
const OWES = 'owes'
const MAX_OWED = 64
/**
 * `place <id> <folder>`: where the audit trail last recorded a conviction (see trail.ts), `-` when the
 * watch no longer follows it. Older readers skip these lines: they are no conviction lines.
 */
const PLACE = /^place ([A-Za-z0-9._:-]{1,200}) ([a-z]{1,20}|-)$/
/** A place the watch cannot follow any more. */
export const UNFOLLOWED = '-'

export interface MarkedConviction {
  id: string
  verdict: string
  receivedAt: string
}

export interface Marker {
  convictions: MarkedConviction[]
  /** Keys of the channels that do not have this batch yet. */
  owes: string[]
  /** ETD id → the folder the audit trail last recorded it in (`inbox`, `quarantine`, `-`…); none before. */
  places: Map<string, string>
}

/** The marker, at most `maxLength` characters: a huge batch records as many as fit (the state has all). */
export function formatMarker(
  convictions: MarkedConviction[],
  maxLength = Infinity,
  owes: string[] = [],
  places: ReadonlyMap<string, string> = new Map()
): string {
  const owed = owes.filter((key) => CHANNEL_KEY.test(key)).slice(0, MAX_OWED)
  const head = owed.length > 0 ? [OPEN, [OWES, ...owed].join(' ')] : [OPEN]
  let length = head.join('\n').length + CLOSE.length + 1
  const lines: string[] = []
  for (const c of convictions) {
    const line = `${c.id} ${c.verdict} ${c.receivedAt}`
    if (!LINE.test(line)) continue
    if ((length += line.length + 1) > maxLength) break
    lines.push(line)
  }
  for (const [id, folder] of places) {
    const line = `place ${id} ${folder}`
    if (!PLACE.test(line)) continue
    if ((length += line.length + 1) > maxLength) break
    lines.push(line)
  }
  return [...head, ...lines, CLOSE].join('\n')
}

/** Where a body's marker is, when it has one. */
function locate(body: string | null | undefined): { start: number; end: number } | undefined {
  const start = body?.indexOf(OPEN) ?? -1
  if (!body || start < 0) return undefined
  const end = body.indexOf(CLOSE, start)
  return end < 0 ? undefined : { start, end: end + CLOSE.length }
}

/** What a body's marker records, or nothing when it has no marker. */
export function readMarker(body: string | null | undefined): Marker {
  const at = locate(body)
  if (!body || !at) return { convictions: [], owes: [], places: new Map() }
  const lines = body
    .slice(at.start + OPEN.length, at.end - CLOSE.length)
    .split('\n')
    .map((line) => line.trim())
  const owesLine = lines.find((line) => line.startsWith(`${OWES} `))
  const owes = owesLine?.split(' ').slice(1, MAX_OWED + 1) ?? []
  return {
    convictions: lines
      .map((line) => LINE.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(([, id, verdict, receivedAt]) => ({ id, verdict, receivedAt })),
    owes: owes.filter((key) => CHANNEL_KEY.test(key)),
    places: new Map(
      lines
        .map((line) => PLACE.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map(([, id, folder]) => [id, folder])
    )
  }
}

/** The convictions a body's marker records, or none when it has no marker. */
export function parseMarker(body: string | null | undefined): MarkedConviction[] {
  return readMarker(body).convictions
}

/** The body with its marker replaced by `marker`; undefined when the body has none. */
export function replaceMarker(body: string, marker: string): string | undefined {
  const at = locate(body)
  return at && `${body.slice(0, at.start)}${marker}${body.slice(at.end)}`
}

/**
 * Recorded convictions as the state would remember them, newest record winning. A record that still
 * owes one of the `configured` channels is not told yet: the run that finds it again finishes it.
 */
export function entriesFromMarkers(
  records: Array<{ createdAt: number; convictions: MarkedConviction[]; owes?: string[] }>,
  configured: readonly string[] = []
): Map<string, NotifiedEntry> {
  const entries = new Map<string, NotifiedEntry>()
  for (const record of [...records].sort((a, b) => a.createdAt - b.createdAt)) {
    if (record.owes?.some((key) => configured.includes(key))) continue
    for (const c of record.convictions) {
      if (!isKnownVerdict(c.verdict)) continue
      entries.set(c.id, { verdict: c.verdict, receivedAt: Date.parse(c.receivedAt), notifiedAt: record.createdAt })
    }
  }
  return entries
}
