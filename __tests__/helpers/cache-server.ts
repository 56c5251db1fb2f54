import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { listenLoopback } from './listen.js'

/** One cache entry as the service keeps it. */
export interface CacheEntry {
  id: number
  key: string
  version: string
  created: number
  committed: boolean
  chunks: Array<{ start: number; data: Buffer }>
  size: number
}

export interface CacheServer {
  /** ACTIONS_CACHE_URL, with the trailing slash the toolkit expects. */
  url: string
  token: string
  entries: CacheEntry[]
  /** Statuses answered, once each, to the next lookups (restore) and reservations (save). */
  failLookups: number[]
  failReservations: number[]
  requests: string[]
  close(): Promise<void>
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function json(res: ServerResponse, status: number, value?: unknown): void {
  res.writeHead(status, value === undefined ? {} : { 'content-type': 'application/json' })
  res.end(value === undefined ? undefined : JSON.stringify(value))
}

/**
 * The Actions cache service, v1 REST protocol (`_apis/artifactcache/`, as on GitHub Enterprise Server),
 * on loopback, so that the real @actions/cache saves and restores against it over HTTP. Like the real
 * service, entries are immutable per key and version, and a prefix lookup finds the newest entry.
 */
export async function startCacheServer(): Promise<CacheServer> {
  const token = 'runtime-token-for-tests'
  let nextId = 1
  let clock = 0
  const state = {
    entries: [] as CacheEntry[],
    failLookups: [] as number[],
    failReservations: [] as number[],
    requests: [] as string[]
  }
  let base = ''

  const server = createServer((req, res) => {
    void (async () => {
      const data = await body(req)
      const url = new URL(req.url ?? '/', 'http://localhost')
      state.requests.push(`${req.method} ${url.pathname}`)
      if (url.pathname.startsWith('/download/')) {
        const entry = state.entries.find((e) => e.id === Number(url.pathname.slice('/download/'.length)) && e.committed)
        if (!entry) return json(res, 404)
        const archive = Buffer.concat(entry.chunks.sort((a, b) => a.start - b.start).map((c) => c.data))
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': archive.length })
        return res.end(archive)
      }
      if (req.headers.authorization !== `Bearer ${token}`) return json(res, 401, { message: 'bad token' })
      const path = url.pathname.replace(/^\/_apis\/artifactcache\//, '')

      if (req.method === 'GET' && path === 'cache') {
        const failure = state.failLookups.shift()
        if (failure !== undefined) return json(res, failure, { message: 'cache service unavailable' })
        const version = url.searchParams.get('version')
        const committed = state.entries.filter((e) => e.committed && e.version === version)
        for (const key of (url.searchParams.get('keys') ?? '').split(',')) {
          const exact = committed.find((e) => e.key === key)
          const newest = committed.filter((e) => e.key.startsWith(key)).sort((a, b) => b.created - a.created)[0]
          const hit = exact ?? newest
          if (hit) {
            return json(res, 200, {
              cacheKey: hit.key,
              scope: 'refs/heads/main',
              creationTime: new Date(hit.created).toISOString(),
              archiveLocation: `${base}download/${hit.id}`
            })
          }
        }
        return json(res, 204)
      }
      if (req.method === 'POST' && path === 'caches') {
        const failure = state.failReservations.shift()
        if (failure !== undefined) return json(res, failure, { message: 'cache service unavailable' })
        const { key, version } = JSON.parse(data.toString('utf8')) as { key: string; version: string }
        if (state.entries.some((e) => e.key === key && e.version === version)) {
          return json(res, 409, {
            message: `Cache already exists. Scope: refs/heads/main, Key: ${key}, Version: ${version}`
          })
        }
        const entry: CacheEntry = {
          id: nextId++,
          key,
          version,
          created: ++clock,
          committed: false,
          chunks: [],
          size: 0
        }
        state.entries.push(entry)
        return json(res, 201, { cacheId: entry.id })
      }
      const id = /^caches\/(\d+)$/.exec(path)?.[1]
      const entry = state.entries.find((e) => e.id === Number(id))
      if (id && !entry) return json(res, 404, { message: 'no such cache' })
      if (req.method === 'PATCH' && entry) {
        const range = /^bytes (\d+)-(\d+)\/\*$/.exec(req.headers['content-range'] ?? '')
        if (!range || Number(range[2]) - Number(range[1]) + 1 !== data.length)
          return json(res, 400, { message: 'bad range' })
        entry.chunks.push({ start: Number(range[1]), data })
        return json(res, 204)
      }
      if (req.method === 'POST' && entry) {
        const { size } = JSON.parse(data.toString('utf8')) as { size: number }
        if (entry.chunks.reduce((n, c) => n + c.data.length, 0) !== size)
          return json(res, 400, { message: 'size mismatch' })
        entry.committed = true
        entry.size = size
        return json(res, 204)
      }
      json(res, 404, { message: 'not found' })
    })().catch(() => res.destroy())
  })
  const listening = await listenLoopback(server)
  base = listening.url
  return Object.assign(state, { token, ...listening })
}
