import { InputError } from './errors.js'
import type { InputReader } from './inputs.js'
import { didYouMean, nearest } from './suggest.js'

/**
 * Abbreviations people write for a zone. Each is ambiguous or wrong half the year (ICU reads EST as
 * Panama, with no daylight saving time, and BST as Dhaka), so they are refused with the IANA zone meant.
 */
const ABBREVIATIONS: Record<string, string> = {
  CET: 'Europe/Berlin',
  CEST: 'Europe/Berlin',
  MET: 'Europe/Berlin',
  MEZ: 'Europe/Berlin',
  EET: 'Europe/Helsinki',
  EEST: 'Europe/Helsinki',
  WET: 'Europe/Lisbon',
  WEST: 'Europe/Lisbon',
  BST: 'Europe/London',
  IST: 'Asia/Kolkata',
  MSK: 'Europe/Moscow',
  EST: 'America/New_York',
  EDT: 'America/New_York',
  CST: 'America/Chicago',
  CDT: 'America/Chicago',
  MST: 'America/Denver',
  MDT: 'America/Denver',
  PST: 'America/Los_Angeles',
  PDT: 'America/Los_Angeles',
  AKST: 'America/Anchorage',
  HST: 'Pacific/Honolulu',
  JST: 'Asia/Tokyo',
  KST: 'Asia/Seoul',
  SGT: 'Asia/Singapore',
  HKT: 'Asia/Hong_Kong',
  AEST: 'Australia/Sydney',
  AEDT: 'Australia/Sydney',
  AWST: 'Australia/Perth',
  NZST: 'Pacific/Auckland',
  NZDT: 'Pacific/Auckland'
}

const EXPECTED = 'expected an IANA time zone such as UTC, Europe/Zurich or America/New_York'

/** `time-zone`: an IANA name that this Node knows, in its canonical spelling (`europe/zurich` → `Europe/Zurich`). */
export function timeZone(input: InputReader): string {
  const given = input('time-zone').trim() || 'UTC'
  const meant = ABBREVIATIONS[given.toUpperCase()]
  if (meant !== undefined) {
    throw new InputError(
      `Input 'time-zone' is '${given}', an abbreviation that names no place and misses daylight saving time; ${EXPECTED}.${didYouMean(meant)}`
    )
  }
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: given }).resolvedOptions().timeZone
  } catch {
    const guess = nearest(given, [...Intl.supportedValuesOf('timeZone'), 'UTC'])
    throw new InputError(`Input 'time-zone' is '${given}'; ${EXPECTED}.${didYouMean(guess)}`)
  }
}
