import { afterEach, describe, expect, it } from '@jest/globals'
import { run } from '../src/main.js'
import { etdInputs } from './helpers/simulator.js'
import { certificate } from '../src/simulator/certificate.js'
import { generateMessages } from '../src/simulator/data.js'
import { type GitHubApi } from '../src/simulator/github-api.js'
import { type MailSink } from '../src/simulator/mail-sink.js'
import { type Simulator } from '../src/simulator/server.js'
import { type WebhookReceiver } from '../src/simulator/webhook-receiver.js'
import { runAction, type ActionResult } from './helpers/action-run.js'
import { type CacheServer } from './helpers/cache-server.js'
import { githubEnv, startAllServers } from './helpers/watch-run.js'

const T0 = Date.UTC(2026, 10, 27, 10, 0, 0)
const home = process.cwd()

// The servers of the test under way, each closed after it.
let sim: Simulator, smtp: MailSink, github: GitHubApi, receiver: WebhookReceiver, cacheServer: CacheServer
let workspace = ''

afterEach(() => {
  process.chdir(home)
})

async function setUp(): Promise<void> {
  const messages = generateMessages({ seed: 8, count: 400, start: T0 - 2 * 86_400_000, end: T0 - 600_000 })
  ;({ workspace, sim, smtp, github, receiver, cacheServer } = await startAllServers('etd-send-test-', messages, T0))
}

async function watch(runId: number, inputs: Record<string, string> = {}): Promise<ActionResult> {
  return runAction(
    async ({ env }) => run({ env, emailCa: (await certificate()).cert, now: () => T0 }),
    {
      ...etdInputs(sim!),
      mailboxes: '*@subsidiary.example.org, ceo@example.com',
      backfill: '2d',
      notify: 'email, issue, webhook',
      'owner-notices': 'true',
      'smtp-url': `smtp://alerts:pw@127.0.0.1:${smtp!.port}`,
      'email-from': 'etd@example.com',
      'email-to': 'soc@example.com',
      'github-token': github!.token,
      'webhook-url': [`json=${receiver!.url}/json/hook`, `slack=${receiver!.url}/slack/hook`].join('\n'),
      ...inputs
    },
    {
      dir: workspace,
      env: {
        ACTIONS_CACHE_URL: cacheServer!.url,
        ACTIONS_RUNTIME_TOKEN: cacheServer!.token,
        GITHUB_RUN_ID: String(runId),
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_WORKSPACE: workspace,
        GITHUB_WORKFLOW_REF: 'acme/etd-watch/.github/workflows/etd-watch.yml@refs/heads/main',
        GITHUB_JOB: 'watch',
        ...githubEnv(github!)
      }
    }
  )
}

describe('send-test, against the simulator, an SMTP server, a GitHub API, webhook receivers and the cache', () => {
  it('checks the credentials with one token, tells every channel one [TEST] conviction, and leaves the state be', async () => {
    await setUp()
    // A real run first, so that there is state to leave alone.
    expect((await watch(1)).outputs['state-saved']).toBe('true')
    const before = {
      entries: cacheServer!.entries.map((e) => e.key),
      cacheRequests: cacheServer!.requests.length,
      tokens: sim!.stats.tokens,
      searches: sim!.stats.searches,
      emails: smtp!.received.length,
      issues: github!.issues.length,
      posts: receiver!.received.length
    }
    expect(before.entries).toHaveLength(1)

    const result = await watch(2, { 'send-test': 'true' })
    expect(result.failed).toBe(false)
    // ETD: one token request, and no search: no mailbox data was read.
    expect(sim!.stats.tokens - before.tokens).toBe(1)
    expect(sim!.stats.searches).toBe(before.searches)
    expect(result.outputs['etd-requests']).toBe('1')
    // The cache: neither read nor written.
    expect(cacheServer!.requests).toHaveLength(before.cacheRequests)
    expect(cacheServer!.entries.map((e) => e.key)).toEqual(before.entries)
    expect(result.outputs['state-saved']).toBe('false')

    // Email: one digest to email-to, marked [TEST]; no owner notice to the watched mailbox.
    const mails = smtp!.received.slice(before.emails)
    expect(mails).toHaveLength(1)
    expect(mails[0].envelopeTo).toEqual(['soc@example.com'])
    expect(mails[0].mail.subject).toBe('[TEST] [ETD] 1 new conviction: 1 BEC')
    expect(mails[0].mail.text).toContain('[TEST] A synthetic conviction from etd-verdict-watch send-test')

    // The issue, opened before the email, says [TEST] in its title and lists the conviction.
    const issues = github!.issues.slice(before.issues)
    expect(issues).toHaveLength(1)
    expect(issues[0].title).toMatch(/^\[TEST\] ETD: 1 new conviction \(1 BEC\) /)
    // Escaped as markdown, as every subject is.
    expect(issues[0].body).toContain(
      '| \\[TEST\\] A synthetic conviction from etd\\-verdict\\-watch send\\-test\\: no action needed |'
    )
    // The digest, sent after it, links to the issue and to the workflow run.
    const runUrl = 'https://github.com/acme/etd-watch/actions/runs/2'
    expect(issues[0].body).toContain(`- Workflow run: ${runUrl}`)
    expect(mails[0].mail.text).toContain(`Issue: ${issues[0].html_url}\nWorkflow run: ${runUrl}\n`)
    expect(mails[0].mail.html).toContain(`Issue: <a href="${issues[0].html_url}">`)
    expect(issues[0].labels).not.toContain('action-needed')
    expect(result.outputs['issue-url']).toBe(issues[0].html_url)

    // Each webhook: one post with the [TEST] title and the conviction.
    const posts = receiver!.received.slice(before.posts)
    // After the issue, which records them, in the order of webhook-url's lines.
    expect(posts.map((p) => p.path)).toEqual(['/json/hook', '/slack/hook'])
    const json = posts[0].body as {
      test?: boolean
      convictions: Array<{ subject: string }>
      links: { issue: string | null }
    }
    expect(json.links.issue).toBe(issues[0].html_url)
    expect(json.test).toBe(true)
    expect(json.convictions).toHaveLength(1)
    expect(json.convictions[0].subject).toMatch(/^\[TEST\] A synthetic conviction/)
    expect(JSON.stringify(posts[1].body)).toContain('[TEST] ETD verdict watch: 1 new conviction')
    expect(result.outputs.notified).toBe('true')
    expect(result.summary).toContain('Send test: the state was neither read nor saved.')

    // The next real run picks up where the first left off: nothing new, nothing repeated.
    const after = await watch(3)
    expect(after.outputs['state-restored']).toBe('true')
    expect(after.outputs['new-count']).toBe('0')
  })

  it('fails on credentials ETD refuses, before telling anyone', async () => {
    await setUp()
    const result = await watch(1, { 'send-test': 'true', 'etd-client-secret': 'wrong-secret-1234' })
    expect(result.failed).toBe(true)
    expect(result.log).toContain('::error::ETD /v1/oauth/token answered 401')
    expect(smtp!.received).toHaveLength(0)
    expect(github!.issues).toHaveLength(0)
    expect(receiver!.received).toHaveLength(0)
    expect(cacheServer!.requests).toHaveLength(0)
  })
})
