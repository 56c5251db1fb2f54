import { describe, expect, it } from '@jest/globals'
import type { EtdMessage } from '../src/etd/types.js'
import { Dropped } from '../src/state/rules.js'
import { advanceState, carriedOver, entryToRemember, classify } from '../src/state/dedupe.js'
import {
  dropFutureEntries,
  parseState,
  serializeState,
  untrustedTimes,
  utcDay,
  type NotifiedEntry,
  type WatchState
} from '../src/state/state.js'

// The state document (state.ts) and what is told from it (dedupe.ts), edges that mutation testing showed
// unguarded among them.
const stateText = (state: WatchState) => [...serializeState(state)].join('')

const T = Date.UTC(2026, 10, 27, 10, 0, 0)
const HOUR = 3_600_000
const AT = '2026-11-27T10:00:00Z'

const doc = (fields: Record<string, unknown>) =>
  JSON.stringify({ version: 3, horizon: AT, watermark: AT, notified: {}, ...fields })
const entry = (fields: Record<string, unknown> = {}) => ({ v: 'bec', r: AT, n: AT, ...fields })

/** A message to the CEO received at `receivedAt`, given `verdict` at `verdictAt` (when one is said), quarantined. */
function message(id: string, verdict: string, receivedAt: number, verdictAt?: number): EtdMessage {
  return {
    remediation: { folder: 'quarantine' },
    id,
    receivedAt: new Date(receivedAt).toISOString(),
    ...(verdictAt === undefined ? {} : { verdictAt: new Date(verdictAt).toISOString() }),
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

/** The same, given its verdict five seconds after it arrived unless said otherwise. */
const convicted = (id: string, verdict: string, receivedAt: number, verdictAt = receivedAt + 5000) =>
  message(id, verdict, receivedAt, verdictAt)

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
    expect(classify(convicted('a', 'bec', T - HOUR), STATE.notified, STATE.horizon)).toEqual({
      disposition: 'already-notified'
    })
    expect(classify(convicted('b', 'phishing', T - 30 * 60_000), STATE.notified, STATE.horizon)).toEqual({
      disposition: 'new'
    })
  })

  it('tells a change to an equal or worse verdict, flagged with the one told before', () => {
    const spam = new Map([['s', { verdict: 'spam', receivedAt: T - HOUR, notifiedAt: T - HOUR }]])
    expect(classify(convicted('s', 'phishing', T - HOUR), spam, 0)).toEqual({
      disposition: 'verdict-change',
      previousVerdict: 'spam'
    })
    expect(classify(convicted('a', 'malicious', T - HOUR), STATE.notified, 0).disposition).toBe('verdict-change')
    expect(classify(convicted('a', 'spam', T - HOUR), STATE.notified, 0).disposition).toBe('already-notified')
  })

  it('ranks a verdict named like an Object property as any other unknown verdict, never as code', () => {
    const told = (verdict: string) => new Map([['k', { verdict, receivedAt: T - HOUR, notifiedAt: T - HOUR }]])
    for (const odd of ['constructor', '__proto__', 'toString', 'nonsense']) {
      expect([
        classify(convicted('k', odd, T - HOUR), told('neutral'), 0).disposition,
        classify(convicted('k', odd, T - HOUR), told('bec'), 0).disposition
      ]).toEqual(['verdict-change', 'already-notified'])
    }
  })

  it('leaves messages from before the horizon alone unless their verdict came after it', () => {
    const horizon = T
    const old = convicted('old', 'bec', T - 3 * HOUR)
    const retro = { ...convicted('retro', 'bec', T - 3 * HOUR, T + HOUR), retro: true }
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
    const a = convicted('a', 'spam', T - HOUR)
    const b = convicted('b', 'phishing', T - 30 * 60_000)
    const remembered = carriedOver(previous.notified, T - 25 * HOUR)
    remembered.set('a', entryToRemember(a, 'already-notified', previous.notified, now)!)
    remembered.set('b', entryToRemember(b, 'new', previous.notified, now)!)
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

describe('parseState edges', () => {
  it('accepts times with or without milliseconds, and a watermark equal to the horizon', () => {
    const parsed = parseState(doc({ horizon: '2026-11-27T10:00:00.250Z', watermark: '2026-11-27T10:00:00.250Z' }))
    expect(parsed).toEqual({
      ok: true,
      state: { version: 3, horizon: T + 250, watermark: T + 250, notified: new Map() }
    })
  })

  it.each([
    ['no horizon', { horizon: undefined }],
    ['no watermark', { watermark: undefined }],
    ['a numeric horizon', { horizon: T }],
    ['a time with trailing text', { watermark: `${AT} ` }],
    ['a time with leading text', { horizon: `x${AT}` }],
    ['an expanded year', { horizon: `+00${AT}` }],
    ['a time in another format', { watermark: 'Fri, 27 Nov 2026 10:00:00 GMT' }]
  ])('refuses %s', (_case, fields) => {
    expect(parseState(doc(fields))).toEqual({
      ok: false,
      reason: 'its horizon or watermark is missing or out of order'
    })
  })

  it('refuses a document that is a JSON string', () => {
    expect(parseState('"text"')).toEqual({ ok: false, reason: 'it is not a JSON object' })
  })

  it('refuses a notified list that is an array', () => {
    expect(parseState(doc({ notified: [] }))).toEqual({ ok: false, reason: 'its notified list is missing' })
  })

  it('accepts ids up to 200 characters', () => {
    const parsed = parseState(doc({ notified: { ['i'.repeat(200)]: entry() } }))
    expect(parsed.ok && [...parsed.state.notified.keys()]).toEqual(['i'.repeat(200)])
  })

  it.each([
    ['an empty id', '', entry(), ''],
    ['an id over 200 characters', 'i'.repeat(201), entry(), ` "${'i'.repeat(40)}…"`],
    ['a long id that is not plainly an id', 'x\n::error::y'.repeat(20), entry(), ''],
    ['a verdict that is not a string', 'x', entry({ v: 4 }), ' "x"'],
    ['no time told', 'x', entry({ n: undefined }), ' "x"'],
    ['an entry that is not an object', 'x', 'bec', ' "x"']
  ])('drops an entry with %s, naming it briefly, and keeps the others', (_case, id, value, named) => {
    expect(parseState(doc({ notified: { a: entry(), [id]: value, b: entry() } }))).toEqual({
      ok: true,
      state: {
        version: 3,
        horizon: T,
        watermark: T,
        notified: new Map([
          ['a', { verdict: 'bec', receivedAt: T, notifiedAt: T }],
          ['b', { verdict: 'bec', receivedAt: T, notifiedAt: T }]
        ])
      },
      dropped: [`notified entry 2${named} (malformed)`]
    })
  })

  it('names ten dropped parts one by one and counts the rest', () => {
    const notified = Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`m${i}`, entry({ v: 'evil' })]))
    const parsed = parseState(doc({ notified, ratePerHour: 'fast' }))
    expect(parsed.ok && parsed.dropped).toEqual([
      'its message rate (malformed)',
      ...Array.from({ length: 9 }, (_, i) => `notified entry ${i + 1} "m${i}" (malformed)`),
      '4 more parts'
    ])
  })
})

describe('serializeState', () => {
  it('writes a small stable document, one line per entry', () => {
    const notified = new Map([
      ['a', { verdict: 'bec', receivedAt: T, notifiedAt: T + 1000 }],
      ['b', { verdict: 'spam', receivedAt: T, notifiedAt: T }]
    ])
    expect(stateText({ version: 3, horizon: T, watermark: T + HOUR, notified: new Map() })).toBe(
      '{\n  "version": 3,\n  "horizon": "2026-11-27T10:00:00.000Z",\n  "watermark": "2026-11-27T11:00:00.000Z",\n  "notified": {}\n}\n'
    )
    expect(stateText({ version: 3, horizon: T, watermark: T, notified })).toBe(
      [
        '{',
        '  "version": 3,',
        '  "horizon": "2026-11-27T10:00:00.000Z",',
        '  "watermark": "2026-11-27T10:00:00.000Z",',
        '  "notified": {',
        '    "a": {"v":"bec","r":"2026-11-27T10:00:00.000Z","n":"2026-11-27T10:00:01.000Z"},',
        '    "b": {"v":"spam","r":"2026-11-27T10:00:00.000Z","n":"2026-11-27T10:00:00.000Z"}',
        '  }',
        '}',
        ''
      ].join('\n')
    )
  })

  it('writes the heartbeat and pending notices only when there are any, one line per notice', () => {
    const bare = { version: 3 as const, horizon: T, watermark: T, notified: new Map() }
    const none = stateText({ ...bare, pending: [] })
    expect(none).not.toContain('"heartbeat"')
    expect(none).not.toContain('"pending"')
    const message = {
      id: 'p-1',
      receivedAt: '2026-11-27T10:00:00.000Z',
      subject: 'Hi',
      fromAddress: 'x@evil.example',
      senderName: 'X',
      verdict: 'bec'
    }
    const text = stateText({
      ...bare,
      heartbeat: { since: T, runs: 3, convictions: 0 },
      pending: [
        { to: 'cfo@example.com', attempts: 1, total: 1, inbox: 0, messages: [message] },
        { to: 'cto@example.com', attempts: 2, total: 4, inbox: 1, messages: [] }
      ]
    })
    expect(text).toContain('\n  "heartbeat": {"since":"2026-11-27T10:00:00.000Z","runs":3,"convictions":0},\n')
    expect(text).toContain(
      '\n  "pending": [\n' +
        '    {"to":"cfo@example.com","attempts":1,"total":1,"inbox":0,"messages":[{"id":"p-1","receivedAt":"2026-11-27T10:00:00.000Z","subject":"Hi","fromAddress":"x@evil.example","senderName":"X","verdict":"bec"}]},\n' +
        '    {"to":"cto@example.com","attempts":2,"total":4,"inbox":1,"messages":[]}\n' +
        '  ],\n'
    )
  })

  it('checks what it writes by the rules that read it, and leaves out and names what fails them', () => {
    const dropped = new Dropped()
    const text = [
      ...serializeState(
        {
          version: 3,
          horizon: T,
          watermark: T,
          deepScanAt: Date.UTC(10000, 0, 1),
          savedAt: Number.NaN,
          requests: { day: 'today', count: 1 },
          ratePerHour: -1,
          heartbeat: { since: 9e15, runs: 1, convictions: 0 },
          notified: new Map([
            ['bad-time', { verdict: 'bec', receivedAt: Number.NaN, notifiedAt: T }],
            ['ok', { verdict: 'bec', receivedAt: T, notifiedAt: T }],
            ['i'.repeat(201), { verdict: 'bec', receivedAt: T, notifiedAt: T }],
            ['odd-verdict', { verdict: 'constructor', receivedAt: T, notifiedAt: T }]
          ])
        },
        dropped
      )
    ].join('')
    expect(dropped.lines()).toEqual([
      'its last deep rescan time (malformed)',
      'its save time (malformed)',
      'its request count (malformed)',
      'its message rate (malformed)',
      'its heartbeat (malformed)',
      'notified entry 1 "bad-time" (malformed)',
      `notified entry 3 "${'i'.repeat(40)}…" (malformed)`,
      'notified entry 4 "odd-verdict" (malformed)'
    ])
    expect(parseState(text)).toEqual({
      ok: true,
      state: {
        version: 3,
        horizon: T,
        watermark: T,
        notified: new Map([['ok', { verdict: 'bec', receivedAt: T, notifiedAt: T }]])
      }
    })
    // Nothing left at all: the notified object is still closed as when empty.
    const none = [
      ...serializeState({
        version: 3,
        horizon: T,
        watermark: T,
        notified: new Map([['', { verdict: 'bec', receivedAt: T, notifiedAt: T }]])
      })
    ].join('')
    expect(none.endsWith('  "notified": {}\n}\n')).toBe(true)
  })

  it('writes a large state in chunks that join into one document, every entry once and in order', () => {
    const notified = new Map(
      Array.from({ length: 2501 }, (_, i) => [`m${i}`, { verdict: 'phishing', receivedAt: T + i, notifiedAt: T }])
    )
    const chunks = [...serializeState({ version: 3, horizon: T, watermark: T, notified })]
    // Header, three chunks of 1,000, 1,000 and 501 entries, and the closing lines: never the whole at once.
    expect(chunks).toHaveLength(5)
    const text = chunks.join('')
    const lines = text.split('\n')
    expect(lines.filter((line) => line.startsWith('    "m'))).toHaveLength(2501)
    expect(lines[5]).toBe('    "m0": {"v":"phishing","r":"2026-11-27T10:00:00.000Z","n":"2026-11-27T10:00:00.000Z"},')
    expect(lines[1005]).toBe(
      '    "m1000": {"v":"phishing","r":"2026-11-27T10:00:01.000Z","n":"2026-11-27T10:00:00.000Z"},'
    )
    expect(lines.slice(-4)).toEqual([
      '    "m2500": {"v":"phishing","r":"2026-11-27T10:00:02.500Z","n":"2026-11-27T10:00:00.000Z"}',
      '  }',
      '}',
      ''
    ])
    const parsed = parseState(text)
    expect(parsed.ok && parsed.state.notified.size).toBe(2501)
  })
})

describe('classify at the horizon', () => {
  it('tells a message received at the horizon, or given its verdict there, as new', () => {
    const cases = [
      message('at', 'bec', T),
      message('at, verdict stamped before', 'bec', T, T - HOUR),
      message('verdict-at', 'bec', T - HOUR, T),
      message('before', 'bec', T - HOUR),
      message('after', 'bec', T + HOUR, T - HOUR)
    ]
    expect(Object.fromEntries(cases.map((m) => [m.id, classify(m, new Map(), T).disposition]))).toEqual({
      at: 'new',
      'at, verdict stamped before': 'new',
      'verdict-at': 'new',
      before: 'before-horizon',
      after: 'new'
    })
  })
})

/** What a run remembers, decided as main decides it: carried over, then each match classified and changed. */
function remembered(
  known: Map<string, NotifiedEntry>,
  matched: EtdMessage[],
  run: { horizon: number; now: number; keepFrom: number }
) {
  const next = carriedOver(known, run.keepFrom)
  for (const m of matched) {
    const change = entryToRemember(m, classify(m, known, run.horizon).disposition, known, run.now)
    if (change) next.set(m.id, change)
  }
  return next
}

describe('entryToRemember', () => {
  const known = new Map([['k', { verdict: 'phishing', receivedAt: T - HOUR, notifiedAt: T - HOUR }]])

  it('changes nothing for a message told before with the same verdict, or one before the horizon', () => {
    expect(entryToRemember(message('k', 'phishing', T - HOUR), 'already-notified', known, T)).toBeUndefined()
    expect(entryToRemember(message('x', 'bec', T - 9 * HOUR), 'before-horizon', known, T)).toBeUndefined()
  })

  it('keeps when a milder verdict was told, and stamps what is told now', () => {
    expect(entryToRemember(message('k', 'spam', T - HOUR), 'already-notified', known, T)).toEqual({
      verdict: 'spam',
      receivedAt: T - HOUR,
      notifiedAt: T - HOUR
    })
    expect(entryToRemember(message('n', 'bec', T - 2 * HOUR), 'new', known, T + 5)).toEqual({
      verdict: 'bec',
      receivedAt: T - 2 * HOUR,
      notifiedAt: T + 5
    })
  })

  it('remembers a conviction told in the inbox as such, and forgets it once the search sees it elsewhere', () => {
    const inbox = { ...message('i', 'bec', T - 2 * HOUR), remediation: { folder: 'Inbox' } }
    const told = entryToRemember(inbox, 'new', known, T)
    expect(told).toEqual({ verdict: 'bec', receivedAt: T - 2 * HOUR, notifiedAt: T, inbox: true })
    // No action at all: nothing moved it, so it is where it was delivered.
    expect(entryToRemember({ ...inbox, remediation: undefined }, 'new', known, T)?.inbox).toBe(true)
    const toldBefore = new Map([['i', told!]])
    expect(entryToRemember(inbox, 'already-notified', toldBefore, T + HOUR)).toBeUndefined()
    expect(entryToRemember(message('i', 'bec', T - 2 * HOUR), 'already-notified', toldBefore, T + HOUR)).toEqual({
      verdict: 'bec',
      receivedAt: T - 2 * HOUR,
      notifiedAt: T
    })
  })
})

describe('advanceState edges', () => {
  const window = { start: T - 24 * HOUR, end: T }
  const advance = (known: Map<string, NotifiedEntry>, matched: EtdMessage[], watermark?: number) =>
    advanceState(remembered(known, matched, { horizon: T - 48 * HOUR, now: T + 60_000, keepFrom: window.start }), {
      horizon: T - 48 * HOUR,
      window,
      watermark,
      ledger: {}
    })

  it('carries over a known entry received exactly at keepFrom, and drops one a millisecond older', () => {
    const known = new Map([
      ['edge', { verdict: 'bec', receivedAt: window.start, notifiedAt: T - HOUR }],
      ['older', { verdict: 'bec', receivedAt: window.start - 1, notifiedAt: T - HOUR }]
    ])
    expect([...carriedOver(known, window.start).keys()]).toEqual(['edge'])
  })

  it('keeps an entry received exactly at the window start', () => {
    const known = new Map([['edge', { verdict: 'bec', receivedAt: window.start, notifiedAt: T - HOUR }]])
    expect([...advance(known, []).notified.keys()]).toEqual(['edge'])
  })

  it('records a verdict change as told now', () => {
    const known = new Map([['c', { verdict: 'spam', receivedAt: T - HOUR, notifiedAt: T - HOUR }]])
    expect(advance(known, [message('c', 'bec', T - HOUR)]).notified.get('c')).toEqual({
      verdict: 'bec',
      receivedAt: T - HOUR,
      notifiedAt: T + 60_000
    })
  })

  it('remembers nothing of a message it did not tell', () => {
    const old = message('old', 'bec', T - 2 * HOUR)
    const next = advanceState(remembered(new Map(), [old], { horizon: T, now: T, keepFrom: window.start }), {
      horizon: T,
      window,
      ledger: {}
    })
    expect(next.notified.size).toBe(0)
  })

  it('never moves the watermark back', () => {
    expect(advance(new Map(), [], T + HOUR).watermark).toBe(T + HOUR)
    expect(advance(new Map(), [], T - HOUR).watermark).toBe(T)
    expect(advance(new Map(), []).watermark).toBe(T)
  })
})

describe('parseState of the optional fields', () => {
  const NAMES: Record<string, string> = {
    deepScanAt: 'last deep rescan time',
    savedAt: 'save time',
    requests: 'request count',
    ratePerHour: 'message rate'
  }
  const fieldsOf = (fields: Record<string, unknown>) => {
    const parsed = parseState(doc(fields))
    return parsed.ok ? { ...parsed.state, notified: undefined } : parsed
  }

  it('reads each field at its limits', () => {
    expect(
      fieldsOf({
        deepScanAt: '2026-11-27T04:00:00Z',
        savedAt: '2026-11-27T10:05:00.500Z',
        requests: { day: '2026-11-27', count: 10_000_000 },
        ratePerHour: 10_000_000
      })
    ).toEqual({
      version: 3,
      horizon: T,
      watermark: T,
      deepScanAt: T - 6 * HOUR,
      savedAt: T + 300_500,
      requests: { day: '2026-11-27', count: 10_000_000 },
      ratePerHour: 10_000_000,
      notified: undefined
    })
    expect(fieldsOf({ requests: { day: '2026-11-27', count: 0 }, ratePerHour: 0 })).toMatchObject({
      requests: { day: '2026-11-27', count: 0 },
      ratePerHour: 0
    })
    expect(fieldsOf({ ratePerHour: 0.25 })).toMatchObject({ ratePerHour: 0.25 })
  })

  it.each([
    ['a rescan time that is no time', { deepScanAt: 'soon' }],
    ['a numeric save time', { savedAt: T }],
    ['a request tally that is no object', { requests: 75 }],
    ['a request tally that is null', { requests: null }],
    ['a request tally that is a list', { requests: ['2026-11-27', 75] }],
    ['a request day that is a list', { requests: { day: ['2026-11-27'], count: 1 } }],
    ['a request day with text before it', { requests: { day: 'x2026-11-27', count: 1 } }],
    ['a request day with text after it', { requests: { day: '2026-11-27x', count: 1 } }],
    ['a request day with an expanded year', { requests: { day: '+002026-11-27', count: 1 } }],
    ['a request day that is no date', { requests: { day: '2026-13-45', count: 1 } }],
    ['no request count', { requests: { day: '2026-11-27' } }],
    ['a request count in text', { requests: { day: '2026-11-27', count: '3' } }],
    ['a negative request count', { requests: { day: '2026-11-27', count: -1 } }],
    ['a fractional request count', { requests: { day: '2026-11-27', count: 1.5 } }],
    ['a request count over ten million', { requests: { day: '2026-11-27', count: 10_000_001 } }],
    ['a rate in text', { ratePerHour: '5' }],
    ['a negative rate', { ratePerHour: -0.01 }],
    ['a rate over ten million', { ratePerHour: 10_000_001 }],
    ['a rate that is null', { ratePerHour: null }]
  ])('drops %s alone, naming the field', (_case, fields) => {
    expect(parseState(doc({ savedAt: AT, ...fields }))).toEqual({
      ok: true,
      state: {
        version: 3,
        horizon: T,
        watermark: T,
        ...('savedAt' in fields ? {} : { savedAt: T }),
        notified: new Map()
      },
      dropped: [`its ${NAMES[Object.keys(fields)[0]]} (malformed)`]
    })
  })

  it('refuses a horizon that is a list holding a time', () => {
    expect(parseState(doc({ horizon: [AT] }))).toEqual({
      ok: false,
      reason: 'its horizon or watermark is missing or out of order'
    })
  })

  it('ignores what a format 1 document cannot have held', () => {
    const v1 = parseState(doc({ version: 1, deepScanAt: AT, requests: 'junk', ratePerHour: -1 }))
    expect(v1).toEqual({
      ok: true,
      migratedFrom: 1,
      state: { version: 3, horizon: T, watermark: T, notified: new Map() }
    })
  })
})

describe('parseState of the scheduled run times', () => {
  const runs = (...times: string[]) => times.map((t) => `2026-11-27T${t}Z`)

  it('reads up to eight, oldest first, and writes them back the same', () => {
    const eight = runs(
      '09:00:00',
      '09:10:00',
      '09:20:00',
      '09:30:00',
      '09:40:00',
      '09:50:00',
      '09:55:00',
      '10:00:00.250'
    )
    const parsed = parseState(doc({ scheduledRuns: eight }))
    expect(parsed.ok && parsed.state.scheduledRuns).toEqual([
      T - HOUR,
      T - 50 * 60_000,
      T - 40 * 60_000,
      T - 30 * 60_000,
      T - 20 * 60_000,
      T - 10 * 60_000,
      T - 5 * 60_000,
      T + 250
    ])
    expect(parsed.ok && parseState(stateText(parsed.state))).toEqual(parsed)
    // None kept: nothing written, nothing read.
    expect(stateText({ version: 3, horizon: T, watermark: T, scheduledRuns: [], notified: new Map() })).not.toContain(
      'scheduledRuns'
    )
    expect(parseState(doc({ scheduledRuns: [] }))).toEqual(parseState(doc({})))
  })

  it.each([
    ['a time alone', runs('10:00:00')[0]],
    ['an object', { 0: runs('10:00:00')[0] }],
    ['null', null],
    [
      'nine times',
      runs('09:00:00', '09:01:00', '09:02:00', '09:03:00', '09:04:00', '09:05:00', '09:06:00', '09:07:00', '09:08:00')
    ],
    ['a number among them', [...runs('09:00:00'), T]],
    ['a time that is no time', [...runs('09:00:00'), 'later']],
    ['the same time twice', runs('09:00:00', '09:00:00')],
    ['times out of order', runs('09:10:00', '09:00:00')]
  ])('drops %s alone and keeps the rest', (_case, scheduledRuns) => {
    const parsed = parseState(doc({ scheduledRuns, deepScanAt: '2026-11-27T09:00:00Z' }))
    expect(parsed).toMatchObject({ ok: true, dropped: ['its scheduled run times (malformed)'] })
    expect(parsed.ok && parsed.state).toMatchObject({ deepScanAt: T - HOUR })
    expect(parsed.ok && parsed.state.scheduledRuns).toBeUndefined()
  })

  it('distrusts a scheduled run in the future, as any other time', () => {
    const state: WatchState = {
      version: 3,
      horizon: T,
      watermark: T,
      scheduledRuns: [T, T + HOUR],
      notified: new Map()
    }
    expect(untrustedTimes(state, T)).toBe('its last scheduled run 2026-11-27T11:00:00.000Z lies in the future')
  })
})

describe('utcDay', () => {
  it('is the UTC date alone', () => {
    expect(utcDay(Date.UTC(2026, 10, 27, 23, 59, 59, 999))).toBe('2026-11-27')
    expect(utcDay(Date.UTC(2026, 10, 28))).toBe('2026-11-28')
  })
})

describe('untrustedTimes at the edge of clock skew', () => {
  const now = T
  const latest = T + 5 * 60_000
  const state = (fields: Partial<WatchState>): WatchState => ({
    version: 3,
    horizon: T - HOUR,
    watermark: T - HOUR,
    notified: new Map(),
    ...fields
  })
  const told = (id: string, receivedAt: number, notifiedAt: number) =>
    new Map([[id, { verdict: 'bec', receivedAt, notifiedAt }]])

  it('trusts times up to five minutes ahead', () => {
    expect(
      untrustedTimes(
        state({ watermark: latest, deepScanAt: latest, savedAt: latest, notified: told('a', latest, latest) }),
        now
      )
    ).toBeUndefined()
  })

  it('distrusts a save time in the future', () => {
    expect(untrustedTimes(state({ savedAt: latest + 1 }), now)).toBe(
      'its save time 2026-11-27T10:05:00.001Z lies in the future'
    )
  })

  it('drops an entry received or told after that, naming its id briefly', () => {
    const id = `${'i'.repeat(40)}${'j'.repeat(20)}`
    const future = state({ notified: new Map([...told(id, latest + 1, T), ...told('b', T, latest + 1)]) })
    expect(dropFutureEntries(state({ notified: told('a', latest, latest) }), now)).toEqual([])
    expect(dropFutureEntries(future, now)).toEqual([
      `notified entry 1 "${'i'.repeat(40)}…" (a time in the future)`,
      'notified entry 2 "b" (a time in the future)'
    ])
    expect(future.notified.size).toBe(0)
  })
})

describe('the heartbeat in the state', () => {
  // Written before the heartbeat was kept: format 2, one conviction remembered.
  const OLD = doc({ version: 2, savedAt: AT, notified: { 'id-1': entry() } })

  it('is optional in format 2: a state written before it still reads, without one', () => {
    const parsed = parseState(OLD)
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    expect(parsed.migratedFrom).toBe(2)
    expect(parsed.state.heartbeat).toBeUndefined()
    expect(parsed.state.notified.get('id-1')?.verdict).toBe('bec')
    expect([...serializeState(parsed.state)].join('')).not.toContain('heartbeat')
  })

  it('survives a save and a load, and is checked like every other field', () => {
    const parsed = parseState(OLD)
    if (!parsed.ok) throw new Error(parsed.reason)
    const state = { ...parsed.state, heartbeat: { since: T, runs: 7, convictions: 1 } }
    const text = [...serializeState(state)].join('')
    expect(text).toContain('"heartbeat": {"since":"2026-11-27T10:00:00.000Z","runs":7,"convictions":1},')
    const again = parseState(text)
    expect(again.ok && again.state.heartbeat).toEqual({ since: T, runs: 7, convictions: 1 })
    const data = JSON.parse(OLD) as Record<string, unknown>
    for (const bad of [
      { since: 'yesterday', runs: 1, convictions: 0 },
      { since: '2026-11-27T10:00:00.000Z', runs: -1, convictions: 0 },
      'daily'
    ]) {
      const dropped = parseState(JSON.stringify({ ...data, heartbeat: bad }))
      expect(dropped).toMatchObject({ ok: true, dropped: ['its heartbeat (malformed)'] })
      expect(dropped.ok && [dropped.state.heartbeat, dropped.state.notified.size]).toEqual([undefined, 1])
    }
    expect(untrustedTimes({ ...state, heartbeat: { since: T + 2 * HOUR, runs: 0, convictions: 0 } }, T)).toBe(
      'its last heartbeat 2026-11-27T12:00:00.000Z lies in the future'
    )
  })
})
