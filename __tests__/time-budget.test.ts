import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../src/common/rate-limiter.js'
import { run } from '../src/main.js'
import type { Report } from '../src/report/report.js'
import { backgroundConvictions, type SimMessage } from '../src/simulator/data.js'
import { expectedMatches } from '../src/simulator/oracle.js'
import { startSimulator, type Simulator } from '../src/simulator/server.js'
import { parseState, type WatchState } from '../src/state/state.js'
import { runAction, type ActionResult } from './helpers/action-run.js'
import { etdInputs } from './helpers/simulator.js'

// A first window of 20,000 convictions (three hours of a mass campaign) against a one-minute time budget:
// at ETD's 2 requests a second one run searches about 96 pages, so the 200 pages take three runs. The
// clock is the test's: the ETD client's pacing moves it by half a second a request.
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const T0 = Date.UTC(2026, 10, 27, 12)
const CONVICTIONS = 20_000
let clock = T0
const etdClock: Clock = { now: () => clock, sleep: async (ms) => void (clock += ms) }

/** The oracle's threats in `window`, every mailbox watched: what the runs together must tell. */
const threatsIn = (sim: Simulator, window: { start: number; end: number }) =>
  expectedMatches(sim.messages, clock, {
    ...window,
    mailboxes: [],
    verdicts: ['bec', 'scam', 'phishing', 'malicious'],
    techniques: []
  })

const told = (outcome: Outcome) =>
  outcome.report.messages.filter((m) => m.notice === 'new' || m.notice === 'verdict-change').map((m) => m.id)

interface Outcome {
  result: ActionResult
  report: Report
  state: WatchState
}

/**
 * The simulator and state folder of one describe, closed after it, and its runs at the test's clock:
 * `base` inputs, then each run's own.
 */
function budgetWatch(base: Record<string, string>) {
  const watch = { sim: undefined as unknown as Simulator, dir: '', runs: [] as Outcome[] }
  afterAll(async () => {
    await watch.sim?.close()
    await rm(watch.dir, { recursive: true, force: true })
  })
  const start = async (messages: SimMessage[]) => {
    watch.dir = await mkdtemp(join(tmpdir(), 'etd-time-budget-'))
    watch.sim = await startSimulator({ messages, clock: () => clock, rateLimit: false })
  }
  const runAt = async (at: number, inputs: Record<string, string>): Promise<Outcome> => {
    clock = at
    const result = await runAction(
      ({ env }) => run({ env, now: () => clock, etdClock }),
      { ...etdInputs(watch.sim), notify: 'none', ...base, 'state-path': join(watch.dir, 'state.json'), ...inputs },
      { dir: watch.dir }
    )
    expect(result.failed).toBe(false)
    const report = JSON.parse(await readFile(result.outputs['report-path'], 'utf8')) as Report
    const parsed = parseState(await readFile(join(watch.dir, 'state.json'), 'utf8'))
    if (!parsed.ok) throw new Error(parsed.reason)
    return { result, report, state: parsed.state }
  }
  /** Runs every ten minutes from `at` with time-budget 20s while the run before stopped at its budget. */
  const finish = async (at: number) => {
    for (; watch.runs.length < 20 && watch.runs.at(-1)!.result.log.includes('Time budget'); at += 10 * MINUTE)
      watch.runs.push(await runAt(at, { 'time-budget': '20s' }))
  }
  return { watch, start, runAt, finish }
}

describe(`a first window of ${CONVICTIONS.toLocaleString('en-US')} convictions and time-budget 60s`, () => {
  const { watch, start, runAt } = budgetWatch({ 'time-budget': '60s' })
  const { runs } = watch

  beforeAll(async () => {
    await start(backgroundConvictions(T0 - 3 * HOUR - 5 * MINUTE, T0 - 5 * MINUTE, CONVICTIONS * 8))
    // Three runs ten minutes apart (a schedule), each starting where the clock stands; the first run's
    // window, later runs resume from the state.
    for (let i = 0; i < 3; i++) {
      runs.push(await runAt(clock, runs.length === 0 ? { backfill: '3h' } : {}))
      clock += 10 * MINUTE
    }
  }, 120_000)

  it('stops the first two runs before the budget, and says so, and lets the third finish', () => {
    for (const { result } of runs) expect(result.failed).toBe(false)
    for (const { result } of runs.slice(0, 2)) {
      expect(result.log).toContain('::warning::Time budget: the search stopped after 48s of time-budget 1m')
      expect(result.summary).toContain('the next run continues from there')
    }
    expect(runs[2].result.log).not.toContain('Time budget')
  })

  it('keeps each run within its budget on the test clock', () => {
    // Each run began at a multiple of 10 minutes after T0 (plus the time the runs before it took).
    expect(clock - T0).toBeLessThan(3 * (10 * MINUTE + 60_000))
    expect(runs[0].state.savedAt! - T0).toBeLessThan(60_000)
  })

  it('tells every conviction of the window exactly once across the three runs', () => {
    const all = runs.flatMap(told)
    expect(new Set(all).size).toBe(all.length)
    const window = { start: Date.parse(runs[0].report.window.start), end: Date.parse(runs[2].report.window.end) }
    const expected = threatsIn(watch.sim, window)
    // The first window starts five minutes after the campaign: 20,000 less what came before it.
    expect(expected.length).toBeGreaterThan(19_000)
    expect(all.sort()).toEqual(expected)
  })

  it('saves finished slices: the watermark and the record end where the search got, and move on each run', () => {
    const [first, second, third] = runs.map((r) => r.state)
    const start = Date.parse(runs[0].report.window.start)
    expect(first.horizon).toBe(start)
    expect(first.searched).toEqual([[start, first.watermark]])
    expect(first.watermark).toBeGreaterThan(start)
    expect(first.watermark).toBeLessThan(Date.parse(runs[0].report.window.end))
    expect(second.watermark).toBeGreaterThan(first.watermark)
    expect(second.searched).toEqual([[start, second.watermark]])
    const end = Date.parse(runs[2].report.window.end)
    expect(third.watermark).toBe(end)
    expect(third.searched).toEqual([[start, end]])
    // The second run began where the first one's finished slices ended, less the fresh overlap.
    expect(Date.parse(runs[1].report.window.start)).toBe(first.watermark - 5 * MINUTE)
  })
})

// A watch that has run for two hours is asked once for a two-day backfill that its time budget cannot hold:
// the runs after it, without the input, finish it from the state's record. With `rescan: 1h` the state
// remembers only an hour, so what the backfill stops short of is told by the record, not by memory.
describe('a backfill that takes several runs', () => {
  const T1 = Date.UTC(2026, 10, 29, 12)
  const { watch, start, runAt, finish } = budgetWatch({ rescan: '1h' })
  const { runs } = watch

  beforeAll(async () => {
    // 4,000 a day: 2 days are 80 pages, a run of time-budget 20s searches about 30.
    await start(backgroundConvictions(T1 - 2 * 24 * HOUR, T1 + 3 * HOUR, 4000))
    for (let at = T1; at <= T1 + 2 * HOUR; at += 20 * MINUTE) runs.push(await runAt(at, {}))
    runs.push(await runAt(T1 + 2 * HOUR + 10 * MINUTE, { backfill: '2d', 'time-budget': '20s' }))
    await finish(T1 + 2 * HOUR + 20 * MINUTE)
  }, 120_000)

  it('needs the backfill run and at least two more, which resume from the record without the input', () => {
    const backfill = runs.findIndex((r) => r.result.log.includes('Backfill of 2d'))
    expect(backfill).toBe(7)
    expect(runs.length - backfill).toBeGreaterThanOrEqual(3)
    const resumed = runs.slice(backfill + 1)
    for (const r of resumed.slice(0, -1)) expect(r.result.log).toContain('::warning::Time budget')
    for (const r of resumed) expect(r.result.log).toContain('Searching first what an earlier run left unsearched')
    expect(runs.at(-1)!.result.log).not.toContain('Time budget')
    const last = runs.at(-1)!.state
    // The backfill reached from the settle delay (5 minutes) before its run, two days back.
    const start = T1 + 2 * HOUR + 5 * MINUTE - 2 * 24 * HOUR
    expect(Date.parse(runs[7].report.window.start)).toBe(start)
    expect(last.horizon).toBe(start)
    expect(last.searched).toEqual([[start, last.watermark]])
  })

  it('tells every conviction since the backfill start exactly once, over all runs', () => {
    const all = runs.flatMap(told)
    expect(new Set(all).size).toBe(all.length)
    const expected = threatsIn(watch.sim, {
      start: Date.parse(runs[7].report.window.start),
      end: Date.parse(runs.at(-1)!.report.window.end)
    })
    expect(expected.length).toBeGreaterThan(7000)
    expect(all.sort()).toEqual(expected)
  })
})

// A deep rescan that one run cannot finish: the runs after it search the rest again, even where fresh
// windows searched before, so that a retro verdict given since is told (the deep rescan's whole point).
describe('a deep rescan that takes several runs', () => {
  const T2 = Date.UTC(2026, 11, 1, 12)
  const { watch, start, runAt, finish } = budgetWatch({ 'rescan-every': '1h' })
  const { runs } = watch
  // Seen as neutral by the first run, found phishing 40 minutes later: only a deep rescan sees it again.
  const retro = {
    ...backgroundConvictions(T2 - 30 * MINUTE, T2 - 29 * MINUTE, 1440)[0],
    id: 'retro',
    history: [
      { at: T2 - 30 * MINUTE + 2000, verdict: 'neutral' },
      { at: T2 + 40 * MINUTE, verdict: 'phishing', retro: true }
    ]
  }

  beforeAll(async () => {
    // 6,000 a day: the deep rescan's day is 60 pages, a run of time-budget 20s searches about 30.
    await start([...backgroundConvictions(T2 - 30 * HOUR, T2 + 3 * HOUR, 6000), retro])
    // The first run searches the whole day and more, so the deep rescan's day lies inside the record.
    runs.push(await runAt(T2, { backfill: '30h' }))
    for (let at = T2 + 20 * MINUTE; at < T2 + HOUR; at += 20 * MINUTE) runs.push(await runAt(at, {}))
    runs.push(await runAt(T2 + HOUR + 10 * MINUTE, { 'time-budget': '20s' }))
    await finish(T2 + HOUR + 20 * MINUTE)
  }, 120_000)

  it('is due at the fourth run, stops there, and is finished by the runs after it without starting over', () => {
    expect(runs[3].result.log).toContain('Deep rescan due')
    expect(runs[3].result.log).toContain('::warning::Time budget')
    const after = runs.slice(4)
    expect(after.length).toBeGreaterThanOrEqual(1)
    for (const r of after) {
      expect(r.result.log).not.toContain('Deep rescan due')
      expect(r.result.log).toContain('Searching first what an earlier run left unsearched')
    }
    // Each run starts where the one before it stopped.
    for (let i = 4; i < runs.length; i++) {
      expect(Date.parse(runs[i].report.window.start)).toBe(runs[i - 1].state.searched!.at(-1)![1])
    }
    expect(runs.at(-1)!.state.deepScanAt).toBe(Date.parse(runs[3].report.window.end))
  })

  it('tells the retro verdict once, when the rest of the deep rescan reaches it, and nothing twice', () => {
    const tellers = runs.filter((r) => told(r).includes('retro'))
    expect(tellers).toHaveLength(1)
    expect(runs.indexOf(tellers[0])).toBeGreaterThan(3)
    const all = runs.flatMap(told)
    expect(new Set(all).size).toBe(all.length)
    // Every conviction since the first run's window began, and nothing before it (before the horizon).
    const expected = threatsIn(watch.sim, {
      start: runs[0].state.horizon,
      end: Date.parse(runs.at(-1)!.report.window.end)
    })
    expect(all.sort()).toEqual(expected)
  })
})
