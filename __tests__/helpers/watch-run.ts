import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { run } from '../../src/main.js'
import { certificate } from '../../src/simulator/certificate.js'
import type { SimMessage } from '../../src/simulator/data.js'
import { startMailSink, type MailSink } from '../../src/simulator/mail-sink.js'
import { startSimulator, type Simulator } from '../../src/simulator/server.js'
import { startGitHubApi, type GitHubApi } from '../../src/simulator/github-api.js'
import { startWebhookReceiver, type WebhookReceiver } from '../../src/simulator/webhook-receiver.js'
import { startCacheServer, type CacheServer } from './cache-server.js'
import { runAction, type ActionResult } from './action-run.js'
import { closedAfter, tempDir } from './servers.js'
import { etdInputs } from './simulator.js'

type EtdServer = Parameters<typeof etdInputs>[0]

/** The login the SMTP sinks of the run tests take. */
const LOGIN = { user: 'alerts', pass: 'pw' }

/** An SMTP sink that takes `LOGIN`, closed after the test. */
export const startSmtp = async (): Promise<MailSink> => closedAfter(await startMailSink({ auth: LOGIN }))

/** The inputs that send the digest through `smtp` from etd@example.com to `to`. */
export const smtpInputs = (smtp: MailSink, to = 'soc@example.com'): Record<string, string> => ({
  'smtp-url': `smtp://${LOGIN.user}:${LOGIN.pass}@127.0.0.1:${smtp.port}`,
  'email-from': 'etd@example.com',
  'email-to': to
})

/**
 * One scheduled run of the action against the ETD simulator `sim` at `now()`, trusting the SMTP sink's certificate, with its state in
 * `dir/state.json` unless the inputs say otherwise.
 */
export function runWatch(
  sim: EtdServer,
  inputs: Record<string, string>,
  options: { dir: string; now: () => number; env?: Record<string, string> }
): Promise<ActionResult> {
  return runAction(
    async ({ env }) => run({ env, emailCa: (await certificate()).cert, now: options.now }),
    { ...etdInputs(sim), 'state-path': join(options.dir, 'state.json'), ...inputs },
    { dir: options.dir, env: options.env }
  )
}

/** The variables that point the action's issue channel at the GitHub API server `github`. */
export const githubEnv = (github: { url: string; owner: string; repo: string }): Record<string, string> => ({
  GITHUB_API_URL: github.url,
  GITHUB_REPOSITORY: `${github.owner}/${github.repo}`
})

/**
 * A watch that a test starts on a simulator of its own and runs at times it picks: the simulator reads the
 * runs' clock, which each run moves to its time. Every run takes `base()` inputs, its own after them, and
 * `env()`; the simulator and the folder go after the test.
 */
export class WatchAt {
  at: number
  sim!: Simulator
  dir = ''
  readonly now = () => this.at

  constructor(
    start: number,
    private readonly base: () => Record<string, string>,
    private readonly env: () => Record<string, string> | undefined = () => undefined
  ) {
    this.at = start
  }

  /** A new folder and a simulator over `messages`, on this watch's clock. */
  async start(prefix: string, messages: SimMessage[]): Promise<void> {
    this.dir = await tempDir(prefix)
    this.sim = closedAfter(await startSimulator({ messages, clock: this.now, rateLimit: false }))
  }

  /** Writes `state` (text as it is, an object as JSON) where the next run restores it from, as anyone could. */
  async plantState(state: object | string): Promise<void> {
    await writeFile(join(this.dir, 'state.json'), typeof state === 'string' ? state : JSON.stringify(state))
  }

  /** One scheduled run at `at`. */
  runAt = (at: number, inputs: Record<string, string> = {}): Promise<ActionResult> => {
    this.at = at
    return runWatch(this.sim, { ...this.base(), ...inputs }, { dir: this.dir, now: this.now, env: this.env() })
  }
}

/** Every server a run with every channel talks to, and the workspace it runs in. */
export interface AllServers {
  workspace: string
  sim: Simulator
  smtp: MailSink
  github: GitHubApi
  receiver: WebhookReceiver
  cacheServer: CacheServer
}

/** Starts them all over `messages` at the fixed time `now`, and enters the workspace. */
export async function startAllServers(prefix: string, messages: SimMessage[], now: number): Promise<AllServers> {
  const workspace = await tempDir(prefix)
  // @actions/cache archives paths relative to the working directory, which is the workspace in Actions.
  process.chdir(workspace)
  return {
    workspace,
    sim: closedAfter(await startSimulator({ messages, clock: () => now, rateLimit: false })),
    smtp: await startSmtp(),
    github: closedAfter(await startGitHubApi()),
    receiver: closedAfter(await startWebhookReceiver()),
    cacheServer: closedAfter(await startCacheServer())
  }
}
