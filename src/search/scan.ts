import { HOUR } from '../common/time.js'
import type { SearchPage, SearchQuery } from '../etd/client.js'
import { isRelease, normalizeMessage, parseEtdTime } from '../etd/message.js'
import type { EtdMessage } from '../etd/types.js'
import { matches, type MatchRule } from '../match/matcher.js'
import type { SearchWindow } from '../window/plan.js'
import { sliceEnd } from '../window/slices.js'

export type Search = (query: SearchQuery) => AsyncIterable<SearchPage>

export interface ScanResult {
  /** Matching messages, each counted once. */
  matched: number
  scanned: number
  pages: number
  /** Why each unreadable message was skipped. */
  skipped: string[]
  /** Messages that would match on their first verdict, but that an administrator released. */
  released: number
  /** Where the slices searched to the end reach: the window's end, or where a stop cut the scan short. */
  searchedTo: number
}

export interface ScanOptions {
  /** Pages a slice should take (see slices.ts); without it, slices of ETD's longest span. */
  slicePages?: number
  /** Messages per hour expected, to size the first slice. */
  ratePerHour?: number
  /** Asked before each slice and after each page: true stops the scan, leaving the slice under way unfinished. */
  stop?: () => boolean
  /** Each released message that would match on its first verdict, as it arrives (the daily records count them). */
  onRelease?: (message: EtdMessage) => void
}

const wasReleased = (message: EtdMessage, rule: MatchRule) =>
  isRelease(message) &&
  message.originalVerdict !== undefined &&
  matches({ ...message, verdict: message.originalVerdict }, rule)

/** Chunks share their boundary second: a message received within it arrives in both. */
const BOUNDARY_MS = 1000

/**
 * Searches the window slice by slice, oldest first, and hands each message the rule matches to `onMatch`
 * as its page arrives, once. Only the ids received in a slice's last second are kept, to drop their second
 * arrival at the start of the next slice, so a window of any size takes the same memory. A stop leaves
 * `searchedTo` at the end of the last whole slice: a page token does not outlive the run, a time does.
 */
export async function scanWindow(
  search: Search,
  window: SearchWindow,
  rule: MatchRule,
  onMatch: (message: EtdMessage) => void | Promise<void>,
  options: ScanOptions = {}
): Promise<ScanResult> {
  let previousEnd = new Set<string>()
  const released = new Set<string>()
  const result: ScanResult = { matched: 0, scanned: 0, pages: 0, skipped: [], released: 0, searchedTo: window.start }
  let perMs = options.ratePerHour === undefined ? undefined : options.ratePerHour / HOUR
  let lastSpan: number | undefined
  for (let start = window.start; start < window.end && !options.stop?.();) {
    const end = sliceEnd(start, window.end, options.slicePages, perMs, lastSpan)
    const atEnd = new Set<string>()
    let seen = 0
    let stopped = false
    for await (const page of search({ start, end, verdicts: rule.verdicts })) {
      result.pages++
      seen += page.messages.length
      for (const raw of page.messages) {
        result.scanned++
        const normalized = normalizeMessage(raw)
        if (!normalized.ok) {
          result.skipped.push(normalized.reason)
          continue
        }
        const { message } = normalized
        if (previousEnd.has(message.id)) continue
        if (parseEtdTime(message.receivedAt)! >= end - BOUNDARY_MS) atEnd.add(message.id)
        if (matches(message, rule)) {
          result.matched++
          await onMatch(message)
        } else if (wasReleased(message, rule)) {
          released.add(message.id)
          options.onRelease?.(message)
        }
      }
      if (options.stop?.()) {
        stopped = true
        break
      }
    }
    if (stopped) break
    previousEnd = atEnd
    result.searchedTo = end
    perMs = seen / (end - start)
    lastSpan = end - start
    start = end
  }
  result.released = released.size
  return result
}
