import { describe, expect, it } from '@jest/globals'
import { RateLimiter, type Clock } from '../src/common/rate-limiter.js'
import { backoffDelay, parseRetryAfter, RETRYABLE_STATUS, withRetry } from '../src/common/retry.js'

/** A clock that only moves when someone sleeps: the limiter's schedule, without waiting for it. */
function fakeClock(): Clock & { sent: number[] } {
  let now = 0
  return {
    sent: [],
    now: () => now,
    sleep: async (ms) => {
      now += ms
    }
  }
}

describe('RateLimiter', () => {
  it('allows a burst of 4, then 2 a second', async () => {
    const clock = fakeClock()
    const limiter = new RateLimiter(2, 4, clock)
    const times: number[] = []
    for (let i = 0; i < 10; i++) {
      await limiter.take()
      times.push(clock.now())
    }
    expect(times).toEqual([0, 0, 0, 0, 500, 1000, 1500, 2000, 2500, 3000])
  })

  it('serves concurrent callers in order without exceeding the rate', async () => {
    const clock = fakeClock()
    const limiter = new RateLimiter(2, 4, clock)
    const times = await Promise.all(Array.from({ length: 8 }, () => limiter.take().then(() => clock.now())))
    expect(times).toEqual([0, 0, 0, 0, 500, 1000, 1500, 2000])
  })

  it('starts from empty after a 429', async () => {
    const clock = fakeClock()
    const limiter = new RateLimiter(2, 4, clock)
    limiter.drain()
    await limiter.take()
    expect(clock.now()).toBe(500)
  })
})

describe('retry timing', () => {
  const policy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 8000 }

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(500)
    expect(backoffDelay(1, policy, () => 1)).toBe(1000)
    expect(backoffDelay(3, policy, () => 1)).toBe(4000)
    expect(backoffDelay(10, policy, () => 1)).toBe(8000)
  })

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('3')).toBe(3000)
    expect(parseRetryAfter('0.5')).toBe(500)
    expect(parseRetryAfter('Fri, 27 Nov 2026 10:00:10 GMT', Date.UTC(2026, 10, 27, 10, 0, 0))).toBe(10_000)
    expect(parseRetryAfter(null)).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
  })
})

describe('withRetry', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 3000 }
  const transient = (error: unknown) => (error as Error).message.startsWith('503')

  /** An attempt that fails with each of `failures` in turn, then answers 'ok'; the clock counts the waits. */
  function scripted(failures: string[]) {
    const clock = fakeClock()
    const retries: Array<[string, number, number]> = []
    let calls = 0
    const attempt = async () => {
      calls++
      const failure = failures.shift()
      if (failure !== undefined) throw new Error(failure)
      return 'ok'
    }
    const options = {
      policy,
      isTransient: transient,
      clock,
      onRetry: (error: unknown, n: number, delayMs: number) => void retries.push([(error as Error).message, n, delayMs])
    }
    return { clock, retries, attempt, options, calls: () => calls }
  }

  it('retries a transient failure with exponential backoff up to its cap, and returns the answer', async () => {
    const s = scripted(['503 a', '503 b', '503 c'])
    // The backoff's jitter is Math.random: pinned so that the waits are exact.
    const random = Math.random
    Math.random = () => 1
    try {
      await expect(withRetry(s.attempt, s.options)).resolves.toBe('ok')
    } finally {
      Math.random = random
    }
    expect(s.calls()).toBe(4)
    expect(s.retries).toEqual([
      ['503 a', 1, 1000],
      ['503 b', 2, 2000],
      ['503 c', 3, 3000]
    ])
    expect(s.clock.now()).toBe(6000)
  })

  it('gives up after maxAttempts with the last error', async () => {
    const s = scripted(['503 a', '503 b', '503 c', '503 d', '503 e'])
    await expect(withRetry(s.attempt, s.options)).rejects.toThrow('503 d')
    expect(s.calls()).toBe(4)
    expect(s.retries.map(([message]) => message)).toEqual(['503 a', '503 b', '503 c'])
  })

  it('fails at once on a permanent error, waiting for nothing', async () => {
    const s = scripted(['550 no such user'])
    await expect(withRetry(s.attempt, s.options)).rejects.toThrow('550 no such user')
    expect(s.calls()).toBe(1)
    expect(s.retries).toEqual([])
    expect(s.clock.now()).toBe(0)
  })

  it('waits as long as the server asked instead of the backoff, when it asked', async () => {
    const s = scripted(['503 slow down', '503 again'])
    const asked = (error: unknown) => ((error as Error).message === '503 slow down' ? 42_000 : undefined)
    const random = Math.random
    Math.random = () => 0
    try {
      await withRetry(s.attempt, { ...s.options, askedDelayMs: asked })
    } finally {
      Math.random = random
    }
    expect(s.retries).toEqual([
      ['503 slow down', 1, 42_000],
      ['503 again', 2, 1000]
    ])
  })

  it('gives up at once when the server asks for more than a give-up cap, so that the next run retries', async () => {
    const s = scripted(['503 come back in an hour'])
    const cap = { maxMs: 60_000, longer: 'give-up' as const }
    await expect(
      withRetry(s.attempt, { ...s.options, askedDelayMs: () => 60_001, askedDelayCap: cap })
    ).rejects.toThrow('503 come back in an hour')
    expect(s.calls()).toBe(1)
    expect(s.clock.now()).toBe(0)
  })

  it('waits exactly as asked up to the cap, and the cap itself beyond it when the caller says wait-max', async () => {
    const atCap = scripted(['503 a'])
    const giveUp = { maxMs: 60_000, longer: 'give-up' as const }
    await withRetry(atCap.attempt, { ...atCap.options, askedDelayMs: () => 60_000, askedDelayCap: giveUp })
    expect(atCap.retries).toEqual([['503 a', 1, 60_000]])

    const beyond = scripted(['503 a', '503 b'])
    const waitMax = { maxMs: 120_000, longer: 'wait-max' as const }
    await expect(
      withRetry(beyond.attempt, { ...beyond.options, askedDelayMs: () => 3_600_000, askedDelayCap: waitMax })
    ).resolves.toBe('ok')
    expect(beyond.retries).toEqual([
      ['503 a', 1, 120_000],
      ['503 b', 2, 120_000]
    ])
    expect(beyond.clock.now()).toBe(240_000)
  })

  it('counts 429 and the 5xx that mean try again as transient, and no other status', () => {
    expect([...RETRYABLE_STATUS].sort()).toEqual([429, 500, 502, 503, 504])
  })
})
