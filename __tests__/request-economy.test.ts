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
import { simMessage, to } from './helpers/fixtures.js'

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

const message = (
  id: string,
  mailbox: string,
  at: number,
  history: Array<[offset: number, verdict: string, manual?: boolean]>
): SimMessage =>
  simMessage(id, at, {
    ...to(mailbox),
    history: history.map(([offset, verdict, manual]): VerdictEvent => ({
      at: at + offset,
      verdict,
      retro: offset > MINUTE && !manual,
      manual
    }))
  })

interface RunRecord {
  at: number
  failed: boolean
  log: string
  requests: number
  window: SearchWindow
  told: string[]
}

async function runAt(
  at: number,
  sim: Simulator,
  dir: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<RunRecord> {
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
    { dir, env }
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
  // Verdicts given nearly rescan after delivery, at each phase of the deep rescans (08:00, 16:00, 00:00):
  // just after one, between two, just before one. The deep rescan after must still reach the message.
  const phases = ['08:00:30', '12:00:00', '15:59:00', '16:00:30']
  const ages: Array<[string, number]> = [
    ['17h55m', 17 * HOUR + 55 * MINUTE],
    ['20h', 20 * HOUR],
    ['23h55m', 23 * HOUR + 55 * MINUTE]
  ]
  const phased = phases.flatMap((phase) =>
    ages.map(([name, age]) => {
      const given = Date.parse(`2026-11-20T${phase}Z`)
      return message(`late-${name}-given-${phase}`, 'ceo@example.com', given - age, [
        [2000, 'neutral'],
        [age, 'phishing']
      ])
    })
  )
  const retro = [...special.filter((m) => m.id.startsWith('retro-')), ...phased]
  const expectedTold = [...plain, ...retro].map((m) => m.id).concat('released-after')
  let sim: Simulator
  let sink: MailSink
  let dir: string
  let runs: RunRecord[]
  const failingRun = T0 + 8 * HOUR + 20 * MINUTE

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'etd-economy-'))
    sim = await startSimulator({
      messages: [
        ...backgroundConvictions(T0 - 26 * HOUR, T0 + DAY, CONVICTIONS_PER_DAY),
        ...plain,
        ...special,
        ...phased
      ],
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

  it('tells each retro verdict within rescan-every and a run of when it was given, whatever its phase', () => {
    const toldAt = (id: string) => runs.find((r) => !r.failed && r.told.includes(id))?.at
    const late = retro
      .map((m) => ({ id: m.id, after: (toldAt(m.id) ?? Infinity) - m.history[1].at }))
      .filter((m) => m.after > (m.id === 'retro-3m' ? 20 * MINUTE : 8 * HOUR + 10 * MINUTE))
    expect(late).toEqual([])
  })

  it('runs the deep rescan every 8 hours and keeps every other run to the fresh window', () => {
    expect(runs.filter(deepRan).map((r) => new Date(r.at).toISOString().slice(11, 16))).toEqual([
      '08:00',
      '16:00',
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
    // The 144 runs after the first span a whole day with three deep rescans.
    const day = runs.slice(1).reduce((sum, r) => sum + r.requests, 0)
    expect(day).toBeLessThanOrEqual(1000)
    expect(day).toBeGreaterThan(144 * 2)
  })
})

describe('a daily request budget too small for every deep rescan', () => {
  // 1,300 convictions a day: a fresh run costs a token and one page, a deep rescan of 32 hours about 18
  // pages. 320 a day leaves 32 after the 144 fresh runs: enough for one deep rescan, not for three. The one
  // postponed to the next day reaches 40 hours back (22 pages).
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
    runs = await runDay(sim, dir, () => ({ notify: 'none', 'daily-request-budget': '320' }))
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
    expect(day).toBeLessThanOrEqual(320)
  })
})

describe('retro verdicts at every phase of the deep rescans, scaled down', () => {
  // rescan 10m, rescan-every 4m, a run every 4 minutes: each verdict is given 8 to 9 minutes after
  // delivery, 30 seconds after a deep rescan, when the next one's 10 minutes no longer reach the message.
  const deepAt = T0 + 20 * MINUTE
  const late = [8 * MINUTE, 8.5 * MINUTE, 9 * MINUTE].map((after, i) =>
    message(`retro-${after / 1000}s`, 'ceo@example.com', deepAt + 30_000 - after, [
      [2000, 'neutral'],
      [after, ['phishing', 'bec', 'malicious'][i]]
    ])
  )
  // Told on delivery by the fresh window; the deep rescans that see it again must not tell it again.
  const plain = message('plain', 'ceo@example.com', deepAt - 9.5 * MINUTE, [[2000, 'phishing']])
  let sim: Simulator
  let dir: string
  let runs: RunRecord[]

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'etd-phase-'))
    sim = await startSimulator({ messages: [...late, plain], clock: () => clock, rateLimit: false })
    runs = []
    for (let at = T0; at <= T0 + HOUR; at += 4 * MINUTE) {
      runs.push(await runAt(at, sim, dir, { notify: 'none', rescan: '10m', 'rescan-every': '4m' }))
    }
  }, 120_000)

  afterAll(async () => {
    await sim?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('tells each verdict given up to rescan after delivery once, at the next deep rescan', () => {
    expect(runs.filter((r) => r.failed)).toEqual([])
    const toldAt = (id: string) => runs.filter((r) => r.told.includes(id)).map((r) => r.at - deepAt)
    for (const m of late) expect(toldAt(m.id)).toEqual([4 * MINUTE])
    // The window ends 5 minutes before each run: the run at -4 m is the first whose window holds -9.5 m.
    expect(toldAt('plain')).toEqual([-4 * MINUTE])
  })
})

describe('a manual run a minute after a scheduled one', () => {
  // Five scheduled runs 10 minutes apart at 13,000 convictions a day, then a workflow_dispatch run about a
  // minute after the last one saved. Learned from that gap, the cron would be a minute: some 1,400 runs to
  // midnight at 2 requests, more than the whole daily-request-budget of 2,000.
  // Delivered 3 hours before, its verdict given between the last scheduled run and the manual one.
  const retro = message('retro-between', 'ceo@example.com', T0 - 3 * HOUR, [
    [2000, 'neutral'],
    [3 * HOUR + 40 * MINUTE + 30_000, 'phishing']
  ])
  let sim: Simulator

  /** The scheduled runs, then the manual one at `manualAt` with `manual` inputs: its record and the saved state. */
  async function manualRun(inputs: Record<string, string>, manual: Record<string, string>, manualAt: number) {
    const dir = await mkdtemp(join(tmpdir(), 'etd-manual-'))
    try {
      for (let at = T0; at < manualAt; at += 10 * MINUTE) {
        expect((await runAt(at, sim, dir, { notify: 'none', ...inputs })).failed).toBe(false)
      }
      const run = await runAt(
        manualAt,
        sim,
        dir,
        { notify: 'none', ...inputs, ...manual },
        {
          GITHUB_EVENT_NAME: 'workflow_dispatch'
        }
      )
      const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { scheduledRuns: string[] }
      return { run, state }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  beforeAll(async () => {
    sim = await startSimulator({
      messages: [...backgroundConvictions(T0 - 3 * DAY, T0 + HOUR, CONVICTIONS_PER_DAY), retro],
      clock: () => clock,
      rateLimit: false
    })
  })

  afterAll(async () => {
    await sim?.close()
  })

  it('runs a backfill the budget affords, and leaves the cadence to the scheduled runs', async () => {
    const manualAt = T0 + 41 * MINUTE
    const { run, state } = await manualRun({}, { backfill: '2d' }, manualAt)
    expect(run.failed).toBe(false)
    // Two days at 13,000 a day are 260 pages, well inside what 2,000 leaves after 139 runs of 2.
    const said = /Backfill of 2d: about (\d+) ETD requests, searching from/.exec(run.log)
    expect(Number(said?.[1])).toBeGreaterThan(260)
    expect(Number(said?.[1])).toBeLessThan(300)
    expect(run.window.start).toBe(manualAt - 5 * MINUTE - 2 * DAY)
    expect(state.scheduledRuns).toEqual(
      ['00:00', '00:10', '00:20', '00:30', '00:40'].map((t) => `2026-11-20T${t}:00.000Z`)
    )
  })

  it('runs a deep rescan that is due instead of postponing it', async () => {
    // Due 41 minutes after the first run's window: not at 00:40, at 00:41.
    const { run } = await manualRun({ 'rescan-every': '41m' }, {}, T0 + 41 * MINUTE)
    expect(run.log).toContain('Deep rescan due')
    expect(run.log).not.toContain('postponed')
    expect(run.told).toEqual(['retro-between'])
  })

  it('with rescan-every 0, finds the retro verdicts it is asked to find', async () => {
    // Every scheduled run is a deep rescan, which at 2 requests a second saves about a minute after it starts.
    const { run } = await manualRun({ 'rescan-every': '0' }, {}, T0 + 42 * MINUTE)
    expect(run.log).toContain('Deep rescan due')
    expect(run.told).toEqual(['retro-between'])
  })
})
