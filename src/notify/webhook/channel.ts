import { join, dirname } from 'node:path'
import { writeAtomically } from '../../common/files.js'
import type { WebhookFormat, WebhookTarget } from '../../config/webhook.js'
import type { Channel } from '../channel.js'
import { count, plural } from '../../common/format.js'
import type { Platform } from './content.js'
import { json } from './json.js'
import { postWebhook } from './post.js'
import { slack } from './slack.js'
import { teams } from './teams.js'
import { webex } from './webex.js'

/** Each `format:` of the webhook-url input, and the platform that writes its messages. */
export const PLATFORMS: Record<WebhookFormat, Platform> = { teams, webex, slack, json }

export interface WebhookContext {
  reportPath: string
  runUrl?: string
  dryRun: boolean
  onRetry?: (reason: string, attempt: number, delayMs: number) => void
}

/** `slack-webhook-2.json`: where a dry run writes what it would have posted. */
const dryRunFile = (target: WebhookTarget) => `${target.label.toLowerCase().replace(/\s+/g, '-')}.json`

/** A chat or SOAR webhook: the batch rendered for its platform and posted; nothing posted when nothing is new. */
export function webhookChannel(target: WebhookTarget, context: WebhookContext): Channel {
  return {
    name: target.label,
    async deliver(batch) {
      if (batch.totals.total === 0)
        return { note: `Nothing new, so nothing posted to ${target.label}.`, notified: false }
      const { payload, omitted } = PLATFORMS[target.format].render({
        ...batch,
        reportPath: context.reportPath,
        runUrl: context.runUrl
      })
      const shown = batch.totals.total - omitted
      const leftOut = omitted > 0 ? ` (${count(omitted)} more left out for its size limit)` : ''
      if (context.dryRun) {
        const path = join(dirname(context.reportPath), 'webhooks', dryRunFile(target))
        await writeAtomically(path, `${JSON.stringify(payload, null, 2)}\n`)
        return { note: `Dry run: the ${target.label} message was written to ${path}, not posted.`, notified: false }
      }
      await postWebhook(target, payload, { onRetry: context.onRetry })
      return { note: `${target.label}: ${plural(shown, 'conviction')} posted${leftOut}.`, notified: true }
    },
    async announce(line) {
      await postWebhook(target, PLATFORMS[target.format].line(line), { onRetry: context.onRetry })
      return `${target.label}: "${line}" posted.`
    },
    async weekly(report, links) {
      await postWebhook(target, PLATFORMS[target.format].weekly(report, links), { onRetry: context.onRetry })
      return { note: `${target.label}: the weekly report posted.` }
    }
  }
}
