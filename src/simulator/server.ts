import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RawMessage, RawVerdict } from '../etd/types.js'
import { isKnownVerdict } from '../etd/verdicts.js'
import { etdTime, knownHistory, knownMoves, renderMessage, type SimMessage, type VerdictEvent } from './data.js'
import { report, top, type Answer } from './report.js'
import { DAY, HOUR } from '../common/time.js'

/** The folders a move may name. */
const MOVE_FOLDERS = new Set(['quarantine', 'trash', 'junk', 'junkemail', 'inbox'])
const MAX_MOVE_IDS = 100
/** How many actions and verdicts a status answer lists, newest first. */
const STATUS_DEPTH = 5
const NOT_FOUND = 'message not found'

const TOO_LARGE = 'The server generated a response that exceeds the limit. Please reduce the page size or time range'

/** Switchable misbehaviour; tests change these between and during runs. */
export interface Faults {
  /** Answered one each, in order, to the next search, report, move or status requests instead of results. */
  statuses: number[]
  /** Sent as Retry-After with the answers from `statuses`. */
  retryAfterSeconds?: number
  /** How many of the next successful search answers are cut off mid-JSON. */
  malformed: number
  /** Every answer waits this long first. */
  delayMs: number
  /** Pages larger than this answer ETD's 502 "exceeds the limit". */
  maxPageSize?: number
  /** A token dies after this many searches, as when one expires mid-pagination. */
  tokenSearchLimit?: number
  /** Raw messages, broken ones included, put in front of every first page. */
  extraMessages: RawMessage[]
  /** Every request is redirected there (status and base URL), as by a hijacked or misconfigured proxy. */
  redirect?: { status: number; to: string }
}

export interface SimulatorStats {
  tokens: number
  searches: number
  moves: number
  statuses: number
  /** Requests refused because the day's quota was spent. */
  overQuota: number
  /** Requests to the reporting endpoints (report and report/top). */
  reports: number
  rateLimited: number
  /** Arrival time of every request, for checking the client's pacing. */
  arrivals: number[]
  pageSizes: number[]
}

export interface SimulatorOptions {
  messages: SimMessage[]
  apiKey?: string
  clientId?: string
  clientSecret?: string
  /** What "now" is for tokens, the 90-day rule and which verdicts are known yet. */
  clock?: () => number
  tokenTtlMs?: number
  /** ETD's per-tenant limit; `false` turns it off for tests that are not about it. */
  rateLimit?: { perSecond: number; burst: number } | false
  /** ETD's per-tenant requests a day (UTC day of `clock`), every endpoint counted; unlimited when not given. */
  dailyQuota?: number
  /** The API client may only read: moves are refused with 403. */
  readOnly?: boolean
  port?: number
}

export interface Simulator {
  url: string
  apiKey: string
  clientId: string
  clientSecret: string
  messages: SimMessage[]
  faults: Faults
  stats: SimulatorStats
  /** Switchable: the API client may only read, as one created without Read/Write access. */
  readOnly: boolean
  close(): Promise<void>
}

interface Token {
  issuedAt: number
  searches: number
}

const SIMULATOR_CREDENTIALS = {
  apiKey: 'sim-api-key',
  clientId: 'sim-client-id',
  clientSecret: 'sim-client-secret'
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(text)
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** A JSON object body, or nothing when it is not one. */
function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

// Strict: ETD wants full ISO-8601 UTC; anything Date.parse would guess at is refused.
function parseRangeTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(value)) return undefined
  const millis = Date.parse(value.replace(/(\.\d{3})\d+Z$/, '$1Z'))
  return Number.isNaN(millis) ? undefined : millis
}

/** The index of the first message received at or after `time`, in messages sorted by that time. */
function firstAtOrAfter(messages: SimMessage[], time: number): number {
  let low = 0
  let high = messages.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if (messages[mid].receivedAt < time) low = mid + 1
    else high = mid
  }
  return low
}

/**
 * The verdict the server-side filter looks at. How ETD filters a release sent without latestVerdict is
 * unverified; the simulator takes the worst case, its original verdict, so that such releases reach
 * the client.
 */
const filteredVerdict = (verdict: RawVerdict) =>
  String(verdict.latestVerdict || verdict.category || verdict.originalVerdict)

/** An ETD API on loopback with the real shapes, checks and limits, over the given messages. */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const clock = options.clock ?? (() => Date.now())
  const credentials = {
    apiKey: options.apiKey ?? SIMULATOR_CREDENTIALS.apiKey,
    clientId: options.clientId ?? SIMULATOR_CREDENTIALS.clientId,
    clientSecret: options.clientSecret ?? SIMULATOR_CREDENTIALS.clientSecret
  }
  const basic = `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`
  const tokenTtlMs = options.tokenTtlMs ?? HOUR
  const limit = options.rateLimit === undefined ? { perSecond: 2, burst: 4 } : options.rateLimit
  const tokens = new Map<string, Token>()
  const faults: Faults = { statuses: [], malformed: 0, delayMs: 0, extraMessages: [] }
  const stats: SimulatorStats = {
    tokens: 0,
    searches: 0,
    moves: 0,
    statuses: 0,
    reports: 0,
    overQuota: 0,
    rateLimited: 0,
    arrivals: [],
    pageSizes: []
  }
  const access = { readOnly: options.readOnly ?? false }
  const byId = new Map(options.messages.map((m) => [m.id, m]))
  const quota = { day: '', used: 0 }
  let bucket = limit ? limit.burst : 0
  let bucketAt = Date.now()

  // Real time, not the simulated clock: the limit protects ETD's servers from real request rates.
  const withinRateLimit = (): boolean => {
    if (!limit) return true
    const now = Date.now()
    bucket = Math.min(limit.burst, bucket + ((now - bucketAt) / 1000) * limit.perSecond)
    bucketAt = now
    if (bucket < 1) return false
    bucket -= 1
    return true
  }

  // The simulated clock, not real time: the quota is the tenant's per ETD day.
  const withinQuota = (): boolean => {
    if (options.dailyQuota === undefined) return true
    const day = new Date(clock()).toISOString().slice(0, 10)
    if (quota.day !== day) Object.assign(quota, { day, used: 0 })
    if (quota.used >= options.dailyQuota) return false
    quota.used++
    return true
  }

  const issueToken = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.headers.authorization !== basic)
      return send(res, 401, { message: 'Unauthorized: invalid client credentials' })
    const token = `eyJhbGciOiJSUzI1NiJ9.${randomBytes(24).toString('base64url')}.${randomBytes(16).toString('base64url')}`
    tokens.set(token, { issuedAt: clock(), searches: 0 })
    stats.tokens++
    send(res, 200, { accessToken: token })
  }

  const byTime = [...options.messages].sort((a, b) => a.receivedAt - b.receivedAt)
  const snapshots = new Map<string, RawMessage[]>()
  const snapshot = (query: string, start: number, end: number, verdicts: unknown): RawMessage[] => {
    const now = clock()
    const wanted = Array.isArray(verdicts) ? new Set(verdicts as string[]) : undefined
    const found: RawMessage[] = []
    for (let i = firstAtOrAfter(byTime, start); i < byTime.length && byTime[i].receivedAt <= end; i++) {
      const m = renderMessage(byTime[i], now)
      if (m && (!wanted || wanted.has(filteredVerdict(m.verdict as RawVerdict)))) found.push(m)
    }
    found.reverse()
    if (snapshots.size >= 8) snapshots.clear()
    snapshots.set(query, found)
    return found
  }

  /** Answers the next injected status, if one is planned: true when it did. */
  const injectedFailure = (res: ServerResponse): boolean => {
    const injected = faults.statuses.shift()
    if (injected === undefined) return false
    const headers: Record<string, string> =
      faults.retryAfterSeconds === undefined ? {} : { 'retry-after': String(faults.retryAfterSeconds) }
    const message = injected === 429 ? 'Limit exceeded' : injected === 502 ? 'Bad Gateway' : 'Service Unavailable'
    send(res, injected, { message }, headers)
    return true
  }

  /** The request's token when it is valid; otherwise answers 401 and gives nothing. */
  const bearerToken = (req: IncomingMessage, res: ServerResponse, searching = false): Token | undefined => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    const token = bearer ? tokens.get(bearer) : undefined
    if (!token) return void send(res, 401, { message: 'Invalid token' })
    const expired =
      clock() - token.issuedAt >= tokenTtlMs ||
      (searching && faults.tokenSearchLimit !== undefined && token.searches >= faults.tokenSearchLimit)
    if (expired) return void send(res, 401, { message: 'Token expired, generate new token to proceed' })
    return token
  }

  /** The bearer token checked and a fault injected, or the request's body and time range; `undefined` when answered. */
  const dataRequest = (
    req: IncomingMessage,
    res: ServerResponse,
    text: string,
    count: 'searches' | 'reports',
    maxSpanMs: number
  ): { body: Record<string, unknown>; token: Token; range: [number, number] } | undefined => {
    const token = bearerToken(req, res, true)
    if (!token) return
    token.searches++
    stats[count]++
    if (injectedFailure(res)) return

    let body: Record<string, unknown>
    try {
      body = JSON.parse(text) as Record<string, unknown>
    } catch {
      return void send(res, 400, { message: 'Invalid request body' })
    }
    const range = Array.isArray(body.timestamp) && body.timestamp.length === 2 ? body.timestamp.map(parseRangeTime) : []
    const [start, end] = range
    if (
      start === undefined ||
      end === undefined ||
      start >= end ||
      end - start > maxSpanMs ||
      start < clock() - 90 * DAY
    ) {
      return void send(res, 400, { message: 'Invalid daterange' })
    }
    return { body, token, range: [start, end] }
  }

  const reporting = (
    req: IncomingMessage,
    res: ServerResponse,
    text: string,
    answer: (messages: SimMessage[], now: number, body: Record<string, unknown>, range: [number, number]) => Answer
  ): void => {
    const request = dataRequest(req, res, text, 'reports', 90 * DAY)
    if (!request) return
    const { status, body } = answer(options.messages, clock(), request.body, request.range)
    send(res, status, body)
  }

  const search = (req: IncomingMessage, res: ServerResponse, text: string): void => {
    const request = dataRequest(req, res, text, 'searches', 32 * DAY)
    if (!request) return
    const { body } = request
    const [start, end] = request.range
    const pageSize = body.pageSize ?? 100
    if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      return send(res, 400, { message: 'Invalid pageSize: must be between 1 and 100' })
    }
    const verdicts = body.verdicts
    if (
      verdicts !== undefined &&
      (!Array.isArray(verdicts) || !verdicts.every((v) => typeof v === 'string' && isKnownVerdict(v)))
    ) {
      return send(res, 400, { message: 'Invalid verdicts' })
    }
    stats.pageSizes.push(pageSize)
    if (faults.maxPageSize !== undefined && pageSize > faults.maxPageSize) return send(res, 502, { message: TOO_LARGE })

    // A page token is bound to the query: reusing it with another range or filter is an error, as on ETD.
    const query = createHash('sha256')
      .update(JSON.stringify([body.timestamp, verdicts ?? null]))
      .digest('hex')
      .slice(0, 16)
    let offset = 0
    if (body.pageToken !== undefined) {
      try {
        const decoded = JSON.parse(Buffer.from(String(body.pageToken), 'base64url').toString('utf8')) as {
          o: number
          q: string
        }
        if (decoded.q !== query || !Number.isInteger(decoded.o) || decoded.o < 0) throw new Error('mismatch')
        offset = decoded.o
      } catch {
        return send(res, 400, { message: 'Invalid page token' })
      }
    }

    // What the first page saw: later pages of the same query answer from it, as a consistent listing.
    const found = offset === 0 || !snapshots.has(query) ? snapshot(query, start, end, verdicts) : snapshots.get(query)!
    const page = [...(offset === 0 ? faults.extraMessages : []), ...found.slice(offset, offset + pageSize)]
    const next =
      offset + pageSize < found.length
        ? Buffer.from(JSON.stringify({ o: offset + pageSize, q: query })).toString('base64url')
        : undefined
    const answer = JSON.stringify({
      totalSize: found.length,
      ...(next ? { nextPageToken: next } : {}),
      data: { messages: page }
    })
    if (faults.malformed > 0) {
      faults.malformed--
      return send(res, 200, answer.slice(0, Math.floor(answer.length / 2)))
    }
    send(res, 200, answer)
  }

  /** A message ETD knows of at `now`: one not yet delivered is "not found" as an unknown id is. */
  const knownMessage = (id: unknown, now: number): SimMessage | undefined => {
    const message = typeof id === 'string' ? byId.get(id) : undefined
    return message && knownHistory(message, now).length > 0 ? message : undefined
  }

  const move = (req: IncomingMessage, res: ServerResponse, text: string): void => {
    if (!bearerToken(req, res)) return
    stats.moves++
    if (injectedFailure(res)) return
    if (access.readOnly) return send(res, 403, { message: 'Forbidden: the API client has read-only access' })
    const body = parseObject(text)
    if (!body) return send(res, 400, { message: 'Invalid request body' })
    const { folder, verdict, ids } = body
    if (typeof folder !== 'string' || !MOVE_FOLDERS.has(folder)) return send(res, 400, { message: 'Invalid folder' })
    if (typeof verdict !== 'string' || !isKnownVerdict(verdict)) return send(res, 400, { message: 'Invalid verdict' })
    if (
      !Array.isArray(ids) ||
      ids.length === 0 ||
      ids.length > MAX_MOVE_IDS ||
      !ids.every((id) => typeof id === 'string' && id !== '')
    ) {
      return send(res, 400, { message: `ids must list 1 to ${MAX_MOVE_IDS} message ids` })
    }
    const now = clock()
    const found = (ids as string[]).map((id) => knownMessage(id, now))
    if (found.every((message) => message === undefined)) return send(res, 404, { message: NOT_FOUND })
    for (const message of new Set(found)) {
      if (!message) continue
      message.moves = [...(message.moves ?? []), { at: now, folder, apiClientId: credentials.clientId }]
      // Kept in time order: a verdict not yet known (a retro one to come) stays after this one.
      const event: VerdictEvent = { at: now, verdict, manual: true, apiClientId: credentials.clientId }
      const at = message.history.findIndex((e) => e.at > now)
      message.history.splice(at < 0 ? message.history.length : at, 0, event)
    }
    const statuses = (ids as string[]).map((id, i) =>
      found[i] ? { id, queueSuccess: true } : { id, queueSuccess: false, reason: NOT_FOUND }
    )
    send(res, 200, { data: { messageMoveStatus: statuses, messageVerdictStatus: statuses } })
  }

  const status = (req: IncomingMessage, res: ServerResponse, text: string): void => {
    if (!bearerToken(req, res)) return
    stats.statuses++
    if (injectedFailure(res)) return
    const body = parseObject(text)
    if (!body || typeof body.id !== 'string' || body.id === '') return send(res, 400, { message: 'id is required' })
    const now = clock()
    const message = knownMessage(body.id, now)
    if (!message) return send(res, 404, { message: NOT_FOUND })
    const time = (at: number) => etdTime(at, message.nanoTimes)
    const actions = knownMoves(message, now)
      .slice(-STATUS_DEPTH)
      .reverse()
      .map((m) => ({
        timestamp: time(m.at),
        action: 'move',
        folder: m.folder,
        status: 'succeeded',
        ...(m.apiClientId
          ? { initiator: 'api', publicApiClientId: m.apiClientId }
          : { initiator: 'manual', userId: 'admin@example.com' })
      }))
    const verdicts = knownHistory(message, now)
      .filter((e) => e.manual)
      .slice(-STATUS_DEPTH)
      .reverse()
      .map((e) =>
        e.apiClientId
          ? { timestamp: time(e.at), verdict: e.verdict, reclassifiedBy: 'api', publicApiClientId: e.apiClientId }
          : { timestamp: time(e.at), verdict: e.verdict, reclassifiedBy: 'user', userId: 'admin@example.com' }
      )
    send(res, 200, { data: { id: message.id, actions, verdicts } })
  }

  const server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req)
      stats.arrivals.push(Date.now())
      if (faults.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.delayMs))
      if (faults.redirect) {
        return send(res, faults.redirect.status, { message: 'Moved' }, { location: `${faults.redirect.to}${req.url}` })
      }
      if (!withinRateLimit()) {
        stats.rateLimited++
        return send(res, 429, { message: 'Limit exceeded' })
      }
      if (req.method !== 'POST') return send(res, 405, { message: 'Method Not Allowed' })
      if (req.headers['x-api-key'] !== credentials.apiKey) return send(res, 403, { message: 'Forbidden' })
      if (!withinQuota()) {
        stats.overQuota++
        return send(res, 429, { message: 'Limit exceeded' })
      }
      if (req.url === '/v1/oauth/token') return issueToken(req, res)
      if (req.url === '/v1/messages/search') return search(req, res, text)
      if (req.url === '/v1/messages/move') return move(req, res, text)
      if (req.url === '/v1/messages/status') return status(req, res, text)
      if (req.url === '/v1/messages/report') return reporting(req, res, text, report)
      if (req.url === '/v1/messages/report/top') return reporting(req, res, text, top)
      send(res, 404, { message: 'Not Found' })
    })().catch(() => res.destroy())
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey: credentials.apiKey,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    messages: options.messages,
    faults,
    stats,
    get readOnly() {
      return access.readOnly
    },
    set readOnly(value: boolean) {
      access.readOnly = value
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      })
  }
}
