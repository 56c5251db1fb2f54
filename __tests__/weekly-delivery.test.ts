import { afterEach, describe, expect, it } from '@jest/globals'
import { run } from '../src/main.js'
import type { WeeklyReport } from '../src/report/weekly/types.js'
import { certificate } from '../src/simulator/certificate.js'
import { generateMessages } from '../src/simulator/data.js'
import { type GitHubApi } from '../src/simulator/github-api.js'
import { type MailSink } from '../src/simulator/mail-sink.js'
import { type Simulator } from '../src/simulator/server.js'
import { type WebhookReceiver } from '../src/simulator/webhook-receiver.js'
import { runAction, type ActionResult } from './helpers/action-run.js'
import { type CacheServer } from './helpers/cache-server.js'
import { etdInputs } from './helpers/simulator.js'
import { githubEnv, startAllServers } from './helpers/watch-run.js'
import { readFile } from 'node:fs/promises'

const HOUR = 3_600_000
/** Friday 27 November 2026, 10:00 UTC: the runs before it watch, the one at it reports the week to the 26th. */
const T0 = Date.UTC(2026, 10, 27, 10, 0, 0)
const home = process.cwd()

let sim: Simulator, smtp: MailSink, github: GitHubApi, receiver: WebhookReceiver, cacheServer: CacheServer
let workspace = ''

afterEach(() => process.chdir(home))

async function setUp(): Promise<void> {
  const messages = generateMessages({ seed: 9, count: 300, start: T0 - 3 * 86_400_000, end: T0 - 600_000 })
  ;({ workspace, sim, smtp, github, receiver, cacheServer } = await startAllServers(
    'etd-weekly-delivery-',
    messages,
    T0
  ))
}

/** One run at `at` with every channel and the state in the cache, as run `runId` of the workflow. */
async function runAt(at: number, runId: number, inputs: Record<string, string> = {}): Promise<ActionResult> {
  return runAction(
    async ({ env }) => run({ env, emailCa: (await certificate()).cert, now: () => at }),
    {
      ...etdInputs(sim),
      mailboxes: '*@subsidiary.example.org, ceo@example.com',
      backfill: '3d',
      notify: 'email, issue, webhook',
      'smtp-url': `smtp://alerts:pw@127.0.0.1:${smtp.port}`,
      'email-from': 'etd@example.com',
      'email-to': 'soc@example.com',
      'github-token': github.token,
      'webhook-url': [`json=${receiver.url}/json/hook`, `slack=${receiver.url}/slack/hook`].join('\n'),
      ...inputs
    },
    {
      dir: workspace,
      env: {
        ACTIONS_CACHE_URL: cacheServer.url,
        ACTIONS_RUNTIME_TOKEN: cacheServer.token,
        GITHUB_RUN_ID: String(runId),
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_WORKSPACE: workspace,
        GITHUB_WORKFLOW_REF: 'acme/etd-watch/.github/workflows/etd-watch.yml@refs/heads/main',
        GITHUB_JOB: 'watch',
        ...githubEnv(github)
      }
    }
  )
}

describe('report: weekly, to every channel, against the simulator, an SMTP server, a GitHub API, webhooks and the cache', () => {
  it('opens an issue under its own label, mails and posts the report, and adds only its requests to the state', async () => {
    await setUp()
    await runAt(T0 - 2 * HOUR, 1)
    await runAt(T0 - HOUR, 2)
    const before = {
      issues: github.issues.length,
      emails: smtp.received.length,
      posts: receiver.received.length,
      entries: cacheServer.entries.length,
      requests: sim.stats.tokens + sim.stats.searches + sim.stats.reports
    }
    const result = await runAt(T0, 3, { report: 'weekly' })
    expect(result.failed).toBe(false)
    expect(sim.stats.tokens + sim.stats.searches + sim.stats.reports - before.requests).toBe(5)

    // Two watch runs today, none in the week reported: every day of both weeks is a gap, said as such.
    const title = 'ETD weekly report 2026-11-20 – 2026-11-26 UTC: 0 convictions, the week before is not known'
    const issues = github.issues.slice(before.issues)
    expect(issues.map((i) => [i.title, i.labels])).toEqual([[title, ['etd-weekly-report']]])
    expect(github.labels.has('etd-weekly-report')).toBe(true)
    const mails = smtp.received.slice(before.emails)
    expect(mails.map((m) => [m.envelopeTo, m.mail.subject])).toEqual([[['soc@example.com'], `[ETD] ${title}`]])
    // The channels after the issue link to it, and to the run.
    expect(mails[0].mail.text).toContain(issues[0].html_url)
    const posts = receiver.received.slice(before.posts)
    expect(posts.map((p) => p.path)).toEqual(['/json/hook', '/slack/hook'])
    const json = posts[0].body as { schemaVersion: number; event: string; period: unknown; watched: { gaps: string[] } }
    expect(json).toMatchObject({
      schemaVersion: 2,
      event: 'weekly',
      period: { start: '2026-11-20T00:00:00.000Z', end: '2026-11-27T00:00:00.000Z' }
    })
    expect(json.watched.gaps).toHaveLength(14)
    expect(JSON.stringify(posts[1].body)).toContain('ETD weekly report')
    expect(result.summary).toContain('ETD weekly report 2026-11-20')
    const file = JSON.parse(await readFile(result.outputs['report-path'], 'utf8')) as WeeklyReport
    expect(file.period).toEqual({ start: Date.UTC(2026, 10, 20), end: Date.UTC(2026, 10, 27) })
    expect(file.watched.gaps).toEqual(json.watched.gaps)
    expect(file.watched.days).toEqual([])

    // The state: one more cache entry, the watch's own with this run's five requests added to the day's tally,
    // which the next watch run restores and counts on from; the report run is no scheduled run of the watch's.
    expect(cacheServer.entries.map((e) => e.key).at(-1)).toMatch(/\/3-1$/)
    expect(result.outputs['state-saved']).toBe('false')
    expect(result.summary).toContain('5 ETD requests were added to the state')
    const next = await runAt(T0 + HOUR, 4)
    const all = sim.stats.tokens + sim.stats.searches + sim.stats.reports
    expect(next.log).toContain(`${all.toLocaleString('en-US')} of 2,000 today`)
    expect(next.log).not.toContain('No state restored')
  })

  it('names what ETD did not answer, and still reports the rest', async () => {
    await setUp()
    await runAt(T0 - HOUR, 1)
    // The first report request (by verdict) is refused; the others answer.
    sim.faults.statuses.push(400)
    const result = await runAt(T0, 2, { report: 'weekly' })
    expect(result.failed).toBe(false)
    const file = JSON.parse(await readFile(result.outputs['report-path'], 'utf8')) as WeeklyReport
    expect(file.tenant.missing).toEqual(['verdicts: ETD /v1/messages/report answered 400: Service Unavailable'])
    expect(file.tenant.days).toEqual([])
    expect(file.tenant.total).toEqual({ current: 0, previous: null })
    expect(file.tenant.topTargets.length).toBeGreaterThan(0)
    expect(result.log).toContain('::warning::ETD')
  })

  it('a dry run sends and saves nothing; without state its requests join no tally; a failing channel fails the run', async () => {
    await setUp()
    const dry = await runAt(T0, 1, { report: 'weekly', 'dry-run': 'true' })
    expect(dry.failed).toBe(false)
    expect([github.issues, smtp.received, receiver.received, cacheServer.entries].map((list) => list.length)).toEqual([
      0, 0, 0, 0
    ])
    expect(dry.summary).toContain('Dry run: the weekly report was not sent.')
    expect(dry.summary).toContain('Dry run: state not saved.')

    const fresh = await runAt(T0, 2, { report: 'weekly' })
    expect(fresh.failed).toBe(false)
    expect(fresh.summary).toContain('No state to add this run')
    expect(cacheServer.entries).toHaveLength(0)
    expect(smtp.received).toHaveLength(1)

    receiver.replyNext.set('/json/hook', [{ status: 404, body: 'no such hook' }])
    const failing = await runAt(T0, 3, { report: 'weekly' })
    expect(failing.failed).toBe(true)
    expect(failing.log).toMatch(/::error::JSON webhook 1 answered 404/)
    // The others were told all the same.
    expect(smtp.received).toHaveLength(2)
    expect(receiver.received.filter((p) => p.path === '/slack/hook')).toHaveLength(2)
  })
})
