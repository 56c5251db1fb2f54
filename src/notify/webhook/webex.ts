import type { Clean } from '../../etd/clean.js'
import { inertMarkdown } from '../text/markdown.js'
import { actionNeededLine, movedLine, verdictNote, type Row } from '../text/rows.js'
import { leftOut, renderFitting, title, utf8Bytes, windowLine, type Rendered, type Shown } from './content.js'
import type { Batch } from '../batch.js'

/** Webex refuses a message whose markdown is longer than this many bytes. */
export const MAX_WEBEX_MARKDOWN_BYTES = 7439

/** Our own words can hold a path or a time zone with markdown characters: they are escaped like attacker text. */
const words = (text: string) => inertMarkdown(text as Clean)

function rowLine(row: Row): string {
  const mark = row.actionNeeded ? '⚠️ ' : ''
  return (
    `- ${mark}**${inertMarkdown(verdictNote(row))}** · ${inertMarkdown(row.received)} · ${inertMarkdown(row.mailboxes)}  \n` +
    `  From ${inertMarkdown(row.sender)}: ${inertMarkdown(row.subject)}  \n` +
    `  ${inertMarkdown(row.techniques)}${row.techniques ? '; ' : ''}ETD: ${inertMarkdown(row.remediation)}; message ${inertMarkdown(row.id)}`
  )
}

function markdown(batch: Batch, shown: Shown): string {
  const action = actionNeededLine(batch.totals)
  const moved = movedLine(batch.totals)
  const rest = leftOut(shown, batch)
  return [
    `**${words(title(batch.totals, batch.test))}**  \n${words(windowLine(batch))}`,
    ...(action ? [`**⚠️ ${words(action)}**`] : []),
    ...(shown.inbox.length > 0 ? [shown.inbox.map(rowLine).join('\n')] : []),
    ...(moved && shown.moved.length > 0 ? [`**${words(moved)}**`] : []),
    ...(shown.moved.length > 0 ? [shown.moved.map(rowLine).join('\n')] : []),
    // The run's URL is ours: a CommonMark autolink.
    ...(rest ? [`${words(rest.text)}${rest.runUrl ? `: <${rest.runUrl}>` : ''}`] : [])
  ].join('\n\n')
}

/** The message a Webex incoming webhook takes: markdown only, attacker text escaped. */
export function renderWebex(batch: Batch): Rendered {
  return renderFitting(
    batch,
    (shown) => ({ markdown: markdown(batch, shown) }),
    (payload) => utf8Bytes((payload as { markdown: string }).markdown),
    MAX_WEBEX_MARKDOWN_BYTES
  )
}
