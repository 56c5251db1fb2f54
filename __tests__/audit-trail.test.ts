import { describe, expect, it } from '@jest/globals'
import { unpacedLimiter } from '../src/common/rate-limiter.js'
import { EtdClient } from '../src/etd/client.js'
import { readMarker } from '../src/notify/issue/marker.js'
import { startGitHubApi, type GitHubApi } from '../src/simulator/github-api.js'
import { startSimulator, type Simulator } from '../src/simulator/server.js'
import type { ActionResult } from './helpers/action-run.js'
import { threePhish, T } from './helpers/fixtures.js'
import { closedAfter, tempDir } from './helpers/servers.js'
import { githubEnv, runWatch } from './helpers/watch-run.js'

const MINUTE = 60_000
let clock = T

/**
 * Three phish to the CEO in the hour before `T`: a and b left in the inbox, c quarantined by ETD; the
 * watch opens one issue for them at `T`, and searches the day again on every run (rescan-every: 0).
 */
async function watched() {
  clock = T
  const dir = await tempDir('etd-trail-')
  const sim = closedAfter(
    await startSimulator({
      messages: threePhish(['aaaa-0001', 'bbbb-0002', 'cccc-0003']),
      clock: () => clock,
      rateLimit: false
    })
  )
  const github = closedAfter(await startGitHubApi({ labels: ['security'] }))
  const runAt = (at: number): Promise<ActionResult> => {
    clock = at
    return runWatch(
      sim,
      { mailboxes: 'ceo@example.com', notify: 'issue', 'github-token': github.token, 'rescan-every': '0' },
      {
        dir,
        now: () => clock,
        env: { ...githubEnv(github), GITHUB_SERVER_URL: 'https://github.example', GITHUB_RUN_ID: '77' }
      }
    )
  }
  const first = await runAt(T)
  expect(first.failed).toBe(false)
  expect(github.issues).toHaveLength(1)
  expect(github.issues[0].labels).toContain('action-needed')
  return { sim, github, runAt }
}

/** Someone else moves mail through ETD's API (an administrator's script, a SOAR), at `at`. */
async function moveElsewhere(sim: Simulator, at: number, ids: string[], folder: string, verdict = 'phishing') {
  clock = at
  const client = new EtdClient({
    baseUrl: sim.url,
    apiKey: sim.apiKey,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    limiter: unpacedLimiter()
  })
  const { moves } = await client.move(ids, folder, verdict)
  expect(moves.every((m) => m.queueSuccess)).toBe(true)
}

/** What a run cost ETD and GitHub. */
async function costOf(sim: Simulator, github: GitHubApi, run: () => Promise<ActionResult>) {
  const before = { ...sim.stats, github: github.requests.length }
  const result = await run()
  expect(result.failed).toBe(false)
  return {
    result,
    searches: sim.stats.searches - before.searches,
    tokens: sim.stats.tokens - before.tokens,
    statuses: sim.stats.statuses - before.statuses,
    moves: sim.stats.moves - before.moves,
    github: github.requests.slice(before.github)
  }
}

const rowOf = (body: string, id: string) => body.split('\n').find((line) => line.endsWith(`| \`${id}\` |`))

describe('the audit trail: later watch runs record moves made elsewhere on the open issue', () => {
  it('updates the row, the count and the marker with one comment, then closes the issue when all are out', async () => {
    const { sim, github, runAt } = await watched()
    const [issue] = github.issues

    // A quiet run first: nothing moved, so GitHub is not asked anything.
    const quiet = await costOf(sim, github, () => runAt(T + 10 * MINUTE))
    expect(quiet.github).toEqual([])

    await moveElsewhere(sim, T + 15 * MINUTE, ['aaaa-0001'], 'quarantine')
    const moved = await costOf(sim, github, () => runAt(T + 20 * MINUTE))
    // The same ETD requests as the quiet run: the search that was due anyway saw the move.
    expect([moved.searches, moved.tokens, moved.statuses]).toEqual([quiet.searches, quiet.tokens, 0])
    expect(moved.moves).toBe(0)
    expect(moved.github).toEqual([
      'GET /repos/acme/etd-watch/issues?labels=etd-verdict-watch&state=all&sort=created&direction=desc&per_page=100',
      'PATCH /repos/acme/etd-watch/issues/1',
      'POST /repos/acme/etd-watch/issues/1/comments'
    ])
    expect(rowOf(issue.body, 'aaaa-0001')).toContain(
      '| **now in quarantine** (2026-11-27 10:15 UTC, by hand or an API client) |'
    )
    expect(rowOf(issue.body, 'bbbb-0002')).toContain('| no action taken |')
    expect(issue.body).toContain('## Still in the inbox: 1 — act on these')
    expect(readMarker(issue.body).places).toEqual(new Map([['aaaa-0001', 'quarantine']]))
    expect(github.comments.map((c) => c.body)).toEqual([
      [
        '**1 change seen by the watch**',
        '',
        '- `aaaa-0001` left the inbox: now in quarantine (2026-11-27 10:15 UTC, by hand or an API client).',
        '',
        'Still in the inbox: 1.',
        '',
        'Workflow run: https://github.example/acme/etd-watch/actions/runs/77'
      ].join('\n')
    ])
    expect(issue.labels).toContain('action-needed')
    expect(moved.result.summary).toContain('Issue #1: 1 left the inbox; 1 still in the inbox.')

    // Told once: the next run sees the same move and leaves GitHub alone.
    const again = await costOf(sim, github, () => runAt(T + 30 * MINUTE))
    expect(again.github).toEqual([])

    await moveElsewhere(sim, T + 35 * MINUTE, ['bbbb-0002'], 'trash')
    const last = await costOf(sim, github, () => runAt(T + 40 * MINUTE))
    expect([last.searches, last.tokens, last.statuses]).toEqual([quiet.searches, quiet.tokens, 0])
    expect(issue.state).toBe('closed')
    expect(issue.state_reason).toBe('completed')
    expect(issue.labels).not.toContain('action-needed')
    expect(issue.labels).toContain('etd-verdict-watch')
    expect(github.comments).toHaveLength(2)
    expect(github.comments[1].body).toContain(
      '- `bbbb-0002` left the inbox: now in deleted items (2026-11-27 10:35 UTC, by hand or an API client).\n\nEvery message of this issue is out of the inbox, so the watch closes it.'
    )
    expect(issue.body).toContain('## Still in the inbox: none\n')
  })

  it('records a message that came back to the inbox, and labels the issue again', async () => {
    const { sim, github, runAt } = await watched()
    const [issue] = github.issues
    await moveElsewhere(sim, T + 5 * MINUTE, ['aaaa-0001', 'bbbb-0002'], 'quarantine')
    await runAt(T + 10 * MINUTE)
    expect(issue.state).toBe('closed')
    // Reopened by a person, who then sends one back.
    issue.state = 'open'
    await moveElsewhere(sim, T + 15 * MINUTE, ['aaaa-0001'], 'inbox')
    const back = await costOf(sim, github, () => runAt(T + 20 * MINUTE))
    expect(back.statuses).toBe(0)
    expect(issue.labels).toContain('action-needed')
    expect(issue.state).toBe('open')
    expect(github.comments.at(-1)?.body).toContain(
      '- `aaaa-0001` is back in the inbox (2026-11-27 10:15 UTC, by hand or an API client).'
    )
    expect(rowOf(issue.body, 'aaaa-0001')).toContain('| **back in the inbox** (')
  })

  it('keeps a change GitHub refused for a later run, which records it', async () => {
    const { sim, github, runAt } = await watched()
    const [issue] = github.issues
    await moveElsewhere(sim, T + 5 * MINUTE, ['aaaa-0001'], 'quarantine')
    github.readOnly = true
    const refused = await runAt(T + 10 * MINUTE)
    expect(refused.failed).toBe(false)
    expect(refused.log).toContain(
      "::warning::GitHub refused recording moves in issue #1 in acme/etd-watch (403 Resource not accessible by integration): the workflow's token needs the issues: write permission"
    )
    expect(github.comments).toEqual([])
    github.readOnly = false
    await runAt(T + 20 * MINUTE)
    expect(github.comments).toHaveLength(1)
    expect(rowOf(issue.body, 'aaaa-0001')).toContain('| **now in quarantine** (2026-11-27 10:05 UTC')
  })

  it('says once that a message released as safe is no longer followed, and keeps the issue open', async () => {
    const { sim, github, runAt } = await watched()
    const [issue] = github.issues
    // Released to the inbox as neutral: the verdict search no longer returns it.
    await moveElsewhere(sim, T + 5 * MINUTE, ['bbbb-0002'], 'inbox', 'neutral')
    await moveElsewhere(sim, T + 6 * MINUTE, ['aaaa-0001'], 'junk')
    const lost = await costOf(sim, github, () => runAt(T + 10 * MINUTE))
    expect(lost.statuses).toBe(0)
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0].body).toContain(
      "- `bbbb-0002` is no longer followed: it is older than the watch's rescan range, or ETD's search no longer returns it. Check it in ETD."
    )
    expect(issue.state).not.toBe('closed')
    expect(issue.labels).toContain('action-needed')
    expect(issue.body).toContain('## Still in the inbox: none known (1 no longer followed)')
    const later = await costOf(sim, github, () => runAt(T + 20 * MINUTE))
    expect(later.github).toEqual([])
  })
})
