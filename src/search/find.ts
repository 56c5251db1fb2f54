import type { SearchPage, SearchQuery } from '../etd/client.js'
import { isRelease, normalizeMessage, parseEtdTime } from '../etd/message.js'
import type { EtdMessage } from '../etd/types.js'
import { matches, type MatchRule } from '../match/matcher.js'
import { chunkWindow, type SearchWindow } from '../window/plan.js'

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
}

const wasReleased = (message: EtdMessage, rule: MatchRule) =>
  isRelease(message) &&
  message.originalVerdict !== undefined &&
  matches({ ...message, verdict: message.originalVerdict }, rule)

/** Chunks share their boundary second: a message received within it arrives in both. */
const BOUNDARY_MS = 1000

/**
 * Searches the window chunk by chunk and hands each message the rule matches to `onMatch` as its page
 * arrives, once. Only the ids received in a chunk's last second are kept, to drop their second arrival
 * at the start of the next chunk, so a window of any size takes the same memory.
 */
export async function scanWindow(
  search: Search,
  window: SearchWindow,
  rule: MatchRule,
  onMatch: (message: EtdMessage) => void | Promise<void>
): Promise<ScanResult> {
  let previousEnd = new Set<string>()
  const released = new Set<string>()
  const result: ScanResult = { matched: 0, scanned: 0, pages: 0, skipped: [], released: 0 }
  for (const [start, end] of chunkWindow(window)) {
    const atEnd = new Set<string>()
    for await (const page of search({ start, end, verdicts: rule.verdicts })) {
      result.pages++
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
        } else if (wasReleased(message, rule)) released.add(message.id)
      }
    }
    previousEnd = atEnd
  }
  result.released = released.size
  return result
}
