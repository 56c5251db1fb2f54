// Measures, not estimates, the ETD requests a day of scheduled runs makes: the action's own run() against
// the ETD simulator, on a simulated clock, for several conviction volumes and cron intervals, with the
// default inputs. Prints a markdown table for the README and writes the figures as JSON.
//   npm run bench:requests [-- --out bench-output/requests-per-day.json]
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Clock } from '../src/common/rate-limiter.js'
import { TENANT_DAILY_QUOTA } from '../src/etd/limits.js'
import { run } from '../src/main.js'
import { backgroundConvictions } from '../src/simulator/data.js'
import { startSimulator } from '../src/simulator/server.js'

const { values } = parseArgs({ options: { out: { type: 'string', default: 'bench-output/requests-per-day.json' } } })
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const T0 = Date.UTC(2026, 10, 20)
const VOLUMES = [1_000, 5_000, 13_000, 30_000]
const INTERVALS = [10, 30, 60]

interface Day {
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
  await writeFile(process.env.GITHUB_OUTPUT, '')
  const log: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string) => log.push(String(chunk)) > 0) as typeof process.stdout.write
  try {
    await run({ now: () => clock, etdClock })
  } finally {
    process.stdout.write = write
  }
  const outputs = await readFile(process.env.GITHUB_OUTPUT, 'utf8')
  const requests = /^etd-requests<<(.+)\n(\d+)\n\1$/m.exec(outputs)?.[2]
  if (requests === undefined) throw new Error(`run at ${new Date(at).toISOString()} failed:\n${log.join('')}`)
  return { requests: Number(requests), log: log.join('') }
}

async function measure(convictionsPerDay: number, intervalMinutes: number): Promise<Day> {
  const dir = await mkdtemp(join(tmpdir(), 'etd-requests-'))
  const sim = await startSimulator({
    messages: backgroundConvictions(T0 - 26 * HOUR, T0 + DAY + HOUR, convictionsPerDay),
    clock: () => clock,
    rateLimit: false
  })
  const inputs = {
    'etd-base-url': sim.url,
    'etd-api-key': sim.apiKey,
    'etd-client-id': sim.clientId,
    'etd-client-secret': sim.clientSecret,
    mailboxes: 'ceo@example.com',
    notify: 'none',
    'state-path': join(dir, 'state.json'),
    'report-path': join(dir, 'report.json')
  }
  const day: Day = { convictionsPerDay, intervalMinutes, runs: 0, requests: 0, deepRescans: 0, postponedOrCut: 0 }
  try {
    // The first run starts the state; the day measured is the 24 hours after it.
    await runAt(T0, inputs, dir)
    for (let at = T0 + intervalMinutes * MINUTE; at <= T0 + DAY; at += intervalMinutes * MINUTE) {
      const { requests, log } = await runAt(at, inputs, dir)
      day.runs++
      day.requests += requests
      if (log.includes('Deep rescan due') || log.includes('Deep rescan cut')) day.deepRescans++
      if (log.includes('Deep rescan postponed') || log.includes('Deep rescan cut')) day.postponedOrCut++
    }
  } finally {
    await sim.close()
    await rm(dir, { recursive: true, force: true })
  }
  return day
}

const days: Day[] = []
for (const volume of VOLUMES) {
  for (const interval of INTERVALS) {
    days.push(await measure(volume, interval))
    process.stderr.write('.')
  }
}
process.stderr.write('\n')

const percent = (n: number) => `${((100 * n) / TENANT_DAILY_QUOTA).toFixed(1)}%`
const rows = VOLUMES.map((volume) => {
  const cells = INTERVALS.map((interval) => {
    const d = days.find((x) => x.convictionsPerDay === volume && x.intervalMinutes === interval)!
    const note = d.postponedOrCut > 0 ? ` (${d.postponedOrCut} deep rescans postponed or cut)` : ''
    return `${d.requests.toLocaleString('en-US')} (${percent(d.requests)})${note}`
  })
  return `| ${volume.toLocaleString('en-US')} | ${cells.join(' | ')} |`
})
console.log(
  [
    `| convictions a day in the tenant | ${INTERVALS.map((i) => `every ${i} min`).join(' | ')} |`,
    `|---|${INTERVALS.map(() => '---|').join('')}`,
    ...rows
  ].join('\n')
)
await mkdir(dirname(values.out!), { recursive: true })
await writeFile(values.out!, `${JSON.stringify(days, null, 2)}\n`)
console.log(
  `\nRequests per day with the default inputs (rescan 24h, rescan-every 6h, daily-request-budget 2000); ${values.out}`
)
