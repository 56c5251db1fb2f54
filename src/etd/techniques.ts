import { closest, distance } from 'fastest-levenshtein'

/**
 * The technique types ETD is known to report, as /work/shared/etd-api.md lists them from Cisco's
 * documentation and public fixtures. ETD's list is open-ended: a name missing here is warned about, never
 * refused.
 */
export const KNOWN_TECHNIQUES = [
  'Brand impersonation',
  'Call to action',
  'Data input request',
  'Disposable sender address',
  'External admin',
  'Fake reply',
  'Hidden text',
  'Link masquerade',
  'Link visit request',
  'Low content reputation',
  'Malicious HTML attachment',
  'Malicious URL',
  'QR code',
  'Rare sender address',
  'Rare sender domain for recipient',
  'References to cryptocurrency',
  'Request for contact details',
  'Request for credentials',
  'Request to open attachment',
  'Sender name impersonation',
  'Sender name mismatch',
  'Shortened URL',
  'Suspicious sender domain'
] as const

/** Case, spaces, hyphens and underscores aside: `QR-code` and `qr_code` are `QR code` misspelt. */
const letters = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '')
const KNOWN_LETTERS = KNOWN_TECHNIQUES.map(letters)

export interface UnknownTechnique {
  given: string
  /** The known name it is probably a misspelling of. */
  suggestion?: string
}

/**
 * The names among `techniques` (as given, any case) that ETD does not use, each with the closest known
 * name when it is near enough to be a typo: up to one edit in four letters, at least one.
 */
export function unknownTechniques(techniques: readonly string[]): UnknownTechnique[] {
  const known = new Set(KNOWN_TECHNIQUES.map((t) => t.toLowerCase()))
  return techniques
    .filter((given) => !known.has(given.toLowerCase()))
    .map((given) => {
      const typed = letters(given)
      const nearest = closest(typed, KNOWN_LETTERS)
      const near = typed !== '' && distance(typed, nearest) <= Math.max(1, Math.floor(typed.length / 4))
      return near ? { given, suggestion: KNOWN_TECHNIQUES[KNOWN_LETTERS.indexOf(nearest)] } : { given }
    })
}

/** One warning line per unknown name, for the log. */
export function techniqueWarnings(techniques: readonly string[]): string[] {
  return unknownTechniques(techniques).map(
    ({ given, suggestion }) =>
      `Input 'techniques' has '${given}', which is not a technique ETD is known to report, so it may match nothing` +
      (suggestion ? `: did you mean '${suggestion}'?` : '; it is kept, as ETD adds techniques over time.')
  )
}
