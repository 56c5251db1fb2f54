import { readFile, stat } from 'node:fs/promises'
import { join, dirname } from 'node:path'
import { writeAtomically } from '../common/files.js'
import type { Config } from '../config/config.js'
import type { WebhookTarget } from '../config/webhook.js'
import type { Channel } from './channel.js'
import type { EmailOptions } from './email.js'
import { buildIssue } from './issue-body.js'
import type { IssueChannel } from './issue-channel.js'
import { webhookChannel } from './webhook/channel.js'

/** A report larger than this stays on the runner rather than swelling every digest. */
export const MAX_ATTACHED_REPORT_BYTES = 5 * 1024 * 1024

/** The report as an attachment, or nothing when it is too large to attach. */
async function attachableReport(path: string): Promise<string | undefined> {
  return (await stat(path)).size <= MAX_ATTACHED_REPORT_BYTES ? readFile(path, 'utf8') : undefined
}

function emailChannel(config: Config, email: NonNullable<Config['email']>, options: EmailOptions): Channel {
  return {
    name: 'Email',
    async deliver(batch) {
      // Loaded on use: nodemailer is a large part of the bundle, and most runs send nothing.
      const { deliverEmail } = await import('./email-channel.js')
      const outcome = await deliverEmail(
        email,
        {
          ...batch,
          rule: config.rule,
          reportJson: await attachableReport(config.reportPath),
          reportPath: config.reportPath,
          dryRun: config.dryRun,
          links: { issue: batch.issueUrl, run: config.runUrl }
        },
        options
      )
      return { note: outcome.description, notified: outcome.sent, email: outcome }
    },
    async announce(line) {
      const { emailLine } = await import('./email-channel.js')
      return emailLine(email, line, options)
    }
  }
}

function issueChannel(config: Config, issues: IssueChannel): Channel {
  return {
    name: 'Issue',
    async deliver(batch, notes) {
      const outcome = await issues.open({ ...batch, rule: config.rule, notes: [...notes] })
      return { note: outcome.description, notified: outcome.created, issue: outcome }
    }
  }
}

/** A dry run writes the issue it would open beside the report. */
function dryRunIssueChannel(config: Config): Channel {
  return {
    name: 'Issue',
    async deliver(batch, notes) {
      const content = buildIssue({ ...batch, rule: config.rule, notes: [...notes], runUrl: config.runUrl })
      const issuePath = join(dirname(config.reportPath), 'issue.md')
      await writeAtomically(issuePath, `# ${content.title}\n\n${content.body}`)
      return { note: `Dry run: the issue was written to ${issuePath}, not opened.`, notified: false, issuePath }
    }
  }
}

/**
 * Every configured channel. The chat webhooks go first and then the issue, the audit trail, which says
 * what they did; then the JSON webhooks, whose data links to the issue, and the email last, so that the
 * digest can link to it too.
 */
export function channelsFor(config: Config, issues: IssueChannel | undefined, options: EmailOptions): Channel[] {
  const webhook = (target: WebhookTarget) =>
    webhookChannel(target, {
      reportPath: config.reportPath,
      runUrl: config.runUrl,
      dryRun: config.dryRun,
      onRetry: options.onRetry
    })
  const channels = config.webhooks.filter((target) => target.format !== 'json').map(webhook)
  if (config.issue && config.dryRun) channels.push(dryRunIssueChannel(config))
  else if (issues) channels.push(issueChannel(config, issues))
  channels.push(...config.webhooks.filter((target) => target.format === 'json').map(webhook))
  if (config.email) channels.push(emailChannel(config, config.email, options))
  return channels
}
