import { describe, expect, it } from '@jest/globals'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseConfig } from '../src/config/config.js'
import { describeConfig } from '../src/config/describe.js'
import { parseDuration } from '../src/common/duration.js'
import { InputError } from '../src/config/errors.js'
import { scheduledRun } from '../src/config/runner.js'
import { inputParser } from './helpers/inputs.js'

const SECRETS = { 'etd-api-key': 'k', 'etd-client-id': 'id', 'etd-client-secret': 's', notify: 'none' }
const EMAIL = {
  notify: '',
  'smtp-url': 'smtp://smtp.example.com',
  'email-from': 'etd@example.com',
  'email-to': 'soc@example.com'
}

const { errorOf } = inputParser((input) => parseConfig(input), SECRETS)
const config = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  inputParser((input) => parseConfig(input, env), SECRETS).parsed(inputs)

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['65m', 3_900_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['1.5h', 5_400_000],
    [' 30 min ', 1_800_000],
    ['0', 0]
  ])('reads %p', (text, expected) => expect(parseDuration(text)).toBe(expected))

  it.each(['90', '', 'soon', '-5m', '1h30', '5 parsecs'])('refuses %p', (text) => {
    expect(parseDuration(text)).toBeUndefined()
  })
})

describe('parseDuration edges', () => {
  it.each([
    ['500ms', 500],
    ['0s', 0],
    ['2 secs', 2000],
    ['1 second', 1000],
    ['3 seconds', 3000],
    ['1 minute', 60_000],
    ['10 minutes', 600_000],
    ['1 hr', 3_600_000],
    ['2 hrs', 7_200_000],
    ['1 hour', 3_600_000],
    ['3 hours', 10_800_000],
    ['1 day', 86_400_000],
    ['2 days', 172_800_000],
    ['2w', 1_209_600_000],
    ['1 week', 604_800_000],
    ['2 weeks', 1_209_600_000],
    ['2.5h', 9_000_000]
  ])('reads %p', (text, expected) => expect(parseDuration(text)).toBe(expected))

  it('reads two decimals', () => expect(parseDuration('1.25h')).toBe(4_500_000))

  it.each(['x2h', '2hx', '1 msecs', '2.h', '.5h', `1${'0'.repeat(400)}d`])('refuses %p', (text) => {
    expect(parseDuration(text)).toBeUndefined()
  })
})

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const c = config(EMAIL, { RUNNER_TEMP: '/runner/tmp' })
    expect(c.etd.baseUrl).toBe('https://api.us.etd.cisco.com')
    expect(c.rule).toEqual({ mailboxes: [], verdicts: ['bec', 'scam', 'phishing', 'malicious'], techniques: [] })
    expect(c.lookbackMs).toBe(3_600_000)
    expect(c.backfillMs).toBe(0)
    expect(c.settleDelayMs).toBe(300_000)
    expect(c.timeBudgetMs).toBe(600_000)
    expect(c.rescanMs).toBe(24 * 3_600_000)
    expect(c.rescanEveryMs).toBe(8 * 3_600_000)
    expect(c.dailyRequestBudget).toBe(2000)
    expect(c.notify).toEqual(['email'])
    expect(c.heartbeat).toBe('off')
    expect(c.dryRun).toBe(false)
    expect(c.email).toEqual({
      transport: 'smtp',
      smtp: {
        host: 'smtp.example.com',
        port: 587,
        security: 'starttls',
        username: undefined,
        password: undefined
      },
      graphEndpoint: 'https://graph.microsoft.com',
      from: 'etd@example.com',
      fromAddress: 'etd@example.com',
      to: ['soc@example.com'],
      maxRows: 200,
      whenEmpty: false
    })
    expect(c.reportPath).toBe('/runner/tmp/etd-verdict-watch/report.json')
  })

  it('maps regions to hosts, Europe to de', () => {
    expect(config({ 'etd-region': 'de' }).etd.baseUrl).toBe('https://api.de.etd.cisco.com')
    expect(config({ 'etd-region': 'BETA' }).etd.baseUrl).toBe('https://api.beta.etd.cisco.com')
    // Kept to name in a refusal of the credentials: the wrong region refuses them too.
    expect(config({ 'etd-region': 'de' }).etd.region).toBe('de')
    expect(config({}).etd.region).toBe('us')
    expect(errorOf({ 'etd-region': 'eu' })).toBe(
      "Input 'etd-region' is 'eu'; expected one of us, de, au, in, ae, beta, or the API's https URL. Did you mean 'de'?"
    )
    expect(errorOf({ 'etd-region': 'uss' })).toMatch(/Did you mean 'us'\?$/)
    expect(errorOf({ 'etd-region': 'mars' })).toMatch(/https URL\.$/)
  })

  it('takes a URL as etd-region, https only unless loopback', () => {
    expect(config({ 'etd-region': 'https://etd.proxy.example/api/' }).etd.baseUrl).toBe('https://etd.proxy.example/api')
    expect(config({ 'etd-region': 'https://etd.proxy.example/api/' }).etd.region).toBeUndefined()
    expect(config({ 'etd-region': 'http://127.0.0.1:8080' }).etd.baseUrl).toBe('http://127.0.0.1:8080')
    expect(config({ 'etd-region': 'http://localhost:9' }).etd.baseUrl).toBe('http://localhost:9')
    expect(errorOf({ 'etd-region': 'http://etd.example.com' })).toMatch(
      /^Input 'etd-region' is 'http:\/\/etd\.example\.com'; expected an https URL/
    )
    expect(errorOf({ 'etd-region': 'not a/url' })).toMatch(/^Input 'etd-region' is 'not a\/url'/)
  })

  it('never echoes credentials embedded in an etd-region URL', () => {
    const message = errorOf({ 'etd-region': 'https://user:hunter2@etd.example.com' })
    expect(message).not.toContain('hunter2')
    expect(message).toMatch(/without credentials/)
    // An unencoded / in the password breaks the parse; nothing of the input is shown then.
    expect(errorOf({ 'etd-region': 'https://user:hun/ter2@etd.example.com' })).toBe(
      "Input 'etd-region' is not a URL; expected a region such as us, or a URL such as https://api.us.etd.cisco.com."
    )
  })

  it('lifts the client rate limit with ETD_VERDICT_WATCH_UNPACED=1 against loopback only', () => {
    const unpaced = { ETD_VERDICT_WATCH_UNPACED: '1' }
    expect(config({ 'etd-region': 'http://127.0.0.1:8080' }).etd.paced).toBe(true)
    for (const url of ['http://127.0.0.1:8080', 'http://127.3.2.1:9', 'http://localhost:9', 'http://[::1]:9/api']) {
      expect(config({ 'etd-region': url }, unpaced).etd.paced).toBe(false)
    }
    for (const url of ['', 'https://etd.proxy.example', 'https://127.0.0.1.nip.example', 'https://localhost.example']) {
      expect(config({ 'etd-region': url }, unpaced).etd.paced).toBe(true)
    }
    expect(config({ 'etd-region': 'http://127.0.0.1:8080' }, { ETD_VERDICT_WATCH_UNPACED: 'true' }).etd.paced).toBe(
      true
    )
  })

  it('names each missing secret', () => {
    expect(() => parseConfig(() => '')).toThrow(
      "Input 'etd-api-key' is required: the ETD API key, from a repository secret."
    )
    expect(errorOf({ 'etd-client-secret': ' ' })).toBe(
      "Input 'etd-client-secret' is required: the ETD API client secret, from a repository secret."
    )
  })

  it('reads mailboxes split by commas and newlines, lower-cased, domains allowed', () => {
    expect(
      config({ mailboxes: 'CEO@Example.com, cfo@example.com\n\n*@subsidiary.example.org\n' }).rule.mailboxes
    ).toEqual(['ceo@example.com', 'cfo@example.com', '*@subsidiary.example.org'])
    expect(errorOf({ mailboxes: 'ceo@example.com, ceo' })).toBe(
      "Input 'mailboxes' has 'ceo'; expected addresses like ceo@example.com or *@example.com."
    )
  })

  it('checks verdicts against the known set and lists the valid ones', () => {
    expect(config({ verdicts: 'BEC, phishing, bec' }).rule.verdicts).toEqual(['bec', 'phishing'])
    expect(errorOf({ verdicts: 'bec, virus' })).toBe(
      "Input 'verdicts' has 'virus'; expected any of bec, scam, phishing, malicious, spam, graymail, neutral."
    )
    expect(errorOf({ verdicts: 'phising, scan' })).toBe(
      [
        '2 problems with the inputs:',
        "Input 'verdicts' has 'phising'; expected any of bec, scam, phishing, malicious, spam, graymail, neutral. Did you mean 'phishing'?",
        "Input 'verdicts' has 'scan'; expected any of bec, scam, phishing, malicious, spam, graymail, neutral. Did you mean 'scam'?"
      ].join('\n')
    )
  })

  it('refuses a near miss of a known technique with the name meant, and keeps an unknown one', () => {
    expect(errorOf({ techniques: 'QR-code, Malicious URL, Sender name impersonaton, deepfake voice' })).toBe(
      [
        '2 problems with the inputs:',
        "Input 'techniques' has 'qr-code', which is not a technique ETD reports, so it would match nothing. Did you mean 'QR code'?",
        "Input 'techniques' has 'sender name impersonaton', which is not a technique ETD reports, so it would match nothing. Did you mean 'Sender name impersonation'?"
      ].join('\n')
    )
    expect(config({ techniques: 'deepfake voice' }).rule.techniques).toEqual(['deepfake voice'])
  })

  it('lower-cases techniques for case-insensitive matching', () => {
    expect(config({ techniques: 'QR code\nSender name impersonation' }).rule.techniques).toEqual([
      'qr code',
      'sender name impersonation'
    ])
  })

  it('validates durations and notify', () => {
    expect(config({ backfill: '7d' })).toMatchObject({ lookbackMs: 7 * 86_400_000, backfillMs: 7 * 86_400_000 })
    expect(errorOf({ backfill: '0' })).toBe(
      "Input 'backfill' is '0'; expected a duration above 0 such as 90s, 65m, 2h or 7d."
    )
    expect(errorOf({ backfill: '91d' })).toBe(
      "Input 'backfill' is '91d'; expected at most 90d, since ETD keeps messages for 90 days."
    )
    expect(config({ 'time-budget': '12m' }).timeBudgetMs).toBe(720_000)
    expect(errorOf({ 'time-budget': '0' })).toBe(
      "Input 'time-budget' is '0'; expected a duration above 0 such as 90s, 65m, 2h or 7d."
    )
    expect(config({ 'rescan-every': '0' }).rescanEveryMs).toBe(0)
    expect(errorOf({ 'rescan-every': 'hourly' })).toBe(
      "Input 'rescan-every' is 'hourly'; expected a duration such as 90s, 65m, 2h or 7d."
    )
    expect(config({ 'daily-request-budget': '500' }).dailyRequestBudget).toBe(500)
    for (const bad of ['0', '10001', '1.5', 'lots']) {
      expect(errorOf({ 'daily-request-budget': bad })).toBe(
        `Input 'daily-request-budget' is '${bad}'; expected a whole number from 1 to 10000.`
      )
    }
    expect(config({ notify: 'None' }).notify).toEqual([])
    expect(config({ notify: 'None' }).email).toBeUndefined()
    expect(errorOf({ notify: 'slack' })).toBe(
      "Input 'notify' has 'slack'; expected auto, none, or a list of email, issue, webhook."
    )
  })

  it("takes the issues' author from issue-author, github-actions[bot] by default", () => {
    const issue = { notify: 'issue', 'github-token': 't' }
    const env = { GITHUB_REPOSITORY: 'acme/watch' }
    expect(config(issue, env).issue?.author).toBe('github-actions[bot]')
    expect(config({ ...issue, 'issue-author': '@my-app[bot]' }, env).issue?.author).toBe('my-app[bot]')
    expect(config({ ...issue, 'issue-author': 'octocat' }, env).issue?.author).toBe('octocat')
    expect(
      inputParser((input) => parseConfig(input, env), SECRETS).errorOf({ ...issue, 'issue-author': 'two words' })
    ).toBe(
      "Input 'issue-author' is 'two words'; expected the login that opens the issues, such as github-actions[bot] or my-app[bot]."
    )
  })

  it('reads state-prune, which needs a token and a repository to ask GitHub with', () => {
    const env = {
      GITHUB_REPOSITORY: 'acme/etd-watch',
      GITHUB_API_URL: 'https://ghe.example/api/v3/',
      GITHUB_REF: 'refs/heads/main'
    }
    expect(config({ 'github-token': 't' }, env).state).toEqual({
      kind: 'cache',
      key: 'etd-verdict-watch-local-watch',
      prune: false,
      github: {
        token: 't',
        owner: 'acme',
        repo: 'etd-watch',
        apiUrl: 'https://ghe.example/api/v3',
        ref: 'refs/heads/main'
      }
    })
    expect(config({ 'github-token': 't', 'state-prune': 'true' }, env).state).toMatchObject({ prune: true })
    expect(config({}, env).state).toEqual({ kind: 'cache', key: 'etd-verdict-watch-local-watch', prune: false })
    expect(errorOf({ 'state-prune': 'true' })).toBe(
      "Input 'state-prune' needs github-token, and GITHUB_REPOSITORY (set in GitHub Actions), to delete old cache entries."
    )
    expect(errorOf({ 'state-prune': 'yes' })).toBe("Input 'state-prune' is 'yes'; expected true or false.")
  })
})

describe("parseConfig reads the runner's environment", () => {
  const runner = (env: NodeJS.ProcessEnv) => config({}, env).runner
  const envError = (env: NodeJS.ProcessEnv) => {
    try {
      config({}, env)
    } catch (error) {
      expect(error).toBeInstanceOf(InputError)
      return (error as Error).message
    }
    throw new Error('expected an InputError')
  }

  it('outside Actions: no run id, attempt 1, the working folder, no summary, no cache mode, nothing to warn', () => {
    expect(runner({})).toEqual({ runAttempt: 1, workspace: process.cwd(), warnings: [] })
  })

  it('in Actions: every variable in its typed field', () => {
    expect(
      runner({
        GITHUB_RUN_ID: '16549876012',
        GITHUB_RUN_ATTEMPT: '3',
        GITHUB_WORKSPACE: '/home/runner/work/watch/watch',
        ACTIONS_CACHE_MODE: 'read',
        GITHUB_STEP_SUMMARY: '/home/runner/work/_temp/_runner_file_commands/step_summary_1',
        RUNNER_TEMP: '/home/runner/work/_temp',
        GITHUB_EVENT_NAME: 'workflow_dispatch'
      })
    ).toEqual({
      runId: '16549876012',
      runAttempt: 3,
      workspace: '/home/runner/work/watch/watch',
      cacheMode: 'read',
      summaryPath: '/home/runner/work/_temp/_runner_file_commands/step_summary_1',
      temp: '/home/runner/work/_temp',
      event: 'workflow_dispatch',
      warnings: []
    })
  })

  it('counts a scheduled run, and a run outside Actions (a crontab), as one that tells the cadence', () => {
    expect(scheduledRun(runner({ GITHUB_EVENT_NAME: 'schedule' }))).toBe(true)
    expect(scheduledRun(runner({ GITHUB_EVENT_NAME: '' }))).toBe(true)
    expect(scheduledRun(runner({}))).toBe(true)
    for (const event of ['workflow_dispatch', 'repository_dispatch', 'push', 'Schedule']) {
      expect(scheduledRun(runner({ GITHUB_EVENT_NAME: event }))).toBe(false)
    }
  })

  it.each([
    ['GITHUB_RUN_ID', 'abc', 'a whole number from 1'],
    ['GITHUB_RUN_ID', '0', 'a whole number from 1'],
    ['GITHUB_RUN_ID', '-4', 'a whole number from 1'],
    ['GITHUB_RUN_ID', '12 ', 'a whole number from 1'],
    ['GITHUB_RUN_ATTEMPT', 'second', 'a whole number from 1'],
    ['GITHUB_RUN_ATTEMPT', '1.5', 'a whole number from 1'],
    ['GITHUB_WORKSPACE', 'work/watch', 'an absolute path'],
    ['GITHUB_STEP_SUMMARY', 'summary.md', 'an absolute path'],
    ['RUNNER_TEMP', './tmp', 'an absolute path']
  ])('refuses %s=%p in one line naming the variable', (name, value, expected) => {
    expect(envError({ [name]: value })).toBe(
      `Environment variable ${name} is '${value}'; expected ${expected} (the runner sets it).`
    )
  })

  it('shows at most 100 characters of a bad value', () => {
    expect(envError({ GITHUB_RUN_ID: 'x'.repeat(500) })).toBe(
      `Environment variable GITHUB_RUN_ID is '${'x'.repeat(100)}'; expected a whole number from 1 (the runner sets it).`
    )
  })

  it('treats an empty variable as unset', () => {
    expect(runner({ GITHUB_RUN_ID: '', GITHUB_RUN_ATTEMPT: '', GITHUB_WORKSPACE: '', RUNNER_TEMP: '' })).toEqual(
      runner({})
    )
  })

  it('normalises a workspace path', () => {
    expect(runner({ GITHUB_WORKSPACE: '/home/runner/work/a/../watch/' }).workspace).toBe('/home/runner/work/watch')
  })

  it.each([
    ['read', 'read'],
    ['write', 'write'],
    [' Write-Only ', 'write-only'],
    ['NONE', 'none']
  ])('takes ACTIONS_CACHE_MODE=%p as %p', (value, mode) => {
    expect(runner({ ACTIONS_CACHE_MODE: value })).toMatchObject({ cacheMode: mode, warnings: [] })
  })

  it('ignores an unknown ACTIONS_CACHE_MODE with a warning, reading and writing as usual', () => {
    expect(runner({ ACTIONS_CACHE_MODE: 'sometimes' })).toEqual({
      runAttempt: 1,
      workspace: process.cwd(),
      warnings: [
        "ACTIONS_CACHE_MODE 'sometimes' is none of read, write, write-only, none: the cache is read and written as usual."
      ]
    })
  })

  it('puts the default report under RUNNER_TEMP, else under the OS temp folder', () => {
    expect(config({}, { RUNNER_TEMP: '/runner/tmp' }).reportPath).toBe('/runner/tmp/etd-verdict-watch/report.json')
    expect(config({}, {}).reportPath).toBe(join(tmpdir(), 'etd-verdict-watch', 'report.json'))
  })
})

describe('describeConfig, for the debug log', () => {
  it('hides every credential field and any value that contains a secret input', () => {
    const c = config(
      {
        notify: 'email, webhook',
        'smtp-url': 'smtp://alerts:pw-1@smtp.example.com:587',
        'email-from': 'etd@example.com',
        'email-to': 'soc@example.com',
        'webhook-url': 'json=https://hooks.example.com/x',
        mailboxes: 'ceo@example.com'
      },
      { GITHUB_RUN_ID: '7', GITHUB_REPOSITORY: 'acme/watch' }
    )
    const shown = JSON.parse(describeConfig(c, ['acme/watch'])) as {
      etd: unknown
      email: { smtp: unknown }
      webhooks: unknown[]
      runUrl: string
      rule: { mailboxes: string[] }
    }
    expect(shown.etd).toEqual({
      baseUrl: 'https://api.us.etd.cisco.com',
      apiKey: '(hidden)',
      clientId: '(hidden)',
      clientSecret: '(hidden)',
      paced: true,
      region: 'us'
    })
    expect(shown.email.smtp).toMatchObject({ host: 'smtp.example.com', username: 'alerts', password: '(hidden)' })
    expect(shown.webhooks[0]).toMatchObject({ format: 'json', url: '(hidden)' })
    expect(shown.runUrl).toBe('(hidden)')
    expect(shown.rule.mailboxes).toEqual(['ceo@example.com'])
  })
})
