import type { SearchPage, SearchQuery } from '../etd/client.js'
import { isRelease, normalizeMessage } from '../etd/message.js'
import type { EtdMessage } from '../etd/types.js'
import { matches, type MatchRule } from '../match/matcher.js'
import { chunkWindow, type SearchWindow } from '../window/plan.js'

export type Search = (query: SearchQuery) => AsyncIterable<SearchPage>

export interface FindResult {
  /** Matching messages, oldest first, each once. */
  matched: EtdMessage[]
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

/** Searches the window chunk by chunk and keeps what the rule matches, page by page as pages arrive. */
export async function findMatches(search: Search, window: SearchWindow, rule: MatchRule): Promise<FindResult> {
  const matched = new Map<string, EtdMessage>()
  const released = new Set<string>()
  const result: FindResult = { matched: [], scanned: 0, pages: 0, skipped: [], released: 0 }
  for (const [start, end] of chunkWindow(window)) {
    for await (const page of search({ start, end, verdicts: rule.verdicts })) {
      result.pages++
      for (const raw of page.messages) {
        result.scanned++
        const normalized = normalizeMessage(raw)
        if (!normalized.ok) result.skipped.push(normalized.reason)
        // Chunks share their boundary second, so a message there arrives twice.
        else if (matches(normalized.message, rule)) matched.set(normalized.message.id, normalized.message)
        else if (wasReleased(normalized.message, rule)) released.add(normalized.message.id)
      }
    }
  }
  result.matched = [...matched.values()].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
  result.released = released.size
  return result
}
