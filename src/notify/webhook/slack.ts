import type { Clean } from '../../etd/clean.js'
import { actionNeededLine, movedLine, verdictNote, type Row } from '../rows.js'
import {
  leftOutLine,
  renderFitting,
  title,
  windowLine,
  type Rendered,
  type Shown,
  type WebhookBatch
} from './content.js'

/** Slack's limits: blocks per message, characters per section text, characters of a header. */
export const MAX_SLACK_BLOCKS = 50
export const MAX_SLACK_SECTION_TEXT = 3000
export const MAX_SLACK_HEADER_TEXT = 150

/**
 * Slack reads `<…>` as links, mentions (`<@U123>`) and broadcasts (`<!channel>`, `<!here>`), and `&` as
 * an entity: escaped, all of it is shown as typed. `@channel` written out pings nobody from a webhook,
 * and a zero-width space after `@` keeps it so.
 */
export function inertSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/@/g, '@\u200b')
}

/** Clipped to `max` characters without cutting an escape such as `&amp;` in half. */
export function clip(text: string, max: number): string {
  const chars = [...text]
  if (chars.length <= max) return text
  return `${chars
    .slice(0, max - 1)
    .join('')
    .replace(/&[a-z]*$/, '')}…`
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text: clip(text, MAX_SLACK_SECTION_TEXT) })

function rowSection(row: Row) {
  const mark = row.actionNeeded ? ':warning: ' : ''
  const v = (value: Clean) => inertSlack(value)
  return {
    type: 'section',
    text: mrkdwn(
      `${mark}*${v(verdictNote(row))}* · ${v(row.received)} · ${v(row.mailboxes)}\n` +
        `From ${v(row.sender)}: ${v(row.subject)}\n` +
        `${v(row.techniques)}${row.techniques ? '; ' : ''}ETD: ${v(row.remediation)}; message ${v(row.id)}`
    )
  }
}

function message(batch: WebhookBatch, shown: Shown) {
  const action = actionNeededLine(batch.totals)
  const moved = movedLine(batch.totals)
  const leftOut = leftOutLine(shown, batch)
  const heading = title(batch.totals, batch.test)
  return {
    text: inertSlack(action ? `${heading} (${action})` : heading),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(heading, MAX_SLACK_HEADER_TEXT) } },
      { type: 'context', elements: [mrkdwn(inertSlack(windowLine(batch)))] },
      ...(action ? [{ type: 'section', text: mrkdwn(`:warning: *${inertSlack(action)}*`) }] : []),
      ...shown.inbox.map(rowSection),
      ...(moved && shown.moved.length > 0 ? [{ type: 'section', text: mrkdwn(`*${inertSlack(moved)}*`) }] : []),
      ...shown.moved.map(rowSection),
      ...(leftOut ? [{ type: 'context', elements: [mrkdwn(inertSlack(leftOut))] }] : [])
    ]
  }
}

/** The message a Slack incoming webhook takes: Block Kit, with a text fallback for notifications. */
export function renderSlack(batch: WebhookBatch): Rendered {
  return renderFitting(
    batch,
    (shown) => message(batch, shown),
    (payload) => (payload as { blocks: unknown[] }).blocks.length,
    MAX_SLACK_BLOCKS
  )
}
