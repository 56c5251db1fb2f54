import { clean } from '../../etd/clean.js'
import { count, formatTime, plural } from '../../common/format.js'
import { inertCode, inertMarkdown } from '../text/markdown.js'
import { folderName } from '../text/rows.js'
import { explain, type Repository } from './errors.js'
import { formatMarker, readMarker, replaceMarker, UNFOLLOWED } from './marker.js'
import type { GitHub } from './octokit.js'

/**
 * The issue as an audit trail that keeps itself current. Whoever learns where some of an issue's
 * messages are now (a later watch run from its search, a command from ETD's answer) hands that over
 * as sightings; `planTrail` decides what changed since the issue last recorded it, and `applyTrail`
 * records it: the body (the "still in the inbox" section and the marker's `place` lines, so that the
 * same change is never told twice), one comment listing the changes, the labels, and closing the issue
 * once every message has left the inbox. Rows are edited in place, never added, removed or renumbered.
 */

/** Added while any conviction is still in an inbox, so that a label filter finds what needs a person. */
export const ACTION_NEEDED_LABEL = 'action-needed'

/** What is now known of where one recorded message is. */
export interface Sighting {
  id: string
  /** ETD's folder (`inbox` means still in the inbox): attacker-influenced text, cleaned here. */
  folder: string
  /** When it got there (ETD's action time), or when it was seen there. */
  at: number
  /** Who moved it, in words ("an administrator", "the watch"): may quote ETD, cleaned here. */
  by?: string
}

/** An open or closed issue of the watch, as listed. */
export interface TrailIssue {
  number: number
  body: string
  /** Its labels' names. */
  labels: readonly string[]
  open: boolean
}

export interface TrailOptions {
  timeZone: string
  /** Recorded messages the watch cannot see any more (older than its rescan range): said once, then left alone. */
  unfollowed?: readonly string[]
  /** The workflow run that saw the changes, linked from the comment. */
  runUrl?: string
}

/** `left` the inbox, came `back` to it, or `unfollowed`: no longer seen by the watch. */
export type TrailChangeKind = 'left' | 'back' | 'unfollowed'

/** A move (`left`, `back`: the sighting's folder, time and mover), or a message no longer followed. */
export type TrailChange = (Sighting & { kind: 'left' | 'back' }) | { id: string; kind: 'unfollowed' }
type Moved = Extract<TrailChange, { folder: string }>

/** What one issue's record needs, decided from its body and the sightings alone. */
export interface TrailUpdate {
  number: number
  changes: TrailChange[]
  /** The body with the section, its rows and the marker brought up to date. */
  body: string
  addLabels: string[]
  removeLabels: string[]
  /** Every recorded message is known to be out of the inbox: close as completed. */
  close: boolean
  /** The one comment of this update, listing the changes. */
  comment: string
  /** Recorded messages still in the inbox after the changes. */
  inInbox: number
  /** Recorded messages the watch no longer follows. */
  unfollowed: number
  /** One line for the log and the job summary. */
  description: string
}

const HEADING = '## Still in the inbox:'
const ALSO = 'Also back in the inbox'
const INBOX = 'inbox'
/** A folder as the marker keeps it: ETD's word when it is a plain one. */
const markerFolder = (folder: string) => {
  const lower = folder.toLowerCase()
  return /^[a-z]{1,20}$/.test(lower) ? lower : 'other'
}

/** Where a table row's cells end: its pipes, escaped ones skipped. One pass, where a regex could backtrack. */
function pipes(line: string): number[] {
  const at: number[] = []
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++
    else if (line[i] === '|') at.push(i)
  }
  return at
}

/** The ETD id of a row of the section: its last cell, a code span; none for the header or another line. */
function rowId(line: string): string | undefined {
  const at = pipes(line)
  if (at.length < 3 || at[at.length - 1] !== line.length - 1) return undefined
  return /^ `([^`]*)` $/.exec(line.slice(at[at.length - 2] + 1, -1))?.[1]
}

/** The row with its second-to-last cell (Remediation) replaced: every other cell as it was. */
function withRemediation(line: string, text: string): string {
  const at = pipes(line)
  return `${line.slice(0, at[at.length - 3] + 1)} ${text} ${line.slice(at[at.length - 2])}`
}

/** ` (2026-11-27 11:00 UTC, by an administrator)`: when, and by whom when known. */
const detail = (change: Moved, timeZone: string) =>
  ` (${formatTime(change.at, timeZone)}${change.by === undefined ? '' : `, by ${inertMarkdown(clean(change.by))}`})`

const folderOf = (change: Moved) => inertMarkdown(folderName(clean(change.folder)))

function cell(change: TrailChange, timeZone: string): string {
  if (change.kind === 'unfollowed') return '**no longer followed by the watch**'
  if (change.kind === 'back') return `**back in the inbox**${detail(change, timeZone)}`
  return `**now in ${folderOf(change)}**${detail(change, timeZone)}`
}

function commentLine(change: TrailChange, timeZone: string): string {
  const id = inertCode(clean(change.id))
  if (change.kind === 'unfollowed')
    return `- ${id} is no longer followed: it is older than the watch's rescan range, or ETD's search no longer returns it. Check it in ETD.`
  if (change.kind === 'back') return `- ${id} is back in the inbox${detail(change, timeZone)}.`
  return `- ${id} left the inbox: now in ${folderOf(change)}${detail(change, timeZone)}.`
}

/** The section's parts: the lines before it, its callout and table, and the lines after it. */
interface Section {
  before: string[]
  table: string[]
  after: string[]
}

function findSection(lines: string[]): Section {
  const close = lines.findIndex((line) => line.trimEnd() === '-->')
  const heading = lines.findIndex((line, i) => i > close && line.startsWith(HEADING))
  if (heading < 0) {
    // None at first (nothing was in the inbox): it goes under the headline.
    const headline = lines.findIndex((line, i) => i > close && line.startsWith('## '))
    const at = (headline < 0 ? close : headline) + 1
    return { before: [...lines.slice(0, at), ''], table: [], after: lines.slice(at) }
  }
  let i = heading + 1
  const skip = (test: (line: string) => boolean) => {
    while (i < lines.length && test(lines[i])) i++
  }
  skip((line) => line === '' || line.startsWith('>'))
  const start = i
  skip((line) => line.startsWith('|'))
  const table = lines.slice(start, i)
  let also = i
  while (lines[also] === '') also++
  if (lines[also]?.startsWith(ALSO)) i = also + 1
  return { before: lines.slice(0, heading), table, after: lines.slice(i) }
}

function headingLine(inInbox: number, unfollowed: number): string {
  if (inInbox > 0) return `${HEADING} ${count(inInbox)} — act on these`
  return unfollowed > 0 ? `${HEADING} none known (${count(unfollowed)} no longer followed)` : `${HEADING} none`
}

function callout(inInbox: number, unfollowed: number): string[] {
  const lost =
    unfollowed > 0
      ? ` The watch no longer follows ${plural(unfollowed, 'message')} (marked below): look each up in ETD.`
      : ''
  if (inInbox > 0)
    return [
      '> [!WARNING]',
      `> ${plural(inInbox, 'message')} of this issue ${inInbox === 1 ? 'is' : 'are'} still in the inbox: someone must act on ${inInbox === 1 ? 'it' : 'them'}. Rows in bold changed since the issue was opened; the comments record each change.${lost}`
    ]
  return [
    '> [!NOTE]',
    unfollowed > 0
      ? `> No message of this issue is known to be in the inbox any more.${lost}`
      : '> Every message of this issue has left the inbox; the comments record when and where.'
  ]
}

/**
 * What an issue records: its marker, its section and the row of each id there, the ids, and where each
 * is (`places`: the marker's, or others to be written): a `place` line, else `inbox` for a row of the
 * section, else out of the inbox since the issue was written (undefined).
 */
function readRecord(body: string) {
  const marker = readMarker(body)
  const section = findSection(body.split(/\r?\n/))
  const rows = new Map<string, number>()
  section.table.forEach((line, i) => {
    const id = rowId(line)
    if (id !== undefined) rows.set(id, i)
  })
  const recorded = [...new Set(marker.convictions.map((c) => c.id))]
  const placeOf = (id: string, places: ReadonlyMap<string, string> = marker.places) =>
    places.get(id) ?? (rows.has(id) ? INBOX : undefined)
  return { marker, section, rows, recorded, placeOf }
}

/**
 * What the sightings change in an open issue of the watch, or undefined when they change nothing. A
 * message counts as recorded in the inbox when a `place` line of the marker says so or, before any,
 * when its row is in the "still in the inbox" section; otherwise as out of it. Only a change between
 * in and out is told (quarantine to deleted items is not); sightings of ids the marker does not record
 * are ignored, and so are those of a message no longer followed.
 */
export function planTrail(
  issue: TrailIssue,
  sightings: readonly Sighting[],
  options: TrailOptions
): TrailUpdate | undefined {
  const { marker, section, rows, recorded, placeOf } = readRecord(issue.body)
  if (!issue.open || recorded.length === 0) return undefined

  const changes: TrailChange[] = []
  const seen = new Map(sightings.map((s) => [s.id, s]))
  for (const id of recorded) {
    const was = placeOf(id)
    const sighting = seen.get(id)
    if (was === UNFOLLOWED) continue
    if (sighting) {
      const inInbox = sighting.folder.toLowerCase() === INBOX
      if (inInbox === (was === INBOX)) continue
      changes.push({ id, kind: inInbox ? 'back' : 'left', folder: sighting.folder, at: sighting.at, by: sighting.by })
    } else if (was === INBOX && options.unfollowed?.includes(id)) changes.push({ id, kind: 'unfollowed' })
  }
  if (changes.length === 0) return undefined

  const places = new Map(marker.places)
  for (const change of changes)
    places.set(change.id, change.kind === 'unfollowed' ? UNFOLLOWED : markerFolder(change.folder))
  const inInbox = recorded.filter((id) => placeOf(id, places) === INBOX).length
  const unfollowed = recorded.filter((id) => placeOf(id, places) === UNFOLLOWED).length

  const table = [...section.table]
  for (const change of changes) {
    const at = rows.get(change.id)
    if (at === undefined) continue
    table[at] = withRemediation(table[at], cell(change, options.timeZone))
  }
  const rowless = recorded.filter((id) => !rows.has(id) && places.get(id) === INBOX)
  const also =
    rowless.length > 0
      ? `${ALSO} (listed below under their mailbox): ${rowless.map((id) => inertCode(clean(id))).join(', ')}`
      : undefined
  const rebuilt = [
    ...section.before,
    headingLine(inInbox, unfollowed),
    '',
    ...callout(inInbox, unfollowed),
    ...(table.length > 0 ? ['', ...table] : []),
    ...(also ? ['', also] : []),
    ...section.after
  ].join('\n')
  // The body has a marker: planTrail returned early without one.
  const body = replaceMarker(rebuilt, formatMarker(marker.convictions, Infinity, marker.owes, places))!

  const close = inInbox === 0 && unfollowed === 0
  const labelled = issue.labels.includes(ACTION_NEEDED_LABEL)
  const needed = inInbox > 0 || unfollowed > 0
  const outcome = close
    ? 'Every message of this issue is out of the inbox, so the watch closes it.'
    : inInbox > 0
      ? `Still in the inbox: ${count(inInbox)}.`
      : `None is known to be in the inbox; ${plural(unfollowed, 'message')} no longer followed: look each up in ETD, then close this issue.`
  const comment = [
    `**${plural(changes.length, 'change')} seen by the watch**`,
    '',
    ...changes.map((change) => commentLine(change, options.timeZone)),
    '',
    outcome,
    ...(options.runUrl ? ['', `Workflow run: ${options.runUrl}`] : [])
  ].join('\n')
  const kinds = (kind: TrailChangeKind, words: string) => {
    const n = changes.filter((c) => c.kind === kind).length
    return n > 0 ? [`${count(n)} ${words}`] : []
  }
  const told = [
    ...kinds('left', 'left the inbox'),
    ...kinds('back', 'back in it'),
    ...kinds('unfollowed', 'no longer followed')
  ]
  return {
    number: issue.number,
    changes,
    body,
    addLabels: needed && !labelled ? [ACTION_NEEDED_LABEL] : [],
    removeLabels: !needed && labelled ? [ACTION_NEEDED_LABEL] : [],
    close,
    comment,
    inInbox,
    unfollowed,
    description: `Issue #${issue.number}: ${told.join(', ')}; ${close ? 'closed' : `${count(inInbox)} still in the inbox`}.`
  }
}

/**
 * Records `update` on its issue: the body first (its marker is what keeps a change from being told
 * twice), then the one comment, the labels, and closing. A failure stops there with one line naming the
 * step; what was done stays done, and what was not is decided again by the next call.
 */
export async function applyTrail(octokit: GitHub, repository: Repository, update: TrailUpdate): Promise<string> {
  // Only these: the config that names the repository also holds the token and the labels to open with.
  const issue = { owner: repository.owner, repo: repository.repo, issue_number: update.number }
  const step = async (doing: string, request: () => Promise<unknown>) => {
    try {
      await request()
    } catch (error) {
      throw explain(error, `${doing} issue #${update.number}`, repository)
    }
  }
  await step('recording moves in', () => octokit.rest.issues.update({ ...issue, body: update.body }))
  await step('commenting on', () => octokit.rest.issues.createComment({ ...issue, body: update.comment }))
  if (update.addLabels.length > 0)
    await step('labelling', () => octokit.rest.issues.addLabels({ ...issue, labels: update.addLabels }))
  for (const name of update.removeLabels) {
    // Someone may have taken it off already.
    await step('unlabelling', () =>
      octokit.rest.issues.removeLabel({ ...issue, name }).catch((error: unknown) => {
        if ((error as { status?: number }).status !== 404) throw error
      })
    )
  }
  if (update.close)
    await step('closing', () => octokit.rest.issues.update({ ...issue, state: 'closed', state_reason: 'completed' }))
  return update.description
}

/**
 * The ids an issue records as still in the inbox, read as `planTrail` reads them (a `place` line, else a
 * row of the "still in the inbox" section): what a bare `/etd quarantine` on the issue takes.
 */
export function recordedInInbox(body: string): Set<string> {
  const { recorded, placeOf } = readRecord(body)
  return new Set(recorded.filter((id) => placeOf(id) === INBOX))
}
