import type { Config } from '../config/config.js'
import type { Channel } from './channel.js'
import { emailChannel } from './email/channel.js'
import type { EmailOptions } from './email/mail.js'
import { dryRunIssueChannel } from './issue/dry-run.js'
import { EMAIL_KEY, webhookKey } from './ledger.js'
import { webhookChannel } from './webhook/channel.js'

/** How the issue markers name the configured channels other than the issue: those a batch can owe. */
export function channelKeys(config: Config): string[] {
  return [...(config.email ? [EMAIL_KEY] : []), ...config.webhooks.map((target) => webhookKey(target.url))]
}

/**
 * Every configured channel. The issue goes first: its marker is the record of which channels still owe
 * the batch (see ledger.ts), so it must exist before any other channel tells, and the digest links to
 * it. Then the email and the webhooks, each struck from the marker once it has delivered; the issue's
 * notes are brought up to date as they go. `issue` is built by the caller, which loads the GitHub
 * client only when issues are opened.
 */
export function channelsFor(config: Config, issue: Channel | undefined, options: EmailOptions): Channel[] {
  const channels: Channel[] = []
  if (issue) channels.push(issue)
  if (config.email) channels.push(emailChannel(config.email, config.dryRun, options))
  for (const target of config.webhooks) {
    const channel = webhookChannel(target, {
      reportPath: config.reportPath,
      runUrl: config.runUrl,
      dryRun: config.dryRun,
      onRetry: options.onRetry
    })
    channels.push({ ...channel, key: webhookKey(target.url) })
  }
  if (config.issue && config.dryRun) channels.push(dryRunIssueChannel())
  return channels
}
