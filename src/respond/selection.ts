import type { Command } from './parse.js'

/**
 * Which messages a command may move: only those the marker records (the marker of an issue the
 * watch's own identity wrote; the caller checks that), so that a comment can never reach other mail of
 * the tenant. Rows are the marker's order, fixed when the issue was written. Pure.
 */

/** A conviction as the issue records it: its ETD id and the verdict it was told with. */
export interface RecordedMessage {
  id: string
  verdict: string
}

/** A message chosen for the command, with the row that names it in the issue. */
export interface Selected extends RecordedMessage {
  row: number
}

export type Selection = { kind: 'selected'; messages: Selected[] } | { kind: 'refused'; reason: string }

const MAX_NAMED = 10

/** Up to ten values, then how many more. */
function named(values: string[]): string {
  const more = values.length > MAX_NAMED ? ` and ${values.length - MAX_NAMED} more` : ''
  return `${values.slice(0, MAX_NAMED).join(', ')}${more}`
}

export function selectMessages(
  command: Command,
  recorded: readonly RecordedMessage[],
  inInbox: ReadonlySet<string>,
  max: number
): Selection {
  const rows: Selected[] = []
  for (const message of recorded) {
    if (!rows.some((r) => r.id === message.id)) rows.push({ ...message, row: rows.length + 1 })
  }
  if (rows.length === 0) return { kind: 'refused', reason: 'This issue records no message that can be moved.' }
  let chosen: Selected[]
  if (command.targets.length === 0) {
    chosen = rows.filter((r) => inInbox.has(r.id))
    if (chosen.length === 0) {
      return {
        kind: 'refused',
        reason:
          'Nothing to move: no message of this issue is recorded as still in the inbox. Name ids or rows to move others.'
      }
    }
  } else {
    const foreign: string[] = []
    const badRows: string[] = []
    chosen = []
    for (const target of command.targets) {
      const found = 'id' in target ? rows.find((r) => r.id === target.id) : rows[target.row - 1]
      if (!found) {
        if ('id' in target) foreign.push(target.id)
        else badRows.push(String(target.row))
      } else if (!chosen.includes(found)) chosen.push(found)
    }
    const problems = [
      ...(foreign.length > 0 ? [`Not recorded in this issue: ${named(foreign)}.`] : []),
      ...(badRows.length > 0 ? [`No such row: ${named(badRows)} (this issue has rows 1 to ${rows.length}).`] : [])
    ]
    if (problems.length > 0) return { kind: 'refused', reason: `${problems.join(' ')} Nothing was moved.` }
  }
  if (chosen.length > max) {
    return {
      kind: 'refused',
      reason: `${chosen.length} messages, more than respond-max (${max}) allows in one command: name fewer by id or row.`
    }
  }
  return { kind: 'selected', messages: chosen }
}
