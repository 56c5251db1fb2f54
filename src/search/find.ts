import type { SearchPage, SearchQuery } from '../etd/client.js'
import { isRelease, normalizeMessage } from '../etd/message.js'
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

/**
 * Searches the window chunk by chunk and hands each message the rule matches to `onMatch` as its page
 * arrives, once: nothing but the ids seen is kept, so a window of any size takes the same memory.
 */
export async function scanWindow(
  search: Search,
  window: SearchWindow,
  rule: MatchRule,
  onMatch: (message: EtdMessage) => void | Promise<void>
): Promise<ScanResult> {
  const seen = new Set<string>()
  const released = new Set<string>()
  const result: ScanResult = { matched: 0, scanned: 0, pages: 0, skipped: [], released: 0 }
  for (const [start, end] of chunkWindow(window)) {
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
        // Chunks share their boundary second, so a message there arrives twice.
        if (seen.has(message.id)) continue
        seen.add(message.id)
        if (matches(message, rule)) {
          result.matched++
          await onMatch(message)
        } else if (wasReleased(message, rule)) released.add(message.id)
      }
    }
  }
  result.released = released.size
  return result
}
