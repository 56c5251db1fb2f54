// The edges of input parsing that mutation testing showed unguarded: each expectation is the documented
// behaviour (README, action.yml), written out.
import { describe, expect, it } from '@jest/globals'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseConfig } from '../src/config/config.js'
import { InputError } from '../src/config/errors.js'
import { boolean, integer, oneOf } from '../src/config/inputs.js'
import { parseIssueConfig, runUrlOf } from '../src/config/issue.js'
import { inputParser } from './helpers/inputs.js'

const SECRETS = { 'etd-api-key': 'k', 'etd-client-id': 'id', 'etd-client-secret': 's', notify: 'none' }
const ISSUE = { 'github-token': 'ghs_x' }
const IN_ACTIONS = { GITHUB_REPOSITORY: 'acme/etd-watch' }
const EMAIL = {
  'smtp-url': 'smtp://smtp.example.com',
  'email-from': 'etd@example.com',
  'email-to': 'soc@example.com'
}
const config = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  inputParser((input) => parseConfig(input, env), SECRETS).parsed(inputs)
const { errorOf } = inputParser((input) => parseConfig(input), SECRETS)
const issue = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = IN_ACTIONS) =>
  inputParser((input) => parseIssueConfig(input, env), ISSUE).parsed(inputs)
const issueError = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = IN_ACTIONS) =>
  inputParser((input) => parseIssueConfig(input, env), ISSUE).errorOf(inputs)

describe('where the state lives', () => {
  const ref = (file: string) => ({ GITHUB_WORKFLOW_REF: `acme/etd-watch/.github/workflows/${file}@refs/heads/main` })

  it('is the state-path file when one is given, whatever state-key says', () => {
    expect(config({ 'state-path': ' /var/lib/etd/state.json ', 'state-key': 'k' }).state).toEqual({
      kind: 'file',
      path: '/var/lib/etd/state.json'
    })
  })

  it('is the cache under state-key, which must be a plain name of at most 200 characters', () => {
    expect(config({ 'state-key': ' tenant-emea.v1_a ' }).state).toEqual({
      kind: 'cache',
      prune: false,
      key: 'tenant-emea.v1_a'
    })
    expect(config({ 'state-key': 'k'.repeat(200) }).state).toEqual({
      kind: 'cache',
      prune: false,
      key: 'k'.repeat(200)
    })
    for (const bad of ['a/b', 'b/', '/b', 'a b', 'k'.repeat(201)]) {
      expect(errorOf({ 'state-key': bad })).toBe(
        `Input 'state-key' is '${bad}'; expected letters, digits, '.', '_' or '-' (at most 200).`
      )
    }
  })

  it('defaults to a key of the workflow file and the job', () => {
    const key = (env: NodeJS.ProcessEnv) => config({}, env).state
    expect(key({ ...ref('etd-watch.yml'), GITHUB_JOB: 'watch' })).toEqual({
      kind: 'cache',
      prune: false,
      key: 'etd-verdict-watch-etd-watch-watch'
    })
    expect(key({ ...ref('ETD Watch.yaml'), GITHUB_JOB: '--Watch_EMEA--' })).toEqual({
      kind: 'cache',
      prune: false,
      key: 'etd-verdict-watch-etd-watch-watch-emea'
    })
    expect(key({ ...ref('nightly'), GITHUB_JOB: 'j' })).toEqual({
      kind: 'cache',
      prune: false,
      key: 'etd-verdict-watch-nightly-j'
    })
    expect(key({ GITHUB_WORKFLOW: 'Nightly ETD' })).toEqual({
      kind: 'cache',
      prune: false,
      key: 'etd-verdict-watch-nightly-etd-watch'
    })
    expect(key({})).toEqual({ kind: 'cache', prune: false, key: 'etd-verdict-watch-local-watch' })
    expect(key({ GITHUB_JOB: '***' })).toEqual({ kind: 'cache', prune: false, key: 'etd-verdict-watch-local-x' })
    const long = key({ GITHUB_JOB: 'j'.repeat(300) })
    expect(long).toEqual({ kind: 'cache', prune: false, key: `etd-verdict-watch-local-${'j'.repeat(176)}` })
  })
})

describe('etd-region URL edges', () => {
  it('allows plain http on loopback only, in each of its spellings', () => {
    for (const url of ['http://[::1]:8787', 'http://127.10.20.30', 'http://127.0.0.10:80']) {
      expect(config({ 'etd-region': url }).etd.baseUrl).toBe(url.replace(/:80$/, ''))
    }
    for (const url of ['http://127.0.0.1.evil.example', 'ftp://etd.example.com', 'ftp://127.0.0.1']) {
      expect(errorOf({ 'etd-region': url })).toMatch(/expected an https URL without credentials or query/)
    }
  })

  it('trims the input and every trailing slash', () => {
    expect(config({ 'etd-region': ' https://etd.example/api// ' }).etd.baseUrl).toBe('https://etd.example/api')
    expect(config({ 'etd-region': '  ' }).etd.baseUrl).toBe('https://api.us.etd.cisco.com')
  })
})

describe('other parseConfig edges', () => {
  it('names the input in each message, as given but trimmed', () => {
    expect(errorOf({ backfill: ' soon ' })).toBe(
      "Input 'backfill' is 'soon'; expected a duration above 0 such as 90s, 65m, 2h or 7d."
    )
    expect(errorOf({ 'etd-client-id': '' })).toBe(
      "Input 'etd-client-id' is required: the ETD API client ID, from a repository secret."
    )
    expect(errorOf({ rescan: 'x' })).toBe("Input 'rescan' is 'x'; expected a duration such as 90s, 65m, 2h or 7d.")
  })

  it('rescans 24 hours unless told, and may rescan nothing', () => {
    expect(config({}).rescanMs).toBe(86_400_000)
    expect(config({ rescan: '0' }).rescanMs).toBe(0)
  })

  it('refuses mailbox patterns with spaces or more than an address', () => {
    for (const bad of ['a b@example.com', 'ceo@example.com x', 'ceo@@example.com']) {
      expect(errorOf({ mailboxes: bad })).toBe(
        `Input 'mailboxes' has '${bad}'; expected addresses like ceo@example.com or *@example.com.`
      )
    }
  })

  it('configures the channels notify asks for, and only those', () => {
    const both = config({ notify: 'email issue', ...EMAIL, ...ISSUE }, IN_ACTIONS)
    expect(both.notify).toEqual(['email', 'issue'])
    expect(both.email?.to).toEqual(['soc@example.com'])
    expect(both.issue?.repo).toBe('etd-watch')
    const issueOnly = config({ notify: ' Issue ', ...ISSUE, 'smtp-url': 'smtp://h' }, IN_ACTIONS)
    expect(issueOnly.email).toBeUndefined()
    expect(issueOnly.issue?.owner).toBe('acme')
    const emailOnly = config({ notify: 'email', ...EMAIL, ...ISSUE })
    expect(emailOnly.issue).toBeUndefined()
    expect(emailOnly.email?.from).toBe('etd@example.com')
  })

  it('reads dry-run, and writes the report under the temp folder', () => {
    expect(config({ 'dry-run': 'true' }).dryRun).toBe(true)
    expect(config({}).reportPath).toBe(join(tmpdir(), 'etd-verdict-watch', 'report.json'))
  })
})

describe('input readers', () => {
  const reader = (value: string) => () => value

  it('reads YAML booleans, trimmed, and names anything else', () => {
    for (const yes of ['true', 'True', 'TRUE', ' true ']) expect(boolean(reader(yes), 'dry-run', false)).toBe(true)
    for (const no of ['false', 'False', 'FALSE', ' false ']) expect(boolean(reader(no), 'dry-run', true)).toBe(false)
    expect(boolean(reader(''), 'dry-run', true)).toBe(true)
    expect(() => boolean(reader('yes'), 'dry-run', false)).toThrow(
      new InputError("Input 'dry-run' is 'yes'; expected true or false.")
    )
  })

  it('reads whole numbers within their bounds, inclusive', () => {
    const read = (value: string) => integer(reader(value), 'daily-request-budget', 200, 1, 10000)
    expect(read('')).toBe(200)
    expect(read(' 1 ')).toBe(1)
    expect(read('10000')).toBe(10000)
    for (const bad of ['0', '10001', '5x', 'x5', '1.5', '-3']) {
      expect(() => read(bad)).toThrow(
        new InputError(`Input 'daily-request-budget' is '${bad}'; expected a whole number from 1 to 10000.`)
      )
    }
  })

  it('reads a choice trimmed and case-insensitively', () => {
    expect(oneOf(reader(' BOTH '), 'notify', ['email', 'both'], 'email')).toBe('both')
  })

  it('throws InputError, which the action shows as one line, or one line a problem after a count', () => {
    expect(new InputError('x').name).toBe('InputError')
    expect(new InputError(['x']).message).toBe('x')
    expect(new InputError(['x', 'y']).message).toBe('2 problems with the inputs:\nx\ny')
  })
})

describe('parseIssueConfig', () => {
  it('reads the repository from the workflow, and links the run', () => {
    expect(
      issue(
        {},
        {
          GITHUB_REPOSITORY: 'octo-org/watch.repo_1',
          GITHUB_RUN_ID: '42',
          GITHUB_SERVER_URL: 'https://ghe.example//',
          GITHUB_API_URL: 'https://ghe.example/api/v3//'
        }
      )
    ).toEqual({
      token: 'ghs_x',
      owner: 'octo-org',
      repo: 'watch.repo_1',
      labels: ['etd-verdict-watch'],
      assignees: [],
      apiUrl: 'https://ghe.example/api/v3',
      author: 'github-actions[bot]'
    })
    expect(issue({}, { ...IN_ACTIONS, GITHUB_RUN_ID: '7' })).toMatchObject({
      owner: 'acme',
      apiUrl: 'https://api.github.com'
    })
    // The run's page belongs to the repository the workflow runs in, whichever one the issues go to.
    expect(runUrlOf({ GITHUB_RUN_ID: '42', GITHUB_SERVER_URL: 'https://ghe.example//' }, 'octo-org/watch.repo_1')).toBe(
      'https://ghe.example/octo-org/watch.repo_1/actions/runs/42'
    )
    expect(runUrlOf({ GITHUB_RUN_ID: '7' }, 'acme/etd-watch')).toBe('https://github.com/acme/etd-watch/actions/runs/7')
    expect(runUrlOf({}, 'acme/etd-watch')).toBeUndefined()
    expect(runUrlOf({ GITHUB_RUN_ID: '7' }, undefined)).toBeUndefined()
  })

  it('names github-token and a missing or bad GITHUB_REPOSITORY', () => {
    expect(issueError({ 'github-token': ' ' })).toBe(
      "Input 'github-token' is required: a token that may open issues (in a workflow, the default github.token)."
    )
    expect(issue({}, { GITHUB_REPOSITORY: `${'o'.repeat(39)}/${'r'.repeat(100)}` }).repo).toBe('r'.repeat(100))
    for (const bad of ['', 'acme', 'acme/etd/x', 'a cme/etd', `${'o'.repeat(40)}/r`, `o/${'r'.repeat(101)}`]) {
      expect(issueError({}, { GITHUB_REPOSITORY: bad })).toBe(
        `notify includes issue, which opens issues in the repository running the workflow, but GITHUB_REPOSITORY is '${bad.slice(0, 100)}', not owner/name: run it in GitHub Actions, or choose another channel in notify.`
      )
    }
  })

  it('reads labels once each, at most 50 characters', () => {
    expect(issue({ 'issue-labels': 'a, b\na' }).labels).toEqual(['a', 'b'])
    expect(issue({ 'issue-labels': 'l'.repeat(50) }).labels).toEqual(['l'.repeat(50)])
    expect(issueError({ 'issue-labels': `ok, ${'l'.repeat(51)}` })).toBe(
      `Input 'issue-labels' has '${'l'.repeat(51)}…'; labels are at most 50 characters.`
    )
    expect(issueError({ 'issue-labels': 'l'.repeat(70) })).toBe(
      `Input 'issue-labels' has '${'l'.repeat(60)}…'; labels are at most 50 characters.`
    )
  })

  it('reads assignees as logins, with or without @', () => {
    expect(issue({ 'issue-assignees': '@octocat, security-lead\ndependabot[bot]' }).assignees).toEqual([
      'octocat',
      'security-lead',
      'dependabot[bot]'
    ])
    expect(issue({ 'issue-assignees': `a${'b'.repeat(38)}` }).assignees).toEqual([`a${'b'.repeat(38)}`])
    for (const bad of ['bad login!', 'octo@cat', '-x', `a${'b'.repeat(39)}`, 'x[bot]y']) {
      expect(issueError({ 'issue-assignees': bad })).toBe(
        `Input 'issue-assignees' has '${bad}'; expected GitHub logins such as octocat.`
      )
    }
  })
})

describe('the GitHub access of state-prune', () => {
  const prune = { 'state-prune': 'true', 'github-token': 't' }
  const refusal =
    "Input 'state-prune' needs github-token, and GITHUB_REPOSITORY (set in GitHub Actions), to delete old cache entries."

  it('reads the repository of the workflow, and the API URL without trailing slashes', () => {
    expect(config(prune, { ...IN_ACTIONS, GITHUB_API_URL: 'https://ghe.example/api/v3//' }).state).toEqual({
      kind: 'cache',
      key: 'etd-verdict-watch-local-watch',
      prune: true,
      github: { token: 't', owner: 'acme', repo: 'etd-watch', apiUrl: 'https://ghe.example/api/v3' }
    })
    expect(config(prune, IN_ACTIONS).state).toMatchObject({ github: { apiUrl: 'https://api.github.com' } })
  })

  it.each([
    ['a blank token', { 'github-token': '   ' }, IN_ACTIONS],
    ['a repository with more than two parts', {}, { GITHUB_REPOSITORY: 'acme/etd-watch/extra' }],
    ['a repository without an owner', {}, { GITHUB_REPOSITORY: '/etd-watch' }]
  ])('refuses %s', (_case, inputs, env) => {
    expect(inputParser((input) => parseConfig(input, env), SECRETS).errorOf({ ...prune, ...inputs })).toBe(refusal)
  })
})

describe('issue-author', () => {
  it('is trimmed, and loses only a leading @', () => {
    expect(issue({ 'issue-author': ' @octocat ' }).author).toBe('octocat')
    expect(issueError({ 'issue-author': 'octo@cat' })).toBe(
      "Input 'issue-author' is 'octo@cat'; expected the login that opens the issues, such as github-actions[bot] or my-app[bot]."
    )
  })
})
