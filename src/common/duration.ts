import ms from 'ms'
import { DAY, HOUR, MINUTE } from './time.js'

// A unit is required: a bare "90" could mean seconds, minutes or ms, and guessing wrong skips mail.
const DURATION = /^\d+(\.\d+)? *(ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hrs?|hours?|d|days?|w|weeks?)$/i

/** Parses a duration such as `90s`, `65m`, `2h` or `7d` into milliseconds; `undefined` when it is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim()
  if (trimmed === '0') return 0
  if (!DURATION.test(trimmed)) return undefined
  const value = ms(trimmed as ms.StringValue)
  return Number.isFinite(value) && value >= 0 ? value : undefined
}

const UNITS: Array<[string, number]> = [
  ['d', DAY],
  ['h', HOUR],
  ['m', MINUTE],
  ['s', 1000]
]

/** A duration the way the inputs take it, in the largest unit that says it exactly: `14d`, `36h`, `90s`. */
export function formatDuration(millis: number): string {
  const [unit, size] = UNITS.find(([, size]) => millis % size === 0) ?? ['ms', 1]
  return `${millis / size}${unit}`
}
