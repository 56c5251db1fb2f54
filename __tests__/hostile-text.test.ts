import { describe, expect, it } from '@jest/globals'
import { marked } from 'marked'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { clean, cleanAll } from '../src/etd/clean.js'
import { normalizeMessage } from '../src/etd/message.js'
import type { EtdMessage } from '../src/etd/types.js'
import { buildDigest } from '../src/notify/email/digest.js'
import { buildIssue } from '../src/notify/issue/body.js'
import { buildOwnerNotices } from '../src/notify/email/owner-notice.js'
import { MatchedRows, renderSummary } from '../src/notify/summary/summary.js'
import type { Report } from '../src/report/report.js'
import { generateMessages, HOSTILE_SENDERS } from '../src/simulator/data.js'
import { startGitHubApi, type GitHubApi } from '../src/simulator/github-api.js'
import { type MailSink } from '../src/simulator/mail-sink.js'
import { startSimulator, type Simulator } from '../src/simulator/server.js'
import { batchFor } from './helpers/fixtures.js'
import { closedAfter, tempDir } from './helpers/servers.js'
import { githubEnv, runWatch, smtpInputs, startSmtp } from './helpers/watch-run.js'

/**
 * The summary's HTML, which must hold no blank line (it would end the HTML block and let the rest render
 * as markdown), without the mermaid charts that follow it on purpose.
 */
function htmlPart(summary: string): string {
  const charts = summary.indexOf('\n\n```mermaid\n')
  expect(
    summary
      .slice(charts + 2)
      .split('\n')
      .filter((line) => line.startsWith('    '))
      .every((l) => /^ {4}"[^"#;<>`]*" : \d+$/.test(l))
  ).toBe(true)
  return charts === -1 ? summary : summary.slice(0, charts)
}

describe('clean', () => {
  it.each([
    ['"https://login.evil.example/reset"@evil.example', '"hxxps://login[.]evil[.]example/reset"@evil[.]example'],
    ['billing@evil.example\r\n\r\nIt was released', 'billing@evil[.]example It was released'],
    ['a\u2028b\u2029c\u0085d\u000be\u007ff\u009bg', 'a b c d e f g'],
    ['pay\u202epdf.exe\u202c \u2066x\u2069 \u200bin\u200bvoice \ufeffz \u061cq', 'paypdf[.]exe x invoice z q'],
    [
      'evil\u200b.example and HTTP://10.0.0.1/x and www.evil.example',
      'evil[.]example and HxxP://10[.]0[.]0[.]1/x and www[.]evil[.]example'
    ],
    ['evil\u3002example', 'evil[.]example'],
    ['Invoice 4471, e.g. v1.2, 3.50 EUR', 'Invoice 4471, e.g. v1.2, 3.50 EUR'],
    ['Rëchnung – 請求書 – فاتورة 👨\u200d👩\u200d👧', 'Rëchnung – 請求書 – فاتورة 👨\u200d👩\u200d👧'],
    ['  many   \t spaces  ', 'many spaces']
  ])('cleans %j', (given, expected) => {
    expect(clean(given)).toBe(expected)
  })

  it('clips by characters, not code units, and says so', () => {
    expect(clean('💸'.repeat(300))).toBe(`${'💸'.repeat(200)}…`)
    expect(clean('x'.repeat(200))).toBe('x'.repeat(200))
  })

  it('cleans every string of an object, however deep, and leaves the rest alone', () => {
    expect(cleanAll({ a: 'x\ny', b: [{ c: 'evil.example' }], n: 3, t: true, u: undefined })).toEqual({
      a: 'x y',
      b: [{ c: 'evil[.]example' }],
      n: 3,
      t: true,
      u: undefined
    })
  })
})

// Attacker text in every field: the notice to the person attacked must not carry the attacker's paragraph.
const EVIL =
  'x@evil.example\r\n\r\nIt was released by your security team as safe.\u202e\u2028 https://login.evil.example/reset'
const RAW = {
  id: `id-${EVIL}`,
  internetMessageId: EVIL,
  timestamp: '2026-11-27T10:00:00Z',
  subject: `Subject ${EVIL}`,
  direction: EVIL,
  fromAddress: `"https://login.evil.example/reset"@evil.example\n${EVIL}`,
  senderName: `Name ${EVIL}`,
  toAddresses: [EVIL],
  mailboxes: ['ceo@example.com', `boss@example.com${EVIL}`],
  verdict: {
    category: 'bec',
    isManualVerdict: false,
    timestamp: '2026-11-27T10:00:05Z',
    techniques: [{ type: `Technique ${EVIL}`, severity: EVIL, description: EVIL }]
  },
  action: { type: 'move', folder: `Folder ${EVIL}`, isAutoRemediated: true, timestamp: '2026-11-27T10:00:09Z' }
}

/** What no channel may show: a raw line break, bidi or separator character, or a live URL or domain. */
function expectInert(output: string): void {
  expect(output).not.toMatch(/[\u202e\u2028\u2029\u0085]/)
  expect(output).not.toMatch(/^\W*It was released/m)
  expect(output).not.toMatch(/https?:\/\/login/i)
  expect(output).not.toContain('evil.example')
}

describe('every channel shows every string from ETD cleaned', () => {
  const normalized = normalizeMessage(RAW)
  if (!normalized.ok) throw new Error(normalized.reason)
  const message: EtdMessage = normalized.message
  const rule = { mailboxes: [], verdicts: ['bec'], techniques: [] }
  const window = { start: Date.UTC(2026, 10, 27, 9), end: Date.UTC(2026, 10, 27, 11) }

  it('in the digest, the owner notices, the issue and the job summary', async () => {
    const batch = batchFor([message], rule, { window, reportPath: '/tmp/report.json' })
    const digest = buildDigest({ ...batch, maxRows: 10, reportName: 'r.json' })
    const notices = buildOwnerNotices([message], rule, 'UTC')
    const issue = buildIssue({ ...batch, notes: [] })
    const matched = new MatchedRows()
    matched.add(message, 'new')
    const summary = renderSummary({
      ...batch,
      matched,
      scanned: 1,
      skipped: 0,
      released: 0,
      notes: ['A note\n\nwith a blank line']
    })
    expect(notices).toHaveLength(2)
    for (const output of [digest.html, digest.text, ...notices.map((n) => n.text), issue.body, summary]) {
      expectInert(output)
    }
    expect(digest.text).toContain('from Name x@evil[.]example It was released')
    expect(digest.html).toContain('&quot;hxxps://login[.]evil[.]example/reset&quot;@evil[.]example')
    expect(notices[0].text).toContain('<"hxxps://login[.]evil[.]example/reset"@evil[.]example x@evil[.]example It was')
    // GitHub ends an HTML block at a blank line; the rest of the summary would render as markdown.
    expect(htmlPart(summary)).not.toMatch(/\n\s*\n/)
    const html = await marked.parse(issue.body, { gfm: true })
    expect(html).not.toMatch(/<a |<img|<script/i)
  })
})

describe('hostile senders served by the simulator, end to end', () => {
  const T0 = Date.UTC(2026, 10, 27, 10, 0, 0)
  let sim: Simulator | undefined
  let github: GitHubApi | undefined
  let smtp: MailSink | undefined
  let dir = ''

  it('reach no email, issue or summary as a live link or a line of their own; the report keeps them raw', async () => {
    dir = await tempDir('etd-hostile-')
    const messages = generateMessages({ seed: 3, count: 600, start: T0 - 2 * 86_400_000, end: T0 - 600_000 })
    sim = closedAfter(await startSimulator({ messages, clock: () => T0, rateLimit: false }))
    github = closedAfter(await startGitHubApi())
    smtp = await startSmtp()
    const result = await runWatch(
      sim,
      {
        mailboxes: '*@example.com, *@subsidiary.example.org',
        backfill: '2d',
        notify: 'email, issue',
        'owner-notices': 'include-domains',
        ...smtpInputs(smtp),
        'github-token': github.token
      },
      { dir, now: () => T0, env: githubEnv(github) }
    )
    expect(result.failed).toBe(false)
    const report = JSON.parse(await readFile(join(dir, 'etd-verdict-watch', 'report.json'), 'utf8')) as Report
    const senders = new Set(report.messages.map((m) => m.fromAddress))
    // Every hostile address reached the action, and the report, which is data for jq, keeps it as sent.
    for (const sender of HOSTILE_SENDERS) expect(senders).toContain(sender)

    const outputs = [
      ...smtp.received.flatMap(({ mail }) => [mail.text ?? '', typeof mail.html === 'string' ? mail.html : '']),
      ...github.issues.map((i) => i.body),
      result.summary
    ]
    expect(smtp.received.length).toBeGreaterThan(2)
    expect(github.issues).toHaveLength(1)
    for (const output of outputs) expectInert(output)
    expect(htmlPart(result.summary)).not.toMatch(/\n\s*\n/)
  })
})
