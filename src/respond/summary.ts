import { clean } from '../etd/clean.js'
import { inertMarkdown } from '../notify/text/markdown.js'
import { describeCommand, type Command } from './parse.js'

/** The job summary of a command: what was asked, by whom, and how it ended, escaped like ETD text. */
export function summaryOf(ended: { command?: Command; commenter: string; outcome: string; line: string }): string {
  const text = (value: string) => inertMarkdown(clean(value, 1000))
  return [
    '## ETD command from an issue comment',
    '',
    `- Command: ${ended.command ? text(describeCommand(ended.command)) : 'none readable'}`,
    `- Commenter: ${text(ended.commenter)}`,
    `- Outcome: ${ended.outcome}: ${text(ended.line)}`,
    ''
  ].join('\n')
}
