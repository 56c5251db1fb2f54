// Measures, not estimates, the ETD requests a day of scheduled runs makes: the action's own run() against
// the ETD simulator, on a simulated clock, for several conviction volumes and cron intervals, with the
// default inputs. Used by `npm run bench:requests` and `npm run bench`.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../src/common/rate-limiter.js'
import { TENANT_DAILY_QUOTA } from '../../src/etd/limits.js'
import { run } from '../../src/main.js'
import { backgroundConvictions } from '../../src/simulator/data.js'
import { startSimulator } from '../../src/simulator/server.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const T0 = Date.UTC(2026, 10, 20)
export const VOLUMES = [1_000, 5_000, 13_000, 30_000]
export const INTERVALS = [10, 15, 30, 60]

export interface Day {
  convictionsPerDay: number
  intervalMinutes: number
  runs: number
  requests: number
  deepRescans: number
  postponedOrCut: number
}

let clock = T0
const etdClock: Clock = { now: () => clock, sleep: async (ms) => void (clock += ms) }

/** One run at `at`, its log swallowed; what it said in its outputs. */
async function runAt(
  at: number,
  inputs: Record<string, string>,
  dir: string
): Promise<{ requests: number; log: string }> {
  clock = at
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value
  process.env.GITHUB_OUTPUT = join(dir, 'outputs.txt')
  // Scheduled runs: the budget learns the cadence from them.
  process.env.GITHUB_EVENT_NAME = 'schedule'
  // The report goes under RUNNER_TEMP, inside the folder the day's runs clean up.
  process.env.RUNNER_TEMP = dir
  await writeFile(process.env.GITHUB_OUTPUT, '')
  const log: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string) => log.push(String(chunk)) > 0) as typeof process.stdout.write
  try {
    await run({ env: process.env, now: () => clock, etdClock })
  } finally {
    process.stdout.write = write
  }
  const outputs = await readFile(process.env.GITHUB_OUTPUT, 'utf8')
  const requests = /^etd-requests<<(.+)\n(\d+)\n\1$/m.exec(outputs)?.[2]
  if (requests === undefined) throw new Error(`run at ${new Date(at).toISOString()} failed:\n${log.join('')}`)
  return { requests: Number(requests), log: log.join('') }
}

/** The ETD requests of the 24 hours after a first run, at `convictionsPerDay` in the tenant, one run every `intervalMinutes`. */
export async function measureDay(convictionsPerDay: number, intervalMinutes: number): Promise<Day> {
  const dir = await mkdtemp(join(tmpdir(), 'etd-requests-'))
  const sim = await startSimulator({
    messages: backgroundConvictions(T0 - 26 * HOUR, T0 + DAY + HOUR, convictionsPerDay),
    clock: () => clock,
    rateLimit: false
  })
  const inputs = {
    'etd-region': sim.url,
    'etd-api-key': sim.apiKey,
    'etd-client-id': sim.clientId,
    'etd-client-secret': sim.clientSecret,
    mailboxes: 'ceo@example.com',
    notify: 'none',
    'state-path': join(dir, 'state.json')
  }
  const saved = { ...process.env }
  const day: Day = { convictionsPerDay, intervalMinutes, runs: 0, requests: 0, deepRescans: 0, postponedOrCut: 0 }
  try {
    await runAt(T0, inputs, dir)
    for (let at = T0 + intervalMinutes * MINUTE; at <= T0 + DAY; at += intervalMinutes * MINUTE) {
      const { requests, log } = await runAt(at, inputs, dir)
      day.runs++
      day.requests += requests
      if (log.includes('Deep rescan due') || log.includes('Deep rescan cut')) day.deepRescans++
      if (log.includes('Deep rescan postponed') || log.includes('Deep rescan cut')) day.postponedOrCut++
    }
  } finally {
    // run() reads its inputs from the environment: leave none behind for whatever runs next.
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
    await sim.close()
    await rm(dir, { recursive: true, force: true })
  }
  return day
}

/** Every volume at every interval, a dot on stderr per day measured. */
export async function measureRequestsPerDay(): Promise<Day[]> {
  const days: Day[] = []
  for (const volume of VOLUMES) {
    for (const interval of INTERVALS) {
      days.push(await measureDay(volume, interval))
      process.stderr.write('.')
    }
  }
  process.stderr.write('\n')
  return days
}

/** The markdown table: requests a day (share of the tenant's quota) by volume and interval. */
export function requestsTable(days: Day[]): string {
  const percent = (n: number) => `${((100 * n) / TENANT_DAILY_QUOTA).toFixed(1)}%`
  const rows = VOLUMES.map((volume) => {
    const cells = INTERVALS.map((interval) => {
      const d = days.find((x) => x.convictionsPerDay === volume && x.intervalMinutes === interval)!
      const note = d.postponedOrCut > 0 ? ` (${d.postponedOrCut} deep rescans postponed or cut)` : ''
      return `${d.requests.toLocaleString('en-US')} (${percent(d.requests)})${note}`
    })
    return `| ${volume.toLocaleString('en-US')} | ${cells.join(' | ')} |`
  })
  return [
    `| convictions a day in the tenant | ${INTERVALS.map((i) => `every ${i} min`).join(' | ')} |`,
    `|---|${INTERVALS.map(() => '---|').join('')}`,
    ...rows
  ].join('\n')
}
