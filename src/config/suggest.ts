import { closest, distance } from 'fastest-levenshtein'

/**
 * The known value `given` is probably a misspelling of: an alias (`eu` means `de`), or the closest name
 * within one edit in three letters. `undefined` when nothing is near enough to guess.
 */
export function nearest(
  given: string,
  known: readonly string[],
  aliases: Readonly<Record<string, string>> = {}
): string | undefined {
  const typed = given.trim().toLowerCase()
  if (typed === '') return undefined
  if (Object.hasOwn(aliases, typed)) return aliases[typed]
  const lower = known.map((k) => k.toLowerCase())
  const best = closest(typed, lower)
  return distance(typed, best) <= Math.max(1, Math.floor(typed.length / 3)) ? known[lower.indexOf(best)] : undefined
}

/** `: did you mean 'de'?`, or nothing when there is no good guess; for the end of an error line. */
export function didYouMean(suggestion: string | undefined): string {
  return suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`
}
