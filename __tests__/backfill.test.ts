import { beforeAll, describe, expect, it } from '@jest/globals'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Clock } from '../src/common/rate-limiter.js'
import { run } from '../src/main.js'
import type { Report } from '../src/report/report.js'
import type { SimMessage } from '../src/simulator/data.js'
import { startGitHubApi } from '../src/simulator/github-api.js'
import { startSimulator } from '../src/simulator/server.js'
import { parseState } from '../src/state/state.js'
import { runAction } from './helpers/action-run.js'
import { closedAfter, sharedWatch, tempDir, type SharedWatch } from './helpers/servers.js'
import { etdInputs } from './helpers/simulator.js'
import { githubEnv } from './helpers/watch-run.js'
import { simMessage } from './helpers/fixtures.js'

// A watch that began at T0 with a 1h lookback, ran normally, and is then asked to backfill a week.
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0)

let clock = T0
const etdClock: Clock = { now: () => clock, sleep: async (ms) => void (clock += ms) }

const conviction = (id: string, at: number, verdict = 'phishing'): SimMessage =>
  simMessage(id, at, { history: [{ at: at + 2000, verdict, retro: false }] })

const messages = [
  // Before the watch began: only a backfill tells these.
  conviction('before-4d', T0 - 4 * DAY),
  conviction('before-3d', T0 - 3 * DAY, 'bec'),
  // Before the backfill's reach: never told.
  conviction('before-9d', T0 - 9 * DAY),
  // Told by the first run, then forgotten by the state once older than rescan (24h).
  conviction('first-run', T0 - 30 * MINUTE),
  // Told by a normal run and still remembered when the backfill runs.
  conviction('recent', T0 + 2 * DAY - 3 * HOUR)
]

interface Outcome {
  log: string
  summary: string
  requests: number
  told: string[]
  window: { start: number; end: number }
  watermark: number
  horizon: number
}

const shared = sharedWatch('etd-backfill-', { messages, clock: () => clock, rateLimit: false })

/** A run at `at` of the watch over `on`'s simulator, with its state in `on`'s folder. */
async function runAt(
  at: number,
  inputs: Record<string, string> = {},
  on: SharedWatch & { env?: Record<string, string> } = shared
): Promise<Outcome> {
  const { sim, dir } = on
  clock = at
  const result = await runAction(
    ({ env }) => run({ env, now: () => clock, etdClock }),
    {
      ...etdInputs(sim),
      mailboxes: 'ceo@example.com',
      rescan: '24h',
      notify: 'none',
      'state-path': join(dir, 'state.json'),
      ...inputs
    },
    { dir, env: on.env }
  )
  expect(result.failed).toBe(false)
  const report = JSON.parse(await readFile(join(dir, 'etd-verdict-watch', 'report.json'), 'utf8')) as Report
  const parsed = parseState(await readFile(join(dir, 'state.json'), 'utf8'))
  if (!parsed.ok) throw new Error(parsed.reason)
  return {
    log: result.log,
    summary: result.summary,
    requests: Number(result.outputs['etd-requests']),
    told: report.messages.filter((m) => m.notice === 'new' || m.notice === 'verdict-change').map((m) => m.id),
    window: { start: Date.parse(report.window.start), end: Date.parse(report.window.end) },
    watermark: parsed.state.watermark,
    horizon: parsed.state.horizon
  }
}

describe('backfill after normal runs', () => {
  const runs: Record<string, Outcome> = {}

  beforeAll(async () => {
    runs.first = await runAt(T0)
    // Every 10 minutes for two days would be slow; hourly runs keep the state's memory just as short.
    for (let at = T0 + HOUR; at <= T0 + 2 * DAY; at += HOUR) runs.normal = await runAt(at)
    runs.before = await runAt(T0 + 2 * DAY + 10 * MINUTE)
    runs.backfill = await runAt(T0 + 2 * DAY + 20 * MINUTE, { backfill: '7d' })
    runs.again = await runAt(T0 + 2 * DAY + 30 * MINUTE, { backfill: '7d' })
  }, 120_000)

  it('tells the first run its own lookback only', () => {
    expect(runs.first.told).toEqual(['first-run'])
  })

  it('searches only from the watermark with a restored state, without a backfill', () => {
    expect(runs.before.log).not.toContain('Backfill')
    expect(runs.before.window.start).toBeGreaterThan(T0 + 2 * DAY - HOUR)
    expect(runs.before.told).toEqual([])
  })

  it('tells only what lies before the watch began, neither re-telling nor moving the watermark back', () => {
    const { backfill, before } = runs
    expect(backfill.told.sort()).toEqual(['before-3d', 'before-4d'])
    expect(backfill.window.start).toBe(T0 + 2 * DAY + 15 * MINUTE - 7 * DAY)
    expect(backfill.watermark).toBeGreaterThanOrEqual(before.watermark)
    expect(backfill.horizon).toBe(backfill.window.start)
  })

  it('says its cost first, and makes no more requests than it said (a token and one page)', () => {
    const said = /Backfill of 7d: about (\d+) ETD requests/.exec(runs.backfill.log)
    expect(said).not.toBeNull()
    // Before the search, and in the job summary.
    expect(runs.backfill.log.indexOf(said![0])).toBeLessThan(runs.backfill.log.indexOf('Searching ETD for messages'))
    expect(runs.backfill.summary).toContain(said![0])
    expect(runs.backfill.requests).toBeLessThanOrEqual(Number(said![1]))
  })

  it('searches the range only once: given again, it has nothing to do', () => {
    expect(runs.again.log).toContain('Backfill of 7d: nothing to do')
    expect(runs.again.told).toEqual([])
    expect(runs.again.window.start).toBeGreaterThan(T0 + 2 * DAY - HOUR)
  })
})

describe('a backfill that does not fit in the daily budget', () => {
  it('is put off with a warning naming the cost, and the run searches as usual', async () => {
    const own = { sim: shared.sim, dir: await tempDir('etd-backfill-budget-') }
    await runAt(T0, {}, own)
    await runAt(T0 + 10 * MINUTE, {}, own)
    // 10-minute runs until midnight UTC (12h away) each need a token and a page: 144 requests.
    const squeezed = await runAt(T0 + 20 * MINUTE, { backfill: '7d', 'daily-request-budget': '100' }, own)
    expect(squeezed.log).toMatch(/::warning::Backfill of 7d (postponed|not run): about \d+ ETD requests/)
    expect(squeezed.requests).toBe(2)
    expect(squeezed.told).toEqual([])
    expect(squeezed.window.start).toBe(T0)
    expect(squeezed.horizon).toBe(T0 - 5 * MINUTE - HOUR)
  }, 60_000)
})

describe('a backfill after the state was lost', () => {
  it('tells nothing that the issues opened under the lost state record', async () => {
    // The issues carry GitHub's own times: this watch's clock runs just ahead of the real one.
    const T1 = Math.ceil(Date.now() / MINUTE) * MINUTE + 10 * MINUTE
    const sim = closedAfter(
      await startSimulator({
        messages: [
          conviction('old-4d', T1 - 4 * DAY),
          conviction('old-3d', T1 - 3 * DAY),
          conviction('recent', T1 - HOUR / 2)
        ],
        clock: () => clock,
        rateLimit: false
      })
    )
    const github = closedAfter(await startGitHubApi())
    const inputs = { notify: 'issue', 'github-token': github.token }
    const own = { sim, dir: await tempDir('etd-backfill-issues-'), env: githubEnv(github) }
    const first = await runAt(T1, { ...inputs, backfill: '3d' }, own)
    expect(first.told.sort()).toEqual(['old-3d', 'recent'])
    await rm(join(own.dir, 'state.json'))
    // A new first run: its horizon is an hour back, after the conviction of 3 days ago.
    await runAt(T1 + 10 * MINUTE, inputs, own)
    const backfill = await runAt(T1 + 20 * MINUTE, { ...inputs, backfill: '7d' }, own)
    expect(backfill.log).toContain('Backfill, so the markers of recent issues stand in: 2 convictions')
    expect(backfill.told).toEqual(['old-4d'])
    expect(github.issues).toHaveLength(2)
  }, 60_000)
})
