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
import { startCacheServiceV2, type CacheServiceV2 } from './helpers/cache-service-v2.js'
import { simulatorWith, etdInputs } from './helpers/simulator.js'

// The cache as github.com runs it: twirp calls, SAS-signed URLs, the archive in Azure Blob (Azurite).
let sim: Simulator
let azurite: Azurite
let service: CacheServiceV2
let github: GitHubApi
let workspace: string
let runnerTemp: string
const home = process.cwd()
const KEY = 'etd-verdict-watch-etd-watch-watch'

beforeAll(async () => {
  ;[sim, azurite] = await Promise.all([simulatorWith(300, { days: 1, seed: 4 }), startAzurite()])
}, 60000)
afterAll(async () => {
  await Promise.all([sim.close(), azurite.stop()])
})

afterEach(async () => {
  process.chdir(home)
  await Promise.all([service?.close(), github?.close()])
  await rm(workspace, { recursive: true, force: true })
  await rm(runnerTemp, { recursive: true, force: true })
})

async function fresh(): Promise<void> {
  github = await startGitHubApi()
  service = await startCacheServiceV2(azurite, { entries: github.caches })
  workspace = await mkdtemp(join(tmpdir(), 'etd-workspace-'))
  runnerTemp = await mkdtemp(join(tmpdir(), 'etd-runner-temp-'))
  process.chdir(workspace)
}

function cacheEnv(runId: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ACTIONS_CACHE_SERVICE_V2: 'true',
    ACTIONS_RESULTS_URL: service.url,
    ACTIONS_RUNTIME_TOKEN: service.token,
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
    GITHUB_REF: 'refs/heads/main',
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
    {
      ...etdInputs(sim),
      'github-token': github.token,
      notify: 'none',
      backfill: '1d',
      ...inputs
    },
    { env: cacheEnv(runId, extra) }
  )
}

const keys = () => service.entries.map((e) => e.key)
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

describe('state in the Actions cache, v2 protocol with blobs in Azurite, through the real @actions/cache', () => {
  it('saves on the first run into Azurite and restores it on the next', async () => {
    await fresh()
    const first = await action(101)
    expect(first.failed).toBe(false)
    expect(first.outputs['state-restored']).toBe('false')
    expect(first.outputs['state-saved']).toBe('true')
    expect(Number(first.outputs['new-count'])).toBeGreaterThan(0)
    expect(keys()).toEqual([`${KEY}/101-1`])
    // Finalized with the size that Azurite really holds.
    expect(service.entries[0].size_in_bytes).toBeGreaterThan(100)
    expect(await service.blobSize(service.entries[0])).toBe(service.entries[0].size_in_bytes)
    expect(first.summary).toMatch(
      /State saved to cache entry &#39;[^&]+\/101-1&#39;: .*convictions remembered, \d+ bytes\./
    )

    const second = await action(102)
    expect(restoredFrom(second)).toBe(`${KEY}/101-1`)
    expect(second.outputs['new-count']).toBe('0')
    expect(await readdir(workspace)).toEqual([])
  })

  it('restores the newest of several entries, and a re-run attempt saves under a key of its own', async () => {
    await fresh()
    for (const id of [201, 202, 203]) expect((await action(id)).outputs['state-saved']).toBe('true')
    const next = await action(204)
    expect(restoredFrom(next)).toBe(`${KEY}/203-1`)
    const rerun = await action(204, { GITHUB_RUN_ATTEMPT: '2' })
    expect(restoredFrom(rerun)).toBe(`${KEY}/204-1`)
    expect(rerun.outputs['state-saved']).toBe('true')
    expect(keys()).toEqual([`${KEY}/201-1`, `${KEY}/202-1`, `${KEY}/203-1`, `${KEY}/204-1`, `${KEY}/204-2`])
  })

  it('an upload cut mid-way leaves no entry; the next run restores the last good one', async () => {
    await fresh()
    await action(301)
    service.cutUploads = true
    const cut = await action(302)
    service.cutUploads = false
    expect(cut.failed).toBe(false)
    expect(cut.outputs['state-saved']).toBe('false')
    expect(cut.log).toMatch(/::warning::State not saved: the cache did not take entry '[^']+\/302-1'/)
    expect(keys()).toEqual([`${KEY}/301-1`])
    // The re-run's own key is free although 302-1 stays reserved.
    const rerun = await action(302, { GITHUB_RUN_ATTEMPT: '2' })
    expect(restoredFrom(rerun)).toBe(`${KEY}/301-1`)
    expect(keys()).toEqual([`${KEY}/301-1`, `${KEY}/302-2`])
  }, 60000)

  it('a download cut mid-way is an outage, said as such, not a first run', async () => {
    await fresh()
    await action(401)
    service.cutDownloads = true
    const result = await action(402)
    service.cutDownloads = false
    expect(result.failed).toBe(false)
    expect(result.outputs['state-restored']).toBe('false')
    expect(result.log).toContain(`No state restored: cache entry '${KEY}/401-1' was found but could not be restored`)
    expect(result.summary).toContain('Suspicious: this watch has state in the cache, but it could not be read.')
    expect(result.outputs['state-saved']).toBe('true')
    expect(restoredFrom(await action(403))).toBe(`${KEY}/402-1`)
  })

  it('a lookup refused with 429 is told apart from a miss by listing the cache entries', async () => {
    await fresh()
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
    await fresh()
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

  it.each([`${KEY}/evil`, `${KEY}/../x`, `${KEY}/7-1-x`])(
    'never restores a foreign entry saved newest under the prefix (%s)',
    async (foreign) => {
      await fresh()
      await action(701)
      // A state that would be accepted, were it restored: a horizon and watermark just before the run.
      const hour = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
      await plant(foreign, `{"version": 1, "horizon": "${hour}", "watermark": "${hour}", "notified": {}}`)
      const downloads = service.calls.length
      const result = await action(702)
      expect(result.outputs['state-restored']).toBe('false')
      expect(result.log).toContain(
        `No state restored: the newest cache entry under '${KEY}/' is '${foreign}', which is not a key this action writes`
      )
      expect(result.summary).toContain(`Untrusted state: the newest cache entry under &#39;${KEY}/&#39; is &#39;`)
      // Looked up once, never downloaded: the one call is the lookup, and nothing was extracted.
      expect(service.calls.slice(downloads, downloads + 2)).toEqual(['GetCacheEntryDownloadURL', 'CreateCacheEntry'])
      expect(await readdir(workspace)).toEqual([])
    }
  )

  it('state-prune deletes exactly the older entries of this watch and nothing else', async () => {
    await fresh()
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
    await fresh()
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
