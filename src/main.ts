import * as core from '@actions/core'
import { parseConfig, type Config } from './config/config.js'
import { unpacedLimiter, type Clock } from './common/rate-limiter.js'
import { EtdClient, EtdError } from './etd/client.js'
import { entriesFromMarkers } from './notify/marker.js'
import { IssueChannel } from './notify/issue-channel.js'
import { notifyAll, type Delivery } from './notify/notify.js'
import { renderSummary } from './notify/summary.js'
import { buildReport, writeReport } from './report/report.js'
import { findMatches, type FindResult } from './search/find.js'
import { CacheStateStore } from './state/cache-store.js'
import { advanceState, decide } from './state/dedupe.js'
import { untrustedTimes, utcDay, type NotifiedEntry, type WatchState } from './state/state.js'
import { FileStateStore, type StateStore } from './state/store.js'
import { clockTime, count } from './notify/format.js'
import { tallyRequests } from './window/budget.js'
import { FRESH_OVERLAP_MS, ledgerAfter, nextDeepRescan, planSearch, type SearchPlan } from './window/plan.js'

const MAX_SKIP_WARNINGS = 20
const SECRET_INPUTS = ['etd-api-key', 'etd-client-id', 'etd-client-secret', 'smtp-password', 'smtp-url', 'github-token']
const iso = (millis: number) => new Date(millis).toISOString()

export interface RunOptions {
  /** The clock that plans the window and stamps the state; tests move it between runs. */
  now?: () => number
  /** Paces the ETD client and times its retries; a simulated one lets a day of runs pass in seconds. */
  etdClock?: Clock
}

function readConfig(): Config {
  // Masked before validation can echo anything back.
  for (const name of SECRET_INPUTS) {
    const value = core.getInput(name)
    if (value) core.setSecret(value)
  }
  const config = parseConfig((name) => core.getInput(name), process.env)
  // The password as decoded from smtp-url differs from its URL-encoded form.
  if (config.email?.smtp.password) core.setSecret(config.email.smtp.password)
  return config
}

function stateStore(config: Config): StateStore {
  if (config.state.kind === 'file') return new FileStateStore(config.state.path)
  const env = process.env
  return new CacheStateStore({
    stateKey: config.state.key,
    runId: env.GITHUB_RUN_ID || String(Date.now()),
    runAttempt: env.GITHUB_RUN_ATTEMPT || '1',
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    mode: env.ACTIONS_CACHE_MODE ?? ''
  })
}

async function restoreState(store: StateStore, now: number): Promise<WatchState | undefined> {
  const loaded = await store.load()
  if (loaded.kind !== 'restored') {
    core.warning(`No state restored: ${loaded.reason}. Searching the lookback window as on a first run.`)
    return undefined
  }
  const { state } = loaded
  const distrust = untrustedTimes(state, now)
  if (distrust !== undefined) {
    core.warning(
      `No state restored: the state from ${loaded.from} was ignored because ${distrust}. ` +
        'Searching the lookback window as on a first run.'
    )
    return undefined
  }
  if (loaded.migratedFrom !== undefined) {
    core.info(`The state was written in format ${loaded.migratedFrom}; it is saved in the current format.`)
  }
  core.info(
    `Restored state from ${loaded.from}: watermark ${iso(state.watermark)}, ${state.notified.size} convictions remembered`
  )
  return state
}

function planSearchWindow(config: Config, now: number, previous: WatchState | undefined): SearchPlan {
  const requests = previous?.requests
  const plan = planSearch(now, config, {
    watermark: previous?.watermark,
    deepScanAt: previous?.deepScanAt,
    budget: {
      usedToday: requests?.day === utcDay(now) ? requests.count : 0,
      ratePerHour: previous?.ratePerHour,
      intervalMs: previous?.savedAt !== undefined && previous.savedAt < now ? now - previous.savedAt : undefined
    }
  })
  if (plan.clampedFrom !== undefined) {
    core.warning(
      `ETD keeps 90 days: the window starts at ${iso(plan.window.start)} instead of ${iso(plan.clampedFrom)}`
    )
  }
  const { deep } = plan
  const budget = count(config.dailyRequestBudget)
  if (deep.kind === 'postponed') {
    core.warning(
      `Deep rescan postponed: it needs about ${count(deep.estimate)} ETD requests and only ` +
        `${count(deep.available)} of today's daily-request-budget of ${budget} are left for it after the fresh ` +
        `windows. It runs at the first run after ${clockTime(deep.retryAt, now)}; retro verdicts on older ` +
        'messages wait until then.'
    )
  } else if (deep.kind === 'cut') {
    core.warning(
      `Deep rescan cut to the messages after ${iso(deep.start)} instead of ${iso(deep.wantedStart)}: the whole ` +
        `rescan range needs about ${count(deep.estimate)} ETD requests, more than a daily-request-budget of ` +
        `${budget} leaves after the fresh windows. Raise daily-request-budget or shorten rescan.`
    )
  } else if (deep.kind === 'full') {
    core.info(`Deep rescan due: searching again from ${iso(plan.window.start)} for verdicts given late`)
  }
  core.info(`Searching ETD from ${iso(plan.window.start)} to ${iso(plan.window.end)}`)
  return plan
}

function etdClient(config: Config, clock: Clock | undefined): EtdClient {
  return new EtdClient({
    ...config.etd,
    clock,
    limiter: config.etd.paced ? undefined : unpacedLimiter(),
    maskSecret: (value) => core.setSecret(value),
    onRetry: (n) =>
      core.info(
        `ETD ${n.path}: ${n.reason}; retrying in ${(n.delayMs / 1000).toFixed(1)}s (attempt ${n.attempt + 1} of ${n.maxAttempts})`
      ),
    onPageShrink: (size) => core.warning(`ETD said a page was too large; going on with pageSize ${size}`)
  })
}

const START_INPUT: Record<SearchPlan['startSetBy'], string> = {
  lookback: "input 'lookback'",
  rescan: "input 'rescan'",
  watermark: "the restored state's watermark"
}

async function fetchMatches(client: EtdClient, plan: SearchPlan, config: Config): Promise<FindResult> {
  let found: FindResult
  try {
    found = await findMatches((query) => client.search(query), plan.window, config.rule)
  } catch (error) {
    if (error instanceof EtdError && error.status === 400 && /date ?range/i.test(error.message)) {
      throw new Error(
        `ETD refused the window ${iso(plan.window.start)} to ${iso(plan.window.end)} as an invalid date range ` +
          `(it searches no further back than 90 days): check ${START_INPUT[plan.startSetBy]} and the runner's clock.`,
        { cause: error }
      )
    }
    throw error
  }
  for (const reason of found.skipped.slice(0, MAX_SKIP_WARNINGS)) core.warning(`Skipped an unreadable ${reason}`)
  if (found.skipped.length > MAX_SKIP_WARNINGS) {
    core.warning(`Skipped ${found.skipped.length - MAX_SKIP_WARNINGS} more unreadable messages`)
  }
  core.info(`${found.scanned} messages in ${found.pages} pages, ${found.matched.length} matched`)
  return found
}

/**
 * Without state, the issues are the record of what was told: their markers keep this run from telling
 * it again. Without issues, or when GitHub cannot be read, the run starts afresh.
 */
async function knownFromIssues(issues: IssueChannel | undefined): Promise<Map<string, NotifiedEntry>> {
  if (!issues) return new Map()
  try {
    const known = entriesFromMarkers(await issues.recorded())
    core.info(`No state, so the markers of recent issues stand in: ${known.size} convictions already recorded there`)
    return known
  } catch (error) {
    core.warning(`No state, and recent issues could not be read either: ${(error as Error).message}`)
    return new Map()
  }
}

function setDeliveryOutputs(delivery: Delivery): void {
  core.setOutput('notified', delivery.email?.sent === true || delivery.issue?.created === true)
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
    const kept = await store.save(next.ledgerOnly)
    return {
      ok: false,
      note: kept.ok
        ? 'Only the request count was saved: the next run searches this window again and retries the notifications.'
        : notSaved
    }
  }
  const state = next.whole()
  const result = await store.save(state)
  if (result.ok) {
    return {
      ok: true,
      note: `State saved to ${result.where}: watermark ${iso(state.watermark)}, ${state.notified.size} convictions remembered.`
    }
  }
  const note = `State not saved: ${result.reason}. The next run will tell this run's convictions again.`
  core.warning(note)
  return { ok: false, note }
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
    `${count(today)} of ${count(config.dailyRequestBudget)} today; ${deep} ${clockTime(nextDeepRescan(plan, config.rescanEveryMs), now)}.`
  )
}

/** Outside Actions (a crontab, the demo) there is no job summary to write to. */
async function writeSummary(html: string): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(html).write()
}

/**
 * The action: inputs → config → state restored → window planned → ETD pages → matches → new
 * convictions → report → notifications → state saved → summary and outputs.
 */
export async function run(options: RunOptions = {}): Promise<void> {
  const now = options.now ?? Date.now
  try {
    const config = readConfig()
    const store = stateStore(config)
    const issues =
      config.issue && !config.dryRun
        ? new IssueChannel(config.issue, { onRetry: (reason) => core.info(reason) })
        : undefined
    const previous = await restoreState(store, now())
    core.setOutput('state-restored', previous !== undefined)
    const known = previous?.notified ?? (await knownFromIssues(issues))
    const plan = planSearchWindow(config, now(), previous)
    const { window } = plan
    const horizon = previous?.horizon ?? window.start
    const client = etdClient(config, options.etdClock)
    const found = await fetchMatches(client, plan, config)
    const requests = client.requests.token + client.requests.search
    core.setOutput('etd-requests', requests)
    const decision = decide(found.matched, known, horizon)
    core.info(`${decision.notices.length} to tell: new convictions and verdict changes`)

    // Written before anyone is notified, so that a failed notification loses nothing.
    const report = buildReport(now(), window, found.matched, decision)
    await writeReport(config.reportPath, report)
    core.setOutput('matched-count', found.matched.length)
    core.setOutput('new-count', decision.notices.length)
    core.setOutput('window-start', report.window.start)
    core.setOutput('window-end', report.window.end)
    core.setOutput('report-path', config.reportPath)

    const delivery = await notifyAll(
      config,
      issues,
      { convictions: decision.notices, window, reportJson: JSON.stringify(report, null, 2) },
      {
        onRetry: (reason, attempt, delayMs) =>
          core.info(`${reason} Retrying in ${(delayMs / 1000).toFixed(1)}s (attempt ${attempt + 1}).`)
      }
    )
    setDeliveryOutputs(delivery)

    const ledger = (delivered: boolean) =>
      ledgerAfter(plan, previous, { now: now(), requests, scanned: found.scanned, delivered })
    const saved = await saveState(store, config, delivery, {
      whole: () =>
        advanceState(known, {
          horizon,
          window,
          matched: found.matched,
          decision,
          now: now(),
          watermark: previous?.watermark,
          keepFrom: window.end - Math.max(config.rescanMs, FRESH_OVERLAP_MS),
          ledger: ledger(true)
        }),
      ledgerOnly: previous && { ...previous, ...ledger(false) }
    })
    core.setOutput('state-saved', saved.ok)
    const notes = [
      accounting(config, plan, client, tallyRequests(previous?.requests, now(), requests).count, now()),
      ...delivery.notes,
      saved.note,
      ...(previous ? [] : ['No earlier state was restored: this run searched the lookback window.'])
    ]
    await writeSummary(
      renderSummary({
        window,
        matched: found.matched,
        notices: decision.notices,
        dispositions: decision.dispositions,
        rule: config.rule,
        scanned: found.scanned,
        skipped: found.skipped.length,
        released: found.released,
        notes
      })
    )
    if (delivery.failures.length > 0) {
      throw new Error(
        `${delivery.failures.map((f) => f.message).join(' ')} The report at ${config.reportPath} lists every match.`
      )
    }
    for (const note of notes) core.info(note)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
