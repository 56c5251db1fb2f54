import { describe, expect, it } from '@jest/globals'
import type { EtdMessage } from '../src/etd/types.js'
import { matches, type MatchRule } from '../src/match/matcher.js'
import { conviction } from './helpers/fixtures.js'

const message = (overrides: Partial<EtdMessage> = {}): EtdMessage =>
  conviction('m1', {
    receivedAt: '2026-11-27T10:00:00.000Z',
    techniques: [{ type: 'Sender name impersonation' }, { type: 'Call to action' }],
    remediation: undefined,
    ...overrides
  })

const RULE: MatchRule = {
  mailboxes: ['cfo@example.com', '*@subsidiary.example.org'],
  verdicts: ['bec', 'phishing'],
  techniques: []
}

describe('matches', () => {
  it('needs a mailbox, a verdict and (when asked) a technique, all three', () => {
    expect(matches(message(), RULE)).toBe(true)
    expect(matches(message({ mailboxes: ['ceo@example.com'] }), RULE)).toBe(false)
    expect(matches(message({ verdict: 'spam' }), RULE)).toBe(false)
    expect(matches(message(), { ...RULE, techniques: ['qr code'] })).toBe(false)
    expect(matches(message(), { ...RULE, techniques: ['qr code', 'call to action'] })).toBe(true)
  })

  it('does not let a technique filter widen the verdict filter, unlike the original script', () => {
    expect(matches(message({ verdict: 'graymail' }), { ...RULE, techniques: ['call to action'] })).toBe(false)
  })

  it('drops a conviction an administrator overrode to neutral', () => {
    expect(matches(message({ verdict: 'neutral', originalVerdict: 'bec', manual: true }), RULE)).toBe(false)
  })

  it('matches whole domains, and only them', () => {
    expect(matches(message({ mailboxes: ['dave@subsidiary.example.org'] }), RULE)).toBe(true)
    expect(matches(message({ mailboxes: ['dave@evil-subsidiary.example.org'] }), RULE)).toBe(false)
    expect(matches(message({ mailboxes: ['dave@sub.subsidiary.example.org'] }), RULE)).toBe(false)
  })

  it('matches a listed address exactly, never as a suffix', () => {
    expect(matches(message({ mailboxes: ['xcfo@example.com'] }), RULE)).toBe(false)
  })

  it('matches any of several mailboxes, and every mailbox when none are listed', () => {
    expect(matches(message({ mailboxes: ['x@example.com', 'cfo@example.com'] }), RULE)).toBe(true)
    expect(matches(message({ mailboxes: [] }), RULE)).toBe(false)
    expect(matches(message({ mailboxes: [] }), { ...RULE, mailboxes: [] })).toBe(true)
  })

  it('matches techniques whatever their case', () => {
    expect(matches(message({ techniques: [{ type: 'QR Code' }] }), { ...RULE, techniques: ['qr code'] })).toBe(true)
  })
})
