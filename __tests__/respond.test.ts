import { describe, expect, it } from '@jest/globals'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { respond } from '../src/respond.js'
import { formatMarker, readMarker, replaceMarker } from '../src/notify/issue/marker.js'
import { startGitHubApi, type GitHubApi, type SimComment } from '../src/simulator/github-api.js'
import { folderAt } from '../src/simulator/oracle.js'
import { startSimulator, type Simulator, type SimulatorOptions } from '../src/simulator/server.js'
import { FileStateStore } from '../src/state/store.js'
import type { WatchState } from '../src/state/state.js'
import { simMessage, threePhish, T } from './helpers/fixtures.js'
import { runAction } from './helpers/action-run.js'
import { commentEvent, runRespond } from './helpers/respond-run.js'
import { closedAfter, tempDir } from './helpers/servers.js'
import { githubEnv, runWatch } from './helpers/watch-run.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const WRITER = 'sec-writer'
const ADMIN = 'sec-admin'
const READER = 'drive-by'

interface Setup {
  dir: string
  sim: Simulator
  github: GitHubApi
  now: { at: number }
  /** The rows of the watch's issue, as its marker lists them: row n is `rows[n - 1]`. */
  rows: string[]
  say(body: string, login?: string, type?: 'User' | 'Bot'): SimComment
  respondTo(
    comment: SimComment,
    extra?: Parameters<typeof commentEvent>[2],
    inputs?: Record<string, string>
  ): ReturnType<typeof runRespond>
  state(): Promise<WatchState>
}

/**
 * A tenant of three phish to the CEO: `left` still in the inbox (ETD moved it back there), `untouched`
 * never moved, `held` quarantined by ETD. The watch ran at `T` and opened its issue #1 about them; the
 * clock then stands ten minutes later.
 */
async function watched(options: Partial<SimulatorOptions> = {}): Promise<Setup> {
  const now = { at: T }
  const dir = await tempDir('etd-respond-')
  const sim = closedAfter(
    await startSimulator({
      messages: threePhish(['left', 'untouched', 'held']),
      clock: () => now.at,
      rateLimit: false,
      ...options
    })
  )
  const github = closedAfter(
    await startGitHubApi({ permissions: { [WRITER]: 'write', [ADMIN]: 'admin', [READER]: 'read' } })
  )
  const watch = await runWatch(
    sim,
    { mailboxes: 'ceo@example.com', verdicts: 'phishing', notify: 'issue', 'github-token': github.token },
    { dir, now: () => now.at, env: githubEnv(github) }
  )
  expect(watch.failed).toBe(false)
  expect(github.issues.map((i) => i.labels)).toEqual([['etd-verdict-watch', 'action-needed']])
  now.at = T + 10 * MINUTE
  // From here on the counts are the command's own.
  Object.assign(sim.stats, { tokens: 0, searches: 0, moves: 0, statuses: 0 })
  return {
    dir,
    sim,
    github,
    now,
    rows: readMarker(github.issues[0].body).convictions.map((c) => c.id),
    say: (body, login = WRITER, type = 'User') => github.addComment(1, body, login, type),
    respondTo: (comment, extra, inputs) =>
      runRespond(sim, github, commentEvent(github, comment, extra), { dir, now: () => now.at, inputs }),
    state: async () => {
      const loaded = await new FileStateStore(join(dir, 'state.json')).load()
      if (loaded.kind !== 'restored') throw new Error(`no state: ${loaded.kind}`)
      return loaded.state
    }
  }
}

/** The flow's replies on issue #1: every comment but the people's. */
/** The flow's answers to commands on issue #1 (the audit trail's comments aside). */
const replies = (github: GitHubApi) =>
  github.comments
    .filter((c) => c.user.login === 'github-actions[bot]' && c.body.startsWith('<!-- etd-verdict-watch reply'))
    .map((c) => c.body)
/** Everything the flow wrote on the issue: replies and the audit trail's comments. */
const written = (github: GitHubApi) => github.comments.filter((c) => c.user.login === 'github-actions[bot]')
const reactionsTo = (github: GitHubApi, comment: SimComment) =>
  github.reactions.filter((r) => r.comment === comment.id).map((r) => r.content)
const folders = (s: Setup) => Object.fromEntries(s.sim.messages.map((m) => [m.id, folderAt(m, s.now.at)]))
const ETD_BEFORE = { left: 'inbox', untouched: 'inbox', held: 'quarantine' }

describe('/etd quarantine from a writer', () => {
  it('moves exactly the issue’s messages still in the inbox, confirms them, replies, reacts, and closes the issue', async () => {
    const s = await watched()
    const stateBefore = await s.state()
    const comment = s.say('/etd quarantine\nplease, these two are from the fake CEO')
    const result = await s.respondTo(comment)

    expect(result.failed).toBe(false)
    expect(folders(s)).toEqual({ left: 'quarantine', untouched: 'quarantine', held: 'quarantine' })
    // ETD's own quarantine of `held` is left alone; the two go in one request (same verdict), then one status each.
    expect(s.sim.messages.find((m) => m.id === 'held')?.moves).toBeUndefined()
    expect(s.sim.stats).toMatchObject({ moves: 1, statuses: 2 })
    expect(result.outputs).toMatchObject({
      'respond-command': '/etd quarantine',
      'respond-commenter': WRITER,
      'respond-outcome': 'moved',
      'etd-requests': '4'
    })
    const [reply] = replies(s.github)
    expect(reply.startsWith(`<!-- etd-verdict-watch reply ${comment.id} -->\n`)).toBe(true)
    expect(reply).toContain('2 of 2 moved, 2 confirmed by ETD.')
    for (const id of ['left', 'untouched']) {
      expect(reply).toContain(
        `| ${s.rows.indexOf(id) + 1} | \`${id}\` | to quarantine, verdict phishing kept | queued | quarantine | api (this workflow's ETD API client) |`
      )
    }
    expect(reply).not.toContain('`held`')
    expect(reactionsTo(s.github, comment)).toEqual(['eyes', '+1'])
    // The audit trail records each move on the issue, and closes it.
    const trail = written(s.github).find((c) => !c.body.startsWith('<!--'))?.body
    expect(trail).toContain(
      '- `left` left the inbox: now in quarantine (2026-11-27 10:10 UTC, by sec\\-writer with /etd quarantine).'
    )
    expect(reply).toContain('Issue \\#\u200b1\\: 2 left the inbox; closed\\.')
    expect(readMarker(s.github.issues[0].body).places).toEqual(
      new Map([
        ['untouched', 'quarantine'],
        ['left', 'quarantine']
      ])
    )
    expect(s.github.issues[0]).toMatchObject({
      state: 'closed',
      state_reason: 'completed',
      labels: ['etd-verdict-watch']
    })
    // The day's tally gains the four requests; the watch's watermark stays where the watch left it.
    const state = await s.state()
    expect(state.requests?.count).toBe((stateBefore.requests?.count ?? 0) + 4)
    expect(state.watermark).toBe(stateBefore.watermark)
    expect(result.summary).toContain('Outcome: moved')
  })

  it('moves nothing twice when the job runs again for the same comment', async () => {
    const s = await watched()
    const comment = s.say('/etd trash')
    expect((await s.respondTo(comment)).outputs['respond-outcome']).toBe('moved')
    const requests = s.sim.stats.tokens + s.sim.stats.moves + s.sim.stats.statuses
    const again = await s.respondTo(comment)
    expect(again.failed).toBe(false)
    expect(again.outputs['respond-outcome']).toBe('answered-before')
    expect(s.sim.stats.tokens + s.sim.stats.moves + s.sim.stats.statuses).toBe(requests)
    expect(replies(s.github)).toHaveLength(1)
    expect(written(s.github)).toHaveLength(2)
    expect(reactionsTo(s.github, comment)).toEqual(['eyes', '+1'])
  })

  it('moves the rows and ids named, and says per id what ETD could not find', async () => {
    const s = await watched()
    const row = s.rows.indexOf('untouched') + 1
    // The issue records a message ETD does not know (purged since): the reply says so and the rest is moved.
    const issue = s.github.issues[0]
    const marker = readMarker(issue.body)
    const ghost = { id: 'ghost', verdict: 'phishing', receivedAt: new Date(T - HOUR).toISOString() }
    issue.body = replaceMarker(issue.body, formatMarker([...marker.convictions, ghost]))!
    const result = await s.respondTo(s.say(`/etd junk ${row}, ghost`))
    expect(result.failed).toBe(false)
    expect(result.outputs['respond-outcome']).toBe('partial')
    expect(folders(s)).toEqual({ ...ETD_BEFORE, untouched: 'junk' })
    const [reply] = replies(s.github)
    expect(reply).toContain('1 of 2 moved, 1 confirmed by ETD, 1 not moved.')
    expect(reply).toContain('| 4 | `ghost` | to junk, verdict phishing kept | not queued: message not found | – | – |')
    expect(s.github.issues[0].state).toBe('open')
  })
})

describe('commands that move nothing, and say why', () => {
  it('refuses a reader, before any ETD request', async () => {
    const s = await watched()
    const comment = s.say('/etd quarantine', READER)
    const result = await s.respondTo(comment)
    expect(result.outputs['respond-outcome']).toBe('refused')
    expect(s.sim.stats.tokens).toBe(0)
    expect(folders(s)).toEqual(ETD_BEFORE)
    expect(replies(s.github)).toEqual([
      `<!-- etd-verdict-watch reply ${comment.id} -->\n**/etd quarantine** from \`${READER}\` was not run: This command needs write permission on the repository; the commenter has read permission\\.\n`
    ])
    expect(reactionsTo(s.github, comment)).toEqual(['eyes', '-1'])
    expect(s.github.issues[0].state).toBe('open')
  })

  it('lets a login listed in respond-logins run it whatever its permission', async () => {
    const s = await watched()
    const result = await s.respondTo(s.say('/etd quarantine', READER), undefined, { 'respond-logins': `@${READER}` })
    expect(result.outputs['respond-outcome']).toBe('moved')
  })

  it('refuses an id the issue does not record, naming it, and moves none of the others', async () => {
    const s = await watched({
      messages: [simMessage('left', T - 50 * MINUTE, { folder: 'inbox' }), simMessage('elsewhere', T - 9 * 60 * MINUTE)]
    })
    const comment = s.say('/etd quarantine left elsewhere')
    const result = await s.respondTo(comment)
    expect(result.outputs['respond-outcome']).toBe('refused')
    expect(replies(s.github)[0]).toContain('Not recorded in this issue\\: elsewhere\\. Nothing was moved\\.')
    expect(s.sim.stats.tokens).toBe(0)
    expect(reactionsTo(s.github, comment)).toEqual(['eyes', 'confused'])
  })

  it.each([
    ['a bot', (s: Setup) => s.respondTo(s.say('/etd quarantine', 'other-app[bot]', 'Bot'))],
    ['an edited comment', (s: Setup) => s.respondTo(s.say('/etd quarantine'), { action: 'edited' })],
    ['a pull request', (s: Setup) => s.respondTo(s.say('/etd quarantine'), { issue: { pull_request: { url: 'x' } } })],
    ['a locked issue', (s: Setup) => s.respondTo(s.say('/etd quarantine'), { issue: { locked: true } })],
    [
      'an issue someone else opened',
      async (s: Setup) => {
        // A copy of the watch's issue, marker and all, opened by a person: its marker is not the watch's word.
        s.github.issues.push({ ...s.github.issues[0], number: 2, user: 'mallory' })
        return s.respondTo({ ...s.say('/etd quarantine'), issue: 2 })
      }
    ],
    ['a comment that is no command', (s: Setup) => s.respondTo(s.say('Thanks! /etd quarantine later'))]
  ])('ignores %s: no reply, no reaction, no ETD request', async (_, act) => {
    const s = await watched()
    const result = await act(s)
    expect(result.failed).toBe(false)
    expect(result.outputs['respond-outcome']).toBe('ignored')
    expect(result.log).toContain('left alone')
    expect(replies(s.github)).toEqual([])
    expect(s.github.reactions).toEqual([])
    expect(s.sim.stats.tokens).toBe(0)
  })

  it('explains a read-only ETD API client, moves nothing, and fails the job', async () => {
    const s = await watched({ readOnly: true })
    const comment = s.say('/etd quarantine')
    const result = await s.respondTo(comment)
    expect(result.failed).toBe(true)
    expect(result.outputs['respond-outcome']).toBe('failed')
    expect(folders(s)).toEqual(ETD_BEFORE)
    const [reply] = replies(s.github)
    expect(reply).toContain('0 of 2 moved, 2 not moved.')
    expect(reply).toContain('this ETD API client may not move mail')
    expect(reply).toContain('Read/Write access')
    expect(result.log).toContain('::error::ETD /v1/messages/move answered 403')
    expect(reactionsTo(s.github, comment)).toEqual(['eyes', '-1'])
    expect(s.github.issues[0].state).toBe('open')
  })

  it('refuses to run at all in a public repository', async () => {
    const s = await watched()
    const result = await s.respondTo(s.say('/etd quarantine'), { private: false })
    expect(result.failed).toBe(true)
    expect(result.log).toContain('::error::Commands from comments run only in a private repository')
    expect(replies(s.github)).toEqual([])
    expect(s.sim.stats.tokens).toBe(0)
  })

  it('answers a dry run with what would be moved, and moves nothing', async () => {
    const s = await watched()
    const result = await s.respondTo(s.say('/etd quarantine --dry-run'))
    expect(result.outputs['respond-outcome']).toBe('dry-run')
    expect(s.sim.stats.tokens).toBe(0)
    const [reply] = replies(s.github)
    expect(reply).toContain('dry run: it would move 2 messages. Nothing was moved.')
    expect(reply).toContain('`left` | to quarantine, verdict phishing kept |')
    // The dry-run input makes every command a dry run.
    const input = await s.respondTo(s.say('/etd trash 1'), undefined, { 'dry-run': 'true' })
    expect(input.outputs['respond-outcome']).toBe('dry-run')
    expect(replies(s.github)[1]).toContain('dry run: it would move 1 message. Nothing was moved.')
    expect(s.sim.stats.tokens).toBe(0)
  })

  it('answers a command it cannot read with a one-line reply, not a move', async () => {
    const s = await watched()
    const comment = s.say('/etd delete everything')
    const result = await s.respondTo(comment)
    expect(result.outputs).toMatchObject({ 'respond-outcome': 'refused', 'respond-command': '' })
    expect(replies(s.github)[0]).toMatch(/This \/etd command from `sec-writer` was not run: Unknown command\\: use /)
    expect(reactionsTo(s.github, comment)).toEqual(['eyes', 'confused'])
    expect(result.summary).toContain('- Command: none readable')
  })

  it('names a broken event file in one line', async () => {
    const s = await watched()
    const none = await runAction(({ env }) => respond({ env }), {}, { env: { GITHUB_EVENT_NAME: 'issue_comment' } })
    expect(none.failed).toBe(true)
    expect(none.log).toContain(
      '::error::GITHUB_EVENT_PATH is not set: commands from comments run only in GitHub Actions.'
    )
    const path = join(s.dir, 'broken-event.json')
    await writeFile(path, '{"comment": ')
    const broken = await runAction(({ env }) => respond({ env }), {}, { env: { GITHUB_EVENT_PATH: path } })
    expect(broken.log).toContain('::error::The event file GITHUB_EVENT_PATH names could not be read as JSON.')
    await writeFile(path, '{"issue": {"number": 1}}')
    const odd = await runAction(({ env }) => respond({ env }), {}, { env: { GITHUB_EVENT_PATH: path } })
    expect(odd.log).toContain('::error::The event is no issue_comment event: it has no comment or no issue.')
  })
})

describe('GitHub failing partway', () => {
  it('goes on without a reaction it could not give, and fails the job when the issue cannot be updated', async () => {
    const s = await watched()
    const comment = s.say('/etd quarantine')
    const reactions = `POST /repos/acme/etd-watch/issues/comments/${comment.id}/reactions`
    s.github.failRequests.push(
      { request: reactions, status: 422 },
      { request: 'PATCH /repos/acme/etd-watch/issues/1', status: 422 }
    )
    const result = await s.respondTo(comment)
    expect(result.failed).toBe(true)
    expect(folders(s)).toEqual({ ...ETD_BEFORE, left: 'quarantine', untouched: 'quarantine' })
    expect(result.log).toContain(`::warning::GitHub failed reacting to comment ${comment.id} in acme/etd-watch (422`)
    expect(result.log).toContain(
      '::error::The issue could not be brought up to date: GitHub failed recording moves in issue #1'
    )
    expect(replies(s.github)[0]).toContain('The issue could not be brought up to date')
    expect(reactionsTo(s.github, comment)).toEqual(['+1'])
    expect(s.github.issues[0].state).toBe('open')
  })
})

describe('/etd release', () => {
  it('by an admin: one message back to the inbox, reclassified as neutral', async () => {
    const s = await watched()
    const result = await s.respondTo(s.say('/etd release held', ADMIN))
    expect(result.outputs['respond-outcome']).toBe('moved')
    expect(folders(s)).toEqual({ left: 'inbox', untouched: 'inbox', held: 'inbox' })
    const held = s.sim.messages.find((m) => m.id === 'held')!
    expect(held.history.at(-1)).toMatchObject({ verdict: 'neutral', at: s.now.at })
    expect(replies(s.github)[0]).toContain('| `held` | back to the inbox, as neutral | queued | inbox | api')
  })

  it('by a writer: refused, since release needs admin', async () => {
    const s = await watched()
    const result = await s.respondTo(s.say('/etd release held'))
    expect(result.outputs['respond-outcome']).toBe('refused')
    expect(replies(s.github)[0]).toContain(
      'This command needs admin permission on the repository; the commenter has write permission'
    )
    expect(folders(s)).toEqual(ETD_BEFORE)
  })
})

describe('the day’s request budget and the state', () => {
  it('refuses a command when the watch’s budget for the day is spent', async () => {
    const s = await watched()
    const used = (await s.state()).requests?.count ?? 0
    const result = await s.respondTo(s.say('/etd quarantine'), undefined, { 'daily-request-budget': String(used) })
    expect(result.outputs['respond-outcome']).toBe('refused')
    expect(replies(s.github)[0]).toContain('daily\\-request\\-budget')
    expect(s.sim.stats.tokens).toBe(0)
  })

  it('stops at what the budget leaves, and says which messages were not moved', async () => {
    const s = await watched()
    const used = (await s.state()).requests?.count ?? 0
    // A token and one move: no status request is left to confirm with.
    const result = await s.respondTo(s.say('/etd quarantine'), undefined, { 'daily-request-budget': String(used + 2) })
    expect(result.failed).toBe(true)
    expect(result.outputs['respond-outcome']).toBe('partial')
    expect(replies(s.github)[0]).toContain(
      'Stopped: ETD /v1/messages/status not sent\\: daily\\-request\\-budget leaves this run 2 requests'
    )
    expect((await s.state()).requests?.count).toBe(used + 2)
  })

  it('adds its requests to the newest state: a watermark the watch saved meanwhile is kept', async () => {
    const s = await watched()
    const store = new FileStateStore(join(s.dir, 'state.json'))
    const before = await s.state()
    const later = before.watermark + 10 * MINUTE
    // The watch saves a newer state while the command is being carried out (when the issue is closed).
    s.github.beforeReply = async () => {
      s.github.beforeReply = undefined
      await store.save({ ...(await s.state()), watermark: later })
    }
    await s.respondTo(s.say('/etd quarantine'))
    const after = await s.state()
    expect(after.watermark).toBe(later)
    expect(after.requests?.count).toBe((before.requests?.count ?? 0) + 4)
  })
})
