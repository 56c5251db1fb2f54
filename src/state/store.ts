import { readFile } from 'node:fs/promises'
import { writeAtomically } from '../common/files.js'
import type { GitHubAccess } from './prune.js'
import { Dropped } from './rules.js'
import { parseState, serializeState, type WatchState } from './state.js'

/** Where the state lives, from the inputs: a local file, or the Actions cache under a key prefix. */
export type StateSettings =
  | { kind: 'file'; path: string }
  /**
   * `github`: present when a token and repository are known, to list this watch's entries (was a miss
   * really a first run?) and, with `prune`, delete the older ones.
   */
  | { kind: 'cache'; key: string; prune: boolean; github?: GitHubAccess }

export type Loaded =
  /** `dropped`: the malformed parts left out (each named by its place), when there were any. */
  | { kind: 'restored'; state: WatchState; from: string; migratedFrom?: number; dropped?: string[] }
  /**
   * Nothing restored: a first run, an evicted entry, an unreachable store. `outage` is `certain` when the
   * store failed, `possible` when it cannot tell a failure from a miss (the cache toolkit only logs).
   */
  | { kind: 'none'; reason: string; outage?: 'possible' | 'certain' }
  /** Something was there but cannot be trusted. */
  | { kind: 'invalid'; reason: string }

/** `bytes`: the size of the state document saved; `dropped`: the parts that could not be written. */
export type Saved = { ok: true; where: string; bytes: number; dropped: string[] } | { ok: false; reason: string }

/** Where the watch keeps its memory between runs (the Actions cache, or a file). */
export interface StateStore {
  load(): Promise<Loaded>
  save(state: WatchState): Promise<Saved>
}

/** Parses a state document read from `from`, as a Loaded result. */
export function loadedFrom(text: string, from: string): Loaded {
  const parsed = parseState(text)
  return parsed.ok
    ? { kind: 'restored', state: parsed.state, from, migratedFrom: parsed.migratedFrom, dropped: parsed.dropped }
    : { kind: 'invalid', reason: `the state from ${from} was ignored because ${parsed.reason}` }
}

/** Writes the state document with `write`, as a Saved result naming the parts left out. */
export async function savedWith(
  state: WatchState,
  where: string,
  write: (chunks: Iterable<string>) => Promise<number>
): Promise<Saved & { ok: true }> {
  const dropped = new Dropped()
  const bytes = await write(serializeState(state, dropped))
  return { ok: true, where, bytes, dropped: dropped.lines() }
}

/** State in a local file (`state-path`): for a crontab on a server, the demo, and tests. */
export class FileStateStore implements StateStore {
  constructor(private readonly path: string) {}

  async load(): Promise<Loaded> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return { kind: 'none', reason: `there is no state file at ${this.path} yet` }
      return {
        kind: 'none',
        reason: `the state file ${this.path} could not be read (${code ?? (error as Error).message})`
      }
    }
    return loadedFrom(text, this.path)
  }

  async save(state: WatchState): Promise<Saved> {
    try {
      return await savedWith(state, this.path, (chunks) => writeAtomically(this.path, chunks))
    } catch (error) {
      return { ok: false, reason: `the state file ${this.path} could not be written (${(error as Error).message})` }
    }
  }
}
