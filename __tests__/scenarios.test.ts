import { describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Report } from '../src/report/report.js'
import type { SimMessage, VerdictEvent } from '../src/simulator/data.js'
import { startMailSink, type MailSink } from '../src/simulator/mail-sink.js'
import { startSimulator } from '../src/simulator/server.js'
import { simMessage } from './helpers/fixtures.js'
import { closedAfter, tempDir } from './helpers/servers.js'
import { WatchAt } from './helpers/watch-run.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const T0 = Date.UTC(2026, 10, 20, 9, 0, 0)

let sink: MailSink | undefined
const scenario = new WatchAt(T0, () => ({
  mailboxes: 'ceo@example.com',
  notify: 'none',
  backfill: '1h',
  rescan: '24h'
}))

/** A message to ceo@example.com received at `at`, with verdicts given at offsets from then. */
const message = (id: string, at: number, ...history: Array<[offset: number, verdict: string, retro?: boolean]>) =>
  simMessage(id, at, {
    history: history.map(([offset, verdict, retro]): VerdictEvent => ({ at: at + offset, verdict, retro }))
  })

const watch = (messages: SimMessage[]) => scenario.start('etd-scenario-', messages)

interface Outcome {
  failed: boolean
  log: string
  outputs: Record<string, string>
  summary: string
  notices: Array<{ id: string; notice: string; previousVerdict?: string }>
}

/** One scheduled run at time `at`, with state in a file. */
async function runAt(at: number, inputs: Record<string, string> = {}): Promise<Outcome> {
  const result = await scenario.runAt(at, inputs)
  const report = result.outputs['report-path']
    ? (JSON.parse(await readFile(result.outputs['report-path'], 'utf8')) as Report)
    : undefined
  const notices = (report?.messages ?? [])
    .filter((m) => m.notice === 'new' || m.notice === 'verdict-change')
    .map((m) => ({ id: m.id, notice: m.notice, ...(m.previousVerdict ? { previousVerdict: m.previousVerdict } : {}) }))
  return { failed: result.failed, log: result.log, outputs: result.outputs, summary: result.summary, notices }
}

describe('several runs in a row, state in a file', () => {
  it('does not notify the overlap of consecutive windows twice', async () => {
    await watch([message('m1', T0 - 30 * MINUTE, [5000, 'phishing']), message('m2', T0 + 30 * MINUTE, [5000, 'bec'])])
    expect((await runAt(T0)).notices).toEqual([{ id: 'm1', notice: 'new' }])
    const second = await runAt(T0 + HOUR)
    expect(second.notices).toEqual([{ id: 'm2', notice: 'new' }])
    // No deep rescan is due: the fresh window starts 5 minutes before the first run's end, after m1.
    expect(second.outputs['matched-count']).toBe('1')
    expect(second.outputs['new-count']).toBe('1')
    expect(second.outputs['etd-requests']).toBe('2')
    expect(second.summary).toContain(
      '<p>ETD: 2 requests this run (1 token, 1 search); 4 of 2,000 today; deep rescan next due 16:55 UTC.</p>'
    )
    expect((await runAt(T0 + 2 * HOUR)).notices).toEqual([])
  })

  it('shows every time in the summary and the log in the time-zone input, the zone named; outputs stay UTC', async () => {
    await watch([message('m1', T0 - 30 * MINUTE, [5000, 'phishing'])])
    const run = await runAt(T0, { 'time-zone': 'europe/zurich' })
    expect(run.failed).toBe(false)
    // 20 November: Zurich is on CET, UTC+1.
    expect(run.log).toContain('Searching ETD for messages received 2026-11-20 08:55–09:55 Europe/Zurich')
    expect(run.summary).toContain('<p>Window 2026-11-20 08:55–09:55 Europe/Zurich: 1 messages scanned')
    expect(run.summary).toContain('<td>2026-11-20 09:30 Europe/Zurich</td>')
    expect(run.summary).toContain('deep rescan next due 17:55 Europe/Zurich.</p>')
    expect(run.summary).toContain('watermark 2026-11-20 09:55 Europe/Zurich,')
    expect(run.summary).not.toMatch(/\d\d:\d\d(:\d\d)?(\.\d+)?Z|UTC/)
    expect(run.outputs['window-start']).toBe('2026-11-20T07:55:00.000Z')
    expect(run.outputs['window-end']).toBe('2026-11-20T08:55:00.000Z')
  })

  it('notifies once a retro verdict on a message older than lookback but inside rescan', async () => {
    await watch([message('retro', T0 + 10 * MINUTE, [2000, 'neutral'], [3 * HOUR, 'phishing', true])])
    const everyRun = { 'rescan-every': '0' }
    expect((await runAt(T0, everyRun)).notices).toEqual([])
    expect((await runAt(T0 + HOUR, everyRun)).notices).toEqual([])
    expect((await runAt(T0 + 2 * HOUR, everyRun)).notices).toEqual([])
    const late = await runAt(T0 + 4 * HOUR, everyRun)
    expect(late.notices).toEqual([{ id: 'retro', notice: 'new' }])
    expect((await runAt(T0 + 5 * HOUR, everyRun)).notices).toEqual([])
  })

  it('notifies an escalation again as a verdict change, and the same verdict never', async () => {
    await watch([message('esc', T0 + 20 * MINUTE, [2000, 'spam'], [2 * HOUR, 'phishing', true])])
    const inputs = { verdicts: 'spam,phishing,bec,scam,malicious', 'rescan-every': '0' }
    expect((await runAt(T0 + HOUR, inputs)).notices).toEqual([{ id: 'esc', notice: 'new' }])
    expect((await runAt(T0 + 2 * HOUR, inputs)).notices).toEqual([])
    expect((await runAt(T0 + 3 * HOUR, inputs)).notices).toEqual([
      { id: 'esc', notice: 'verdict-change', previousVerdict: 'spam' }
    ])
    expect((await runAt(T0 + 4 * HOUR, inputs)).notices).toEqual([])
  })

  it('catches up a skipped day of runs', async () => {
    const gap = [2, 12, 20, 29].map((h) => message(`gap-${h}`, T0 + h * HOUR, [5000, 'bec']))
    await watch(gap)
    await runAt(T0)
    const late = await runAt(T0 + 30 * HOUR)
    expect(late.notices.map((n) => n.id).sort()).toEqual(['gap-12', 'gap-2', 'gap-20', 'gap-29'])
  })

  it('does not report what was convicted before the watch began, unless convicted after', async () => {
    await watch([
      message('old', T0 - 3 * HOUR, [5000, 'bec']),
      message('old-retro', T0 - 3 * HOUR, [5000, 'neutral'], [3.5 * HOUR, 'bec', true])
    ])
    expect((await runAt(T0, { 'rescan-every': '0' })).notices).toEqual([])
    const second = await runAt(T0 + HOUR, { 'rescan-every': '0' })
    expect(second.notices).toEqual([{ id: 'old-retro', notice: 'new' }])
    expect(second.outputs['matched-count']).toBe('2')
  })

  it('falls back to lookback on a corrupt state file, with a warning, and writes a good one', async () => {
    await watch([
      message('m1', T0 - 30 * MINUTE, [5000, 'phishing']),
      message('m0', T0 - 10 * HOUR, [5000, 'phishing'])
    ])
    await scenario.plantState('{"version": 7}')
    const result = await runAt(T0)
    expect(result.failed).toBe(false)
    expect(result.log).toContain(
      `::warning::No state restored: the state from ${join(scenario.dir, 'state.json')} was ignored because its version 7 is not one of 1 to 3`
    )
    expect(result.outputs['window-start']).toBe(new Date(T0 - 65 * MINUTE).toISOString())
    expect(result.notices).toEqual([{ id: 'm1', notice: 'new' }])
    expect((await runAt(T0 + HOUR)).outputs['state-restored']).toBe('true')
  })

  it('upgrades a state written by version 0.1 without telling anything twice', async () => {
    await watch([
      message('told', T0 - 3 * HOUR, [5000, 'phishing']),
      message('late', T0 - 2 * HOUR, [5000, 'neutral'], [110 * MINUTE, 'bec', true]),
      message('fresh', T0 - 20 * MINUTE, [5000, 'scam'])
    ])
    // Format 1, as 0.1 wrote it an hour ago: 'told' was told then.
    const v1 = [
      '{',
      '  "version": 1,',
      '  "horizon": "2026-11-20T04:00:00.000Z",',
      '  "watermark": "2026-11-20T07:55:00.000Z",',
      '  "notified": {',
      '    "told": {"v":"phishing","r":"2026-11-20T06:00:00.000Z","n":"2026-11-20T08:00:00.000Z"}',
      '  }',
      '}',
      ''
    ].join('\n')
    await scenario.plantState(v1)
    const upgraded = await runAt(T0)
    expect(upgraded.outputs['state-restored']).toBe('true')
    // The deep rescan is due at once, as 0.1 searched its rescan range on every run.
    expect(upgraded.log).toContain('Deep rescan due')
    expect(upgraded.notices.map((n) => n.id).sort()).toEqual(['fresh', 'late'])
    const saved = JSON.parse(await readFile(join(scenario.dir, 'state.json'), 'utf8')) as Record<string, unknown>
    expect(saved.version).toBe(3)
    expect(Object.keys(saved.notified as object).sort()).toEqual(['fresh', 'late', 'told'])
    expect((await runAt(T0 + 10 * MINUTE)).notices).toEqual([])
  })

  it('distrusts a restored state with a horizon in the future, and searches as without state', async () => {
    await watch([message('m1', T0 - 30 * MINUTE, [5000, 'phishing'])])
    const poisoned = {
      version: 2,
      horizon: '2027-01-01T00:00:00.000Z',
      watermark: '2027-01-01T00:00:00.000Z',
      notified: {}
    }
    await scenario.plantState(poisoned)
    const result = await runAt(T0)
    expect(result.log).toContain(
      `::warning::No state restored: the state from ${join(scenario.dir, 'state.json')} was ignored because its horizon ` +
        '2027-01-01T00:00:00.000Z lies in the future. Searching as on a first run (backfill, 1h unless set).'
    )
    expect(result.outputs['state-restored']).toBe('false')
    expect(result.notices).toEqual([{ id: 'm1', notice: 'new' }])
    const saved = JSON.parse(await readFile(join(scenario.dir, 'state.json'), 'utf8')) as {
      horizon: string
      watermark: string
    }
    expect(saved.horizon).toBe('2026-11-20T07:55:00.000Z')
    expect(saved.watermark).toBe('2026-11-20T08:55:00.000Z')
  })

  it('explains a date range that ETD refuses, naming the input that set it', async () => {
    scenario.dir = await tempDir('etd-scenario-')
    // ETD's clock two days ahead of the runner's: the window's start is then past ETD's 90 days.
    scenario.sim = closedAfter(
      await startSimulator({ messages: [], clock: () => scenario.now() + 2 * 24 * HOUR, rateLimit: false })
    )
    const result = await runAt(T0, { backfill: '89d' })
    expect(result.failed).toBe(true)
    expect(result.log).toContain(
      '::error::ETD refused the window 2026-08-23 09:00 – 2026-11-20 08:55 UTC as an invalid date ' +
        "range (it searches no further back than 90 days): check input 'backfill' and the runner's clock."
    )
  })

  it('keeps the state but for its request count when notifying fails; the next run tells everything once', async () => {
    await watch([
      message('a', T0 - 30 * MINUTE, [5000, 'bec']),
      message('b', T0 + 30 * MINUTE, [5000, 'phishing']),
      message('c', T0 + 90 * MINUTE, [5000, 'scam'])
    ])
    sink = closedAfter(await startMailSink({ auth: { user: 'alerts', pass: 'right' } }))
    const email = async (pass: string) => ({
      notify: 'email',
      'smtp-url': `smtp://alerts:${pass}@127.0.0.1:${sink!.port}`,
      'email-from': 'etd@example.com',
      'email-to': 'soc@example.com'
    })
    await runAt(T0, await email('right'))
    const readState = async () =>
      JSON.parse(await readFile(join(scenario.dir, 'state.json'), 'utf8')) as Record<string, unknown>
    const before = await readState()

    const failed = await runAt(T0 + HOUR, await email('wrong'))
    expect(failed.failed).toBe(true)
    expect(failed.outputs['state-saved']).toBe('false')
    const after = await readState()
    expect(after).toEqual({
      ...before,
      savedAt: after.savedAt,
      scheduledRuns: after.scheduledRuns,
      requests: after.requests,
      ratePerHour: after.ratePerHour,
      daily: after.daily
    })
    // The day's record counts the failed run (runs and failures, after the day, its told counts and the
    // later ones), not its convictions: the next run tells them.
    const [was, is] = [before.daily, after.daily].map((daily) => (daily as unknown[][])[0])
    expect(is.slice(0, 7)).toEqual(was.slice(0, 7))
    expect(is.slice(7, 9)).toEqual([(was[7] as number) + 1, 1])
    expect(after.savedAt).toBe('2026-11-20T10:00:00.000Z')
    // The failed run was a scheduled run all the same: it tells the cadence.
    expect(after.scheduledRuns).toEqual(['2026-11-20T09:00:00.000Z', '2026-11-20T10:00:00.000Z'])
    expect(after.requests).toEqual({ day: '2026-11-20', count: 4 })

    const retried = await runAt(T0 + 2 * HOUR, await email('right'))
    expect(retried.failed).toBe(false)
    expect(retried.notices.map((n) => n.id).sort()).toEqual(['b', 'c'])
    expect((await runAt(T0 + 3 * HOUR, await email('right'))).notices).toEqual([])

    const subjects = sink.received.map((r) => r.mail.subject)
    expect(subjects).toEqual(['[ETD] 1 new conviction: 1 BEC', '[ETD] 2 new convictions: 1 phishing, 1 scam'])
  })
})
