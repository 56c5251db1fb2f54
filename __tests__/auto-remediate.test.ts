import { describe, expect, it } from '@jest/globals'
import { createServer } from 'node:http'
import { unpacedLimiter } from '../src/common/rate-limiter.js'
import { EtdClient } from '../src/etd/client.js'
import { parseConfig } from '../src/config/config.js'
import { InputError } from '../src/config/errors.js'
import { startGitHubApi } from '../src/simulator/github-api.js'
import { startSimulator, type SimulatorOptions } from '../src/simulator/server.js'
import { Candidates, moveCandidates } from '../src/remediate.js'
import { conviction, simMessage, T } from './helpers/fixtures.js'
import { listenLoopback } from './helpers/listen.js'
import { closedAfter, tempDir } from './helpers/servers.js'
import { clientOfServer } from './helpers/simulator.js'
import { githubEnv, runWatch } from './helpers/watch-run.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const credentials = (sim: { apiKey: string; clientId: string; clientSecret: string }) => ({
  apiKey: sim.apiKey,
  clientId: sim.clientId,
  clientSecret: sim.clientSecret
})
let clock = T

/**
 * To the CEO in the hour before `T`, all left in the inbox: a phish convicted long ago, a BEC, and a
 * phish whose verdict came two minutes before `T` (within the grace period).
 */
const MESSAGES = () => [
  simMessage('aaaa-0001', T - 50 * MINUTE, { folder: 'inbox' }),
  simMessage('bbbb-0002', T - 40 * MINUTE, { folder: undefined, history: [{ at: T - 40 * MINUTE, verdict: 'bec' }] }),
  simMessage('cccc-0003', T - 30 * MINUTE, {
    folder: 'inbox',
    history: [{ at: T - 2 * MINUTE, verdict: 'phishing', retro: true }]
  })
]

async function tenant(options: Partial<SimulatorOptions> = {}, inputs: Record<string, string> = {}) {
  clock = T
  const dir = await tempDir('etd-remediate-')
  const sim = closedAfter(
    await startSimulator({ messages: MESSAGES(), clock: () => clock, rateLimit: false, ...options })
  )
  const github = closedAfter(await startGitHubApi())
  const runAt = (at: number, more: Record<string, string> = {}) => {
    clock = at
    return runWatch(
      sim,
      {
        mailboxes: 'ceo@example.com',
        notify: 'issue',
        'github-token': github.token,
        'rescan-every': '0',
        'auto-remediate': 'phishing',
        ...inputs,
        ...more
      },
      { dir, now: () => clock, env: githubEnv(github) }
    )
  }
  return { sim, github, runAt }
}

const rowOf = (body: string, id: string) => body.split('\n').find((line) => line.endsWith(`| \`${id}\` |`))

describe('auto-remediate: the watch moves convictions of chosen verdicts itself', () => {
  it('moves only the chosen verdict past its grace period, and every channel says so', async () => {
    const { sim, github, runAt } = await tenant()
    const first = await runAt(T)
    expect(first.failed).toBe(false)
    expect(sim.stats.moves).toBe(1)
    expect(first.outputs['etd-requests']).toBe('3')
    expect(first.log).toContain(
      'The watch moved 1 conviction to quarantine (auto-remediate: phishing); ETD queued the moves.'
    )
    // ETD's own answer, in a later search: only a is in quarantine, moved through the API.
    clock = T + MINUTE
    const client = new EtdClient({ baseUrl: sim.url, ...credentials(sim), limiter: unpacedLimiter() })
    const folders = new Map<string, unknown>()
    for await (const page of client.search({ start: T - HOUR, end: T, verdicts: ['bec', 'phishing'] }))
      for (const m of page.messages) folders.set(m.id as string, (m.action as { folder?: string } | undefined)?.folder)
    expect(folders).toEqual(
      new Map([
        ['aaaa-0001', 'quarantine'],
        ['bbbb-0002', undefined],
        ['cccc-0003', 'inbox']
      ])
    )
    const [issue] = github.issues
    expect(issue.body).toContain('## Still in the inbox: 2 — act on these')
    expect(rowOf(issue.body, 'aaaa-0001')).toContain('| moved to quarantine by the watch |')
    expect(rowOf(issue.body, 'bbbb-0002')).toContain('| no action taken |')
    expect(rowOf(issue.body, 'cccc-0003')).toContain('| left in the inbox |')
    expect(first.outputs['action-needed-count']).toBe('2')
    expect(first.summary).toContain('moved to quarantine by the watch')

    // Ten minutes on, c's grace is over: the watch moves it, and its issue records the move.
    const second = await runAt(T + 10 * MINUTE)
    expect(second.failed).toBe(false)
    expect(sim.stats.moves).toBe(2)
    expect(github.comments.map((c) => c.body)).toEqual([
      expect.stringContaining(
        '- `cccc-0003` left the inbox: now in quarantine (2026-11-27 10:10 UTC, by the watch).\n\nStill in the inbox: 1.'
      )
    ])
    expect(rowOf(issue.body, 'cccc-0003')).toContain('| **now in quarantine** (2026-11-27 10:10 UTC, by the watch) |')
    // Moved once: the next run finds both in quarantine and moves nothing.
    const third = await runAt(T + 20 * MINUTE)
    expect(third.failed).toBe(false)
    expect(sim.stats.moves).toBe(2)
    expect(github.comments).toHaveLength(1)
  })

  it('moves nothing with a read-only ETD client, and still tells every conviction', async () => {
    const { sim, github, runAt } = await tenant({ readOnly: true })
    const result = await runAt(T)
    expect(result.failed).toBe(false)
    expect(sim.stats.moves).toBe(1)
    expect(result.log).toMatch(
      /::warning::auto-remediate stopped: ETD \/v1\/messages\/move answered 403: this ETD API client may not move mail/
    )
    expect(github.issues[0].body).toContain('## Still in the inbox: 3 — act on these')
    expect(result.outputs['action-needed-count']).toBe('3')
  })

  it('moves nothing in a dry run, nor past the day’s budget, and says so', async () => {
    const { sim, runAt } = await tenant()
    const dry = await runAt(T, { 'dry-run': 'true' })
    expect(dry.failed).toBe(false)
    expect(sim.stats.moves).toBe(0)
    expect(dry.log).toContain('Dry run: auto-remediate would move 1 conviction to quarantine; nothing was moved.')
    // A token and a search spend this run's two requests: none is left for the move.
    const spent = await runAt(T + MINUTE, { 'daily-request-budget': '2' })
    expect(spent.failed).toBe(false)
    expect(sim.stats.moves).toBe(0)
    expect(spent.log).toContain(
      '::warning::auto-remediate moved nothing: daily-request-budget leaves 0 requests today, and moving 1 conviction takes 1.'
    )
  })
})

describe('the auto-remediate input', () => {
  const SECRETS: Record<string, string> = {
    'etd-api-key': 'k',
    'etd-client-id': 'i',
    'etd-client-secret': 's',
    notify: 'none'
  }
  const parse = (inputs: Record<string, string>) => parseConfig((name) => inputs[name] ?? SECRETS[name] ?? '', {})
  const problems = (inputs: Record<string, string>) => {
    try {
      parse(inputs)
    } catch (error) {
      return (error as InputError).problems
    }
    return []
  }

  it('is off by default and with false, and lists the verdicts to move', () => {
    expect(parse({}).autoRemediate).toEqual([])
    expect(parse({ 'auto-remediate': 'false' }).autoRemediate).toEqual([])
    expect(parse({ 'auto-remediate': 'BEC, phishing,bec' }).autoRemediate).toEqual(['bec', 'phishing'])
  })

  it('refuses true, a typo, a verdict that is no threat and one that verdicts does not watch, one line each', () => {
    expect(problems({ 'auto-remediate': 'true' })).toEqual([
      "Input 'auto-remediate' is 'true'; name the verdicts to move to quarantine, such as bec,phishing, or false."
    ])
    expect(problems({ 'auto-remediate': 'phising, spam, scam', verdicts: 'spam, phishing' })).toEqual([
      "Input 'auto-remediate' has 'phising'; expected false or any of bec, scam, phishing, malicious. Did you mean 'phishing'?",
      "Input 'auto-remediate' has 'spam', which is no threat: only bec, scam, phishing, malicious are moved.",
      "Input 'auto-remediate' has 'scam', which input 'verdicts' does not watch: add it there, since the watch moves only what it finds."
    ])
  })
})

describe('moveCandidates', () => {
  const eligible = (id: string, verdict = 'phishing') =>
    conviction(id, { verdict, remediation: undefined, verdictAt: new Date(T - HOUR).toISOString() })

  it('keeps at most 50 a run, and says the rest wait, in a dry run too', async () => {
    const candidates = new Candidates(['phishing'], T)
    for (let i = 0; i < 53; i++) candidates.consider(eligible(`m-${i}`), true)
    expect(candidates.found).toHaveLength(50)
    expect(candidates.over).toBe(3)
    const client = new EtdClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k', clientId: 'i', clientSecret: 's' })
    const { notes, moved } = await moveCandidates(client, candidates, {
      dryRun: true,
      left: 100,
      verdicts: ['phishing']
    })
    expect(moved).toEqual([])
    expect(notes).toEqual([
      'Dry run: auto-remediate would move 50 convictions to quarantine; nothing was moved. 3 more wait for a later run.'
    ])
  })

  it("names each id ETD refused with ETD's reason, and stops at a request ETD refuses", async () => {
    // ETD as answered by a loopback server: a per-id refusal for phishing, a 400 for bec.
    const server = createServer((req, res) => {
      let text = ''
      req.on('data', (chunk: Buffer) => (text += chunk.toString()))
      req.on('end', () => {
        res.setHeader('content-type', 'application/json')
        if (req.url === '/v1/oauth/token') {
          res.end(JSON.stringify({ accessToken: 'token' }))
          return
        }
        const body = JSON.parse(text) as { verdict: string; ids: string[] }
        if (body.verdict === 'bec') {
          res.statusCode = 400
          res.end(JSON.stringify({ message: 'Invalid folder' }))
          return
        }
        const statuses = body.ids.map((id) => ({
          id,
          queueSuccess: id === 'ok-1',
          reason: id === 'ok-1' ? undefined : 'message not found'
        }))
        res.end(JSON.stringify({ data: { messageMoveStatus: statuses, messageVerdictStatus: statuses } }))
      })
    })
    const etd = await listenLoopback(server)
    try {
      const client = clientOfServer(etd.url)
      const candidates = new Candidates(['phishing', 'bec'], T)
      for (const c of [eligible('ok-1'), eligible('gone-2'), eligible('b-3', 'bec')]) candidates.consider(c, true)
      const result = await moveCandidates(client, candidates, {
        dryRun: false,
        left: 100,
        verdicts: ['phishing', 'bec']
      })
      expect(result.moved.map((c) => c.message.id)).toEqual(['ok-1'])
      expect(result.warnings).toEqual([
        expect.stringMatching(/^auto-remediate stopped: ETD \/v1\/messages\/move answered 400/),
        'ETD did not move 1 conviction: gone-2 (message not found).'
      ])
    } finally {
      await etd.close()
    }
  })
})
