import * as core from '@actions/core'
import { parseConfig, type Config } from './config/config.js'
import { EtdClient } from './etd/client.js'
import type { EtdMessage } from './etd/types.js'
import { deliverEmail, type EmailOutcome } from './notify/email-channel.js'
import { renderSummary } from './notify/summary.js'
import { buildReport, writeReport } from './report/report.js'
import { findMatches, type FindResult } from './search/find.js'
import { planWindow, type SearchWindow } from './window/plan.js'

const MAX_SKIP_WARNINGS = 20
const SECRET_INPUTS = ['etd-api-key', 'etd-client-id', 'etd-client-secret', 'smtp-password', 'smtp-url']

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

function planSearchWindow(config: Config): SearchWindow {
  const window = planWindow(Date.now(), config.lookbackMs, config.settleDelayMs)
  if (window.clampedFrom !== undefined) {
    core.warning(
      `ETD keeps 90 days: the window starts at ${new Date(window.start).toISOString()} instead of ${new Date(window.clampedFrom).toISOString()}`
    )
  }
  core.info(`Searching ETD from ${new Date(window.start).toISOString()} to ${new Date(window.end).toISOString()}`)
  return window
}

async function fetchMatches(config: Config, window: SearchWindow): Promise<FindResult> {
  const client = new EtdClient({
    ...config.etd,
    maskSecret: (value) => core.setSecret(value),
    onRetry: (n) =>
      core.info(`ETD ${n.path}: ${n.reason}; retrying in ${(n.delayMs / 1000).toFixed(1)}s (attempt ${n.attempt + 1} of ${n.maxAttempts})`),
    onPageShrink: (size) => core.warning(`ETD said a page was too large; going on with pageSize ${size}`)
  })
  const found = await findMatches((query) => client.search(query), window, config.rule)
  for (const reason of found.skipped.slice(0, MAX_SKIP_WARNINGS)) core.warning(`Skipped an unreadable ${reason}`)
  if (found.skipped.length > MAX_SKIP_WARNINGS) {
    core.warning(`Skipped ${found.skipped.length - MAX_SKIP_WARNINGS} more unreadable messages`)
  }
  core.info(`${found.scanned} messages in ${found.pages} pages, ${found.matched.length} matched`)
  return found
}

async function notify(config: Config, matched: EtdMessage[], window: SearchWindow, reportJson: string): Promise<EmailOutcome | undefined> {
  if (!config.email) return undefined
  return deliverEmail(
    config.email,
    { matched, rule: config.rule, window, reportJson, reportPath: config.reportPath, dryRun: config.dryRun },
    { onRetry: (reason, attempt, delayMs) => core.info(`${reason} Retrying in ${(delayMs / 1000).toFixed(1)}s (attempt ${attempt + 1}).`) }
  )
}

/** Outside Actions (a crontab, the demo) there is no job summary to write to. */
async function writeSummary(html: string): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(html).write()
}

/** The action: inputs → window → ETD pages → matches → report → notifications → summary and outputs. */
export async function run(): Promise<void> {
  try {
    const config = readConfig()
    const window = planSearchWindow(config)
    const found = await fetchMatches(config, window)

    // Written before anyone is notified, so that a failed notification loses nothing.
    const report = buildReport(Date.now(), window, found.matched)
    await writeReport(config.reportPath, report)
    core.setOutput('matched-count', found.matched.length)
    core.setOutput('window-start', report.window.start)
    core.setOutput('window-end', report.window.end)
    core.setOutput('report-path', config.reportPath)

    let outcome: EmailOutcome | undefined
    let failure: unknown
    try {
      outcome = await notify(config, found.matched, window, JSON.stringify(report, null, 2))
    } catch (error) {
      failure = error
    }
    const notifications =
      failure !== undefined
        ? [`Notification failed: ${(failure as Error).message} The report at ${config.reportPath} lists every match.`]
        : outcome
          ? [outcome.description]
          : ['Notifications are off (notify: none).']
    core.setOutput('notified', outcome?.sent === true)
    core.setOutput('email-message-id', outcome?.messageId ?? '')
    if (outcome?.emlPath) core.setOutput('email-path', outcome.emlPath)
    await writeSummary(
      renderSummary({ window, matched: found.matched, rule: config.rule, scanned: found.scanned, skipped: found.skipped.length, notifications })
    )
    if (failure !== undefined) throw failure
    if (outcome) core.info(outcome.description)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
