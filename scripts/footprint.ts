// Measures what a week of scheduled runs leaves in the Actions cache: the action's own run() once per
// cron tick over a simulated week of ETD traffic (the ETD simulator's clock moves with the runs), saving
// through the real @actions/cache and the v2 protocol into Azurite. Prints the entries and bytes a week
// leaves behind (GitHub evicts an entry 7 days after its last use: each entry is used once, by the run
// after it, so a week of entries is what stays live), for the README.
//   npm run footprint -- --interval 10m --per-day 100
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseDuration } from '../src/common/duration.js'
import { run } from '../src/main.js'
import { generateMessages } from '../src/simulator/data.js'
import { startSimulator } from '../src/simulator/server.js'
import { startAzurite } from '../__tests__/helpers/azurite.js'
import { startCacheServiceV2 } from '../__tests__/helpers/cache-service-v2.js'

const { values } = parseArgs({
  options: {
    interval: { type: 'string', default: '10m' },
    'per-day': { type: 'string', default: '100' },
    days: { type: 'string', default: '7' },
    seed: { type: 'string', default: '16' }
  }
})
const DAY = 86_400_000
const interval = parseDuration(values.interval!)!
const perDay = Number(values['per-day'])
const days = Number(values.days)
const realNow = Date.now()
const start = realNow - days * DAY
let now = start

// A day of traffic before the first run, so that the first run's lookback and rescan find some.
const messages = generateMessages({
  seed: Number(values.seed),
  count: perDay * (days + 1),
  start: start - DAY,
  end: realNow
})
const sim = await startSimulator({ messages, clock: () => now, rateLimit: false })
const azurite = await startAzurite()
const service = await startCacheServiceV2(azurite)
const workspace = await mkdtemp(join(tmpdir(), 'etd-footprint-'))
const home = process.cwd()
process.chdir(workspace)

const env: Record<string, string> = {
  'INPUT_ETD-BASE-URL': sim.url,
  'INPUT_ETD-API-KEY': sim.apiKey,
  'INPUT_ETD-CLIENT-ID': sim.clientId,
  'INPUT_ETD-CLIENT-SECRET': sim.clientSecret,
  INPUT_NOTIFY: 'none',
  'INPUT_REPORT-PATH': join(workspace, 'report.json'),
  ACTIONS_CACHE_SERVICE_V2: 'true',
  ACTIONS_RESULTS_URL: service.url,
  ACTIONS_RUNTIME_TOKEN: service.token,
  GITHUB_WORKSPACE: workspace,
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_WORKFLOW_REF: 'acme/etd-watch/.github/workflows/etd-watch.yml@refs/heads/main',
  GITHUB_JOB: 'watch'
}
Object.assign(process.env, env)

// The toolkit logs every step to stdout; only the failures matter here.
const write = process.stdout.write.bind(process.stdout)
let runs = 0
let failures = 0
let lastSaved = ''
for (; now < realNow; now += interval) {
  process.env.GITHUB_RUN_ID = String(++runs)
  const lines: string[] = []
  process.stdout.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stdout.write
  try {
    await run({ env: process.env, now: () => now })
  } finally {
    process.stdout.write = write
  }
  if (lines.some((l) => l.startsWith('::error::') || l.includes('State not saved'))) failures++
  lastSaved = lines.find((l) => l.startsWith('State saved'))?.trim() ?? lastSaved
  if (runs % 100 === 0) console.log(`${runs} runs…`)
}

const sizes = await Promise.all(service.entries.map((e) => service.blobSize(e)))
const total = sizes.reduce((n, s) => n + s, 0)
const last = service.entries.at(-1)
console.log(
  JSON.stringify(
    {
      interval: values.interval,
      days,
      messagesPerDay: perDay,
      runs,
      failedRuns: failures,
      entries: service.entries.length,
      bytes: total,
      meanEntryBytes: Math.round(total / sizes.length),
      maxEntryBytes: Math.max(...sizes),
      lastEntry: last?.key,
      lastSaved
    },
    null,
    2
  )
)
process.chdir(home)
await rm(workspace, { recursive: true, force: true })
await Promise.all([service.close(), sim.close(), azurite.stop()])
