import * as core from '@actions/core'

/**
 * The one way the action prints. The runner reads any line of stdout that starts (leading whitespace
 * aside) with `::` or `##[` as a workflow command, and it splits lines at CR as well as LF; `core.info`
 * escapes nothing. So every line printed here that would start a command is shown inert, whoever wrote
 * it, and text from outside (ETD, a server's reply, the restored state) is made one line with `inert`
 * where it is put into a message. The commands that `core` issues itself (`::warning::`, `::add-mask::`,
 * ...) escape `%`, CR and LF in their data, so their text cannot end the command early.
 */

const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/
const LINE_BREAKS = /\r\n|[\r\n\u0085\u2028\u2029]/g
// What .NET trims before it looks for `::` (whitespace and, to be safe, invisible format characters).
const COMMAND_START = /^([\s\p{Cf}]*)(::|##\[)/u

/** A line that would start a workflow command, with a zero-width space in its `::` or `##[` so it does not. */
const inertLine = (line: string) =>
  line.replace(COMMAND_START, (_, space: string, start: string) => `${space}${start[0]}\u200b${start.slice(1)}`)

/** Outside text as one line that cannot start a command: line breaks become spaces. */
export function inert(text: string): string {
  return inertLine(text.replace(LINE_BREAKS, ' '))
}

/** Every line of a message of the action's own, any that would start a command made inert. */
const guarded = (message: string) => message.split(LINE_BREAK).map(inertLine).join('\n')

export const log = {
  info: (message: string) => core.info(guarded(message)),
  debug: (message: string) => core.debug(guarded(message)),
  warning: (message: string) => core.warning(guarded(message)),
  error: (message: string) => core.error(guarded(message))
}

/** Octokit's logger through the sink: its warnings can quote a server's headers (a deprecation's link). */
export const octokitLog = {
  debug: (message: string) => log.debug(inert(message)),
  info: (message: string) => log.debug(inert(message)),
  warn: (message: string) => log.warning(inert(message)),
  error: (message: string) => log.error(inert(message))
}
