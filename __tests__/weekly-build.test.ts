import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../src/config/config.js'
import { readReport, readTop } from '../src/etd/report.js'
import { buildWeeklyReport, weeklyPeriods, type TenantAnswers } from '../src/report/weekly/build.js'
import type { DayRecord } from '../src/state/daily.js'
import { inputParser } from './helpers/inputs.js'

/** Monday 16 November 2026, 06:00 UTC: the week reported is the 9th to the 15th, the one before it the 2nd to the 8th. */
const NOW = Date.UTC(2026, 10, 16, 6)
const SETTINGS = {
  timeZone: 'Europe/Zurich',
  rule: { mailboxes: ['ceo@example.com'], verdicts: ['bec', 'phishing'] },
  dailyRequestBudget: 1000
}

const record = (day: string, fields: Partial<DayRecord> = {}): DayRecord => ({
  day,
  told: {},
  retro: 0,
  releases: 0,
  inInbox: 0,
  left: 0,
  notFollowed: 0,
  runs: 144,
  failures: 0,
  requests: 300,
  deepScans: 3,
  ...fields
})
const days = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => new Date(Date.UTC(2026, 10, from + i)).toISOString().slice(0, 10))
const none: TenantAnswers = { failed: [] }

describe('weeklyPeriods', () => {
  it('is the 7 whole UTC days before the day of now, and the 7 before those', () => {
    expect(weeklyPeriods(NOW)).toEqual({
      period: { start: Date.UTC(2026, 10, 9), end: Date.UTC(2026, 10, 16) },
      previous: { start: Date.UTC(2026, 10, 2), end: Date.UTC(2026, 10, 9) }
    })
  })
})

describe('buildWeeklyReport, the watched mailboxes', () => {
  it('compares with the previous week when every day of it is recorded, by every verdict told', () => {
    const daily = [
      ...days(2, 7).map((day) => record(day, { told: { bec: 1 } })),
      ...days(9, 7).map((day, i) => record(day, { told: { bec: 2, phishing: i, spam: 5 }, failures: i === 0 ? 1 : 0 }))
    ]
    const report = buildWeeklyReport({ now: NOW, daily, tenant: none, settings: SETTINGS })
    // 21 phishing (0 + 1 + … + 6) and 14 BEC; spam was told (the verdicts input changed since) and is counted too.
    expect(report.watched.total).toEqual({ current: 14 + 21 + 35, previous: 7 })
    expect(report.watched.byVerdict).toEqual({
      bec: { current: 14, previous: 7 },
      phishing: { current: 21, previous: 0 },
      spam: { current: 35, previous: 0 }
    })
    expect(report.watched.days[1]).toEqual({ day: '2026-11-10', byVerdict: { bec: 2, phishing: 1, spam: 5 }, total: 8 })
    expect(report.watched.gaps).toEqual([])
    expect(report.health).toEqual({ runs: 7 * 144, failures: 1, etdRequests: 7 * 300, etdBudget: 7000, deepScans: 21 })
    expect(report.timeZone).toBe('Europe/Zurich')
    expect(report.watched.mailboxes).toBe(1)
  })

  it('says the gaps, counts only recorded days, has no previous total with a gap in that week, and names partial days', () => {
    const daily = [
      record('2026-11-05', { partial: true }),
      record('2026-11-10', { told: { bec: 3 }, partial: true }),
      record('2026-11-12', { told: { phishing: 1 } }),
      // Outside both weeks: not counted.
      record('2026-11-16', { told: { bec: 50 }, runs: 1 })
    ]
    const report = buildWeeklyReport({ now: NOW, daily, tenant: none, settings: SETTINGS })
    expect(report.watched.total).toEqual({ current: 4, previous: null })
    expect(report.watched.days.map((d) => d.day)).toEqual(['2026-11-10', '2026-11-12'])
    expect(report.watched.gaps).toEqual([...days(2, 3), ...days(6, 4), '2026-11-11', ...days(13, 3)])
    expect(report.watched.partialDays).toEqual(['2026-11-05', '2026-11-10'])
    expect(report.health.runs).toBe(2 * 144)
    expect(
      buildWeeklyReport({ now: NOW, daily: undefined, tenant: none, settings: SETTINGS }).watched.gaps
    ).toHaveLength(14)
  })

  it('ranks the top lists over the week, ties by name, cleaned; the median of the leave times', () => {
    const detail = (mailboxes: Array<[string, number]>, leaveMinutes: number[]) => ({
      techniques: [['QR code', 2] as [string, number]],
      mailboxes,
      senderDomains: [['evil.example', 1] as [string, number]],
      leaveMinutes
    })
    const daily = [
      record('2026-11-09', {
        detail: detail(
          [
            ['b@example.com', 2],
            ['a@example.com', 1]
          ],
          [30, 10]
        )
      }),
      record('2026-11-10', { detail: detail([['a@example.com', 1]], [20, 600]) }),
      record('2026-11-08', { detail: detail([['z@example.com', 9]], [1]) })
    ]
    const { watched } = buildWeeklyReport({ now: NOW, daily, tenant: none, settings: SETTINGS })
    expect(watched.topMailboxes).toEqual([
      { name: 'a@example[.]com', count: 2 },
      { name: 'b@example[.]com', count: 2 }
    ])
    expect(watched.topTechniques).toEqual([{ name: 'QR code', count: 4 }])
    expect(watched.topSenderDomains).toEqual([{ name: 'evil[.]example', count: 2 }])
    expect(watched.medianMinutesToLeave).toBe(25)
    expect(
      buildWeeklyReport({ now: NOW, daily: [], tenant: none, settings: SETTINGS }).watched.medianMinutesToLeave
    ).toBeNull()
  })
})

describe("buildWeeklyReport, the tenant from ETD's answers", () => {
  it('counts the watched verdicts by day, with the previous week when ETD answered for it, and names what is missing', () => {
    const verdicts = readReport(
      {
        data: {
          aggregationInterval: '1d',
          totalMessages: 40,
          aggregations: [
            { timestamp: '2026-11-03T00:00:00Z', counts: { bec: 4, neutral: 30 } },
            { timestamp: '2026-11-09T00:00:00Z', counts: { bec: 1, phishing: 2, spam: 3 } }
          ]
        }
      },
      'verdicts'
    )
    const report = buildWeeklyReport({
      now: NOW,
      daily: [],
      tenant: {
        verdicts,
        targets: readTop(
          { data: { topTargets: [{ emailAddress: 'cfo@example.com', bec: 2, phishing: 1, scam: 5 }] } },
          'targets'
        ),
        failed: ['retroVerdicts: ETD /v1/messages/report answered 404: Not Found']
      },
      settings: SETTINGS
    })
    expect(report.tenant.days).toEqual([{ day: '2026-11-09', byVerdict: { bec: 1, phishing: 2 }, total: 3 }])
    expect(report.tenant.total).toEqual({ current: 3, previous: 4 })
    expect(report.tenant.retroVerdicts).toBeNull()
    expect(report.tenant.topTargets).toEqual([{ name: 'cfo@example[.]com', count: 3 }])
    expect(report.tenant.missing).toEqual(['retroVerdicts: ETD /v1/messages/report answered 404: Not Found'])
    expect(report.tenant.topThreatSenders).toEqual([])
  })
})

describe("ETD's report answers, read tolerantly", () => {
  it('reads counts nested or flat, rows of one verdict, epoch or ISO days, and adds up a day given twice', () => {
    const answer = readReport(
      {
        data: {
          totalMessages: 9,
          aggregations: [
            { timestamp: '2026-11-09T00:00:00.000000000Z', verdicts: { BEC: 1 } },
            { date: '2026-11-09', phishing: 2, total: 3 },
            { key: Date.UTC(2026, 10, 10) / 1000, verdict: 'Scam', count: 4 },
            { time: Date.UTC(2026, 10, 11), counts: { malicious: 2 } }
          ]
        }
      },
      'verdicts'
    )
    expect(answer).toEqual({
      days: [
        { day: '2026-11-09', counts: { bec: 1, phishing: 2 } },
        { day: '2026-11-10', counts: { scam: 4 } },
        { day: '2026-11-11', counts: { malicious: 2 } }
      ],
      totalMessages: 9,
      missing: []
    })
  })

  it('names what it cannot find, and never throws', () => {
    expect(readReport({ data: { aggregations: [{ counts: { bec: 1 } }, 'x'] } }, 'retroVerdicts')).toEqual({
      days: [],
      missing: ['retroVerdicts: totalMessages', 'retroVerdicts: the day of 2 aggregations']
    })
    expect(readReport('not an object', 'verdicts').missing).toEqual([
      'verdicts: totalMessages',
      'verdicts: aggregations'
    ])
    expect(readReport({ totalMessages: 3, aggregations: [] }, 'directions')).toEqual({
      days: [],
      totalMessages: 3,
      missing: []
    })
    expect(readTop({ data: {} }, 'threatSenders')).toEqual({ rows: [], missing: ['threatSenders: topThreatSenders'] })
    expect(
      readTop(
        { data: { topThreatSenders: [{ sender: 'x@evil.example', total: 7 }, { bec: 1 }, null] } },
        'threatSenders'
      )
    ).toEqual({
      rows: [{ address: 'x@evil.example', counts: {}, total: 7 }],
      missing: ['threatSenders: the address of 2 rows']
    })
  })
})

describe("input 'report'", () => {
  const { parsed, errorOf } = inputParser((input) => parseConfig(input), {
    'etd-api-key': 'k',
    'etd-client-id': 'id',
    'etd-client-secret': 's',
    notify: 'none'
  })

  it('is empty for the watch, or weekly', () => {
    expect(parsed({}).report).toBeUndefined()
    expect(parsed({ report: ' Weekly ' }).report).toBe('weekly')
  })

  it('refuses anything else in one line, with a guess, and refuses to be set with send-test', () => {
    expect(errorOf({ report: 'weekyl' })).toBe(
      "Input 'report' is 'weekyl'; expected weekly, or nothing for the watch. Did you mean 'weekly'?"
    )
    expect(errorOf({ report: 'weekly', 'send-test': 'true' })).toBe(
      "Inputs 'send-test' and 'report' are both set; a run does one of them: set one in its own workflow step."
    )
  })
})
