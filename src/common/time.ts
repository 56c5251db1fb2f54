/** Lengths of time in milliseconds, defined once for every module that plans or words time. */
export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/** A span of time, start included and end excluded, in epoch milliseconds. */
export interface TimeSpan {
  start: number
  end: number
}

/** ETD's day, and so its daily quota, turns over at midnight UTC. */
export const nextUtcMidnight = (now: number) => Math.floor(now / DAY) * DAY + DAY
