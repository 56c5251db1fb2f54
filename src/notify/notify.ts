import { join, dirname } from 'node:path'
import { writeAtomically } from '../common/files.js'
import type { Config } from '../config/config.js'
import type { Conviction } from '../state/dedupe.js'
import { deliverEmail, type EmailOutcome } from './email-channel.js'
import type { EmailOptions } from './email.js'
import { buildIssue } from './issue-body.js'
import type { IssueChannel, IssueOutcome } from './issue-channel.js'

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
  convictions: Conviction[]
  window: { start: number; end: number }
  reportJson: string
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
      delivery.email = await deliverEmail(
        config.email,
        {
          convictions: batch.convictions,
          rule: config.rule,
          window: batch.window,
          reportJson: batch.reportJson,
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
