import { readFile, stat } from 'node:fs/promises'
import type { EmailConfig } from '../../config/email.js'
import type { Channel } from '../channel.js'
import { EMAIL_KEY } from '../ledger.js'
import type { EmailOptions } from './mail.js'

/** A report larger than this stays on the runner rather than swelling every digest. */
export const MAX_ATTACHED_REPORT_BYTES = 5 * 1024 * 1024

/** The report as an attachment, or nothing when it is too large to attach. */
async function attachableReport(path: string): Promise<string | undefined> {
  return (await stat(path)).size <= MAX_ATTACHED_REPORT_BYTES ? readFile(path, 'utf8') : undefined
}

/**
 * The administrator's digest and the owner notices (deliver.ts), with the run's report attached; a dry
 * run writes them as files. Loaded on use: nodemailer is a large part of the bundle, and most runs send
 * nothing.
 */
export function emailChannel(email: EmailConfig, dryRun: boolean, options: EmailOptions): Channel {
  return {
    name: 'Email',
    key: EMAIL_KEY,
    async deliver(batch) {
      const { deliverEmail } = await import('./deliver.js')
      const reportJson = await attachableReport(batch.reportPath)
      const outcome = await deliverEmail(email, { ...batch, reportJson, dryRun }, options)
      return {
        note: outcome.description,
        notified: outcome.sent,
        outputs: {
          ...(outcome.messageId ? { 'email-message-id': outcome.messageId } : {}),
          ...(outcome.emlPath ? { 'email-path': outcome.emlPath } : {})
        },
        warnings: outcome.warnings,
        pending: outcome.pending
      }
    },
    async announce(line) {
      const { emailLine } = await import('./deliver.js')
      return emailLine(email, line, options)
    },
    async weekly(report, links) {
      const { emailLine } = await import('./deliver.js')
      const { buildWeeklyEmail } = await import('./weekly.js')
      const mail = buildWeeklyEmail(report, links)
      return { note: await emailLine(email, mail.subject, options, mail) }
    }
  }
}
