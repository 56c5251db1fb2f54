import { afterEach, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EtdClient, type EtdClientOptions, type SearchPage } from '../src/etd/client.js'
import { generateMessages } from '../src/simulator/data.js'
import { expectedMatches } from '../src/simulator/oracle.js'
import type { Simulator } from '../src/simulator/server.js'
import { DAY, HOUR, simulatorWith } from './helpers/simulator.js'

const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50 }
const NOW = Date.now()
let sim: Simulator | undefined

afterEach(async () => {
  await sim?.close()
  sim = undefined
})

function client(s: Simulator, overrides: Partial<EtdClientOptions> = {}): EtdClient {
  return new EtdClient({
    baseUrl: s.url,
    apiKey: s.apiKey,
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    retry: FAST_RETRY,
    ...overrides
  })
}

async function allPages(
  c: EtdClient,
  verdicts = ['bec', 'scam', 'phishing', 'malicious', 'spam', 'graymail', 'neutral']
) {
  const pages: SearchPage[] = []
  for await (const page of c.search({ start: NOW - 2 * DAY, end: NOW, verdicts })) pages.push(page)
  return pages
}

/**
 * The stretches of requests that ETD's token bucket would refuse: more than `burst` plus `perSecond` for
 * the time between the first and the last. Times are the client's own, taken as each request leaves, so
 * a busy machine can only spread them; 100 ms of slack covers the timer's own jitter.
 */
function overBudget(times: number[], limit: { perSecond: number; burst: number }): string[] {
  const excess: string[] = []
  for (let i = 0; i < times.length; i++) {
    for (let j = i + 1; j < times.length; j++) {
      const seconds = (times[j] - times[i] + 100) / 1000
      if (j - i + 1 > limit.burst + limit.perSecond * seconds) {
        excess.push(`${j - i + 1} requests in ${(times[j] - times[i]).toFixed(0)} ms`)
      }
    }
  }
  return excess
}

const ids = (pages: SearchPage[]) => pages.flatMap((p) => p.messages.map((m) => m.id as string))

describe('EtdClient against the simulator', () => {
  it('follows nextPageToken through every page, each at most 100', async () => {
    sim = await simulatorWith(250, { rateLimit: false })
    const pages = await allPages(client(sim))
    expect(pages.map((p) => p.messages.length)).toEqual([100, 100, 50])
    expect(new Set(ids(pages)).size).toBe(250)
    expect(pages[0].totalSize).toBe(250)
    expect(sim.stats.tokens).toBe(1)
  })

  it('sends the server-side verdict filter', async () => {
    // The simulator's clock stands still, so the verdict each message has at query time is known. Seed 5
    // has a message whose last verdict event is not yet known then: reading the last event would fail.
    sim = await simulatorWith(300, { seed: 5, rateLimit: false, now: NOW, clock: () => NOW })
    const pages = await allPages(client(sim), ['bec'])
    const expected = expectedMatches(sim.messages, NOW, {
      start: NOW - 2 * DAY,
      end: NOW,
      mailboxes: [],
      verdicts: ['bec'],
      techniques: []
    })
    expect(expected.length).toBeGreaterThan(5)
    expect(ids(pages).sort()).toEqual(expected)
  })

  it('paces itself under the 2/s burst-4 limit, by the times it sends its requests', async () => {
    sim = await simulatorWith(1000, { seed: 3 })
    const sent: number[] = []
    const pages = await allPages(client(sim, { onRequest: () => sent.push(performance.now()) }))
    expect(pages).toHaveLength(10)
    // Every request the server saw went through the limiter (the token, 10 pages, any retry).
    expect(sent).toHaveLength(sim.stats.arrivals.length)
    expect(sent.length).toBeGreaterThanOrEqual(11)
    expect(overBudget(sent, { perSecond: 2, burst: 4 })).toEqual([])
  })

  it('rides out a 429 storm, honouring Retry-After', async () => {
    sim = await simulatorWith(120, { rateLimit: false })
    sim.faults.statuses = [429, 429, 429]
    sim.faults.retryAfterSeconds = 0
    const notices: string[] = []
    const pages = await allPages(client(sim, { onRetry: (n) => notices.push(`${n.reason}/${n.delayMs}`) }))
    expect(ids(pages)).toHaveLength(120)
    expect(notices).toEqual(['Limit exceeded/0', 'Limit exceeded/0', 'Limit exceeded/0'])
  })

  it('shortens a long Retry-After to four backoff ceilings and goes on searching', async () => {
    sim = await simulatorWith(5, { rateLimit: false })
    sim.faults.statuses = [429, 503]
    sim.faults.retryAfterSeconds = 3600
    let now = 0
    const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) }
    const delays: number[] = []
    const pages = await allPages(client(sim, { clock, onRetry: (n) => delays.push(n.delayMs) }))
    expect(ids(pages)).toHaveLength(5)
    // FAST_RETRY's maxDelayMs is 50: the cap is 200 ms, both for the 429 and the 503 that asked an hour.
    expect(delays).toEqual([200, 200])
  })

  it('fetches a new token once when one expires mid-pagination', async () => {
    sim = await simulatorWith(350, { rateLimit: false })
    sim.faults.tokenSearchLimit = 2
    const pages = await allPages(client(sim))
    expect(ids(pages)).toHaveLength(350)
    expect(sim.stats.tokens).toBe(2)
  })

  it('fails when a fresh token is refused too, without looping', async () => {
    sim = await simulatorWith(10, { rateLimit: false })
    sim.faults.tokenSearchLimit = 0
    await expect(allPages(client(sim))).rejects.toThrow(
      'ETD /v1/messages/search answered 401: Token expired, generate new token to proceed'
    )
    expect(sim.stats.tokens).toBe(2)
  })

  it('recovers from 5xx answers and gives up after the bounded attempts', async () => {
    sim = await simulatorWith(150, { rateLimit: false })
    sim.faults.statuses = [503, 500, 504]
    expect(ids(await allPages(client(sim)))).toHaveLength(150)

    sim.faults.statuses = [503, 503, 503, 503, 503]
    await expect(allPages(client(sim))).rejects.toThrow(
      'ETD /v1/messages/search answered 503 after 4 attempts: Service Unavailable'
    )
  })

  it('halves pageSize while ETD says the answer is too large, and loses nothing', async () => {
    sim = await simulatorWith(130, { rateLimit: false })
    sim.faults.maxPageSize = 25
    const shrinks: number[] = []
    const pages = await allPages(client(sim, { onPageShrink: (size) => shrinks.push(size) }))
    expect(shrinks).toEqual([50, 25])
    expect(pages.every((p) => p.pageSize === 25 && p.messages.length <= 25)).toBe(true)
    expect(new Set(ids(pages)).size).toBe(130)
  })

  it('retries a malformed body, and names it when it persists', async () => {
    sim = await simulatorWith(40, { rateLimit: false })
    sim.faults.malformed = 1
    expect(ids(await allPages(client(sim)))).toHaveLength(40)

    sim.faults.malformed = 10
    await expect(allPages(client(sim))).rejects.toThrow(
      'ETD /v1/messages/search answered 200 after 4 attempts: malformed JSON'
    )
  })

  it('counts every request it sends, retries included', async () => {
    sim = await simulatorWith(250, { rateLimit: false })
    sim.faults.statuses = [503]
    const c = client(sim)
    await allPages(c)
    expect(c.requests).toEqual({ token: 1, search: 4, move: 0, status: 0, report: 0 })
    expect(sim.stats.tokens + sim.stats.searches).toBe(5)
  })

  it('reports a 429 that outlasts the retries as the tenant’s daily quota spent, with when it resets', async () => {
    sim = await simulatorWith(5, { rateLimit: false })
    sim.faults.statuses = [429, 429]
    let now = Date.parse('2026-11-27T16:42:00Z')
    const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) }
    await expect(allPages(client(sim, { clock, retry: { ...FAST_RETRY, maxAttempts: 2 } }))).rejects.toThrow(
      'ETD /v1/messages/search still answered 429 "Limit exceeded" after 2 attempts: the tenant\'s daily quota ' +
        'of 10,000 requests, shared by every integration of the tenant, is probably spent. It resets with ' +
        "ETD's next day (about 2026-11-28 00:00 UTC); until then ETD refuses every integration of the tenant."
    )
  })

  it('times out a slow answer and says so', async () => {
    sim = await simulatorWith(5, { rateLimit: false })
    sim.faults.delayMs = 400
    await expect(allPages(client(sim, { timeoutMs: 100, retry: { ...FAST_RETRY, maxAttempts: 2 } }))).rejects.toThrow(
      'ETD /v1/oauth/token could not be reached after 2 attempts: no answer within 0.1s'
    )
  })

  it('reports a wrong API key or client secret at once, naming the host and region as well as the secrets', async () => {
    sim = await simulatorWith(5, { rateLimit: false })
    const host = new URL(sim.url).host
    // Credentials are per region: the right ones sent to another region's host are refused the same way.
    await expect(allPages(client(sim, { apiKey: 'wrong', region: 'de' }))).rejects.toThrow(
      `ETD /v1/oauth/token answered 403: Forbidden. ETD refused the credentials at ${host} (region de): ` +
        "check etd-region (your tenant's region) as well as etd-api-key."
    )
    await expect(allPages(client(sim, { clientSecret: 'wrong', region: 'us' }))).rejects.toThrow(
      'ETD /v1/oauth/token answered 401: Unauthorized: invalid client credentials. ETD refused the credentials at ' +
        `${host} (region us): check etd-region (your tenant's region) as well as etd-client-id and etd-client-secret.`
    )
    // Without a region, an etd-region URL chose the host.
    await expect(allPages(client(sim, { apiKey: 'wrong' }))).rejects.toThrow(
      `ETD /v1/oauth/token answered 403: Forbidden. ETD refused the credentials at ${host} (etd-region): ` +
        'check etd-region as well as etd-api-key.'
    )
    expect(sim.stats.tokens).toBe(0)
  })

  it.each([301, 302, 307, 308])('follows no %i redirect: the API key never reaches the target', async (status) => {
    // The target records every request that reaches it.
    const reached: IncomingHttpHeaders[] = []
    const target = createServer((req, res) => {
      reached.push(req.headers)
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"accessToken":"stolen"}')
    })
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
    const to = `http://127.0.0.1:${(target.address() as AddressInfo).port}`
    try {
      sim = await simulatorWith(5, { rateLimit: false })
      sim.faults.redirect = { status, to: `${to}/steal?key=1` }
      await expect(allPages(client(sim))).rejects.toThrow(
        `ETD /v1/oauth/token answered ${status}: a redirect to ${to}, not followed so that the API key goes nowhere else (check etd-region)`
      )
      expect(sim.stats.arrivals).toHaveLength(1)
      expect(reached).toEqual([])
    } finally {
      target.closeAllConnections()
      await new Promise((resolve) => target.close(resolve))
    }
  })

  it("surfaces ETD's 400 for a range over 32 days", async () => {
    sim = await simulatorWith(5, { rateLimit: false })
    const search = client(sim).search({ start: NOW - 40 * DAY, end: NOW, verdicts: ['bec'] })
    await expect(search.next()).rejects.toThrow('ETD /v1/messages/search answered 400: Invalid daterange')
  })

  it('hands every derived secret to maskSecret before using it', async () => {
    sim = await simulatorWith(5, { rateLimit: false })
    const masked: string[] = []
    await allPages(client(sim, { maskSecret: (v) => masked.push(v) }))
    expect(masked[0]).toBe(Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64'))
    expect(masked[1]).toMatch(/^eyJ/)
  })

  it('yields pages one at a time, as they arrive', async () => {
    sim = await simulatorWith(300, {
      rateLimit: false,
      messages: generateMessages({ seed: 1, count: 300, start: NOW - HOUR, end: NOW - 60_000 })
    })
    const iterator = client(sim).search({
      start: NOW - 2 * HOUR,
      end: NOW,
      verdicts: ['bec', 'scam', 'phishing', 'malicious', 'spam', 'graymail', 'neutral']
    })
    await iterator.next()
    expect(sim.stats.searches).toBe(1)
    await iterator.return(undefined)
  })
})
