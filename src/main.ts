import * as core from '@actions/core'
import { log } from './common/log.js'
import type { Clock } from './common/rate-limiter.js'
import type { Config } from './config/config.js'
import { readConfig } from './config/read.js'
import { scheduledRun } from './config/runner.js'
import { issueChannelFor, tellChannels, toldInIssues } from './channels.js'
import { etdClient, findConvictions } from './convictions.js'
import { totalRequests } from './etd/client.js'
import { Follower, followUp } from './notify/issue/follow.js'
import { batchOf } from './notify/batch.js'
import { renderSummary } from './notify/summary/summary.js'
import { OUTPUT, setDeliveryOutputs, setOutput, setSearchOutputs, writeSummary } from './outputs.js'
import { Candidates, remediate } from './remediate.js'
import { sendTest } from './send-test.js'
import { weeklyReport } from './weekly.js'
import { carriedOver, rememberFrom } from './state/dedupe.js'
import { knownFromIssues, restoreState, stateEntries, stateStore } from './state/restore.js'
import { nextStates, pruneState, saveState } from './state/save.js'
import type { WatchState } from './state/state.js'
import { scheduledRunsWith, tallyRequests } from './window/budget.js'
import { planMemory } from './window/memory.js'
import { dedupeScope } from './window/scope.js'
import { ledgerAfter, planSearch, type SearchPlan } from './window/plan.js'
import { searchTime, slicePages } from './window/slices.js'
import { accountingLine, backfillLine, planLines, stopLine } from './window/wording.js'

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

/** The window of this run from what the state remembers, and what the plan means said in the log. */
function planWindow(
  config: Config,
  now: number,
  previous: WatchState | undefined,
  scheduledRuns: number[]
): SearchPlan {
  const plan = planSearch(now, config, planMemory(previous, now, scheduledRuns))
  for (const line of planLines(plan, config, now)) log[line.warn ? 'warning' : 'info'](line.text)
  return plan
}

/**
 * The action: inputs → config → state restored → window planned → ETD pages → matches → what to tell →
 * channels → state saved → summary and outputs.
 */
export async function run(options: RunOptions): Promise<void> {
  const now = options.now ?? Date.now
  const startedAt = now()
  try {
    const config = await core.group('Inputs', async () => readConfig(options.env))
    if (config.sendTest) return await sendTest(config, options, now())
    if (config.report === 'weekly') return await weeklyReport(config, options, now)
    const { store, entries, issues, restored, remembered } = await core.group('State restore', async () => {
      const store = await stateStore(config, now())
      const entries = await stateEntries(config)
      const issues = await issueChannelFor(config)
      const restored = await restoreState(store, entries, now(), config.timeZone)
      setOutput(OUTPUT.stateRestored, restored.state !== undefined)
      const remembered = restored.state?.notified ?? (await knownFromIssues(toldInIssues(config, issues)))
      return { store, entries, issues, restored, remembered }
    })
    const previous = restored.state
    // Only scheduled runs tell the cadence, by when they start: a manual run a minute after one is no one-minute cron.
    const scheduledRuns = scheduledRunsWith(previous?.scheduledRuns, now(), scheduledRun(config.runner))
    const plan = await core.group('Plan', async () => planWindow(config, now(), previous, scheduledRuns))
    const { window } = plan
    const scope = dedupeScope(plan, previous, config.rescanMs)
    const alreadyTold = scope.reachesBack ? await knownFromIssues(toldInIssues(config, issues), remembered) : remembered
    const client = etdClient(config, options.etdClock)
    const follower = issues && new Follower(alreadyTold, now(), scope.keepFrom)
    const candidates = config.autoRemediate.length > 0 ? new Candidates(config.autoRemediate, now()) : undefined
    // What the next state remembers, filled in as messages arrive; saved only when everyone was told.
    const nextNotified = carriedOver(remembered, scope.keepFrom, previous?.searched)
    const searchMs = searchTime(config.timeBudgetMs)
    const found = await core.group('ETD fetch', () =>
      findConvictions(client, plan, config, alreadyTold, nextNotified, scope, now(), {
        slicePages: slicePages(searchMs),
        ratePerHour: previous?.ratePerHour,
        stop: () => now() - startedAt >= searchMs,
        follower,
        candidates
      })
    )
    const remediated =
      candidates &&
      (await core.group('Auto-remediate', () =>
        remediate(client, candidates, found, config, {
          follower,
          next: nextNotified,
          tally: previous?.requests,
          now: now()
        })
      ))
    if (remediated) found.batch = remediated.batch
    // Stopped short: the watermark moves only as far as the search got, and the state remembers from there.
    const searched = { start: window.start, end: found.scan.searchedTo }
    const rememberedFrom = scope.rememberedFrom(searched.end)
    const stopped = searched.end < window.end ? stopLine(searched, config) : undefined
    if (stopped) {
      log.warning(stopped)
      rememberFrom(nextNotified, remembered, rememberedFrom)
    }
    const requests = totalRequests(client.requests)
    const told = found.batch.totals.total
    log.info(`${told} to tell: new convictions and verdict changes`)
    setSearchOutputs(found, requests, window, config.reportPath)

    const batch = batchOf(found.batch, window, config)
    const { delivery, heartbeat } = await core.group('Notify', () =>
      tellChannels(config, issues, batch, { previous, now, emailCa: options.emailCa })
    )
    setDeliveryOutputs(delivery)
    const trail =
      issues && follower
        ? await core.group('Audit trail', () => followUp(issues, follower, nextNotified, searched, config.timeZone))
        : []

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
      saveState(
        store,
        config,
        delivery.failures.length === 0,
        nextStates(previous, {
          notified: nextNotified,
          horizon: scope.horizon,
          window,
          searchedTo: searched.end,
          rememberedFrom,
          now,
          ledger,
          heartbeat: heartbeat?.next,
          pending: delivery.pending,
          days: { tally: found.days, known: remembered }
        })
      )
    )
    setOutput(OUTPUT.stateSaved, saved.ok)
    const pruned =
      saved.ok && entries && config.state.kind === 'cache' && config.state.prune
        ? await core.group('Prune', () => pruneState(entries))
        : undefined
    const today = tallyRequests(previous?.requests, now(), requests).count
    const notes = [
      ...(plan.backfill ? [backfillLine(plan.backfill, config, now()).text] : []),
      ...(stopped ? [stopped] : []),
      accountingLine(plan, { ...client.requests, today }, config, now()),
      ...(remediated?.notes ?? []),
      ...delivery.notes,
      ...trail,
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
      config.runner.summaryPath,
      renderSummary({
        ...batch,
        matched: found.matched,
        scanned: found.scan.scanned,
        skipped: found.scan.skipped.length,
        released: found.scan.released,
        notes
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
