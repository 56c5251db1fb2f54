import { dirname, join } from 'node:path'
import { log } from './common/log.js'
import { writeAtomically } from './common/files.js'
import type { Clock } from './common/rate-limiter.js'
import type { Config } from './config/config.js'
import { channelOptions, issueChannelFor } from './channels.js'
import { etdClient } from './convictions.js'
import { totalRequests } from './etd/client.js'
import { weeklyAll } from './notify/channel.js'
import { channelsFor } from './notify/channel-list.js'
import { renderWeeklySummary } from './notify/summary/weekly.js'
import { inertHtml } from './notify/text/html.js'
import { OUTPUT, setOutput, writeSummary } from './outputs.js'
import { buildWeeklyReport, weeklyPeriods } from './report/weekly/build.js'
import { askTenant } from './report/weekly/tenant.js'
import { restoreState, stateStore } from './state/restore.js'
import { addRequestsToSavedState } from './state/save.js'

/**
 * `report: weekly`: the week at a glance instead of a watch. The state is read for its daily records,
 * ETD is asked four questions about the tenant (five requests with the token), and the report goes to
 * every configured channel, the job summary and a JSON file. The state is not saved as a watch run saves
 * it: only this run's requests are added to it, and the run is not counted as one of the watch's.
 */
export async function weeklyReport(
  config: Config,
  options: { etdClock?: Clock; emailCa?: string },
  now: () => number
): Promise<void> {
  const store = await stateStore(config, now())
  const { state } = await restoreState(store, undefined, now(), config.timeZone)
  const client = etdClient(config, options.etdClock)
  await client.checkCredentials()
  const tenant = await askTenant(client, weeklyPeriods(now()))
  for (const failed of tenant.failed) log.warning(`ETD's report endpoint: ${failed}`)
  const report = buildWeeklyReport({ now: now(), daily: state?.daily, tenant, settings: config })
  const path = join(dirname(config.reportPath), 'weekly-report.json')
  await writeAtomically(path, `${JSON.stringify(report, null, 2)}\n`)
  setOutput(OUTPUT.reportPath, path)
  const requests = totalRequests(client.requests)
  setOutput(OUTPUT.etdRequests, requests)
  const channels = channelsFor(config, await issueChannelFor(config), channelOptions(options.emailCa))
  const sent = config.dryRun
    ? { notes: ['Dry run: the weekly report was not sent.'], failures: [] }
    : await weeklyAll(channels, report, config.runUrl)
  const saved = config.dryRun ? 'Dry run: state not saved.' : await addRequestsToSavedState(store, now(), requests)
  setOutput(OUTPUT.stateSaved, false)
  const notes = [...sent.notes, `The report is in ${path}.`, saved]
  await writeSummary(
    config.runner.summaryPath,
    `${renderWeeklySummary(report)}\n\n${notes.map((n) => `<p>${inertHtml(n)}</p>`).join('\n')}\n`
  )
  if (sent.failures.length > 0) throw new Error(sent.failures.map((f) => f.message).join(' '))
  for (const note of notes) log.info(note)
}
