import * as core from '@actions/core'
import { appendFile } from 'node:fs/promises'
import type { DeliveryReport } from './notify/channel.js'
import type { SearchWindow } from './window/plan.js'

/** The action's outputs, named as action.yml declares them (a test holds the two to each other). */
export const OUTPUT = {
  matchedCount: 'matched-count',
  newCount: 'new-count',
  stateRestored: 'state-restored',
  stateSaved: 'state-saved',
  etdRequests: 'etd-requests',
  windowStart: 'window-start',
  windowEnd: 'window-end',
  reportPath: 'report-path',
  actionNeededCount: 'action-needed-count',
  notified: 'notified',
  emailMessageId: 'email-message-id',
  emailPath: 'email-path',
  issueUrl: 'issue-url',
  issueNumber: 'issue-number',
  issuePath: 'issue-path',
  respondCommand: 'respond-command',
  respondCommenter: 'respond-commenter',
  respondOutcome: 'respond-outcome'
} as const

export type OutputName = (typeof OUTPUT)[keyof typeof OUTPUT]

export function setOutput(name: OutputName, value: string | number | boolean): void {
  core.setOutput(name, value)
}

/** The outputs are for machines: ISO-8601 UTC. Everything a person reads goes through notify/text/format.ts. */
const iso = (millis: number) => new Date(millis).toISOString()

/** What the search found (`requests` sent to ETD for it), set before anyone is notified. */
export function setSearchOutputs(
  found: { scan: { matched: number }; batch: { totals: { total: number; actionNeeded: number } } },
  requests: number,
  window: SearchWindow,
  reportPath: string
): void {
  setOutput(OUTPUT.etdRequests, requests)
  setOutput(OUTPUT.matchedCount, found.scan.matched)
  setOutput(OUTPUT.newCount, found.batch.totals.total)
  setOutput(OUTPUT.actionNeededCount, found.batch.totals.actionNeeded)
  setOutput(OUTPUT.windowStart, iso(window.start))
  setOutput(OUTPUT.windowEnd, iso(window.end))
  setOutput(OUTPUT.reportPath, reportPath)
}

/** What the channels did: their ids and pages, empty when none; the dry-run files only when there are some. */
export function setDeliveryOutputs(delivery: DeliveryReport): void {
  const { outputs } = delivery
  setOutput(OUTPUT.notified, delivery.notified)
  for (const name of [OUTPUT.emailMessageId, OUTPUT.issueUrl, OUTPUT.issueNumber]) setOutput(name, outputs[name] ?? '')
  for (const name of [OUTPUT.emailPath, OUTPUT.issuePath]) if (outputs[name]) setOutput(name, outputs[name])
}

/** Outside Actions (a crontab) there is no job summary to write to. */
export async function writeSummary(summaryPath: string | undefined, html: string): Promise<void> {
  if (summaryPath) await appendFile(summaryPath, html)
}
