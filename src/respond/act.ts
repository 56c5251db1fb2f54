import { clean, type Clean } from '../etd/clean.js'
import { EtdError, type EtdClient, type QueuedStatus, type StatusAction } from '../etd/client.js'
import type { Command } from './parse.js'
import type { Selected } from './selection.js'

/** What happened to one message of a command. */
export interface MessageResult extends Selected {
  folder: string
  /** The verdict sent with the move: the recorded one kept, or neutral for a release. */
  verdictSent: string
  /** ETD's answer to the move; absent when the request was never answered. */
  answer?: QueuedStatus
  /** The newest action ETD's status lists, when it is this move: the folder and who ETD says did it. */
  confirmed?: StatusAction
}

export interface Carried {
  results: MessageResult[]
  /** Why the command stopped short (a read-only client, the quota or budget spent), in one line. */
  stopped?: string
}

/** Where each message goes, and with which verdict: ETD requires both. */
export function planMoves(command: Command, messages: readonly Selected[]): MessageResult[] {
  return messages.map((m) =>
    command.verb === 'release'
      ? { ...m, folder: 'inbox', verdictSent: 'neutral' }
      : { ...m, folder: command.verb, verdictSent: m.verdict }
  )
}

/** ETD spells junk either way (unverified which): a move to one is confirmed by the other. */
const sameFolder = (asked: string, seen: Clean) => {
  const norm = (f: string) => (f.toLowerCase() === 'junkemail' ? 'junk' : f.toLowerCase())
  return norm(asked) === norm(seen)
}

/**
 * Moves the messages, one request per verdict (and per 100 ids), then asks ETD for the status of each
 * queued one to confirm where it is and who moved it. The first ETD failure stops everything after it:
 * what was done is reported, the rest is not sent.
 */
export async function carryOut(client: EtdClient, planned: MessageResult[]): Promise<Carried> {
  const results = planned.map((r) => ({ ...r }))
  const groups = new Map<string, MessageResult[]>()
  for (const r of results) {
    const key = `${r.folder} ${r.verdictSent}`
    groups.set(key, [...(groups.get(key) ?? []), r])
  }
  try {
    for (const group of groups.values()) {
      const { moves } = await client.move(
        group.map((r) => r.id),
        group[0].folder,
        group[0].verdictSent
      )
      for (const r of group) r.answer = moves.find((m) => m.id === clean(r.id))
    }
    for (const r of results) {
      if (!r.answer?.queueSuccess) continue
      const newest = (await client.status(r.id))?.actions[0]
      if (newest && sameFolder(r.folder, newest.folder)) r.confirmed = newest
    }
  } catch (error) {
    if (!(error instanceof EtdError)) throw error
    return { results, stopped: error.message }
  }
  return { results }
}
