import { readFile, stat } from 'node:fs/promises'
import { join, dirname } from 'node:path'
import { writeAtomically } from '../common/files.js'
import type { Config } from '../config/config.js'
import type { Conviction } from '../state/dedupe.js'
import type { EmailOutcome } from './email-channel.js'
import type { EmailOptions } from './email.js'
import { buildIssue } from './issue-body.js'
import type { IssueChannel, IssueOutcome } from './issue-channel.js'
import type { BatchTotals } from './rows.js'

export interface Delivery {
  email?: EmailOutcome
  issue?: IssueOutcome
  /** What each channel did, one sentence each, for the summary and the issue. */
  notes: string[]
  /** Channels that failed; any failure keeps the state from being saved. */
  failures: Error[]
  /** Where a dry run wrote the issue it would have opened. */
  issuePath?: string
}

export interface NotifyBatch {
  /** What the channels may show of the batch; `totals` counts all of it. */
  convictions: Conviction[]
  totals: BatchTotals
  window: { start: number; end: number }
}

/** A report larger than this stays on the runner rather than swelling every digest. */
export const MAX_ATTACHED_REPORT_BYTES = 5 * 1024 * 1024

/** The report as an attachment, or nothing when it is too large to attach. */
async function attachableReport(path: string): Promise<string | undefined> {
  return (await stat(path)).size <= MAX_ATTACHED_REPORT_BYTES ? readFile(path, 'utf8') : undefined
}

/**
 * Every configured channel, each on its own: one failing does not keep the other from trying. Email goes
 * first so that the issue, the audit trail, can say what the email did.
 */
export async function notifyAll(
  config: Config,
  issues: IssueChannel | undefined,
  batch: NotifyBatch,
  emailOptions: EmailOptions
): Promise<Delivery> {
  const delivery: Delivery = { notes: [], failures: [] }
  if (!config.email && !config.issue) delivery.notes.push('Notifications are off (notify: none).')
  if (config.email) {
    try {
      // Loaded on use: nodemailer is a large part of the bundle, and most runs send nothing.
      const { deliverEmail } = await import('./email-channel.js')
      delivery.email = await deliverEmail(
        config.email,
        {
          convictions: batch.convictions,
          totals: batch.totals,
          rule: config.rule,
          window: batch.window,
          reportJson: await attachableReport(config.reportPath),
          reportPath: config.reportPath,
          dryRun: config.dryRun
        },
        emailOptions
      )
      delivery.notes.push(delivery.email.description)
    } catch (error) {
      delivery.failures.push(error as Error)
      delivery.notes.push(`Email failed: ${(error as Error).message}`)
    }
  }
  if (config.issue && config.dryRun) {
    const content = buildIssue({
      convictions: batch.convictions,
      totals: batch.totals,
      rule: config.rule,
      window: batch.window,
      notes: delivery.notes,
      runUrl: config.issue.runUrl
    })
    delivery.issuePath = join(dirname(config.reportPath), 'issue.md')
    await writeAtomically(delivery.issuePath, `# ${content.title}\n\n${content.body}`)
    delivery.notes.push(`Dry run: the issue was written to ${delivery.issuePath}, not opened.`)
  } else if (issues) {
    try {
      delivery.issue = await issues.open({
        convictions: batch.convictions,
        totals: batch.totals,
        rule: config.rule,
        window: batch.window,
        notes: [...delivery.notes]
      })
      delivery.notes.push(delivery.issue.description)
    } catch (error) {
      delivery.failures.push(error as Error)
      delivery.notes.push(`Issue failed: ${(error as Error).message}`)
    }
  }
  return delivery
}
