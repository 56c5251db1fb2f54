import { describe, expect, it } from '@jest/globals'
import type { Conviction } from '../src/etd/types.js'
import { buildDigest } from '../src/notify/email/digest.js'
import { buildIssue } from '../src/notify/issue/body.js'
import { buildOwnerNotices } from '../src/notify/email/owner-notice.js'
import { toRow } from '../src/notify/text/rows.js'
import { batchFor, conviction as fixture, to } from './helpers/fixtures.js'

// Names that an object literal finds on Object.prototype: ETD text must show as itself.
const RESERVED = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']
const T = Date.UTC(2026, 10, 28, 10, 0, 0)
const RULE = { mailboxes: [], verdicts: ['phishing', ...RESERVED], techniques: [] }

const conviction = (name: string, extra: Partial<Conviction> = {}): Conviction =>
  fixture(`id-${name}`, {
    receivedAt: new Date(T - 60_000).toISOString(),
    subject: `Subject ${name}`,
    fromAddress: 'billing@evil.example',
    senderName: 'Billing',
    ...to('a@example.com'),
    verdict: 'phishing',
    techniques: [],
    remediation: undefined,
    ...extra
  })

const NATIVE = /native code|\[object|function /

describe('look-ups keyed by ETD text never reach Object.prototype', () => {
  it.each(RESERVED)('a folder named %s is displayed as itself', (folder) => {
    const row = toRow(conviction(folder, { remediation: { folder, automatic: true } }), 'UTC')
    expect(row.remediation).toBe(`moved to ${folder} automatically`)
  })

  it('reserved folders and verdicts render as themselves in the digest, the issue and the owner notice', () => {
    const batch = RESERVED.flatMap((name) => [
      conviction(`f-${name}`, { remediation: { folder: name, automatic: false } }),
      conviction(`v-${name}`, { verdict: name, remediation: { folder: 'quarantine', automatic: true } })
    ])
    const window = { start: T - 3_600_000, end: T }
    const shown = batchFor(batch, RULE, { window, reportPath: '/tmp/report.json' })
    const digest = buildDigest({ ...shown, maxRows: 100 })
    const issue = buildIssue({ ...shown, notes: [] })
    const [notice] = buildOwnerNotices(batch, RULE, 'UTC')
    for (const text of [digest.text, digest.html, issue.body, notice.text]) {
      expect(text).not.toMatch(NATIVE)
      expect(text).toContain('moved to constructor by an administrator')
    }
    // An unknown verdict gets the neutral badge colour, not a function's source as CSS.
    expect(digest.html).toContain('background:#374151;color:#fff;padding:1px 6px;border-radius:3px">constructor<')
  })
})
