import type { Conviction } from '../../src/etd/types.js'
import type { WebhookBatch } from '../../src/notify/webhook/content.js'
import { conviction, webhookBatch } from './fixtures.js'

// The batches whose payloads __tests__/fixtures/webhook/ holds as they were posted before the platforms
// were redrawn (issue 22): each platform's message must stay byte for byte what it was.

const RULE = { mailboxes: [], verdicts: ['bec', 'phishing', 'scam', 'malicious'], techniques: [] }

/** Every platform's live syntax at once: links, mentions, broadcasts, card date functions, markdown. */
const HOSTILE = {
  senderName: '<!channel> <@U024BE7LH> <https://evil.example/x|Click here> @all',
  fromAddress: '"https://login.evil.example/reset"@evil.example',
  subject: '[verify](https://login.evil.example) ![x](https://evil.example/p.png) {{DATE(2026-01-01T00:00:00Z)}} & <b>',
  techniques: [{ type: '<script>alert(1)</script> **bold** #1' }]
}

/** `n` hostile convictions, every third still in the inbox (none when `inbox` is false). */
const hostile = (n: number, inbox = true): Conviction[] =>
  Array.from({ length: n }, (_, i) =>
    conviction(`id-${i}`, { ...HOSTILE, remediation: inbox && i % 3 === 0 ? undefined : { folder: 'quarantine' } })
  )

/** Small batches, kept whole as fixture files: every part of the layout, in Zurich time. */
export const SMALL: Record<string, WebhookBatch> = {
  mixed: webhookBatch(
    [
      conviction('moved-1', { mailboxes: ['ceo@example.com', 'cfo@example.com'] }),
      conviction('inbox-1', {
        verdict: 'phishing',
        previousVerdict: 'spam',
        retro: true,
        remediation: undefined,
        techniques: []
      }),
      conviction('inbox-2', { manual: true, remediation: { folder: 'Inbox' }, internetMessageId: '<a@b.example>' }),
      conviction('moved-2', {
        verdict: 'malicious',
        remediation: { folder: 'trash', automatic: false },
        techniques: [{ type: 'Malicious URL', severity: 'high', description: 'https://evil.example/login' }]
      })
    ],
    RULE,
    {
      timeZone: 'Europe/Zurich',
      runUrl: 'https://github.com/acme/watch/actions/runs/42',
      issueUrl: 'https://github.com/acme/watch/issues/7'
    }
  ),
  'all-moved-hostile': webhookBatch(hostile(2, false), RULE, { test: true }),
  'all-in-inbox': webhookBatch(
    [conviction('a', { remediation: undefined }), conviction('b', { remediation: { folder: 'inbox' } })],
    RULE
  ),
  nothing: webhookBatch([], RULE, { test: true })
}

/** Batches over the chat platforms' limits, and one over JSON's 1 MiB: kept as a hash of each payload. */
export const LARGE: Record<string, WebhookBatch> = {
  'over-limits-run': webhookBatch(hostile(120), RULE, { runUrl: 'https://github.com/acme/watch/actions/runs/42' }),
  'over-limits-report': webhookBatch(hostile(120, false), RULE, { reportPath: '/tmp/etd_*x*/[report]&<1>.json' }),
  'json-over-1mib': webhookBatch(
    Array.from({ length: 12 }, (_, i) =>
      conviction(`big-${i}`, {
        toAddresses: Array.from({ length: 120 }, (_, j) => `${'r'.repeat(1100)}${j}@example.com`)
      })
    ),
    RULE
  )
}

/** Heartbeat lines: one plain, one with every platform's live syntax. */
export const LINES = [
  'All quiet: no new convictions since 2026-11-26 10:00 UTC.',
  'Watching <!channel> @all & *bold* _it_ [x](https://evil.example) {{DATE(2026-01-01T00:00:00Z)}} <b>'
]
