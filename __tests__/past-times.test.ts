import { describe, expect, it } from '@jest/globals'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Clock } from '../src/common/rate-limiter.js'
import { run } from '../src/main.js'
import type { Report } from '../src/report/report.js'
import { backgroundConvictions } from '../src/simulator/data.js'
import { runAction } from './helpers/action-run.js'
import { sharedWatch } from './helpers/servers.js'
import { DAY, etdInputs, HOUR } from './helpers/simulator.js'

// A restored state whose times are all plausible (none in the future) but that never searched what it
// claims: horizon 30 days back, watermark and last deep rescan a minute before the window's end. Before the
// state recorded searched time, a 3-hour-old conviction waited for the next deep rescan (6 hours), and
// `backfill: 1d` said "nothing to do".
const MINUTE = 60_000
const T = Date.UTC(2026, 10, 27, 12)
const iso = (millis: number) => new Date(millis).toISOString()
let clock = T
const etdClock: Clock = { now: () => clock, sleep: async (ms) => void (clock += ms) }

const one = (id: string, at: number) => ({ ...backgroundConvictions(at, at + MINUTE, 1440)[0], id })
const messages = [one('three-hours-old', T - 3 * HOUR), one('twenty-hours-old', T - 20 * HOUR)]

function claim(searched?: Array<[number, number]>): string {
  return JSON.stringify({
    version: 2,
    horizon: iso(T - 30 * DAY),
    watermark: iso(T - 6 * MINUTE),
    deepScanAt: iso(T - 6 * MINUTE),
    ...(searched ? { searched: searched.map((range) => range.map(iso)) } : {}),
    notified: {}
  })
}

const shared = sharedWatch('etd-past-times-', { messages, clock: () => clock, rateLimit: false })

async function runWith(state: string, inputs: Record<string, string> = {}) {
  const { sim, dir } = shared
  clock = T
  const path = join(dir, `state-${Math.random().toString(36).slice(2)}.json`)
  await writeFile(path, state)
  const result = await runAction(
    ({ env }) => run({ env, now: () => clock, etdClock }),
    { ...etdInputs(sim), notify: 'none', 'state-path': path, ...inputs },
    { dir }
  )
  expect(result.failed).toBe(false)
  const report = JSON.parse(await readFile(result.outputs['report-path'], 'utf8')) as Report
  const told = report.messages.filter((m) => m.notice === 'new').map((m) => m.id)
  return { log: result.log, told: told.sort() }
}

describe('a state whose past times claim more than it searched', () => {
  it('does not delay a 3-hour-old conviction: without a record of searched time, the deep rescan is due', async () => {
    const { log, told } = await runWith(claim())
    expect(log).toContain('Deep rescan due')
    expect(told).toEqual(['three-hours-old', 'twenty-hours-old'])
  })

  it('runs a backfill over its whole range when no record shows it searched', async () => {
    // rescan 2h keeps the deep rescan short of the 20-hour-old conviction: only the backfill reaches it.
    const { log, told } = await runWith(claim(), { backfill: '1d', rescan: '2h' })
    expect(log).not.toContain('nothing to do')
    expect(log).toContain('Backfill of 1d: cost unknown')
    expect(told).toEqual(['three-hours-old', 'twenty-hours-old'])
  })

  it('searches a gap in the record at once, and trusts the record where it has no gap', async () => {
    const record: Array<[number, number]> = [
      [T - 30 * DAY, T - 4 * HOUR],
      [T - 2 * HOUR, T - 6 * MINUTE]
    ]
    const { log, told } = await runWith(claim(record))
    expect(log).toContain(`Searching first what an earlier run left unsearched, from 2026-11-27 08:00 UTC`)
    expect(log).not.toContain('Deep rescan due')
    expect(told).toEqual(['three-hours-old'])
  })

  it('says a backfill has nothing to do only when the record holds its range', async () => {
    const { log, told } = await runWith(claim([[T - 30 * DAY, T - 6 * MINUTE]]), { backfill: '1d' })
    expect(log).toContain('Backfill of 1d: nothing to do, the watch has searched since 2026-10-28 12:00 UTC.')
    expect(told).toEqual([])
  })
})
