import * as core from '@actions/core'
import { parseConfig, type Config } from './config/config.js'
import { EtdClient } from './etd/client.js'
import { entriesFromMarkers } from './notify/marker.js'
import { IssueChannel } from './notify/issue-channel.js'
import { notifyAll, type Delivery } from './notify/notify.js'
import { renderSummary } from './notify/summary.js'
import { buildReport, writeReport } from './report/report.js'
import { findMatches, type FindResult } from './search/find.js'
import { CacheStateStore } from './state/cache-store.js'
import { advanceState, decide } from './state/dedupe.js'
import type { NotifiedEntry, WatchState } from './state/state.js'
import { FileStateStore, type StateStore } from './state/store.js'
import { planWindow, type SearchWindow } from './window/plan.js'

const MAX_SKIP_WARNINGS = 20
const SECRET_INPUTS = ['etd-api-key', 'etd-client-id', 'etd-client-secret', 'smtp-password', 'smtp-url', 'github-token']
const iso = (millis: number) => new Date(millis).toISOString()

export interface RunOptions {
  /** The clock that plans the window and stamps the state; tests move it between runs. */
  now?: () => number
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

async function restoreState(store: StateStore): Promise<WatchState | undefined> {
  const loaded = await store.load()
  if (loaded.kind === 'restored') {
    const { state } = loaded
    core.info(
      `Restored state from ${loaded.from}: watermark ${iso(state.watermark)}, ${state.notified.size} convictions remembered`
    )
    return state
  }
  core.warning(`No state restored: ${loaded.reason}. Searching the lookback window as on a first run.`)
  return undefined
}

function planSearchWindow(config: Config, now: number, watermark: number | undefined): SearchWindow {
  const window = planWindow(now, config, watermark)
  if (window.clampedFrom !== undefined) {
    core.warning(`ETD keeps 90 days: the window starts at ${iso(window.start)} instead of ${iso(window.clampedFrom)}`)
  }
  core.info(`Searching ETD from ${iso(window.start)} to ${iso(window.end)}`)
  return window
}

async function fetchMatches(config: Config, window: SearchWindow): Promise<FindResult> {
  const client = new EtdClient({
    ...config.etd,
    maskSecret: (value) => core.setSecret(value),
    onRetry: (n) =>
      core.info(
        `ETD ${n.path}: ${n.reason}; retrying in ${(n.delayMs / 1000).toFixed(1)}s (attempt ${n.attempt + 1} of ${n.maxAttempts})`
      ),
    onPageShrink: (size) => core.warning(`ETD said a page was too large; going on with pageSize ${size}`),
    onRequest: (path) => core.debug(`ETD ${path}`)
  })
  const found = await findMatches((query) => client.search(query), window, config.rule)
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
 * Saved only when everyone was told: otherwise the next run searches the same window and tells again.
 * A failed save is loud but not fatal: the next run would only tell again.
 */
async function saveState(
  store: StateStore,
  config: Config,
  delivery: Delivery,
  next: () => WatchState
): Promise<{ ok: boolean; note: string }> {
  if (delivery.failures.length > 0) {
    return {
      ok: false,
      note: 'State not saved: the next run searches this window again and retries the notifications.'
    }
  }
  if (config.dryRun) return { ok: false, note: 'Dry run: state not saved.' }
  const state = next()
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

/** Outside Actions (a crontab, the demo) there is no job summary to write to. */
async function writeSummary(html: string): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(html).write()
}

/**
 * The action: inputs → config → state restored → window → ETD pages → matches → new convictions →
 * report → notifications → state saved → summary and outputs.
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
    const previous = await restoreState(store)
    core.setOutput('state-restored', previous !== undefined)
    const known = previous?.notified ?? (await knownFromIssues(issues))
    const window = planSearchWindow(config, now(), previous?.watermark)
    const horizon = previous?.horizon ?? window.start
    const found = await fetchMatches(config, window)
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

    const saved = await saveState(store, config, delivery, () =>
      advanceState(known, {
        horizon,
        window,
        matched: found.matched,
        decision,
        now: now(),
        watermark: previous?.watermark
      })
    )
    core.setOutput('state-saved', saved.ok)
    const notes = [
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
