import { log } from './common/log.js'
import type { Clock } from './common/rate-limiter.js'
import type { Config } from './config/config.js'
import { channelOptions, issueChannelFor } from './channels.js'
import { etdClient } from './convictions.js'
import { batchOf } from './notify/batch.js'
import { notifyAll } from './notify/channel.js'
import { inertHtml } from './notify/text/html.js'
import { count } from './common/format.js'
import { channelsFor } from './notify/channel-list.js'
import { totalsOf } from './notify/text/rows.js'
import { testConviction } from './notify/test-conviction.js'
import { OUTPUT, setDeliveryOutputs, setOutput, writeSummary } from './outputs.js'
import { ReportWriter } from './report/report.js'
import { FRESH_OVERLAP_MS, type SearchWindow } from './window/plan.js'

/**
 * `send-test`: proves the setup before a real phish does. One token request checks the ETD credentials;
 * then one synthetic conviction marked [TEST] goes through every configured channel. No mailbox data is
 * read, and the state is neither restored nor saved.
 */
export async function sendTest(
  config: Config,
  options: { etdClock?: Clock; emailCa?: string },
  now: number
): Promise<void> {
  const client = etdClient(config, options.etdClock)
  await client.checkCredentials()
  setOutput(OUTPUT.etdRequests, client.requests.token)
  log.info(`ETD took the credentials (${count(client.requests.token)} token request); no mailbox data was read.`)
  const conviction = testConviction(now, config.rule)
  const window: SearchWindow = { start: now - FRESH_OVERLAP_MS, end: now }
  const report = await ReportWriter.open(config.reportPath, now, window)
  await report.add({ ...conviction, notice: 'new' })
  await report.close({ newCount: 1 })
  setOutput(OUTPUT.reportPath, config.reportPath)
  const channels = channelsFor(config, await issueChannelFor(config), channelOptions(options.emailCa))
  const collected = { convictions: [conviction], totals: totalsOf([conviction], config.rule) }
  const delivery = await notifyAll(channels, { ...batchOf(collected, window, config), test: true })
  setDeliveryOutputs(delivery)
  setOutput(OUTPUT.stateSaved, false)
  const notes = [...delivery.notes, 'Send test: the state was neither read nor saved.']
  await writeSummary(
    config.runner.summaryPath,
    `<h2>ETD verdict watch: send test</h2>\n${notes.map((n) => `<p>${inertHtml(n)}</p>`).join('\n')}`
  )
  if (delivery.failures.length > 0) throw new Error(`Send test: ${delivery.failures.map((f) => f.message).join(' ')}`)
  for (const note of notes) log.info(note)
}
