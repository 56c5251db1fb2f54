import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SimIssue {
  number: number
  title: string
  body: string
  labels: string[]
  assignees: string[]
  created_at: string
  html_url: string
  /** Who opened it. */
  user: string
  /** Open when not given. */
  state?: 'open' | 'closed'
  state_reason?: string | null
  locked?: boolean
}

/** A comment on an issue; `id` is unique across the repository, as GitHub's are. */
export interface SimComment {
  id: number
  issue: number
  body: string
  user: { login: string; type: 'User' | 'Bot' }
  created_at: string
}

export interface SimReaction {
  comment: number
  content: string
  user: string
}

/** A repository permission as the collaborator look-up answers it. */
export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'

/** An Actions cache entry as the REST API lists it (`GET /repos/{owner}/{repo}/actions/caches`). */
export interface SimCacheEntry {
  id: number
  key: string
  version: string
  ref: string
  size_in_bytes: number
  created_at: string
  last_accessed_at: string
}

export interface GitHubApiOptions {
  owner?: string
  repo?: string
  token?: string
  /** Whose token it is: the author of the issues it opens. */
  login?: string
  /** Logins that may be assigned. */
  users?: string[]
  labels?: string[]
  /** The repository's cache entries; a cache service may share this array, so that deletes reach it. */
  caches?: SimCacheEntry[]
  /** Each login's permission on the repository; anyone else has none. */
  permissions?: Record<string, Permission>
}

export interface GitHubApi {
  /** GITHUB_API_URL for the action. */
  url: string
  token: string
  owner: string
  repo: string
  issues: SimIssue[]
  labels: Map<string, { name: string; color: string; description: string }>
  /** Statuses answered, once each, to the next requests; 403 answers as a secondary rate limit. */
  failNext: number[]
  /** A status answered once to one request, such as `GET /repos/acme/etd-watch/labels/x`. */
  failRequests: Array<{ request: string; status: number }>
  /** The token lacks issues: write, as with a workflow `permissions:` block that does not grant it. */
  readOnly: boolean
  caches: SimCacheEntry[]
  comments: SimComment[]
  reactions: SimReaction[]
  /** Each login's permission on the repository, changeable by tests; anyone else has none. */
  permissions: Map<string, Permission>
  /** A comment by someone else, as a person writes it on GitHub: what an issue_comment event carries. */
  addComment(issue: number, body: string, login: string, type?: 'User' | 'Bot'): SimComment
  /** The token's `actions` permission: listing caches needs read, deleting them write. */
  actions: 'none' | 'read' | 'write'
  requests: string[]
  /** Awaited after an issue is opened or edited, before the reply: a test kills the action there. */
  beforeReply?: (request: string) => Promise<void> | void
  close(): Promise<void>
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {}
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(body === undefined ? '' : JSON.stringify(body))
}

const invalid = (res: ServerResponse, message: string, errors: unknown[] = []) =>
  send(res, 422, { message, errors, documentation_url: 'https://docs.github.com/rest' })

const notFound = (res: ServerResponse) => send(res, 404, { message: 'Not Found' })

const MAX_BODY = 65536
const REACTIONS = new Set(['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'])
const STATE_REASONS = new Set(['completed', 'not_planned', 'reopened', 'duplicate'])

/** An issue as the REST API answers it. */
const issueView = (issue: SimIssue) => ({
  ...issue,
  user: { login: issue.user },
  state: issue.state ?? 'open',
  state_reason: issue.state_reason ?? null,
  locked: issue.locked ?? false,
  labels: issue.labels.map((name) => ({ name })),
  assignees: issue.assignees.map((login) => ({ login }))
})

const commentView = (comment: SimComment, base: string) => ({
  id: comment.id,
  body: comment.body,
  user: comment.user,
  created_at: comment.created_at,
  issue_url: `${base}issues/${comment.issue}`
})

/** The `link` header of a listing's page, when a next page follows. */
function nextLink(
  url: URL,
  base: string,
  total: number
): { perPage: number; page: number; link: Record<string, string> } {
  const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100)
  const page = Number(url.searchParams.get('page') ?? 1)
  const next = new URL(url.pathname.slice(1), base)
  url.searchParams.forEach((value, name) => next.searchParams.set(name, value))
  next.searchParams.set('per_page', String(perPage))
  next.searchParams.set('page', String(page + 1))
  return { perPage, page, link: page * perPage < total ? { link: `<${next.href}>; rel="next"` } : {} }
}

/**
 * The few GitHub REST endpoints the action uses (issues list, get, create and edit; labels get, create, add
 * and remove; issue comments and their reactions; a collaborator's permission; Actions caches list and
 * delete), on loopback, with GitHub's checks: token, permissions, body and title limits, unknown labels and
 * assignees, pagination, and switchable 5xx and secondary rate limits.
 */
export async function startGitHubApi(options: GitHubApiOptions = {}): Promise<GitHubApi> {
  const owner = options.owner ?? 'acme'
  const repo = options.repo ?? 'etd-watch'
  const token = options.token ?? 'ghs_simulatedInstallationToken'
  const login = options.login ?? 'github-actions[bot]'
  const users = new Set(options.users ?? ['octocat', 'security-lead'])
  const state = {
    issues: [] as SimIssue[],
    labels: new Map((options.labels ?? []).map((name) => [name, { name, color: 'ededed', description: '' }])),
    failNext: [] as number[],
    failRequests: [] as Array<{ request: string; status: number }>,
    readOnly: false,
    caches: options.caches ?? [],
    actions: 'write' as 'none' | 'read' | 'write',
    comments: [] as SimComment[],
    reactions: [] as SimReaction[],
    permissions: new Map(Object.entries(options.permissions ?? {})),
    requests: [] as string[],
    beforeReply: undefined as GitHubApi['beforeReply']
  }
  let base = ''
  let nextCommentId = 9000
  const addComment = (issue: number, body: string, author: string, type: 'User' | 'Bot' = 'User'): SimComment => {
    const comment: SimComment = {
      id: nextCommentId++,
      issue,
      body,
      user: { login: author, type },
      created_at: new Date().toISOString()
    }
    state.comments.push(comment)
    return comment
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    state.requests.push(`${req.method} ${url.pathname}${url.search}`)
    if (req.headers.authorization !== `token ${token}` && req.headers.authorization !== `Bearer ${token}`) {
      return send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' })
    }
    const failure = state.failNext.shift()
    if (failure === 403) {
      return send(
        res,
        403,
        { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
        { 'retry-after': '1' }
      )
    }
    if (failure !== undefined) return send(res, failure, { message: 'Server Error' })
    const planned = state.failRequests.findIndex((f) => f.request === `${req.method} ${url.pathname}`)
    if (planned >= 0) {
      const [{ status }] = state.failRequests.splice(planned, 1)
      return send(res, status, { message: status === 404 ? 'Not Found' : 'Server Error' })
    }

    const prefix = `/repos/${owner}/${repo}`
    if (!url.pathname.startsWith(`${prefix}/`)) return send(res, 404, { message: 'Not Found' })
    const path = url.pathname.slice(prefix.length)
    if (path === '/actions/caches' || path.startsWith('/actions/caches/')) return caches(req, res, url, path)
    const write = req.method !== 'GET'
    if (write && state.readOnly) return send(res, 403, { message: 'Resource not accessible by integration' })

    const label = /^\/labels\/([^/]+)$/.exec(path)
    if (req.method === 'GET' && label) {
      const found = state.labels.get(decodeURIComponent(label[1]))
      return found ? send(res, 200, found) : send(res, 404, { message: 'Not Found' })
    }
    if (req.method === 'POST' && path === '/labels') {
      const body = await readJson(req)
      const name = String(body.name ?? '')
      if (state.labels.has(name))
        return invalid(res, 'Validation Failed', [{ resource: 'Label', code: 'already_exists', field: 'name' }])
      const created = { name, color: String(body.color ?? 'ededed'), description: String(body.description ?? '') }
      state.labels.set(name, created)
      return send(res, 201, created)
    }
    if (req.method === 'GET' && path === '/issues') {
      const wanted = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean)
      // GitHub lists open issues unless asked for closed or all.
      const wantedState = url.searchParams.get('state') ?? 'open'
      const all = state.issues
        .filter((i) => wanted.every((l) => i.labels.includes(l)))
        .filter((i) => wantedState === 'all' || (i.state ?? 'open') === wantedState)
        .sort((a, b) => b.number - a.number)
      const { perPage, page, link } = nextLink(url, base, all.length)
      return send(res, 200, all.slice((page - 1) * perPage, page * perPage).map(issueView), link)
    }
    const permission = /^\/collaborators\/([^/]+)\/permission$/.exec(path)
    if (req.method === 'GET' && permission) {
      const user = decodeURIComponent(permission[1])
      const level = state.permissions.get(user) ?? 'none'
      return send(res, 200, { permission: level, role_name: level, user: { login: user } })
    }
    const reaction = /^\/issues\/comments\/(\d+)\/reactions$/.exec(path)
    if (req.method === 'POST' && reaction) {
      const comment = state.comments.find((c) => c.id === Number(reaction[1]))
      if (!comment) return notFound(res)
      const content = String((await readJson(req)).content ?? '')
      if (!REACTIONS.has(content)) return invalid(res, 'Validation Failed', [{ field: 'content', code: 'invalid' }])
      const given = { comment: comment.id, content, user: login }
      // Reacting twice the same way is no new reaction: GitHub answers 200 with the first.
      const known = state.reactions.some((r) => r.comment === comment.id && r.content === content && r.user === login)
      if (!known) state.reactions.push(given)
      return send(res, known ? 200 : 201, { content, user: { login } })
    }
    const issuePath = /^\/issues\/(\d+)(\/.*)?$/.exec(path)
    const target = issuePath ? state.issues.find((i) => i.number === Number(issuePath[1])) : undefined
    const rest = issuePath?.[2] ?? ''
    if (issuePath && rest !== '' && !target) return notFound(res)
    if (target && rest === '/comments' && req.method === 'GET') {
      const all = state.comments.filter((c) => c.issue === target.number)
      const { perPage, page, link } = nextLink(url, base, all.length)
      const shown = all.slice((page - 1) * perPage, page * perPage)
      return send(
        res,
        200,
        shown.map((c) => commentView(c, `${base}${prefix.slice(1)}/`)),
        link
      )
    }
    if (target && rest === '/comments' && req.method === 'POST') {
      const body = String((await readJson(req)).body ?? '')
      if (body === '' || body.length > MAX_BODY)
        return invalid(res, 'Validation Failed', [{ resource: 'IssueComment', field: 'body', code: 'custom' }])
      const comment = addComment(target.number, body, login, login.endsWith('[bot]') ? 'Bot' : 'User')
      return send(res, 201, commentView(comment, `${base}${prefix.slice(1)}/`))
    }
    if (target && rest === '/labels' && req.method === 'POST') {
      const labels = (await readJson(req)).labels
      const names = Array.isArray(labels) ? labels.map(String) : []
      const unknownLabel = names.find((l) => !state.labels.has(l))
      if (unknownLabel)
        return invalid(res, 'Validation Failed', [{ resource: 'Label', code: 'invalid', field: 'labels' }])
      target.labels = [...new Set([...target.labels, ...names])]
      return send(res, 200, issueView(target).labels)
    }
    const removed = /^\/labels\/(.+)$/.exec(rest)
    if (target && removed && req.method === 'DELETE') {
      const name = decodeURIComponent(removed[1])
      if (!target.labels.includes(name)) return send(res, 404, { message: 'Label does not exist' })
      target.labels = target.labels.filter((l) => l !== name)
      return send(res, 200, issueView(target).labels)
    }
    if (req.method === 'POST' && path === '/issues') {
      const body = await readJson(req)
      const title = String(body.title ?? '')
      const text = String(body.body ?? '')
      const labels = (body.labels as string[] | undefined) ?? []
      const assignees = (body.assignees as string[] | undefined) ?? []
      if (title === '' || title.length > 256)
        return invalid(res, 'Validation Failed', [
          {
            resource: 'Issue',
            code: 'custom',
            field: 'title',
            message: 'title is too long (maximum is 256 characters)'
          }
        ])
      if (text.length > 65536)
        return invalid(res, 'Validation Failed', [
          {
            resource: 'Issue',
            code: 'custom',
            field: 'body',
            message: 'body is too long (maximum is 65536 characters)'
          }
        ])
      // Stricter than GitHub, which creates unknown labels silently: the action must create its own.
      const unknownLabel = labels.find((l) => !state.labels.has(l))
      if (unknownLabel)
        return invalid(res, 'Validation Failed', [
          { resource: 'Label', code: 'invalid', field: 'labels', message: `label ${unknownLabel} does not exist` }
        ])
      const unknownUser = assignees.find((a) => !users.has(a))
      // As GitHub answers a login that does not exist or may not be assigned here: no message, the value.
      if (unknownUser)
        return invalid(res, 'Validation Failed', [
          { value: unknownUser, resource: 'Issue', field: 'assignees', code: 'invalid' }
        ])
      const number = state.issues.length + 1
      const issue: SimIssue = {
        number,
        title,
        body: text,
        labels,
        assignees,
        created_at: new Date().toISOString(),
        html_url: `https://github.example/${owner}/${repo}/issues/${number}`,
        user: login,
        state: 'open'
      }
      state.issues.push(issue)
      await state.beforeReply?.(`POST ${url.pathname}`)
      return send(res, 201, issueView(issue))
    }
    if (issuePath && rest === '' && !target) return notFound(res)
    if (target && rest === '' && req.method === 'GET') return send(res, 200, issueView(target))
    if (target && rest === '' && req.method === 'PATCH') {
      const body = await readJson(req)
      if (typeof body.body === 'string' && body.body.length > MAX_BODY)
        return invalid(res, 'Validation Failed', [{ field: 'body', code: 'custom' }])
      if (body.state !== undefined && body.state !== 'open' && body.state !== 'closed')
        return invalid(res, 'Validation Failed', [{ field: 'state', code: 'invalid' }])
      if (
        body.state_reason !== undefined &&
        body.state_reason !== null &&
        !STATE_REASONS.has(String(body.state_reason))
      )
        return invalid(res, 'Validation Failed', [{ field: 'state_reason', code: 'invalid' }])
      if (Array.isArray(body.labels) && body.labels.some((l) => !state.labels.has(String(l))))
        return invalid(res, 'Validation Failed', [{ resource: 'Label', code: 'invalid', field: 'labels' }])
      if (typeof body.body === 'string') target.body = body.body
      if (body.state === 'open' || body.state === 'closed') {
        target.state = body.state
        target.state_reason = body.state === 'closed' ? String(body.state_reason ?? 'completed') : null
      }
      if (Array.isArray(body.labels)) target.labels = body.labels.map(String)
      await state.beforeReply?.(`PATCH ${url.pathname}`)
      return send(res, 200, issueView(target))
    }
    send(res, 404, { message: 'Not Found' })
  }

  /** The cache listing and delete by id, with GitHub's permission split, key prefix filter and paging. */
  const caches = (req: IncomingMessage, res: ServerResponse, url: URL, path: string): void => {
    const needed = req.method === 'GET' ? ['read', 'write'] : ['write']
    if (!needed.includes(state.actions)) return send(res, 403, { message: 'Resource not accessible by integration' })
    if (req.method === 'GET' && path === '/actions/caches') {
      const key = url.searchParams.get('key') ?? ''
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100)
      const page = Number(url.searchParams.get('page') ?? 1)
      const sort = (url.searchParams.get('sort') ?? 'last_accessed_at') as 'created_at' | 'last_accessed_at'
      const sign = url.searchParams.get('direction') === 'asc' ? 1 : -1
      const ref = url.searchParams.get('ref')
      const all = state.caches
        .filter((c) => c.key.startsWith(key) && (ref === null || c.ref === ref))
        .sort((a, b) => sign * (Date.parse(a[sort]) - Date.parse(b[sort]) || a.id - b.id))
      const link: Record<string, string> =
        page * perPage < all.length
          ? {
              link: `<${base}repos/${owner}/${repo}/actions/caches?key=${encodeURIComponent(key)}&per_page=${perPage}&page=${page + 1}>; rel="next"`
            }
          : {}
      return send(
        res,
        200,
        { total_count: all.length, actions_caches: all.slice((page - 1) * perPage, page * perPage) },
        link
      )
    }
    const id = /^\/actions\/caches\/(\d+)$/.exec(path)?.[1]
    if (req.method === 'DELETE' && id) {
      const index = state.caches.findIndex((c) => c.id === Number(id))
      if (index === -1) return send(res, 404, { message: 'Not Found' })
      state.caches.splice(index, 1)
      res.writeHead(204)
      return void res.end()
    }
    send(res, 404, { message: 'Not Found' })
  }

  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  return Object.assign(state, {
    addComment,
    url: base.slice(0, -1),
    token,
    owner,
    repo,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  })
}
