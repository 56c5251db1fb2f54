// The v1 interface as a workflow meets it: every bad input in one failure before any request, removed
// inputs naming their new way, near-miss suggestions, notify's channels, the refusals that keep owner
// notices and email safe, and the two smallest setups run end to end against the local servers.
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { parse } from 'yaml'
import { parseConfig } from '../src/config/config.js'
import { run } from '../src/main.js'
import { expectedMatches } from '../src/simulator/oracle.js'
import { startGitHubApi, type GitHubApi } from '../src/simulator/github-api.js'
import { startWebhookReceiver, type WebhookReceiver } from '../src/simulator/webhook-receiver.js'
import type { Simulator } from '../src/simulator/server.js'
import { runAction } from './helpers/action-run.js'
import { inputParser } from './helpers/inputs.js'
import { etdInputs, simulatorWith } from './helpers/simulator.js'
import { githubEnv } from './helpers/watch-run.js'

const ETD = { 'etd-api-key': 'k', 'etd-client-id': 'id', 'etd-client-secret': 's' }
const IN_ACTIONS = { GITHUB_REPOSITORY: 'acme/etd-watch' }
const { parsed: config, errorOf } = inputParser((input) => parseConfig(input, IN_ACTIONS), {
  ...ETD,
  'github-token': 't'
})
const MAIL = {
  'smtp-url': 'smtps://u:p@smtp.example.com',
  'email-from': 'etd@example.com',
  'email-to': 'soc@example.com'
}

/** The problems of one refused configuration, one a line, without the count that heads several. */
const problemsOf = (inputs: Record<string, string>) =>
  errorOf(inputs)
    .split('\n')
    .filter((line) => !/^\d+ problems with the inputs:$/.test(line))

describe('every bad input at once', () => {
  it('names all three problems of a configuration in one refusal', () => {
    expect(errorOf({ 'etd-client-secret': '', 'etd-region': 'eu', verdicts: 'phishing, bec, fishing' })).toBe(
      [
        '3 problems with the inputs:',
        "Input 'etd-client-secret' is required: the ETD API client secret, from a repository secret.",
        "Input 'etd-region' is 'eu'; expected one of us, de, au, in, ae, beta, or the API's https URL. Did you mean 'de'?",
        "Input 'verdicts' has 'fishing'; expected any of bec, scam, phishing, malicious, spam, graymail, neutral. Did you mean 'phishing'?"
      ].join('\n')
    )
  })

  it('gathers problems from every part: ETD, channels, email, schedule, state and time zone', () => {
    const problems = problemsOf({
      notify: 'email, issue',
      'email-to': 'not an address',
      backfill: 'soon',
      'state-key': 'a b',
      'time-zone': 'CET',
      'issue-assignees': 'bad login!',
      lookback: '2d'
    })
    expect(problems.map((line) => /^Inputs? '([^']+)'|^notify/.exec(line)?.[1] ?? 'notify')).toEqual([
      'lookback',
      'notify',
      'email-from',
      'email-to',
      'issue-assignees',
      'backfill',
      'state-key',
      'time-zone'
    ])
  })

  it('fails the run in one ::error:: before any request to ETD, and shows no secret', async () => {
    const sim = await simulatorWith(20)
    try {
      const result = await runAction(run, {
        ...etdInputs(sim),
        'etd-api-key': '',
        notify: 'email',
        'smtp-url': 'smtp://alerts:hunter2-secret@smtp.example.com',
        'email-to': 'soc@example.com',
        'time-zone': 'PST'
      })
      expect(result.failed).toBe(true)
      const errors = result.log.split('\n').filter((line) => line.startsWith('::error::'))
      expect(errors).toHaveLength(1)
      const lines = errors[0].slice('::error::'.length).split('%0A')
      expect(lines).toEqual([
        '3 problems with the inputs:',
        "Input 'etd-api-key' is required: the ETD API key, from a repository secret.",
        "Input 'email-from' is required: the sender address of notification emails.",
        "Input 'time-zone' is 'PST', an abbreviation that names no place and misses daylight saving time; expected an IANA time zone such as UTC, Europe/Zurich or America/New_York. Did you mean 'America/Los_Angeles'?"
      ])
      expect(sim.stats.tokens + sim.stats.searches).toBe(0)
      const shown = result.log
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n')
      expect(shown).not.toContain('hunter2-secret')
    } finally {
      await sim.close()
    }
  })
})

describe('removed and renamed inputs', () => {
  // What each line must name: the new input, or what happens instead. Written out, not read from the code.
  const NEW_WAY: Array<[string, RegExp]> = [
    ['etd-base-url', /etd-region/],
    ['lookback', /use backfill/],
    ['settle-delay', /5 minutes/],
    ['report-path', /RUNNER_TEMP.*output report-path/],
    ['email-max-rows', /200 rows/],
    ['repository', /repository that runs the workflow/],
    ['webhook-format', /teams=, webex=, slack= or json=/],
    ['notify-mailbox-owners', /use owner-notices/],
    ['owner-notice-contact', /use email-reply-to/],
    ['email-when-empty', /heartbeat: every-run/],
    ['email-transport', /smtp-url for SMTP, graph-tenant-id for Graph/],
    ['graph-federated', /OIDC token is used/],
    ['graph-authority', /graph-cloud/],
    ['graph-endpoint', /graph-cloud/],
    ['smtp-host', /smtp-url \(smtp:\/\/user:password@host:587/],
    ['smtp-port', /smtp-url/],
    ['smtp-security', /smtp-url.*\?tls=none/],
    ['smtp-username', /smtp-url/],
    ['smtp-password', /smtp-url/],
    ['smtp-allow-insecure-auth', /\?tls=none&insecure-auth=true to smtp-url/],
    ['smtp-auth', /\?auth=oauth2 to smtp-url/],
    ['smtp-ca', /NODE_EXTRA_CA_CERTS/]
  ]

  const value = 'given-value-7f3a'
  it.each(NEW_WAY)('%s fails in one line naming the new way, never its value', (name, newWay) => {
    const message = errorOf({ [name]: value })
    expect(message.split('\n')).toHaveLength(1)
    expect(message).toMatch(new RegExp(`^Input '${name}' was removed in v1; `))
    expect(message).toMatch(newWay)
    expect(message).not.toContain(value)
  })

  it('reaches the action as INPUT_<NAME>, as the runner passes an undeclared input', async () => {
    const result = await runAction(run, { ...ETD, notify: 'none', 'smtp-host': 'smtp.example.com', lookback: '2d' })
    expect(result.failed).toBe(true)
    expect(result.log).toContain(
      "::error::2 problems with the inputs:%0AInput 'lookback' was removed in v1; use backfill (it sets how far back a run without state searches; default 1h).%0AInput 'smtp-host' was removed in v1; put the server in smtp-url (smtp://user:password@host:587, or smtps://…:465 for implicit TLS).\n"
    )
  })
})

describe('near-miss suggestions', () => {
  it.each([
    ['etd-region', 'eu', 'de'],
    ['etd-region', 'Europe', 'de'],
    ['etd-region', 'betta', 'beta'],
    ['verdicts', 'malicous', 'malicious'],
    ['verdicts', 'graymial', 'graymail'],
    ['techniques', 'Brand impersination', 'Brand impersonation'],
    ['techniques', 'qr_code', 'QR code'],
    ['notify', 'emai', 'email'],
    ['notify', 'issues', 'issue'],
    ['time-zone', 'CET', 'Europe/Berlin'],
    ['time-zone', 'est', 'America/New_York'],
    ['time-zone', 'PDT', 'America/Los_Angeles'],
    ['time-zone', 'BST', 'Europe/London'],
    ['time-zone', 'Europe/Zurik', 'Europe/Zurich'],
    ['time-zone', 'America/New York', 'America/New_York']
  ])('%s: %p suggests %p', (name, given, meant) => {
    expect(errorOf({ [name]: given })).toMatch(new RegExp(`^Input '${name}' .* Did you mean '${meant}'\\?$`))
  })

  it('suggests nothing when nothing is near', () => {
    expect(errorOf({ verdicts: 'virus' })).not.toContain('Did you mean')
    expect(errorOf({ 'time-zone': 'Mars/Olympus' })).not.toContain('Did you mean')
    expect(errorOf({ 'etd-region': 'mars' })).not.toContain('Did you mean')
  })

  it('still takes a real IANA zone, and UTC by its other names', () => {
    expect(config({ 'time-zone': 'europe/zurich' }).timeZone).toBe('Europe/Zurich')
    expect(config({ 'time-zone': 'GMT' }).timeZone).toBe('UTC')
  })
})

describe('notify', () => {
  it('auto: issue with nothing else set, email with email-to, webhook with webhook-url', () => {
    expect(config({}).notify).toEqual(['issue'])
    expect(config({}).issue).toMatchObject({ owner: 'acme', repo: 'etd-watch' })
    expect(config(MAIL)).toMatchObject({ notify: ['email'], issue: undefined })
    const slack = config({ 'webhook-url': 'slack=https://hooks.example.com/x' })
    expect(slack).toMatchObject({ notify: ['webhook'], issue: undefined, email: undefined })
    expect(slack.webhooks.map((w) => w.label)).toEqual(['Slack webhook 1'])
    expect(config({ ...MAIL, 'webhook-url': 'json=https://hooks.example.com/x', notify: 'AUTO' }).notify).toEqual([
      'email',
      'webhook'
    ])
  })

  it('explicit: any combination, commas or spaces, in its own order; none tells nobody', () => {
    const all = config({ ...MAIL, notify: 'webhook issue,email', 'webhook-url': 'json=https://h.example/x' })
    expect(all.notify).toEqual(['email', 'issue', 'webhook'])
    expect(all.email && all.issue && all.webhooks.length).toBe(1)
    expect(config({ notify: 'none' })).toMatchObject({ notify: [], issue: undefined, email: undefined, webhooks: [] })
  })

  it('names the settings an explicit channel is missing', () => {
    expect(problemsOf({ notify: 'email, webhook' })).toEqual([
      'notify includes email, which needs smtp-url (an SMTP server) or graph-tenant-id and graph-client-id (Microsoft Graph sendMail).',
      "Input 'email-from' is required: the sender address of notification emails.",
      "Input 'email-to' is required: who receives the digest, one or more addresses.",
      'notify lists webhook, which needs webhook-url: one webhook URL per line, from a secret.'
    ])
    expect(errorOf({ notify: 'issue', 'github-token': '' })).toBe(
      "Input 'github-token' is required: a token that may open issues (in a workflow, the default github.token)."
    )
  })

  it("refuses 'both', naming what to write instead", () => {
    expect(errorOf({ ...MAIL, notify: 'both' })).toBe(
      "Input 'notify' has 'both', which v1 no longer takes; write notify: email, issue."
    )
  })

  it('refuses settings an explicit notify leaves unused, which 0.x would have told', () => {
    expect(errorOf({ ...MAIL, notify: 'email', 'webhook-url': 'json=https://h.example/x' })).toBe(
      "Input 'webhook-url' is set, but notify (email) does not list webhook: add webhook to notify, or remove webhook-url."
    )
    expect(errorOf({ ...MAIL, notify: 'issue' })).toBe(
      "Input 'email-to' is set, but notify (issue) does not list email: add email to notify, or remove email-to."
    )
    expect(config({ ...MAIL, notify: 'none', 'webhook-url': 'json=https://h.example/x' }).webhooks).toEqual([])
  })
})

describe('owner notices and email transports: refused where they could go wrong', () => {
  it('refuses owner notices when mailboxes is empty: the whole tenant', () => {
    expect(errorOf({ ...MAIL, 'owner-notices': 'true' })).toBe(
      "Input 'owner-notices' is on while 'mailboxes' is empty, which watches every mailbox of the tenant: list the mailboxes to watch, or set owner-notices: false."
    )
    expect(errorOf({ ...MAIL, 'owner-notices': 'include-domains' })).toMatch(/^Input 'owner-notices' is on while/)
  })

  it('refuses true with only whole domains, naming include-domains', () => {
    expect(errorOf({ ...MAIL, 'owner-notices': 'true', mailboxes: '*@example.com, *@example.org' })).toBe(
      "Input 'owner-notices' is true, which writes only to addresses listed in 'mailboxes', and it lists only whole domains: list the addresses, or set owner-notices: include-domains to write to anyone in those domains."
    )
    const domains = config({ ...MAIL, 'owner-notices': 'include-domains', mailboxes: '*@example.com' }).email
    expect(domains).toMatchObject({ ownerNotices: 'include-domains' })
    const listed = config({ ...MAIL, 'owner-notices': 'true', mailboxes: 'ceo@example.com, *@example.org' }).email
    expect(listed).toMatchObject({ ownerNotices: 'exact' })
    expect(config({ ...MAIL }).email).not.toHaveProperty('ownerNotices')
  })

  it('refuses owner notices without the email channel that sends them', () => {
    expect(errorOf({ notify: 'issue', 'owner-notices': 'true', mailboxes: 'ceo@example.com' })).toBe(
      "Input 'owner-notices' is on, but notify does not list email, which sends them: add email to notify."
    )
  })

  it('refuses SMTP and Graph sendMail configured together, naming both', () => {
    const graph = { 'graph-tenant-id': 'contoso.onmicrosoft.com', 'graph-client-id': '1111' }
    expect(errorOf({ ...MAIL, ...graph })).toBe(
      "Inputs 'smtp-url' and 'graph-tenant-id' are both set: two email transports. Keep smtp-url (SMTP) or the graph-* inputs (Graph sendMail), or add ?auth=oauth2 to smtp-url to sign in to SMTP with the Entra app."
    )
    const oauth = config({ ...MAIL, ...graph, 'smtp-url': 'smtp://smtp.office365.com?auth=oauth2' }).email
    expect(oauth).toMatchObject({
      transport: 'smtp',
      smtp: { oauth2: true },
      entra: { tenantId: graph['graph-tenant-id'] }
    })
  })
})

/** The inputs as the runner passes them: the workflow's `with:` over action.yml's defaults, github.token filled in. */
function asTheRunnerGives(given: Record<string, string>, token: string): Record<string, string> {
  const action = parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, { default?: string }> }
  const defaults = Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => [
      name,
      (input.default ?? '').replace('${{ github.token }}', token)
    ])
  )
  return { ...defaults, ...given }
}

describe('the smallest setups, end to end', () => {
  let sim: Simulator | undefined
  let github: GitHubApi | undefined
  let receiver: WebhookReceiver | undefined
  afterEach(async () => {
    await Promise.allSettled([sim?.close(), github?.close(), receiver?.close()])
    sim = github = receiver = undefined
  })
  const MAILBOXES = 'ceo@example.com, cfo@example.com, *@subsidiary.example.org'

  /** The simulator's oracle for this run's window, the run's report, and the ids in it. */
  async function expectExactly(outputs: Record<string, string>): Promise<string[]> {
    const expected = expectedMatches(sim!.messages, Date.now(), {
      start: Date.parse(outputs['window-start']),
      end: Date.parse(outputs['window-end']),
      mailboxes: MAILBOXES.split(', '),
      verdicts: ['bec', 'scam', 'phishing', 'malicious'],
      techniques: []
    })
    const report = JSON.parse(await readFile(outputs['report-path'], 'utf8')) as { messages: Array<{ id: string }> }
    expect(report.messages.map((m) => m.id).sort()).toEqual(expected)
    expect(expected.length).toBeGreaterThan(0)
    return expected
  }

  it('issue only: the ETD secrets and mailboxes open an issue with every conviction', async () => {
    sim = await simulatorWith(300, { seed: 11, days: 1 / 24 })
    github = await startGitHubApi()
    const result = await runAction(run, asTheRunnerGives({ ...etdInputs(sim), mailboxes: MAILBOXES }, github.token), {
      env: { ...githubEnv(github) }
    })
    expect(result.failed).toBe(false)
    const expected = await expectExactly(result.outputs)
    expect(github.issues).toHaveLength(1)
    expect(result.outputs['issue-url']).toBe(github.issues[0].html_url)
    for (const id of expected) expect(github.issues[0].body).toContain(id)
    expect(result.outputs.notified).toBe('true')
  })

  it('Slack only: the ETD secrets, mailboxes and webhook-url post to Slack, with no mail settings and no issue', async () => {
    sim = await simulatorWith(300, { seed: 12, days: 1 / 24 })
    github = await startGitHubApi()
    receiver = await startWebhookReceiver()
    const result = await runAction(
      run,
      asTheRunnerGives(
        { ...etdInputs(sim), mailboxes: MAILBOXES, 'webhook-url': `slack=${receiver.url}/slack/T000/B000/x` },
        github.token
      ),
      { env: { ...githubEnv(github) } }
    )
    expect(result.failed).toBe(false)
    const expected = await expectExactly(result.outputs)
    expect(receiver.received.map((p) => p.path)).toEqual(['/slack/T000/B000/x'])
    const posted = JSON.stringify(receiver.received[0].body)
    expect(posted).toContain(`${expected.length} new conviction`)
    expect(github.issues).toHaveLength(0)
    expect(github.requests.filter((r) => r.includes('/issues'))).toEqual([])
    expect(result.outputs.notified).toBe('true')
  })
})
