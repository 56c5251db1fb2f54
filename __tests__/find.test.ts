import { afterEach, describe, expect, it } from '@jest/globals'
import { EtdClient } from '../src/etd/client.js'
import { scanWindow } from '../src/search/find.js'
import { expectedMatches } from '../src/simulator/oracle.js'
import type { Simulator } from '../src/simulator/server.js'
import { DAY, simulatorWith } from './helpers/simulator.js'

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0)
const RULE = {
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
      RULE,
      (m) => void found.push(m.id)
    )

    const expected = expectedMatches(sim.messages, NOW, { ...window, ...RULE })
    expect(expected.length).toBeGreaterThan(20)
    expect(found.sort()).toEqual(expected)
    expect(result.matched).toBe(expected.length)
    expect(sim.stats.searches).toBeGreaterThanOrEqual(3)
  })
})
