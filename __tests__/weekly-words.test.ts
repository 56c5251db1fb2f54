import { describe, expect, it } from '@jest/globals'
import { formatDays } from '../src/common/format.js'
import {
  changeWords,
  dayLabel,
  daySeries,
  followWords,
  gapWords,
  healthWords,
  laterWords,
  MAX_VERDICT_SERIES,
  minutesWords,
  missingWords,
  partialWords,
  recordNotes,
  trendWords,
  verdictRows,
  watchedHeadline,
  weeklyTitle
} from '../src/notify/text/weekly.js'
import { weeklyReport, WEEK_START } from './helpers/weekly-report.js'

// The weekly report's words, from numbers written down by hand.
describe('trend words', () => {
  it.each([
    [{ current: 42, previous: 37 }, 'up 14%', 'up 14% on the week before (37)'],
    [{ current: 29, previous: 30 }, 'down 3%', 'down 3% on the week before (30)'],
    [{ current: 10, previous: 5 }, 'up 100%', 'up 100% on the week before (5)'],
    [{ current: 0, previous: 12 }, 'down 100%', 'down 100% on the week before (12)'],
    [{ current: 1001, previous: 1000 }, 'up less than 1%', 'up less than 1% on the week before (1,000)'],
    [{ current: 2500, previous: 100 }, 'up 2,400%', 'up 2,400% on the week before (100)'],
    [{ current: 7, previous: 7 }, 'same', 'the same as the week before'],
    [{ current: 0, previous: 0 }, 'none either', 'none the week before either'],
    [{ current: 4, previous: 0 }, 'new', 'up from none the week before'],
    [{ current: 4, previous: null }, 'not known', 'the week before is not known']
  ])('%j: %s, %s', (trend, change, words) => {
    expect(changeWords(trend)).toBe(change)
    expect(trendWords(trend)).toBe(words)
  })
})

describe('durations', () => {
  it.each([
    [0, '0 minutes'],
    [1, '1 minute'],
    [59.4, '59 minutes'],
    [60, '1 h'],
    [95, '1 h 35 min'],
    [47 * 60 + 59, '47 h 59 min'],
    [48 * 60, '2 days'],
    [3 * 24 * 60 + 5 * 60 + 10, '3 days 5 h']
  ])('%d minutes read "%s"', (minutes, words) => expect(minutesWords(minutes)).toBe(words))
})

describe('the period', () => {
  it('is days from midnight to midnight in the zone, else its exact bounds', () => {
    const week = { start: WEEK_START, end: WEEK_START + 7 * 86_400_000 }
    expect(formatDays(week, 'UTC')).toBe('2026-11-23 – 2026-11-29 UTC')
    expect(formatDays(week, 'Europe/Zurich')).toBe('2026-11-23 01:00 – 2026-11-30 01:00 Europe/Zurich')
    const zurich = { start: WEEK_START - 3_600_000, end: WEEK_START + 7 * 86_400_000 - 3_600_000 }
    expect(formatDays(zurich, 'Europe/Zurich')).toBe('2026-11-23 – 2026-11-29 Europe/Zurich')
    expect(formatDays({ start: WEEK_START, end: WEEK_START + 86_400_000 }, 'UTC')).toBe('2026-11-23 UTC')
  })

  it('names days by weekday, and shows anything else as cleaned text', () => {
    expect(dayLabel('2026-11-23')).toBe('Mon 11-23')
    expect(dayLabel('2026-11-29')).toBe('Sun 11-29')
    expect(dayLabel('2026-02-30x')).toBe('2026-02-30x')
    expect(dayLabel('evil.example\n')).toBe('evil[.]example')
  })
})

describe('the sentences', () => {
  const report = weeklyReport()

  it('title and headline: counts, mailboxes, the trend', () => {
    expect(weeklyTitle(report)).toBe(
      'ETD weekly report 2026-11-23 – 2026-11-29 UTC: 42 convictions, up 14% on the week before (37)'
    )
    expect(watchedHeadline(report)).toBe(
      '42 convictions to the 3 watched mailboxes in the week 2026-11-23 – 2026-11-29 UTC, up 14% on the week before (37).'
    )
    const one = weeklyReport({ watched: { ...report.watched, mailboxes: 1, total: { current: 1, previous: 1 } } })
    expect(watchedHeadline(one)).toBe(
      '1 conviction to the 1 watched mailbox in the week 2026-11-23 – 2026-11-29 UTC, the same as the week before.'
    )
  })

  it('what stayed in an inbox, and what the watch saw of it', () => {
    expect(followWords(report)).toBe(
      '8 convictions were still in an inbox when told; the watch later saw 6 of them leave it, after a median of 1 h 35 min; 1 it could not follow further (older than its rescan range).'
    )
    const w = report.watched
    const one = { ...w, inInboxWhenTold: 1, leftInbox: 0, medianMinutesToLeave: null, notFollowed: 0 }
    expect(followWords(weeklyReport({ watched: one }))).toBe(
      '1 conviction was still in an inbox when told; the watch later saw 0 of them leave it.'
    )
    expect(followWords(weeklyReport({ watched: { ...w, inInboxWhenTold: 0 } }))).toBe(
      'None was still in an inbox when told.'
    )
  })

  it('late verdicts, releases, and the watch health', () => {
    expect(laterWords(report)).toBe(
      '2 late (retro) verdicts (9 in the whole tenant); 1 conviction later released by an administrator.'
    )
    expect(laterWords(weeklyReport({ tenant: { ...report.tenant, retroVerdicts: null } }))).toBe(
      '2 late (retro) verdicts; 1 conviction later released by an administrator.'
    )
    expect(healthWords(report)).toBe(
      '1,008 watch runs, 2 failed; 2,100 of 7,000 ETD requests used (30%); 7 deep rescans.'
    )
    const h = { runs: 1, failures: 0, etdRequests: 0, etdBudget: 0, deepScans: 1 }
    expect(healthWords(weeklyReport({ health: h }))).toBe(
      '1 watch run, 0 failed; 0 of 0 ETD requests used; 1 deep rescan.'
    )
  })

  it('gaps and what ETD did not answer are said, this week apart from the week before', () => {
    expect(gapWords(report)).toBeUndefined()
    expect(missingWords(report)).toBeUndefined()
    const gaps = ['2026-11-25', '2026-11-18', '2026-11-24', '2026-11-16']
    expect(gapWords(weeklyReport({ watched: { ...report.watched, gaps } }))).toBe(
      "The watch's state holds nothing for 2026-11-24 and 2026-11-25 (this week) and 2026-11-16 and 2026-11-18 (the week before), most likely a lost cache: those days are left out of the counts, charts and trends, not counted as none."
    )
    expect(gapWords(weeklyReport({ watched: { ...report.watched, gaps: ['2026-11-20'] } }))).toBe(
      "The watch's state holds nothing for 2026-11-20 (the week before), most likely a lost cache: those days are left out of the counts, charts and trends, not counted as none."
    )
    const missing = ['top targets', 'retro verdicts', 'see https://evil.example']
    expect(missingWords(weeklyReport({ tenant: { ...report.tenant, missing } }))).toBe(
      'ETD did not answer for the tenant: top targets, retro verdicts and see hxxps://evil[.]example; that part is left out.'
    )
  })
})

describe('days counted only from a first run on', () => {
  it('are said, one day or several, after the gaps', () => {
    const report = weeklyReport()
    expect(partialWords(report)).toBeUndefined()
    expect(recordNotes(report)).toEqual([])
    const one = weeklyReport({ watched: { ...report.watched, partialDays: ['2026-11-23'] } })
    expect(partialWords(one)).toBe(
      "The watch's record of 2026-11-23 began with a run that had no earlier state (a first run, or a lost cache): convictions before that run on that day are not counted."
    )
    const two = weeklyReport({
      watched: { ...report.watched, gaps: ['2026-11-20'], partialDays: ['2026-11-25', '2026-11-21'] }
    })
    const notes = recordNotes(two)
    expect(notes).toHaveLength(2)
    expect(notes[0]).toMatch(/^The watch's state holds nothing for 2026-11-20 \(the week before\)/)
    expect(notes[1]).toBe(
      "The watch's record of 2026-11-21 and 2026-11-25 began with a run that had no earlier state (a first run, or a lost cache): convictions before that run on those days are not counted."
    )
  })
})

describe('the series the charts draw', () => {
  it('stacks the days by verdict, threats first, leaving out the days the state has no record of', () => {
    const series = daySeries(weeklyReport().watched.days, ['2026-11-25'])
    expect(series.keys).toEqual(['bec', 'scam', 'phishing'])
    expect(series.names).toEqual(['BEC', 'scam', 'phishing'])
    expect(series.days.map((d) => d.label)).toEqual([
      'Mon 11-23',
      'Tue 11-24',
      'Thu 11-26',
      'Fri 11-27',
      'Sat 11-28',
      'Sun 11-29'
    ])
    expect(series.days.map((d) => d.counts)).toEqual([
      [3, 0, 5],
      [1, 1, 4],
      [2, 2, 3],
      [4, 0, 6],
      [0, 0, 0],
      [0, 0, 4]
    ])
  })

  it('sums the verdicts past the limit as other verdicts', () => {
    const byVerdict = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`v${i}`, i + 1]))
    const series = daySeries([{ day: '2026-11-23', byVerdict, total: 45 }])
    expect(series.keys).toHaveLength(MAX_VERDICT_SERIES)
    // Most first among verdicts ETD does not list: v8 (9) … v4 (5), then the rest, 4 + 3 + 2 + 1.
    expect(series.keys).toEqual(['v8', 'v7', 'v6', 'v5', 'v4', ''])
    expect(series.names.at(-1)).toBe('other verdicts')
    expect(series.days[0].counts).toEqual([9, 8, 7, 6, 5, 10])
  })

  it('orders verdicts most first, threats first among equals', () => {
    const rows = verdictRows({
      spam: { current: 3, previous: 1 },
      phishing: { current: 3, previous: null },
      bec: { current: 9, previous: 2 }
    })
    expect(rows.map((r) => r.name)).toEqual(['BEC', 'phishing', 'spam'])
  })
})
