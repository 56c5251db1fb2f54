import { isKnownVerdict } from '../etd/verdicts.js'
import type { NotifiedEntry } from '../state/state.js'

/**
 * A hidden HTML comment in each issue body that records its batch, one conviction a line:
 * `<id> <verdict> <received>`. It makes issue creation idempotent and lets the issues stand in for
 * lost state. ETD ids are UUID-like; anything else found in a marker is ignored.
 */
const OPEN = '<!-- etd-verdict-watch batch v1'
const CLOSE = '-->'
const LINE = /^([A-Za-z0-9._:-]{1,200}) ([a-z]{1,20}) (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)$/

export interface MarkedConviction {
  id: string
  verdict: string
  receivedAt: string
}

/** The marker, at most `maxLength` characters: a huge batch records as many as fit (the state has all). */
export function formatMarker(convictions: MarkedConviction[], maxLength = Infinity): string {
  let length = OPEN.length + CLOSE.length + 1
  const lines: string[] = []
  for (const c of convictions) {
    const line = `${c.id} ${c.verdict} ${c.receivedAt}`
    if (!LINE.test(line)) continue
    if ((length += line.length + 1) > maxLength) break
    lines.push(line)
  }
  return [OPEN, ...lines, CLOSE].join('\n')
}

/** The convictions a body's marker records, or none when it has no marker. */
export function parseMarker(body: string | null | undefined): MarkedConviction[] {
  const start = body?.indexOf(OPEN) ?? -1
  if (!body || start < 0) return []
  const end = body.indexOf(CLOSE, start)
  if (end < 0) return []
  return body
    .slice(start + OPEN.length, end)
    .split('\n')
    .map((line) => LINE.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([, id, verdict, receivedAt]) => ({ id, verdict, receivedAt }))
}

/** Recorded convictions as the state would remember them, newest record winning. */
export function entriesFromMarkers(
  records: Array<{ createdAt: number; convictions: MarkedConviction[] }>
): Map<string, NotifiedEntry> {
  const entries = new Map<string, NotifiedEntry>()
  for (const record of [...records].sort((a, b) => a.createdAt - b.createdAt)) {
    for (const c of record.convictions) {
      if (!isKnownVerdict(c.verdict)) continue
      entries.set(c.id, { verdict: c.verdict, receivedAt: Date.parse(c.receivedAt), notifiedAt: record.createdAt })
    }
  }
  return entries
}
