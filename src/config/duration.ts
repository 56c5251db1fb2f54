import ms from 'ms'

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
