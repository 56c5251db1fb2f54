import { describe, expect, it } from '@jest/globals'
import type { EtdMessage } from '../src/etd/types.js'
import { dailyAfter, DayTally, leftInboxAt, withTally, type DayRecord, type RunCounts } from '../src/state/daily.js'
import { Dropped } from '../src/state/rules.js'
import { parseState, serializeState, untrustedTimes, type WatchState } from '../src/state/state.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** 1 January 2026, 00:00 UTC. */
const JAN_1 = Date.UTC(2026, 0, 1)

const run = (now: number, extra: Partial<RunCounts> = {}): RunCounts => ({
  now,
  requests: 7,
  failed: false,
  deepScan: false,
  fresh: false,
  ...extra
})

function conviction(i: number, extra: Partial<EtdMessage> = {}): EtdMessage {
  return {
    id: `m${i}`,
    receivedAt: new Date(JAN_1).toISOString(),
    subject: 'never kept',
    fromAddress: `billing@sender-${i % 40}.example`,
    senderName: 'never kept either',
    toAddresses: [],
    mailboxes: [],
    verdict: ['bec', 'scam', 'phishing', 'malicious'][i % 4],
    retro: false,
    manual: false,
    techniques: [{ type: `Technique ${i % 30}` }],
    remediation: { folder: 'quarantine' },
    ...extra
  }
}

const state = (daily?: DayRecord[]): WatchState => ({
  version: 3,
  horizon: JAN_1,
  watermark: JAN_1,
  ...(daily ? { daily } : {}),
  notified: new Map()
})
const bytes = (s: WatchState) => Buffer.byteLength([...serializeState(s)].join(''), 'utf8')

describe('a year of daily records', () => {
  // A busy watch: 288 runs a day (every 5 minutes), 200 convictions told each day, each to a mailbox, from a
  // sender domain and with techniques of names longer than the state keeps, far more of them than a top
  // list holds; a fifth of them in the inbox, leaving hours later.
  let records: DayRecord[] = []
  const long = (kind: string, i: number) => `${kind}-${i}-${'x'.repeat(90)}@subsidiary.example.org`
  for (let d = 0; d < 400; d++) {
    const now = JAN_1 + d * DAY + 23 * HOUR
    const tally = new DayTally(now)
    for (let i = 0; i < 200; i++) {
      const inbox = i % 5 === 0
      tally.told(conviction(i, { retro: i % 10 === 0, ...(inbox ? { remediation: undefined } : {}) }), true, [
        long('mailbox', i % 50)
      ])
      if (inbox) tally.left(now - DAY, 300 + i)
    }
    tally.released(now - DAY)
    tally.notFollowed(now - 2 * DAY)
    records = withTally(dailyAfter(records, run(now, { requests: 2000, deepScan: true })), tally, now)
    // The day's other 287 runs.
    for (let r = 0; r < 287; r++) records = dailyAfter(records, run(now, { requests: 0, failed: r === 0 }))
  }

  it('adds at most 50 KB to the saved state', () => {
    const added = bytes(state(records)) - bytes(state())
    expect(added).toBeLessThanOrEqual(50 * 1024)
    // Not trivially: a year of records is tens of kilobytes.
    expect(added).toBeGreaterThan(20 * 1024)
  })

  it('keeps 366 days, the last 14 with their top lists and leave times, and reads back as written', () => {
    expect(records).toHaveLength(366)
    expect(records[0].day).toBe('2026-02-04')
    expect(records.at(-1)!.day).toBe('2027-02-04')
    expect(records.filter((r) => r.detail).map((r) => r.day)).toEqual(records.slice(-14).map((r) => r.day))
    const parsed = parseState([...serializeState(state(records))].join(''))
    if (!parsed.ok) throw new Error(parsed.reason)
    expect(parsed.state.daily).toEqual(records)
    expect(parsed.dropped).toBeUndefined()
  })

  it('counts each day: its runs, failures, requests, deep rescans and convictions by verdict', () => {
    const day = records.at(-1)!
    expect(day).toMatchObject({
      day: '2027-02-04',
      told: { bec: 50, scam: 50, phishing: 50, malicious: 50 },
      retro: 20,
      inInbox: 40,
      runs: 288,
      failures: 1,
      requests: 2000,
      deepScans: 1
    })
    // Leaving, releases and lost sight are added to the day the conviction was told.
    expect(records.at(-2)).toMatchObject({ left: 40, releases: 1 })
    expect(records.at(-3)).toMatchObject({ notFollowed: 1 })
    // The top lists keep the twelve most frequent names, clipped: 50 mailboxes at 4 each, the lowest names first.
    expect(day.detail!.mailboxes).toHaveLength(12)
    expect(day.detail!.mailboxes[0]).toEqual([`mailbox-0-${'x'.repeat(54)}`, 4])
    expect(day.detail!.leaveMinutes).toHaveLength(0)
    expect(records.at(-2)!.detail!.leaveMinutes).toHaveLength(40)
  })
})

describe('DayTally', () => {
  it('counts a verdict change as a retro verdict only, a retro conviction as told and retro', () => {
    const tally = new DayTally(JAN_1 + HOUR)
    tally.told(conviction(1), false, ['ceo@example.com'])
    tally.told(conviction(2, { retro: true, remediation: { folder: 'inbox' } }), true, ['ceo@example.com'])
    const [day] = withTally(dailyAfter(undefined, run(JAN_1 + HOUR)), tally, JAN_1 + HOUR)
    expect(day).toMatchObject({ told: { phishing: 1 }, retro: 2, inInbox: 1 })
    expect(day.detail!.mailboxes).toEqual([['ceo@example.com', 1]])
  })
})

describe('gaps in the daily records', () => {
  it('leaves days without a run absent, and drops what happened later to convictions of those days', () => {
    let records: DayRecord[] = []
    for (const d of [0, 1, 2, 5]) records = dailyAfter(records, run(JAN_1 + d * DAY + HOUR, { fresh: d === 0 }))
    expect(records.map((r) => r.day)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-06'])
    const tally = new DayTally(JAN_1 + 5 * DAY + HOUR)
    tally.left(JAN_1 + 3 * DAY, 30)
    tally.released(JAN_1 + 4 * DAY)
    tally.left(JAN_1 + DAY, 45)
    const after = withTally(records, tally, JAN_1 + 5 * DAY + HOUR)
    expect(after.map((r) => r.day)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-06'])
    expect(after[1]).toMatchObject({ left: 1, detail: { leaveMinutes: [45] } })
    expect(after.reduce((n, r) => n + r.releases, 0)).toBe(0)
  })

  it('marks the day a run without earlier state began as partial, and only that day', () => {
    let records = dailyAfter(undefined, run(JAN_1 + 15 * HOUR, { fresh: true }))
    records = dailyAfter(records, run(JAN_1 + 16 * HOUR))
    records = dailyAfter(records, run(JAN_1 + DAY + HOUR))
    expect(records.map((r) => [r.day, r.partial === true, r.runs])).toEqual([
      ['2026-01-01', true, 2],
      ['2026-01-02', false, 1]
    ])
    // A lost cache later: the day it was lost on already has a record in no state, so it starts again, partial.
    expect(dailyAfter(undefined, run(JAN_1 + DAY + 2 * HOUR, { fresh: true }))[0].partial).toBe(true)
  })
})

describe('daily records as read from a state', () => {
  const doc = (daily: unknown) =>
    JSON.stringify({
      version: 3,
      horizon: '2026-01-01T00:00:00.000Z',
      watermark: '2026-01-01T00:00:00.000Z',
      daily,
      notified: {}
    })

  it('drops a malformed or out-of-order day, naming it, and keeps the rest', () => {
    const good = ['2026-01-02', [1, 0, 2], 0, 0, 1, 0, 0, 144, 0, 900, 3]
    const parsed = parseState(
      doc([
        ['2026-01-01', [1], 0, 0, 0, 0, 0, 1, 0, 5, 0, { p: 1, t: [['QR code', 2]], l: [12] }],
        good,
        ['2026-01-02', [], 0, 0, 0, 0, 0, 1, 0, 5, 0],
        ['2026-13-01', [], 0, 0, 0, 0, 0, 1, 0, 5, 0],
        ['2026-01-05', [-1], 0, 0, 0, 0, 0, 1, 0, 5, 0],
        ['2026-01-06', [], 0, 0, 0, 0, 0, 1, 0, 5, 0, { p: true }],
        ['2026-01-07', [], 0, 0, 0, 0, 0, 1, 0, 5, 0, { t: [['x'.repeat(65), 1]] }],
        ['2026-01-08', [], 0, 0, 0, 0, 0, 1, 0, 5]
      ])
    )
    if (!parsed.ok) throw new Error(parsed.reason)
    expect(parsed.state.daily).toEqual([
      {
        day: '2026-01-01',
        told: { bec: 1 },
        ...{
          retro: 0,
          releases: 0,
          inInbox: 0,
          left: 0,
          notFollowed: 0,
          runs: 1,
          failures: 0,
          requests: 5,
          deepScans: 0
        },
        partial: true,
        detail: { techniques: [['QR code', 2]], mailboxes: [], senderDomains: [], leaveMinutes: [12] }
      },
      {
        day: '2026-01-02',
        told: { bec: 1, phishing: 2 },
        ...{
          retro: 0,
          releases: 0,
          inInbox: 1,
          left: 0,
          notFollowed: 0,
          runs: 144,
          failures: 0,
          requests: 900,
          deepScans: 3
        }
      }
    ])
    expect(parsed.dropped).toEqual([3, 4, 5, 6, 7, 8].map((i) => `daily record ${i} (malformed)`))
  })

  it('drops the whole list when it is not one, and distrusts a state whose records reach the future', () => {
    const parsed = parseState(doc({ day: '2026-01-01' }))
    expect(parsed.ok && parsed.dropped).toEqual(['its daily records (malformed)'])
    const records = dailyAfter(undefined, run(JAN_1 + 2 * DAY))
    expect(untrustedTimes(state(records), JAN_1 + DAY)).toBe('its daily records reach 2026-01-03, a day in the future')
    expect(untrustedTimes(state(records), JAN_1 + 2 * DAY)).toBeUndefined()
  })

  it('writes no message text: only counts, days, and the clipped names of the top lists', () => {
    const tally = new DayTally(JAN_1)
    tally.told(conviction(1, { subject: 'SECRET-SUBJECT', senderName: 'SECRET-NAME' }), true, ['ceo@example.com'])
    const text = [
      ...serializeState(state(withTally(dailyAfter(undefined, run(JAN_1)), tally, JAN_1)), new Dropped())
    ].join('')
    expect(text).toContain('"m":[["ceo@example.com",1]]')
    expect(text).toContain('"s":[["sender-1.example",1]]')
    expect(text).not.toMatch(/SECRET|billing@/)
  })
})

describe('leftInboxAt', () => {
  const told = { inbox: true, receivedAt: JAN_1 }
  const moved = (at?: string) => ({ remediation: { folder: 'quarantine', ...(at ? { at } : {}) } })

  it("is when ETD moved a conviction told in the inbox, or now when ETD's time is missing or unbelievable", () => {
    expect(leftInboxAt(told, moved('2026-01-01T02:00:00.000Z'), JAN_1 + DAY)).toBe(JAN_1 + 2 * HOUR)
    expect(leftInboxAt(told, moved(), JAN_1 + DAY)).toBe(JAN_1 + DAY)
    expect(leftInboxAt(told, moved('2025-12-31T00:00:00.000Z'), JAN_1 + DAY)).toBe(JAN_1 + DAY)
    expect(leftInboxAt(told, moved('2026-01-03T00:00:00.000Z'), JAN_1 + DAY)).toBe(JAN_1 + DAY)
  })

  it('is undefined while it is still in the inbox, or when it was not in it when told', () => {
    expect(leftInboxAt(told, { remediation: { folder: 'inbox' } }, JAN_1 + DAY)).toBeUndefined()
    expect(leftInboxAt(told, {}, JAN_1 + DAY)).toBeUndefined()
    expect(leftInboxAt({ receivedAt: JAN_1 }, moved(), JAN_1 + DAY)).toBeUndefined()
    expect(leftInboxAt(undefined, moved(), JAN_1 + DAY)).toBeUndefined()
  })
})
