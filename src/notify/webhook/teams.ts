import type { Clean } from '../../etd/clean.js'
import { actionNeededLine, movedLine, verdictNote, type Row } from '../text/rows.js'
import { jsonBytes, leftOut, renderFitting, title, windowLine, type Rendered, type Shown } from './content.js'
import type { Batch } from '../batch.js'

/** Teams refuses a message over about 28 KB; the card stays under it with room for the envelope. */
export const MAX_TEAMS_PAYLOAD_BYTES = 27_000
export const ADAPTIVE_CARD_VERSION = '1.5'

/**
 * A TextRun is never read as markdown, unlike a TextBlock: attacker text goes only into TextRuns. `{{`
 * is broken because Teams expands {{DATE(…)}} and {{TIME(…)}} in card text.
 */
const run = (text: string, options: Record<string, unknown> = {}) => ({
  type: 'TextRun',
  text: text.replace(/\{\{/g, '{\u200b{'),
  ...options
})

const line = (label: string, value: Clean) => ({
  type: 'RichTextBlock',
  inlines: [run(`${label}: `, { isSubtle: true }), run(value)]
})

function rowContainer(row: Row) {
  return {
    type: 'Container',
    separator: true,
    ...(row.actionNeeded ? { style: 'attention' } : {}),
    items: [
      {
        type: 'RichTextBlock',
        inlines: [run(verdictNote(row), { weight: 'Bolder' }), run(` · ${row.received} · ${row.mailboxes}`)]
      },
      line('From', row.sender),
      line('Subject', row.subject),
      line('Techniques', row.techniques || ('none given' as Clean)),
      line('ETD', row.remediation),
      line('Message', row.id)
    ]
  }
}

function card(batch: Batch, shown: Shown) {
  const action = actionNeededLine(batch.totals)
  const moved = movedLine(batch.totals)
  const rest = leftOut(shown, batch)
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: ADAPTIVE_CARD_VERSION,
    msteams: { width: 'Full' },
    body: [
      { type: 'TextBlock', text: title(batch.totals, batch.test), weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'TextBlock', text: windowLine(batch), isSubtle: true, wrap: true, spacing: 'None' },
      ...(action ? [{ type: 'TextBlock', text: action, color: 'Attention', weight: 'Bolder', wrap: true }] : []),
      ...shown.inbox.map(rowContainer),
      ...(moved && shown.moved.length > 0 ? [{ type: 'TextBlock', text: moved, weight: 'Bolder', wrap: true }] : []),
      ...shown.moved.map(rowContainer),
      ...(rest
        ? [
            {
              type: 'RichTextBlock',
              separator: true,
              inlines: [run(rest.runUrl ? `${rest.text}: ${rest.runUrl}` : rest.text, { isSubtle: true })]
            }
          ]
        : [])
    ],
    ...(batch.runUrl ? { actions: [{ type: 'Action.OpenUrl', title: 'Open the run', url: batch.runUrl }] } : {})
  }
}

/** The message a Teams Workflows "send webhook alerts to a channel" URL takes: one Adaptive Card. */
export function renderTeams(batch: Batch): Rendered {
  return renderFitting(
    batch,
    (shown) => ({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: card(batch, shown)
        }
      ]
    }),
    jsonBytes,
    MAX_TEAMS_PAYLOAD_BYTES
  )
}
