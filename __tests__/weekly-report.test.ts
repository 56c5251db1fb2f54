import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Clock } from '../src/common/rate-limiter.js'
import { clean } from '../src/etd/clean.js'
import { run } from '../src/main.js'
import type { WeeklyReport } from '../src/report/weekly/types.js'
import { generateMessages, knownHistory, type SimMessage } from '../src/simulator/data.js'
import { expectedWeek, type ExpectedWeek } from '../src/simulator/oracle.js'
import { startSimulator, type Simulator } from '../src/simulator/server.js'
import { parseState, type WatchState } from '../src/state/state.js'
import { runAction, type ActionResult } from './helpers/action-run.js'
import { tempDir } from './helpers/servers.js'
import { etdInputs } from './helpers/simulator.js'

// A simulated week of a watch every 10 minutes (from the evening before, so that the week's first day is
// whole), then `report: weekly` half an hour into the next Monday. The ETD client's pacing sleeps on the
// simulated clock.
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** Monday 9 November 2026, 00:00 UTC: the reported week is the 9th to the 15th. */
const T0 = Date.UTC(2026, 10, 9)
const REPORT_AT = T0 + 7 * DAY + 30 * MINUTE
const MAILBOXES = ['ceo@example.com', 'cfo@example.com', '*@subsidiary.example.org']
const THREATS = ['bec', 'scam', 'phishing', 'malicious']
const RUNS = Array.from({ length: 6 + 7 * 144 }, (_, i) => T0 - HOUR + i * 10 * MINUTE)
const WATCH = {
  mailboxes: MAILBOXES.join(', '),
  rescan: '6h',
  'rescan-every': '0',
  notify: 'none'
}

let clock = T0
const etdClock: Clock = { now: () => clock, sleep: async (ms) => void (clock += ms) }

const watched = (mailbox: string) =>
  MAILBOXES.some((p) => (p.startsWith('*@') ? mailbox.endsWith(p.slice(1)) : mailbox === p))

/**
 * The tenant's week: seeded traffic, where the watched mailboxes' threats come from a few plain senders with
 * a few techniques (so that every name fits the state's top lists), and those delivered to the inbox are
 * moved out later: some within the rescan range (seen to leave), some after it or never (no longer followed).
 */
function week(): SimMessage[] {
  const techniques = ['QR code', 'Malicious URL', 'Brand impersonation', 'Call to action', 'Fake reply']
  return generateMessages({ seed: 24, count: 2500, start: T0 - 3 * HOUR, end: T0 + 7 * DAY - 30 * MINUTE }).map(
    (m, i) => {
      if (!m.mailboxes.some(watched)) return m
      const moved = i % 3 === 0 ? [{ at: m.receivedAt + (30 + (i % 240)) * MINUTE, folder: 'quarantine' }] : []
      const late = i % 3 === 1 ? [{ at: m.receivedAt + 10 * HOUR, folder: 'trash' }] : []
      return {
        ...m,
        fromAddress: `sender${i % 4}@domain-${i % 5}.example`,
        techniques: m.techniques.map((t, j) => ({ ...t, type: techniques[(i + j) % techniques.length] })),
        ...(m.folder === 'inbox' ? { moves: [...moved, ...late] } : {})
      }
    }
  )
}

const requestsMade = (sim: Simulator) => sim.stats.tokens + sim.stats.searches + sim.stats.reports

/** The `count` highest, ties by name, as the report ranks them. */
const topOf = (counts: Record<string, number>, count = 10) =>
  Object.entries(counts)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, count)
    .map(([name, n]) => ({ name: clean(name), count: n }))

describe('a week of 10-minute watch runs, then report: weekly', () => {
  let sim: Simulator
  let dir: string
  let expected: ExpectedWeek
  /** ETD requests of the watch runs on the reported days, counted by the simulator. */
  let watchRequests = 0
  let reportRun: ActionResult
  let report: WeeklyReport
  let before: WatchState
  let after: WatchState
  let reportRequests: number

  const runAt = async (at: number, inputs: Record<string, string>, event = 'schedule') => {
    clock = at
    const result = await runAction(
      ({ env }) => run({ env, now: () => clock, etdClock }),
      { ...etdInputs(sim), ...WATCH, 'state-path': join(dir, 'state.json'), ...inputs },
      { dir, env: { GITHUB_EVENT_NAME: event } }
    )
    if (result.failed) throw new Error(result.log.slice(-2000))
    return result
  }
  const state = async () => {
    const parsed = parseState(await readFile(join(dir, 'state.json'), 'utf8'))
    if (!parsed.ok) throw new Error(parsed.reason)
    return parsed.state
  }

  beforeAll(async () => {
    dir = await tempDir('etd-weekly-')
    sim = await startSimulator({ messages: week(), clock: () => clock, rateLimit: false })
    for (const at of RUNS) {
      const made = requestsMade(sim)
      await runAt(at, {})
      if (at >= T0) watchRequests += requestsMade(sim) - made
    }
    before = await state()
    const made = requestsMade(sim)
    reportRun = await runAt(REPORT_AT, { report: 'weekly' }, 'workflow_dispatch')
    reportRequests = requestsMade(sim) - made
    report = JSON.parse(await readFile(reportRun.outputs['report-path'], 'utf8')) as WeeklyReport
    after = await state()
    expected = expectedWeek(
      sim.messages,
      {
        runs: RUNS,
        settleMs: 5 * MINUTE,
        lookbackMs: HOUR,
        rescanMs: 6 * HOUR,
        mailboxes: MAILBOXES,
        verdicts: THREATS
      },
      { start: T0, end: T0 + 7 * DAY }
    )
  }, 120_000)

  afterAll(() => sim?.close())

  it('costs at most 5 ETD requests, the token included', () => {
    expect(reportRequests).toBe(5)
    expect(sim.stats.reports).toBe(4)
    expect(reportRun.outputs['etd-requests']).toBe('5')
  })

  it("tells each day's convictions by verdict as the oracle does, and the week's total", () => {
    // Not trivially: the week holds a few hundred convictions, in the inbox, leaving and released.
    const total = Object.values(expected.toldByDay).reduce(
      (n, day) => n + Object.values(day).reduce((a, b) => a + b, 0),
      0
    )
    expect(total).toBeGreaterThan(100)
    expect(report.period).toEqual({ start: T0, end: T0 + 7 * DAY })
    expect(report.watched.days.map((d) => [d.day, d.byVerdict])).toEqual(
      Object.entries(expected.toldByDay).sort(([a], [b]) => (a < b ? -1 : 1))
    )
    expect(report.watched.total).toEqual({ current: total, previous: null })
    for (const verdict of THREATS) {
      const current = Object.values(expected.toldByDay).reduce((n, day) => n + (day[verdict] ?? 0), 0)
      expect(report.watched.byVerdict[verdict]).toEqual({ current, previous: null })
    }
  })

  it('follows the convictions told in the inbox as the oracle does: left (and the median time), not followed', () => {
    expect(expected.inInbox).toBeGreaterThan(10)
    expect(expected.left).toBeGreaterThan(3)
    expect(expected.notFollowed).toBeGreaterThan(3)
    const sorted = [...expected.leaveMinutes].sort((a, b) => a - b)
    const middle = Math.floor(sorted.length / 2)
    expect(report.watched).toMatchObject({
      inInboxWhenTold: expected.inInbox,
      leftInbox: expected.left,
      notFollowed: expected.notFollowed,
      medianMinutesToLeave: sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    })
  })

  it('counts retro verdicts and releases, and ranks techniques, mailboxes and sender domains as the oracle does', () => {
    expect(expected.retro).toBeGreaterThan(3)
    expect(expected.releases).toBeGreaterThan(3)
    expect(report.watched).toMatchObject({
      retroVerdicts: expected.retro,
      releases: expected.releases,
      topTechniques: topOf(expected.techniques),
      topMailboxes: topOf(expected.mailboxes),
      topSenderDomains: topOf(expected.senderDomains),
      mailboxes: 3
    })
  })

  it('says the days the state has no record of, never zeros, and the day a first run began', () => {
    expect(report.watched.gaps).toEqual([
      '2026-11-02',
      '2026-11-03',
      '2026-11-04',
      '2026-11-05',
      '2026-11-06',
      '2026-11-07'
    ])
    expect(report.watched.partialDays).toEqual(['2026-11-08'])
  })

  it("reports the watch's health: its runs, requests of the budget, deep rescans", () => {
    expect(report.health).toEqual({
      runs: expected.runs,
      failures: 0,
      etdRequests: watchRequests,
      etdBudget: 7 * 2000,
      deepScans: expected.runs
    })
  })

  it("reports the tenant from ETD's report endpoints, as its messages are", () => {
    const inWeek = sim.messages.flatMap((m) => {
      const latest = knownHistory(m, REPORT_AT).at(-1)
      return m.receivedAt >= T0 && m.receivedAt < T0 + 7 * DAY && latest && THREATS.includes(latest.verdict)
        ? [{ m, verdict: latest.verdict }]
        : []
    })
    expect(report.tenant.total.current).toBe(inWeek.length)
    expect(report.tenant.missing).toEqual([])
    const targets: Record<string, number> = {}
    for (const { m } of inWeek) for (const mailbox of m.mailboxes) targets[mailbox] = (targets[mailbox] ?? 0) + 1
    expect(report.tenant.topTargets).toEqual(topOf(targets))
  })

  it('saves only its requests into the state: the watch keeps its schedule and record', () => {
    expect(after.requests).toEqual({
      day: '2026-11-16',
      count: (before.requests?.day === '2026-11-16' ? before.requests.count : 0) + 5
    })
    expect(after.scheduledRuns).toEqual(before.scheduledRuns)
    expect(after.watermark).toBe(before.watermark)
    expect(after.notified).toEqual(before.notified)
    // The report's day has no record of a watch run yet: it stays a gap, its requests in the day's tally only.
    expect(after.daily).toEqual(before.daily)
  })
})
