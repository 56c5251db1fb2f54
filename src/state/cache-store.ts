import * as cache from '@actions/cache'
import { readFile, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { writeAtomically } from '../common/files.js'
import { isStateKey } from './key.js'
import type { WatchState } from './state.js'
import { loadedFrom, savedWith, type Loaded, type Saved, type StateStore } from './store.js'
import { redactReply } from '../common/redact.js'

/**
 * Relative to the workspace, because the cache version hashes the path list: an absolute path would
 * differ between runners with different work folders and never be found again.
 */
export const CACHE_STATE_FILE = '.etd-verdict-watch/state.json'

export interface CacheStoreOptions {
  /** `<state-key>`: entries are `<state-key>/<run id>-<attempt>`, restored by the prefix `<state-key>/`. */
  stateKey: string
  runId: string
  runAttempt: string
  /** The folder that @actions/cache archives relative to (GITHUB_WORKSPACE). */
  workspace: string
  /** ACTIONS_CACHE_MODE: `read`, `write`, `write-only`, `none`; anything else is permissive. */
  mode: string
}

const MODES = ['read', 'write', 'write-only', 'none']

/** A key that anything may have written, clipped and made one line for the log. */
const shown = (key: string) => key.replace(/[^\x20-\x7e]/g, '?').slice(0, 120)

/**
 * State in the Actions cache. Each run saves under a key of its own and restores the newest entry by
 * prefix: no entry is ever overwritten or deleted, so no `actions: write` permission is needed, and a
 * failed save leaves the previous entry to be found, never a frozen one.
 */
export class CacheStateStore implements StateStore {
  private readonly file: string

  constructor(private readonly options: CacheStoreOptions) {
    this.file = join(options.workspace, CACHE_STATE_FILE)
  }

  private get prefix(): string {
    return `${this.options.stateKey}/`
  }

  private modeForbids(access: 'read' | 'write'): string | undefined {
    const mode = this.options.mode.trim().toLowerCase()
    if (!MODES.includes(mode)) return undefined
    const allowed = access === 'read' ? mode === 'read' || mode === 'write' : mode === 'write' || mode === 'write-only'
    return allowed
      ? undefined
      : `ACTIONS_CACHE_MODE '${mode}' does not allow cache ${access === 'read' ? 'reads' : 'writes'}`
  }

  private unavailable(): string | undefined {
    return cache.isFeatureAvailable()
      ? undefined
      : 'the Actions cache service is not available here (outside GitHub Actions, set state-path instead)'
  }

  private get ownKey(): string {
    return `${this.prefix}${this.options.runId}-${this.options.runAttempt}`
  }

  /**
   * The key is looked up first (no download) and only a key of the exact shape this action writes is
   * restored, by that exact key: an entry that something else saved under the prefix is never extracted.
   */
  async load(): Promise<Loaded> {
    const blocked = this.modeForbids('read') ?? this.unavailable()
    if (blocked) return { kind: 'none', reason: blocked }
    await rm(dirname(this.file), { recursive: true, force: true })
    try {
      return await this.restoreExactKey()
    } catch (error) {
      return {
        kind: 'none',
        reason: `the cache could not be read (${redactReply((error as Error).message)})`,
        outage: 'certain'
      }
    } finally {
      await rm(dirname(this.file), { recursive: true, force: true })
    }
  }

  private async restoreExactKey(): Promise<Loaded> {
    const key = await cache.restoreCache([CACHE_STATE_FILE], this.ownKey, [this.prefix], { lookupOnly: true })
    if (key === undefined) {
      return {
        kind: 'none',
        reason: `no cache entry starts with '${this.prefix}' (a first run, an entry unused for 7 days and evicted, or a cache service failure reported above)`,
        outage: 'possible'
      }
    }
    if (!isStateKey(this.options.stateKey, key)) {
      return {
        kind: 'invalid',
        reason: `the newest cache entry under '${this.prefix}' is '${shown(key)}', which is not a key this action writes ('${this.prefix}<run id>-<attempt>'), so it was not restored`
      }
    }
    // No restore keys: a prefix match here could be another entry than the one just checked.
    const restored = await cache.restoreCache([CACHE_STATE_FILE], key)
    if (restored !== key) {
      return {
        kind: 'none',
        reason: `cache entry '${key}' was found but could not be restored (a cache service failure, reported above)`,
        outage: 'certain'
      }
    }
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      return {
        kind: 'invalid',
        reason: `cache entry '${key}' held no readable state (${redactReply((error as Error).message)})`
      }
    }
    return loadedFrom(text, `cache entry '${key}'`)
  }

  async save(state: WatchState): Promise<Saved> {
    const blocked = this.modeForbids('write') ?? this.unavailable()
    if (blocked) return { ok: false, reason: blocked }
    const key = this.ownKey
    try {
      const written = await savedWith(state, `cache entry '${key}'`, (chunks) => writeAtomically(this.file, chunks))
      const id = await cache.saveCache([CACHE_STATE_FILE], key)
      // saveCache logs and returns -1 on everything but validation errors.
      return id === -1
        ? { ok: false, reason: `the cache did not take entry '${key}' (see the cache warning above)` }
        : written
    } catch (error) {
      return { ok: false, reason: `cache entry '${key}' could not be saved (${redactReply((error as Error).message)})` }
    } finally {
      await rm(dirname(this.file), { recursive: true, force: true })
    }
  }
}
