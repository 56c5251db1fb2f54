import type { Clean } from '../../etd/clean.js'
import { inertMarkdown } from '../text/markdown.js'
import { verdictNote, type Row } from '../text/rows.js'
import { count } from '../../common/format.js'
import { layout, renderFitting, utf8Bytes, type Parts, type Platform } from './content.js'
import { renderWeekly, type WeeklyChat } from './weekly.js'

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

/** The layout in markdown, a blank line between its parts; each conviction a list item. */
const parts: Parts<string> = {
  heading: (title, window) => [`**${words(title)}**  \n${words(window)}`],
  action: (text) => `**⚠️ ${words(text)}**`,
  moved: (text) => `**${words(text)}**`,
  rows: (rows) => (rows.length > 0 ? [rows.map(rowLine).join('\n')] : []),
  // The run's URL is ours: a CommonMark autolink.
  leftOut: (rest) => `${words(rest.text)}${rest.runUrl ? `: <${rest.runUrl}>` : ''}`
}

/** The weekly report in markdown: every line escaped, the links (ours) as autolinks. */
function weeklyMarkdown(chat: WeeklyChat): string {
  const links = [
    ...(chat.links.issue ? [`Issue: <${chat.links.issue}>`] : []),
    ...(chat.links.run ? [`Workflow run: <${chat.links.run}>`] : [])
  ]
  return [
    `**${words(chat.title)}**  \n${words(chat.headline)}`,
    ...chat.notes.map((note) => `⚠️ ${words(note)}`),
    ...(chat.verdicts.length > 0
      ? [chat.verdicts.map(({ name, words: trend }) => `- **${inertMarkdown(name)}**: ${words(trend)}`).join('\n')]
      : []),
    ...chat.lists.map((list) =>
      [
        `**${words(list.title)}**`,
        ...list.items.map((item) => `- ${count(item.count)} ${inertMarkdown(item.name)}`),
        ...(list.more ? [words(list.more)] : [])
      ].join('\n')
    ),
    chat.sentences.map(words).join('  \n'),
    ...(links.length > 0 ? [links.join('  \n')] : [])
  ].join('\n\n')
}

/** A Webex incoming webhook: markdown only, attacker text escaped. */
export const webex: Platform = {
  render: (batch) =>
    renderFitting(
      batch,
      (shown) => ({ markdown: layout(batch, shown, parts).join('\n\n') }),
      (payload) => utf8Bytes((payload as { markdown: string }).markdown),
      MAX_WEBEX_MARKDOWN_BYTES
    ),
  line: (text) => ({ markdown: words(text) }),
  weekly: (report, links) =>
    renderWeekly(
      report,
      links,
      (chat) => ({ markdown: weeklyMarkdown(chat) }),
      (payload) => utf8Bytes((payload as { markdown: string }).markdown),
      MAX_WEBEX_MARKDOWN_BYTES
    )
}
