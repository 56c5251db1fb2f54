import { DAY } from '../common/time.js'

// ETD's documented limits, in one place; the modules that plan around them add their own margins.

/** Messages per search page at most. */
export const MAX_PAGE_SIZE = 100
/** The longest span one search may cover (400 "Invalid daterange" beyond). */
export const MAX_SPAN_MS = 32 * DAY
/** How far back a search may start. */
export const MAX_AGE_MS = 90 * DAY
/** Requests per tenant per day, all endpoints and every integration of the tenant together. */
export const TENANT_DAILY_QUOTA = 10_000
/** Requests per second per tenant, with bursts up to `RATE_BURST`. */
export const RATE_PER_SECOND = 2
export const RATE_BURST = 4
