import { verdictLabel } from '../../etd/verdicts.js'

// Keyed by ETD text: a Map, so that a verdict named `constructor` finds no colour instead of Object's.
/** Each verdict's colour, by its label (`BEC`), in the email and the charts alike. */
export const VERDICT_COLORS = new Map<string, string>([
  ['BEC', '#8b0000'],
  ['scam', '#a16207'],
  ['phishing', '#c2410c'],
  ['malicious', '#6d28d9'],
  ['spam', '#4b5563'],
  ['graymail', '#6b7280'],
  ['neutral', '#15803d']
])

/** The colour of a verdict not listed, and of other verdicts summed. */
export const OTHER_COLOR = '#374151'

/** A verdict's colour, by ETD's key (`bec`). */
export const verdictColor = (key: string) => VERDICT_COLORS.get(verdictLabel(key)) ?? OTHER_COLOR
