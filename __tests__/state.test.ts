import { describe, expect, it } from '@jest/globals'
import type { EtdMessage } from '../src/etd/types.js'
import { advanceState, carriedOver, changeOf, classify } from '../src/state/dedupe.js'
import { dropFutureEntries, parseState, serializeState, untrustedTimes, type WatchState } from '../src/state/state.js'

const stateText = (state: WatchState) => [...serializeState(state)].join('')

const T = Date.UTC(2026, 10, 27, 10, 0, 0)
const HOUR = 3_600_000

function message(id: string, verdict: string, receivedAt: number, verdictAt = receivedAt + 5000): EtdMessage {
  return {
    id,
    receivedAt: new Date(receivedAt).toISOString(),
    verdictAt: new Date(verdictAt).toISOString(),
    subject: '',
    fromAddress: 'x@evil.example',
    senderName: '',
    toAddresses: [],
    mailboxes: ['ceo@example.com'],
    verdict,
    retro: false,
    manual: false,
    techniques: []
  }
}

const STATE: WatchState = {
  version: 3,
  horizon: T - 2 * HOUR,
  watermark: T,
  deepScanAt: T - 3 * HOUR,
  savedAt: T + 5 * 60_000,
  requests: { day: '2026-11-27', count: 75 },
  ratePerHour: 541.25,
  notified: new Map([['a', { verdict: 'bec', receivedAt: T - HOUR, notifiedAt: T - HOUR + 60_000 }]])
}

describe('state document', () => {
  it('round-trips through its text form', () => {
    const text = stateText(STATE)
    expect(parseState(text)).toEqual({ ok: true, state: STATE })
    expect(text).toContain('"a": {"v":"bec","r":"2026-11-27T09:00:00.000Z","n":"2026-11-27T09:01:00.000Z"}')
    expect(text).toContain('"requests": {"day":"2026-11-27","count":75}')
  })

  it('migrates a state written by version 0.1 (format 1): the same convictions, a deep rescan due', () => {
    const v1 = [
      '{',
      '  "version": 1,',
      '  "horizon": "2026-11-27T08:00:00.000Z",',
      '  "watermark": "2026-11-27T10:00:00.000Z",',
      '  "notified": {',
      '    "a": {"v":"bec","r":"2026-11-27T09:00:00.000Z","n":"2026-11-27T09:01:00.000Z"}',
      '  }',
      '}'
    ].join('\n')
    expect(parseState(v1)).toEqual({
      ok: true,
      migratedFrom: 1,
      state: {
        version: 3,
        horizon: T - 2 * HOUR,
        watermark: T,
        notified: new Map([['a', { verdict: 'bec', receivedAt: T - HOUR, notifiedAt: T - HOUR + 60_000 }]])
      }
    })
  })

  it('migrates a state written in format 2: every field kept, saved as format 3', () => {
    const v2 = JSON.stringify({
      version: 2,
      horizon: '2026-11-27T08:00:00.000Z',
      watermark: '2026-11-27T10:00:00.000Z',
      deepScanAt: '2026-11-27T07:00:00.000Z',
      savedAt: '2026-11-27T10:05:00.000Z',
      requests: { day: '2026-11-27', count: 75 },
      ratePerHour: 541.25,
      heartbeat: { since: '2026-11-27T00:00:00.000Z', runs: 4, convictions: 0 },
      notified: { a: { v: 'bec', r: '2026-11-27T09:00:00.000Z', n: '2026-11-27T09:01:00.000Z' } }
    })
    const parsed = parseState(v2)
    expect(parsed).toEqual({
      ok: true,
      migratedFrom: 2,
      state: { ...STATE, heartbeat: { since: Date.UTC(2026, 10, 27), runs: 4, convictions: 0 } }
    })
    expect(parsed.ok && stateText(parsed.state)).toMatch(/^\{\n {2}"version": 3,\n/)
  })

  it.each([
    ['not json', 'it is not JSON'],
    ['[1]', 'it is not a JSON object'],
    ['null', 'it is not a JSON object'],
    ['42', 'it is not a JSON object'],
    ['{"version": 4}', 'its version 4 is not one of 1 to 3'],
    ['{"version": 0}', 'its version 0 is not one of 1 to 3'],
    ['{"version": 2.5}', 'its version 2.5 is not one of 1 to 3'],
    ['{"version": "3"}', 'its version "3" is not one of 1 to 3'],
    ['{"horizon": "2026-11-27T10:00:00Z"}', 'its version undefined is not one of 1 to 3'],
    [
      '{"version": 1, "horizon": "2026-11-27T10:00:00Z", "watermark": "2026-11-26T10:00:00Z", "notified": {}}',
      'its horizon or watermark is missing or out of order'
    ],
    [
      '{"version": 1, "horizon": "2026-11-27T10:00:00Z", "watermark": "2026-11-27T10:00:00Z"}',
      'its notified list is missing'
    ]
  ])('refuses %s', (text, reason) => {
    expect(parseState(text)).toEqual({ ok: false, reason })
  })

  it.each([
    ['a request day that is no day', { requests: { day: 'tomorrow', count: 1 } }, 'its request count (malformed)'],
    ['a negative rate', { ratePerHour: -1 }, 'its message rate (malformed)'],
    [
      'an unknown verdict',
      { notified: { x: { v: 'evil', r: '2026-11-27T10:00:00Z', n: '2026-11-27T10:00:00Z' } } },
      'notified entry 1 "x" (malformed)'
    ],
    [
      'a received time that is no time',
      { notified: { x: { v: 'bec', r: 'soon', n: '2026-11-27T10:00:00Z' } } },
      'notified entry 1 "x" (malformed)'
    ]
  ])('drops %s alone, naming it, and keeps the rest', (_, fields, named) => {
    const text = JSON.stringify({
      version: 3,
      horizon: '2026-11-27T08:00:00.000Z',
      watermark: '2026-11-27T10:00:00.000Z',
      savedAt: '2026-11-27T10:05:00.000Z',
      notified: {},
      ...fields
    })
    expect(parseState(text)).toEqual({
      ok: true,
      state: { version: 3, horizon: T - 2 * HOUR, watermark: T, savedAt: T + 5 * 60_000, notified: new Map() },
      dropped: [named]
    })
  })
})

describe('untrustedTimes', () => {
  const now = T + 10 * 60_000

  it('trusts a state from the past, however old its horizon', () => {
    expect(untrustedTimes(STATE, now)).toBeUndefined()
    expect(untrustedTimes({ ...STATE, horizon: T - 400 * 24 * HOUR }, now)).toBeUndefined()
    // A few minutes of clock skew between runners is normal.
    expect(untrustedTimes({ ...STATE, watermark: now + 4 * 60_000 }, now)).toBeUndefined()
  })

  it.each([
    [
      'a horizon',
      { horizon: T + HOUR, watermark: T + HOUR },
      'its horizon 2026-11-27T11:00:00.000Z lies in the future'
    ],
    ['a watermark', { watermark: T + 24 * HOUR }, 'its watermark 2026-11-28T10:00:00.000Z lies in the future'],
    ['a deep rescan', { deepScanAt: T + HOUR }, 'its last deep rescan 2026-11-27T11:00:00.000Z lies in the future'],
    [
      'request day',
      { requests: { day: '2026-11-29', count: 0 } },
      'its request count is for 2026-11-29, a day in the future'
    ]
  ])('distrusts %s in the future', (_, change, reason) => {
    expect(untrustedTimes({ ...STATE, ...change }, now)).toBe(reason)
  })

  it('drops only the entries with a time in the future, naming them, and keeps the rest', () => {
    const notified = new Map([
      ['z', { verdict: 'bec', receivedAt: T, notifiedAt: T + 2 * HOUR }],
      ...STATE.notified,
      ['y\n::error::x', { verdict: 'bec', receivedAt: T + 2 * HOUR, notifiedAt: T }]
    ])
    const state = { ...STATE, notified }
    expect(untrustedTimes(state, now)).toBeUndefined()
    expect(dropFutureEntries(state, now)).toEqual([
      'notified entry 1 "z" (a time in the future)',
      'notified entry 3 (a time in the future)'
    ])
    expect(state.notified).toEqual(STATE.notified)
  })
})

describe('classify', () => {
  it('tells new convictions, skips those already told', () => {
    expect(classify(message('a', 'bec', T - HOUR), STATE.notified, STATE.horizon)).toEqual({
      disposition: 'already-notified'
    })
    expect(classify(message('b', 'phishing', T - 30 * 60_000), STATE.notified, STATE.horizon)).toEqual({
      disposition: 'new'
    })
  })

  it('tells a change to an equal or worse verdict, flagged with the one told before', () => {
    const spam = new Map([['s', { verdict: 'spam', receivedAt: T - HOUR, notifiedAt: T - HOUR }]])
    expect(classify(message('s', 'phishing', T - HOUR), spam, 0)).toEqual({
      disposition: 'verdict-change',
      previousVerdict: 'spam'
    })
    expect(classify(message('a', 'malicious', T - HOUR), STATE.notified, 0).disposition).toBe('verdict-change')
    expect(classify(message('a', 'spam', T - HOUR), STATE.notified, 0).disposition).toBe('already-notified')
  })

  it('ranks a verdict named like an Object property as any other unknown verdict, never as code', () => {
    const told = (verdict: string) => new Map([['k', { verdict, receivedAt: T - HOUR, notifiedAt: T - HOUR }]])
    for (const odd of ['constructor', '__proto__', 'toString', 'nonsense']) {
      expect([
        classify(message('k', odd, T - HOUR), told('neutral'), 0).disposition,
        classify(message('k', odd, T - HOUR), told('bec'), 0).disposition
      ]).toEqual(['verdict-change', 'already-notified'])
    }
  })

  it('leaves messages from before the horizon alone unless their verdict came after it', () => {
    const horizon = T
    const old = message('old', 'bec', T - 3 * HOUR)
    const retro = { ...message('retro', 'bec', T - 3 * HOUR, T + HOUR), retro: true }
    expect(classify(old, new Map(), horizon).disposition).toBe('before-horizon')
    expect(classify(retro, new Map(), horizon).disposition).toBe('new')
  })
})

describe('advanceState', () => {
  it('moves the watermark, records what was told, and prunes what no window can reach', () => {
    const previous: WatchState = {
      ...STATE,
      notified: new Map([
        ...STATE.notified,
        ['gone', { verdict: 'bec', receivedAt: T - 48 * HOUR, notifiedAt: T - 48 * HOUR }]
      ])
    }
    const now = T + 2 * HOUR
    const a = message('a', 'spam', T - HOUR)
    const b = message('b', 'phishing', T - 30 * 60_000)
    const remembered = carriedOver(previous.notified, T - 25 * HOUR)
    remembered.set('a', changeOf(a, 'already-notified', previous.notified, now)!)
    remembered.set('b', changeOf(b, 'new', previous.notified, now)!)
    const next = advanceState(remembered, {
      horizon: previous.horizon,
      window: { start: T - 25 * HOUR, end: T + HOUR },
      watermark: previous.watermark,
      ledger: { savedAt: T + 2 * HOUR }
    })
    expect(next.watermark).toBe(T + HOUR)
    expect(next.horizon).toBe(previous.horizon)
    expect(next.savedAt).toBe(T + 2 * HOUR)
    expect(next.version).toBe(3)
    expect([...next.notified.keys()].sort()).toEqual(['a', 'b'])
    // A milder verdict is remembered, so that a later escalation is told again.
    expect(next.notified.get('a')).toEqual({ verdict: 'spam', receivedAt: T - HOUR, notifiedAt: T - HOUR + 60_000 })
    expect(next.notified.get('b')).toEqual({
      verdict: 'phishing',
      receivedAt: T - 30 * 60_000,
      notifiedAt: T + 2 * HOUR
    })
  })
})
