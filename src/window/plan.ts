const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

/** ETD rejects spans over 32 days; a day of margin keeps clock skew from tripping it. */
export const MAX_CHUNK_MS = 31 * DAY
/** ETD rejects starts over 90 days back; the margin covers the time the run takes to get there. */
export const MAX_AGE_MS = 90 * DAY - 10 * MINUTE

export interface SearchWindow {
  start: number
  end: number
  /** The start that was asked for, when it lay beyond what ETD keeps and was moved forward. */
  clampedFrom?: number
}

const wholeSecond = (millis: number) => Math.floor(millis / 1000) * 1000

export interface WindowSettings {
  lookbackMs: number
  rescanMs: number
  settleDelayMs: number
}

/**
 * Ends at `now - settle`. Starts `rescan` before the last watermark, so that a late run leaves no gap
 * and verdicts given late are seen; with no watermark (a first run, lost state), `lookback` before the
 * end. In whole seconds (what ETD is sent), the start clamped to what ETD still answers for.
 */
export function planWindow(now: number, settings: WindowSettings, watermark?: number): SearchWindow {
  const end = wholeSecond(now - settings.settleDelayMs)
  const wanted = Math.min(
    end,
    wholeSecond(watermark === undefined ? end - settings.lookbackMs : Math.min(watermark, end) - settings.rescanMs)
  )
  const oldest = wholeSecond(now - MAX_AGE_MS) + 1000
  return wanted < oldest ? { start: oldest, end, clampedFrom: wanted } : { start: wanted, end }
}

/** Splits a window into consecutive spans ETD accepts, oldest first. */
export function chunkWindow(
  window: { start: number; end: number },
  maxChunkMs = MAX_CHUNK_MS
): Array<[number, number]> {
  const chunks: Array<[number, number]> = []
  for (let start = window.start; start < window.end; start += maxChunkMs) {
    chunks.push([start, Math.min(start + maxChunkMs, window.end)])
  }
  return chunks
}
