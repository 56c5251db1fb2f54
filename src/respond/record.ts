import { readMarker } from '../notify/issue/marker.js'
import { recordedInInbox } from '../notify/issue/trail.js'
import type { RecordedMessage } from './selection.js'

/** What a watch issue records: its messages in row order, and those it records as still in the inbox. */
export interface IssueRecord {
  recorded: RecordedMessage[]
  inInbox: Set<string>
}

export function issueRecord(body: string): IssueRecord {
  const recorded = readMarker(body).convictions.map(({ id, verdict }) => ({ id, verdict }))
  return { recorded, inInbox: recordedInInbox(body) }
}
