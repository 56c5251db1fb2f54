import { afterEach, describe, expect, it } from '@jest/globals'
import { EtdClient, type SearchPage, type SearchQuery } from '../src/etd/client.js'
import type { RawMessage } from '../src/etd/types.js'
import { scanWindow } from '../src/search/scan.js'
import { expectedMatches } from '../src/simulator/oracle.js'
import type { Simulator } from '../src/simulator/server.js'
import { DAY, simulatorWith } from './helpers/simulator.js'

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

describe('scanWindow under a time budget', () => {
  const HOUR = 3_600_000
  // Five messages in an hour's span each day: two pages a slice at most.
  const window = { start: AUG_1, end: AUG_1 + 5 * 24 * HOUR }

  it('stops between pages when asked, handing on what it read, with searchedTo at the last whole slice', async () => {
    const queries: SearchQuery[] = []
    const found: string[] = []
    let pages = 0
    const result = await scanWindow(
      async function* (query) {
        for await (const page of memorySearch(queries)(query)) {
          pages++
          yield page
        }
      },
      { start: AUG_1, end: OCT_10 },
      RULE,
      (m) => {
        found.push(m.id)
      },
      // The first chunk has two pages; the stop comes after the first page of the second.
      { stop: () => pages >= 3 }
    )
    expect(queries.map((q) => [q.start, q.end])).toEqual([
      [AUG_1, SEP_1],
      [SEP_1, OCT_2]
    ])
    // boundary-1 arrives again at the start of the second chunk and is dropped; the page is handed on.
    expect(found).toEqual(['at-start', 'boundary-1'])
    expect(result.searchedTo).toBe(SEP_1)
    expect(result.pages).toBe(3)
  })

  it('does not search at all when the time is already up', async () => {
    const queries: SearchQuery[] = []
    const result = await scanWindow(memorySearch(queries), window, RULE, () => undefined, { stop: () => true })
    expect(queries).toEqual([])
    expect(result.searchedTo).toBe(AUG_1)
  })

  it('sizes the first slice by the rate it is given and the next by what the last one held', async () => {
    const queries: SearchQuery[] = []
    // One page a slice at 50 an hour: two hours. They hold one message, so the next may grow fourfold.
    await scanWindow(memorySearch(queries), window, RULE, () => undefined, { slicePages: 1, ratePerHour: 50 })
    expect(queries.slice(0, 3).map((q) => (q.end - q.start) / HOUR)).toEqual([2, 8, 32])
    expect(queries.at(-1)!.end).toBe(window.end)
  })

  it('sizes each next slice by the density of the last, to about a page', async () => {
    const dense = Array.from({ length: 600 }, (_, i) =>
      raw(`d-${i}`, AUG_1 + i * 60_000, 'ceo@example.com', { category: 'bec' })
    )
    const spans: number[] = []
    let seen = 0
    await scanWindow(
      async function* (query) {
        spans.push((query.end - query.start) / 1000)
        const inSpan = dense.filter((m) => {
          const t = Date.parse(m.timestamp as string)
          return t >= query.start && t <= query.end
        })
        for (let i = 0; i < inSpan.length; i += 100) yield { messages: inSpan.slice(i, i + 100), pageSize: 100 }
      },
      { start: AUG_1, end: AUG_1 + 10 * HOUR },
      RULE,
      () => void seen++,
      { slicePages: 1 }
    )
    // Without a rate, an hour first, which holds 61 (both ends count): 100 at that density take 5,901 s.
    // Those hold 99 (the shared second's message comes again): 100 take 5,960 s.
    expect(spans.slice(0, 3)).toEqual([3600, 5901, 5960])
    expect(seen).toBe(600)
  })
})

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0)
const SIM_RULE = {
  mailboxes: ['ceo@example.com', 'cfo@example.com', '*@subsidiary.example.org'],
  verdicts: ['bec', 'scam', 'phishing', 'malicious'],
  techniques: [] as string[]
}
let sim: Simulator | undefined

afterEach(async () => {
  await sim?.close()
  sim = undefined
})

describe('scanWindow against the simulator', () => {
  it('searches a window longer than 32 days in spans ETD accepts, and finds what the oracle expects', async () => {
    sim = await simulatorWith(600, { days: 75, seed: 5, now: NOW, clock: () => NOW, rateLimit: false })
    const client = new EtdClient({
      baseUrl: sim.url,
      apiKey: sim.apiKey,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 }
    })
    const window = { start: NOW - 75 * DAY, end: NOW }
    // The simulator answers 400 to any span over 32 days, as ETD does: one unchunked search fails.
    const found: string[] = []
    const result = await scanWindow(
      (query) => client.search(query),
      window,
      SIM_RULE,
      (m) => void found.push(m.id)
    )

    const expected = expectedMatches(sim.messages, NOW, { ...window, ...SIM_RULE })
    expect(expected.length).toBeGreaterThan(20)
    expect(found.sort()).toEqual(expected)
    expect(result.matched).toBe(expected.length)
    expect(sim.stats.searches).toBeGreaterThanOrEqual(3)
  })
})
