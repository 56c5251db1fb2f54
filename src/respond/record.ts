import { readMarker } from '../notify/issue/marker.js'
import type { GitHub } from '../notify/issue/octokit.js'
import type { Repository } from '../notify/issue/errors.js'
import type { ThreadIssue } from './thread.js'
import type { RecordedMessage } from './selection.js'

/** What a watch issue records: its messages in row order, and those it records as still in the inbox. */
export interface IssueRecord {
  recorded: RecordedMessage[]
  inInbox: Set<string>
}

const SECTION = /^## Still in the inbox/
const ROW_ID = /\| `([^`]*)` \|$/

export function issueRecord(body: string): IssueRecord {
  const recorded = readMarker(body).convictions.map(({ id, verdict }) => ({ id, verdict }))
  const lines = body.split(/\r?\n/)
  const start = lines.findIndex((line) => SECTION.test(line))
  const inInbox = new Set<string>()
  for (let i = start + 1; start >= 0 && i < lines.length && !lines[i].startsWith('## '); i++) {
    const id = ROW_ID.exec(lines[i])?.[1]
    if (id !== undefined) inInbox.add(id)
  }
  return { recorded, inInbox }
}

/** Where a message of the issue is now, as ETD confirmed it. */
export interface Sighting {
  id: string
  folder: string
  at: number
  by?: string
}

/**
 * Brings the issue up to date with where its messages are now: `action-needed` off when none is left in
 * the inbox, the issue closed when every one is out of it. One line of what was done.
 */
export async function recordOnIssue(
  octokit: GitHub,
  repository: Repository,
  issue: ThreadIssue,
  sightings: readonly Sighting[]
): Promise<string | undefined> {
  const { recorded, inInbox } = issueRecord(issue.body)
  const left = new Set(inInbox)
  for (const s of sightings) {
    if (s.folder.toLowerCase() === 'inbox') left.add(s.id)
    else left.delete(s.id)
  }
  if (sightings.length === 0 || recorded.length === 0) return undefined
  const target = { ...repository, issue_number: issue.number }
  if (left.size === 0 && issue.labels.includes('action-needed'))
    await octokit.rest.issues.removeLabel({ ...target, name: 'action-needed' })
  if (left.size > 0 && !issue.labels.includes('action-needed'))
    await octokit.rest.issues.addLabels({ ...target, labels: ['action-needed'] })
  if (left.size === 0 && issue.open) {
    await octokit.rest.issues.update({ ...target, state: 'closed', state_reason: 'completed' })
    return `Issue #${issue.number}: every message is out of the inbox, so it was closed.`
  }
  return `Issue #${issue.number}: ${left.size} still in the inbox.`
}
