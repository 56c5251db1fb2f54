import { formatEtdTime, parseEtdTime } from './message.js'
import { RateLimiter, realClock, type Clock } from '../common/rate-limiter.js'
import { DEFAULT_RETRY, parseRetryAfter, RETRYABLE_STATUS, withRetry, type RetryPolicy } from '../common/retry.js'
import { MAX_PAGE_SIZE, TENANT_DAILY_QUOTA } from './limits.js'
import { count, formatTime, plural } from '../common/format.js'
import { nextUtcMidnight } from '../common/time.js'
import type { RawMessage, SearchResponse } from './types.js'
import { readReport, readTop, type AggregateBy, type ReportAnswer, type TopAnswer, type TopType } from './report.js'
import { redactReply } from '../common/redact.js'
import { clean, type Clean } from './clean.js'

/** A failure talking to ETD, worded for the person reading the workflow log. */
export class EtdError extends Error {
  constructor(
    message: string,
    readonly status?: number
  ) {
    super(message)
    this.name = 'EtdError'
  }
}

class PageTooLargeError extends EtdError {}

/** A request this run may not send: what daily-request-budget leaves for it is spent. */
export class BudgetSpentError extends EtdError {}

/** ETD will not let this API client move mail: it was made without Read/Write access. */
export class ReadOnlyClientError extends EtdError {}

export interface RetryNotice {
  path: string
  attempt: number
  maxAttempts: number
  reason: string
  delayMs: number
}

export interface EtdClientOptions {
  baseUrl: string
  /** The etd-region that chose `baseUrl`, named when the credentials are refused. */
  region?: string
  apiKey: string
  clientId: string
  clientSecret: string
  /** Called with every secret the client derives (the Basic header, tokens) before anything can log it. */
  maskSecret?: (value: string) => void
  limiter?: RateLimiter
  retry?: RetryPolicy
  timeoutMs?: number
  clock?: Clock
  onRetry?: (notice: RetryNotice) => void
  onPageShrink?: (pageSize: number) => void
  /** Called as each request goes out, after the rate limiter let it: what ETD's limit counts. */
  onRequest?: (path: string) => void
  /** The most requests this client may send, retries included (what the day's budget leaves); no cap when not given. */
  maxRequests?: number
}

export interface RequestCount {
  token: number
  search: number
  move: number
  status: number
  /** Requests to the reporting endpoints (the weekly report's). */
  report: number
}

/** Every request a client sent, of every kind: what the day's tally adds. */
export function totalRequests(requests: RequestCount): number {
  return requests.token + requests.search + requests.move + requests.status + requests.report
}

/** ETD's answer for one id of a move: whether the move (or the reclassification) was queued, and why not. */
export interface QueuedStatus {
  id: Clean
  queueSuccess: boolean
  reason?: Clean
}

export interface MoveResult {
  moves: QueuedStatus[]
  verdicts: QueuedStatus[]
}

/** One entry of a message's history as the status request answers it, newest first. */
export interface StatusAction {
  at?: string
  folder: Clean
  initiator: Clean
  status: Clean
  /** Whether this client made it: the API client id is never shown, only compared. */
  byThisClient: boolean
}

export interface StatusVerdict {
  at?: string
  verdict: Clean
  reclassifiedBy: Clean
  byThisClient: boolean
}

export interface MessageStatus {
  id: Clean
  actions: StatusAction[]
  verdicts: StatusVerdict[]
}

export interface ReportQuery {
  start: number
  end: number
}

export interface SearchQuery {
  start: number
  end: number
  verdicts: readonly string[]
  pageSize?: number
}

export interface SearchPage {
  messages: RawMessage[]
  totalSize?: number
  pageSize: number
}

const TOO_LARGE = /exceeds the limit|reduce the page size/i
const TOKEN_PATH = '/v1/oauth/token'
const SEARCH_PATH = '/v1/messages/search'
const MOVE_PATH = '/v1/messages/move'
const STATUS_PATH = '/v1/messages/status'
const REPORT_PATH = '/v1/messages/report'
const TOP_PATH = '/v1/messages/report/top'
const KIND: Record<string, keyof RequestCount> = {
  [TOKEN_PATH]: 'token',
  [SEARCH_PATH]: 'search',
  [MOVE_PATH]: 'move',
  [STATUS_PATH]: 'status',
  [REPORT_PATH]: 'report',
  [TOP_PATH]: 'report'
}
/** Ids per move request at most. */
export const MAX_MOVE_IDS = 100

interface Failure {
  reason: string
  status?: number
  retryAfterMs?: number
}

type Attempt<T> = { done: true; value: T } | ({ done: false } & Failure)

/** A failed attempt, worded as an EtdError only once the retries are over. */
class AttemptFailure extends Error implements Failure {
  readonly reason: string
  readonly status?: number
  readonly retryAfterMs?: number

  constructor({ reason, status, retryAfterMs }: Failure) {
    super(reason)
    this.reason = reason
    this.status = status
    this.retryAfterMs = retryAfterMs
  }
}

export class EtdClient {
  private readonly limiter: RateLimiter
  private readonly retry: RetryPolicy
  private readonly timeoutMs: number
  private readonly clock: Clock
  private readonly basic: string
  private token?: Promise<string>
  /** Every request sent, retries included: each one counts against the tenant's daily quota. */
  readonly requests: RequestCount = { token: 0, search: 0, move: 0, status: 0, report: 0 }

  constructor(private readonly options: EtdClientOptions) {
    this.clock = options.clock ?? realClock
    // 10% under ETD's 2/s: network jitter bunches requests up on arrival, and a 429 costs more than the margin.
    this.limiter = options.limiter ?? new RateLimiter(1.8, 4, this.clock)
    this.retry = options.retry ?? DEFAULT_RETRY
    this.timeoutMs = options.timeoutMs ?? 60000
    const credentials = Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')
    this.basic = `Basic ${credentials}`
    options.maskSecret?.(credentials)
  }

  /** Every page of a search, one at a time as ETD sends them; pages shrink when ETD says they are too large. */
  async *search(query: SearchQuery): AsyncGenerator<SearchPage> {
    let pageSize = Math.min(query.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    let pageToken: string | undefined
    for (;;) {
      const body = {
        timestamp: [formatEtdTime(query.start), formatEtdTime(query.end)],
        verdicts: query.verdicts,
        pageSize,
        ...(pageToken ? { pageToken } : {})
      }
      let response: SearchResponse
      try {
        response = await this.call<SearchResponse>(SEARCH_PATH, body)
      } catch (error) {
        if (!(error instanceof PageTooLargeError) || pageSize === 1) throw error
        pageSize = Math.max(1, Math.floor(pageSize / 2))
        this.options.onPageShrink?.(pageSize)
        continue
      }
      const messages = response.data?.messages
      if (messages !== undefined && !Array.isArray(messages)) {
        throw new EtdError(`ETD ${SEARCH_PATH} answered with data.messages that is not a list`)
      }
      yield { messages: messages ?? [], totalSize: response.totalSize, pageSize }
      const next = typeof response.nextPageToken === 'string' ? response.nextPageToken : ''
      if (next === '') return
      if (next === pageToken) throw new EtdError(`ETD ${SEARCH_PATH} returned the same page token twice`)
      pageToken = next
    }
  }

  /**
   * Moves `ids` to `folder` and gives them `verdict` (ETD requires both), 100 ids a request; ETD's
   * answer for every id. An id ETD does not know is "message not found", also when ETD answers 404
   * because it knows none of a request's ids. The move is only queued: `status` confirms it.
   */
  async move(ids: readonly string[], folder: string, verdict: string): Promise<MoveResult> {
    const result: MoveResult = { moves: [], verdicts: [] }
    for (let i = 0; i < ids.length; i += MAX_MOVE_IDS) {
      const chunk = ids.slice(i, i + MAX_MOVE_IDS)
      let answer: { data?: { messageMoveStatus?: unknown; messageVerdictStatus?: unknown } }
      try {
        answer = await this.call(MOVE_PATH, { folder, verdict, ids: chunk })
      } catch (error) {
        if (error instanceof EtdError && error.status === 404) {
          const missing = chunk.map((id) => ({ id: clean(id), queueSuccess: false, reason: clean(NOT_FOUND) }))
          result.moves.push(...missing)
          result.verdicts.push(...missing)
          continue
        }
        if (error instanceof EtdError && (error.status === 401 || error.status === 403)) {
          throw new ReadOnlyClientError(
            `ETD ${MOVE_PATH} answered ${error.status}: this ETD API client may not move mail. Moving needs an ` +
              'API client with Read/Write access (in the ETD console, an API client created with Read/Write ' +
              'access, the tenant in Read/Write mode); give its credentials to the responding workflow only.',
            error.status
          )
        }
        throw error
      }
      result.moves.push(...queuedStatuses(answer.data?.messageMoveStatus))
      result.verdicts.push(...queuedStatuses(answer.data?.messageVerdictStatus))
    }
    return result
  }

  /** Where ETD says a message went and who moved it: its last actions and verdicts, newest first; undefined when ETD does not know it. */
  async status(id: string): Promise<MessageStatus | undefined> {
    let answer: { data?: Record<string, unknown> }
    try {
      answer = await this.call(STATUS_PATH, { id })
    } catch (error) {
      if (error instanceof EtdError && error.status === 404) return undefined
      throw error
    }
    const data = answer.data ?? {}
    const byThisClient = (entry: Record<string, unknown>) => entry.publicApiClientId === this.options.clientId
    return {
      id: clean(typeof data.id === 'string' ? data.id : id),
      actions: objects(data.actions).map((entry) => ({
        ...timeOf(entry),
        folder: cleanField(entry.folder),
        initiator: cleanField(entry.initiator),
        status: cleanField(entry.status),
        byThisClient: byThisClient(entry)
      })),
      verdicts: objects(data.verdicts).map((entry) => ({
        ...timeOf(entry),
        verdict: cleanField(entry.verdict),
        reclassifiedBy: cleanField(entry.reclassifiedBy),
        byThisClient: byThisClient(entry)
      }))
    }
  }

  /** Tenant-wide counts per UTC day over `query` (one request); a shape ETD did not send is named in `missing`. */
  async report(query: ReportQuery & { aggregateBy: AggregateBy }): Promise<ReportAnswer> {
    const answer = await this.call<unknown>(REPORT_PATH, {
      timestamp: [formatEtdTime(query.start), formatEtdTime(query.end)],
      aggregateBy: query.aggregateBy,
      aggregationInterval: '1d'
    })
    return readReport(answer, query.aggregateBy)
  }

  /** The tenant's ten most targeted mailboxes, or threat senders, over `query` (one request). */
  async top(query: ReportQuery & { reportType: TopType }): Promise<TopAnswer> {
    const answer = await this.call<unknown>(TOP_PATH, {
      timestamp: [formatEtdTime(query.start), formatEtdTime(query.end)],
      reportType: query.reportType
    })
    return readTop(answer, query.reportType)
  }

  /** One token request: whether ETD takes the credentials, without reading any mailbox data. */
  async checkCredentials(): Promise<void> {
    await this.accessToken()
  }

  private accessToken(): Promise<string> {
    this.token ??= this.call<{ accessToken?: unknown }>(TOKEN_PATH).then((answer) => {
      if (typeof answer.accessToken !== 'string' || answer.accessToken === '') {
        throw new EtdError(`ETD ${TOKEN_PATH} answered without an accessToken`)
      }
      this.options.maskSecret?.(answer.accessToken)
      return answer.accessToken
    })
    this.token.catch(() => (this.token = undefined))
    return this.token
  }

  /** One POST with the rate limit, timeouts, retries, and a single token refresh on 401. */
  private async call<T>(path: string, body?: unknown): Promise<T> {
    const isTokenCall = path === TOKEN_PATH
    let refreshed = false
    let attempts = 0
    const once = async (): Promise<T> => {
      attempts++
      for (;;) {
        const authorization = isTokenCall ? this.basic : `Bearer ${await this.accessToken()}`
        const sent = totalRequests(this.requests)
        if (this.options.maxRequests !== undefined && sent >= this.options.maxRequests) {
          throw new BudgetSpentError(
            `ETD ${path} not sent: daily-request-budget leaves this run ${plural(this.options.maxRequests, 'request')}, all spent.`
          )
        }
        await this.limiter.take()
        const result = await this.attempt<T>(path, authorization, body)
        if (result.done) return result.value
        // An expired token is renewed once, and the renewal does not count as an attempt.
        if (result.status === 401 && !isTokenCall && !refreshed) {
          refreshed = true
          this.token = undefined
          continue
        }
        if (result.status === 502 && TOO_LARGE.test(result.reason)) throw new PageTooLargeError(result.reason, 502)
        throw new AttemptFailure(result)
      }
    }
    try {
      return await withRetry(once, {
        policy: this.retry,
        clock: this.clock,
        // No answer, or a broken one (a 2xx that is not JSON), is as transient as a 503.
        isTransient: (error) =>
          error instanceof AttemptFailure &&
          (error.status === undefined || error.status < 300 || RETRYABLE_STATUS.has(error.status)),
        askedDelayMs: (error) => (error as AttemptFailure).retryAfterMs,
        // Searching is the run's whole job: a long asked wait is shortened, not a reason to stop.
        askedDelayCap: { maxMs: this.retry.maxDelayMs * 4, longer: 'wait-max' },
        onRetry: (error, attempt, delayMs) => {
          const { status, reason } = error as AttemptFailure
          if (status === 429) this.limiter.drain()
          this.options.onRetry?.({ path, attempt, maxAttempts: this.retry.maxAttempts, reason, delayMs })
        }
      })
    } catch (error) {
      if (!(error instanceof AttemptFailure)) throw error
      throw new EtdError(describeFailure(path, error, attempts, this.clock.now(), this.options), error.status)
    }
  }

  private async attempt<T>(path: string, authorization: string, body: unknown): Promise<Attempt<T>> {
    const url = `${this.options.baseUrl}${path}`
    let response: Response
    let text: string
    this.requests[KIND[path]]++
    this.options.onRequest?.(path)
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization,
          'x-api-key': this.options.apiKey,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' })
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        // A redirect would carry x-api-key to wherever it points, https or not: none is followed.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs)
      })
      text = await response.text()
    } catch (error) {
      return { done: false, reason: networkReason(error, this.timeoutMs) }
    }
    if (response.status >= 300 && response.status < 400) {
      return { done: false, status: response.status, reason: redirectReason(response.headers.get('location'), url) }
    }
    if (!response.ok) {
      return {
        done: false,
        status: response.status,
        reason: errorMessage(text, response.statusText),
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.clock.now())
      }
    }
    try {
      const value = JSON.parse(text) as unknown
      if (typeof value !== 'object' || value === null) throw new Error('not an object')
      return { done: true, value: value as T }
    } catch {
      return { done: false, status: response.status, reason: 'malformed JSON' }
    }
  }
}

const NOT_FOUND = 'message not found'

function objects(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v))
    : []
}

/** A field of ETD's answer as display text: attacker text like any other, and `''` when it is not text. */
function cleanField(value: unknown): Clean {
  return clean(typeof value === 'string' ? value : '')
}

function timeOf(entry: Record<string, unknown>): { at?: string } {
  const millis = parseEtdTime(entry.timestamp)
  return millis === undefined ? {} : { at: new Date(millis).toISOString() }
}

/** ETD's per-id answers of a move, the unreadable ones left out. */
function queuedStatuses(value: unknown): QueuedStatus[] {
  return objects(value)
    .filter((entry) => typeof entry.id === 'string')
    .map((entry) => ({
      id: clean(entry.id as string),
      queueSuccess: entry.queueSuccess === true,
      ...(typeof entry.reason === 'string' && entry.reason !== '' ? { reason: clean(entry.reason) } : {})
    }))
}

function networkReason(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs / 1000}s`
  return `connection failed (${redactReply(err.cause?.code ?? err.cause?.message ?? err.message ?? 'unknown error')})`
}

/** Names only the target's origin: a path or query could carry anything. */
function redirectReason(location: string | null, from: string): string {
  let target = 'no Location'
  try {
    if (location) target = new URL(location, from).origin
  } catch {
    target = 'an unreadable Location'
  }
  return `a redirect to ${target}, not followed so that the API key goes nowhere else`
}

/** ETD's own words from an error body: JSON `message`/`error`/`detail`, else the text, kept short. */
function errorMessage(text: string, statusText: string): string {
  let message = text
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>
    const field = [parsed.message, parsed.error_description, parsed.error, parsed.detail].find(
      (value) => typeof value === 'string' && value !== ''
    )
    if (typeof field === 'string') message = field
  } catch {
    // Not JSON: the text itself is the message.
  }
  return redactReply(message) || redactReply(statusText) || 'no message'
}

/**
 * Credentials are per region: the right ones sent to another region's host are refused just the same, so
 * the hint names where they went as well as which secrets.
 */
function refusedCredentials(
  secrets: string,
  { baseUrl, region }: Pick<EtdClientOptions, 'baseUrl' | 'region'>
): string {
  const host = new URL(baseUrl).host
  return region === undefined
    ? `. ETD refused the credentials at ${host} (etd-region): check etd-region as well as ${secrets}.`
    : `. ETD refused the credentials at ${host} (region ${region}): check etd-region (your tenant's region) as well as ${secrets}.`
}

function describeFailure(
  path: string,
  { status, reason }: Failure,
  attempts: number,
  now: number,
  endpoint: Pick<EtdClientOptions, 'baseUrl' | 'region'>
): string {
  const tries = attempts > 1 ? ` after ${attempts} attempts` : ''
  if (status === undefined) return `ETD ${path} could not be reached${tries}: ${reason}`
  if (status === 429) {
    // ETD's day is a UTC day: the reset is named in UTC, whatever zone the run's other times are in.
    return (
      `ETD ${path} still answered 429 "${reason}"${tries}: the tenant's daily quota of ` +
      `${count(TENANT_DAILY_QUOTA)} requests, shared by every integration of the tenant, ` +
      `is probably spent. It resets with ETD's next day (about ${formatTime(nextUtcMidnight(now), 'UTC')}); until then ETD ` +
      `refuses every integration of the tenant.`
    )
  }
  const hint =
    status >= 300 && status < 400
      ? ' (check etd-region)'
      : status === 403
        ? refusedCredentials('etd-api-key', endpoint)
        : status === 401 && path === TOKEN_PATH
          ? refusedCredentials('etd-client-id and etd-client-secret', endpoint)
          : ''
  return `ETD ${path} answered ${status}${tries}: ${reason}${hint}`
}
