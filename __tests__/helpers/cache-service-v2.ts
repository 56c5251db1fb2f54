import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
  type ContainerClient
} from '@azure/storage-blob'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { SimCacheEntry } from '../../src/simulator/github-api.js'
import { DEV_ACCOUNT, DEV_ACCOUNT_KEY, type Azurite } from './azurite.js'
import { listenLoopback } from './listen.js'

const SERVICE = 'github.actions.results.api.v1.CacheService'
export type TwirpMethod = 'CreateCacheEntry' | 'FinalizeCacheEntryUpload' | 'GetCacheEntryDownloadURL'

export interface CacheServiceV2 {
  /** ACTIONS_RESULTS_URL, with the trailing slash the runner sets. */
  url: string
  token: string
  /** Committed entries, oldest first; may be shared with the GitHub API's cache listing. */
  entries: SimCacheEntry[]
  /** Statuses answered, once each, to the next calls of a method (429 with Retry-After, 5xx). */
  fail: Partial<Record<TwirpMethod, number[]>>
  /** While set, uploads are cut after part of the archive, on every attempt. */
  cutUploads: boolean
  /** While set, downloads send half the archive and then drop the connection. */
  cutDownloads: boolean
  /** The method of every twirp call, in order. */
  calls: TwirpMethod[]
  /** The size of a committed entry's blob, as Azurite stores it. */
  blobSize(entry: SimCacheEntry): Promise<number>
  close(): Promise<void>
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function reply(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(value))
}

const TWIRP_CODES: Record<number, string> = {
  401: 'unauthenticated',
  409: 'already_exists',
  429: 'resource_exhausted',
  500: 'internal',
  503: 'unavailable'
}

/**
 * The Actions cache service v2 as hosted runners speak it: twirp JSON calls that reserve, finalize and
 * look up entries and hand out SAS-signed URLs, under which the toolkit moves the archive itself with
 * the Azure Storage SDK. The blobs live in a real Azurite; this stand-in only keeps the entry records.
 * Like the real service, a key and version are reserved once, an entry counts only once finalized with
 * the size that is really stored, and a lookup takes an exact key first, else the newest by prefix.
 */
export async function startCacheServiceV2(
  azurite: Azurite,
  options: { entries?: SimCacheEntry[] } = {}
): Promise<CacheServiceV2> {
  const token = 'runtime-token-for-v2-tests'
  const credential = new StorageSharedKeyCredential(DEV_ACCOUNT, DEV_ACCOUNT_KEY)
  const container: ContainerClient = new BlobServiceClient(azurite.blobUrl, credential).getContainerClient(
    'actions-cache'
  )
  await container.createIfNotExists()
  const pending = new Map<string, { id: number; blob: string }>()
  let lastCreated = 0
  let base = ''
  const state = {
    entries: options.entries ?? [],
    fail: {} as Partial<Record<TwirpMethod, number[]>>,
    cutUploads: false,
    cutDownloads: false,
    calls: [] as TwirpMethod[]
  }
  const nextId = () => Math.max(0, ...state.entries.map((e) => e.id), ...[...pending.values()].map((p) => p.id)) + 1

  const signed = (blob: string, permissions: string) => {
    const sas = generateBlobSASQueryParameters(
      {
        containerName: container.containerName,
        blobName: blob,
        permissions: BlobSASPermissions.parse(permissions),
        protocol: SASProtocol.HttpsAndHttp,
        expiresOn: new Date(Date.now() + 10 * 60_000)
      },
      credential
    )
    return `${container.getBlobClient(blob).url}?${sas.toString()}`
  }
  /** A URL of the same shape on this server, where the faulty transfers happen. */
  const faulty = (blob: string) => `${base}${DEV_ACCOUNT}/${container.containerName}/${blob}?sv=faulty&sig=x`

  const twirp = async (method: TwirpMethod, request: Record<string, unknown>): Promise<[number, unknown]> => {
    const key = String(request.key ?? '')
    const version = String(request.version ?? '')
    const sameKey = (e: { key: string; version: string }) => e.key === key && e.version === version
    if (method === 'CreateCacheEntry') {
      if (state.entries.some(sameKey) || pending.has(`${key}\n${version}`)) {
        return [
          409,
          { code: 'already_exists', msg: 'cache entry with the same key, version, and scope already exists' }
        ]
      }
      const id = nextId()
      const blob = `entry-${id}`
      pending.set(`${key}\n${version}`, { id, blob })
      return [200, { ok: true, signed_upload_url: state.cutUploads ? faulty(blob) : signed(blob, 'cw') }]
    }
    if (method === 'FinalizeCacheEntryUpload') {
      const reserved = pending.get(`${key}\n${version}`)
      if (!reserved) return [404, { code: 'not_found', msg: 'no cache entry was reserved for this key' }]
      const stored = await container
        .getBlobClient(reserved.blob)
        .getProperties()
        .then((p) => p.contentLength)
        .catch(() => undefined)
      if (stored === undefined || stored !== Number(request.size_bytes)) {
        return [200, { ok: false, message: `the upload of ${key} is incomplete` }]
      }
      pending.delete(`${key}\n${version}`)
      lastCreated = Math.max(Date.now(), lastCreated + 1)
      const created = new Date(lastCreated).toISOString()
      state.entries.push({
        id: reserved.id,
        key,
        version,
        ref: 'refs/heads/main',
        size_in_bytes: stored,
        created_at: created,
        last_accessed_at: created
      })
      return [200, { ok: true, entry_id: String(reserved.id) }]
    }
    const keys = [key, ...((request.restore_keys as string[] | undefined) ?? [])]
    const candidates = state.entries.filter((e) => e.version === version)
    for (const wanted of keys) {
      const hit = candidates.find((e) => e.key === wanted) ?? candidates.filter((e) => e.key.startsWith(wanted)).at(-1)
      if (!hit) continue
      hit.last_accessed_at = new Date().toISOString()
      const blob = `entry-${hit.id}`
      const url = state.cutDownloads ? faulty(blob) : signed(blob, 'r')
      return [200, { ok: true, signed_download_url: url, matched_key: hit.key }]
    }
    return [200, { ok: false }]
  }

  /** Uploads read part of the archive and drop the connection; downloads send half and drop it. */
  const transferFault = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const blob = decodeURIComponent(new URL(req.url ?? '/', base).pathname.split('/').pop() ?? '')
    if (req.method === 'GET') {
      const archive = await container.getBlobClient(blob).downloadToBuffer()
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': archive.length })
      res.write(archive.subarray(0, Math.floor(archive.length / 2)))
      setTimeout(() => res.destroy(), 20)
      return
    }
    let received = 0
    const expected = Number(req.headers['content-length'] ?? 0)
    req.on('data', (chunk: Buffer) => {
      received += chunk.length
      if (received >= expected / 2) req.socket.destroy()
    })
    if (expected === 0) req.socket.destroy()
  }

  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname
      if (path.startsWith(`/${DEV_ACCOUNT}/`)) return transferFault(req, res)
      const method = new RegExp(`^/twirp/${SERVICE}/(\\w+)$`).exec(path)?.[1] as TwirpMethod | undefined
      if (req.method !== 'POST' || !method) return reply(res, 404, { code: 'bad_route', msg: 'no such method' })
      if (req.headers.authorization !== `Bearer ${token}`) {
        return reply(res, 401, { code: 'unauthenticated', msg: 'bad token' })
      }
      state.calls.push(method)
      const request = JSON.parse((await body(req)).toString('utf8') || '{}') as Record<string, unknown>
      const failure = state.fail[method]?.shift()
      if (failure !== undefined) {
        const headers: Record<string, string> = failure === 429 ? { 'retry-after': '60' } : {}
        return reply(res, failure, { code: TWIRP_CODES[failure] ?? 'unknown', msg: 'cache service trouble' }, headers)
      }
      const [status, answer] = await twirp(method, request)
      reply(res, status, answer)
    })().catch(() => res.destroy())
  })
  const listening = await listenLoopback(server)
  base = listening.url
  return Object.assign(state, {
    token,
    ...listening,
    blobSize: async (entry: SimCacheEntry) =>
      (await container.getBlobClient(`entry-${entry.id}`).getProperties()).contentLength ?? -1
  })
}
