import { clean } from '../../src/etd/clean.js'
import type { DayCount, Ranked, WeeklyReport } from '../../src/report/weekly/types.js'

/** The week the report tests render: Monday 23 to Sunday 29 November 2026, UTC. */
export const WEEK_START = Date.UTC(2026, 10, 23)
const DAY = 86_400_000

const day = (date: string, byVerdict: Record<string, number>): DayCount => ({
  day: date,
  byVerdict,
  total: Object.values(byVerdict).reduce((a, b) => a + b, 0)
})

export const ranked = (entries: Array<[string, number]>): Ranked[] =>
  entries.map(([name, count]) => ({ name: clean(name), count }))

/**
 * A plain week: 42 convictions to 3 watched mailboxes against 37 the week before, every day recorded; the
 * tenant saw 120 against 150. The numbers are chosen so that each sentence can be written down by hand.
 */
export function weeklyReport(extra: Partial<WeeklyReport> = {}): WeeklyReport {
  return {
    period: { start: WEEK_START, end: WEEK_START + 7 * DAY },
    previous: { start: WEEK_START - 7 * DAY, end: WEEK_START },
    timeZone: 'UTC',
    watched: {
      mailboxes: 3,
      days: [
        day('2026-11-23', { bec: 3, phishing: 5 }),
        day('2026-11-24', { bec: 1, phishing: 4, scam: 1 }),
        day('2026-11-25', { phishing: 7 }),
        day('2026-11-26', { bec: 2, phishing: 3, scam: 2 }),
        day('2026-11-27', { bec: 4, phishing: 6 }),
        day('2026-11-28', {}),
        day('2026-11-29', { phishing: 4 })
      ],
      total: { current: 42, previous: 37 },
      byVerdict: {
        bec: { current: 10, previous: 5 },
        phishing: { current: 29, previous: 30 },
        scam: { current: 3, previous: 2 }
      },
      topTechniques: ranked([
        ['Sender name impersonation', 14],
        ['Malicious URL', 12],
        ['QR code', 5]
      ]),
      topMailboxes: ranked([
        ['cfo@example.com', 25],
        ['ceo@example.com', 12],
        ['ap@example.com', 5]
      ]),
      topSenderDomains: ranked([
        ['evil.example', 20],
        ['invoices.example.net', 9]
      ]),
      inInboxWhenTold: 8,
      leftInbox: 6,
      medianMinutesToLeave: 95,
      notFollowed: 1,
      retroVerdicts: 2,
      releases: 1,
      gaps: []
    },
    tenant: {
      days: [
        day('2026-11-23', { bec: 5, phishing: 15, spam: 2 }),
        day('2026-11-24', { phishing: 18 }),
        day('2026-11-25', { phishing: 17, malicious: 3 }),
        day('2026-11-26', { bec: 4, phishing: 16 }),
        day('2026-11-27', { phishing: 20 }),
        day('2026-11-28', { phishing: 10 }),
        day('2026-11-29', { phishing: 10 })
      ],
      total: { current: 120, previous: 150 },
      retroVerdicts: 9,
      topTargets: ranked([
        ['cfo@example.com', 30],
        ['hr@example.com', 22]
      ]),
      topThreatSenders: ranked([['billing@evil.example', 17]]),
      missing: []
    },
    health: { runs: 1008, failures: 2, etdRequests: 2100, etdBudget: 7000, deepScans: 7 },
    ...extra
  }
}

/** The plain week with a lost day this week and one the week before. */
export function gappedReport(): WeeklyReport {
  const report = weeklyReport()
  return {
    ...report,
    watched: {
      ...report.watched,
      days: report.watched.days.filter((d) => d.day !== '2026-11-25'),
      byVerdict: Object.fromEntries(
        Object.entries(report.watched.byVerdict).map(([k, t]) => [k, { ...t, previous: null }])
      ),
      total: { current: 35, previous: null },
      gaps: ['2026-11-25', '2026-11-18']
    },
    tenant: { ...report.tenant, missing: ['retro verdicts'], retroVerdicts: null }
  }
}

/**
 * A week the watch knows nothing of (every day a gap) and ETD did not answer: nothing to draw, every
 * list empty, each said in words.
 */
export function emptyReport(): WeeklyReport {
  const base = weeklyReport()
  const days = base.watched.days.map((d) => d.day)
  return {
    ...base,
    watched: {
      ...base.watched,
      days: [],
      total: { current: 0, previous: null },
      byVerdict: {},
      topTechniques: [],
      topMailboxes: [],
      topSenderDomains: [],
      inInboxWhenTold: 0,
      leftInbox: 0,
      medianMinutesToLeave: null,
      notFollowed: 0,
      retroVerdicts: 0,
      releases: 0,
      gaps: days
    },
    tenant: {
      days: [],
      total: { current: 0, previous: null },
      retroVerdicts: null,
      topTargets: [],
      topThreatSenders: [],
      missing: ['verdicts by day', 'top targets', 'top threat senders', 'retro verdicts']
    }
  }
}

/** A week whose every top list holds `length` copies of `name` (numbered), for the channels' size limits. */
export function longListsReport(length: number, name: string): WeeklyReport {
  const names = ranked(Array.from({ length }, (_, i) => [`${name}${i}`, 100 - i] as [string, number]))
  const base = weeklyReport()
  return {
    ...base,
    watched: { ...base.watched, topTechniques: names, topMailboxes: names, topSenderDomains: names },
    tenant: { ...base.tenant, topTargets: names, topThreatSenders: names }
  }
}

/**
 * Names from ETD that try to be markup in every channel: HTML, a markdown link and image, a mermaid label
 * and fence breaker, Slack's mention and link, Teams' template, a GitHub mention and issue reference.
 */
export const HOSTILE_NAMES = [
  '<img src=x onerror=alert(1)>@evil.example',
  '[click](https://evil.example/x) ![i](https://evil.example/i.png)',
  'x" : 1\n```\n%%{init: {"theme": "dark"}}%%',
  '<!channel> <@U123> <https://evil.example|login>',
  '{{DATE(2026-01-01T00:00:00Z)}} @octocat #1 GH-2 :tada:',
  '</td></tr></table><script>alert(1)</script>'
]

/** A week whose every name (verdicts too) is one of HOSTILE_NAMES. */
export function hostileReport(): WeeklyReport {
  const base = weeklyReport()
  const names = ranked(HOSTILE_NAMES.map((name, i) => [name, 10 - i]))
  const verdict = HOSTILE_NAMES[5]
  return {
    ...base,
    watched: {
      ...base.watched,
      days: base.watched.days.map((d) => ({ ...d, byVerdict: { ...d.byVerdict, [verdict]: 1 }, total: d.total + 1 })),
      byVerdict: { ...base.watched.byVerdict, [verdict]: { current: 7, previous: 0 } },
      topTechniques: names,
      topMailboxes: names,
      topSenderDomains: names
    },
    tenant: { ...base.tenant, topTargets: names, topThreatSenders: names, missing: [HOSTILE_NAMES[3]] }
  }
}
