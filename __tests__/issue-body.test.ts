import { describe, expect, it } from '@jest/globals'
import { clean } from '../src/etd/clean.js'
import { buildIssue, issueTitle, windowLabel } from '../src/notify/issue-body.js'
import { totalsOf } from '../src/notify/rows.js'
import { inertCode, inertMarkdown } from '../src/notify/markdown.js'
import { entriesFromMarkers, formatMarker, parseMarker } from '../src/notify/marker.js'
import type { Conviction } from '../src/state/dedupe.js'

const T = Date.UTC(2026, 10, 27, 10, 0, 0)
const HOUR = 3_600_000

function conviction(id: string, verdict: string, extra: Partial<Conviction> = {}): Conviction {
  return {
    id,
    receivedAt: new Date(T).toISOString(),
    subject: 'Quick favour',
    fromAddress: 'ceo@evil.example',
    senderName: 'Chief Executive',
    toAddresses: [],
    mailboxes: ['cfo@example.com'],
    verdict,
    retro: false,
    manual: false,
    techniques: [],
    ...extra
  }
}

describe('inertMarkdown', () => {
  it('defuses mentions, references, HTML and markdown', () => {
    expect(inertMarkdown(clean('@ceo @org/team #12 GH-7 <img src=x> [a](b) **x** | y'))).toBe(
      '@\u200bceo @\u200borg/team \\#\u200b12 GH\u200b\\-7 &lt;img src=x&gt; \\[a\\]\\(b\\) \\*\\*x\\*\\* \\| y'
    )
  })
})

describe('inertCode', () => {
  it('wraps an id in one code span, dropping every backtick and pipe that would end it', () => {
    expect(inertCode(clean('a`b|c``d||e'))).toBe('`abcde`')
    expect(inertCode(clean('<AAMk-42_x@y>'))).toBe('`<AAMk-42_x@y>`')
  })
})

describe('batch marker', () => {
  it('round-trips and ignores what is not a conviction line', () => {
    const marker = formatMarker([
      { id: 'a-1', verdict: 'bec', receivedAt: '2026-11-27T10:00:00.000Z' },
      { id: 'bad id', verdict: 'bec', receivedAt: '2026-11-27T10:00:00.000Z' }
    ])
    expect(parseMarker(`intro\n${marker}\nrest`)).toEqual([
      { id: 'a-1', verdict: 'bec', receivedAt: '2026-11-27T10:00:00.000Z' }
    ])
    expect(parseMarker('no marker here')).toEqual([])
    expect(parseMarker(null)).toEqual([])
  })

  it('stays within its length budget', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({
      id: `id-${i}`,
      verdict: 'bec',
      receivedAt: '2026-11-27T10:00:00.000Z'
    }))
    const marker = formatMarker(many, 500)
    expect(marker.length).toBeLessThanOrEqual(500)
    expect(parseMarker(marker).length).toBeGreaterThan(5)
  })

  it('turns records into state entries, the newest record winning, unknown verdicts dropped', () => {
    const entries = entriesFromMarkers([
      { createdAt: T + HOUR, convictions: [{ id: 'a', verdict: 'phishing', receivedAt: '2026-11-27T10:00:00.000Z' }] },
      {
        createdAt: T,
        convictions: [
          { id: 'a', verdict: 'spam', receivedAt: '2026-11-27T10:00:00.000Z' },
          { id: 'b', verdict: 'weird', receivedAt: '2026-11-27T10:00:00.000Z' }
        ]
      }
    ])
    expect([...entries]).toEqual([['a', { verdict: 'phishing', receivedAt: T, notifiedAt: T + HOUR }]])
  })
})

describe('issue title and body', () => {
  it('names counts and window in the title', () => {
    const batch = [
      conviction('a', 'bec'),
      conviction('b', 'bec'),
      conviction('c', 'phishing', { previousVerdict: 'spam' })
    ]
    const rule = { mailboxes: [], verdicts: ['bec', 'phishing'], techniques: [] }
    expect(issueTitle(totalsOf(batch, rule), { start: T, end: T + HOUR })).toBe(
      'ETD: 2 new convictions, 1 verdict change (2 BEC, 1 phishing) 2026-11-27 10:00–11:00 UTC'
    )
    expect(windowLabel({ start: T - 12 * HOUR, end: T })).toBe('2026-11-26 22:00 – 2026-11-27 10:00 UTC')
  })

  it('groups rows by mailbox and flags verdict changes', () => {
    const { body, omitted } = buildIssue({
      convictions: [
        conviction('a', 'bec'),
        conviction('c', 'phishing', { previousVerdict: 'spam', mailboxes: ['ceo@example.com'] })
      ],
      rule: { mailboxes: [], verdicts: ['bec', 'phishing'], techniques: [] },
      window: { start: T, end: T + HOUR },
      notes: ['Digest emailed to soc@example.com.']
    })
    expect(omitted).toBe(0)
    expect(body).toContain('### ceo@\u200bexample\\[\\.\\]com (1)')
    expect(body).toContain('| phishing \\(was spam\\) |')
    expect(body).toContain('- Digest emailed to soc@example.com.')
    expect(body.indexOf('### ceo@')).toBeLessThan(body.indexOf('### cfo@'))
  })

  it('counts rows that do not fit', () => {
    const many = Array.from({ length: 50 }, (_, i) => conviction(`id-${i}`, 'bec'))
    const { body, omitted } = buildIssue({
      convictions: many,
      rule: { mailboxes: [], verdicts: ['bec'], techniques: [] },
      window: { start: T, end: T + HOUR },
      notes: [],
      maxLength: 4000
    })
    expect(body.length).toBeLessThanOrEqual(4000)
    expect(omitted).toBeGreaterThan(20)
    expect(body).toContain(`> ${omitted} more rows did not fit in this issue`)
    expect(body.match(/^\| 2026/gm)).toHaveLength(50 - omitted)
  })
})
