import { describe, expect, it } from '@jest/globals'
import { buildDigest } from '../src/notify/email/digest.js'
import { buildIssue } from '../src/notify/issue/body.js'
import { buildOwnerNotices } from '../src/notify/email/owner-notice.js'
import type { Conviction } from '../src/etd/types.js'
import { batchFor, conviction as fixture, to } from './helpers/fixtures.js'

const T = Date.UTC(2026, 10, 28, 10, 0, 0)
const WINDOW = { start: T - 3_600_000, end: T }
const RULE = { mailboxes: [], verdicts: ['bec'], techniques: [] }

const conviction = (id: string, mailbox: string, folder?: string): Conviction =>
  fixture(id, {
    receivedAt: new Date(T - 60_000).toISOString(),
    subject: `Subject ${id}`,
    ...to(mailbox),
    techniques: [],
    remediation: folder ? { folder, automatic: true } : undefined
  })

// Ten still in an inbox (never moved), then five moved to quarantine, over two mailboxes.
const BATCH = [
  ...Array.from({ length: 10 }, (_, i) => conviction(`inbox${i}`, i % 2 ? 'a@example.com' : 'b@example.com')),
  ...Array.from({ length: 5 }, (_, i) => conviction(`moved${i}`, 'a@example.com', 'quarantine'))
]
const ids = (text: string) => [...text.matchAll(/Subject (\w+)/g)].map((m) => m[1])

describe('when those still in the inbox alone exceed a channel cap', () => {
  it('the digest shows the first of them and says how many of them it left out', () => {
    const { text } = buildDigest({ ...batchFor(BATCH, RULE, { window: WINDOW }), maxRows: 2 })
    expect(ids(text)).toEqual(['inbox0', 'inbox1'])
    expect(text).toContain('== Still in the inbox: 10 — act on these\n')
    expect(text).toContain(
      '13 more rows not shown here (8 of them still in the inbox); the report at /tmp/etd/report.json lists every message (it was too large to attach).'
    )
    expect(text).not.toContain('Moved out of the inbox')
    // In Actions the report on the runner is gone after the job: the digest points to the run instead.
    const run = 'https://github.com/acme/watch/actions/runs/42'
    const inActions = buildDigest({ ...batchFor(BATCH, RULE, { window: WINDOW, runUrl: run }), maxRows: 2 })
    expect(inActions.text).toContain(
      `13 more rows not shown here (8 of them still in the inbox); the workflow run lists every one (its summary, and the report among its artifacts): ${run} (the report was too large to attach).`
    )
    expect(inActions.html).toContain(
      `; the workflow run lists every one (its summary, and the report among its artifacts): ${run} (the report`
    )
  })

  it('the issue does the same within its body limit', () => {
    const { body, omitted } = buildIssue({ ...batchFor(BATCH, RULE, { window: WINDOW }), notes: [], maxLength: 2600 })
    expect(body.length).toBeLessThanOrEqual(2600)
    const shown = ids(body)
    expect(shown.length).toBeGreaterThan(0)
    expect(shown.length).toBeLessThan(10)
    expect(shown).toEqual(shown.map((_, i) => `inbox${i}`))
    expect(omitted).toBe(15 - shown.length)
    expect(body).toContain(`> ${omitted} more rows not shown here (${10 - shown.length} of them still in the inbox)`)
  })

  it('an owner notice counts those of its own it could not list', () => {
    const many = Array.from({ length: 30 }, (_, i) => conviction(`inbox${i}`, 'a@example.com'))
    const [notice] = buildOwnerNotices([...many, conviction('moved', 'a@example.com', 'junk')], RULE, 'UTC')
    expect(notice.subject).toBe('[ETD] 30 dangerous messages are still in your inbox — do not open them')
    expect(ids(notice.text)).toEqual(many.slice(0, 25).map((c) => c.id))
    expect(notice.text).toContain('5 more messages still in your inbox, not listed here.')
    expect(notice.text).toContain(
      'Cisco Secure Email Threat Defense also stopped a dangerous message addressed to you:\n\n1 more message not listed here.'
    )
  })
})
