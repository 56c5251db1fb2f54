import { describe, expect, it } from '@jest/globals'
import { effectiveVerdict, formatEtdTime, normalizeMessage, parseEtdTime } from '../src/etd/message.js'

const FIXTURE = {
  id: '710ccc7c-fd18-473d-83a2-4eb57c37249f',
  internetMessageId: '<PN0PR01MB98@PN0PR01MB9897.INDPRD01.EXAMPLE.COM>',
  timestamp: '2024-07-18T13:56:59Z',
  subject: 'Your Order Has Been Cancelled: Contact Customer Support',
  direction: 'outgoing',
  fromAddress: 'test.user@abc.com',
  senderName: 'Test User',
  toAddresses: ['may@abc.in'],
  ccAddresses: [],
  mailboxes: ['Test.User@abc.com'],
  urls: ['http://www.sfsf.cer/'],
  somethingNew: { nested: true },
  verdict: {
    category: 'malicious',
    originalVerdict: 'malicious',
    latestVerdict: 'malicious',
    isRetroVerdict: false,
    isManualVerdict: false,
    timestamp: '2024-07-18T13:57:02Z',
    businessRisk: '',
    techniques: [{ type: 'Malicious URL', severity: 'high', description: 'http://www.sfsf.cer/' }, { severity: 'low' }]
  },
  action: { type: 'move', folder: 'Quarantine', isAutoRemediated: true, timestamp: '2024-07-18T13:57:06Z' }
}

describe('parseEtdTime', () => {
  it('reads up to nine fractional digits', () => {
    expect(parseEtdTime('2024-09-09T11:00:02.123456789Z')).toBe(Date.UTC(2024, 8, 9, 11, 0, 2, 123))
    expect(parseEtdTime('2024-09-09T11:00:02.5Z')).toBe(Date.UTC(2024, 8, 9, 11, 0, 2, 500))
    expect(parseEtdTime('2024-09-09T13:00:02+02:00')).toBe(Date.UTC(2024, 8, 9, 11, 0, 2))
    expect(parseEtdTime('2024-09-09T11:00:02.123Z')).toBe(Date.UTC(2024, 8, 9, 11, 0, 2, 123))
  })

  it.each([undefined, 42, '', 'yesterday', '2024-09-09 11:00:02', '2024-13-45T99:00:00Z', '2024-13-45T99:00:00.000Z'])(
    'refuses %p',
    (value) => {
      expect(parseEtdTime(value)).toBeUndefined()
    }
  )

  it('formats request times in whole seconds', () => {
    expect(formatEtdTime(Date.UTC(2026, 10, 27, 10, 0, 0, 999))).toBe('2026-11-27T10:00:00Z')
  })
})

describe('effectiveVerdict', () => {
  it('prefers latestVerdict, then category, then originalVerdict', () => {
    expect(effectiveVerdict({ category: '', latestVerdict: 'Neutral', originalVerdict: 'phishing' })).toBe('neutral')
    expect(effectiveVerdict({ category: 'BEC', originalVerdict: 'spam' })).toBe('bec')
    expect(effectiveVerdict({ category: '', latestVerdict: '', originalVerdict: 'scam' })).toBe('scam')
    expect(effectiveVerdict({})).toBeUndefined()
  })

  it('reads a category emptied by an administrator, with no latestVerdict, as a release', () => {
    expect(effectiveVerdict({ category: '', isManualVerdict: true, originalVerdict: 'phishing' })).toBe('neutral')
    expect(effectiveVerdict({ category: ' ', isManualVerdict: true, originalVerdict: 'bec' })).toBe('neutral')
    // Without an administrator's verdict, an empty category says nothing: the first verdict stands.
    expect(effectiveVerdict({ category: '', isManualVerdict: false, originalVerdict: 'phishing' })).toBe('phishing')
    expect(effectiveVerdict({ isManualVerdict: true, originalVerdict: 'scam' })).toBe('scam')
  })
})

describe('normalizeMessage', () => {
  it('reads the public fixture and ignores unknown fields', () => {
    const result = normalizeMessage(FIXTURE)
    expect(result).toEqual({
      ok: true,
      message: {
        id: FIXTURE.id,
        internetMessageId: FIXTURE.internetMessageId,
        receivedAt: '2024-07-18T13:56:59.000Z',
        subject: FIXTURE.subject,
        direction: 'outgoing',
        fromAddress: 'test.user@abc.com',
        senderName: 'Test User',
        toAddresses: ['may@abc.in'],
        mailboxes: ['test.user@abc.com'],
        verdict: 'malicious',
        originalVerdict: 'malicious',
        verdictAt: '2024-07-18T13:57:02.000Z',
        retro: false,
        manual: false,
        techniques: [{ type: 'Malicious URL', severity: 'high', description: 'http://www.sfsf.cer/' }],
        remediation: { type: 'move', folder: 'quarantine', automatic: true, at: '2024-07-18T13:57:06.000Z' }
      }
    })
  })

  it('names what is wrong with a broken message instead of throwing', () => {
    expect(normalizeMessage({ ...FIXTURE, id: undefined })).toEqual({ ok: false, reason: 'message without an id' })
    expect(normalizeMessage({ ...FIXTURE, verdict: undefined })).toEqual({
      ok: false,
      reason: `message ${FIXTURE.id} has no verdict`
    })
    expect(normalizeMessage({ ...FIXTURE, verdict: 'phishing' })).toEqual({
      ok: false,
      reason: `message ${FIXTURE.id} has no verdict`
    })
    expect(normalizeMessage({ ...FIXTURE, timestamp: 'then' })).toEqual({
      ok: false,
      reason: `message ${FIXTURE.id} has no valid timestamp`
    })
    expect(normalizeMessage({ ...FIXTURE, verdict: { category: '' } })).toEqual({
      ok: false,
      reason: `message ${FIXTURE.id} has an empty verdict`
    })
    // The reason is logged, so the id in it is shown cleaned.
    expect(normalizeMessage({ ...FIXTURE, id: 'x\n::error::forged https://evil.example', timestamp: '' })).toEqual({
      ok: false,
      reason: 'message x ::error::forged hxxps://evil[.]example has no valid timestamp'
    })
  })

  it('tolerates missing optional parts', () => {
    const result = normalizeMessage({
      id: 'x',
      timestamp: '2024-07-18T13:56:59Z',
      verdict: { category: 'bec', techniques: 'n/a' }
    })
    expect(result.ok && result.message).toMatchObject({
      subject: '',
      mailboxes: [],
      techniques: [],
      remediation: undefined
    })
  })
})
