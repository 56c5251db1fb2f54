import { describe, expect, it } from '@jest/globals'
import type { SearchPage, SearchQuery } from '../src/etd/client.js'
import type { RawMessage } from '../src/etd/types.js'
import { scanWindow } from '../src/search/find.js'

// scanWindow as a pure function of its search: pages from memory, cut as ETD cuts them (both ends of a
// span inclusive, two messages a page), so that the 31-day chunks and their shared seconds are exact.
const at = (month: number, day: number) => Date.UTC(2026, month, day)
const AUG_1 = at(7, 1)
const SEP_1 = at(8, 1) // 31 days on: the first chunk's end and the second's start
const OCT_2 = at(9, 2) // 62 days on
const OCT_10 = at(9, 10)
const RULE = { mailboxes: ['ceo@example.com', 'cfo@example.com'], verdicts: ['bec', 'phishing'], techniques: [] }

function raw(id: string | undefined, millis: number, mailbox: string, verdict: object): RawMessage {
  return {
    id,
    timestamp: new Date(millis).toISOString(),
    subject: `Subject of ${id}`,
    fromAddress: 'attacker@evil.example',
    mailboxes: [mailbox],
    verdict
  }
}

const MESSAGES = [
  raw('at-start', AUG_1, 'ceo@example.com', { category: 'bec' }),
  raw('other-mailbox', at(7, 15), 'bob@example.com', { category: 'bec' }),
  raw('released', at(7, 20), 'ceo@example.com', { category: '', isManualVerdict: true, originalVerdict: 'BEC' }),
  raw('boundary-1', SEP_1, 'ceo@example.com', { category: 'bec' }),
  raw(undefined, at(8, 5), 'ceo@example.com', { category: 'bec' }),
  raw('spam', at(8, 10), 'ceo@example.com', { category: 'spam' }),
  raw('boundary-2', OCT_2, 'cfo@example.com', { category: 'phishing' }),
  raw('at-end', OCT_10, 'ceo@example.com', { latestVerdict: 'bec', category: 'spam' })
]

function memorySearch(queries: SearchQuery[]) {
  return async function* (query: SearchQuery): AsyncGenerator<SearchPage> {
    queries.push(query)
    const inSpan = MESSAGES.filter((m) => {
      const t = Date.parse(m.timestamp as string)
      return t >= query.start && t <= query.end
    })
    for (let i = 0; i < inSpan.length; i += 2) yield { messages: inSpan.slice(i, i + 2), pageSize: 2 }
  }
}

describe('scanWindow across chunk boundaries', () => {
  it('searches 70 days as 31-day chunks and hands on a message on a shared boundary once', async () => {
    const queries: SearchQuery[] = []
    const found: string[] = []
    const result = await scanWindow(memorySearch(queries), { start: AUG_1, end: OCT_10 }, RULE, (m) => {
      found.push(m.id)
    })
    expect(queries).toEqual([
      { start: AUG_1, end: SEP_1, verdicts: ['bec', 'phishing'] },
      { start: SEP_1, end: OCT_2, verdicts: ['bec', 'phishing'] },
      { start: OCT_2, end: OCT_10, verdicts: ['bec', 'phishing'] }
    ])
    expect(found).toEqual(['at-start', 'boundary-1', 'boundary-2', 'at-end'])
    expect(result).toEqual({
      matched: 4,
      // 4 + 4 + 2: both boundary messages come twice, in two chunks.
      scanned: 10,
      pages: 5,
      skipped: ['message without an id'],
      released: 1,
      searchedTo: OCT_10
    })
  })

  it('waits for each match to be handled before the next', async () => {
    const order: string[] = []
    await scanWindow(memorySearch([]), { start: AUG_1, end: SEP_1 }, RULE, async (m) => {
      order.push(`start ${m.id}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
      order.push(`done ${m.id}`)
    })
    expect(order).toEqual(['start at-start', 'done at-start', 'start boundary-1', 'done boundary-1'])
  })
})
