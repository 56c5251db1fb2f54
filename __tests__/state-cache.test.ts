import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import * as cache from '@actions/cache'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../src/main.js'
import { CACHE_STATE_FILE } from '../src/state/cache-store.js'
import { startGitHubApi, type GitHubApi, type SimCacheEntry } from '../src/simulator/github-api.js'
import type { Simulator } from '../src/simulator/server.js'
import { runAction, type ActionResult } from './helpers/action-run.js'
import { startAzurite, type Azurite } from './helpers/azurite.js'
import { startCacheServer, type CacheServer } from './helpers/cache-server.js'
import { startCacheServiceV2, type CacheServiceV2 } from './helpers/cache-service-v2.js'
import { simulatorWith, etdInputs } from './helpers/simulator.js'
import { githubEnv } from './helpers/watch-run.js'

// State in the Actions cache through the real @actions/cache, over both protocols the runner may offer:
// v1 (REST, the archive on the cache server) and v2 (twirp calls, SAS-signed URLs, the archive in Azure
// Blob as github.com runs it, here Azurite).
const KEY = 'etd-verdict-watch-etd-watch-watch'
const home = process.cwd()
let sim: Simulator
let workspace: string
let runnerTemp: string

/** One cache protocol: its servers for a test, the environment that points @actions/cache at them. */
interface Protocol {
  name: string
  /** Starts this test's servers. */
  start(): Promise<void>
  close(): Promise<void>
  env(): Record<string, string>
  /** The variable whose absence means "no cache service here". */
  urlVariable: string
  inputs(): Record<string, string>
  keys(): string[]
  versions(): string[]
  /** What the service has been asked so far, to tell a lookup from a download. */
  requests(): string[]
  /** The requests since `mark` of a run that looked up the state and saved, never downloading it. */
  lookedUpOnly: string[]
}

let v1: CacheServer
const V1: Protocol = {
  name: 'v1 (REST)',
  start: async () => void (v1 = await startCacheServer()),
  close: async () => v1?.close(),
  env: () => ({ ACTIONS_CACHE_URL: v1.url, ACTIONS_RUNTIME_TOKEN: v1.token }),
  urlVariable: 'ACTIONS_CACHE_URL',
  inputs: () => ({}),
  keys: () => v1.entries.map((e) => e.key),
  versions: () => v1.entries.map((e) => e.version),
  requests: () => v1.requests.filter((r) => r.startsWith('GET /download/')),
  lookedUpOnly: []
}

let azurite: Azurite
let service: CacheServiceV2
let github: GitHubApi
const V2: Protocol = {
  name: 'v2 (twirp, blobs in Azurite)',
  start: async () => {
    github = await startGitHubApi()
    service = await startCacheServiceV2(azurite, { entries: github.caches })
  },
  close: async () => void (await Promise.all([service?.close(), github?.close()])),
  env: () => ({
    ACTIONS_CACHE_SERVICE_V2: 'true',
    ACTIONS_RESULTS_URL: service.url,
    ACTIONS_RUNTIME_TOKEN: service.token,
    ...githubEnv(github),
    GITHUB_REF: 'refs/heads/main'
  }),
  urlVariable: 'ACTIONS_RESULTS_URL',
  inputs: () => ({ 'github-token': github.token }),
  keys: () => service.entries.map((e) => e.key),
  versions: () => service.entries.map((e) => e.version),
  requests: () => service.calls,
  // Looked up once, never downloaded: the one call is the lookup, then the save.
  lookedUpOnly: ['GetCacheEntryDownloadURL', 'CreateCacheEntry']
}

beforeAll(async () => {
  ;[sim, azurite] = await Promise.all([simulatorWith(300, { days: 1, seed: 4 }), startAzurite()])
}, 60000)
afterAll(async () => {
  await Promise.all([sim.close(), azurite.stop()])
})

let protocol: Protocol = V1
afterEach(async () => {
  for (const key of Object.keys(cacheEnv(0))) delete process.env[key]
  process.chdir(home)
  await protocol.close()
  await rm(workspace, { recursive: true, force: true })
  await rm(runnerTemp, { recursive: true, force: true })
})

async function fresh(over: Protocol): Promise<void> {
  protocol = over
  await protocol.start()
  workspace = await mkdtemp(join(tmpdir(), 'etd-workspace-'))
  runnerTemp = await mkdtemp(join(tmpdir(), 'etd-runner-temp-'))
  // @actions/cache archives paths relative to the working directory, which is the workspace in Actions.
  process.chdir(workspace)
}

function cacheEnv(runId: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...protocol.env(),
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKSPACE: workspace,
    // @actions/cache's own temp folder, else it is made under $HOME and left there.
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKFLOW_REF: 'acme/etd-watch/.github/workflows/etd-watch.yml@refs/heads/main',
    GITHUB_JOB: 'watch',
    ...extra
  }
}

function action(runId: number, extra: Record<string, string> = {}, inputs: Record<string, string> = {}) {
  return runAction(
    run,
    { ...etdInputs(sim), ...protocol.inputs(), notify: 'none', backfill: '1d', ...inputs },
    { env: cacheEnv(runId, extra) }
  )
}

const restoredFrom = (result: ActionResult) => /Restored state from cache entry '([^']+)'/.exec(result.log)?.[1]

/** Saves `content` as the state file under `key`, as anything with cache access could. */
async function plant(key: string, content: string): Promise<void> {
  Object.assign(process.env, cacheEnv(1))
  await mkdir(join(workspace, '.etd-verdict-watch'), { recursive: true })
  await writeFile(join(workspace, CACHE_STATE_FILE), content)
  expect(await cache.saveCache([CACHE_STATE_FILE], key)).toBeGreaterThan(0)
  await rm(join(workspace, '.etd-verdict-watch'), { recursive: true })
  for (const name of Object.keys(cacheEnv(1))) delete process.env[name]
}

describe.each([V1, V2])('state in the Actions cache over $name', (over) => {
  it(`saves on the first run, restores the newest entry after, and never reuses a key`, async () => {
    await fresh(over)
    const first = await action(101)
    expect(first.failed).toBe(false)
    expect(first.outputs['state-restored']).toBe('false')
    expect(first.outputs['state-saved']).toBe('true')
    expect(Number(first.outputs['new-count'])).toBeGreaterThan(0)
    expect(protocol.keys()).toEqual([`${KEY}/101-1`])
    expect(first.summary).toMatch(
      /State saved to cache entry &#39;[^&]+\/101-1&#39;: .*convictions remembered, \d+ bytes\./
    )

    const second = await action(102)
    expect(second.log).toContain(`Restored state from cache entry '${KEY}/101-1'`)
    expect(second.outputs['state-restored']).toBe('true')
    expect(second.outputs['new-count']).toBe('0')

    const rerun = await action(102, { GITHUB_RUN_ATTEMPT: '2' })
    expect(rerun.log).toContain(`Restored state from cache entry '${KEY}/102-1'`)
    expect(rerun.outputs['state-saved']).toBe('true')

    expect(protocol.keys()).toEqual([`${KEY}/101-1`, `${KEY}/102-1`, `${KEY}/102-2`])
    expect(new Set(protocol.versions()).size).toBe(1)
    expect(await readdir(workspace)).toEqual([])
  })

  it(`restores the newest of several entries, and a re-run attempt saves under a key of its own`, async () => {
    await fresh(over)
    for (const id of [201, 202, 203]) expect((await action(id)).outputs['state-saved']).toBe('true')
    const next = await action(204)
    expect(restoredFrom(next)).toBe(`${KEY}/203-1`)
    const rerun = await action(204, { GITHUB_RUN_ATTEMPT: '2' })
    expect(restoredFrom(rerun)).toBe(`${KEY}/204-1`)
    expect(rerun.outputs['state-saved']).toBe('true')
    expect(protocol.keys()).toEqual([`${KEY}/201-1`, `${KEY}/202-1`, `${KEY}/203-1`, `${KEY}/204-1`, `${KEY}/204-2`])
  })

  it(`without GITHUB_RUN_ID, names the entry after the time and says so`, async () => {
    await fresh(over)
    const before = Date.now()
    const result = await action(0, { GITHUB_RUN_ID: '' })
    expect(result.outputs['state-saved']).toBe('true')
    const [key] = protocol.keys()
    const stamp = Number(new RegExp(`^${KEY}/(\\d+)-1$`).exec(key)?.[1])
    expect(stamp).toBeGreaterThanOrEqual(before)
    expect(stamp).toBeLessThanOrEqual(Date.now())
    expect(result.log).toContain(
      `::warning::GITHUB_RUN_ID is not set (not in GitHub Actions?): this run's state entry is named after the time, ${stamp}.`
    )
  })

  it(`respects ACTIONS_CACHE_MODE`, async () => {
    await fresh(over)
    await action(401)
    const readOnly = await action(402, { ACTIONS_CACHE_MODE: 'read' })
    expect(readOnly.outputs['state-restored']).toBe('true')
    expect(readOnly.outputs['state-saved']).toBe('false')
    expect(readOnly.log).toContain("State not saved: ACTIONS_CACHE_MODE 'read' does not allow cache writes")
    const writeOnly = await action(403, { ACTIONS_CACHE_MODE: 'write-only' })
    expect(writeOnly.log).toContain("No state restored: ACTIONS_CACHE_MODE 'write-only' does not allow cache reads")
    expect(protocol.keys()).toEqual([`${KEY}/401-1`, `${KEY}/403-1`])
  })

  it(`ignores a corrupt entry with a warning and falls back cleanly`, async () => {
    await fresh(over)
    await plant(`${KEY}/500-1`, '{"version": 1, "horizon": "yesterday"')
    const result = await action(501)
    expect(result.failed).toBe(false)
    expect(result.log).toContain(
      `::warning::No state restored: the state from cache entry '${KEY}/500-1' was ignored because it is not JSON`
    )
    expect(result.outputs['state-saved']).toBe('true')
  })

  it.each([`${KEY}/evil`, `${KEY}/../x`, `${KEY}/7-1-x`])(
    `never restores a foreign entry saved newest under the prefix (%s)`,
    async (foreign) => {
      await fresh(over)
      await action(701)
      // A state that would be accepted, were it restored: a horizon and watermark just before the run.
      const hour = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
      await plant(foreign, `{"version": 1, "horizon": "${hour}", "watermark": "${hour}", "notified": {}}`)
      const mark = protocol.requests().length
      const result = await action(702)
      expect(result.outputs['state-restored']).toBe('false')
      expect(result.log).toContain(
        `No state restored: the newest cache entry under '${KEY}/' is '${foreign}', which is not a key this action writes`
      )
      expect(result.summary).toContain(`Untrusted state: the newest cache entry under &#39;${KEY}/&#39; is &#39;`)
      expect(protocol.requests().slice(mark, mark + 2)).toEqual(protocol.lookedUpOnly)
      expect(await readdir(workspace)).toEqual([])
    }
  )

  it(`says the cache is missing outside Actions instead of failing`, async () => {
    await fresh(over)
    const result = await action(601, { [protocol.urlVariable]: '' })
    expect(result.failed).toBe(false)
    expect(result.log).toContain(
      'No state restored: the Actions cache service is not available here (outside GitHub Actions, set state-path instead)'
    )
    expect(result.outputs['state-saved']).toBe('false')
  })
})

describe('state in the Actions cache, v1 protocol (REST)', () => {
  it('reports an outage on restore and falls back to lookback, still saving', async () => {
    await fresh(V1)
    await action(201)
    v1.failLookups = [500]
    const result = await action(202)
    expect(result.failed).toBe(false)
    expect(result.outputs['state-restored']).toBe('false')
    expect(result.log).toMatch(/::warning::No state restored: no cache entry starts with/)
    expect(result.summary).toContain('No earlier state was restored')
    expect(result.outputs['state-saved']).toBe('true')
  })

  it('reports an outage on save without failing the step', async () => {
    await fresh(V1)
    v1.failReservations = [500]
    const result = await action(301)
    expect(result.failed).toBe(false)
    expect(result.outputs['state-saved']).toBe('false')
    expect(result.log).toMatch(/::warning::State not saved: the cache did not take entry '.*\/301-1'/)
    expect(result.summary).toContain('State not saved')
    expect(v1.entries.filter((e) => e.committed)).toHaveLength(0)
  })
})

describe('state in the Actions cache, v2 protocol with blobs in Azurite', () => {
  const keys = () => service.entries.map((e) => e.key)
  /** Run `runId` while the service breaks off every upload (or download) mid-way: the run itself succeeds. */
  async function cutRun(cut: 'cutUploads' | 'cutDownloads', runId: number) {
    service[cut] = true
    try {
      const result = await action(runId)
      expect(result.failed).toBe(false)
      return result
    } finally {
      service[cut] = false
    }
  }

  it('finalizes an entry with the size that Azurite really holds', async () => {
    await fresh(V2)
    await action(101)
    expect(service.entries[0].size_in_bytes).toBeGreaterThan(100)
    expect(await service.blobSize(service.entries[0])).toBe(service.entries[0].size_in_bytes)
  })

  it('an upload cut mid-way leaves no entry; the next run restores the last good one', async () => {
    await fresh(V2)
    await action(301)
    const cut = await cutRun('cutUploads', 302)
    expect(cut.outputs['state-saved']).toBe('false')
    expect(cut.log).toMatch(/::warning::State not saved: the cache did not take entry '[^']+\/302-1'/)
    expect(keys()).toEqual([`${KEY}/301-1`])
    // The re-run's own key is free although 302-1 stays reserved.
    const rerun = await action(302, { GITHUB_RUN_ATTEMPT: '2' })
    expect(restoredFrom(rerun)).toBe(`${KEY}/301-1`)
    expect(keys()).toEqual([`${KEY}/301-1`, `${KEY}/302-2`])
  }, 60000)

  it('a download cut mid-way is an outage, said as such, not a first run', async () => {
    await fresh(V2)
    await action(401)
    const result = await cutRun('cutDownloads', 402)
    expect(result.outputs['state-restored']).toBe('false')
    expect(result.log).toContain(`No state restored: cache entry '${KEY}/401-1' was found but could not be restored`)
    expect(result.summary).toContain('Suspicious: this watch has state in the cache, but it could not be read.')
    expect(result.outputs['state-saved']).toBe('true')
    expect(restoredFrom(await action(403))).toBe(`${KEY}/402-1`)
  })

  it('a lookup refused with 429 is told apart from a miss by listing the cache entries', async () => {
    await fresh(V2)
    const first = await action(501)
    expect(first.summary).not.toContain('Suspicious:')
    service.fail.GetCacheEntryDownloadURL = [429]
    const limited = await action(502)
    expect(limited.outputs['state-restored']).toBe('false')
    expect(limited.summary).toContain(
      'Suspicious: the cache lists 1 state entries of this watch, but none was restored'
    )

    // Without actions: read the action cannot tell, and says so in the log only.
    github.actions = 'none'
    service.fail.GetCacheEntryDownloadURL = [429]
    const unknown = await action(503)
    expect(unknown.summary).not.toContain('Suspicious:')
    expect(unknown.log).toContain('Whether this was a first run or a cache outage is unknown: GitHub refused listing')
    expect(unknown.log).toContain('needs the actions: read permission')
  })

  it('rides out a 5xx from the service, and a refused reservation only costs the save', async () => {
    await fresh(V2)
    await action(601)
    service.fail.GetCacheEntryDownloadURL = [503]
    const retried = await action(602)
    expect(restoredFrom(retried)).toBe(`${KEY}/601-1`)
    // The first run's lookup and save, then a lookup answered 503, its retry, and the restore.
    expect(service.calls.slice(0, 6)).toEqual([
      'GetCacheEntryDownloadURL',
      'CreateCacheEntry',
      'FinalizeCacheEntryUpload',
      'GetCacheEntryDownloadURL',
      'GetCacheEntryDownloadURL',
      'GetCacheEntryDownloadURL'
    ])

    service.fail.CreateCacheEntry = [429]
    const refused = await action(603)
    expect(refused.failed).toBe(false)
    expect(refused.outputs['state-saved']).toBe('false')
    expect(keys()).toEqual([`${KEY}/601-1`, `${KEY}/602-1`])
  }, 30000)

  it('state-prune deletes exactly the older entries of this watch and nothing else', async () => {
    await fresh(V2)
    const at = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString()
    const others: SimCacheEntry[] = [
      `etd-verdict-watch-other-watch/1-1`,
      `${KEY}-2/1-1`,
      `${KEY}/evil`,
      `${KEY}/1-1/x`,
      `npm-linux-${KEY}/1-1`,
      // A pull request's run of the watch: its own branch scope, newer than everything on main.
      `${KEY}/999-1`
    ].map((key, i, all) => ({
      id: 900 + i,
      key,
      version: 'v',
      ref: i === all.length - 1 ? 'refs/pull/1/merge' : 'refs/heads/main',
      size_in_bytes: 10,
      created_at: at(i === all.length - 1 ? -60 : 600 - i),
      last_accessed_at: at(1)
    }))
    github.caches.push(...others)
    for (const id of [801, 802, 803, 804]) await action(id)
    const result = await action(805, {}, { 'state-prune': 'true' })
    expect(result.outputs['state-saved']).toBe('true')
    expect(keys().sort()).toEqual([...others.map((o) => o.key), `${KEY}/803-1`, `${KEY}/804-1`, `${KEY}/805-1`].sort())
    expect(result.summary).toMatch(/Pruning: 2 older state entries deleted \(\d+ bytes\); this watch keeps 3/)
    // The deletes are logged in a group of their own, the last one.
    expect(result.log.slice(result.log.lastIndexOf('::group::'))).toMatch(/^::group::Prune\n(.*\n)*::endgroup::/)
    expect(github.requests.filter((r) => r.startsWith('DELETE'))).toHaveLength(2)
    expect(restoredFrom(await action(806))).toBe(`${KEY}/805-1`)
  })

  it('state-prune without actions: write warns with the fix and still succeeds', async () => {
    await fresh(V2)
    for (const id of [901, 902, 903]) await action(id)
    github.actions = 'read'
    const result = await action(904, {}, { 'state-prune': 'true' })
    expect(result.failed).toBe(false)
    expect(result.outputs['state-saved']).toBe('true')
    expect(result.log).toMatch(
      /::warning::Pruning skipped: GitHub refused deleting cache entries \(403 .*actions: write/
    )
    expect(result.summary).toContain('Pruning skipped')

    github.actions = 'none'
    const unlisted = await action(905, {}, { 'state-prune': 'true' })
    expect(unlisted.outputs['state-saved']).toBe('true')
    expect(unlisted.log).toMatch(
      /::warning::Pruning skipped: GitHub refused listing cache entries \(403 .*actions: write/
    )
    expect(keys()).toEqual([`${KEY}/901-1`, `${KEY}/902-1`, `${KEY}/903-1`, `${KEY}/904-1`, `${KEY}/905-1`])
  })
})
