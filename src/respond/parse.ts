/**
 * The command language of comments on the watch's issues, read from the first line only:
 *
 *   /etd quarantine|trash|junk [ids or row numbers] [--dry-run]   out of the inbox, verdict kept
 *   /etd release <ids or row numbers> [--dry-run]                 back to the inbox, as neutral
 *
 * Pure: the comment's text in, a command or one line saying what is wrong out. Nothing here decides who
 * may run it or which messages exist.
 */

export const MOVE_FOLDERS = ['quarantine', 'trash', 'junk'] as const
export type MoveFolder = (typeof MOVE_FOLDERS)[number]

/** A message named by its ETD id, or by its row in the issue (1 for the marker's first). */
export type Target = { id: string } | { row: number }

export interface Command {
  /** Out of the inbox to a folder, or `release` back to it. */
  verb: MoveFolder | 'release'
  /** Empty for "every message of the issue still in the inbox" (never for release). */
  targets: Target[]
  dryRun: boolean
}

export type Parsed =
  /** The comment is no command: anything but `/etd` on its first line. */
  | { kind: 'none' }
  | { kind: 'command'; command: Command }
  /** A command that cannot run, and why, in our words (no comment text). */
  | { kind: 'invalid'; reason: string }

const PREFIX = /^\/etd(?:\s|$)/i
/** ETD ids as the issue markers keep them. */
const ID = /^[A-Za-z0-9._:-]{1,200}$/
const ROW = /^\d{1,6}$/
/** A line longer than this is no command anyone typed. */
const MAX_LINE = 10_000
const USAGE = 'use /etd quarantine, /etd trash or /etd junk [ids or rows], or /etd release <ids or rows>'

export function parseCommand(body: string): Parsed {
  const first = body
    .replace(/^\uFEFF/, '')
    .split(/\r\n|[\r\n]/, 1)[0]
    .trim()
  if (!PREFIX.test(first)) return { kind: 'none' }
  if (first.length > MAX_LINE) return { kind: 'invalid', reason: 'The command line is too long.' }
  const [, word, ...rest] = first.split(/[\s,]+/).filter((token) => token !== '')
  if (word === undefined) return { kind: 'invalid', reason: `No command given: ${USAGE}.` }
  const verb = word.toLowerCase()
  if (verb !== 'release' && !(MOVE_FOLDERS as readonly string[]).includes(verb)) {
    return { kind: 'invalid', reason: `Unknown command: ${USAGE}.` }
  }
  let dryRun = false
  const targets: Target[] = []
  for (const token of rest) {
    if (token.toLowerCase() === '--dry-run') dryRun = true
    else if (token.startsWith('--')) return { kind: 'invalid', reason: `Unknown option: only --dry-run is known.` }
    else if (ROW.test(token)) targets.push({ row: Number(token) })
    else if (ID.test(token)) targets.push({ id: token })
    else return { kind: 'invalid', reason: `Not an ETD id or a row number: ${USAGE}.` }
  }
  if (verb === 'release' && targets.length === 0) {
    return {
      kind: 'invalid',
      reason: 'Release needs the ids (or rows) of the messages to release: it never releases a whole issue.'
    }
  }
  return { kind: 'command', command: { verb: verb as Command['verb'], targets, dryRun } }
}

/** The command as our own words, for the reply, the log and the outputs: built from what was parsed, not quoted. */
export function describeCommand(command: Command): string {
  const targets = command.targets.map((t) => ('id' in t ? t.id : String(t.row)))
  return ['/etd', command.verb, ...targets, ...(command.dryRun ? ['--dry-run'] : [])].join(' ')
}
