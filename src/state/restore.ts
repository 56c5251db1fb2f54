import { log } from '../common/log.js'
import { formatTime } from '../common/format.js'
import type { StateEntries } from './prune.js'
import { dropFutureEntries, untrustedTimes, type NotifiedEntry, type WatchState } from './state.js'
import { FileStateStore, type Loaded, type StateSettings, type StateStore } from './store.js'

/** What the stores need of the run: its id and attempt name a cache entry, its workspace and cache mode. */
interface StoreRun {
  runId?: string
  runAttempt: number
  workspace: string
  cacheMode?: string
}

/** This watch's entries through the REST API, when there is a token to ask with; Octokit loaded on use. */
export async function stateEntries(config: { state: StateSettings }): Promise<StateEntries | undefined> {
  if (config.state.kind !== 'cache' || !config.state.github) return undefined
  const { StateEntries } = await import('./prune.js')
  return new StateEntries(config.state.github, config.state.key)
}

/** The Actions cache client is loaded only when the state lives there. */
export async function stateStore(config: { state: StateSettings; runner: StoreRun }, now: number): Promise<StateStore> {
  if (config.state.kind === 'file') return new FileStateStore(config.state.path)
  const { runner } = config
  // Outside Actions (a test's cache service) a key of its own per run still has to be unique.
  const runId = runner.runId ?? String(now)
  if (runner.runId === undefined) {
    log.warning(
      `GITHUB_RUN_ID is not set (not in GitHub Actions?): this run's state entry is named after the time, ${runId}.`
    )
  }
  const { CacheStateStore } = await import('./cache-store.js')
  return new CacheStateStore({
    stateKey: config.state.key,
    runId,
    runAttempt: String(runner.runAttempt),
    workspace: runner.workspace,
    mode: runner.cacheMode ?? ''
  })
}

/** The state as the store gives it back, unless its times cannot be trusted; the notes for the summary. */
export async function restoreState(
  store: StateStore,
  entries: StateEntries | undefined,
  now: number,
  timeZone: string
): Promise<{ state?: WatchState; notes: string[] }> {
  const loaded = await store.load()
  if (loaded.kind === 'restored') {
    const { state } = loaded
    const distrust = untrustedTimes(state, now)
    if (distrust === undefined) {
      for (const part of [...(loaded.dropped ?? []), ...dropFutureEntries(state, now)]) {
        log.warning(`Dropped from the state from ${loaded.from}, the rest restored: ${part}.`)
      }
      if (loaded.migratedFrom !== undefined) {
        log.info(`The state was written in format ${loaded.migratedFrom}; it is saved in the current format.`)
      }
      log.info(
        `Restored state from ${loaded.from}: watermark ${formatTime(state.watermark, timeZone)}, ${state.notified.size} convictions remembered`
      )
      return { state, notes: [] }
    }
    const reason = `the state from ${loaded.from} was ignored because ${distrust}`
    log.warning(`No state restored: ${reason}. Searching as on a first run (backfill, 1h unless set).`)
    return { notes: [`Untrusted state: ${reason}.`] }
  }
  log.warning(`No state restored: ${loaded.reason}. Searching as on a first run (backfill, 1h unless set).`)
  // Something under this watch's key that cannot be trusted belongs in the summary too.
  if (loaded.kind === 'invalid') return { notes: [`Untrusted state: ${loaded.reason}.`] }
  const doubt = await outageNote(loaded, entries)
  if (doubt) log.warning(doubt)
  return { notes: doubt ? [doubt] : [] }
}

/**
 * The cache toolkit reports a failed restore as a miss (it only logs). A miss on a repository that
 * lists state entries of this watch is suspicious: said, while the issue markers stand in.
 */
async function outageNote(loaded: Loaded, entries: StateEntries | undefined): Promise<string | undefined> {
  if (loaded.kind !== 'none' || !loaded.outage) return undefined
  const standIn = 'The issue markers stand in for it, where there are issues.'
  if (loaded.outage === 'certain')
    return `Suspicious: this watch has state in the cache, but it could not be read. ${standIn}`
  if (!entries) return undefined
  let listed
  try {
    listed = await entries.list()
  } catch (error) {
    log.info(`Whether this was a first run or a cache outage is unknown: ${(error as Error).message}`)
    return undefined
  }
  if (listed.length === 0) return undefined
  return `Suspicious: the cache lists ${listed.length} state entries of this watch, but none was restored: the cache service failed (see its warning above). ${standIn}`
}

/** The record of what was told besides the state: the markers of recent issues, by conviction. */
export interface ToldRecord {
  recorded(): Promise<Map<string, NotifiedEntry>>
}

/**
 * Without state, the issues are the record of what was told: their markers keep this run from telling
 * it again. A backfill reaches before the horizon, where a state lost since may have told: there they
 * join what the state remembers. Without issues, or when GitHub cannot be read, only the state counts.
 */
export async function knownFromIssues(
  issues: ToldRecord | undefined,
  remembered?: ReadonlyMap<string, NotifiedEntry>
): Promise<Map<string, NotifiedEntry>> {
  const why = remembered ? 'Backfill' : 'No state'
  if (!issues) return new Map(remembered)
  try {
    const known = await issues.recorded()
    log.info(`${why}, so the markers of recent issues stand in: ${known.size} convictions already recorded there`)
    return new Map([...known, ...(remembered ?? [])])
  } catch (error) {
    log.warning(`${why}, and recent issues could not be read either: ${(error as Error).message}`)
    return new Map(remembered)
  }
}
