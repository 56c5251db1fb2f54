import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../src/config/config.js'
import { clockTime, count, formatTime, formatWindow, plural } from '../src/common/format.js'
import { batchHeadline, verdictCounts } from '../src/notify/text/format.js'
import { emptyTotals } from '../src/notify/text/rows.js'
import { inputParser } from './helpers/inputs.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

describe('time-zone input', () => {
  const { parsed, errorOf } = inputParser((input) => parseConfig(input), {
    'etd-api-key': 'k',
    'etd-client-id': 'id',
    'etd-client-secret': 's',
    notify: 'none'
  })

  it('is UTC by default and takes an IANA name in its canonical spelling', () => {
    expect(parsed({}).timeZone).toBe('UTC')
    expect(parsed({ 'time-zone': ' Europe/Zurich ' }).timeZone).toBe('Europe/Zurich')
    expect(parsed({ 'time-zone': 'america/new_york' }).timeZone).toBe('America/New_York')
  })

  const expected = 'expected an IANA time zone such as UTC, Europe/Zurich or America/New_York.'

  it.each([
    ['Mars/Olympus_Mons', ''],
    ['Europe/Zürich', " Did you mean 'Europe/Zurich'?"]
  ])('refuses %p in one line naming the input, with the zone meant when one is near', (zone, guess) => {
    expect(errorOf({ 'time-zone': zone })).toBe(`Input 'time-zone' is '${zone}'; ${expected}${guess}`)
  })

  it('refuses an abbreviation, which misses daylight saving time, naming a zone it stands for', () => {
    expect(errorOf({ 'time-zone': 'CEST' })).toBe(
      `Input 'time-zone' is 'CEST', an abbreviation that names no place and misses daylight saving time; ${expected} Did you mean 'Europe/Berlin'?`
    )
  })
})

describe('formatTime', () => {
  it('shows the minute in the zone and names the zone', () => {
    expect(formatTime(Date.UTC(2026, 10, 28, 16, 1, 59, 999), 'UTC')).toBe('2026-11-28 16:01 UTC')
    expect(formatTime(Date.UTC(2026, 10, 28, 16, 1), 'Europe/Zurich')).toBe('2026-11-28 17:01 Europe/Zurich')
    expect(formatTime(Date.UTC(2026, 10, 28, 16, 1), 'Asia/Kolkata')).toBe('2026-11-28 21:31 Asia/Kolkata')
  })

  it('follows daylight saving time: Zurich is UTC+2 in summer, New York skips 02:00 on 8 March 2026', () => {
    expect(formatTime(Date.UTC(2026, 6, 1, 12, 0), 'Europe/Zurich')).toBe('2026-07-01 14:00 Europe/Zurich')
    expect(formatTime(Date.UTC(2026, 2, 8, 6, 59), 'America/New_York')).toBe('2026-03-08 01:59 America/New_York')
    expect(formatTime(Date.UTC(2026, 2, 8, 7, 0), 'America/New_York')).toBe('2026-03-08 03:00 America/New_York')
  })

  it('writes midnight as 00:00 of the next day, never 24:00', () => {
    expect(formatTime(Date.UTC(2026, 10, 28, 23, 0), 'Europe/Zurich')).toBe('2026-11-29 00:00 Europe/Zurich')
  })
})

describe('formatWindow', () => {
  const start = Date.UTC(2026, 10, 28, 22, 30, 37)
  const window = { start, end: start + HOUR }

  it('names the date once when the window stays within a day of the zone', () => {
    expect(formatWindow(window, 'UTC')).toBe('2026-11-28 22:30–23:30 UTC')
  })

  it('names both dates when it spans midnight in the zone', () => {
    expect(formatWindow(window, 'Europe/Zurich')).toBe('2026-11-28 23:30 – 2026-11-29 00:30 Europe/Zurich')
  })

  it('shows the hours the clocks in the zone showed, across the end of summer time', () => {
    // 25 October 2026: at 03:00 CEST the clocks in Zurich go back to 02:00 CET.
    const overChange = { start: Date.UTC(2026, 9, 24, 23, 30), end: Date.UTC(2026, 9, 25, 2, 30) }
    expect(formatWindow(overChange, 'Europe/Zurich')).toBe('2026-10-25 01:30–03:30 Europe/Zurich')
  })
})

describe('clockTime', () => {
  const now = Date.UTC(2026, 10, 28, 22, 0)

  it('leaves the date out on the day of now in the zone', () => {
    expect(clockTime(Date.UTC(2026, 10, 28, 23, 30), now, 'UTC')).toBe('23:30 UTC')
    expect(clockTime(Date.UTC(2026, 10, 28, 22, 30), now, 'Europe/Zurich')).toBe('23:30 Europe/Zurich')
  })

  it('names the date on another day in the zone', () => {
    // Already the 29th in Zurich, still the 28th in UTC.
    expect(clockTime(Date.UTC(2026, 10, 28, 23, 30), now, 'Europe/Zurich')).toBe('2026-11-29 00:30 Europe/Zurich')
    expect(clockTime(Date.UTC(2026, 10, 29, 0, 0), now, 'UTC')).toBe('2026-11-29 00:00 UTC')
  })
})

describe('counts and headlines', () => {
  it('groups thousands and picks the singular for one', () => {
    expect(count(1234567)).toBe('1,234,567')
    expect(plural(1, 'conviction')).toBe('1 conviction')
    expect(plural(0, 'conviction')).toBe('0 convictions')
    expect(plural(2000, 'entry', 'entries')).toBe('2,000 entries')
  })

  it('says what a batch holds, verdicts most frequent first and ties alphabetical', () => {
    const totals = {
      ...emptyTotals(),
      total: 6,
      changes: 1,
      verdicts: new Map([
        ['phishing', 1],
        ['BEC', 3],
        ['scam', 1],
        ['malicious', 1]
      ])
    }
    expect(batchHeadline(totals)).toBe('5 new convictions, 1 verdict change')
    expect(verdictCounts(totals)).toBe('3 BEC, 1 malicious, 1 phishing, 1 scam')
    expect(batchHeadline({ ...totals, total: 1, changes: 1 })).toBe('1 verdict change')
    expect(batchHeadline({ ...totals, total: 1, changes: 0 })).toBe('1 new conviction')
    const large = { ...totals, total: 1234, changes: 0, verdicts: new Map([['BEC', 1234]]) }
    expect(`${batchHeadline(large)}: ${verdictCounts(large)}`).toBe('1,234 new convictions: 1,234 BEC')
  })
})
