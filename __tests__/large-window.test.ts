import { beforeAll, describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Clock } from '../src/common/rate-limiter.js'
import { normalizeMessage } from '../src/etd/message.js'
import { run } from '../src/main.js'
import { totalsOf } from '../src/notify/text/rows.js'
import { MatchedRows, renderSummary } from '../src/notify/summary/summary.js'
import type { Report } from '../src/report/report.js'
import { backgroundConvictions } from '../src/simulator/data.js'
import { expectedMatches } from '../src/simulator/oracle.js'
import { runAction, type ActionResult } from './helpers/action-run.js'
import { sharedWatch } from './helpers/servers.js'
import { etdInputs } from './helpers/simulator.js'

// A window of 24,000 matches (a week's backfill, a mass campaign, an empty `mailboxes` on a large
// tenant): every output keeps to its limit and says what it left out, and the report has them all.
const HOUR = 3_600_000
const NOW = Date.UTC(2026, 10, 27, 12)
const MATCHES = 24_000
let clock = NOW
// The ETD client's pacing sleeps on this clock, so 240 pages take no real time.
const etdClock: Clock = { now: () => clock, sleep: async (ms) => void (clock += ms) }

describe(`a window of ${MATCHES.toLocaleString('en-US')} matches`, () => {
  const shared = sharedWatch('etd-large-', {
    messages: backgroundConvictions(NOW - 2 * HOUR, NOW - 10 * 60_000, (MATCHES * 24 * HOUR) / (110 * 60_000)),
    clock: () => clock,
    rateLimit: false
  })
  let result: ActionResult

  beforeAll(async () => {
    const { sim, dir } = shared
    result = await runAction(
      ({ env }) => run({ env, now: () => clock, etdClock }),
      {
        ...etdInputs(sim),
        notify: 'none',
        backfill: '3h',
        'state-path': join(dir, 'state.json')
      },
      { dir }
    )
  }, 120_000)

  it('writes a complete report that jq can read, with exactly the matches the simulator holds', async () => {
    expect(result.failed).toBe(false)
    const report = JSON.parse(await readFile(join(shared.dir, 'etd-verdict-watch', 'report.json'), 'utf8')) as Report
    const expected = expectedMatches(shared.sim.messages, clock, {
      start: Date.parse(report.window.start),
      end: Date.parse(report.window.end),
      mailboxes: [],
      verdicts: ['bec', 'scam', 'phishing', 'malicious'],
      techniques: []
    })
    expect(expected.length).toBe(MATCHES)
    expect(report.messages.map((m) => m.id).sort()).toEqual(expected)
    expect(report.matchedCount).toBe(MATCHES)
    expect(report.newCount).toBe(MATCHES)
    expect(result.outputs['matched-count']).toBe(String(MATCHES))
    expect(result.outputs['new-count']).toBe(String(MATCHES))
  })

  it('keeps the job summary under 1 MiB, with the counts of all and a note of what it left out', () => {
    expect(Buffer.byteLength(result.summary)).toBeLessThan(1024 * 1024)
    expect(result.summary).toContain(`${MATCHES} matched (${MATCHES} new).`)
    // 997 mailboxes share the matches: 24 or 25 each, every one counted in the "told" table.
    expect(result.summary).toContain('<tr><td>BEC</td><td>6000</td></tr>')
    const shown = (result.summary.match(/<td>new<\/td><\/tr>/g) ?? []).length
    expect(shown).toBeGreaterThan(100)
    expect(result.summary).toContain(
      `${(MATCHES - shown).toLocaleString('en-US')} more matched messages not shown here (of 24,000); the JSON report at ${join(shared.dir, 'etd-verdict-watch', 'report.json')} lists every one (the report-path output; the runner deletes it after the job unless the workflow uploads it as an artifact).`
    )
  })

  it('remembers every conviction in the state', async () => {
    const state = JSON.parse(await readFile(join(shared.dir, 'state.json'), 'utf8')) as { notified: object }
    expect(Object.keys(state.notified)).toHaveLength(MATCHES)
  })
})

describe('the job summary at its worst', () => {
  it('stays under 1 MiB when every value is long attacker text that escaping makes longer', () => {
    const rule = { mailboxes: [], verdicts: ['bec'], techniques: [] }
    const matched = new MatchedRows()
    const hostile = '<&"'.repeat(100)
    for (let i = 0; i < 5000; i++) {
      const normalized = normalizeMessage({
        id: `m-${i}`,
        timestamp: '2026-11-27T10:00:00Z',
        subject: hostile,
        fromAddress: `${'a'.repeat(60)}@evil.example`,
        senderName: hostile,
        mailboxes: [`${'b'.repeat(60)}@example.com`],
        verdict: { category: 'bec', techniques: [{ type: hostile }] },
        action: { folder: hostile }
      })
      if (!normalized.ok) throw new Error(normalized.reason)
      matched.add(normalized.message, 'already-notified')
    }
    const summary = renderSummary({
      window: { start: NOW - HOUR, end: NOW },
      timeZone: 'UTC',
      matched,
      batch: { convictions: [], totals: totalsOf([], rule) },
      rule,
      scanned: 5000,
      skipped: 0,
      released: 0,
      notes: [],
      reportPath: '/runner/report.json'
    })
    expect(Buffer.byteLength(summary)).toBeLessThan(1024 * 1024)
    expect(summary).toMatch(
      /<p>[\d,]+ more matched messages not shown here \(of 5,000\); the JSON report at \/runner\/report.json lists every one \(the report-path output; the runner deletes it after the job unless the workflow uploads it as an artifact\).<\/p>$/
    )
  })
})
