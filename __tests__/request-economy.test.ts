import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../src/common/rate-limiter.js'
import { run } from '../src/main.js'
import type { Report } from '../src/report/report.js'
import type { SearchWindow } from '../src/window/plan.js'
import { certificate } from '../src/simulator/certificate.js'
import { backgroundConvictions, type SimMessage, type VerdictEvent } from '../src/simulator/data.js'
import { startMailSink, type MailSink } from '../src/simulator/mail-sink.js'
import { expectedMatches } from '../src/simulator/oracle.js'
import { startSimulator, type Simulator } from '../src/simulator/server.js'
import { runAction } from './helpers/action-run.js'
import { etdInputs } from './helpers/simulator.js'

// A simulated day of 10-minute runs against a tenant with about 13,000 convictions a day, of which a
// handful reach the watched mailbox; the ETD client's pacing sleeps on the simulated clock.
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const T0 = Date.UTC(2026, 10, 20, 0, 0, 0)
const THREATS = ['bec', 'scam', 'phishing', 'malicious']
const CONVICTIONS_PER_DAY = 13_000

let clock = T0
const etdClock: Clock = { now: () => clock, sleep: async (ms) => void (clock += ms) }

function message(
  id: string,
  mailbox: string,
  at: number,
  history: Array<[offset: number, verdict: string, manual?: boolean]>
): SimMessage {
  return {
    id,
    receivedAt: at,
    subject: `Subject of ${id}`,
    fromAddress: 'attacker@evil.example',
    senderName: 'Attacker',
    toAddresses: [mailbox],
    mailboxes: [mailbox],
    direction: 'incoming',
    techniques: [{ type: 'Sender name impersonation', severity: 'high', description: '' }],
    history: history.map(([offset, verdict, manual]): VerdictEvent => ({
      at: at + offset,
      verdict,
      retro: offset > MINUTE && !manual,
      manual
    })),
    folder: 'quarantine',
    urls: [],
    nanoTimes: false
  }
}

interface RunRecord {
  at: number
  failed: boolean
  log: string
  requests: number
  window: SearchWindow
  told: string[]
}

async function runAt(at: number, sim: Simulator, dir: string, inputs: Record<string, string>): Promise<RunRecord> {
  clock = at
  const result = await runAction(
    async ({ env }) => run({ env, emailCa: (await certificate()).cert, now: () => clock, etdClock }),
    {
      ...etdInputs(sim),
      mailboxes: 'ceo@example.com',
      backfill: '1h',
      rescan: '24h',
      'state-path': join(dir, 'state.json'),
      ...inputs
    },
    { dir }
  )
  const report = JSON.parse(await readFile(join(dir, 'etd-verdict-watch', 'report.json'), 'utf8')) as Report
  return {
    at,
    failed: result.failed,
    log: result.log,
    requests: Number(result.outputs['etd-requests']),
    window: { start: Date.parse(report.window.start), end: Date.parse(report.window.end) },
    told: report.messages.filter((m) => m.notice === 'new' || m.notice === 'verdict-change').map((m) => m.id)
  }
}

/** The day's runs, every 10 minutes from T0 to T0 + 24h inclusive. */
async function runDay(
  sim: Simulator,
  dir: string,
  inputsAt: (at: number) => Record<string, string>
): Promise<RunRecord[]> {
  const runs: RunRecord[] = []
  for (let at = T0; at <= T0 + DAY; at += 10 * MINUTE) runs.push(await runAt(at, sim, dir, inputsAt(at)))
  return runs
}

const deepRan = (r: RunRecord) => r.log.includes('Deep rescan due')

describe('a day of 10-minute runs at 13,000 convictions a day', () => {
  const plain = Array.from({ length: 40 }, (_, i) =>
    message(`plain-${i}`, 'ceo@example.com', T0 - 30 * MINUTE + i * 37 * MINUTE, [[3000, 'phishing']])
  )
  const special = [
    // Retro verdicts at different ages: minutes, hours, and nearly the 24h of rescan.
    message('retro-3m', 'ceo@example.com', T0 + 2 * HOUR, [
      [2000, 'neutral'],
      [3 * MINUTE, 'bec']
    ]),
    message('retro-2h', 'ceo@example.com', T0 + 5 * HOUR, [
      [2000, 'neutral'],
      [2 * HOUR, 'phishing']
    ]),
    message('retro-17h', 'ceo@example.com', T0 + HOUR, [
      [2000, 'neutral'],
      [17 * HOUR, 'malicious']
    ]),
    message('retro-23h20m', 'ceo@example.com', T0 + 30 * MINUTE, [
      [2000, 'neutral'],
      [23 * HOUR + 20 * MINUTE, 'scam']
    ]),
    // Convicted, told, then released by an administrator: told once, never again.
    message('released-after', 'ceo@example.com', T0 + 3 * HOUR, [
      [3000, 'bec'],
      [40 * MINUTE, 'neutral', true]
    ]),
    // Released a minute after delivery, before any run saw it: never told.
    message('released-before', 'ceo@example.com', T0 + 4 * HOUR + 1000, [
      [3000, 'bec'],
      [MINUTE, 'neutral', true]
    ])
  ]
  const expectedTold = [
    ...plain.map((m) => m.id),
    'retro-3m',
    'retro-2h',
    'retro-17h',
    'retro-23h20m',
    'released-after'
  ]
  let sim: Simulator
  let sink: MailSink
  let dir: string
  let runs: RunRecord[]
  const failingRun = T0 + 8 * HOUR + 20 * MINUTE

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'etd-economy-'))
    sim = await startSimulator({
      messages: [...backgroundConvictions(T0 - 26 * HOUR, T0 + DAY, CONVICTIONS_PER_DAY), ...plain, ...special],
      clock: () => clock,
      rateLimit: false
    })
    sink = await startMailSink({ auth: { user: 'alerts', pass: 'right' } })
    runs = await runDay(sim, dir, (at) => ({
      notify: 'email',
      'smtp-url': `smtp://alerts:${at === failingRun ? 'wrong' : 'right'}@127.0.0.1:${sink.port}`,
      'email-from': 'etd@example.com',
      'email-to': 'soc@example.com'
    }))
  }, 300_000)

  afterAll(async () => {
    await sim?.close()
    await sink?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('tells every conviction once, across a failed delivery, and never a released message again', () => {
    const failed = runs.filter((r) => r.failed)
    expect(failed.map((r) => new Date(r.at).toISOString())).toEqual(['2026-11-20T08:20:00.000Z'])
    const told = runs.filter((r) => !r.failed).flatMap((r) => r.told)
    expect([...told].sort()).toEqual([...expectedTold].sort())
    // What the failed run found was told by the next one.
    const next = runs[runs.indexOf(failed[0]) + 1]
    expect(next.told).toEqual(expect.arrayContaining(failed[0].told))
    expect(sink.received.length).toBe(runs.filter((r) => !r.failed && r.told.length > 0).length)
  })

  it('tells each retro verdict within rescan-every of when it was given', () => {
    const toldAt = (id: string) => runs.find((r) => !r.failed && r.told.includes(id))!.at
    const givenAt = (id: string) => special.find((m) => m.id === id)!.history[1].at
    expect(toldAt('retro-3m') - givenAt('retro-3m')).toBeLessThanOrEqual(20 * MINUTE)
    for (const id of ['retro-2h', 'retro-17h', 'retro-23h20m']) {
      expect(toldAt(id) - givenAt(id)).toBeLessThanOrEqual(6 * HOUR + 10 * MINUTE)
    }
  })

  it('runs the deep rescan every 6 hours and keeps every other run to the fresh window', () => {
    expect(runs.filter(deepRan).map((r) => new Date(r.at).toISOString().slice(11, 16))).toEqual([
      '06:00',
      '12:00',
      '18:00',
      '00:00'
    ])
    const overBound = runs
      .filter((r) => !deepRan(r))
      .map((r) => {
        // The oracle counts what ETD holds for the window, independently of the action.
        const fresh = expectedMatches(sim.messages, r.at, {
          ...r.window,
          mailboxes: [],
          verdicts: THREATS,
          techniques: []
        })
        return { at: new Date(r.at).toISOString(), requests: r.requests, bound: 1 + Math.ceil(fresh.length / 100) + 1 }
      })
      .filter((r) => r.requests > r.bound || r.requests < 2)
    expect(overBound).toEqual([])
  })

  it('spends at most 1,000 requests on the day, a tenth of the tenant’s quota', () => {
    // The 144 runs after the first span a whole day with four deep rescans.
    const day = runs.slice(1).reduce((sum, r) => sum + r.requests, 0)
    expect(day).toBeLessThanOrEqual(1000)
    expect(day).toBeGreaterThan(144 * 2)
  })
})

describe('a daily request budget too small for every deep rescan', () => {
  // 1,300 convictions a day: a fresh run costs a token and one page, the deep rescan about 14 pages.
  // 310 a day leaves 22 after the 144 fresh runs: enough for one deep rescan, not for four.
  const retro = message('retro-late', 'ceo@example.com', T0 + 2 * HOUR, [
    [2000, 'neutral'],
    [8 * HOUR, 'phishing']
  ])
  let sim: Simulator
  let dir: string
  let runs: RunRecord[]

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'etd-budget-'))
    sim = await startSimulator({
      messages: [...backgroundConvictions(T0 - 26 * HOUR, T0 + DAY, 1300), retro],
      clock: () => clock,
      rateLimit: false
    })
    runs = await runDay(sim, dir, () => ({ notify: 'none', 'daily-request-budget': '310' }))
  }, 300_000)

  afterAll(async () => {
    await sim?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('postpones the deep rescan to the next UTC day, which still catches the retro verdict, once', () => {
    const postponed = runs.filter((r) => r.log.includes('Deep rescan postponed'))
    expect(postponed.length).toBeGreaterThan(0)
    expect(postponed[0].log).toContain('It runs at the first run after 2026-11-21 00:00 UTC')
    const told = runs.filter((r) => r.told.includes('retro-late'))
    expect(told.map((r) => new Date(r.at).toISOString())).toEqual(['2026-11-21T00:00:00.000Z'])
    expect(deepRan(told[0])).toBe(true)
  })

  it('keeps the day within the budget', () => {
    const day = runs.filter((r) => r.at < T0 + DAY).reduce((sum, r) => sum + r.requests, 0)
    expect(day).toBeLessThanOrEqual(310)
  })
})
