import { actionNeededLine, verdictNote, type Row } from '../text/rows.js'
import { count } from '../../common/format.js'
import { layout, renderFitting, title, type Parts, type Platform, type Shown, type WebhookBatch } from './content.js'
import { renderWeekly, type WeeklyChat } from './weekly.js'

/** Slack's limits: blocks per message, characters per section text, characters of a header. */
export const MAX_SLACK_BLOCKS = 50
export const MAX_SLACK_SECTION_TEXT = 3000
export const MAX_SLACK_HEADER_TEXT = 150

/**
 * Our own words in mrkdwn: Slack reads `<…>` as links, mentions (`<@U123>`) and broadcasts
 * (`<!channel>`), and `&` as an entity: escaped, they are shown as typed. `@channel` written out pings
 * nobody from a webhook, and a zero-width space after `@` keeps it so. mrkdwn has no escape for `*`, `_`,
 * `~` or a backtick: attacker text never goes into it (see `plain`).
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

/**
 * A rich_text `text` element: Slack shows it as given, reading no mrkdwn, link, mention or entity in it
 * (those are elements of their own), as Teams does a TextRun. Attacker text goes only here.
 */
const plain = (text: string, bold = false) => ({ type: 'text', text, ...(bold ? { style: { bold: true } } : {}) })

function rowBlock(row: Row) {
  return {
    type: 'rich_text',
    elements: [
      {
        type: 'rich_text_section',
        elements: [
          ...(row.actionNeeded ? [{ type: 'emoji', name: 'warning' }, plain(' ')] : []),
          plain(verdictNote(row), true),
          plain(
            ` · ${row.received} · ${row.mailboxes}\nFrom ${row.sender}: ${row.subject}\n` +
              `${row.techniques}${row.techniques ? '; ' : ''}ETD: ${row.remediation}; message ${row.id}`
          )
        ]
      }
    ]
  }
}

/** The layout in Block Kit: our words in mrkdwn, each conviction a rich_text block. */
const parts: Parts<object> = {
  heading: (heading, window) => [
    { type: 'header', text: { type: 'plain_text', text: clip(heading, MAX_SLACK_HEADER_TEXT) } },
    { type: 'context', elements: [mrkdwn(inertSlack(window))] }
  ],
  action: (text) => ({ type: 'section', text: mrkdwn(`:warning: *${inertSlack(text)}*`) }),
  moved: (text) => ({ type: 'section', text: mrkdwn(`*${inertSlack(text)}*`) }),
  rows: (rows) => rows.map(rowBlock),
  // The run's URL is ours: a Slack link.
  leftOut: (rest) => ({
    type: 'context',
    elements: [mrkdwn(`${inertSlack(rest.text)}${rest.runUrl ? `: <${rest.runUrl}>` : ''}`)]
  })
}

function message(batch: WebhookBatch, shown: Shown) {
  const heading = title(batch.totals, batch.test)
  const action = actionNeededLine(batch.totals)
  return { text: inertSlack(action ? `${heading} (${action})` : heading), blocks: layout(batch, shown, parts) }
}

const richText = (...elements: object[]) => ({
  type: 'rich_text',
  elements: [{ type: 'rich_text_section', elements }]
})

/** The weekly report in Block Kit: our words in mrkdwn, every line with a name from ETD in rich_text. */
function weeklyMessage(chat: WeeklyChat) {
  const links = [
    ...(chat.links.issue ? [`Issue: <${chat.links.issue}>`] : []),
    ...(chat.links.run ? [`Workflow run: <${chat.links.run}>`] : [])
  ]
  return {
    text: inertSlack(chat.title),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(chat.title, MAX_SLACK_HEADER_TEXT) } },
      { type: 'section', text: mrkdwn(`*${inertSlack(chat.headline)}*`) },
      ...chat.notes.map((note) => richText({ type: 'emoji', name: 'warning' }, plain(` ${note}`))),
      ...(chat.verdicts.length > 0
        ? [
            richText(
              ...chat.verdicts.flatMap(({ name, words }, i) => [
                plain(name, true),
                plain(`: ${words}${i < chat.verdicts.length - 1 ? '\n' : ''}`)
              ])
            )
          ]
        : []),
      ...chat.lists.flatMap((list) => [
        { type: 'section', text: mrkdwn(`*${inertSlack(list.title)}*`) },
        richText(
          plain(
            [...list.items.map((item) => `${count(item.count)}  ${item.name}`), ...(list.more ? [list.more] : [])].join(
              '\n'
            )
          )
        )
      ]),
      { type: 'divider' },
      richText(plain(chat.sentences.join('\n'))),
      ...(links.length > 0 ? [{ type: 'context', elements: [mrkdwn(links.join(' · '))] }] : [])
    ]
  }
}

/** A Slack incoming webhook: Block Kit, with a text fallback for notifications. */
export const slack: Platform = {
  render: (batch) =>
    renderFitting(
      batch,
      (shown) => message(batch, shown),
      (payload) => (payload as { blocks: unknown[] }).blocks.length,
      MAX_SLACK_BLOCKS
    ),
  line: (text) => ({ text: inertSlack(text) }),
  weekly: (report, links) =>
    renderWeekly(
      report,
      links,
      weeklyMessage,
      (payload) => (payload as { blocks: unknown[] }).blocks.length,
      MAX_SLACK_BLOCKS
    )
}
