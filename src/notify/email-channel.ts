import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { EmailConfig } from '../config/email.js'
import type { MatchRule } from '../match/matcher.js'
import type { Conviction } from '../etd/types.js'
import { buildDigest, type DigestLinks } from './digest.js'
import { EmailError, renderEml, type EmailOptions, type Mail, type MailTransport, type RenderedMail } from './email.js'
import { openTransport } from './email/transport.js'
import { buildOwnerNotices } from './owner-notice.js'
import type { SearchWindow } from '../window/plan.js'
import type { BatchTotals } from './rows.js'

export interface EmailBatch {
  /** What this run tells: new convictions and verdict changes, or as many of them as the run kept. */
  convictions: Conviction[]
  /** Counts of the whole batch, when `convictions` holds only part of it. */
  totals?: BatchTotals
  rule: MatchRule
  window: SearchWindow
  timeZone: string
  /** The JSON report, attached so that nothing is lost to the row limit; absent when too large to attach. */
  reportJson?: string
  reportPath: string
  dryRun: boolean
  /** send-test: the subject says [TEST], and no mailbox owner is written to. */
  test?: boolean
  /** The issue and the workflow run, linked from the digest. */
  links?: DigestLinks
}

export interface EmailOutcome {
  /** Whether anything went out (false on a dry run or when there was nothing to say). */
  sent: boolean
  messageId?: string
  /** Where a dry run wrote the digest. */
  emlPath?: string
  ownerNotices: number
  /** A sentence for the job summary. */
  description: string
}

const REPORT_NAME = 'etd-verdict-watch-report.json'

function digestMail(config: EmailConfig, batch: EmailBatch): Mail {
  const digest = buildDigest({
    convictions: batch.convictions,
    totals: batch.totals,
    rule: batch.rule,
    window: batch.window,
    timeZone: batch.timeZone,
    maxRows: config.maxRows,
    reportName: batch.reportJson === undefined ? undefined : REPORT_NAME,
    links: batch.links
  })
  return {
    to: config.to,
    replyTo: config.replyTo,
    subject: `${batch.test ? '[TEST] ' : ''}${digest.subject}`,
    text: digest.text,
    html: digest.html,
    attachments:
      batch.convictions.length > 0 && batch.reportJson !== undefined
        ? [{ filename: REPORT_NAME, content: batch.reportJson, contentType: 'application/json' }]
        : []
  }
}

function ownerMails(config: EmailConfig, batch: EmailBatch): Mail[] {
  if (!config.notifyOwners || batch.test) return []
  const options = { contact: config.ownerContact, replyTo: config.replyTo !== undefined }
  return buildOwnerNotices(batch.convictions, batch.rule, batch.timeZone, batch.totals, options).map((n) => ({
    to: [n.to],
    replyTo: config.replyTo,
    subject: n.subject,
    text: n.text
  }))
}

/** A dry run writes each email as an .eml file beside the report instead of sending it. */
async function writeDryRun(config: EmailConfig, mails: Mail[], reportPath: string): Promise<string> {
  const dir = join(dirname(reportPath), 'emails')
  await mkdir(dir, { recursive: true })
  const paths: string[] = []
  for (const [i, mail] of mails.entries()) {
    const path = join(dir, i === 0 ? 'digest.eml' : `owner-${i}-${mail.to[0].replace(/[^a-z0-9@.-]/gi, '_')}.eml`)
    await writeFile(path, (await renderEml(config.from, mail)).eml)
    paths.push(path)
  }
  return paths[0]
}

const megabytes = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`

/**
 * The digest as MIME, within the transport's size limit: over it, the digest is rendered again without
 * the JSON report and with a note saying so (the report stays at report-path); rows are capped by
 * email-max-rows.
 */
async function fitted(
  config: EmailConfig,
  batch: EmailBatch,
  transport: MailTransport
): Promise<{ mail: RenderedMail; note?: string }> {
  const rendered = await renderEml(config.from, digestMail(config, batch), 'windows')
  const limit = transport.maxMimeBytes
  if (limit === undefined || rendered.eml.length <= limit) return { mail: rendered }
  const note = `The JSON report was left out: with it this email would be ${megabytes(rendered.eml.length)}, over the ${megabytes(limit)} the email transport takes. It is kept as the run's report file.`
  const digest = digestMail(config, { ...batch, reportJson: undefined })
  const trimmed = await renderEml(
    config.from,
    {
      ...digest,
      text: `${note}\n\n${digest.text}`,
      html: digest.html?.replace(/<body[^>]*>/, (body) => `${body}<p><strong>${note}</strong></p>`)
    },
    'windows'
  )
  if (trimmed.eml.length > limit) {
    throw new EmailError(
      `The digest is ${megabytes(trimmed.eml.length)} even without the JSON report, over the ${megabytes(limit)} the email transport takes: lower email-max-rows.`
    )
  }
  return { mail: trimmed, note: ' without the JSON report, which made it too large' }
}

/** The administrator's digest and, when asked, a notice to each mailbox owner. */
export async function deliverEmail(
  config: EmailConfig,
  batch: EmailBatch,
  options: EmailOptions = {}
): Promise<EmailOutcome> {
  if (batch.convictions.length === 0 && !config.whenEmpty) {
    return { sent: false, ownerNotices: 0, description: 'Nothing new, so no email (email-when-empty is false).' }
  }
  const digest = digestMail(config, batch)
  const owners = ownerMails(config, batch)
  if (batch.dryRun) {
    const emlPath = await writeDryRun(config, [digest, ...owners], batch.reportPath)
    return {
      sent: false,
      emlPath,
      ownerNotices: 0,
      description: `Dry run: the digest was written to ${emlPath}, not sent.`
    }
  }
  const transport = await openTransport(config, options)
  try {
    const { mail: sent, note } = await fitted(config, batch, transport)
    await transport.send(sent)
    for (const mail of owners) await transport.send(await renderEml(config.from, mail, 'windows'))
    const notices =
      owners.length > 0 ? ` and ${owners.length} mailbox owner notice${owners.length === 1 ? '' : 's'}` : ''
    return {
      sent: true,
      messageId: sent.messageId,
      ownerNotices: owners.length,
      description: `Digest emailed to ${config.to.join(', ')}${note ?? ''}${notices}.`
    }
  } finally {
    transport.close()
  }
}

/** One short plain email of the watch's own (the daily heartbeat) to the digest's recipients. */
export async function emailLine(config: EmailConfig, line: string, options: EmailOptions = {}): Promise<string> {
  const transport = await openTransport(config, options)
  try {
    await transport.send(
      await renderEml(config.from, { to: config.to, subject: `[ETD] ${line}`, text: line }, 'windows')
    )
  } finally {
    transport.close()
  }
  return `Email: "${line}" sent to ${config.to.join(', ')}.`
}
