import * as core from '@actions/core'
import { parseConfig, type Config } from './config/config.js'
import { EtdClient } from './etd/client.js'
import { renderSummary } from './notify/summary.js'
import { buildReport, writeReport } from './report/report.js'
import { findMatches } from './search/find.js'
import { planWindow } from './window/plan.js'

const MAX_SKIP_WARNINGS = 20

function readConfig(): Config {
  // Masked before validation can echo anything back.
  for (const name of ['etd-api-key', 'etd-client-id', 'etd-client-secret']) {
    const value = core.getInput(name)
    if (value) core.setSecret(value)
  }
  return parseConfig((name) => core.getInput(name), process.env)
}

function etdClient(config: Config): EtdClient {
  return new EtdClient({
    ...config.etd,
    maskSecret: (value) => core.setSecret(value),
    onRetry: (n) =>
      core.info(`ETD ${n.path}: ${n.reason}; retrying in ${(n.delayMs / 1000).toFixed(1)}s (attempt ${n.attempt + 1} of ${n.maxAttempts})`),
    onPageShrink: (size) => core.warning(`ETD said a page was too large; going on with pageSize ${size}`)
  })
}

/** Outside Actions (a crontab, the demo) there is no job summary to write to. */
async function writeSummary(html: string): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(html).write()
}

/** The action: inputs → window → ETD pages → matches → report, summary and outputs. */
export async function run(): Promise<void> {
  try {
    const config = readConfig()
    const now = Date.now()
    const window = planWindow(now, config.lookbackMs, config.settleDelayMs)
    if (window.clampedFrom !== undefined) {
      core.warning(
        `ETD keeps 90 days: the window starts at ${new Date(window.start).toISOString()} instead of ${new Date(window.clampedFrom).toISOString()}`
      )
    }
    core.info(`Searching ETD from ${new Date(window.start).toISOString()} to ${new Date(window.end).toISOString()}`)

    const client = etdClient(config)
    const found = await findMatches((query) => client.search(query), window, config.rule)
    for (const reason of found.skipped.slice(0, MAX_SKIP_WARNINGS)) core.warning(`Skipped an unreadable ${reason}`)
    if (found.skipped.length > MAX_SKIP_WARNINGS) {
      core.warning(`Skipped ${found.skipped.length - MAX_SKIP_WARNINGS} more unreadable messages`)
    }
    core.info(`${found.scanned} messages in ${found.pages} pages, ${found.matched.length} matched`)

    await writeReport(config.reportPath, buildReport(now, window, found.matched))
    core.setOutput('matched-count', found.matched.length)
    core.setOutput('window-start', new Date(window.start).toISOString())
    core.setOutput('window-end', new Date(window.end).toISOString())
    core.setOutput('report-path', config.reportPath)
    await writeSummary(renderSummary({ window, matched: found.matched, scanned: found.scanned, skipped: found.skipped.length }))
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
