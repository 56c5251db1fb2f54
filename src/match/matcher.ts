import type { EtdMessage } from '../etd/types.js'

export interface MatchRule {
  /** Lower-cased addresses or `*@domain` patterns; empty means every mailbox. */
  mailboxes: readonly string[]
  verdicts: readonly string[]
  /** Lower-cased technique types; empty means any technique, or none. */
  techniques: readonly string[]
}

export function mailboxMatches(mailbox: string, pattern: string): boolean {
  return pattern.startsWith('*@') ? mailbox.endsWith(pattern.slice(1)) : mailbox === pattern
}

/**
 * A message matches when a mailbox matches AND its effective verdict is wanted AND (no technique is
 * asked for OR one of its techniques is). All three must hold: a technique filter narrows, never widens.
 */
export function matches(message: EtdMessage, rule: MatchRule): boolean {
  const mailboxOk =
    rule.mailboxes.length === 0 ||
    message.mailboxes.some((mailbox) => rule.mailboxes.some((pattern) => mailboxMatches(mailbox, pattern)))
  const verdictOk = rule.verdicts.includes(message.verdict)
  const techniqueOk =
    rule.techniques.length === 0 || message.techniques.some((t) => rule.techniques.includes(t.type.toLowerCase()))
  return mailboxOk && verdictOk && techniqueOk
}
