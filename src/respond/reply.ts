import { clean } from '../etd/clean.js'
import { count } from '../common/format.js'
import { inertCode, inertMarkdown } from '../notify/text/markdown.js'
import type { Carried, MessageResult } from './act.js'
import type { Command } from './parse.js'
import { describeCommand } from './parse.js'

/**
 * The replies to a command, as markdown for the issue. Everything that is not our own word (the
 * commenter's login, ids, ETD's reasons and folders) is escaped like ETD text. Each reply starts with the
 * marker that names the comment it answers. Pure.
 */

/** How a command ended: the output `respond-outcome`. */
export type Outcome = 'ignored' | 'answered-before' | 'refused' | 'dry-run' | 'moved' | 'partial' | 'failed'

const text = (value: string) => inertMarkdown(clean(value))
const code = (value: string) => inertCode(clean(value))
const NONE = '–'

/** `/etd quarantine 1 2` by `login`, both escaped. */
function who(command: Command | undefined, login: string): string {
  return `${command ? `**${text(describeCommand(command))}**` : 'This /etd command'} from ${code(login)}`
}

export function refusalReply(marker: string, command: Command | undefined, login: string, reason: string): string {
  return `${marker}\n${who(command, login)} was not run: ${text(reason)}\n`
}

function asked(r: MessageResult): string {
  return r.folder === 'inbox'
    ? 'back to the inbox, as neutral'
    : `to ${text(r.folder)}, verdict ${text(r.verdictSent)} kept`
}

function answered(r: MessageResult, stopped: boolean): string {
  if (!r.answer) return stopped ? 'not sent' : 'no answer for this id'
  if (r.answer.queueSuccess) return 'queued'
  return `not queued: ${r.answer.reason ? inertMarkdown(r.answer.reason) : 'no reason given'}`
}

function table(results: readonly MessageResult[], columns: Array<[string, (r: MessageResult) => string]>): string {
  const head = `| ${columns.map(([name]) => name).join(' | ')} |\n|${columns.map(() => ' --- |').join('')}\n`
  return head + results.map((r) => `| ${columns.map(([, cell]) => cell(r)).join(' | ')} |\n`).join('')
}

const ROW_AND_ID: Array<[string, (r: MessageResult) => string]> = [
  ['Row', (r) => String(r.row)],
  ['ETD id', (r) => code(r.id)]
]

export function dryRunReply(marker: string, command: Command, login: string, planned: MessageResult[]): string {
  return [
    marker,
    `${who(command, login)}, dry run: it would move ${count(planned.length)} ${planned.length === 1 ? 'message' : 'messages'}. Nothing was moved.`,
    '',
    table(planned, [...ROW_AND_ID, ['Would move', asked]])
  ].join('\n')
}

/** How a command that reached ETD ended. */
export function outcomeOf(carried: Carried): Outcome {
  const queued = carried.results.filter((r) => r.answer?.queueSuccess).length
  if (queued === 0) return 'failed'
  return queued === carried.results.length && !carried.stopped ? 'moved' : 'partial'
}

/** One line for the log, the summary and the reply's head. */
export function outcomeLine(carried: Carried): string {
  const total = carried.results.length
  const queued = carried.results.filter((r) => r.answer?.queueSuccess)
  const confirmed = queued.filter((r) => r.confirmed).length
  const failed = carried.results.filter((r) => !r.answer?.queueSuccess)
  const parts = [
    `${count(queued.length)} of ${count(total)} moved`,
    ...(queued.length > 0 ? [`${count(confirmed)} confirmed by ETD`] : []),
    ...(failed.length > 0 ? [`${count(failed.length)} not moved`] : [])
  ]
  return `${parts.join(', ')}.`
}

export function resultReply(
  marker: string,
  command: Command,
  login: string,
  carried: Carried,
  issueNote?: string
): string {
  const stopped = carried.stopped !== undefined
  return [
    marker,
    `${who(command, login)}: ${outcomeLine(carried)}`,
    ...(carried.stopped ? ['', `Stopped: ${text(carried.stopped)}`] : []),
    '',
    table(carried.results, [
      ...ROW_AND_ID,
      ['Asked', asked],
      ["ETD's answer", (r) => answered(r, stopped)],
      [
        'Now in',
        (r) => (r.confirmed ? inertMarkdown(r.confirmed.folder) : r.answer?.queueSuccess ? 'not confirmed yet' : NONE)
      ],
      [
        'Moved by',
        (r) =>
          r.confirmed
            ? `${inertMarkdown(r.confirmed.initiator) || 'unknown'}${r.confirmed.byThisClient ? " (this workflow's ETD API client)" : ''}`
            : NONE
      ]
    ]),
    ...(issueNote ? [text(issueNote), ''] : [])
  ].join('\n')
}
