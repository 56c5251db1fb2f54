import { describe, expect, it } from '@jest/globals'
import { marked } from 'marked'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { formatMarker, parseMarker } from '../src/notify/issue/marker.js'
import type { Report } from '../src/report/report.js'
import { generateMessages } from '../src/simulator/data.js'
import { startGitHubApi, type GitHubApi } from '../src/simulator/github-api.js'
import { startMailSink, type MailSink } from '../src/simulator/mail-sink.js'
import { closedAfter } from './helpers/servers.js'
import { githubEnv, WatchAt } from './helpers/watch-run.js'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 10, 27, 10, 0, 0)
let github: GitHubApi | undefined
let sink: MailSink | undefined
const watch = new WatchAt(
  T0,
  () => ({
    mailboxes: 'ceo@example.com, cfo@example.com, *@subsidiary.example.org',
    backfill: '2d',
    notify: 'issue',
    'github-token': github!.token,
    'issue-labels': 'etd-verdict-watch, security',
    'issue-assignees': '@octocat'
  }),
  () => ({ ...githubEnv(github!), GITHUB_SERVER_URL: 'https://github.example', GITHUB_RUN_ID: '4242' })
)
const { runAt } = watch

async function setUp(count = 400, seed = 12, until = T0 - 10 * 60_000): Promise<void> {
  await watch.start('etd-issues-', generateMessages({ seed, count, start: T0 - 2 * 86_400_000, end: until }))
  github = closedAfter(await startGitHubApi({ labels: ['security'] }))
}

const creates = () => github!.requests.filter((r) => r.startsWith('POST /repos/acme/etd-watch/issues'))

describe('an issue per batch, through Octokit against a local GitHub API', () => {
  it('opens one issue with labels, assignees, the batch marker and a link to the run', async () => {
    await setUp()
    const result = await runAt(T0)
    expect(result.failed).toBe(false)
    expect(github!.issues).toHaveLength(1)
    const [issue] = github!.issues
    const report = JSON.parse(await readFile(join(watch.dir, 'etd-verdict-watch', 'report.json'), 'utf8')) as Report
    const told = report.messages.filter((m) => m.notice === 'new')
    expect(told.length).toBeGreaterThan(10)

    // Some of the simulator's convictions were left in the inbox: the issue is marked for a person to act.
    const inInbox = told.filter((m) => !m.remediation?.folder || m.remediation.folder === 'inbox')
    expect(inInbox.length).toBeGreaterThan(0)
    expect(issue.labels).toEqual(['etd-verdict-watch', 'security', 'action-needed'])
    expect(issue.body).toContain(`## Still in the inbox: ${inInbox.length} — act on these`)
    expect(github!.labels.get('etd-verdict-watch')?.color).toBe('b60205')
    expect(issue.assignees).toEqual(['octocat'])
    expect(issue.title).toMatch(
      new RegExp(
        `^ETD: ${told.length} new convictions \\(\\d+ [A-Za-z]+(, \\d+ [A-Za-z]+)*\\) 2026-11-25 09:55 – 2026-11-27 09:55 UTC$`
      )
    )
    expect(issue.title.length).toBeLessThan(256)
    expect(
      parseMarker(issue.body)
        .map((c) => c.id)
        .sort()
    ).toEqual(told.map((m) => m.id).sort())
    expect(issue.body).toContain('- Workflow run: https://github.example/acme/etd-watch/actions/runs/4242')
    for (const m of told) expect(issue.body).toContain(`\`${m.id}\``)
    expect(result.outputs['issue-url']).toBe(issue.html_url)
    expect(result.outputs['issue-number']).toBe('1')
    expect(result.outputs.notified).toBe('true')
    expect(result.summary).toContain(`Issue #1 opened: ${issue.html_url}.`)
  })

  it('opens the issue unassigned, with a warning naming the login, when GitHub refuses an assignee (422)', async () => {
    await setUp()
    const result = await runAt(T0, { 'issue-assignees': 'octocat, no-such-user' })
    expect(result.failed).toBe(false)
    // GitHub refused the first try: the second, unassigned, is the one issue there is.
    expect(creates()).toHaveLength(2)
    expect(github!.issues).toHaveLength(1)
    expect(github!.issues[0].assignees).toEqual([])
    const warning =
      "Issue #1: GitHub refused to assign it to 'no-such-user' (422), so it was opened unassigned: check " +
      'issue-assignees (logins that may be assigned issues in acme/etd-watch).'
    expect(result.log).toContain(`::warning::${warning}\n`)
    expect(result.outputs['issue-number']).toBe('1')
    expect(result.outputs['state-saved']).toBe('true')
    expect(result.summary).toContain(
      `Issue #1 opened: ${github!.issues[0].html_url}. GitHub refused to assign it to &#39;no-such-user&#39; (422)`
    )
  })

  it('opens no issue when nothing is new', async () => {
    await setUp()
    await runAt(T0)
    const again = await runAt(T0 + HOUR)
    expect(again.failed).toBe(false)
    expect(again.outputs['new-count']).toBe('0')
    expect(creates()).toHaveLength(1)
    expect(again.outputs['issue-url']).toBe('')
  })

  it('opens no duplicate, nor emails again, when a run is re-run after its state failed to save', async () => {
    await setUp()
    sink = closedAfter(await startMailSink({ auth: { user: 'u', pass: 'p' } }))
    // A file where the state's folder should be: every save fails.
    await writeFile(join(watch.dir, 'blocked'), '')
    const inputs = {
      notify: 'email, issue',
      'state-path': join(watch.dir, 'blocked', 'state.json'),
      'smtp-url': `smtp://u:p@127.0.0.1:${sink.port}`,
      'email-from': 'etd@example.com',
      'email-to': 'soc@example.com'
    }
    const first = await runAt(T0, inputs)
    expect(first.failed).toBe(false)
    expect(first.outputs['state-saved']).toBe('false')
    expect(github!.issues).toHaveLength(1)
    expect(sink.received).toHaveLength(1)
    // The issue is opened first, and the digest links to it.
    expect(sink.received[0].mail.text).toContain(`Issue: ${github!.issues[0].html_url}\n`)

    const rerun = await runAt(T0, inputs)
    expect(rerun.failed).toBe(false)
    expect(rerun.log).toContain('No state, so the markers of recent issues stand in')
    expect(rerun.outputs['new-count']).toBe('0')
    expect(github!.issues).toHaveLength(1)
    expect(sink.received).toHaveLength(1)
  })

  it("trusts only markers in issues the watch's own identity opened, as set by issue-author", async () => {
    await setUp()
    // A dry run finds the batch; someone else then posts an issue whose marker claims it was told.
    const dry = await runAt(T0, { 'dry-run': 'true' })
    const found = (JSON.parse(await readFile(join(watch.dir, 'etd-verdict-watch', 'report.json'), 'utf8')) as Report)
      .messages
    expect(found.length).toBeGreaterThan(10)
    github!.issues.push({
      number: 1,
      title: 'Harmless',
      body: formatMarker(found),
      labels: ['etd-verdict-watch'],
      assignees: [],
      created_at: new Date(T0 - HOUR).toISOString(),
      html_url: 'https://github.example/acme/etd-watch/issues/1',
      user: 'mallory'
    })
    expect(dry.failed).toBe(false)

    const result = await runAt(T0)
    expect(result.failed).toBe(false)
    expect(result.outputs['new-count']).toBe(String(found.length))
    expect(github!.issues).toHaveLength(2)
    expect(parseMarker(github!.issues[1].body)).toHaveLength(found.length)

    // With issue-author naming that login (as for a GitHub App or a personal token), its markers count.
    await rm(join(watch.dir, 'state.json'))
    const asApp = await runAt(T0, { 'issue-author': 'mallory' })
    expect(asApp.outputs['new-count']).toBe('0')
    expect(github!.issues).toHaveLength(2)
  })

  it('opens no duplicate when a failed save brings back an older state', async () => {
    // Messages keep arriving after T0, so that the run three hours later has a batch of its own.
    await setUp(400, 12, T0 + 2 * HOUR)
    const statePath = join(watch.dir, 'state.json')
    await runAt(T0)
    const before = await readFile(statePath, 'utf8')
    const later = await runAt(T0 + 3 * HOUR)
    expect(later.failed).toBe(false)
    expect(github!.issues.map((i) => i.number)).toEqual([1, 2])
    // Had that run's save failed, the next run would restore the state from before it.
    await writeFile(statePath, before)
    const rerun = await runAt(T0 + 3 * HOUR)
    expect(rerun.failed).toBe(false)
    expect(rerun.outputs['state-restored']).toBe('true')
    expect(creates()).toHaveLength(2)
    expect(rerun.outputs['issue-number']).toBe('2')
    expect(rerun.summary).toContain('Already recorded in issue #2, so no new issue.')
  })

  it('goes on when another run creates a label between its read and its create', async () => {
    await setUp()
    // The read says `security` is missing; by the create it exists, and GitHub answers 422 already_exists.
    github!.failRequests = [{ request: 'GET /repos/acme/etd-watch/labels/security', status: 404 }]
    const result = await runAt(T0)
    expect(result.failed).toBe(false)
    // etd-verdict-watch, security (answered 422) and action-needed (some convictions are still in the inbox).
    expect(github!.requests.filter((r) => r === 'POST /repos/acme/etd-watch/labels')).toHaveLength(3)
    expect(github!.issues).toHaveLength(1)
    expect(github!.issues[0].labels).toEqual(['etd-verdict-watch', 'security', 'action-needed'])
  })

  it('makes hostile subjects and sender names inert: no mention, reference, image or live link; its own mailboxes stay searchable', async () => {
    await setUp(900, 3)
    await runAt(T0)
    const { body } = github!.issues[0]
    const html = await marked.parse(body, { gfm: true })
    const links = [...html.matchAll(/<a [^>]*href="([^"]*)"/g)].map((m) => m[1])
    // The run link is the one link; every() alone would pass on a body with no links at all.
    expect(links.length).toBeGreaterThan(0)
    expect(links.every((href) => href === 'https://github.example/acme/etd-watch/actions/runs/4242')).toBe(true)
    expect(html).not.toMatch(/<(img|script|iframe|details)[\s>]/i)
    // GitHub pings @user and @org/team and links #123 when @ or # is followed directly by a name or number.
    expect(body).not.toMatch(/(^|[^\w`])@[A-Za-z0-9]/m)
    expect(body).not.toMatch(/(^|[^\w&])#\d/m)
    expect(body).toContain('@\u200bceo')
    expect(body).toContain('hxxps\\://login\\[\\.\\]evil\\[\\.\\]example')
    expect(body).toContain('\\<script\\>')
    expect(html).toContain('&lt;script&gt;')
    // A watched address is ours: verbatim in a code span, so that a search for it finds the issue. One that
    // only a domain pattern matched came from ETD, and stays inert.
    expect(body).toMatch(/^### `ceo@example\.com` \(\d+\)$/m)
    expect(html).toMatch(/<h3><code>ceo@example\.com<\/code> \(\d+\)<\/h3>/)
    expect(body).toMatch(/^### carol@\u200bsubsidiary\\\[\\\.\\\]example\\\[\\\.\\\]org \(\d+\)$/m)
  })

  it('cuts an oversize body within GitHub limits and counts what was left out', async () => {
    await setUp(1500, 8)
    const result = await runAt(T0, { mailboxes: '' })
    expect(result.failed).toBe(false)
    const [issue] = github!.issues
    expect(issue.body.length).toBeLessThanOrEqual(65536)
    expect(issue.body).toMatch(
      /\n> \d+ more rows not shown here( \(\d+ of them still in the inbox\))?: they did not fit in this issue \(GitHub's limit is 65536 characters\); the workflow run lists all \d+ convictions \(its summary, and the report among its artifacts\): https:\/\/github\.example\/[^ ]+\/actions\/runs\/4242\.\n$/
    )
    expect(result.summary).toMatch(/rows left out for GitHub&#39;s size limit/)
  })

  it('explains a 403 for want of issues: write, fails, and keeps the state unsaved', async () => {
    await setUp()
    github!.readOnly = true
    const result = await runAt(T0)
    expect(result.failed).toBe(true)
    expect(result.log).toContain(
      "::error::GitHub refused creating label 'etd-verdict-watch' in acme/etd-watch (403 Resource not accessible by integration): the workflow's token needs the issues: write permission; add it to the job's permissions block."
    )
    expect(result.outputs['state-saved']).toBe('false')
    github!.readOnly = false
    const retried = await runAt(T0 + HOUR)
    expect(retried.failed).toBe(false)
    expect(github!.issues).toHaveLength(1)
  })

  it('renders the issue to a file on a dry run, without calling GitHub or saving state', async () => {
    await setUp()
    const result = await runAt(T0, { 'dry-run': 'true' })
    expect(result.failed).toBe(false)
    expect(github!.requests).toEqual([])
    const markdown = await readFile(result.outputs['issue-path'], 'utf8')
    expect(markdown).toMatch(/^# ETD: \d+ new convictions \(/)
    expect(markdown).toContain('<!-- etd-verdict-watch batch v1')
    expect(result.outputs['state-saved']).toBe('false')
  })

  it('names github-token when it is missing', async () => {
    await setUp()
    const result = await runAt(T0, { 'github-token': '' })
    expect(result.failed).toBe(true)
    expect(result.log).toContain(
      "::error::Input 'github-token' is required: a token that may open issues (in a workflow, the default github.token)."
    )
  })

  it('retries 5xx answers and secondary rate limits, and opens the issue once', async () => {
    await setUp()
    github!.failNext = [502, 403]
    const result = await runAt(T0)
    expect(result.failed).toBe(false)
    expect(github!.issues).toHaveLength(1)
    expect(result.log).toContain("GitHub's secondary rate limit; retrying in 1s")
  })
})
