import { describe, expect, it } from '@jest/globals'
import { RateLimiter, type Clock } from '../src/common/rate-limiter.js'
import { backoffDelay, parseRetryAfter } from '../src/common/retry.js'

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
