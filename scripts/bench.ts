// The benchmark of issue 10, not a test: the built action (dist/index.js) run as the runner runs it, against
// the ETD simulator on loopback. Prints markdown tables, every figure beside its target, and writes JSON.
// Exits 0 whatever the figures: it measures; a target missed is marked ✗.
//   npm run bench [-- --out bench-output/bench.json --sizes 1000,10000,100000 --notify none|email --no-bundle --no-requests --one-mailbox]
import { spawn, spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { backgroundConvictions } from '../src/simulator/data.js'
import { startSimulator, type Simulator } from '../src/simulator/server.js'
import { measureRequestsPerDay, requestsTable, type Day } from './bench/requests-per-day.js'

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'bench-output/bench.json' },
    sizes: { type: 'string', default: '1000,10000,100000' },
    notify: { type: 'string', default: 'none' },
    'no-bundle': { type: 'boolean', default: false },
    'no-requests': { type: 'boolean', default: false },
    'one-mailbox': { type: 'boolean', default: false }
  }
})
function die(message: string): never {
  console.error(`bench: ${message}`)
  process.exit(1)
}
const SIZES = values.sizes!.split(',').map(Number)
if (SIZES.some((n) => !Number.isInteger(n) || n < 1))
  die(`--sizes is '${values.sizes}'; expected counts such as 1000,10000`)
if (!['none', 'email'].includes(values.notify!)) die(`--notify is '${values.notify}'; expected none or email`)

const DIST = resolve('dist')
const PRELOAD = resolve('scripts/bench/usage.mjs')
const MINUTE = 60_000
const DAY = 1440 * MINUTE
const MiB = 1 << 20
const CHILD_TIMEOUT_MS = 6 * MINUTE
const COLD_RUNS = 15
const PACED_PAGES = 60
/** Matches in the pair of runs that differ only in the length of their subjects. */
const LONG_SUBJECT_MATCHES = 100
const LONG_SUBJECT_CHARS = 100_000

interface ActionRun {
  code: number | null
  wallMs: number
  /** From the child itself via the preload; absent when it died without exiting (out of memory, killed). */
  usage?: { maxRSS: number; userCPUTime: number; systemCPUTime: number }
  outputs: Record<string, string>
  reportBytes?: number
  summaryBytes: number
  logTail: string
}

/** The bench's own environment minus anything the runner sets, so that each run sees only its inputs. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(INPUT_|GITHUB_|RUNNER_|ETD_VERDICT_WATCH_|NODE_OPTIONS$)/.test(key)) env[key] = value
  }
  return env
}

function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  for (const m of text.matchAll(/^([\w-]+)<<(.+)\n([^]*?)\n\2$/gm)) outputs[m[1]] = m[3]
  return outputs
}

const sizeOf = (path: string) =>
  stat(path).then(
    (s) => s.size,
    () => undefined
  )

/** `node [--import preload] dist/index.js` with the inputs as INPUT_* and the runner's files in a temp dir. */
async function runAction(inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'etd-bench-'))
  try {
    const env = baseEnv()
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
    Object.assign(env, extraEnv, {
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      RUNNER_TEMP: dir,
      ETD_BENCH_USAGE_FILE: join(dir, 'usage.json')
    })
    await writeFile(env.GITHUB_OUTPUT!, '')
    await writeFile(env.GITHUB_STEP_SUMMARY!, '')
    const started = performance.now()
    const child = spawn(process.execPath, ['--import', PRELOAD, join(DIST, 'index.js')], {
      env,
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let log = ''
    const keep = (chunk: Buffer) => (log = (log + chunk.toString('utf8')).slice(-4000))
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS)
    const code = await new Promise<number | null>((done) => child.on('close', done))
    const wallMs = performance.now() - started
    clearTimeout(timer)
    const outputs = parseOutputs(await readFile(env.GITHUB_OUTPUT!, 'utf8'))
    const usage = await readFile(env.ETD_BENCH_USAGE_FILE!, 'utf8').then(
      (text) => JSON.parse(text) as ActionRun['usage'],
      () => undefined
    )
    return {
      code,
      wallMs,
      usage,
      outputs,
      reportBytes: outputs['report-path'] ? await sizeOf(outputs['report-path']) : undefined,
      summaryBytes: (await sizeOf(env.GITHUB_STEP_SUMMARY!)) ?? 0,
      logTail: log
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * A simulator holding `matches` convictions, all inside the next run's one-hour window, to 997 mailboxes or,
 * with --one-mailbox, to one: the worst case for grouping by mailbox.
 */
async function simulatorWith(matches: number, rateLimit: boolean, subjectChars?: number): Promise<Simulator> {
  const end = Date.now() - 10 * MINUTE
  const start = end - 40 * MINUTE
  const spread = backgroundConvictions(start, end, (matches * DAY) / (end - start))
  const one = ['ceo@example.com']
  // A run of letters without a dot: the worst case for a pattern that runs before the clip.
  const subject = subjectChars === undefined ? {} : { subject: `Invoice ${'x'.repeat(subjectChars)}` }
  const messages = spread.map((m) => ({
    ...m,
    ...subject,
    ...(values['one-mailbox'] ? { toAddresses: one, mailboxes: one } : {})
  }))
  return startSimulator({ messages, ...(rateLimit ? {} : { rateLimit: false }) })
}

function windowInputs(sim: Simulator): Record<string, string> {
  return {
    'etd-region': sim.url,
    'etd-api-key': sim.apiKey,
    'etd-client-id': sim.clientId,
    'etd-client-secret': sim.clientSecret,
    mailboxes: '',
    backfill: '1h',
    // Enough for 100,000 matches in one window: the budget is not what is measured here.
    'daily-request-budget': '10000',
    'state-path': 'state.json',
    notify: values.notify!,
    ...(values.notify === 'email'
      ? {
          'dry-run': 'true',
          'smtp-url': 'smtp://smtp.invalid',
          'email-from': 'etd@example.com',
          'email-to': 'soc@example.com'
        }
      : {})
  }
}

const failure = (run: ActionRun, expectedMatches: number): string | undefined =>
  run.code !== 0
    ? `exit ${run.code ?? 'killed'}: ${run.logTail.trim().split('\n').slice(-3).join(' / ')}`
    : run.outputs['matched-count'] !== String(expectedMatches)
      ? `matched ${run.outputs['matched-count']}, expected ${expectedMatches}`
      : undefined

interface SizeResult {
  matches: number
  error?: string
  wallMs: number
  cpuMs?: number
  peakRssBytes?: number
  etdRequests?: number
  reportBytes?: number
  summaryBytes: number
}

async function measureSize(matches: number, subjectChars?: number): Promise<SizeResult> {
  const sim = await simulatorWith(matches, false, subjectChars)
  try {
    const run = await runAction(windowInputs(sim), { ETD_VERDICT_WATCH_UNPACED: '1' })
    return {
      matches,
      error: failure(run, matches),
      wallMs: run.wallMs,
      cpuMs: run.usage && (run.usage.userCPUTime + run.usage.systemCPUTime) / 1000,
      peakRssBytes: run.usage && run.usage.maxRSS * 1024,
      etdRequests: run.outputs['etd-requests'] ? Number(run.outputs['etd-requests']) : undefined,
      reportBytes: run.reportBytes,
      summaryBytes: run.summaryBytes
    }
  } finally {
    await sim.close()
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** Wall time of `node --import preload ...args`, and its CPU time as the preload saw it. */
async function timeSpawn(
  args: string[],
  usageFile: string
): Promise<{ ms: number; cpuMs: number; code: number | null }> {
  const started = performance.now()
  const env = { ...baseEnv(), ETD_BENCH_USAGE_FILE: usageFile }
  const child = spawn(process.execPath, ['--import', PRELOAD, ...args], { env, stdio: 'ignore' })
  const code = await new Promise<number | null>((done) => child.on('close', done))
  const ms = performance.now() - started
  const usage = JSON.parse(await readFile(usageFile, 'utf8')) as NonNullable<ActionRun['usage']>
  return { ms, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, code }
}

/**
 * Spawn to exit of the action failing fast on its first missing input, over `node -e ''`; runs interleaved,
 * both with the preload, whose cost cancels. CPU time too: on a shared machine it is steadier than wall time.
 */
async function measureColdStart() {
  const dir = await mkdtemp(join(tmpdir(), 'etd-bench-cold-'))
  const bare = { ms: [] as number[], cpuMs: [] as number[] }
  const action = { ms: [] as number[], cpuMs: [] as number[] }
  let failedFast = true
  try {
    for (let i = 0; i < COLD_RUNS; i++) {
      const b = await timeSpawn(['-e', ''], join(dir, `bare-${i}.json`))
      bare.ms.push(b.ms)
      bare.cpuMs.push(b.cpuMs)
      const a = await timeSpawn([join(DIST, 'index.js')], join(dir, `action-${i}.json`))
      failedFast &&= a.code === 1
      action.ms.push(a.ms)
      action.cpuMs.push(a.cpuMs)
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  const bundleBytes = (
    await Promise.all(
      (await readdir(DIST)).filter((f) => f.endsWith('.js')).map(async (f) => (await stat(join(DIST, f))).size)
    )
  ).reduce((a, b) => a + b, 0)
  return {
    runs: COLD_RUNS,
    bareNodeMs: median(bare.ms),
    actionMs: median(action.ms),
    overBareMs: median(action.ms) - median(bare.ms),
    bareNodeCpuMs: median(bare.cpuMs),
    actionCpuMs: median(action.cpuMs),
    overBareCpuMs: median(action.cpuMs) - median(bare.cpuMs),
    failedFast,
    bundleBytes
  }
}

/** About 60 pages with the simulator enforcing ETD's 2/s burst 4 and the client pacing as it does against ETD. */
async function measurePacing() {
  const sim = await simulatorWith(PACED_PAGES * 100, true)
  try {
    const run = await runAction(windowInputs(sim))
    const { arrivals, searches, rateLimited } = sim.stats
    const spanSeconds = (arrivals[arrivals.length - 1] - arrivals[0]) / 1000
    const pagesPerSecond = searches / spanSeconds
    return {
      error: failure(run, PACED_PAGES * 100),
      wallMs: run.wallMs,
      requests: arrivals.length,
      pages: searches,
      spanSeconds,
      pagesPerSecond,
      shareOfCeiling: pagesPerSecond / 2,
      rateLimited
    }
  } finally {
    await sim.close()
  }
}

function bundle(): number {
  const started = performance.now()
  const result = spawnSync('npm', ['run', 'bundle'], { encoding: 'utf8' })
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout}${result.stderr}`)
    die('npm run bundle failed: nothing to measure')
  }
  return performance.now() - started
}

const mb = (bytes: number | undefined) => (bytes === undefined ? '–' : `${(bytes / MiB).toFixed(1)} MB`)
const kb = (bytes: number | undefined) =>
  bytes === undefined ? '–' : bytes >= MiB ? `${(bytes / MiB).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`
const secs = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(2)} s`)
const n = (x: number) => x.toLocaleString('en-US')

interface Target {
  what: string
  figure: string
  target: string
  /** Undefined when not measured (a size left out, --no-requests). */
  holds: boolean | undefined
}

// ——— the run ———
const benchStarted = performance.now()
const commit = spawnSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8' }).stdout.trim()
// The load says how much other work shared the machine: the times are only as quiet as it was.
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg()[0].toFixed(1)} at start`
const bundleMs = values['no-bundle'] ? undefined : bundle()
process.stderr.write(`${bundleMs === undefined ? 'dist/ as it is' : `bundled in ${secs(bundleMs)}`}; ${machine}\n`)

process.stderr.write('cold start… ')
const cold = await measureColdStart()
const sizes: SizeResult[] = []
for (const size of SIZES) {
  process.stderr.write(`${n(size)} matches… `)
  sizes.push(await measureSize(size))
}
process.stderr.write(`${LONG_SUBJECT_MATCHES} matches, plain and with ${n(LONG_SUBJECT_CHARS)}-character subjects… `)
const plainSubjects = await measureSize(LONG_SUBJECT_MATCHES)
const longSubjects = await measureSize(LONG_SUBJECT_MATCHES, LONG_SUBJECT_CHARS)
process.stderr.write(`pacing (${PACED_PAGES} pages)… `)
const pacing = await measurePacing()
process.stderr.write(values['no-requests'] ? '\n' : 'requests per day ')
const days: Day[] = values['no-requests'] ? [] : await measureRequestsPerDay()

// ——— the targets ———
const targets: Target[] = []
const at = (matches: number) => sizes.find((s) => s.matches === matches && s.error === undefined)
const [r10k, r100k] = [at(10_000), at(100_000)]
targets.push({
  what: 'peak RSS at 100,000 matches',
  figure: mb(r100k?.peakRssBytes),
  target: '≤ 150 MB',
  holds: r100k?.peakRssBytes === undefined ? undefined : r100k.peakRssBytes <= 150 * MiB
})
const growth = r10k?.peakRssBytes && r100k?.peakRssBytes ? r100k.peakRssBytes / r10k.peakRssBytes - 1 : undefined
targets.push({
  what: 'peak RSS growth from 10,000 to 100,000 matches',
  figure: growth === undefined ? '–' : `${(100 * growth).toFixed(0)}%`,
  target: '≤ 20%',
  holds: growth === undefined ? undefined : growth <= 0.2
})
for (const s of sizes) {
  targets.push({
    what: `job summary at ${n(s.matches)} matches`,
    figure: s.error ?? kb(s.summaryBytes),
    target: '< 1 MiB',
    holds: s.error === undefined && s.summaryBytes < MiB
  })
}
// Linear: the CPU each further 1,000 matches costs is the same from 10k to 100k as from 1k to 10k (the start-up cost cancels).
const [r1k] = [at(1_000)]
const slope = (a?: SizeResult, b?: SizeResult) =>
  a?.cpuMs !== undefined && b?.cpuMs !== undefined ? (b.cpuMs - a.cpuMs) / ((b.matches - a.matches) / 1000) : undefined
const [lowSlope, highSlope] = [slope(r1k, r10k), slope(r10k, r100k)]
targets.push({
  what: 'CPU per further 1,000 matches, 1k→10k vs 10k→100k',
  figure: lowSlope && highSlope ? `${lowSlope.toFixed(0)} ms vs ${highSlope.toFixed(0)} ms` : '–',
  target: 'linear: 10k→100k ≤ 1.25 × 1k→10k',
  holds: lowSlope === undefined || highSlope === undefined ? undefined : highSlope <= 1.25 * Math.max(lowSlope, 1)
})
// Cleaning clips before any pattern runs: a long subject costs its bytes in the report, not a quadratic pattern.
targets.push({
  what: `${LONG_SUBJECT_MATCHES} matches with ${n(LONG_SUBJECT_CHARS)}-character subjects, vs plain ones`,
  figure:
    longSubjects.error ??
    plainSubjects.error ??
    `${secs(longSubjects.wallMs)} vs ${secs(plainSubjects.wallMs)} (CPU ${secs(longSubjects.cpuMs)} vs ${secs(plainSubjects.cpuMs)})`,
  target: '≤ 2 s more wall time',
  holds:
    longSubjects.error === undefined && plainSubjects.error === undefined
      ? longSubjects.wallMs - plainSubjects.wallMs <= 2000
      : false
})
targets.push({
  what: `cold start over bare Node (median of ${cold.runs})`,
  figure:
    `${cold.overBareMs.toFixed(0)} ms (${cold.actionMs.toFixed(0)} − ${cold.bareNodeMs.toFixed(0)} ms); ` +
    `CPU ${cold.overBareCpuMs.toFixed(0)} ms over bare${cold.failedFast ? '' : '; did not fail fast'}`,
  target: '≤ 60 ms',
  holds: cold.failedFast && cold.overBareMs <= 60
})
targets.push({
  what: `pages per second at ETD's 2/s burst 4 (${pacing.pages} pages)`,
  figure: pacing.error ?? `${pacing.pagesPerSecond.toFixed(2)}/s = ${(100 * pacing.shareOfCeiling).toFixed(1)}% of 2/s`,
  target: '≥ 88% of 2/s',
  holds: pacing.error === undefined && pacing.shareOfCeiling >= 0.88
})
targets.push({
  what: '429s while paging at 2/s burst 4',
  figure: String(pacing.rateLimited),
  target: '≤ 1',
  holds: pacing.rateLimited <= 1
})
const busy = days.find((d) => d.convictionsPerDay === 13_000 && d.intervalMinutes === 10)
targets.push({
  what: 'ETD requests a day at 13,000 convictions a day, every 10 min',
  figure: busy ? n(busy.requests) : '–',
  target: '≤ 1,000',
  holds: busy === undefined ? undefined : busy.requests <= 1000
})

// ——— the report ———
const totalMs = performance.now() - benchStarted
const sizeRows = sizes.map((s) =>
  s.error
    ? `| ${n(s.matches)} | failed: ${s.error} |||||||`
    : `| ${n(s.matches)} | ${secs(s.wallMs)} | ${secs(s.cpuMs)} | ${s.cpuMs === undefined ? '–' : `${(s.cpuMs / (s.matches / 1000)).toFixed(0)} ms`} | ${mb(s.peakRssBytes)} | ${s.etdRequests ?? '–'} | ${kb(s.reportBytes)} | ${kb(s.summaryBytes)} |`
)
const failing = targets.filter((t) => t.holds === false)
const unmeasured = targets.filter((t) => t.holds === undefined).length
const mark = (holds: boolean | undefined) => (holds === undefined ? 'not measured' : holds ? '✓' : '✗')
console.log(
  [
    `## npm run bench: ${commit}, ${new Date().toISOString().slice(0, 16)}Z`,
    '',
    `${machine}; notify: ${values.notify}, job summary written, client rate limit lifted (simulator on loopback), ` +
      `convictions to ${values['one-mailbox'] ? 'one mailbox' : '997 mailboxes'}.`,
    '',
    '| matches in one window | wall time | CPU (user+sys) | CPU per 1k matches | peak RSS | ETD requests | report | job summary |',
    '|---|---|---|---|---|---|---|---|',
    ...sizeRows,
    '',
    `Bundle: ${kb(cold.bundleBytes)} (dist/*.js). Paging at 2/s burst 4: ${pacing.pages} pages in ${pacing.spanSeconds.toFixed(1)} s ` +
      `(${pacing.requests} requests, ${pacing.rateLimited} answered 429), run ${secs(pacing.wallMs)}.`,
    '',
    '| figure | measured | target | holds |',
    '|---|---|---|---|',
    ...targets.map((t) => `| ${t.what} | ${t.figure} | ${t.target} | ${mark(t.holds)} |`),
    '',
    ...(days.length > 0
      ? ['ETD requests a day (share of the tenant quota of 10,000), default inputs:', '', requestsTable(days)]
      : ['ETD requests a day: not measured (--no-requests).']),
    '',
    (failing.length === 0
      ? 'Every target measured holds.'
      : `${failing.length} of ${targets.length} targets missed: ${failing.map((t) => t.what).join('; ')}.`) +
      (unmeasured > 0 ? ` ${unmeasured} not measured.` : '') +
      ` Bench took ${secs(totalMs)}.`
  ].join('\n')
)
await mkdir(dirname(values.out!), { recursive: true })
await writeFile(
  values.out!,
  `${JSON.stringify(
    {
      commit,
      date: new Date().toISOString(),
      machine,
      notify: values.notify,
      oneMailbox: values['one-mailbox'],
      bundleMs,
      totalMs,
      sizes,
      longSubjects: { plain: plainSubjects, long: longSubjects, subjectChars: LONG_SUBJECT_CHARS },
      coldStart: cold,
      pacing,
      requestsPerDay: days,
      targets
    },
    null,
    2
  )}\n`
)
console.log(`\nJSON: ${values.out}`)
