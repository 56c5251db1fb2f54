import { realClock, type Clock } from './rate-limiter.js'

export interface RetryPolicy {
  /** Attempts per request, the first one included. */
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 30000 }

export const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504])

/** Exponential backoff with full jitter, so that parallel watches do not retry in step. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from `now`; `undefined` when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined
  const value = header.trim()
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * What a caller does with a server-asked wait (`Retry-After`) longer than its `maxMs`: `give-up` ends the
 * retries at once (the next scheduled run tries again), `wait-max` waits `maxMs` and tries again.
 */
export interface AskedDelayCap {
  maxMs: number
  longer: 'give-up' | 'wait-max'
}

/** Runs `attempt` until it succeeds, fails for good, or runs out of attempts; backs off in between. */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  options: {
    policy: RetryPolicy
    isTransient: (error: unknown) => boolean
    onRetry?: (error: unknown, attempt: number, delayMs: number) => void
    /** The wait the server asked for (`Retry-After`), taken instead of the backoff when given. */
    askedDelayMs?: (error: unknown) => number | undefined
    /** The longest asked wait this caller takes, as the services differ; uncapped when not given. */
    askedDelayCap?: AskedDelayCap
    clock?: Clock
  }
): Promise<T> {
  const clock = options.clock ?? realClock
  const cap = options.askedDelayCap
  for (let n = 1; ; n++) {
    try {
      return await attempt()
    } catch (error) {
      if (n >= options.policy.maxAttempts || !options.isTransient(error)) throw error
      let asked = options.askedDelayMs?.(error)
      if (asked !== undefined && cap !== undefined && asked > cap.maxMs) {
        if (cap.longer === 'give-up') throw error
        asked = cap.maxMs
      }
      const delayMs = asked ?? backoffDelay(n, options.policy)
      options.onRetry?.(error, n, delayMs)
      await clock.sleep(delayMs)
    }
  }
}
