import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { respond } from '../../src/respond.js'
import type { GitHubApi, SimComment } from '../../src/simulator/github-api.js'
import { runAction, type ActionResult } from './action-run.js'
import { etdInputs } from './simulator.js'
import { githubEnv } from './watch-run.js'

type EtdServer = Parameters<typeof etdInputs>[0]

/** The `issue_comment` event GitHub sends for `comment` on issue `number`, as the runner writes it to a file. */
export function commentEvent(
  github: GitHubApi,
  comment: SimComment,
  extra: { action?: string; private?: boolean; issue?: Record<string, unknown> } = {}
): Record<string, unknown> {
  const issue = github.issues.find((i) => i.number === comment.issue)
  return {
    action: extra.action ?? 'created',
    comment: { id: comment.id, body: comment.body, user: comment.user, author_association: 'MEMBER' },
    issue: {
      number: comment.issue,
      user: { login: issue?.user ?? 'octocat' },
      state: issue?.state ?? 'open',
      locked: issue?.locked ?? false,
      labels: (issue?.labels ?? []).map((name) => ({ name })),
      ...extra.issue
    },
    repository: { full_name: `${github.owner}/${github.repo}`, private: extra.private ?? true },
    // Whoever caused the event; the flow goes by comment.user, never by this.
    sender: { login: 'someone-else', type: 'User' }
  }
}

/**
 * One run of the action on `issue_comment` with `event` (see commentEvent), against the ETD simulator
 * `sim` and the local GitHub API `github`, its state in `dir/state.json` as the watch's is.
 */
export async function runRespond(
  sim: EtdServer,
  github: GitHubApi,
  event: Record<string, unknown>,
  options: { dir: string; now: () => number; inputs?: Record<string, string> }
): Promise<ActionResult> {
  const eventPath = join(options.dir, `event-${Date.now()}-${Math.random().toString(36).slice(2)}.json`)
  await writeFile(eventPath, JSON.stringify(event))
  return runAction(
    ({ env }) => respond({ env, now: options.now }),
    {
      ...etdInputs(sim),
      'state-path': join(options.dir, 'state.json'),
      'github-token': github.token,
      ...options.inputs
    },
    {
      dir: options.dir,
      env: { ...githubEnv(github), GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: eventPath }
    }
  )
}
