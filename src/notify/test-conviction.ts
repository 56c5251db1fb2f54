import type { MatchRule } from '../match/matcher.js'
import type { Conviction } from '../etd/types.js'

/**
 * send-test's synthetic conviction: marked [TEST] wherever a channel shows its text, for a watched mailbox
 * (a domain pattern gets `test@` the domain), with the first wanted verdict, and already quarantined so
 * that no channel calls for action. Its id is new on every call, so no earlier issue records it.
 */
export function testConviction(now: number, rule: MatchRule): Conviction {
  const watched = rule.mailboxes.find((m) => !m.startsWith('*@')) ?? rule.mailboxes[0]?.replace(/^\*/, 'test')
  const mailbox = watched ?? 'test@example.com'
  const at = new Date(now).toISOString()
  return {
    id: `etd-verdict-watch-test-${now}`,
    receivedAt: at,
    subject: '[TEST] A synthetic conviction from etd-verdict-watch send-test: no action needed',
    fromAddress: 'send-test@example.invalid',
    senderName: '[TEST] ETD verdict watch',
    toAddresses: [mailbox],
    mailboxes: [mailbox],
    verdict: rule.verdicts[0],
    retro: false,
    manual: false,
    techniques: [{ type: 'Call to action', severity: 'low', description: '[TEST]' }],
    remediation: { type: 'move', folder: 'quarantine', automatic: true, at }
  }
}
