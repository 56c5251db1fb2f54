import * as core from '@actions/core'
import { log } from './common/log.js'
import type { Config } from './config/config.js'
import type { Batch } from './notify/batch.js'
import { announceAll, notifyAll, type Channel, type DeliveryReport } from './notify/channel.js'
import type { EmailOptions } from './notify/email/mail.js'
import type { IssueChannel, RecordedBatches } from './notify/issue/channel.js'
import { entriesFromMarkers } from './notify/issue/marker.js'
import { heartbeatAfter, type HeartbeatDecision } from './notify/heartbeat.js'
import { channelKeys, channelsFor } from './notify/channel-list.js'
import type { ToldRecord } from './state/restore.js'
import type { WatchState } from './state/state.js'

/** Octokit is loaded only when issues are opened; a dry run writes the issue to a file instead. */
export async function issueChannelFor(config: Config): Promise<IssueChannel | undefined> {
  if (!config.issue || config.dryRun) return undefined
  const { issueChannel } = await import('./notify/issue/channel.js')
  return issueChannel(config.issue, {
    owes: channelKeys(config),
    runUrl: config.runUrl,
    onRetry: (reason) => log.info(reason),
    onWarning: (message) => log.warning(message)
  })
}

/** The issues' markers as the record of what was told: a batch that still owes a configured channel is not told. */
export function toldInIssues(config: Config, issues: RecordedBatches | undefined): ToldRecord | undefined {
  return issues && { recorded: async () => entriesFromMarkers(await issues.recordedBatches(), channelKeys(config)) }
}

/** How the email channel retries, masks the tokens it gets, and asks GitHub for an OIDC token. */
export function channelOptions(emailCa: string | undefined): EmailOptions {
  return {
    onRetry: (reason, attempt, delayMs) =>
      log.info(`${reason} Retrying in ${(delayMs / 1000).toFixed(1)}s (attempt ${attempt + 1}).`),
    maskSecret: (value) => core.setSecret(value),
    getIdToken: (audience) => core.getIDToken(audience),
    ca: emailCa
  }
}

/** `heartbeat: daily`: the "all quiet" line to every channel that takes one; what happened joins the delivery. */
async function sendHeartbeat(
  config: Config,
  channels: Channel[],
  line: string,
  delivery: DeliveryReport
): Promise<void> {
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

/**
 * What to tell, through every configured channel; with `heartbeat: daily` and nothing told today, the
 * "all quiet" line too. The heartbeat's tally is for the next state.
 */
export async function tellChannels(
  config: Config,
  issues: IssueChannel | undefined,
  batch: Batch,
  run: { previous: WatchState | undefined; now: () => number; emailCa?: string }
): Promise<{ delivery: DeliveryReport; heartbeat?: HeartbeatDecision }> {
  const channels = channelsFor(config, issues, channelOptions(run.emailCa))
  const delivery = await notifyAll(channels, { ...batch, pendingNotices: run.previous?.pending })
  for (const warning of delivery.warnings) log.warning(warning)
  const heartbeat =
    config.heartbeat === 'daily'
      ? heartbeatAfter(run.previous?.heartbeat, {
          now: run.now(),
          told: batch.totals.total,
          mailboxes: config.rule.mailboxes,
          timeZone: config.timeZone
        })
      : undefined
  if (heartbeat?.line) await sendHeartbeat(config, channels, heartbeat.line, delivery)
  return { delivery, heartbeat }
}
