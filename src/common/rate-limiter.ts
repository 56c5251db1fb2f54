export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * A token bucket shared by every ETD call of a run: ETD allows 2 requests a second per tenant with
 * bursts of 4, counted over all endpoints together.
 */
export class RateLimiter {
  private tokens: number
  private updatedAt: number
  private queue: Promise<void> = Promise.resolve()

  constructor(
    private readonly perSecond = 2,
    private readonly burst = 4,
    private readonly clock: Clock = realClock
  ) {
    this.tokens = burst
    this.updatedAt = clock.now()
  }

  /** Resolves when a request may be sent; callers are served in the order they asked. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken())
    this.queue = turn
    return turn
  }

  /** After a 429 the server's bucket is empty whatever ours says: start again from empty. */
  drain(): void {
    this.refill()
    this.tokens = 0
  }

  private refill(): void {
    const now = this.clock.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond)
    this.updatedAt = now
  }

  private async waitForToken(): Promise<void> {
    this.refill()
    while (this.tokens < 1) {
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.perSecond) * 1000))
      this.refill()
    }
    this.tokens -= 1
  }
}

/** A limiter that never waits, for the benchmark against the simulator on loopback only. */
export const unpacedLimiter = (): RateLimiter => new RateLimiter(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
