import { describe, expect, it } from '@jest/globals'
import type { Conviction } from '../src/etd/types.js'
import { buildDigest } from '../src/notify/email/digest.js'
import { batchFor, conviction as fixture, T, to } from './helpers/fixtures.js'

// The digest as a phone gets it: counted for action in the subject, one block per conviction, links to
// the issue and the run. `npm run demo` also lays it out in Chromium at 420 px and takes a screenshot.
const RULE = { mailboxes: ['ceo@example.com', 'cfo@example.com'], verdicts: ['bec', 'phishing'], techniques: [] }
const ISSUE = 'https://github.com/acme/watch/issues/7'
const RUN = 'https://github.com/acme/watch/actions/runs/42'

const conviction = (id: string, extra: Partial<Conviction>): Conviction =>
  fixture(id, {
    receivedAt: new Date(T).toISOString(),
    ...to('ceo@example.com'),
    techniques: [{ type: 'Sender name impersonation', severity: 'medium' }],
    ...extra
  })

const IN_INBOX = conviction('in-inbox', {
  verdict: 'phishing',
  mailboxes: ['cfo@example.com'],
  techniques: [
    { type: 'Malicious URL', severity: 'high', description: 'https://login.evil.example/reset?u=cfo' },
    { type: 'QR code' }
  ],
  remediation: { folder: 'inbox', automatic: true }
})
const QUARANTINED = conviction('quarantined', {})

const digest = buildDigest({
  ...batchFor([QUARANTINED, IN_INBOX], RULE, {
    window: { start: T, end: T + 3_600_000 },
    issueUrl: ISSUE,
    runUrl: RUN
  }),
  maxRows: 10
})

describe('the digest on a phone', () => {
  it('counts what is still in the inbox first in the subject', () => {
    expect(digest.subject).toBe('[ETD] 1 still in the inbox · 2 new convictions: 1 BEC, 1 phishing')
  })

  it('fits the screen: a viewport, a narrow container, no table and no fixed width', () => {
    const { html } = digest
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">')
    expect(html).toContain('max-width:640px')
    expect(html).not.toMatch(/<table/i)
    // A width in a style or an attribute; max-width alone is allowed.
    expect(html).not.toMatch(/(?<![-\w])width\s*:|\swidth\s*=/i)
  })

  it('shows each conviction as one block of label: value lines', () => {
    const blocks = digest.html.split('border-left:4px solid').slice(1)
    expect(blocks).toHaveLength(2)
    expect(blocks[0]).toContain('ETD id in-inbox')
    expect(blocks[0]).toContain('<span style="color:#6b7280">Mailboxes:</span> cfo@example[.]com')
    expect(blocks[1]).toContain('ETD id quarantined')
    expect(blocks[1]).toContain('<span style="color:#6b7280">Remediation:</span> moved to quarantine automatically')
  })

  it('shows the severity ETD gave each technique, and the malicious URL defanged', () => {
    expect(digest.html).toContain('Techniques:</span> Malicious URL (high), QR code</div>')
    expect(digest.html).toContain('Techniques:</span> Sender name impersonation (medium)</div>')
    expect(digest.html).toContain('URLs:</span> hxxps://login[.]evil[.]example/reset?u=cfo</div>')
    expect(digest.text).toContain(
      '  Techniques: Malicious URL (high), QR code\n  URLs: hxxps://login[.]evil[.]example/reset?u=cfo\n'
    )
    expect(digest.html + digest.text).not.toContain('login.evil')
    // A technique that names no link adds no URL line.
    expect(digest.html.split('URLs:')).toHaveLength(2)
  })

  it('links to the issue and the workflow run, in both parts', () => {
    expect(digest.html).toContain(`<p>Issue: <a href="${ISSUE}">${ISSUE}</a><br>Workflow run: <a href="${RUN}">`)
    expect(digest.text).toContain(`\nIssue: ${ISSUE}\nWorkflow run: ${RUN}\n`)
  })
})
