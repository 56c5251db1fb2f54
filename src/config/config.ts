import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MINUTE } from '../common/time.js'
import { MAX_AGE_MS, TENANT_DAILY_QUOTA } from '../etd/limits.js'
import { unknownTechniques } from '../etd/techniques.js'
import { DEFAULT_VERDICTS, isKnownVerdict, KNOWN_VERDICTS } from '../etd/verdicts.js'
import type { MatchRule } from '../match/matcher.js'
import { parseDuration } from '../common/duration.js'
import { autoRemediate } from './remediate.js'
import { InputError, Problems } from './errors.js'
import { boolean, integer, oneOf, required, type InputReader } from './inputs.js'
import { parseList } from './lists.js'
import { isLoopback } from './loopback.js'
import { parseEmailConfig, type EmailConfig } from './email.js'
import { parseIssueConfig, runUrlOf, type IssueConfig } from './issue.js'
import { parseWebhooks, type WebhookTarget } from './webhook.js'
import { parseRunnerConfig, type RunnerConfig } from './runner.js'
import type { StateSettings } from '../state/store.js'
import { checkRemovedInputs } from './removed.js'
import { didYouMean, nearest } from './suggest.js'
import { timeZone } from './time-zone.js'

const REGIONS = ['us', 'de', 'au', 'in', 'ae', 'beta'] as const
/** Names people give a region that ETD spells otherwise. */
const REGION_ALIASES: Record<string, string> = {
  eu: 'de',
  europe: 'de',
  emea: 'de',
  germany: 'de',
  usa: 'us',
  apj: 'au',
  apac: 'au',
  australia: 'au',
  india: 'in',
  uae: 'ae'
}
export const NOTIFY_CHANNELS = ['email', 'issue', 'webhook'] as const
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number]
const HEARTBEATS = ['off', 'daily', 'every-run'] as const
const REPORTS = ['weekly'] as const
/** How long before now the search window ends, so that ETD has finished with recent mail. */
export const SETTLE_DELAY_MS = 5 * MINUTE
const DEFAULT_BACKFILL = '1h'

export interface EtdConfig {
  baseUrl: string
  /** The etd-region that chose `baseUrl`; absent when etd-region is a URL. */
  region?: string
  apiKey: string
  clientId: string
  clientSecret: string
  /** False only against loopback with ETD_VERDICT_WATCH_UNPACED=1: the benchmark's simulator, never ETD. */
  paced: boolean
}

/** Where the state lives: defined beside the stores that read it. */
export type StateConfig = StateSettings

export interface Config {
  etd: EtdConfig
  rule: MatchRule
  /** How far back a run without state searches: `backfill`, 1h when not given. */
  lookbackMs: number
  /** `backfill` as given: with a restored state, search this far back once; 0 when not given. */
  backfillMs: number
  /** How far before the last watermark each run searches again, for verdicts given late. */
  rescanMs: number
  /** How often the deep rescan over `rescanMs` runs; 0 runs it every time. */
  rescanEveryMs: number
  /** Fixed at SETTLE_DELAY_MS. */
  settleDelayMs: number
  /** `time-budget`: how long one run may take; its search stops in time to notify and save within it. */
  timeBudgetMs: number
  /** The most ETD requests this watch makes per UTC day (the tenant's quota is shared). */
  dailyRequestBudget: number
  state: StateConfig
  /** The channels told; empty with `notify: none` (the job summary is always written). */
  notify: NotifyChannel[]
  /** Present when notify sends email. */
  email?: EmailConfig
  /** Present when notify opens issues. */
  issue?: IssueConfig
  /** Chat and SOAR webhooks; empty unless notify includes webhook. */
  webhooks: WebhookTarget[]
  /** This workflow run, where the summary and the report are; absent outside Actions. */
  runUrl?: string
  /**
   * `daily`: one "all quiet" line a UTC day to the channels when nothing was told; `every-run`: an
   * all-clear digest by email on every run with nothing new.
   */
  heartbeat: (typeof HEARTBEATS)[number]
  /** Check the ETD credentials and send one synthetic conviction through every channel; nothing else. */
  sendTest: boolean
  /** `report: weekly`: write the week's report to the channels instead of watching; absent for the watch. */
  report?: (typeof REPORTS)[number]
  dryRun: boolean
  /** `auto-remediate`: the verdicts whose convictions the watch moves to quarantine itself; empty when off. */
  autoRemediate: string[]
  /** Always under RUNNER_TEMP (the example workflow uploads it); the output report-path names it. */
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
    throw new InputError(
      `Input '${name}' is '${given}'; expected a duration${allowZero ? '' : ' above 0'} such as 90s, 65m, 2h or 7d.`
    )
  }
  return value
}

/** `backfill`: at most what ETD keeps, since a search further back is refused. */
function backfill(input: InputReader): number {
  const value = duration(input, 'backfill', DEFAULT_BACKFILL, false)
  if (value > MAX_AGE_MS) {
    throw new InputError(
      `Input 'backfill' is '${input('backfill').trim()}'; expected at most 90d, since ETD keeps messages for 90 days.`
    )
  }
  return value
}

/** Lifting the client's rate limit is for the benchmark against the simulator: elsewhere it is ignored. */
function isPaced(baseUrl: string, env: NodeJS.ProcessEnv): boolean {
  return env.ETD_VERDICT_WATCH_UNPACED !== '1' || !isLoopback(new URL(baseUrl).hostname)
}

/** `etd-region`: a region's name, or the URL of the API (a proxy, the simulator). */
function etdEndpoint(input: InputReader): { baseUrl: string; region?: string } {
  const given = input('etd-region').trim()
  if (!given.includes(':') && !given.includes('/')) {
    const region = given.toLowerCase() || 'us'
    if ((REGIONS as readonly string[]).includes(region)) {
      return { baseUrl: `https://api.${region}.etd.cisco.com`, region }
    }
    const guess = didYouMean(nearest(region, REGIONS, REGION_ALIASES))
    throw new InputError(
      `Input 'etd-region' is '${given}'; expected one of ${REGIONS.join(', ')}, or the API's https URL.${guess}`
    )
  }
  let url: URL
  try {
    url = new URL(given)
  } catch {
    // An @ may stand after credentials that broke the parse: then nothing of it is shown.
    const shown = given.includes('@') ? 'not a URL' : `'${given}'`
    throw new InputError(
      `Input 'etd-region' is ${shown}; expected a region such as us, or a URL such as https://api.us.etd.cisco.com.`
    )
  }
  const plainHttpOk = url.protocol === 'http:' && isLoopback(url.hostname)
  if ((url.protocol !== 'https:' && !plainHttpOk) || url.username || url.password || url.search || url.hash) {
    throw new InputError(
      `Input 'etd-region' is '${url.origin}'; expected an https URL without credentials or query (http only for loopback).`
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
  const bad = list.filter((v) => !isKnownVerdict(v))
  if (bad.length > 0) {
    const expected = `expected any of ${KNOWN_VERDICTS.join(', ')}.`
    throw new InputError(
      bad.map((v) => `Input 'verdicts' has '${v}'; ${expected}${didYouMean(nearest(v, KNOWN_VERDICTS))}`)
    )
  }
  return [...new Set(list)]
}

/** A technique ETD is not known to use is kept (ETD adds some), unless it is a near miss of a known one. */
function techniques(input: InputReader): string[] {
  const list = parseList(input('techniques').toLowerCase())
  const typos = unknownTechniques(list).filter((t) => t.suggestion !== undefined)
  if (typos.length > 0) {
    throw new InputError(
      typos.map(
        ({ given, suggestion }) =>
          `Input 'techniques' has '${given}', which is not a technique ETD reports, so it would match nothing.${didYouMean(suggestion)}`
      )
    )
  }
  return list
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
  const repository = /^([^/\s]+)\/([^/\s]+)$/.exec(env.GITHUB_REPOSITORY || '')
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
      "Input 'state-prune' needs github-token, and GITHUB_REPOSITORY (set in GitHub Actions), to delete old cache entries."
    )
  }
  return { kind: 'cache', key: key || defaultStateKey(env), prune, github }
}

/**
 * `notify`: the channels listed, or `none`; `auto` tells email when email-to is set, the webhooks when
 * webhook-url is, and opens issues when neither is (they need nothing but the job's token).
 */
function notifyChannels(input: InputReader): NotifyChannel[] {
  const given = input('notify').trim().toLowerCase() || 'auto'
  if (given === 'auto') {
    const auto: NotifyChannel[] = []
    if (input('email-to').trim() !== '') auto.push('email')
    if (input('webhook-url').trim() !== '') auto.push('webhook')
    return auto.length > 0 ? auto : ['issue']
  }
  if (given === 'none') return []
  const names = given.split(/[\s,]+/).filter((n) => n !== '')
  const problems = names
    .filter((n) => !(NOTIFY_CHANNELS as readonly string[]).includes(n))
    .map((n) =>
      n === 'both'
        ? "Input 'notify' has 'both', which v1 no longer takes; write notify: email, issue."
        : `Input 'notify' has '${n}'; expected auto, none, or a list of ${NOTIFY_CHANNELS.join(', ')}.${didYouMean(nearest(n, [...NOTIFY_CHANNELS, 'none', 'auto']))}`
    )
  if (problems.length > 0) throw new InputError(problems)
  return NOTIFY_CHANNELS.filter((c) => names.includes(c))
}

/** Owner notices write to the watched mailboxes: only to ones the workflow names, never to a whole tenant. */
function ownerNoticeProblem(email: EmailConfig, watched: readonly string[]): string | undefined {
  if (email.ownerNotices === undefined) return undefined
  if (watched.length === 0) {
    return "Input 'owner-notices' is on while 'mailboxes' is empty, which watches every mailbox of the tenant: list the mailboxes to watch, or set owner-notices: false."
  }
  if (email.ownerNotices === 'exact' && watched.every((m) => m.startsWith('*@'))) {
    return "Input 'owner-notices' is true, which writes only to addresses listed in 'mailboxes', and it lists only whole domains: list the addresses, or set owner-notices: include-domains to write to anyone in those domains."
  }
  return undefined
}

/**
 * A channel's settings given while an explicit `notify` leaves it out would be dropped without a word:
 * 0.x told webhooks besides `notify`, so an upgraded workflow could lose them.
 */
function unusedSettings(input: InputReader, notify: readonly NotifyChannel[]): string[] {
  const given = input('notify').trim().toLowerCase()
  if (given === '' || given === 'auto' || given === 'none') return []
  const settings: Array<[NotifyChannel, string]> = [
    ['email', 'email-to'],
    ['webhook', 'webhook-url']
  ]
  return settings
    .filter(([channel, name]) => !notify.includes(channel) && input(name).trim() !== '')
    .map(
      ([channel, name]) =>
        `Input '${name}' is set, but notify (${given}) does not list ${channel}: add ${channel} to notify, or remove ${name}.`
    )
}

/** `report`: empty for the watch, or the report to write instead. */
function reportKind(input: InputReader): Config['report'] {
  const given = input('report').trim().toLowerCase()
  if (given === '') return undefined
  if ((REPORTS as readonly string[]).includes(given)) return given as Config['report']
  throw new InputError(
    `Input 'report' is '${given}'; expected ${REPORTS.join(', ')}, or nothing for the watch.${didYouMean(nearest(given, REPORTS))}`
  )
}

/**
 * Turns the workflow's inputs into a validated configuration. Every input is checked, and all their
 * problems are thrown together in one InputError, one line each.
 */
export function parseConfig(input: InputReader, env: NodeJS.ProcessEnv = {}): Config {
  const problems = new Problems()
  const check = <T>(parse: () => T) => problems.check(parse)
  checkRemovedInputs(input, problems)
  const apiKey = check(() => required(input, 'etd-api-key', 'the ETD API key, from a repository secret'))
  const clientId = check(() => required(input, 'etd-client-id', 'the ETD API client ID, from a repository secret'))
  const clientSecret = check(() =>
    required(input, 'etd-client-secret', 'the ETD API client secret, from a repository secret')
  )
  const endpoint = check(() => etdEndpoint(input))
  const rule = {
    mailboxes: check(() => mailboxes(input)),
    verdicts: check(() => verdicts(input)),
    techniques: check(() => techniques(input))
  }
  const heartbeat = check(() => oneOf(input, 'heartbeat', HEARTBEATS, 'off'))
  const listed = check(() => notifyChannels(input))
  // A notify that is wrong already says so: what it would leave unused is not a second problem.
  for (const problem of listed ? unusedSettings(input, listed) : []) problems.add(problem)
  const notify = listed ?? []
  const email = notify.includes('email')
    ? check(() => parseEmailConfig(input, { whenEmpty: heartbeat === 'every-run' }))
    : undefined
  const ownerNotices = input('owner-notices').trim().toLowerCase()
  if (email && rule.mailboxes) {
    const refused = ownerNoticeProblem(email, rule.mailboxes)
    if (refused) problems.add(refused)
  } else if (!notify.includes('email') && ownerNotices !== '' && ownerNotices !== 'false') {
    problems.add("Input 'owner-notices' is on, but notify does not list email, which sends them: add email to notify.")
  }
  const issue = notify.includes('issue') ? check(() => parseIssueConfig(input, env)) : undefined
  const webhooks = check(() => parseWebhooks(input))
  if (notify.includes('webhook') && webhooks?.length === 0) {
    problems.add('notify lists webhook, which needs webhook-url: one webhook URL per line, from a secret.')
  }
  const rest = {
    lookbackMs: check(() => backfill(input)),
    rescanMs: check(() => duration(input, 'rescan', '24h', true)),
    rescanEveryMs: check(() => duration(input, 'rescan-every', '8h', true)),
    timeBudgetMs: check(() => duration(input, 'time-budget', '10m', false)),
    dailyRequestBudget: check(() => integer(input, 'daily-request-budget', 2000, 1, TENANT_DAILY_QUOTA)),
    state: check(() => stateConfig(input, env)),
    sendTest: check(() => boolean(input, 'send-test', false)),
    report: check(() => reportKind(input)),
    dryRun: check(() => boolean(input, 'dry-run', false)),
    autoRemediate: check(() => autoRemediate(input, rule.verdicts)),
    timeZone: check(() => timeZone(input)),
    runner: check(() => parseRunnerConfig(env))
  }
  if (rest.sendTest && rest.report) {
    problems.add(
      "Inputs 'send-test' and 'report' are both set; a run does one of them: set one in its own workflow step."
    )
  }
  problems.throwIfAny()
  const runner = rest.runner!
  return {
    etd: {
      apiKey: apiKey!,
      clientId: clientId!,
      clientSecret: clientSecret!,
      ...endpoint!,
      paced: isPaced(endpoint!.baseUrl, env)
    },
    rule: { mailboxes: rule.mailboxes!, verdicts: rule.verdicts!, techniques: rule.techniques! },
    lookbackMs: rest.lookbackMs!,
    backfillMs: input('backfill').trim() === '' ? 0 : rest.lookbackMs!,
    rescanMs: rest.rescanMs!,
    rescanEveryMs: rest.rescanEveryMs!,
    settleDelayMs: SETTLE_DELAY_MS,
    timeBudgetMs: rest.timeBudgetMs!,
    dailyRequestBudget: rest.dailyRequestBudget!,
    state: rest.state!,
    notify,
    email,
    issue,
    webhooks: notify.includes('webhook') ? webhooks! : [],
    runUrl: runUrlOf(env, env.GITHUB_REPOSITORY),
    heartbeat: heartbeat!,
    sendTest: rest.sendTest!,
    ...(rest.report ? { report: rest.report } : {}),
    dryRun: rest.dryRun!,
    autoRemediate: rest.autoRemediate!,
    reportPath: join(runner.temp ?? tmpdir(), 'etd-verdict-watch', 'report.json'),
    timeZone: rest.timeZone!,
    runner
  }
}
