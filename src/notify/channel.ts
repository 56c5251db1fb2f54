import type { Batch } from './batch.js'
import type { Ledger } from './ledger.js'
import type { PendingNotice } from '../state/pending-notices.js'
import type { WeeklyReport } from '../report/weekly/types.js'
import type { Links } from './text/format.js'
import { plural } from '../common/format.js'

/** The action outputs a channel fills, as action.yml names them (outputs.ts sets them). */
export type ChannelOutput = 'email-message-id' | 'email-path' | 'issue-url' | 'issue-number' | 'issue-path'

/** A page where people read what a channel told; `issue` is the one the channels after it link to. */
export interface Link {
  name: 'issue'
  url: string
}

/** What one channel did. */
export interface Delivered {
  /** One sentence, for the summary and the issue. */
  note: string
  /** Whether anyone was told. */
  notified: boolean
  /** The outputs it fills: an id, a page, or where a dry run wrote what it would have sent. */
  outputs?: Partial<Record<ChannelOutput, string>>
  links?: Link[]
  /** Lines for the log's warnings: a recipient not reached, a notice given up. */
  warnings?: string[]
  /** What it must send again next run (the email's owner notices); the state keeps them. */
  pending?: { earlier: PendingNotice[]; fresh: PendingNotice[] }
}

/**
 * One way of telling people about a batch. Every channel is built from the config beforehand and
 * varies only in how it delivers, as actions/cache's restore varies only in its state provider.
 */
export interface Channel {
  /** How notes and errors name it: `Email`, `Issue`, `Slack webhook 2`. */
  name: string
  /** How the ledger names it while it still owes a batch (`email`, `webhook:…`); none for the issue. */
  key?: string
  /** The issue channel's record of which channels have which convictions. */
  ledger?: Ledger
  /** `notes` says what the channels before it did (the issue, the audit trail, repeats them). */
  deliver(batch: Batch, notes: readonly string[]): Promise<Delivered>
  /** Sends one line of the watch's own (the daily heartbeat); says what it did. Issues take none. */
  announce?(line: string): Promise<string>
  /** Sends the weekly report (`report: weekly`); says what it did, and where, when it is an issue. */
  weekly?(report: WeeklyReport, links: Links): Promise<{ note: string; url?: string }>
}

/** What all the channels did, together: for the summary, the outputs and the next state. */
export interface DeliveryReport {
  notified: boolean
  /** What each channel did, one sentence each, for the summary and the issue. */
  notes: string[]
  /** Channels that failed; any failure keeps the state from being saved. */
  failures: Error[]
  outputs: Partial<Record<ChannelOutput, string>>
  links: Link[]
  warnings: string[]
  /** Absent when no channel keeps notices (the email is off, or failed). */
  pending?: Delivered['pending']
}

/**
 * Every channel in turn, each on its own: one failing does not keep the others from trying. With a
 * ledger (the issue channel's), each later channel gets only what it does not have yet, and what it
 * delivered is recorded before the next one starts.
 */
export async function notifyAll(channels: Channel[], batch: Batch): Promise<DeliveryReport> {
  const report: DeliveryReport = { notified: false, notes: [], failures: [], outputs: {}, links: [], warnings: [] }
  if (channels.length === 0) report.notes.push('Notifications are off (notify: none).')
  // Nothing to tell, nothing to look up: a quiet run costs GitHub no request.
  const ledger = batch.convictions.length > 0 ? channels.find((channel) => channel.ledger)?.ledger : undefined
  // The notes of the channels after the ledger's own: the issue shows them.
  let laterNotes = 0
  for (const channel of channels) {
    const issueUrl = report.links.find((link) => link.name === 'issue')?.url
    let given = issueUrl ? { ...batch, issueUrl } : batch
    let sent: Batch | undefined
    try {
      if (ledger && channel.key) given = await ledger.owedTo(channel.key, given)
      const had = batch.totals.total - given.totals.total
      if (had > 0) report.notes.push(`${channel.name} had ${plural(had, 'conviction')} of these from an earlier run.`)
      const delivered = await channel.deliver(given, [...report.notes])
      report.notified ||= delivered.notified
      report.notes.push(delivered.note)
      report.outputs = { ...report.outputs, ...delivered.outputs }
      report.links.push(...(delivered.links ?? []))
      report.warnings.push(...(delivered.warnings ?? []))
      report.pending ??= delivered.pending
      sent = given
    } catch (error) {
      report.failures.push(error as Error)
      report.notes.push(`${channel.name} failed: ${(error as Error).message}`)
    }
    if (channel.ledger) laterNotes = report.notes.length
    if (!ledger || !channel.key) continue
    const notes = report.notes.slice(laterNotes)
    const unrecorded = await ledger.after({ key: channel.key, name: channel.name }, sent, notes)
    if (unrecorded) report.notes.push(unrecorded)
  }
  return report
}

/** What `send` did on every channel that takes it, each on its own; a failure counts as a channel's failure. */
async function toEach(
  channels: Channel[],
  send: (channel: Channel) => Promise<string> | undefined
): Promise<Pick<DeliveryReport, 'notes' | 'failures' | 'notified'>> {
  const result = { notes: [] as string[], failures: [] as Error[], notified: false }
  for (const channel of channels) {
    const sending = send(channel)
    if (!sending) continue
    try {
      result.notes.push(await sending)
      result.notified = true
    } catch (error) {
      result.failures.push(error as Error)
      result.notes.push(`${channel.name} failed: ${(error as Error).message}`)
    }
  }
  return result
}

/** One line to every channel that takes one. */
export const announceAll = (channels: Channel[], line: string) => toEach(channels, (c) => c.announce?.(line))

/** The weekly report to every channel that takes it; the channels after the issue link to it. */
export function weeklyAll(channels: Channel[], report: WeeklyReport, run?: string) {
  const links: Links = run ? { run } : {}
  return toEach(channels, (c) =>
    c.weekly?.(report, { ...links }).then(({ note, url }) => {
      if (url) links.issue = url
      return note
    })
  )
}
