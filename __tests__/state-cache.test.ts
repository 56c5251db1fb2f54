import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import * as cache from '@actions/cache'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../src/main.js'
import { CACHE_STATE_FILE } from '../src/state/cache-store.js'
import type { Simulator } from '../src/simulator/server.js'
import { runAction, type ActionResult } from './helpers/action-run.js'
import { startCacheServer, type CacheServer } from './helpers/cache-server.js'
import { simulatorWith, etdInputs } from './helpers/simulator.js'

let sim: Simulator
let cacheServer: CacheServer
let workspace: string
let runnerTemp: string
const home = process.cwd()

beforeAll(async () => {
  sim = await simulatorWith(300, { days: 1, seed: 4 })
})
afterAll(async () => {
  await sim.close()
})

afterEach(async () => {
  for (const key of Object.keys(cacheEnv(0))) delete process.env[key]
  process.chdir(home)
  await cacheServer?.close()
  await rm(workspace, { recursive: true, force: true })
  await rm(runnerTemp, { recursive: true, force: true })
})

async function fresh(): Promise<void> {
  cacheServer = await startCacheServer()
  workspace = await mkdtemp(join(tmpdir(), 'etd-workspace-'))
  runnerTemp = await mkdtemp(join(tmpdir(), 'etd-runner-temp-'))
  // @actions/cache archives paths relative to the working directory, which is the workspace in Actions.
  process.chdir(workspace)
}

function cacheEnv(runId: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ACTIONS_CACHE_URL: cacheServer.url,
    ACTIONS_RUNTIME_TOKEN: cacheServer.token,
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

function action(runId: number, extra: Record<string, string> = {}): Promise<ActionResult> {
  return runAction(
    run,
    {
      ...etdInputs(sim),
      notify: 'none',
      backfill: '1d'
    },
    { env: cacheEnv(runId, extra) }
  )
}

const KEY = 'etd-verdict-watch-etd-watch-watch'

describe('state in the Actions cache, through the real @actions/cache over HTTP', () => {
  it('saves on the first run, restores the newest entry after, and never reuses a key', async () => {
    await fresh()
    const first = await action(101)
    expect(first.failed).toBe(false)
    expect(first.outputs['state-restored']).toBe('false')
    expect(first.outputs['state-saved']).toBe('true')
    expect(Number(first.outputs['new-count'])).toBeGreaterThan(0)

    const second = await action(102)
    expect(second.log).toContain(`Restored state from cache entry '${KEY}/101-1'`)
    expect(second.outputs['state-restored']).toBe('true')
    expect(second.outputs['new-count']).toBe('0')

    const rerun = await action(102, { GITHUB_RUN_ATTEMPT: '2' })
    expect(rerun.log).toContain(`Restored state from cache entry '${KEY}/102-1'`)
    expect(rerun.outputs['state-saved']).toBe('true')

    const keys = cacheServer.entries.map((e) => e.key)
    expect(keys).toEqual([`${KEY}/101-1`, `${KEY}/102-1`, `${KEY}/102-2`])
    expect(new Set(cacheServer.entries.map((e) => e.version)).size).toBe(1)
    expect(await readdir(workspace)).toEqual([])
  })

  it('reports an outage on restore and falls back to lookback, still saving', async () => {
    await fresh()
    await action(201)
    cacheServer.failLookups = [500]
    const result = await action(202)
    expect(result.failed).toBe(false)
    expect(result.outputs['state-restored']).toBe('false')
    expect(result.log).toMatch(/::warning::No state restored: no cache entry starts with/)
    expect(result.summary).toContain('No earlier state was restored')
    expect(result.outputs['state-saved']).toBe('true')
  })

  it('reports an outage on save without failing the step', async () => {
    await fresh()
    cacheServer.failReservations = [500]
    const result = await action(301)
    expect(result.failed).toBe(false)
    expect(result.outputs['state-saved']).toBe('false')
    expect(result.log).toMatch(/::warning::State not saved: the cache did not take entry '.*\/301-1'/)
    expect(result.summary).toContain('State not saved')
    expect(cacheServer.entries.filter((e) => e.committed)).toHaveLength(0)
  })

  it('without GITHUB_RUN_ID, names the entry after the time and says so', async () => {
    await fresh()
    const before = Date.now()
    const result = await action(0, { GITHUB_RUN_ID: '' })
    expect(result.outputs['state-saved']).toBe('true')
    const [key] = cacheServer.entries.map((e) => e.key)
    const stamp = Number(new RegExp(`^${KEY}/(\\d+)-1$`).exec(key)?.[1])
    expect(stamp).toBeGreaterThanOrEqual(before)
    expect(stamp).toBeLessThanOrEqual(Date.now())
    expect(result.log).toContain(
      `::warning::GITHUB_RUN_ID is not set (not in GitHub Actions?): this run's state entry is named after the time, ${stamp}.`
    )
  })

  it('respects ACTIONS_CACHE_MODE', async () => {
    await fresh()
    await action(401)
    const readOnly = await action(402, { ACTIONS_CACHE_MODE: 'read' })
    expect(readOnly.outputs['state-restored']).toBe('true')
    expect(readOnly.outputs['state-saved']).toBe('false')
    expect(readOnly.log).toContain("State not saved: ACTIONS_CACHE_MODE 'read' does not allow cache writes")
    const writeOnly = await action(403, { ACTIONS_CACHE_MODE: 'write-only' })
    expect(writeOnly.log).toContain("No state restored: ACTIONS_CACHE_MODE 'write-only' does not allow cache reads")
    expect(cacheServer.entries.map((e) => e.key)).toEqual([`${KEY}/401-1`, `${KEY}/403-1`])
  })

  it('ignores a corrupt entry with a warning and falls back cleanly', async () => {
    await fresh()
    Object.assign(process.env, cacheEnv(500))
    await mkdir(join(workspace, '.etd-verdict-watch'), { recursive: true })
    await writeFile(join(workspace, CACHE_STATE_FILE), '{"version": 1, "horizon": "yesterday"')
    expect(await cache.saveCache([CACHE_STATE_FILE], `${KEY}/500-1`)).toBeGreaterThan(0)
    const result = await action(501)
    expect(result.failed).toBe(false)
    expect(result.log).toContain(
      `::warning::No state restored: the state from cache entry '${KEY}/500-1' was ignored because it is not JSON`
    )
    expect(result.outputs['state-saved']).toBe('true')
  })

  it('never downloads an entry whose key is not of the shape the action writes', async () => {
    await fresh()
    await action(550)
    Object.assign(process.env, cacheEnv(551))
    await mkdir(join(workspace, '.etd-verdict-watch'), { recursive: true })
    await writeFile(join(workspace, CACHE_STATE_FILE), '{"version": 1}')
    expect(await cache.saveCache([CACHE_STATE_FILE], `${KEY}/../x`)).toBeGreaterThan(0)
    await rm(join(workspace, '.etd-verdict-watch'), { recursive: true })
    const downloads = () => cacheServer.requests.filter((r) => r.startsWith('GET /download/')).length
    const before = downloads()
    const result = await action(552)
    expect(result.outputs['state-restored']).toBe('false')
    expect(result.log).toContain(`the newest cache entry under '${KEY}/' is '${KEY}/../x', which is not a key`)
    expect(downloads()).toBe(before)
  })

  it('says the cache is missing outside Actions instead of failing', async () => {
    await fresh()
    const result = await action(601, { ACTIONS_CACHE_URL: '' })
    expect(result.failed).toBe(false)
    expect(result.log).toContain(
      'No state restored: the Actions cache service is not available here (outside GitHub Actions, set state-path instead)'
    )
    expect(result.outputs['state-saved']).toBe('false')
  })
})
