import { describe, expect, it } from '@jest/globals'
import {
  cronInterval,
  foldRate,
  reserveForRuns,
  scheduledRunsWith,
  searchRequests,
  tallyRequests
} from '../src/window/budget.js'
import { formatDuration } from '../src/common/duration.js'
import { chunkWindow, ledgerAfter, MAX_CHUNK_MS, planSearch } from '../src/window/plan.js'

const NOW = Date.UTC(2026, 10, 27, 11, 7, 30, 250)
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const at = (iso: string) => Date.parse(iso)
const END = at('2026-11-27T11:02:30Z')

const settings = {
  lookbackMs: HOUR,
  rescanMs: DAY,
  rescanEveryMs: 6 * HOUR,
  settleDelayMs: 5 * MINUTE,
  dailyRequestBudget: 2000,
  backfillMs: 0
}
const noBudgetHistory = { usedToday: 0 }

/** The plan of a state whose record of searched time runs from `since`, its horizon, to the watermark. */
const searchedSince = (
  since: number,
  backfill: typeof settings,
  state: { watermark: number; deepScanAt: number; budget: Parameters<typeof planSearch>[2]['budget'] }
) => planSearch(NOW, backfill, { ...state, horizon: since, searched: [[since, state.watermark]] })

describe('planSearch without state', () => {
  it('ends settle-delay before now and spans lookback, in whole seconds, with no deep rescan', () => {
    const plan = planSearch(NOW, settings, { budget: noBudgetHistory })
    expect(plan.window).toEqual({ start: at('2026-11-27T10:02:30Z'), end: END })
    expect(plan.fresh).toEqual(plan.window)
    expect(plan.deep).toEqual({ kind: 'first-run' })
    expect(plan.startSetBy).toBe('lookback')
    expect(plan.clampedFrom).toBeUndefined()
  })

  it('keeps a day inside ETD’s 90 days, and says where it wanted to start', () => {
    const plan = planSearch(NOW, { ...settings, lookbackMs: 120 * DAY, settleDelayMs: 0 }, { budget: noBudgetHistory })
    expect(plan.clampedFrom).toBe(at('2026-07-30T11:07:30Z'))
    // 89 days before now, rounded to the second, plus one second.
    expect(plan.window.start).toBe(at('2026-08-30T11:07:31Z'))
  })

  it('says nothing of clamping when the lookback reaches exactly the oldest start', () => {
    const lookbackMs = at('2026-11-27T11:07:30Z') - at('2026-08-30T11:07:31Z')
    const plan = planSearch(NOW, { ...settings, lookbackMs, settleDelayMs: 0 }, { budget: noBudgetHistory })
    expect(plan.window.start).toBe(at('2026-08-30T11:07:31Z'))
    expect(plan.clampedFrom).toBeUndefined()
  })
})

describe('planSearch with state', () => {
  const watermark = at('2026-11-27T10:52:30Z')

  it('searches only the fresh window, from 5 minutes before the watermark, while no deep rescan is due', () => {
    const deepScanAt = at('2026-11-27T06:00:00Z')
    const searched = [[at('2026-11-01T00:00:00Z'), watermark]] as const
    const plan = planSearch(NOW, settings, { watermark, deepScanAt, searched, budget: noBudgetHistory })
    expect(plan.window).toEqual({ start: at('2026-11-27T10:47:30Z'), end: END })
    expect(plan.deep).toEqual({ kind: 'not-due', dueAt: at('2026-11-27T12:00:00Z') })
    expect(plan.startSetBy).toBe('watermark')
    expect(plan.nextDeepScan).toBe(at('2026-11-27T12:00:00Z'))
  })

  it('reaches back the rescan range from the last deep rescan when the next is due', () => {
    const deepScanAt = at('2026-11-27T05:02:30Z')
    const plan = planSearch(NOW, settings, {
      watermark,
      deepScanAt,
      budget: { usedToday: 500, ratePerHour: 540, intervalMs: 10 * MINUTE }
    })
    // A day before the last deep rescan: a verdict given a day after delivery, just after it, is still seen.
    expect(plan.window).toEqual({ start: at('2026-11-26T05:02:30Z'), end: END })
    expect(plan.fresh).toEqual({ start: at('2026-11-27T10:47:30Z'), end: END })
    // 29h45m at 540 an hour: 16,065 messages, 161 pages.
    expect(plan.deep).toEqual({ kind: 'full', start: at('2026-11-26T05:02:30Z'), estimate: 161 })
    expect(plan.startSetBy).toBe('rescan')
    expect(plan.nextDeepScan).toBe(at('2026-11-27T17:02:30Z'))
  })

  it('runs the deep rescan every time with rescan-every 0, and at once after an upgrade from format 1', () => {
    const every = planSearch(
      NOW,
      { ...settings, rescanEveryMs: 0 },
      { watermark, deepScanAt: END, budget: noBudgetHistory }
    )
    expect(every.deep.kind).toBe('full')
    const upgraded = planSearch(NOW, settings, { watermark, budget: noBudgetHistory })
    expect(upgraded.deep).toEqual({ kind: 'full', start: at('2026-11-26T11:02:30Z') })
  })

  it('postpones a deep rescan that does not fit in what is left of today, until midnight UTC', () => {
    const plan = planSearch(NOW, settings, {
      watermark,
      budget: { usedToday: 1700, ratePerHour: 540, intervalMs: 10 * MINUTE }
    })
    // Left: 2000 - 1700 - this run (1 token + 2 pages for 15 minutes) - 77 runs to midnight x 3 = 66.
    expect(plan.deep).toEqual({ kind: 'postponed', estimate: 129, available: 66, retryAt: at('2026-11-28T00:00:00Z') })
    expect(plan.window).toEqual(plan.fresh)
    expect(plan.nextDeepScan).toBe(at('2026-11-28T00:00:00Z'))
  })

  it('cuts a deep rescan that no day’s budget can hold to its newest part that fits today', () => {
    const budget = { ratePerHour: 540, intervalMs: 10 * MINUTE }
    // A whole day holds 500 - 144 runs x 3 = 68 requests for deep rescans: never the 129 this one needs.
    const tight = { ...settings, dailyRequestBudget: 500 }
    // Early in the day what is left still holds it whole: 500 - 3 - 77 x 3 = 266.
    expect(planSearch(NOW, tight, { watermark, budget: { ...budget, usedToday: 0 } }).deep.kind).toBe('full')
    const late = planSearch(NOW, tight, { watermark, budget: { ...budget, usedToday: 240 } })
    // 500 - 240 - 3 - 231 = 26 pages of 100 at 540 an hour: 4h48m53s before the fresh window.
    expect(late.deep).toEqual({
      kind: 'cut',
      start: at('2026-11-27T05:58:36Z'),
      wantedStart: at('2026-11-26T11:02:30Z'),
      estimate: 129,
      available: 26
    })
    expect(late.window.start).toBe(at('2026-11-27T05:58:36Z'))
  })

  it('starts at the watermark however long ago it was, clamped a day inside 90 days', () => {
    const plan = planSearch(NOW, settings, { watermark: NOW - 100 * DAY, deepScanAt: NOW, budget: noBudgetHistory })
    expect(plan.clampedFrom).toBe(at('2026-08-19T11:02:30Z'))
    expect(plan.window.start).toBe(at('2026-08-30T11:07:31Z'))
  })

  it('never starts after it ends, even with a watermark in the future', () => {
    const plan = planSearch(
      NOW,
      { ...settings, rescanMs: 0 },
      { watermark: NOW + HOUR, deepScanAt: END, budget: noBudgetHistory }
    )
    expect(plan.window).toEqual({ start: at('2026-11-27T10:57:30Z'), end: END })
  })

  it('needs no extra request when the rescan range lies within the fresh window', () => {
    const budget = { usedToday: 1999, ratePerHour: 540, intervalMs: 10 * MINUTE }
    for (const rescanMs of [15 * MINUTE, 10 * MINUTE]) {
      const plan = planSearch(NOW, { ...settings, rescanMs }, { watermark, budget })
      expect(plan.deep).toEqual({ kind: 'full', start: END - rescanMs, estimate: 0 })
      expect(plan.window).toEqual({ start: at('2026-11-27T10:47:30Z'), end: END })
      expect(plan.startSetBy).toBe('watermark')
    }
  })

  describe('at the edges of the budget (129 pages wanted, 3 for this run, 77 runs x 3 to midnight)', () => {
    const budget = { ratePerHour: 540, intervalMs: 10 * MINUTE }
    const deepOf = (dailyRequestBudget: number, usedToday: number) =>
      planSearch(NOW, { ...settings, dailyRequestBudget }, { watermark, budget: { ...budget, usedToday } }).deep
    const wantedStart = at('2026-11-26T11:02:30Z')
    const retryAt = at('2026-11-28T00:00:00Z')

    it('runs in full when what is left is exactly what it needs', () => {
      // 2000 - 1637 - 3 - 231 = 129.
      expect(deepOf(2000, 1637)).toEqual({ kind: 'full', start: wantedStart, estimate: 129 })
      expect(deepOf(2000, 1638)).toEqual({ kind: 'postponed', estimate: 129, available: 128, retryAt })
    })

    it('is postponed, not cut, when the first run of a new day holds exactly what it needs', () => {
      // That run: 564 - 144 runs x 3 - its own 3 = 129; left today: 564 - 303 - 3 - 231 = 27.
      expect(deepOf(564, 303)).toEqual({ kind: 'postponed', estimate: 129, available: 27, retryAt })
      // One less, and it is cut: 27 pages of 100 at 540 an hour are 5h (plus the rounding to a second).
      expect(deepOf(563, 302)).toEqual({
        kind: 'cut',
        start: at('2026-11-27T05:47:30Z'),
        wantedStart,
        estimate: 129,
        available: 27
      })
    })

    it('is postponed only if it still fits then, when its window has grown by the hours it waited', () => {
      const deepOf = (dailyRequestBudget: number) =>
        planSearch(
          NOW,
          { ...settings, dailyRequestBudget },
          { watermark, deepScanAt: at('2026-11-27T05:02:30Z'), budget: { ...budget, usedToday: 300 } }
        ).deep
      // 161 pages now; at midnight 42h37m30s from a day before the last deep rescan: 231 pages, which
      // 666 - 144 runs x 3 - 3 holds.
      expect(deepOf(666)).toEqual({ kind: 'postponed', estimate: 161, available: 132, retryAt })
      expect(deepOf(665)).toMatchObject({ kind: 'cut', estimate: 161, available: 131 })
    })

    it('is postponed when nothing is left today, even though no day could hold it', () => {
      // 500 - 266 - 3 - 231 = 0; with 300 used, 34 short.
      expect(deepOf(500, 266)).toEqual({ kind: 'postponed', estimate: 129, available: 0, retryAt })
      expect(deepOf(500, 300)).toEqual({ kind: 'postponed', estimate: 129, available: 0, retryAt })
    })
  })
})

describe('planSearch with backfill', () => {
  const watermark = at('2026-11-27T10:52:30Z')
  const deepScanAt = at('2026-11-27T06:00:00Z')
  const horizon = at('2026-11-20T00:00:00Z')
  const searched = [[horizon, watermark]] as const
  const backfill = { ...settings, backfillMs: 14 * DAY }
  // 300 messages an hour: 14 days are 1,008 pages in one chunk, and a token.
  const budget = { usedToday: 100, ratePerHour: 300, intervalMs: 10 * MINUTE }

  it('is a longer lookback without state', () => {
    const plan = planSearch(NOW, backfill, { budget: noBudgetHistory })
    expect(plan.window.start).toBe(END - 14 * DAY)
    expect(plan.startSetBy).toBe('backfill')
    expect(plan.backfill).toBeUndefined()
  })

  it('reaches back 14 days with state, costed in requests, when today has room', () => {
    const plan = planSearch(
      NOW,
      { ...backfill, dailyRequestBudget: 10_000 },
      { watermark, horizon, deepScanAt, searched, budget }
    )
    expect(plan.backfill).toEqual({ kind: 'run', start: END - 14 * DAY, estimate: 1009 })
    expect(plan.window).toEqual({ start: END - 14 * DAY, end: END })
    expect(plan.fresh.start).toBe(at('2026-11-27T10:47:30Z'))
    expect(plan.startSetBy).toBe('backfill')
  })

  it('waits for the next UTC day when only tomorrow has room, and searches as usual today', () => {
    // 2,000 a day less 144 fresh runs of a token and a page leaves 1,712: enough tomorrow, not today.
    const plan = planSearch(NOW, backfill, {
      watermark,
      horizon,
      deepScanAt,
      searched,
      budget: { ...budget, usedToday: 900 }
    })
    expect(plan.backfill).toMatchObject({ kind: 'postponed', estimate: 1009, retryAt: at('2026-11-28T00:00:00Z') })
    expect(plan.window.start).toBe(at('2026-11-27T10:47:30Z'))
  })

  it('does not run when no day has room for it', () => {
    const plan = planSearch(
      NOW,
      { ...backfill, backfillMs: 60 * DAY },
      { watermark, horizon, deepScanAt, searched, budget }
    )
    expect(plan.backfill?.kind).toBe('refused')
    expect(plan.window.start).toBe(at('2026-11-27T10:47:30Z'))
  })

  it('has nothing to do once the record of searched time reaches back past its start', () => {
    const since = END - 15 * DAY
    const plan = searchedSince(since, backfill, { watermark, deepScanAt, budget })
    expect(plan.backfill).toEqual({ kind: 'covered', since })
    expect(plan.window.start).toBe(at('2026-11-27T10:47:30Z'))
  })

  it('is named as given', () => {
    expect([14 * DAY, 36 * HOUR, 90 * MINUTE, 45_000].map(formatDuration)).toEqual(['14d', '36h', '90m', '45s'])
  })

  describe('at its edges', () => {
    // No run interval known, so nothing is kept back for later runs: today has the budget less what was used.
    // 14 days at 300 an hour are 100,800 messages: 1,008 pages and a token.
    const plan = (dailyRequestBudget: number, usedToday: number) =>
      planSearch(
        NOW,
        { ...backfill, dailyRequestBudget },
        { watermark, horizon, deepScanAt, searched, budget: { usedToday, ratePerHour: 300 } }
      )

    it('runs when its cost is exactly what today has left, and waits when one request short', () => {
      expect(plan(1109, 100).backfill).toEqual({ kind: 'run', start: END - 14 * DAY, estimate: 1009 })
      expect(plan(1108, 100).backfill).toEqual({
        kind: 'postponed',
        start: END - 14 * DAY,
        estimate: 1009,
        available: 1008,
        retryAt: at('2026-11-28T00:00:00Z')
      })
    })

    it('waits when a whole day has exactly its cost, and says none is left today when the day is overspent', () => {
      expect(plan(1009, 500).backfill?.kind).toBe('postponed')
      expect(plan(1500, 1600).backfill).toMatchObject({ kind: 'postponed', available: 0 })
      expect(plan(1008, 0).backfill).toEqual({
        kind: 'refused',
        start: END - 14 * DAY,
        estimate: 1009,
        dayCapacity: 1008
      })
    })

    it('runs uncosted when the state knows no rate yet', () => {
      const unknown = planSearch(NOW, backfill, { watermark, horizon, deepScanAt, searched, budget: { usedToday: 0 } })
      expect(unknown.backfill).toEqual({ kind: 'run', start: END - 14 * DAY })
    })

    it('has nothing to do when the record of searched time begins exactly at its start', () => {
      const since = END - 14 * DAY
      const done = searchedSince(since, backfill, { watermark, deepScanAt, budget: { usedToday: 0 } })
      expect(done.backfill).toEqual({ kind: 'covered', since: END - 14 * DAY })
    })

    it('is no backfill at all when not asked for', () => {
      expect(
        planSearch(NOW, settings, { watermark, horizon, deepScanAt, searched, budget: { usedToday: 0 } })
      ).not.toHaveProperty('backfill')
    })

    it('names what set the start: the backfill only when it runs and reaches furthest back', () => {
      // Without state, a backfill no longer than lookback leaves lookback in charge.
      expect(planSearch(NOW, { ...settings, backfillMs: HOUR }, { budget: noBudgetHistory }).startSetBy).toBe(
        'lookback'
      )
      // Put off to tomorrow: today's window starts at the watermark.
      expect(plan(1108, 100).startSetBy).toBe('watermark')
      // With the deep rescan due (a day back: none has run since an upgrade) and the watch begun 6 hours ago, a
      // 12-hour backfill runs inside it: the rescan set the start; a one-day backfill starts exactly where the
      // rescan does, and is named.
      const due = {
        watermark,
        horizon: END - 6 * HOUR,
        searched: [[END - 6 * HOUR, watermark]] as const,
        budget: { usedToday: 0, ratePerHour: 300 }
      }
      const inside = planSearch(NOW, { ...settings, backfillMs: 12 * HOUR, dailyRequestBudget: 10_000 }, due)
      expect(inside.backfill?.kind).toBe('run')
      expect(inside.startSetBy).toBe('rescan')
      expect(planSearch(NOW, { ...settings, backfillMs: DAY, dailyRequestBudget: 10_000 }, due).startSetBy).toBe(
        'backfill'
      )
    })
  })
})

describe('planSearch with a record of searched time', () => {
  const NOW = Date.UTC(2026, 10, 27, 11, 7, 30)
  const watermark = END - 10 * MINUTE
  const memory = { watermark, horizon: END - 30 * DAY, deepScanAt: END - HOUR, budget: { usedToday: 0 } }

  it('searches only the fresh window when the record holds everything before it', () => {
    const plan = planSearch(NOW, settings, { ...memory, searched: [[END - 30 * DAY, watermark]] })
    expect(plan.deep.kind).toBe('not-due')
    expect(plan.window.start).toBe(watermark - 5 * MINUTE)
    expect(plan).not.toHaveProperty('resumeFrom')
  })

  it('resumes from the oldest gap an earlier run left, before anything newer', () => {
    const plan = planSearch(NOW, settings, {
      ...memory,
      searched: [
        [END - 30 * DAY, END - 5 * DAY],
        [END - 4 * DAY, END - 3 * HOUR]
      ]
    })
    expect(plan.resumeFrom).toBe(END - 5 * DAY)
    expect(plan.window.start).toBe(END - 5 * DAY)
    expect(plan.startSetBy).toBe('resume')
    expect(plan.deep.kind).toBe('not-due')
  })

  it('holds the deep rescan due while the record does not reach back over the last rescan, or to the horizon', () => {
    const short = planSearch(NOW, settings, { ...memory, searched: [[END - 3 * HOUR, watermark]] })
    // From rescan before the last deep rescan's end, as every deep rescan starts.
    expect(short.deep).toEqual({ kind: 'full', start: END - HOUR - DAY })
    const young = planSearch(NOW, settings, {
      ...memory,
      horizon: END - 3 * HOUR,
      searched: [[END - 3 * HOUR, watermark]]
    })
    expect(young.deep.kind).toBe('not-due')
  })

  it('starts a backfill at the oldest part the record does not hold, and says since when it searched when it holds all', () => {
    const backfill = { ...settings, backfillMs: 10 * DAY }
    const partly = planSearch(NOW, backfill, {
      ...memory,
      searched: [
        [END - 20 * DAY, END - 8 * DAY],
        [END - 7 * DAY, watermark]
      ]
    })
    expect(partly.backfill).toEqual({ kind: 'run', start: END - 8 * DAY })
    expect(partly.window.start).toBe(END - 8 * DAY)
    const whole = planSearch(NOW, backfill, { ...memory, searched: [[END - 20 * DAY, watermark]] })
    expect(whole.backfill).toEqual({ kind: 'covered', since: END - 20 * DAY })
    // No record (a state from before it): the whole range, whatever the horizon claims.
    const none = planSearch(NOW, backfill, memory)
    expect(none.backfill).toEqual({ kind: 'run', start: END - 10 * DAY })
  })

  it('still says where a backfill wanted to start when ETD’s reach moved it, with a record that does not hold it', () => {
    const plan = planSearch(
      NOW,
      { ...settings, backfillMs: 90 * DAY },
      { ...memory, searched: [[END - 20 * DAY, watermark]] }
    )
    expect(plan.clampedFrom).toBe(END - 90 * DAY)
    expect(plan.startSetBy).toBe('backfill')
  })
})

describe('budget arithmetic', () => {
  it('counts full pages, one at least', () => {
    expect(searchRequests(540, 10 * MINUTE)).toBe(1)
    expect(searchRequests(540, 15 * MINUTE)).toBe(2)
    expect(searchRequests(540, DAY)).toBe(130)
    expect(searchRequests(0, DAY)).toBe(1)
  })

  it('starts each UTC day from zero', () => {
    expect(tallyRequests(undefined, NOW, 3)).toEqual({ day: '2026-11-27', count: 3 })
    expect(tallyRequests({ day: '2026-11-27', count: 75 }, NOW, 3)).toEqual({ day: '2026-11-27', count: 78 })
    expect(tallyRequests({ day: '2026-11-26', count: 1999 }, NOW, 3)).toEqual({ day: '2026-11-27', count: 3 })
  })

  it('weighs a rate sample by the length of its window', () => {
    expect(foldRate(undefined, 90, 10 * MINUTE)).toBe(540)
    // Ten minutes against six hours of memory: 1/37 of the way from 540 to 1080.
    expect(foldRate(540, 180, 10 * MINUTE)).toBe(554.59)
    // A day: 4/5 of the way.
    expect(foldRate(540, 24 * 1080, DAY)).toBe(972)
    expect(foldRate(540, 5, 0)).toBe(540)
  })

  it('keeps enough for the fresh windows of the runs left today', () => {
    const view = { dailyBudget: 2000, usedToday: 0, ratePerHour: 540, intervalMs: 10 * MINUTE }
    expect(reserveForRuns(view, NOW, at('2026-11-28T00:00:00Z'), 5 * MINUTE)).toBe(77 * 3)
    expect(reserveForRuns({ ...view, intervalMs: undefined }, NOW, at('2026-11-28T00:00:00Z'), 5 * MINUTE)).toBe(0)
    expect(reserveForRuns({ ...view, ratePerHour: undefined }, NOW, at('2026-11-28T00:00:00Z'), 5 * MINUTE)).toBe(0)
  })
})

describe('the cadence of the scheduled runs', () => {
  const runsAt = (...minutes: number[]) => minutes.map((m) => NOW + m * MINUTE)

  it('is the median gap, which one late, dropped or bunched run does not move', () => {
    expect(cronInterval(runsAt(0, 10, 20, 30))).toBe(10 * MINUTE)
    // Late by 7 minutes, then the next on time: gaps 17 and 3 among tens.
    expect(cronInterval(runsAt(0, 10, 27, 30, 40, 50))).toBe(10 * MINUTE)
    // One dropped: a gap of 20 among tens.
    expect(cronInterval(runsAt(0, 10, 30, 40, 50))).toBe(10 * MINUTE)
    // An even count of gaps: the mean of the middle two.
    expect(cronInterval(runsAt(0, 10, 30))).toBe(15 * MINUTE)
    expect(cronInterval(runsAt(0, 60))).toBe(HOUR)
  })

  it("is never under GitHub's 5 minutes, and is 5 minutes until two scheduled runs are known", () => {
    expect(cronInterval(runsAt(0, 1, 2, 3))).toBe(5 * MINUTE)
    expect(cronInterval(runsAt(0, 5))).toBe(5 * MINUTE)
    expect(cronInterval(runsAt(0, 6))).toBe(6 * MINUTE)
    expect(cronInterval(runsAt(0))).toBe(5 * MINUTE)
    expect(cronInterval([])).toBe(5 * MINUTE)
  })

  it('adds a scheduled run, keeping the last eight, and leaves a manual run out', () => {
    const eight = runsAt(-80, -70, -60, -50, -40, -30, -20, -10)
    expect(scheduledRunsWith(eight, NOW, true)).toEqual([...eight.slice(1), NOW])
    expect(scheduledRunsWith(eight, NOW, false)).toEqual(eight)
    expect(scheduledRunsWith(undefined, NOW, true)).toEqual([NOW])
    expect(scheduledRunsWith(undefined, NOW, false)).toEqual([])
    // A clock set back: what seems to come after this run is dropped, so that the times stay in order.
    expect(scheduledRunsWith(runsAt(-20, -10, 0, 2), NOW, true)).toEqual(runsAt(-20, -10, 0))
  })
})

describe('ledgerAfter', () => {
  const previous = {
    deepScanAt: at('2026-11-27T05:02:30Z'),
    requests: { day: '2026-11-27', count: 70 },
    ratePerHour: 540
  }
  /** The ledger a run saves at `NOW` that is not scheduled: today's requests and the rate as given. */
  /** The ledger saved at NOW; `day` is what its day's record counts (see daily.ts). */
  const savedLedger = (
    deepScanAt: number | undefined,
    count: number,
    ratePerHour: number,
    day: Record<string, unknown>
  ) => ({
    deepScanAt,
    savedAt: NOW,
    scheduledRuns: undefined,
    requests: { day: '2026-11-27', count },
    ratePerHour,
    daily: [expect.objectContaining({ day: '2026-11-27', runs: 1, ...day })]
  })

  it('marks the deep rescan done only when its convictions were all told', () => {
    const plan = planSearch(NOW, settings, {
      watermark: END - 10 * MINUTE,
      deepScanAt: previous.deepScanAt,
      budget: { usedToday: 70, ratePerHour: 540 }
    })
    expect(plan.deep.kind).toBe('full')
    // The window spans 30 hours, from a day before the last deep rescan: 540 an hour.
    const run = { now: NOW, requests: 131, scanned: 16_200, scheduledRuns: [] }
    // The run on its day's record (begun: the previous state kept none), a deep rescan.
    expect(ledgerAfter(plan, previous, { ...run, delivered: true })).toEqual(
      savedLedger(END, 201, 540, { failures: 0, requests: 131, deepScans: 1 })
    )
    expect(ledgerAfter(plan, previous, { ...run, delivered: false }).deepScanAt).toBe(previous.deepScanAt)
  })

  it('counts a first run and a cut rescan as deep, not one that is not due or postponed', () => {
    const run = { now: NOW, requests: 3, scanned: 0, delivered: true, scheduledRuns: [] }
    const first = planSearch(NOW, settings, { budget: noBudgetHistory })
    expect(ledgerAfter(first, undefined, run).deepScanAt).toBe(END)
    // A first run's day is partial; its failed delivery counts; its lookback is no deep rescan.
    expect(ledgerAfter(first, undefined, { ...run, delivered: false })).toEqual(
      savedLedger(undefined, 3, 0, { failures: 1, requests: 3, deepScans: 0, partial: true })
    )
    const budget = { ratePerHour: 540, intervalMs: 10 * MINUTE }
    const watermark = END - 10 * MINUTE
    const cut = planSearch(
      NOW,
      { ...settings, dailyRequestBudget: 500 },
      { watermark, budget: { ...budget, usedToday: 240 } }
    )
    expect(cut.deep.kind).toBe('cut')
    expect(ledgerAfter(cut, previous, run).deepScanAt).toBe(END)
    const postponed = planSearch(NOW, settings, { watermark, budget: { ...budget, usedToday: 1700 } })
    expect(postponed.deep.kind).toBe('postponed')
    expect(ledgerAfter(postponed, previous, run).deepScanAt).toBe(previous.deepScanAt)
    const notDue = planSearch(NOW, settings, {
      watermark,
      deepScanAt: END - HOUR,
      searched: [[END - DAY, watermark]],
      budget: noBudgetHistory
    })
    expect(notDue.deep.kind).toBe('not-due')
    expect(ledgerAfter(notDue, previous, run).deepScanAt).toBe(previous.deepScanAt)
  })
})

describe('chunkWindow', () => {
  it('keeps a short window whole', () => {
    expect(chunkWindow({ start: 0, end: HOUR })).toEqual([[0, HOUR]])
  })

  it('splits long windows into adjacent spans ETD accepts', () => {
    const chunks = chunkWindow({ start: 0, end: 80 * DAY })
    expect(chunks).toEqual([
      [0, MAX_CHUNK_MS],
      [MAX_CHUNK_MS, 2 * MAX_CHUNK_MS],
      [2 * MAX_CHUNK_MS, 80 * DAY]
    ])
    for (const [start, end] of chunks) expect(end - start).toBeLessThan(32 * DAY)
  })

  it('has nothing to search in an empty window', () => {
    expect(chunkWindow({ start: HOUR, end: HOUR })).toEqual([])
  })
})
