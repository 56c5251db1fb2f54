import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../src/config/config.js'
import { parseDuration } from '../src/config/duration.js'
import { inputParser } from './helpers/inputs.js'

const SECRETS = { 'etd-api-key': 'k', 'etd-client-id': 'id', 'etd-client-secret': 's', notify: 'none' }
const EMAIL = {
  notify: '',
  'smtp-host': 'smtp.example.com',
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

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const c = config(EMAIL, { RUNNER_TEMP: '/runner/tmp' })
    expect(c.etd.baseUrl).toBe('https://api.us.etd.cisco.com')
    expect(c.rule).toEqual({ mailboxes: [], verdicts: ['bec', 'scam', 'phishing', 'malicious'], techniques: [] })
    expect(c.lookbackMs).toBe(3_600_000)
    expect(c.settleDelayMs).toBe(300_000)
    expect(c.rescanMs).toBe(24 * 3_600_000)
    expect(c.rescanEveryMs).toBe(6 * 3_600_000)
    expect(c.dailyRequestBudget).toBe(2000)
    expect(c.notify).toBe('email')
    expect(c.dryRun).toBe(false)
    expect(c.email).toEqual({
      transport: 'smtp',
      smtp: {
        host: 'smtp.example.com',
        port: 587,
        security: 'starttls',
        username: undefined,
        password: undefined,
        ca: undefined
      },
      graphEndpoint: 'https://graph.microsoft.com',
      from: 'etd@example.com',
      fromAddress: 'etd@example.com',
      to: ['soc@example.com'],
      maxRows: 200,
      whenEmpty: false,
      notifyOwners: false
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
      "Input 'etd-region' is 'eu'; expected one of us, de, au, in, ae, beta."
    )
  })

  it('lets etd-base-url override the region, https only unless loopback', () => {
    expect(config({ 'etd-base-url': 'https://etd.proxy.example/api/', 'etd-region': 'au' }).etd.baseUrl).toBe(
      'https://etd.proxy.example/api'
    )
    expect(config({ 'etd-base-url': 'https://etd.proxy.example/api/', 'etd-region': 'au' }).etd.region).toBeUndefined()
    expect(config({ 'etd-base-url': 'http://127.0.0.1:8080' }).etd.baseUrl).toBe('http://127.0.0.1:8080')
    expect(config({ 'etd-base-url': 'http://localhost:9' }).etd.baseUrl).toBe('http://localhost:9')
    expect(errorOf({ 'etd-base-url': 'http://etd.example.com' })).toMatch(
      /^Input 'etd-base-url' is 'http:\/\/etd\.example\.com'; expected an https URL/
    )
    expect(errorOf({ 'etd-base-url': 'not a url' })).toMatch(/^Input 'etd-base-url' is 'not a url'/)
  })

  it('never echoes credentials embedded in etd-base-url', () => {
    const message = errorOf({ 'etd-base-url': 'https://user:hunter2@etd.example.com' })
    expect(message).not.toContain('hunter2')
    expect(message).toMatch(/without credentials/)
    // An unencoded / in the password breaks the parse; nothing of the input is shown then.
    expect(errorOf({ 'etd-base-url': 'https://user:hun/ter2@etd.example.com' })).toBe(
      "Input 'etd-base-url' is not a URL; expected a URL such as https://api.us.etd.cisco.com."
    )
  })

  it('lifts the client rate limit with ETD_VERDICT_WATCH_UNPACED=1 against loopback only', () => {
    const unpaced = { ETD_VERDICT_WATCH_UNPACED: '1' }
    expect(config({ 'etd-base-url': 'http://127.0.0.1:8080' }).etd.paced).toBe(true)
    for (const url of ['http://127.0.0.1:8080', 'http://127.3.2.1:9', 'http://localhost:9', 'http://[::1]:9/api']) {
      expect(config({ 'etd-base-url': url }, unpaced).etd.paced).toBe(false)
    }
    for (const url of ['', 'https://etd.proxy.example', 'https://127.0.0.1.nip.example', 'https://localhost.example']) {
      expect(config({ 'etd-base-url': url }, unpaced).etd.paced).toBe(true)
    }
    expect(config({ 'etd-base-url': 'http://127.0.0.1:8080' }, { ETD_VERDICT_WATCH_UNPACED: 'true' }).etd.paced).toBe(
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
  })

  it('lower-cases techniques for case-insensitive matching', () => {
    expect(config({ techniques: 'QR code\nSender name impersonation' }).rule.techniques).toEqual([
      'qr code',
      'sender name impersonation'
    ])
  })

  it('validates durations and notify', () => {
    expect(config({ lookback: '7d', 'settle-delay': '0' }).settleDelayMs).toBe(0)
    expect(errorOf({ lookback: '0' })).toBe("Input 'lookback' is '0'; expected a duration such as 90s, 65m, 2h or 7d.")
    expect(errorOf({ 'settle-delay': '5' })).toBe(
      "Input 'settle-delay' is '5'; expected a duration such as 90s, 65m, 2h or 7d."
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
    expect(config({ notify: 'None' }).notify).toBe('none')
    expect(config({ notify: 'None' }).email).toBeUndefined()
    expect(errorOf({ notify: 'slack' })).toBe("Input 'notify' is 'slack'; expected one of email, issue, both, none.")
  })

  it("takes the issues' author from issue-author, github-actions[bot] by default", () => {
    const issue = { notify: 'issue', 'github-token': 't', repository: 'acme/watch' }
    expect(config(issue).issue?.author).toBe('github-actions[bot]')
    expect(config({ ...issue, 'issue-author': '@my-app[bot]' }).issue?.author).toBe('my-app[bot]')
    expect(config({ ...issue, 'issue-author': 'octocat' }).issue?.author).toBe('octocat')
    expect(errorOf({ ...issue, 'issue-author': 'two words' })).toBe(
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
      "Input 'state-prune' needs github-token and repository (owner/name) to delete old cache entries."
    )
    expect(errorOf({ 'state-prune': 'yes' })).toBe("Input 'state-prune' is 'yes'; expected true or false.")
  })
})
