import { getOctokit } from '@actions/github'
import { octokitLog } from '../common/log.js'
import { retry } from '@octokit/plugin-retry'
import { isStateKey } from './key.js'
import { redactReply } from '../common/redact.js'

/** Where the repository's Actions caches are listed and deleted (GITHUB_API_URL, the workflow token). */
export interface GitHubAccess {
  token: string
  owner: string
  repo: string
  apiUrl: string
  /** GITHUB_REF: a run sees the cache of its own branch, so only that branch's entries are its own. */
  ref?: string
}

export interface StateEntry {
  id: number
  key: string
  createdAt: number
  bytes: number
}

/** How many state entries pruning keeps: the newest, and a few before it should that one be unreadable. */
const KEEP_NEWEST = 3
const PAGE_SIZE = 100

/** Of this watch's entries (as `list` gives them), the ones to delete: all but the newest `keep`. */
export function prunable(entries: StateEntry[], keep = KEEP_NEWEST): StateEntry[] {
  return [...entries].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id).slice(keep)
}

const statusOf = (error: unknown) => (error as { status?: number }).status

function explain(error: unknown, doing: string, permission: string): string {
  const status = statusOf(error)
  const message = (error as { response?: { data?: { message?: string } } }).response?.data?.message
  const detail = `${status ?? ''} ${redactReply(message ?? (error as Error).message)}`.trim()
  return status === 403
    ? `GitHub refused ${doing} (${detail}): the workflow's token needs the ${permission} permission; add it to the job's permissions block`
    : `GitHub failed ${doing} (${detail})`
}

/** This watch's state entries in the repository's Actions cache, through the REST API. */
export class StateEntries {
  private readonly octokit: ReturnType<typeof getOctokit>

  constructor(
    private readonly access: GitHubAccess,
    private readonly stateKey: string
  ) {
    this.octokit = getOctokit(access.token, { baseUrl: access.apiUrl, log: octokitLog }, retry)
  }

  /** This watch's entries on this branch, of the exact key shape under `<state-key>/`; needs `actions: read`. */
  list(): Promise<StateEntry[]> {
    return this.fetch('actions: read')
  }

  private async fetch(permission: string): Promise<StateEntry[]> {
    try {
      const caches = await this.octokit.paginate(this.octokit.rest.actions.getActionsCacheList, {
        owner: this.access.owner,
        repo: this.access.repo,
        key: `${this.stateKey}/`,
        ...(this.access.ref ? { ref: this.access.ref } : {}),
        sort: 'created_at',
        direction: 'desc',
        per_page: PAGE_SIZE
      })
      return caches
        .map((c) => ({
          id: c.id ?? 0,
          key: c.key ?? '',
          createdAt: Date.parse(c.created_at ?? '') || 0,
          bytes: c.size_in_bytes ?? 0
        }))
        .filter((e) => isStateKey(this.stateKey, e.key))
    } catch (error) {
      throw new Error(explain(error, 'listing cache entries', permission), { cause: error })
    }
  }

  /** Deletes the older state entries, keeping the newest few; never anything of another shape. */
  async prune(): Promise<{ deleted: StateEntry[]; kept: StateEntry[] }> {
    const entries = await this.fetch('actions: write')
    const doomed = prunable(entries)
    for (const entry of doomed) {
      try {
        await this.octokit.rest.actions.deleteActionsCacheById({
          owner: this.access.owner,
          repo: this.access.repo,
          cache_id: entry.id
        })
      } catch (error) {
        // Already gone (evicted, or another run pruned it): what was wanted.
        if (statusOf(error) !== 404)
          throw new Error(explain(error, 'deleting cache entries', 'actions: write'), { cause: error })
      }
    }
    const gone = new Set(doomed.map((e) => e.id))
    return { deleted: doomed, kept: entries.filter((e) => !gone.has(e.id)) }
  }
}
