import { describe, expect, it } from '@jest/globals'
import { startGitHubApi, type GitHubApi } from '../src/simulator/github-api.js'
import { closedAfter } from './helpers/servers.js'

/** A request to the local GitHub API with its token, as Octokit sends it. */
async function call(
  github: GitHubApi,
  method: string,
  path: string,
  body?: unknown
): Promise<{ status: number; json: unknown; link: string | null }> {
  const response = await fetch(`${github.url}/repos/${github.owner}/${github.repo}${path}`, {
    method,
    headers: { authorization: `token ${github.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await response.text()
  return {
    status: response.status,
    json: text ? (JSON.parse(text) as unknown) : undefined,
    link: response.headers.get('link')
  }
}

/** The server with one issue, #1, opened by the watch with the labels it uses. */
async function withIssue(): Promise<GitHubApi> {
  const github = closedAfter(
    await startGitHubApi({
      labels: ['etd-verdict-watch', 'action-needed'],
      permissions: { 'sec-writer': 'write', 'sec-admin': 'admin' }
    })
  )
  const created = await call(github, 'POST', '/issues', {
    title: 'Batch',
    body: 'b',
    labels: ['etd-verdict-watch', 'action-needed']
  })
  expect(created.status).toBe(201)
  return github
}

describe('the local GitHub API, for commands in comments', () => {
  it('posts and lists an issue’s comments with ids and authors, a page at a time', async () => {
    const github = await withIssue()
    const human = github.addComment(1, '/etd quarantine', 'sec-writer')
    const posted = await call(github, 'POST', '/issues/1/comments', { body: 'Done.' })
    expect(posted.status).toBe(201)
    expect(posted.json).toMatchObject({ body: 'Done.', user: { login: 'github-actions[bot]', type: 'Bot' } })
    expect((posted.json as { id: number }).id).not.toBe(human.id)
    const first = await call(github, 'GET', '/issues/1/comments?per_page=1')
    expect(first.json).toEqual([
      expect.objectContaining({ id: human.id, body: '/etd quarantine', user: { login: 'sec-writer', type: 'User' } })
    ])
    expect(first.link).toMatch(/per_page=1&page=2>; rel="next"$/)
    const second = await call(github, 'GET', '/issues/1/comments?per_page=1&page=2')
    expect(second.json).toEqual([expect.objectContaining({ body: 'Done.' })])
    expect(second.link).toBeNull()
    expect((await call(github, 'POST', '/issues/1/comments', { body: '' })).status).toBe(422)
    expect((await call(github, 'POST', '/issues/7/comments', { body: 'x' })).status).toBe(404)
    expect(github.requests).toContain('POST /repos/acme/etd-watch/issues/1/comments')
  })

  it('records reactions on a comment, each kind once per user, and refuses unknown ones', async () => {
    const github = await withIssue()
    const comment = github.addComment(1, '/etd trash', 'sec-writer')
    const path = `/issues/comments/${comment.id}/reactions`
    expect((await call(github, 'POST', path, { content: 'eyes' })).status).toBe(201)
    expect((await call(github, 'POST', path, { content: 'eyes' })).status).toBe(200)
    expect((await call(github, 'POST', path, { content: '+1' })).status).toBe(201)
    expect((await call(github, 'POST', path, { content: 'thumbsup' })).status).toBe(422)
    expect((await call(github, 'POST', '/issues/comments/1/reactions', { content: 'eyes' })).status).toBe(404)
    expect(github.reactions).toEqual([
      { comment: comment.id, content: 'eyes', user: 'github-actions[bot]' },
      { comment: comment.id, content: '+1', user: 'github-actions[bot]' }
    ])
  })

  it('adds and removes an issue’s labels, refusing an unknown label and one the issue does not have', async () => {
    const github = await withIssue()
    expect((await call(github, 'DELETE', '/issues/1/labels/action-needed')).json).toEqual([
      { name: 'etd-verdict-watch' }
    ])
    expect((await call(github, 'DELETE', '/issues/1/labels/action-needed')).status).toBe(404)
    expect((await call(github, 'POST', '/issues/1/labels', { labels: ['action-needed'] })).status).toBe(200)
    expect((await call(github, 'POST', '/issues/1/labels', { labels: ['no-such'] })).status).toBe(422)
    expect(github.issues[0].labels).toEqual(['etd-verdict-watch', 'action-needed'])
  })

  it('closes an issue with a reason, reads it back, and lists it only when closed issues are asked for', async () => {
    const github = await withIssue()
    const closed = await call(github, 'PATCH', '/issues/1', { state: 'closed', state_reason: 'completed', body: 'new' })
    expect(closed.json).toMatchObject({ state: 'closed', state_reason: 'completed', body: 'new', locked: false })
    expect((await call(github, 'GET', '/issues/1')).json).toMatchObject({
      number: 1,
      state: 'closed',
      user: { login: 'github-actions[bot]' },
      labels: [{ name: 'etd-verdict-watch' }, { name: 'action-needed' }]
    })
    expect((await call(github, 'GET', '/issues')).json).toEqual([])
    expect((await call(github, 'GET', '/issues?state=all')).json).toHaveLength(1)
    expect((await call(github, 'GET', '/issues?state=closed')).json).toHaveLength(1)
    expect((await call(github, 'PATCH', '/issues/1', { state: 'gone' })).status).toBe(422)
    expect((await call(github, 'PATCH', '/issues/1', { state: 'closed', state_reason: 'why' })).status).toBe(422)
    expect((await call(github, 'PATCH', '/issues/1', { state: 'open' })).json).toMatchObject({
      state: 'open',
      state_reason: null
    })
    expect((await call(github, 'GET', '/issues/2')).status).toBe(404)
  })

  it('answers each login’s permission on the repository, none for anyone not listed', async () => {
    const github = await withIssue()
    const permission = async (login: string) =>
      ((await call(github, 'GET', `/collaborators/${login}/permission`)).json as { permission: string }).permission
    expect(await permission('sec-writer')).toBe('write')
    expect(await permission('sec-admin')).toBe('admin')
    expect(await permission('drive-by')).toBe('none')
    github.permissions.set('drive-by', 'read')
    expect(await permission('drive-by')).toBe('read')
    expect(github.requests).toContain('GET /repos/acme/etd-watch/collaborators/drive-by/permission')
  })

  it('refuses every write of a token without issues: write, but still answers reads', async () => {
    const github = await withIssue()
    const comment = github.addComment(1, '/etd junk', 'sec-writer')
    github.readOnly = true
    expect((await call(github, 'POST', '/issues/1/comments', { body: 'x' })).status).toBe(403)
    expect((await call(github, 'POST', `/issues/comments/${comment.id}/reactions`, { content: 'eyes' })).status).toBe(
      403
    )
    expect((await call(github, 'PATCH', '/issues/1', { state: 'closed' })).status).toBe(403)
    expect((await call(github, 'GET', '/issues/1')).status).toBe(200)
  })
})
