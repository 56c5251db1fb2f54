import { createHash } from 'node:crypto'
import type { Batch } from './batch.js'
import type { MarkedConviction } from './issue/marker.js'
import { totalsWithout } from './text/rows.js'

/**
 * Which channels have which convictions, kept in the markers of the watch's own issues, so that a run
 * killed between two channels is finished by the next one: every channel gets every conviction at least
 * once, and a channel that has a batch does not get it again.
 *
 * The issue goes first and its marker `owes` every other channel; each later channel, once it has
 * delivered, is struck from the markers that owed it. A kill at any boundary leaves a record that names
 * exactly the channels still owed: before the issue there is no record and nobody was told; after it,
 * the marker owes all the rest; after each channel's edit, the ones left. The one gap is a kill between
 * a channel's acceptance and its edit: that channel gets the batch once more (at least once, never lost).
 * Without an issue there is no ledger: the state, saved after the last channel, is the only record, so a
 * kill or a failure after some channels delivered makes the next run tell those again, and loses nothing.
 */
export interface Ledger {
  /** The batch without what `channel` already has by a record; the whole batch when none can be read. */
  owedTo(channel: string, batch: Batch): Promise<Batch>
  /**
   * After `channel` delivered `sent` (undefined: it failed, and stays owed): strikes it from the records
   * that owed it everything they record; says why when that could not be recorded.
   */
  after(
    channel: { key: string; name: string },
    sent: Batch | undefined,
    notes: readonly string[]
  ): Promise<string | undefined>
}

/** A record of a batch as the ledger reads and rewrites it: one issue's marker. */
export interface LedgerRecord {
  number: number
  convictions: MarkedConviction[]
  owes: string[]
}

/** Where the records live: the issue channel (reads the markers, rewrites one issue's marker). */
export interface RecordStore {
  recordedBatches(): Promise<LedgerRecord[]>
  rewrite(record: LedgerRecord, owes: string[], notes: readonly string[]): Promise<void>
  /** Whether this run opened the issue: its notes are brought up to date even when its owes stay. */
  openedNow(record: LedgerRecord): boolean
}

const key = (c: { id: string; verdict: string }) => `${c.id} ${c.verdict}`

/** How a marker names the email channel. */
export const EMAIL_KEY = 'email'

/** How a marker names a webhook: by its URL, so that reordering `webhook-url` keeps it, without showing it. */
export function webhookKey(url: string): string {
  return `webhook:${createHash('sha256').update(url).digest('hex').slice(0, 12)}`
}

/** The ledger over the issues' markers. */
export function issueLedger(store: RecordStore): Ledger {
  return {
    async owedTo(channel, batch) {
      let records
      try {
        records = await store.recordedBatches()
      } catch {
        return batch
      }
      const had = new Set(records.filter((r) => !r.owes.includes(channel)).flatMap((r) => r.convictions.map(key)))
      const removed = batch.convictions.filter((c) => had.has(key(c)))
      if (removed.length === 0) return batch
      return {
        ...batch,
        convictions: batch.convictions.filter((c) => !had.has(key(c))),
        totals: totalsWithout(batch.totals, removed, batch.rule)
      }
    },
    async after({ key: channel, name }, sent, notes) {
      const given = new Set(sent?.convictions.map(key))
      try {
        for (const record of await store.recordedBatches()) {
          const owed = record.owes.includes(channel)
          const done = owed && sent !== undefined && record.convictions.every((c) => given.has(key(c)))
          if (done)
            await store.rewrite(
              record,
              record.owes.filter((k) => k !== channel),
              notes
            )
          else if (store.openedNow(record)) await store.rewrite(record, record.owes, notes)
        }
      } catch (error) {
        return `The issue could not record that ${name} has the batch: ${(error as Error).message} The next run may send it there again.`
      }
      return undefined
    }
  }
}
