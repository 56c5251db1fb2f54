import type { Clean } from '../../etd/clean.js'
import { inertMarkdown } from '../markdown.js'
import { actionNeededLine, verdictNote, type Row } from '../rows.js'
import {
  leftOutLine,
  renderFitting,
  title,
  utf8Bytes,
  windowLine,
  type Rendered,
  type WebhookBatch
} from './content.js'

/** Webex refuses a message whose markdown is longer than this many bytes. */
export const MAX_WEBEX_MARKDOWN_BYTES = 7439

/** Our own words can hold a path or a URL with markdown characters: they are escaped like attacker text. */
const words = (text: string) => inertMarkdown(text as Clean)

function rowLine(row: Row): string {
  const mark = row.actionNeeded ? '⚠️ ' : ''
  return (
    `- ${mark}**${inertMarkdown(verdictNote(row))}** · ${inertMarkdown(row.received)} · ${inertMarkdown(row.mailboxes)}  \n` +
    `  From ${inertMarkdown(row.sender)}: ${inertMarkdown(row.subject)}  \n` +
    `  ${inertMarkdown(row.techniques)}${row.techniques ? '; ' : ''}ETD: ${inertMarkdown(row.remediation)}; message ${inertMarkdown(row.id)}`
  )
}

function markdown(batch: WebhookBatch, rows: Row[], omitted: number): string {
  const action = actionNeededLine(batch.totals)
  const leftOut = leftOutLine(omitted, batch)
  return [
    `**${words(title(batch.totals, batch.test))}**  \n${words(windowLine(batch.window))}`,
    ...(action ? [`**⚠️ ${words(action)}**`] : []),
    ...(rows.length > 0 ? [rows.map(rowLine).join('\n')] : []),
    ...(leftOut ? [words(leftOut)] : [])
  ].join('\n\n')
}

/** The message a Webex incoming webhook takes: markdown only, attacker text escaped. */
export function renderWebex(batch: WebhookBatch): Rendered {
  return renderFitting(
    batch,
    (rows, omitted) => ({ markdown: markdown(batch, rows, omitted) }),
    (payload) => utf8Bytes((payload as { markdown: string }).markdown),
    MAX_WEBEX_MARKDOWN_BYTES
  )
}
