import type { Clean } from '../../etd/clean.js'
import { count } from '../../common/format.js'
import { verdictNote, type Row } from '../text/rows.js'
import { jsonBytes, layout, renderFitting, type Parts, type Platform } from './content.js'
import { renderWeekly, type WeeklyChat } from './weekly.js'

/** Teams refuses a message over about 28 KB; the card stays under it with room for the envelope. */
export const MAX_TEAMS_PAYLOAD_BYTES = 27_000
const ADAPTIVE_CARD_VERSION = '1.5'

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

/** The layout on an Adaptive Card: our words in TextBlocks, each conviction a Container of TextRuns. */
const parts: Parts<object> = {
  heading: (title, window) => [
    { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', text: window, isSubtle: true, wrap: true, spacing: 'None' }
  ],
  action: (text) => ({ type: 'TextBlock', text, color: 'Attention', weight: 'Bolder', wrap: true }),
  moved: (text) => ({ type: 'TextBlock', text, weight: 'Bolder', wrap: true }),
  rows: (rows) => rows.map(rowContainer),
  leftOut: (rest) => ({
    type: 'RichTextBlock',
    separator: true,
    inlines: [run(rest.runUrl ? `${rest.text}: ${rest.runUrl}` : rest.text, { isSubtle: true })]
  })
}

/** What a Teams Workflows "send webhook alerts to a channel" URL takes: a message of one Adaptive Card. */
const message = (card: { body: object[] } & Record<string, unknown>) => ({
  type: 'message',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: ADAPTIVE_CARD_VERSION,
        ...card
      }
    }
  ]
})

/** Our words, and ETD's names only in TextRuns: one RichTextBlock. */
const runs = (...inlines: object[]) => ({ type: 'RichTextBlock', inlines })

/** The weekly report on a card: headings in TextBlocks (our words), every line with a name from ETD in TextRuns. */
function weeklyCard(chat: WeeklyChat) {
  const links = [
    ...(chat.links.issue ? [{ type: 'Action.OpenUrl', title: 'Open the issue', url: chat.links.issue }] : []),
    ...(chat.links.run ? [{ type: 'Action.OpenUrl', title: 'Open the run', url: chat.links.run }] : [])
  ]
  const heading = (text: string) => ({ type: 'TextBlock', text, weight: 'Bolder', wrap: true, separator: true })
  return message({
    msteams: { width: 'Full' },
    body: [
      { type: 'TextBlock', text: chat.title, weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'TextBlock', text: chat.headline, wrap: true },
      ...chat.notes.map((note) => runs(run(note, { color: 'Attention' }))),
      ...chat.verdicts.map(({ name, words }) => ({
        ...runs(run(name, { weight: 'Bolder' }), run(`: ${words}`)),
        spacing: 'None'
      })),
      ...chat.lists.flatMap((list) => [
        heading(list.title),
        ...list.items.map((item) => ({
          ...runs(run(`${count(item.count)}  `, { isSubtle: true }), run(item.name)),
          spacing: 'None'
        })),
        ...(list.more ? [runs(run(list.more, { isSubtle: true }))] : [])
      ]),
      ...chat.sentences.map((sentence, i) => ({ ...runs(run(sentence)), ...(i === 0 ? { separator: true } : {}) }))
    ],
    ...(links.length > 0 ? { actions: links } : {})
  })
}

/** A Teams channel through a Workflows webhook: one Adaptive Card. */
export const teams: Platform = {
  render: (batch) =>
    renderFitting(
      batch,
      (shown) =>
        message({
          msteams: { width: 'Full' },
          body: layout(batch, shown, parts),
          ...(batch.runUrl ? { actions: [{ type: 'Action.OpenUrl', title: 'Open the run', url: batch.runUrl }] } : {})
        }),
      jsonBytes,
      MAX_TEAMS_PAYLOAD_BYTES
    ),
  // Our own words: a plain TextRun.
  line: (text) => message({ body: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text }] }] }),
  weekly: (report, links) => renderWeekly(report, links, weeklyCard, jsonBytes, MAX_TEAMS_PAYLOAD_BYTES)
}
