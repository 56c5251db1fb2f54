import { DEFAULT_VERDICTS, KNOWN_VERDICTS } from '../etd/verdicts.js'
import { InputError } from './errors.js'
import type { InputReader } from './inputs.js'
import { parseList } from './lists.js'
import { didYouMean, nearest } from './suggest.js'

/** Only threats are worth moving out of someone's inbox unasked. */
const MOVABLE: readonly string[] = DEFAULT_VERDICTS

/**
 * `auto-remediate`: `false` (the default), or the verdicts whose convictions the watch moves to quarantine
 * itself. Each must be a threat that `verdicts` watches, since the watch moves only what its search found.
 */
export function autoRemediate(input: InputReader, watched: readonly string[] | undefined): string[] {
  const given = input('auto-remediate').trim().toLowerCase()
  if (given === '' || given === 'false') return []
  if (given === 'true') {
    throw new InputError(
      "Input 'auto-remediate' is 'true'; name the verdicts to move to quarantine, such as bec,phishing, or false."
    )
  }
  const list = [...new Set(parseList(given))]
  const problems = list.flatMap((verdict) => {
    if (!MOVABLE.includes(verdict)) {
      const known = (KNOWN_VERDICTS as readonly string[]).includes(verdict)
      return [
        known
          ? `Input 'auto-remediate' has '${verdict}', which is no threat: only ${MOVABLE.join(', ')} are moved.`
          : `Input 'auto-remediate' has '${verdict}'; expected false or any of ${MOVABLE.join(', ')}.${didYouMean(nearest(verdict, MOVABLE))}`
      ]
    }
    // An unreadable `verdicts` has its own line.
    if (watched && !watched.includes(verdict)) {
      return [
        `Input 'auto-remediate' has '${verdict}', which input 'verdicts' does not watch: add it there, since the watch moves only what it finds.`
      ]
    }
    return []
  })
  if (problems.length > 0) throw new InputError(problems)
  return list
}
