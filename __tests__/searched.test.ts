import { describe, expect, it } from '@jest/globals'
import { carriedOver, rememberFrom } from '../src/state/dedupe.js'
import { afterRun, before, MAX_RANGES, normalize, rangeAt, subtract, unsearched } from '../src/state/searched.js'
import { decodeSearched, parseState, serializeState, untrustedTimes, type WatchState } from '../src/state/state.js'
import { searchTime, sliceEnd, slicePages } from '../src/window/slices.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const T = Date.UTC(2026, 10, 27, 10, 0, 0)

describe('the record of searched time', () => {
  it('merges overlapping and touching ranges, sorted, and drops empty ones', () => {
    expect(
      normalize([
        [50, 60],
        [10, 20],
        [20, 30],
        [25, 28],
        [40, 40],
        [45, 52]
      ])
    ).toEqual([
      [10, 30],
      [45, 60]
    ])
  })

  it('subtracts a range from the middle, an edge and the whole', () => {
    expect(subtract([[10, 50]], [20, 30])).toEqual([
      [10, 20],
      [30, 50]
    ])
    expect(subtract([[10, 50]], [0, 20])).toEqual([[20, 50]])
    expect(subtract([[10, 50]], [0, 60])).toEqual([])
  })

  it('lists what is left to search in a range, oldest first', () => {
    const record = [
      [10, 20],
      [30, 40]
    ] as const
    expect(unsearched(record, [0, 50])).toEqual([
      [0, 10],
      [20, 30],
      [40, 50]
    ])
    expect(unsearched(record, [12, 18])).toEqual([])
    expect(unsearched(record, [18, 18])).toEqual([])
  })

  it('holds a time from its range’s start up to, not including, its end', () => {
    const record = [[10, 20] as const]
    expect(rangeAt(record, 10)).toEqual([10, 20])
    expect(rangeAt(record, 19)).toEqual([10, 20])
    expect(rangeAt(record, 20)).toBeUndefined()
    expect(rangeAt(record, 9)).toBeUndefined()
  })

  it('clips to before a time', () => {
    expect(
      before(
        [
          [10, 20],
          [30, 40]
        ],
        35
      )
    ).toEqual([
      [10, 20],
      [30, 35]
    ])
  })

  describe('after a run', () => {
    const window = { start: T - 2 * HOUR, end: T }
    const run = { window, now: T + 5 * MINUTE, rememberedFrom: T - DAY }

    it('adds the whole window when the search got to its end', () => {
      expect(afterRun([[T - 10 * DAY, T - 2 * HOUR + MINUTE]], { ...run, searchedTo: T })).toEqual([[T - 10 * DAY, T]])
      expect(afterRun(undefined, { ...run, searchedTo: T })).toEqual([[T - 2 * HOUR, T]])
    })

    it('owes the rest of a window cut short, even what was searched before, within what the state remembers', () => {
      // A deep rescan stopped an hour in: the part it meant to search again is owed, not only the new part.
      const record = [[T - 10 * DAY, T - 10 * MINUTE]] as const
      expect(afterRun(record, { ...run, searchedTo: T - HOUR })).toEqual([[T - 10 * DAY, T - HOUR]])
      // Older than what the state remembers, the record keeps its claim: that is what stops telling again.
      expect(afterRun(record, { ...run, searchedTo: T - HOUR, rememberedFrom: T - 30 * MINUTE })).toEqual([
        [T - 10 * DAY, T - 30 * MINUTE]
      ])
    })

    it('forgets what ETD no longer keeps, and closes the oldest gaps beyond its size', () => {
      expect(afterRun([[T - 100 * DAY, T - 80 * DAY]], { ...run, searchedTo: T })).toEqual([
        [T + 5 * MINUTE - 90 * DAY, T - 80 * DAY],
        [T - 2 * HOUR, T]
      ])
      const many = Array.from(
        { length: MAX_RANGES + 2 },
        (_, i) => [T - DAY + i * 2 * MINUTE, T - DAY + (i * 2 + 1) * MINUTE] as const
      )
      const kept = afterRun(many, { ...run, searchedTo: T })
      expect(kept).toHaveLength(MAX_RANGES)
      expect(kept[0]).toEqual([T - DAY, T - DAY + 7 * MINUTE])
      expect(kept.at(-1)).toEqual([T - 2 * HOUR, T])
    })
  })
})

describe('the record in the state', () => {
  const STATE: WatchState = {
    version: 3,
    horizon: T - 2 * HOUR,
    watermark: T,
    searched: [
      [T - 2 * HOUR, T - HOUR],
      [T - 30 * MINUTE, T]
    ],
    notified: new Map()
  }

  it('round-trips, as ISO pairs', () => {
    const text = [...serializeState(STATE)].join('')
    expect(JSON.parse(text).searched).toEqual([
      ['2026-11-27T08:00:00.000Z', '2026-11-27T09:00:00.000Z'],
      ['2026-11-27T09:30:00.000Z', '2026-11-27T10:00:00.000Z']
    ])
    expect(parseState(text)).toEqual({ ok: true, state: STATE })
  })

  it('is merged when read, and dropped alone when malformed or too long', () => {
    const pair = (a: number, b: number) => [new Date(a).toISOString(), new Date(b).toISOString()]
    expect(decodeSearched([pair(T, T + HOUR), pair(T + 30 * MINUTE, T + 2 * HOUR)])).toEqual([[T, T + 2 * HOUR]])
    for (const bad of [
      'all',
      [pair(T + HOUR, T)],
      [pair(T, T)],
      [[new Date(T).toISOString()]],
      [[T, T + HOUR]],
      Array.from({ length: MAX_RANGES + 1 }, (_, i) => pair(T + i * HOUR, T + i * HOUR + MINUTE))
    ]) {
      expect(decodeSearched(bad)).toBeUndefined()
    }
    const text = [...serializeState(STATE)].join('').replace('"searched": [\n    [', '"searched": [\n    [1,')
    const { searched, ...rest } = STATE
    expect(searched).toBeDefined()
    expect(parseState(text)).toEqual({ ok: true, state: rest, dropped: ['its searched ranges (malformed)'] })
  })

  it('is distrusted when it claims a search of the future', () => {
    expect(untrustedTimes({ ...STATE, searched: [[T, T + HOUR]] }, T)).toBe(
      'its searched range 2026-11-27T11:00:00.000Z lies in the future'
    )
  })
})

describe('what the next state remembers', () => {
  const known = new Map([
    ['old-searched', { verdict: 'bec', receivedAt: T - 3 * DAY, notifiedAt: T - 3 * DAY }],
    ['old-owed', { verdict: 'bec', receivedAt: T - 2 * DAY, notifiedAt: T - HOUR }],
    ['recent', { verdict: 'bec', receivedAt: T - HOUR, notifiedAt: T - HOUR }],
    ['at-keep-from', { verdict: 'bec', receivedAt: T - DAY, notifiedAt: T - HOUR }],
    // A retro verdict told on a message from before the watch began: no later run owes its time.
    ['before-record', { verdict: 'bec', receivedAt: T - 5 * DAY, notifiedAt: T - HOUR }]
  ])

  it('keeps what a later window reaches, and what lies where the record still owes a search', () => {
    const record = [[T - 4 * DAY, T - 2 * DAY - HOUR] as const, [T - DAY, T] as const]
    expect([...carriedOver(known, T - DAY, record).keys()]).toEqual(['old-owed', 'recent', 'at-keep-from'])
    expect([...carriedOver(known, T - DAY, []).keys()]).toEqual(['recent', 'at-keep-from'])
    expect([...carriedOver(known, T - DAY).keys()]).toEqual(['recent', 'at-keep-from'])
  })

  it('after a stop, keeps again what the watermark it reached still reaches, without undoing changes', () => {
    const next = new Map([['recent', { verdict: 'phishing', receivedAt: T - HOUR, notifiedAt: T }]])
    rememberFrom(next, known, T - 2 * DAY)
    expect(Object.fromEntries(next)).toEqual({
      recent: { verdict: 'phishing', receivedAt: T - HOUR, notifiedAt: T },
      'old-owed': known.get('old-owed'),
      'at-keep-from': known.get('at-keep-from')
    })
  })
})

describe('slices under a time budget', () => {
  it('searches for four fifths of the budget, in slices of a quarter of what that allows at 2 requests a second', () => {
    expect(searchTime(10 * MINUTE)).toBe(8 * MINUTE)
    // 480 s at 2 a second: 960 requests, 240 a slice.
    expect(slicePages(searchTime(10 * MINUTE))).toBe(240)
    expect(slicePages(1000)).toBe(1)
  })

  it('sizes a slice by the density seen, grows it at most fourfold, and keeps to whole seconds and the window', () => {
    const start = T
    // Without a budget: ETD's longest span less a day.
    expect(sliceEnd(start, start + 40 * DAY)).toBe(start + 31 * DAY)
    // Nothing known yet: an hour.
    expect(sliceEnd(start, start + DAY, 24)).toBe(start + HOUR)
    // 24 pages at 10,000 an hour: 2,400 messages in 14 m 24 s.
    expect(sliceEnd(start, start + DAY, 24, 10_000 / HOUR)).toBe(start + 14 * MINUTE + 24_000)
    // An empty slice of 10 minutes: the next is 40.
    expect(sliceEnd(start, start + DAY, 24, 0, 10 * MINUTE)).toBe(start + 40 * MINUTE)
    // Never under a minute, never past the window, and down to the second.
    expect(sliceEnd(start, start + DAY, 1, 1_000_000 / HOUR)).toBe(start + MINUTE)
    expect(sliceEnd(start, start + 30 * MINUTE, 24)).toBe(start + 30 * MINUTE)
    expect(sliceEnd(start, start + DAY, 24, 7 / 1000)).toBe(start + 342_000)
  })
})
