import { describe, expect, it } from '@jest/globals'
import type { Conviction } from '../src/etd/types.js'
import { clean } from '../src/etd/clean.js'
import { buildDigest } from '../src/notify/email/digest.js'
import { inertCode } from '../src/notify/text/markdown.js'
import { buildOwnerNotices } from '../src/notify/email/owner-notice.js'
import { MatchedRows, renderSummary } from '../src/notify/summary/summary.js'
import { batchFor, conviction as fixture, T, to } from './helpers/fixtures.js'

// Direct tests of the pure renderers: no SMTP server, no run(). Times in Zurich (UTC+1 in November).
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const ZONE = 'Europe/Zurich'
/** The batches here: searched over the hour from T, shown in Zurich. */
const SHOWN = { window: { start: T, end: T + HOUR }, timeZone: ZONE }
const RULE = { mailboxes: ['ceo@example.com', 'cfo@example.com'], verdicts: ['bec', 'phishing'], techniques: [] }

const conviction = (id: string, at: number, extra: Partial<Conviction> = {}): Conviction =>
  fixture(id, { receivedAt: new Date(at).toISOString(), ...to('ceo@example.com'), ...extra })

const BEC = conviction('a-1', T)
const CHANGED = conviction('b-2', T + 20 * MINUTE, {
  subject: 'Invoice <b>overdue</b> see https://pay.evil.example/x',
  fromAddress: 'billing@evil.example',
  senderName: '',
  mailboxes: ['ceo@example.com', 'cfo@example.com'],
  verdict: 'phishing',
  previousVerdict: 'spam',
  retro: true,
  techniques: [{ type: 'Suspicious URL' }, { type: 'QR code' }],
  remediation: { folder: 'junkemail', automatic: false }
})

describe('the digest', () => {
  const digest = (maxRows: number) =>
    buildDigest({ ...batchFor([BEC, CHANGED], RULE, SHOWN), maxRows, reportName: 'report.json' })

  it('counts the batch in the subject, never carrying attacker text', () => {
    expect(digest(10).subject).toBe('[ETD] 1 new conviction, 1 verdict change: 1 BEC, 1 phishing')
  })

  it('lists every row by mailbox in the text part, a message in two mailboxes under each', () => {
    expect(digest(10).text).toBe(
      [
        'ETD verdict watch',
        'Window 2026-11-27 11:00–12:00 Europe/Zurich',
        '',
        '1 new conviction, 1 verdict change: 1 BEC, 1 phishing',
        '',
        '== ceo@example[.]com (2)',
        '- 2026-11-27 11:00 Europe/Zurich  BEC  from Chief Executive <ceo@evil[.]example>',
        '  Subject: Quick favour',
        '  Techniques: Sender name impersonation',
        '  Remediation: moved to quarantine automatically',
        '  ETD id: a-1',
        '- 2026-11-27 11:20 Europe/Zurich  phishing (retro, was spam)  from billing@evil[.]example',
        '  Subject: Invoice <b>overdue</b> see hxxps://pay[.]evil[.]example/x',
        '  Techniques: Suspicious URL, QR code',
        '  Remediation: moved to junk by an administrator',
        '  ETD id: b-2',
        '',
        '== cfo@example[.]com (1)',
        '- 2026-11-27 11:20 Europe/Zurich  phishing (retro, was spam)  from billing@evil[.]example',
        '  Subject: Invoice <b>overdue</b> see hxxps://pay[.]evil[.]example/x',
        '  Techniques: Suspicious URL, QR code',
        '  Remediation: moved to junk by an administrator',
        '  ETD id: b-2',
        ''
      ].join('\n')
    )
  })

  it('stops at the row limit and says how many rows the attached report still has', () => {
    const { text, html } = digest(2)
    expect(text).not.toContain('== cfo@')
    expect(text.endsWith('\n\n1 more row not shown here; the attached report.json lists every message.\n')).toBe(true)
    expect(html).toContain('<p>1 more row not shown here; the attached report.json lists every message.</p>')
  })

  it('escapes every message string in the HTML part and defangs its links', () => {
    const { html } = digest(10)
    expect(html).toContain('<p style="color:#4b5563">Window 2026-11-27 11:00–12:00 Europe/Zurich</p>')
    expect(html).toContain('<h3 style="margin:16px 0 4px">ceo@example[.]com (2)</h3>')
    expect(html).toContain('Invoice &lt;b&gt;overdue&lt;/b&gt; see hxxps://pay[.]evil[.]example/x</div>')
    expect(html).toContain('Chief Executive &lt;ceo@evil[.]example&gt;')
    expect(html).toContain('>phishing</span> <em>retro</em> <em>was spam</em>')
    expect(html).not.toMatch(/<b>|https?:|evil\.example/)
  })

  it('says all clear when nothing is new', () => {
    const empty = buildDigest({ ...batchFor([], RULE, SHOWN), maxRows: 10 })
    expect(empty.subject).toBe('[ETD] All clear: no new convictions')
    expect(empty.text).toBe(
      'ETD verdict watch\nWindow 2026-11-27 11:00–12:00 Europe/Zurich\n\nAll clear: no new convictions in the watched mailboxes.\n'
    )
  })
})

describe('the owner notices', () => {
  it('tell each watched mailbox only of its own messages, in plain words', () => {
    const notices = buildOwnerNotices([BEC, CHANGED], RULE, ZONE)
    expect(notices.map((n) => [n.to, n.subject])).toEqual([
      ['ceo@example.com', '[ETD] 2 dangerous messages to you were stopped'],
      ['cfo@example.com', '[ETD] 1 dangerous message to you was stopped']
    ])
    expect(notices[1].text).toBe(
      [
        'Hello,',
        '',
        'The sender and subject below are what each message said about itself: whoever sent it wrote them, not your security team.',
        '',
        'Cisco Secure Email Threat Defense stopped a dangerous message addressed to you:',
        '',
        '- Received 2026-11-27 11:20 Europe/Zurich',
        // The attacker's words are marked as the message's claims, never stated as ours.
        '  The message said it came from: billing@evil[.]example',
        '  Its subject said: Invoice <b>overdue</b> see hxxps://pay[.]evil[.]example/x',
        '  It was identified as a phishing threat and moved to junk by an administrator.',
        '',
        'Do not reply to the sender, open its attachments or follow its links. If you were expecting one of these',
        'messages, or if the sender asked you for money, credentials or urgency, contact your security team.',
        'Questions: ask your security team.',
        '',
        'This notice was sent automatically by ETD verdict watch.',
        ''
      ].join('\n')
    )
  })

  it('list at most 25 messages and count the rest; a message in no mailbox gets no notice', () => {
    const many = Array.from({ length: 27 }, (_, i) => conviction(`m-${i}`, T + i * MINUTE))
    const nowhere = conviction('x-1', T, { mailboxes: [] })
    const notices = buildOwnerNotices([...many, nowhere], { ...RULE, mailboxes: [] }, 'UTC')
    expect(notices).toHaveLength(1)
    expect(notices[0].text.match(/^- Received /gm)).toHaveLength(25)
    expect(notices[0].text).toContain(
      '\n- Received 2026-11-27 10:24 UTC\n  The message said it came from: Chief Executive <ceo@evil[.]example>\n'
    )
    expect(notices[0].text).toContain('\n2 more messages not listed here.\n')
  })
})

describe('the job summary', () => {
  function summary(matched: MatchedRows, notes: string[] = []): string {
    return renderSummary({
      ...batchFor([BEC, CHANGED], RULE, SHOWN),
      matched,
      scanned: 10,
      skipped: 1,
      released: 1,
      notes
    })
  }

  it('counts what was scanned and matched, and lists each match escaped, with what was done of it', () => {
    const matched = new MatchedRows()
    matched.add(BEC, 'new')
    matched.add(CHANGED, 'verdict-change', 'spam')
    matched.add(conviction('c-3', T + 30 * MINUTE), 'already-notified')
    const html = summary(matched, ['Digest emailed to soc@example.com.\nSecond line <b>'])
    expect(html.split('\n').slice(0, 3)).toEqual([
      '<h2>ETD verdict watch</h2>',
      '<p>Window 2026-11-27 11:00–12:00 Europe/Zurich: 10 messages scanned, 3 matched, 1 released by an ' +
        'administrator, 1 unreadable skipped (1 already notified, 1 new, 1 verdict change).</p>',
      // A note's line break would end GitHub's HTML block: it becomes a space.
      '<p>Digest emailed to soc@example.com. Second line &lt;b&gt;</p>'
    ])
    expect(html).toContain(
      '<tr><td>2026-11-27 11:20 Europe/Zurich</td><td>ceo@example[.]com, cfo@example[.]com</td>' +
        '<td>billing@evil[.]example</td><td>Invoice &lt;b&gt;overdue&lt;/b&gt; see hxxps://pay[.]evil[.]example/x</td>' +
        '<td>phishing (retro, was spam)</td><td>Suspicious URL, QR code</td><td>moved to junk by an administrator</td>' +
        '<td>verdict change</td></tr>'
    )
    expect(html).toContain('<td>Quick favour</td><td>BEC</td><td>Sender name impersonation</td>')
    expect(html).toContain('<td>already notified</td></tr>')
    expect(html).toContain('<table><tr><th>Verdict</th><th>Count</th></tr><tr><td>BEC</td><td>1</td></tr>')
  })

  it('says so when nothing matched', () => {
    const html = summary(new MatchedRows())
    expect(html.endsWith('\n<p>Nothing matched.</p>')).toBe(true)
    expect(html).toContain(': 10 messages scanned, 0 matched, ')
  })
})

describe('escaping for code spans', () => {
  it('takes out what could end a code span or a table cell', () => {
    expect(inertCode(clean('id`<b>|x'))).toBe('`id<b>x`')
  })
})
