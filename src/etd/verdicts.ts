/** Every verdict ETD gives, threats first. */
export const KNOWN_VERDICTS = ['bec', 'scam', 'phishing', 'malicious', 'spam', 'graymail', 'neutral'] as const
export type Verdict = (typeof KNOWN_VERDICTS)[number]

export const DEFAULT_VERDICTS: readonly Verdict[] = ['bec', 'scam', 'phishing', 'malicious']

export function isKnownVerdict(value: string): value is Verdict {
  return (KNOWN_VERDICTS as readonly string[]).includes(value)
}

/** How a verdict reads to a person: `BEC` is an acronym, the others are words. */
export function verdictLabel(verdict: string): string {
  return verdict === 'bec' ? 'BEC' : verdict
}
