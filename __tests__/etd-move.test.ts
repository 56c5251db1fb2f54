import { afterEach, describe, expect, it } from '@jest/globals'
import { createServer } from 'node:http'
import { unpacedLimiter } from '../src/common/rate-limiter.js'
import { BudgetSpentError, EtdClient, ReadOnlyClientError, type EtdClientOptions } from '../src/etd/client.js'
import type { RawMessage } from '../src/etd/types.js'
import { folderAt } from '../src/simulator/oracle.js'
import { startSimulator, type Simulator } from '../src/simulator/server.js'
import { listenLoopback } from './helpers/listen.js'
import { simMessage, T } from './helpers/fixtures.js'
import { clientOfServer, HOUR } from './helpers/simulator.js'

const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 }
/** The simulator's clock stands a little after `T`, the messages arrive an hour before. */
let now = T + HOUR
let sim: Simulator | undefined

afterEach(async () => {
  await sim?.close()
  sim = undefined
  now = T + HOUR
})

/** Three phish of the hour before `T`: `a` and `b` left in the inbox, `c` quarantined by ETD. */
async function tenant(extra: Partial<Parameters<typeof startSimulator>[0]> = {}): Promise<Simulator> {
  sim = await startSimulator({
    messages: [
      simMessage('a', T - 50 * 60_000, { folder: 'inbox' }),
      simMessage('b', T - 40 * 60_000, { folder: undefined }),
      simMessage('c', T - 30 * 60_000)
    ],
    clock: () => now,
    rateLimit: false,
    ...extra
  })
  return sim
}

function client(s: Simulator, overrides: Partial<EtdClientOptions> = {}): EtdClient {
  return new EtdClient({
    baseUrl: s.url,
    ...credentialsOf(s),
    retry: FAST_RETRY,
    limiter: unpacedLimiter(),
    ...overrides
  })
}

const credentialsOf = (s: Simulator) => ({ apiKey: s.apiKey, clientId: s.clientId, clientSecret: s.clientSecret })

/** What a later search says of each message, by id. */
async function searched(c: EtdClient, verdicts = ['phishing']): Promise<Map<string, RawMessage>> {
  const found = new Map<string, RawMessage>()
  for await (const page of c.search({ start: T - 2 * HOUR, end: T, verdicts })) {
    for (const m of page.messages) found.set(m.id as string, m)
  }
  return found
}

/** A raw request to the simulator, with a fresh token. */
async function post(s: Simulator, path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const basic = Buffer.from(`${s.clientId}:${s.clientSecret}`).toString('base64')
  const token = (await (
    await fetch(`${s.url}/v1/oauth/token`, {
      method: 'POST',
      headers: { 'x-api-key': s.apiKey, authorization: `Basic ${basic}` }
    })
  ).json()) as { accessToken: string }
  const response = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: {
      'x-api-key': s.apiKey,
      authorization: `Bearer ${token.accessToken}`,
      'content-type': 'application/json'
    },
    body: JSON.stringify(body)
  })
  return { status: response.status, json: await response.json() }
}

describe('moving messages in the ETD simulator through EtdClient', () => {
  it('moves and reclassifies, per id, and a later search shows the move as the message’s action', async () => {
    const s = await tenant()
    const c = client(s)
    now = T + HOUR
    const result = await c.move(['a', 'b'], 'quarantine', 'phishing')
    expect(result.moves).toEqual([
      { id: 'a', queueSuccess: true },
      { id: 'b', queueSuccess: true }
    ])
    expect(result.verdicts).toEqual(result.moves)
    now += 60_000
    const after = await searched(c)
    expect(after.get('a')?.action).toEqual({
      type: 'move',
      folder: 'quarantine',
      isAutoRemediated: false,
      timestamp: new Date(T + HOUR).toISOString().replace('.000Z', 'Z')
    })
    expect((after.get('b')?.verdict as { latestVerdict: string }).latestVerdict).toBe('phishing')
    // ETD's own quarantine of c is untouched.
    expect(after.get('c')?.action).toMatchObject({ folder: 'quarantine', isAutoRemediated: true })
    expect(s.messages.map((m) => folderAt(m, now))).toEqual(['quarantine', 'quarantine', 'quarantine'])
    expect(c.requests).toEqual({ token: 1, search: 1, move: 1, status: 0, report: 0 })
  })

  it('releases to the inbox as neutral: the message leaves a threat search and its status names the API', async () => {
    const s = await tenant()
    const c = client(s)
    await c.move(['c'], 'inbox', 'neutral')
    now += 60_000
    expect([...(await searched(c)).keys()]).toEqual(['b', 'a'])
    const neutral = (await searched(c, ['neutral'])).get('c')
    expect(neutral?.verdict).toMatchObject({ latestVerdict: 'neutral', originalVerdict: 'phishing' })
    expect(neutral?.action).toMatchObject({ folder: 'inbox', isAutoRemediated: false })
    const status = await c.status('c')
    expect(status).toEqual({
      id: 'c',
      actions: [
        {
          at: new Date(T + HOUR).toISOString(),
          folder: 'inbox',
          initiator: 'api',
          status: 'succeeded',
          byThisClient: true
        }
      ],
      verdicts: [
        { at: new Date(T + HOUR).toISOString(), verdict: 'neutral', reclassifiedBy: 'api', byThisClient: true }
      ]
    })
    expect(folderAt(s.messages[2], now)).toBe('inbox')
  })

  it('lists the last five actions and verdicts, newest first', async () => {
    const s = await tenant()
    const c = client(s)
    const folders = ['trash', 'quarantine', 'inbox', 'junk', 'trash', 'quarantine']
    for (const folder of folders) {
      await c.move(['a'], folder, 'phishing')
      now += 1000
    }
    const status = await c.status('a')
    expect(status?.actions.map((a) => a.folder)).toEqual(folders.slice(1).reverse())
    expect(status?.verdicts).toHaveLength(5)
    expect(s.stats.statuses).toBe(1)
    expect(c.requests.move).toBe(6)
  })

  it('says "message not found" per unknown id, and for every id when ETD answers 404 to all of them', async () => {
    const s = await tenant()
    const c = client(s)
    const mixed = await c.move(['a', 'nope'], 'trash', 'phishing')
    expect(mixed.moves).toEqual([
      { id: 'a', queueSuccess: true },
      { id: 'nope', queueSuccess: false, reason: 'message not found' }
    ])
    expect((await post(s, '/v1/messages/move', { folder: 'trash', verdict: 'bec', ids: ['x'] })).status).toBe(404)
    const none = await c.move(['x', 'y'], 'trash', 'phishing')
    expect(none.moves).toEqual([
      { id: 'x', queueSuccess: false, reason: 'message not found' },
      { id: 'y', queueSuccess: false, reason: 'message not found' }
    ])
    // A message ETD has not seen yet is not found either.
    now = T - 50 * 60_000
    expect((await c.move(['a'], 'trash', 'phishing')).moves[0].queueSuccess).toBe(false)
    expect(await c.status('nope')).toBeUndefined()
  })

  it('sends at most 100 ids a request', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => `m${i}`)
    const s = await tenant({ messages: ids.map((id, i) => simMessage(id, T - HOUR + i * 1000, { folder: 'inbox' })) })
    const c = client(s)
    const result = await c.move(ids, 'quarantine', 'phishing')
    expect(result.moves.filter((m) => m.queueSuccess)).toHaveLength(250)
    expect(s.stats.moves).toBe(3)
    expect(c.requests).toEqual({ token: 1, search: 0, move: 3, status: 0, report: 0 })
  })

  it('refuses a body without folder or verdict, over 100 ids, or an unknown folder, as ETD does', async () => {
    const s = await tenant()
    const bad = [
      { verdict: 'bec', ids: ['a'] },
      { folder: 'quarantine', ids: ['a'] },
      { folder: 'quarantine', verdict: 'bec', ids: Array.from({ length: 101 }, (_, i) => `id${i}`) },
      { folder: 'quarantine', verdict: 'bec', ids: [] },
      { folder: 'outbox', verdict: 'bec', ids: ['a'] },
      { folder: 'quarantine', verdict: 'evil', ids: ['a'] }
    ]
    for (const body of bad) expect((await post(s, '/v1/messages/move', body)).status).toBe(400)
    expect((await post(s, '/v1/messages/status', {})).status).toBe(400)
    expect(s.messages.every((m) => m.moves === undefined)).toBe(true)
  })

  it('explains a read-only API client’s refusal, naming the setting that allows moving, and moves nothing', async () => {
    const s = await tenant({ readOnly: true })
    const c = client(s)
    const refused = c.move(['a'], 'quarantine', 'phishing')
    await expect(refused).rejects.toThrow(ReadOnlyClientError)
    await expect(refused).rejects.toThrow(
      'ETD /v1/messages/move answered 403: this ETD API client may not move mail. Moving needs an API client with Read/Write access'
    )
    expect(s.messages[0].moves).toBeUndefined()
    // Reading stays allowed: the status of a message answers.
    expect((await c.status('a'))?.actions).toEqual([])
    s.readOnly = false
    expect((await c.move(['a'], 'quarantine', 'phishing')).moves[0].queueSuccess).toBe(true)
  })

  it('retries a move under the one retry policy, each attempt counted', async () => {
    const s = await tenant()
    const c = client(s)
    await c.status('a')
    s.faults.statuses = [503, 502]
    expect((await c.move(['a'], 'trash', 'phishing')).moves[0].queueSuccess).toBe(true)
    expect(c.requests).toEqual({ token: 1, search: 0, move: 3, status: 1, report: 0 })
    expect(s.stats.moves).toBe(3)
  })

  it('counts moves against the simulated day’s quota, and the client words the 429 as the quota spent', async () => {
    const s = await tenant({ dailyQuota: 3 })
    const c = client(s, { retry: { ...FAST_RETRY, maxAttempts: 2 } })
    await c.move(['a'], 'trash', 'phishing')
    await c.status('a')
    await expect(c.move(['b'], 'trash', 'phishing')).rejects.toThrow("the tenant's daily quota of 10,000 requests")
    expect(s.stats.overQuota).toBe(2)
    await expect(c.status('a')).rejects.toThrow("the tenant's daily quota")
    expect(folderAt(s.messages[1], now)).toBe('inbox')
    // A new ETD day starts the count again.
    now += 24 * HOUR
    expect((await client(s).move(['b'], 'trash', 'phishing')).moves[0].queueSuccess).toBe(true)
  })

  it('sends nothing beyond the requests it may make (what the daily budget leaves)', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `m${i}`)
    const s = await tenant({ messages: ids.map((id, i) => simMessage(id, T - HOUR + i * 1000, { folder: 'inbox' })) })
    const c = client(s, { maxRequests: 2 })
    await expect(c.move(ids, 'quarantine', 'phishing')).rejects.toThrow(BudgetSpentError)
    await expect(c.move(ids, 'quarantine', 'phishing')).rejects.toThrow(
      'ETD /v1/messages/move not sent: daily-request-budget leaves this run 2 requests, all spent.'
    )
    expect(s.stats.moves).toBe(1)
    expect(c.requests).toEqual({ token: 1, search: 0, move: 1, status: 0, report: 0 })
  })
})

describe('ETD’s move and status answers are attacker text', () => {
  it('cleans ids, reasons and folders, and drops entries it cannot read', async () => {
    const hostile = 'not found\r\n::error::pwned https://evil.example/x \u202e'
    const answers: Record<string, unknown> = {
      '/v1/oauth/token': { accessToken: 't' },
      '/v1/messages/status': {
        data: {
          actions: [{ folder: hostile, initiator: 'api', status: 7, publicApiClientId: 'someone-else' }, 'junk'],
          verdicts: [{ verdict: hostile, reclassifiedBy: 'user', timestamp: 'yesterday' }]
        }
      },
      '/v1/messages/move': {
        data: {
          messageMoveStatus: [{ id: 'a\nb', queueSuccess: 'yes', reason: hostile }, { queueSuccess: true }, null],
          messageVerdictStatus: 'nothing'
        }
      }
    }
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answers[req.url ?? '']))
    })
    const listening = await listenLoopback(server)
    try {
      const c = clientOfServer(listening.url, { retry: FAST_RETRY })
      const cleaned = 'not found ::error::pwned hxxps://evil[.]example/x'
      expect(await c.move(['a'], 'trash', 'bec')).toEqual({
        moves: [{ id: 'a b', queueSuccess: false, reason: cleaned }],
        verdicts: []
      })
      expect(await c.status('a')).toEqual({
        id: 'a',
        actions: [{ folder: cleaned, initiator: 'api', status: '', byThisClient: false }],
        verdicts: [{ verdict: cleaned, reclassifiedBy: 'user', byThisClient: false }]
      })
    } finally {
      await listening.close()
    }
  })
})
