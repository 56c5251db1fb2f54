import { describe, expect, it } from '@jest/globals'
import { marked } from 'marked'
import { clean } from '../src/etd/clean.js'
import { buildIssue, issueTitle } from '../src/notify/issue/body.js'
import { totalsOf } from '../src/notify/text/rows.js'
import { inertCode, inertMarkdown, ownAddress } from '../src/notify/text/markdown.js'
import { entriesFromMarkers, formatMarker, parseMarker } from '../src/notify/issue/marker.js'
import type { Conviction } from '../src/etd/types.js'
import { batchFor, conviction as fixture, T } from './helpers/fixtures.js'

const HOUR = 3_600_000
const WINDOW = { start: T, end: T + HOUR }

const conviction = (id: string, verdict: string, extra: Partial<Conviction> = {}): Conviction =>
  fixture(id, { receivedAt: new Date(T).toISOString(), toAddresses: [], verdict, techniques: [], ...extra })

describe('inertMarkdown', () => {
  it('defuses mentions, references, HTML and markdown', () => {
    expect(inertMarkdown(clean('@ceo @org/team #12 GH-7 <img src=x> [a](b) **x** | y'))).toBe(
      // A backslash escape shows the character itself; an entity would show as `&lt;` once its `&` is escaped.
      '@\u200bceo @\u200borg/team \\#\u200b12 GH\u200b\\-7 \\<img src=x\\> \\[a\\]\\(b\\) \\*\\*x\\*\\* \\| y'
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
    expect(issueTitle(totalsOf(batch, rule), { start: T, end: T + HOUR }, 'UTC')).toBe(
      'ETD: 2 new convictions, 1 verdict change (2 BEC, 1 phishing) 2026-11-27 10:00–11:00 UTC'
    )
    expect(issueTitle(totalsOf(batch, rule), { start: T - 12 * HOUR, end: T }, 'UTC')).toMatch(
      / 2026-11-26 22:00 – 2026-11-27 10:00 UTC$/
    )
  })

  it('groups rows by mailbox and flags verdict changes', () => {
    const convictions = [
      conviction('a', 'bec'),
      conviction('c', 'phishing', { previousVerdict: 'spam', mailboxes: ['ceo@example.com'] })
    ]
    const { body, omitted } = buildIssue({
      ...batchFor(convictions, { mailboxes: [], verdicts: ['bec', 'phishing'], techniques: [] }, { window: WINDOW }),
      notes: ['Digest emailed to soc@example.com.']
    })
    expect(omitted).toBe(0)
    expect(body).toContain('### ceo@\u200bexample\\[\\.\\]com (1)')
    expect(body).toContain('| phishing \\(was spam\\) |')
    // A note is escaped like all outside text: no mention, no link.
    expect(body).toContain('- Digest emailed to soc@\u200bexample\\[\\.\\]com\\.')
    expect(body.indexOf('### ceo@')).toBeLessThan(body.indexOf('### cfo@'))
  })

  it('counts rows that do not fit', () => {
    const many = Array.from({ length: 50 }, (_, i) => conviction(`id-${i}`, 'bec'))
    const { body, omitted } = buildIssue({
      ...batchFor(many, { mailboxes: [], verdicts: ['bec'], techniques: [] }, { window: WINDOW }),
      notes: [],
      maxLength: 4000
    })
    expect(body.length).toBeLessThanOrEqual(4000)
    expect(omitted).toBeGreaterThan(20)
    expect(body).toContain(`> ${omitted} more rows not shown here: they did not fit in this issue`)
    expect(body.match(/^\| 2026/gm)).toHaveLength(50 - omitted)
  })
})

describe('mailbox headings', () => {
  const hostile = conviction('h-1', 'bec', {
    mailboxes: ['ceo@example.com', 'eve@example.org'],
    senderName: '@admin <img src=x onerror=alert(1)>',
    fromAddress: '"[click](https://evil.example/x)"@evil.example',
    subject: '`ceo@example.com` @admin #1'
  })
  const issue = (watched: string[]) =>
    buildIssue({
      ...batchFor([hostile], { mailboxes: watched, verdicts: ['bec'], techniques: [] }, { window: WINDOW }),
      notes: []
    }).body

  it('show a watched address verbatim in a code span, where GitHub neither mentions nor links', async () => {
    const body = issue(['ceo@example.com', '*@example.org'])
    expect(body).toContain('\n### `ceo@example.com` (1)\n')
    const html = await marked.parse(body, { gfm: true })
    expect(html).toContain('<h3><code>ceo@example.com</code> (1)</h3>')
  })

  it('keep every other mailbox inert: one matched by a domain pattern, or any when all are watched', () => {
    expect(issue(['ceo@example.com', '*@example.org'])).toContain('\n### eve@\u200bexample\\[\\.\\]org (1)\n')
    const all = issue([])
    expect(all).toContain('\n### ceo@\u200bexample\\[\\.\\]com (1)\n')
    expect(all).not.toContain('ceo@example.com')
  })

  it('leave the attacker text of the rows inert beside them', async () => {
    const body = issue(['ceo@example.com'])
    const row = body.split('\n').find((line) => line.startsWith('| 2026\\-11\\-27 10\\:00 UTC |'))
    expect(row).toBe(
      '| 2026\\-11\\-27 10\\:00 UTC | @\u200badmin \\<img src=x onerror=alert\\(1\\)\\> \\<"\\[click\\]\\(hxxps\\://evil\\[\\.\\]example/x\\)"@\u200bevil\\[\\.\\]example\\> | \\`ceo@\u200bexample\\[\\.\\]com\\` @\u200badmin \\#\u200b1 | BEC |  | moved to quarantine automatically | `h-1` |'
    )
    const html = await marked.parse(body, { gfm: true })
    expect(html).not.toMatch(/<(img|a)[\s>]/)
    // The one verbatim address is the heading's.
    expect(body.split('ceo@example.com')).toHaveLength(2)
  })

  it('are never a code span that the address itself could end or break', () => {
    expect(ownAddress('ceo@example.com', ['ceo@example.com'])).toBe('`ceo@example.com`')
    expect(ownAddress('CEO@Example.com', ['ceo@example.com'])).toBe('`ceo@example.com`')
    expect(ownAddress('a`b@example.com', ['a`b@example.com'])).toBeUndefined()
    expect(ownAddress('a\u202eb@example.com', ['a\u202eb@example.com'])).toBeUndefined()
    expect(ownAddress('*@example.com', ['*@example.com'])).toBeUndefined()
    expect(ownAddress('ceo@example.com.evil.example', ['ceo@example.com'])).toBeUndefined()
  })
})
