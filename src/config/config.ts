import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MAX_AGE_MS, TENANT_DAILY_QUOTA } from '../etd/limits.js'
import { DEFAULT_VERDICTS, isKnownVerdict, KNOWN_VERDICTS } from '../etd/verdicts.js'
import type { MatchRule } from '../match/matcher.js'
import { parseDuration } from './duration.js'
import { InputError } from './errors.js'
import { boolean, integer, oneOf, required, type InputReader } from './inputs.js'
import { parseList } from './lists.js'
import { parseEmailConfig, type EmailConfig } from './email.js'
import { parseIssueConfig, runUrlOf, type IssueConfig } from './issue.js'
import type { GitHubAccess } from '../state/prune.js'
import { parseWebhooks, type WebhookTarget } from './webhook.js'
import { parseRunnerConfig, type RunnerConfig } from './runner.js'

const REGIONS = ['us', 'de', 'au', 'in', 'ae', 'beta'] as const
export const NOTIFY_MODES = ['email', 'issue', 'both', 'none'] as const
export type NotifyMode = (typeof NOTIFY_MODES)[number]
const HEARTBEATS = ['off', 'daily'] as const

export interface EtdConfig {
  baseUrl: string
  /** The etd-region that chose `baseUrl`; absent when etd-base-url set it. */
  region?: string
  apiKey: string
  clientId: string
  clientSecret: string
  /** False only against loopback with ETD_VERDICT_WATCH_UNPACED=1: the benchmark's simulator, never ETD. */
  paced: boolean
}

export type StateConfig =
  | { kind: 'file'; path: string }
  /**
   * `github`: present when a token and repository are known, to list this watch's entries (was a miss
   * really a first run?) and, with `prune`, delete the older ones.
   */
  | { kind: 'cache'; key: string; prune: boolean; github?: GitHubAccess }

export interface Config {
  etd: EtdConfig
  rule: MatchRule
  lookbackMs: number
  /** Whether `lookback` was given: with a restored state it does nothing, and the run says so. */
  lookbackGiven: boolean
  /** `backfill`: search this far back once, even with state; 0 for none. */
  backfillMs: number
  /** How far before the last watermark each run searches again, for verdicts given late. */
  rescanMs: number
  /** How often the deep rescan over `rescanMs` runs; 0 runs it every time. */
  rescanEveryMs: number
  settleDelayMs: number
  /** `time-budget`: how long one run may take; its search stops in time to notify and save within it. */
  timeBudgetMs: number
  /** The most ETD requests this watch makes per UTC day (the tenant's quota is shared). */
  dailyRequestBudget: number
  state: StateConfig
  notify: NotifyMode
  /** Present when notify sends email. */
  email?: EmailConfig
  /** Present when notify opens issues. */
  issue?: IssueConfig
  /** Chat and SOAR webhooks, told besides `notify`. */
  webhooks: WebhookTarget[]
  /** This workflow run, where the summary and the report are; absent outside Actions. */
  runUrl?: string
  /** `daily`: one "all quiet" line a UTC day to the channels when nothing was told. */
  heartbeat: (typeof HEARTBEATS)[number]
  /** Check the ETD credentials and send one synthetic conviction through every channel; nothing else. */
  sendTest: boolean
  dryRun: boolean
  reportPath: string
  /** IANA zone, canonical spelling, in which every channel and the log show times. */
  timeZone: string
  /** The run, workspace, cache mode and summary file, from the runner's environment. */
  runner: RunnerConfig
}

const MAILBOX = /^(\*|[^\s@]+)@[^\s@]+$/

function duration(input: InputReader, name: string, fallback: string, allowZero: boolean): number {
  const given = input(name).trim() || fallback
  const value = parseDuration(given)
  if (value === undefined || (!allowZero && value === 0)) {
    throw new InputError(`Input '${name}' is '${given}'; expected a duration such as 90s, 65m, 2h or 7d.`)
  }
  return value
}

/** `backfill`: at most what ETD keeps, since a search further back is refused. */
function backfill(input: InputReader): number {
  const value = duration(input, 'backfill', '0', true)
  if (value > MAX_AGE_MS) {
    throw new InputError(
      `Input 'backfill' is '${input('backfill').trim()}'; expected at most 90d, since ETD keeps messages for 90 days.`
    )
  }
  return value
}

/** Plain http is allowed only to this machine: the simulator, a test receiver. */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

/** Lifting the client's rate limit is for the benchmark against the simulator: elsewhere it is ignored. */
function isPaced(baseUrl: string, env: NodeJS.ProcessEnv): boolean {
  return env.ETD_VERDICT_WATCH_UNPACED !== '1' || !isLoopback(new URL(baseUrl).hostname)
}

function etdEndpoint(input: InputReader): { baseUrl: string; region?: string } {
  const given = input('etd-base-url').trim()
  if (given === '') {
    const region = oneOf(input, 'etd-region', REGIONS, 'us')
    return { baseUrl: `https://api.${region}.etd.cisco.com`, region }
  }
  let url: URL
  try {
    url = new URL(given)
  } catch {
    // An @ may stand after credentials that broke the parse: then nothing of it is shown.
    const shown = given.includes('@') ? 'not a URL' : `'${given}'`
    throw new InputError(`Input 'etd-base-url' is ${shown}; expected a URL such as https://api.us.etd.cisco.com.`)
  }
  const plainHttpOk = url.protocol === 'http:' && isLoopback(url.hostname)
  if ((url.protocol !== 'https:' && !plainHttpOk) || url.username || url.password || url.search || url.hash) {
    throw new InputError(
      `Input 'etd-base-url' is '${url.origin}'; expected an https URL without credentials or query (http only for loopback).`
    )
  }
  return { baseUrl: `${url.origin}${url.pathname}`.replace(/\/+$/, '') }
}

function mailboxes(input: InputReader): string[] {
  const patterns = parseList(input('mailboxes')).map((m) => m.toLowerCase())
  const bad = patterns.find((m) => !MAILBOX.test(m))
  if (bad !== undefined) {
    throw new InputError(`Input 'mailboxes' has '${bad}'; expected addresses like ceo@example.com or *@example.com.`)
  }
  return patterns
}

function verdicts(input: InputReader): string[] {
  const given = parseList(input('verdicts').toLowerCase())
  const list = given.length > 0 ? given : [...DEFAULT_VERDICTS]
  const bad = list.find((v) => !isKnownVerdict(v))
  if (bad !== undefined) {
    throw new InputError(`Input 'verdicts' has '${bad}'; expected any of ${KNOWN_VERDICTS.join(', ')}.`)
  }
  return [...new Set(list)]
}

/** `time-zone`: an IANA name that this Node knows, in its canonical spelling (`europe/zurich` → `Europe/Zurich`). */
function timeZone(input: InputReader): string {
  const given = input('time-zone').trim() || 'UTC'
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: given }).resolvedOptions().timeZone
  } catch {
    throw new InputError(
      `Input 'time-zone' is '${given}'; expected an IANA time zone such as UTC, Europe/Zurich or America/New_York.`
    )
  }
}

const STATE_KEY = /^[A-Za-z0-9._-]{1,200}$/

/** `etd-verdict-watch-<workflow file>-<job>`: two watches in one repository keep apart unless told otherwise. */
function defaultStateKey(env: NodeJS.ProcessEnv): string {
  const workflowFile =
    /\/([^/@]+?)(\.ya?ml)?@/.exec(env.GITHUB_WORKFLOW_REF ?? '')?.[1] ?? env.GITHUB_WORKFLOW ?? 'local'
  const slug = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'x'
  return ['etd-verdict-watch', slug(workflowFile), slug(env.GITHUB_JOB ?? 'watch')].join('-').slice(0, 200)
}

function stateConfig(input: InputReader, env: NodeJS.ProcessEnv): StateConfig {
  const path = input('state-path').trim()
  if (path !== '') return { kind: 'file', path }
  const key = input('state-key').trim()
  if (key !== '' && !STATE_KEY.test(key)) {
    throw new InputError(`Input 'state-key' is '${key}'; expected letters, digits, '.', '_' or '-' (at most 200).`)
  }
  const prune = boolean(input, 'state-prune', false)
  const token = input('github-token').trim()
  const repository = /^([^/\s]+)\/([^/\s]+)$/.exec(input('repository').trim() || env.GITHUB_REPOSITORY || '')
  const github =
    token && repository
      ? {
          token,
          owner: repository[1],
          repo: repository[2],
          apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
          ...(env.GITHUB_REF ? { ref: env.GITHUB_REF } : {})
        }
      : undefined
  if (prune && !github) {
    throw new InputError(
      "Input 'state-prune' needs github-token and repository (owner/name) to delete old cache entries."
    )
  }
  return { kind: 'cache', key: key || defaultStateKey(env), prune, github }
}

/** Turns the workflow's inputs into a validated configuration, or throws an InputError naming the input. */
export function parseConfig(input: InputReader, env: NodeJS.ProcessEnv = {}): Config {
  const endpoint = {
    apiKey: required(input, 'etd-api-key', 'the ETD API key, from a repository secret'),
    clientId: required(input, 'etd-client-id', 'the ETD API client ID, from a repository secret'),
    clientSecret: required(input, 'etd-client-secret', 'the ETD API client secret, from a repository secret'),
    ...etdEndpoint(input)
  }
  const etd: EtdConfig = { ...endpoint, paced: isPaced(endpoint.baseUrl, env) }
  const notify = oneOf(input, 'notify', NOTIFY_MODES, 'email')
  const runner = parseRunnerConfig(env)
  return {
    etd,
    rule: {
      mailboxes: mailboxes(input),
      verdicts: verdicts(input),
      techniques: parseList(input('techniques').toLowerCase())
    },
    lookbackMs: duration(input, 'lookback', '1h', false),
    lookbackGiven: input('lookback').trim() !== '',
    backfillMs: backfill(input),
    rescanMs: duration(input, 'rescan', '24h', true),
    rescanEveryMs: duration(input, 'rescan-every', '6h', true),
    settleDelayMs: duration(input, 'settle-delay', '5m', true),
    timeBudgetMs: duration(input, 'time-budget', '10m', false),
    dailyRequestBudget: integer(input, 'daily-request-budget', 2000, 1, TENANT_DAILY_QUOTA),
    state: stateConfig(input, env),
    notify,
    email: notify === 'email' || notify === 'both' ? parseEmailConfig(input) : undefined,
    issue: notify === 'issue' || notify === 'both' ? parseIssueConfig(input, env) : undefined,
    webhooks: parseWebhooks(input),
    runUrl: runUrlOf(env, env.GITHUB_REPOSITORY),
    heartbeat: oneOf(input, 'heartbeat', HEARTBEATS, 'off'),
    sendTest: boolean(input, 'send-test', false),
    dryRun: boolean(input, 'dry-run', false),
    reportPath: input('report-path').trim() || join(runner.temp ?? tmpdir(), 'etd-verdict-watch', 'report.json'),
    timeZone: timeZone(input),
    runner
  }
}
