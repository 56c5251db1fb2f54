import { knownHistory, type SimMessage } from './data.js'

export interface ExpectedQuery {
  start: number
  end: number
  mailboxes: string[]
  verdicts: string[]
  techniques: string[]
}

/**
 * What should match, worked out from the simulator's own records rather than from what it sends:
 * an independent answer to hold the action's matching against.
 */
export function expectedMatches(messages: SimMessage[], now: number, query: ExpectedQuery): string[] {
  const wantedTechniques = new Set(query.techniques.map((t) => t.toLowerCase()))
  const inMailboxes = (address: string): boolean => {
    const lowered = address.toLowerCase()
    const domain = lowered.slice(lowered.indexOf('@'))
    return query.mailboxes.some((pattern) => {
      const p = pattern.toLowerCase()
      return p === lowered || p === `*${domain}`
    })
  }
  const ids: string[] = []
  for (const message of messages) {
    if (message.receivedAt < query.start || message.receivedAt > query.end) continue
    const history = knownHistory(message, now)
    if (history.length === 0) continue
    const verdict = history[history.length - 1].verdict
    if (!query.verdicts.includes(verdict)) continue
    if (query.mailboxes.length > 0 && !message.mailboxes.some(inMailboxes)) continue
    const techniques = verdict === 'neutral' ? [] : message.techniques
    if (wantedTechniques.size > 0 && !techniques.some((t) => wantedTechniques.has(t.type.toLowerCase()))) continue
    ids.push(message.id)
  }
  return ids.sort()
}

/**
 * Where a conviction is at `now` by the simulator's records, not by what it sends: its latest API move
 * made by then, else the folder ETD put it in, else the inbox.
 */
export function folderAt(message: SimMessage, now: number): string {
  const moves = (message.moves ?? []).filter((move) => move.at <= now)
  return moves.length > 0 ? moves[moves.length - 1].folder : (message.folder ?? 'inbox')
}
