import { readFile, stat } from 'node:fs/promises'
import { join, dirname } from 'node:path'
import { writeAtomically } from '../common/files.js'
import type { Config } from '../config/config.js'
import type { Channel } from './channel.js'
import type { EmailOptions } from './email/mail.js'
import { buildIssue } from './issue/body.js'
import type { IssueChannel } from './issue/channel.js'
import { EMAIL_KEY, issueLedger, webhookKey } from './ledger.js'
import { webhookChannel } from './webhook/channel.js'
import { buildWeeklyIssue } from './issue/weekly.js'

/** The label of the weekly report's issues: apart from the convictions', whose markers are the record. */
export const WEEKLY_LABEL = 'etd-weekly-report'

/** A report larger than this stays on the runner rather than swelling every digest. */
export const MAX_ATTACHED_REPORT_BYTES = 5 * 1024 * 1024

/** The report as an attachment, or nothing when it is too large to attach. */
async function attachableReport(path: string): Promise<string | undefined> {
  return (await stat(path)).size <= MAX_ATTACHED_REPORT_BYTES ? readFile(path, 'utf8') : undefined
}

function emailChannel(config: Config, email: NonNullable<Config['email']>, options: EmailOptions): Channel {
  return {
    name: 'Email',
    key: EMAIL_KEY,
    async deliver(batch) {
      // Loaded on use: nodemailer is a large part of the bundle, and most runs send nothing.
      const { deliverEmail } = await import('./email/channel.js')
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
      const { emailLine } = await import('./email/channel.js')
      return emailLine(email, line, options)
    },
    async weekly(report, links) {
      const { emailLine } = await import('./email/channel.js')
      const { buildWeeklyEmail } = await import('./email/weekly.js')
      const mail = buildWeeklyEmail(report, links)
      return { note: await emailLine(email, mail.subject, options, mail) }
    }
  }
}

function issueChannel(config: Config, issues: IssueChannel): Channel {
  return {
    name: 'Issue',
    ledger: issueLedger(issues, config.rule),
    async deliver(batch, notes) {
      const owes = channelKeys(config)
      const outcome = await issues.open({ ...batch, rule: config.rule, notes: [...notes], owes })
      return { note: outcome.description, notified: outcome.created, issue: outcome }
    },
    async weekly(report) {
      const opened = await issues.openReport(buildWeeklyIssue(report, { runUrl: config.runUrl }), WEEKLY_LABEL)
      return { note: `Weekly report issue #${opened.number} opened: ${opened.url}.`, url: opened.url }
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

/** How the issue markers name the configured channels other than the issue: those a batch can owe. */
export function channelKeys(config: Config): string[] {
  return [...(config.email ? [EMAIL_KEY] : []), ...config.webhooks.map((target) => webhookKey(target.url))]
}

/**
 * Every configured channel. The issue goes first: its marker is the record of which channels still owe
 * the batch (see ledger.ts), so it must exist before any other channel tells, and the digest links to
 * it. Then the email and the webhooks, each struck from the marker once it has delivered; the issue's
 * notes are brought up to date as they go.
 */
export function channelsFor(config: Config, issues: IssueChannel | undefined, options: EmailOptions): Channel[] {
  const channels: Channel[] = []
  if (issues) channels.push(issueChannel(config, issues))
  if (config.email) channels.push(emailChannel(config, config.email, options))
  for (const target of config.webhooks) {
    const channel = webhookChannel(target, {
      reportPath: config.reportPath,
      runUrl: config.runUrl,
      dryRun: config.dryRun,
      onRetry: options.onRetry
    })
    channels.push({ ...channel, key: webhookKey(target.url) })
  }
  // A dry run records nothing: its issue comes last, to show what the others would have done.
  if (config.issue && config.dryRun) channels.push(dryRunIssueChannel(config))
  return channels
}
