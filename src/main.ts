import * as core from '@actions/core'
import { appendFile } from 'node:fs/promises'
import { log } from './common/log.js'
import { parseConfig, type Config } from './config/config.js'
import { describeConfig } from './config/describe.js'
import { scheduledRun } from './config/runner.js'
import { formatDuration } from './config/duration.js'
import { unpacedLimiter, type Clock } from './common/rate-limiter.js'
import { EtdClient, EtdError } from './etd/client.js'
import { techniqueWarnings } from './etd/techniques.js'
import { entriesFromMarkers } from './notify/marker.js'
import type { IssueChannel } from './notify/issue-channel.js'
import { BatchCollector, type Batch } from './notify/batch.js'
import { announceAll, notifyAll, type Channel, type Delivery } from './notify/channel.js'
import { heartbeatAfter } from './notify/heartbeat.js'
import type { EmailOptions } from './notify/email.js'
import { escapeHtml } from './notify/escape.js'
import { totalsOf } from './notify/rows.js'
import { testConviction } from './notify/test-conviction.js'
import { channelKeys, channelsFor } from './notify/notify.js'
import { MatchedRows, renderSummary } from './notify/summary.js'
import { ReportWriter } from './report/report.js'
import { scanWindow, type ScanOptions, type ScanResult } from './search/find.js'
import { advanceState, carriedOver, changeOf, classify, isTold, rememberFrom } from './state/dedupe.js'
import { afterRun, before, type Ranges } from './state/searched.js'
import {
  dropFutureEntries,
  notifiedKey,
  untrustedTimes,
  utcDay,
  type NotifiedEntry,
  type WatchState
} from './state/state.js'
import type { StateEntries, StateEntry } from './state/prune.js'
import { pendingToSave } from './state/deliveries.js'
import { FileStateStore, type Loaded, type Saved, type StateStore } from './state/store.js'
import { clockTime, count, formatTime, formatWindow } from './common/format.js'
import { cronInterval, scheduledRunsWith, tallyRequests } from './window/budget.js'
import { searchTime, slicePages } from './window/slices.js'
import {
  deepScanAfter,
  FRESH_OVERLAP_MS,
  type Backfill,
  ledgerAfter,
  nextDeepRescan,
  planSearch,
  reachOf,
  type SearchPlan,
  type SearchWindow
} from './window/plan.js'

const MAX_SKIP_WARNINGS = 20
export const SECRET_INPUTS = [
  'etd-api-key',
  'etd-client-id',
  'etd-client-secret',
  'smtp-url',
  'github-token',
  'graph-client-secret',
  'graph-certificate',
  'webhook-url'
]
/** The outputs are for machines: ISO-8601 UTC. Everything a person reads goes through common/format.ts. */
const iso = (millis: number) => new Date(millis).toISOString()

export interface RunOptions {
  /** The runner's environment, passed in by the entry point (tests pass their own). */
  env: NodeJS.ProcessEnv
  /** The clock that plans the window and stamps the state; tests move it between runs. */
  now?: () => number
  /** Paces the ETD client and times its retries; a simulated one lets a day of runs pass in seconds. */
  etdClock?: Clock
  /** PEM of a CA to trust for SMTP, Entra and Graph besides the system's: the tests' and the demo's local cloud. */
  emailCa?: string
}

function readConfig(env: NodeJS.ProcessEnv): Config {
  const secrets: string[] = []
  const mask = (value: string) => {
    core.setSecret(value)
    secrets.push(value)
  }
  // Masked before validation can echo anything back.
  for (const name of SECRET_INPUTS) {
    const value = core.getInput(name)
    if (value) mask(value)
    // A PEM is masked line by line too, so that no line of the private key can show on its own.
    if (value.includes('\n'))
      for (const line of value.split(/\r?\n/))
        if (line.trim().length > 8 && !line.startsWith('-----')) mask(line.trim())
  }
  // Each webhook URL on its own too: a log line may show one without the others.
  for (const line of core.getInput('webhook-url').split('\n')) {
    const url = line.trim().replace(/^[a-z]+=/i, '')
    if (url) mask(url)
  }
  const config = parseConfig((name) => core.getInput(name), env)
  // The password as decoded from smtp-url differs from its URL-encoded form.
  if (config.email?.smtp?.password) mask(config.email.smtp.password)
  for (const webhook of config.webhooks) mask(webhook.url)
  log.debug(`Resolved config: ${describeConfig(config, secrets)}`)
  for (const warning of config.runner.warnings) log.warning(warning)
  return config
}

/** This watch's entries through the REST API, when there is a token to ask with; Octokit loaded on use. */
async function stateEntries(config: Config): Promise<StateEntries | undefined> {
  if (config.state.kind !== 'cache' || !config.state.github) return undefined
  const { StateEntries } = await import('./state/prune.js')
  return new StateEntries(config.state.github, config.state.key)
}

/** The Actions cache client is loaded only when the state lives there. */
async function stateStore(config: Config, now: number): Promise<StateStore> {
  if (config.state.kind === 'file') return new FileStateStore(config.state.path)
  const { runner } = config
  // Outside Actions (a test's cache service) a key of its own per run still has to be unique.
  const runId = runner.runId ?? String(now)
  if (runner.runId === undefined) {
    log.warning(
      `GITHUB_RUN_ID is not set (not in GitHub Actions?): this run's state entry is named after the time, ${runId}.`
    )
  }
  const { CacheStateStore } = await import('./state/cache-store.js')
  return new CacheStateStore({
    stateKey: config.state.key,
    runId,
    runAttempt: String(runner.runAttempt),
    workspace: runner.workspace,
    mode: runner.cacheMode ?? ''
  })
}

async function restoreState(
  store: StateStore,
  entries: StateEntries | undefined,
  now: number,
  timeZone: string
): Promise<{ state?: WatchState; notes: string[] }> {
  const loaded = await store.load()
  if (loaded.kind === 'restored') {
    const { state } = loaded
    const distrust = untrustedTimes(state, now)
    if (distrust === undefined) {
      for (const part of [...(loaded.dropped ?? []), ...dropFutureEntries(state, now)]) {
        log.warning(`Dropped from the state from ${loaded.from}, the rest restored: ${part}.`)
      }
      if (loaded.migratedFrom !== undefined) {
        log.info(`The state was written in format ${loaded.migratedFrom}; it is saved in the current format.`)
      }
      log.info(
        `Restored state from ${loaded.from}: watermark ${formatTime(state.watermark, timeZone)}, ${state.notified.size} convictions remembered`
      )
      return { state, notes: [] }
    }
    const reason = `the state from ${loaded.from} was ignored because ${distrust}`
    log.warning(`No state restored: ${reason}. Searching as on a first run (backfill, 1h unless set).`)
    return { notes: [`Untrusted state: ${reason}.`] }
  }
  log.warning(`No state restored: ${loaded.reason}. Searching as on a first run (backfill, 1h unless set).`)
  // Something under this watch's key that cannot be trusted belongs in the summary too.
  if (loaded.kind === 'invalid') return { notes: [`Untrusted state: ${loaded.reason}.`] }
  const doubt = await outageNote(loaded, entries)
  if (doubt) log.warning(doubt)
  return { notes: doubt ? [doubt] : [] }
}

/**
 * The cache toolkit reports a failed restore as a miss (it only logs). A miss on a repository that
 * lists state entries of this watch is suspicious: said, while the issue markers stand in.
 */
async function outageNote(loaded: Loaded, entries: StateEntries | undefined): Promise<string | undefined> {
  if (loaded.kind !== 'none' || !loaded.outage) return undefined
  const standIn = 'The issue markers stand in for it, where there are issues.'
  if (loaded.outage === 'certain')
    return `Suspicious: this watch has state in the cache, but it could not be read. ${standIn}`
  if (!entries) return undefined
  let listed
  try {
    listed = await entries.list()
  } catch (error) {
    log.info(`Whether this was a first run or a cache outage is unknown: ${(error as Error).message}`)
    return undefined
  }
  if (listed.length === 0) return undefined
  return `Suspicious: the cache lists ${listed.length} state entries of this watch, but none was restored: the cache service failed (see its warning above). ${standIn}`
}

function planSearchWindow(
  config: Config,
  now: number,
  previous: WatchState | undefined,
  scheduledRuns: number[]
): SearchPlan {
  const requests = previous?.requests
  const plan = planSearch(now, config, {
    watermark: previous?.watermark,
    horizon: previous?.horizon,
    deepScanAt: previous?.deepScanAt,
    searched: previous?.searched,
    budget: {
      usedToday: requests?.day === utcDay(now) ? requests.count : 0,
      ratePerHour: previous?.ratePerHour,
      intervalMs: cronInterval(scheduledRuns)
    }
  })
  const zone = config.timeZone
  if (plan.backfill) {
    const { warn, text } = backfillLine(config, plan.backfill, now)
    if (warn) log.warning(text)
    else log.info(text)
  }
  if (plan.clampedFrom !== undefined) {
    log.warning(
      `ETD keeps 90 days: the window starts at ${formatTime(plan.window.start, zone)} instead of ${formatTime(plan.clampedFrom, zone)}`
    )
  }
  const { deep } = plan
  const budget = count(config.dailyRequestBudget)
  if (deep.kind === 'postponed') {
    log.warning(
      `Deep rescan postponed: it needs about ${count(deep.estimate)} ETD requests and only ` +
        `${count(deep.available)} of today's daily-request-budget of ${budget} are left for it after the fresh ` +
        `windows. It runs at the first run after ${clockTime(deep.retryAt, now, zone)}, scheduled or manual, when the ` +
        "day's budget starts over; retro verdicts on older messages wait until then."
    )
  } else if (deep.kind === 'cut') {
    log.warning(
      `Deep rescan cut to the messages after ${formatTime(deep.start, zone)} instead of ${formatTime(deep.wantedStart, zone)}: the whole ` +
        `rescan range needs about ${count(deep.estimate)} ETD requests, more than a daily-request-budget of ` +
        `${budget} leaves after the fresh windows. Raise daily-request-budget or shorten rescan.`
    )
  } else if (deep.kind === 'full') {
    log.info(`Deep rescan due: searching again from ${formatTime(plan.window.start, zone)} for verdicts given late`)
  }
  if (plan.resumeFrom !== undefined) {
    log.info(`Searching first what an earlier run left unsearched, from ${formatTime(plan.resumeFrom, zone)}`)
  }
  log.info(`Searching ETD for messages received ${formatWindow(plan.window, zone)}`)
  return plan
}

/** What a backfill costs before it runs, or why it does not; a warning when it does not run. */
function backfillLine(config: Config, backfill: Backfill, now: number): { warn: boolean; text: string } {
  const zone = config.timeZone
  const range = `Backfill of ${formatDuration(config.backfillMs)}`
  const cost = (estimate: number) => `about ${count(estimate)} ETD requests`
  const budget = `daily-request-budget of ${count(config.dailyRequestBudget)}`
  switch (backfill.kind) {
    case 'covered':
      return {
        warn: false,
        text: `${range}: nothing to do, the watch has searched since ${formatTime(backfill.since, zone)}.`
      }
    case 'run':
      return {
        warn: false,
        text:
          `${range}: ${backfill.estimate === undefined ? 'cost unknown (no run has measured the rate yet)' : cost(backfill.estimate)}, ` +
          `searching from ${formatTime(backfill.start, zone)}; convictions already told are not told again.`
      }
    case 'postponed':
      return {
        warn: true,
        text:
          `${range} postponed: ${cost(backfill.estimate)}, and only ${count(backfill.available)} of today's ${budget} ` +
          `are left after the runs still to come. Run it again after ${clockTime(backfill.retryAt, now, zone)}.`
      }
    case 'refused':
      return {
        warn: true,
        text:
          `${range} not run: ${cost(backfill.estimate)}, more than the ${count(Math.max(0, backfill.dayCapacity))} a ${budget} ` +
          'leaves in a day after the scheduled runs. Choose a shorter backfill or raise daily-request-budget.'
      }
  }
}

function etdClient(config: Config, clock: Clock | undefined): EtdClient {
  return new EtdClient({
    ...config.etd,
    clock,
    limiter: config.etd.paced ? undefined : unpacedLimiter(),
    timeZone: config.timeZone,
    maskSecret: (value) => core.setSecret(value),
    onRetry: (n) =>
      log.info(
        `ETD ${n.path}: ${n.reason}; retrying in ${(n.delayMs / 1000).toFixed(1)}s (attempt ${n.attempt + 1} of ${n.maxAttempts})`
      ),
    onPageShrink: (size) => log.warning(`ETD said a page was too large; going on with pageSize ${size}`),
    onRequest: (path) => log.debug(`ETD ${path}`)
  })
}

const START_INPUT: Record<SearchPlan['startSetBy'], string> = {
  lookback: "input 'backfill'",
  backfill: "input 'backfill'",
  rescan: "input 'rescan'",
  watermark: "the restored state's watermark",
  resume: "the restored state's record of what it searched"
}

/** The digest shows at most 10,000 rows, the issue and the summary fewer: enough to keep for any channel. */
const KEEP_FOR_CHANNELS = 10_000

interface Found {
  scan: ScanResult
  /** What this run tells. */
  batch: Batch
  matched: MatchedRows
}

/**
 * Every page of the window, each matched message decided as it arrives: written to the report, kept
 * small for the state, and counted (and the first few kept) for the channels and the summary.
 */
async function findConvictions(
  client: EtdClient,
  plan: SearchPlan,
  config: Config,
  known: ReadonlyMap<string, NotifiedEntry>,
  next: Map<string, NotifiedEntry>,
  dedupe: { horizon: number; covered?: Ranges },
  now: number,
  scanOptions: ScanOptions
): Promise<Found> {
  const report = await ReportWriter.open(config.reportPath, now, plan.window)
  const batch = new BatchCollector(config.rule, Math.min(KEEP_FOR_CHANNELS, Math.max(config.email?.maxRows ?? 0, 1000)))
  const matched = new MatchedRows(config.rule.mailboxes)
  let scan: ScanResult
  try {
    scan = await scanWindow(
      (query) => client.search(query),
      plan.window,
      config.rule,
      async (message) => {
        const { disposition, previousVerdict } = classify(message, known, dedupe.horizon, dedupe.covered)
        await report.add({ ...message, notice: disposition, previousVerdict })
        const change = changeOf(message, disposition, known, now)
        if (change) next.set(notifiedKey(message.id), change)
        matched.add(message, disposition, previousVerdict)
        // A copy only for a verdict change: the batch keeps a few and counts the rest.
        if (isTold(disposition)) batch.add(previousVerdict === undefined ? message : { ...message, previousVerdict })
      },
      scanOptions
    )
  } catch (error) {
    await report.discard()
    if (error instanceof EtdError && error.status === 400 && /date ?range/i.test(error.message)) {
      throw new Error(
        `ETD refused the window ${formatWindow(plan.window, config.timeZone)} as an invalid date range ` +
          `(it searches no further back than 90 days): check ${START_INPUT[plan.startSetBy]} and the runner's clock.`,
        { cause: error }
      )
    }
    throw error
  }
  // Written whole before anyone is notified, so that a failed notification loses nothing.
  await report.close({ newCount: batch.result.totals.total })
  for (const reason of scan.skipped.slice(0, MAX_SKIP_WARNINGS)) log.warning(`Skipped an unreadable ${reason}`)
  if (scan.skipped.length > MAX_SKIP_WARNINGS) {
    log.warning(`Skipped ${scan.skipped.length - MAX_SKIP_WARNINGS} more unreadable messages`)
  }
  log.info(`${scan.scanned} messages in ${scan.pages} pages, ${scan.matched} matched`)
  return { scan, batch: batch.result, matched }
}

/** Why a run searched less than its window, and what becomes of the rest. */
function stopNote(searched: SearchWindow, config: Config): string {
  return (
    `Time budget: the search stopped after ${formatDuration(searchTime(config.timeBudgetMs))} of time-budget ` +
    `${formatDuration(config.timeBudgetMs)}, having searched ${formatWindow(searched, config.timeZone)} to the ` +
    'end. What it found is told; the next run continues from there.'
  )
}

/**
 * Without state, the issues are the record of what was told: their markers keep this run from telling
 * it again. A backfill reaches before the horizon, where a state lost since may have told: there they
 * join what the state remembers. Without issues, or when GitHub cannot be read, only the state counts.
 */
async function knownFromIssues(
  config: Config,
  issues: IssueChannel | undefined,
  remembered?: ReadonlyMap<string, NotifiedEntry>
): Promise<Map<string, NotifiedEntry>> {
  const why = remembered ? 'Backfill' : 'No state'
  if (!issues) return new Map(remembered)
  try {
    // A batch that still owes a configured channel is not told: this run finishes it.
    const known = entriesFromMarkers(await issues.recorded(), channelKeys(config))
    log.info(`${why}, so the markers of recent issues stand in: ${known.size} convictions already recorded there`)
    return new Map([...known, ...(remembered ?? [])])
  } catch (error) {
    log.warning(`${why}, and recent issues could not be read either: ${(error as Error).message}`)
    return new Map(remembered)
  }
}

function setDeliveryOutputs(delivery: Delivery): void {
  core.setOutput('notified', delivery.notified)
  core.setOutput('email-message-id', delivery.email?.messageId ?? '')
  core.setOutput('issue-url', delivery.issue?.url ?? '')
  core.setOutput('issue-number', delivery.issue?.number ?? '')
  if (delivery.email?.emlPath) core.setOutput('email-path', delivery.email.emlPath)
  if (delivery.issuePath) core.setOutput('issue-path', delivery.issuePath)
}

/**
 * Saved whole only when everyone was told: otherwise the next run searches the same window and tells
 * again. After a failed delivery only the bookkeeping is saved over the previous state, so that a channel
 * that keeps failing cannot spend more than the day's request budget. A failed save is loud but not
 * fatal: the next run would only tell again.
 */
async function saveState(
  store: StateStore,
  config: Config,
  delivery: Delivery,
  next: { whole: () => WatchState; ledgerOnly?: WatchState }
): Promise<{ ok: boolean; note: string }> {
  if (config.dryRun) return { ok: false, note: 'Dry run: state not saved.' }
  const notSaved = 'State not saved: the next run searches this window again and retries the notifications.'
  if (delivery.failures.length > 0) {
    if (next.ledgerOnly === undefined) return { ok: false, note: notSaved }
    const kept = warnDropped(await store.save(next.ledgerOnly))
    return {
      ok: false,
      note: kept.ok
        ? 'Only the request count was saved: the next run searches this window again and retries the notifications.'
        : notSaved
    }
  }
  const state = next.whole()
  const result = warnDropped(await store.save(state))
  if (result.ok) {
    return {
      ok: true,
      note: `State saved to ${result.where}: watermark ${formatTime(state.watermark, config.timeZone)}, ${state.notified.size} convictions remembered, ${result.bytes} bytes.`
    }
  }
  const note = `State not saved: ${result.reason}. The next run will tell this run's convictions again.`
  log.warning(note)
  return { ok: false, note }
}

/** The parts of a state that could not be written are named, never the text in them. */
function warnDropped(saved: Saved): Saved {
  if (saved.ok) for (const part of saved.dropped) log.warning(`Not saved with the state: ${part}.`)
  return saved
}

/** One line on what this run cost the tenant's shared ETD quota, and when the deep rescan runs next. */
function accounting(config: Config, plan: SearchPlan, client: EtdClient, today: number, now: number): string {
  const { token, search } = client.requests
  const deep =
    plan.deep.kind === 'full' || plan.deep.kind === 'cut'
      ? 'deep rescan ran this run, next due'
      : 'deep rescan next due'
  return (
    `ETD: ${count(token + search)} requests this run (${count(token)} token, ${count(search)} search); ` +
    `${count(today)} of ${count(config.dailyRequestBudget)} today; ${deep} ${clockTime(nextDeepRescan(plan, config.rescanEveryMs), now, config.timeZone)}.`
  )
}

/** `state-prune`: after a successful save, the older state entries go; a refusal is a warning, never a failure. */
async function pruneState(entries: StateEntries): Promise<string> {
  try {
    const { deleted, kept } = await entries.prune()
    const bytes = (list: StateEntry[]) => list.reduce((n, e) => n + e.bytes, 0)
    return `Pruning: ${deleted.length} older state entries deleted (${bytes(deleted)} bytes); this watch keeps ${kept.length} in the cache (${bytes(kept)} bytes).`
  } catch (error) {
    const note = `Pruning skipped: ${(error as Error).message}. Old state entries stay until GitHub evicts them.`
    log.warning(note)
    return note
  }
}

/** Octokit is loaded only when issues are opened; a dry run writes the issue to a file instead. */
async function issueChannel(config: Config): Promise<IssueChannel | undefined> {
  if (!config.issue || config.dryRun) return undefined
  const { IssueChannel } = await import('./notify/issue-channel.js')
  return new IssueChannel(config.issue, {
    onRetry: (reason) => log.info(reason),
    onWarning: (message) => log.warning(message),
    runUrl: config.runUrl
  })
}

/** `heartbeat: daily`: the "all quiet" line to every channel that takes one; what happened joins the delivery. */
async function sendHeartbeat(config: Config, channels: Channel[], line: string, delivery: Delivery): Promise<void> {
  if (config.dryRun) {
    delivery.notes.push(`Dry run: the heartbeat "${line}" was not sent.`)
    return
  }
  const sent = await announceAll(channels, line)
  if (sent.notes.length === 0) delivery.notes.push(`Heartbeat "${line}" not sent: only email and webhooks take it.`)
  delivery.notes.push(...sent.notes)
  delivery.failures.push(...sent.failures)
  delivery.notified ||= sent.notified
}

function channelOptions(options: RunOptions): EmailOptions {
  return {
    onRetry: (reason, attempt, delayMs) =>
      log.info(`${reason} Retrying in ${(delayMs / 1000).toFixed(1)}s (attempt ${attempt + 1}).`),
    maskSecret: (value) => core.setSecret(value),
    getIdToken: (audience) => core.getIDToken(audience),
    ca: options.emailCa
  }
}

/**
 * `send-test`: proves the setup before a real phish does. One token request checks the ETD credentials;
 * then one synthetic conviction marked [TEST] goes through every configured channel. No mailbox data is
 * read, and the state is neither restored nor saved.
 */
async function sendTest(config: Config, options: RunOptions, now: number): Promise<void> {
  const client = etdClient(config, options.etdClock)
  await client.checkCredentials()
  core.setOutput('etd-requests', client.requests.token)
  log.info(`ETD took the credentials (${count(client.requests.token)} token request); no mailbox data was read.`)
  const conviction = testConviction(now, config.rule)
  const window: SearchWindow = { start: now - FRESH_OVERLAP_MS, end: now }
  const report = await ReportWriter.open(config.reportPath, now, window)
  await report.add({ ...conviction, notice: 'new' })
  await report.close({ newCount: 1 })
  core.setOutput('report-path', config.reportPath)
  const issues = await issueChannel(config)
  const channels = channelsFor(config, issues, channelOptions(options))
  const delivery = await notifyAll(channels, {
    convictions: [conviction],
    totals: totalsOf([conviction], config.rule),
    window,
    timeZone: config.timeZone,
    test: true
  })
  setDeliveryOutputs(delivery)
  core.setOutput('state-saved', false)
  const notes = [...delivery.notes, 'Send test: the state was neither read nor saved.']
  await writeSummary(
    config,
    `<h2>ETD verdict watch: send test</h2>\n${notes.map((n) => `<p>${escapeHtml(n)}</p>`).join('\n')}`
  )
  if (delivery.failures.length > 0) throw new Error(`Send test: ${delivery.failures.map((f) => f.message).join(' ')}`)
  for (const note of notes) log.info(note)
}

/** Outside Actions (a crontab) there is no job summary to write to. */
async function writeSummary(config: Config, html: string): Promise<void> {
  if (config.runner.summaryPath) await appendFile(config.runner.summaryPath, html)
}

/**
 * The action: inputs → config → state restored → window planned → ETD pages → matches → new
 * convictions → report → notifications → state saved → summary and outputs.
 */
export async function run(options: RunOptions): Promise<void> {
  const now = options.now ?? Date.now
  const startedAt = now()
  try {
    const config = await core.group('Inputs', async () => {
      const config = readConfig(options.env)
      for (const warning of techniqueWarnings(config.rule.techniques)) log.warning(warning)
      return config
    })
    if (config.sendTest) return await sendTest(config, options, now())
    const { store, entries, issues, restored, known } = await core.group('State restore', async () => {
      const store = await stateStore(config, now())
      const entries = await stateEntries(config)
      const issues = await issueChannel(config)
      const restored = await restoreState(store, entries, now(), config.timeZone)
      core.setOutput('state-restored', restored.state !== undefined)
      const known = restored.state?.notified ?? (await knownFromIssues(config, issues))
      return { store, entries, issues, restored, known }
    })
    const previous = restored.state
    // Only scheduled runs tell the cadence, by when they start: a manual run a minute after one is no one-minute cron.
    const scheduledRuns = scheduledRunsWith(previous?.scheduledRuns, now(), scheduledRun(config.runner))
    const plan = await core.group('Plan', async () => planSearchWindow(config, now(), previous, scheduledRuns))
    const { window } = plan
    // A backfill tells what lies before where the watch began, and moves that back; where the state's
    // record shows a search older than what the state still remembers, earlier runs told.
    const backfilled = previous !== undefined && plan.backfill?.kind === 'run'
    const horizon = previous ? (backfilled ? Math.min(previous.horizon, window.start) : previous.horizon) : window.start
    // How far back the state remembers, before this run and after it: what a later window can reach.
    const rememberedBefore = previous && reachOf(previous.deepScanAt, previous.watermark, config.rescanMs)
    const deepScanAt = deepScanAfter(plan, previous?.deepScanAt, true)
    const covered = previous?.searched && before(previous.searched, rememberedBefore!)
    const reachesBack = backfilled || (plan.resumeFrom !== undefined && plan.resumeFrom < rememberedBefore!)
    const recorded = reachesBack ? await knownFromIssues(config, issues, known) : known
    const client = etdClient(config, options.etdClock)
    // What the next state remembers, filled in as messages arrive; saved only when everyone was told.
    const next = carriedOver(known, reachOf(deepScanAt, window.end, config.rescanMs), previous?.searched)
    const searchMs = searchTime(config.timeBudgetMs)
    const found = await core.group('ETD fetch', () =>
      findConvictions(client, plan, config, recorded, next, { horizon, covered }, now(), {
        slicePages: slicePages(searchMs),
        ratePerHour: previous?.ratePerHour,
        stop: () => now() - startedAt >= searchMs
      })
    )
    // Stopped short: the watermark moves only as far as the search got, and the state remembers from there.
    const searched = { start: window.start, end: found.scan.searchedTo }
    const watermark = Math.max(searched.end, previous?.watermark ?? searched.end)
    const stopped = searched.end < window.end ? stopNote(searched, config) : undefined
    const rememberedFrom = reachOf(deepScanAt, watermark, config.rescanMs)
    if (stopped) {
      log.warning(stopped)
      rememberFrom(next, known, rememberedFrom)
    }
    const requests = client.requests.token + client.requests.search
    const told = found.batch.totals.total
    log.info(`${told} to tell: new convictions and verdict changes`)
    core.setOutput('etd-requests', requests)
    core.setOutput('matched-count', found.scan.matched)
    core.setOutput('new-count', told)
    core.setOutput('action-needed-count', found.batch.totals.actionNeeded)
    core.setOutput('window-start', iso(window.start))
    core.setOutput('window-end', iso(window.end))
    core.setOutput('report-path', config.reportPath)

    const { delivery, heartbeat } = await core.group('Notify', async () => {
      const channels = channelsFor(config, issues, channelOptions(options))
      const delivery = await notifyAll(channels, {
        ...found.batch,
        window,
        timeZone: config.timeZone,
        pendingNotices: previous?.pending
      })
      for (const warning of delivery.email?.warnings ?? []) log.warning(warning)
      const heartbeat =
        config.heartbeat === 'daily'
          ? heartbeatAfter(previous?.heartbeat, {
              now: now(),
              told,
              mailboxes: config.rule.mailboxes,
              timeZone: config.timeZone
            })
          : undefined
      if (heartbeat?.line) await sendHeartbeat(config, channels, heartbeat.line, delivery)
      return { delivery, heartbeat }
    })
    setDeliveryOutputs(delivery)

    const ledger = (delivered: boolean) =>
      ledgerAfter(plan, previous, {
        now: now(),
        requests,
        scanned: found.scan.scanned,
        delivered,
        scheduledRuns,
        searchedTo: searched.end
      })
    const saved = await core.group('State save', () =>
      saveState(store, config, delivery, {
        whole: () =>
          advanceState(next, {
            horizon,
            window: searched,
            watermark: previous?.watermark,
            ledger: {
              ...ledger(true),
              searched: afterRun(previous?.searched, {
                window,
                searchedTo: searched.end,
                rememberedFrom,
                now: now()
              }),
              heartbeat: heartbeat?.next,
              pending: pendingToSave(delivery.email?.pending, previous?.pending, 'whole')
            }
          }),
        ledgerOnly: previous && {
          ...previous,
          ...ledger(false),
          pending: pendingToSave(delivery.email?.pending, previous.pending, 'ledger')
        }
      })
    )
    core.setOutput('state-saved', saved.ok)
    const pruned =
      saved.ok && entries && config.state.kind === 'cache' && config.state.prune
        ? await core.group('Prune', () => pruneState(entries))
        : undefined
    const notes = [
      ...(plan.backfill ? [backfillLine(config, plan.backfill, now()).text] : []),
      ...(stopped ? [stopped] : []),
      accounting(config, plan, client, tallyRequests(previous?.requests, now(), requests).count, now()),
      ...delivery.notes,
      saved.note,
      ...(pruned ? [pruned] : []),
      ...(previous
        ? []
        : [
            'No earlier state was restored: this run searched as a first run does (backfill, 1h unless set).',
            ...restored.notes
          ])
    ]
    await writeSummary(
      config,
      renderSummary({
        window,
        timeZone: config.timeZone,
        matched: found.matched,
        batch: found.batch,
        rule: config.rule,
        scanned: found.scan.scanned,
        skipped: found.scan.skipped.length,
        released: found.scan.released,
        notes,
        reportPath: config.reportPath
      })
    )
    if (delivery.failures.length > 0) {
      throw new Error(
        `${delivery.failures.map((f) => f.message).join(' ')} The job summary and the report (output report-path, kept when the workflow uploads it as an artifact) list every match.`
      )
    }
    for (const note of notes) log.info(note)
  } catch (error) {
    // The stack is for whoever turns on debug logging; the error line stays one line.
    if (error instanceof Error && error.stack) log.debug(error.stack)
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
