import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { EmailConfig } from '../../config/email.js'
import type { Batch } from '../batch.js'
import { buildDigest } from './digest.js'
import { EmailError, renderEml, type EmailOptions, type Mail, type MailTransport, type RenderedMail } from './mail.js'
import { openTransport } from './transport.js'
import { buildOwnerNotices, type OwnerNotice } from './owner-notice.js'
import { emptyTotals, runListsAll, type BatchTotals } from '../text/rows.js'
import { clean } from '../../etd/clean.js'
import { isPlainAddress, ownerRecipient, shownMailbox, type OwnerAddress } from './owner-recipient.js'
import {
  MAX_DELIVERY_ATTEMPTS,
  afterFailure,
  convictionsOf,
  pendingNotice,
  type PendingNotice
} from '../../state/pending-notices.js'
import { count, plural } from '../../common/format.js'

/** What the email channel takes besides the batch. */
export interface EmailExtras {
  /** The JSON report, attached so that nothing is lost to the row limit; absent when too large to attach. */
  reportJson?: string
  dryRun: boolean
}

export interface EmailOutcome {
  /** Whether anything went out (false on a dry run or when there was nothing to say). */
  sent: boolean
  messageId?: string
  /** Where a dry run wrote the digest. */
  emlPath?: string
  /** Owner notices delivered, this run's and earlier ones'. */
  ownerNotices: number
  /** A sentence for the job summary. */
  description: string
  /** One line per recipient not reached, naming the address: for the log's warnings. */
  warnings: string[]
  /** Owner notices to send again next run: earlier ones still failing, and this run's that failed. */
  pending: { earlier: PendingNotice[]; fresh: PendingNotice[] }
}

const REPORT_NAME = 'etd-verdict-watch-report.json'

function digestMail(config: EmailConfig, batch: Batch & EmailExtras): Mail {
  const digest = buildDigest({
    ...batch,
    maxRows: config.maxRows,
    reportName: batch.reportJson === undefined ? undefined : REPORT_NAME
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

/** An owner notice with the one address it may go to. */
interface Addressed {
  notice: OwnerNotice
  recipient: OwnerAddress
}

/**
 * This run's owner notices, each to a watched address. `refused` says why others are not sent: one line
 * when `mailboxes` is empty (no owner is watched), else one per mailbox that is not a plain address (ETD
 * text, cleaned). A plain address outside the scope is left out without a word, as any unwatched mailbox.
 */
function ownerNotices(config: EmailConfig, batch: Batch & EmailExtras): { addressed: Addressed[]; refused: string[] } {
  const scope = config.ownerNotices
  if (scope === undefined || batch.test) return { addressed: [], refused: [] }
  if (batch.rule.mailboxes.length === 0) {
    return {
      addressed: [],
      refused: [
        "No owner notices: input 'mailboxes' is empty (every mailbox of the tenant), so no mailbox is a watched owner."
      ]
    }
  }
  const addressed: Addressed[] = []
  const refused: string[] = []
  const notices = buildOwnerNotices(batch.convictions, batch.rule, batch.timeZone, batch.totals, noticeOptions(config))
  for (const notice of notices) {
    const recipient = ownerRecipient(notice.to, batch.rule.mailboxes, scope)
    if (recipient) addressed.push({ notice, recipient })
    else if (!isPlainAddress(notice.to)) {
      refused.push(
        `No owner notice to ${clean(notice.to)}: ETD names it as a mailbox, but it is not one plain address.`
      )
    }
  }
  return { addressed, refused }
}

const noticeOptions = (config: EmailConfig) => ({ contact: config.ownerContact, replyTo: config.replyTo !== undefined })

const ownerMail = (config: EmailConfig, { notice, recipient }: Addressed): Mail => ({
  to: [recipient],
  replyTo: config.replyTo,
  subject: notice.subject,
  text: notice.text
})

/** An earlier run's notice built again, or none when its recipient is not a watched owner's one address now. */
function retryNotice(config: EmailConfig, batch: Batch & EmailExtras, pending: PendingNotice): Addressed | undefined {
  const scope = config.ownerNotices
  const recipient = scope && ownerRecipient(pending.to, batch.rule.mailboxes, scope)
  if (!recipient || batch.test) return undefined
  const totals: BatchTotals = {
    ...emptyTotals(),
    total: pending.total,
    actionNeeded: pending.inbox,
    mailboxes: new Map([[pending.to, pending.total]]),
    mailboxesActionNeeded: new Map(pending.inbox > 0 ? [[pending.to, pending.inbox]] : [])
  }
  const [notice] = buildOwnerNotices(convictionsOf(pending), batch.rule, batch.timeZone, totals, noticeOptions(config))
  return { notice, recipient }
}

/** Sends one owner notice on its own: `undefined` when delivered, else why not (naming no one else). */
async function sendNotice(
  config: EmailConfig,
  transport: MailTransport,
  addressed: Addressed
): Promise<{ reason: string; answered: boolean } | undefined> {
  try {
    await transport.send(await renderEml(config.from, ownerMail(config, addressed), 'windows'))
    return undefined
  } catch (error) {
    if (!(error instanceof EmailError)) throw error
    return { reason: /[.!?]$/.test(error.message) ? error.message : `${error.message}.`, answered: error.answered }
  }
}

/** The ids a given-up notice was about (state text, so cleaned), and how many more it counted. */
function convictionList(pending: PendingNotice): string {
  const more = pending.total - pending.messages.length
  return `${pending.messages.map((m) => clean(m.id)).join(', ')}${more > 0 ? ` and ${count(more)} more` : ''}`
}

/** A dry run writes each email as an .eml file beside the report instead of sending it. */
async function writeDryRun(config: EmailConfig, mails: Mail[], reportPath: string): Promise<string> {
  const dir = join(dirname(reportPath), 'emails')
  await mkdir(dir, { recursive: true })
  const paths: string[] = []
  for (const [i, mail] of mails.entries()) {
    const to = mail.to[0]
    const name = (typeof to === 'string' ? to : to.address).replace(/[^a-z0-9@.-]/gi, '_')
    const path = join(dir, i === 0 ? 'digest.eml' : `owner-${i}-${name}.eml`)
    await writeFile(path, (await renderEml(config.from, mail)).eml)
    paths.push(path)
  }
  return paths[0]
}

const megabytes = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`

/**
 * The digest as MIME, within the transport's size limit: over it, the digest is rendered again without
 * the JSON report and with a note saying where every conviction is; rows are capped at 200.
 */
async function fitted(
  config: EmailConfig,
  batch: Batch & EmailExtras,
  transport: MailTransport
): Promise<{ mail: RenderedMail; note?: string }> {
  const rendered = await renderEml(config.from, digestMail(config, batch), 'windows')
  const limit = transport.maxMimeBytes
  if (limit === undefined || rendered.eml.length <= limit) return { mail: rendered }
  // The report file goes with the runner: the run's page is what outlives the job.
  const where = batch.runUrl
    ? `Instead, ${runListsAll('every conviction')}: ${batch.runUrl}.`
    : `The report at ${batch.reportPath} lists every conviction.`
  const note = `The JSON report was left out: with it this email would be ${megabytes(rendered.eml.length)}, over the ${megabytes(limit)} the email transport takes. ${where}`
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
      `The digest is ${megabytes(trimmed.eml.length)} even without the JSON report, over the ${megabytes(limit)} the email transport takes.`
    )
  }
  return { mail: trimmed, note: ' without the JSON report, which made it too large' }
}

/**
 * The administrator's digest and, when asked, a notice to each mailbox owner, each sent on its own. The
 * digest failing fails the channel before any owner is written to (the next run sends it all again). An
 * owner notice failing does not: it is named in a warning and kept in `pending`, so that later runs send
 * it to that owner alone, up to MAX_DELIVERY_ATTEMPTS runs; a refused digest recipient is named too.
 */
export async function deliverEmail(
  config: EmailConfig,
  batch: Batch & EmailExtras,
  options: EmailOptions = {}
): Promise<EmailOutcome> {
  const retries = batch.pendingNotices ?? []
  const digestDue = batch.convictions.length > 0 || config.whenEmpty
  const quiet = { warnings: [], pending: { earlier: [...retries], fresh: [] } }
  if (!digestDue && (retries.length === 0 || batch.dryRun)) {
    return {
      sent: false,
      ownerNotices: 0,
      description: 'Nothing new, so no email (heartbeat is not every-run).',
      ...quiet
    }
  }
  const owners = ownerNotices(config, batch)
  if (batch.dryRun) {
    const mails = [digestMail(config, batch), ...owners.addressed.map((addressed) => ownerMail(config, addressed))]
    const emlPath = await writeDryRun(config, mails, batch.reportPath)
    return {
      sent: false,
      emlPath,
      ownerNotices: 0,
      description: `Dry run: the digest was written to ${emlPath}, not sent.`,
      ...quiet
    }
  }
  const transport = await openTransport(config, options)
  try {
    const warnings = [...owners.refused]
    const said: string[] = []
    let messageId: string | undefined
    if (digestDue) {
      const { mail, note } = await fitted(config, batch, transport)
      const refused = (await transport.send(mail)) ?? []
      messageId = mail.messageId
      said.push(`Digest emailed to ${config.to.join(', ')}${note ?? ''}`)
      for (const { address, reply } of refused) {
        warnings.push(`The digest was refused for ${address}: ${reply}. It is not sent there again: check email-to.`)
      }
    }
    // Once the server stops answering, the rest are not tried: each would wait out its retries to fail alike.
    let down: string | undefined
    const send = async (addressed: Addressed) => {
      if (down !== undefined) return `Not tried after an earlier one failed: ${down}`
      const failure = await sendNotice(config, transport, addressed)
      if (failure && !failure.answered) down = failure.reason
      return failure?.reason
    }
    let delivered = 0
    const fresh: PendingNotice[] = []
    for (const addressed of owners.addressed) {
      const { notice, recipient } = addressed
      const failure = await send(addressed)
      if (failure === undefined) delivered++
      else {
        fresh.push(pendingNotice(recipient.address, notice.listed, notice.total, notice.inInbox))
        warnings.push(
          `The owner notice to ${recipient.address} was not delivered: ${failure} It is sent again next run (attempt 1 of ${MAX_DELIVERY_ATTEMPTS}).`
        )
      }
    }
    const earlier: PendingNotice[] = []
    for (const pending of retries) {
      const addressed = retryNotice(config, batch, pending)
      if (addressed === undefined) {
        warnings.push(
          `An undelivered notice to ${shownMailbox(pending.to)} was dropped: it is not one plain, watched address with owner-notices on. Not told: convictions ${convictionList(pending)}.`
        )
        continue
      }
      const failure = await send(addressed)
      if (failure === undefined) {
        delivered++
        continue
      }
      const next = afterFailure(pending)
      if (next) earlier.push(next)
      warnings.push(
        next
          ? `The owner notice to ${addressed.recipient.address} was not delivered again: ${failure} It is sent again next run (attempt ${next.attempts} of ${MAX_DELIVERY_ATTEMPTS}).`
          : `Gave up notifying ${addressed.recipient.address} after ${MAX_DELIVERY_ATTEMPTS} attempts: ${failure} Not told: convictions ${convictionList(pending)}.`
      )
    }
    if (delivered > 0) said.push(`${plural(delivered, 'mailbox owner notice')} delivered`)
    const undelivered = fresh.length + earlier.length
    if (undelivered > 0) said.push(`${plural(undelivered, 'owner notice')} to send again next run`)
    return {
      sent: messageId !== undefined || delivered > 0,
      messageId,
      ownerNotices: delivered,
      description: [`${said.join('; ') || 'No email delivered'}.`, ...warnings].join(' '),
      warnings,
      pending: { earlier, fresh }
    }
  } finally {
    transport.close()
  }
}

/** One mail of the watch's own to the digest's recipients: the line as its subject, or a subject and bodies. */
export async function emailLine(
  config: EmailConfig,
  line: string,
  options: EmailOptions = {},
  content: Pick<Mail, 'subject' | 'text' | 'html'> = { subject: `[ETD] ${line}`, text: line }
): Promise<string> {
  const transport = await openTransport(config, options)
  try {
    await transport.send(await renderEml(config.from, { to: config.to, ...content }, 'windows'))
  } finally {
    transport.close()
  }
  return `Email: "${line}" sent to ${config.to.join(', ')}.`
}
