import { beforeAll, describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { simpleParser } from 'mailparser'
import type { EmailConfig, SmtpConfig } from '../src/config/email.js'
import { normalizeMessage } from '../src/etd/message.js'
import type { EtdMessage } from '../src/etd/types.js'
import type { MatchRule } from '../src/match/matcher.js'
import { deliverEmail } from '../src/notify/email/deliver.js'
import type { EmailOptions } from '../src/notify/email/mail.js'
import { generateMessages, renderMessage } from '../src/simulator/data.js'
import { certificate } from '../src/simulator/certificate.js'
import { startMailSink, type MailSink } from '../src/simulator/mail-sink.js'
import { closedAfter } from './helpers/servers.js'
import { emailBatch } from './helpers/fixtures.js'

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0)
const RULE: MatchRule = {
  mailboxes: ['ceo@example.com', 'cfo@example.com', '*@subsidiary.example.org'],
  verdicts: ['bec', 'scam', 'phishing', 'malicious'],
  techniques: []
}
const AUTH = { user: 'alerts', pass: 'app-password-123' }
/** Fast retries, trusting the local mail sink's CA as NODE_EXTRA_CA_CERTS would. */
const FAST: EmailOptions = { retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 }, timeoutMs: 2000 }
beforeAll(async () => {
  FAST.ca = (await certificate()).cert
})

/** Convictions in the watched mailboxes, hostile text included, as the action would have matched them. */
function convictions(count: number): EtdMessage[] {
  const all = generateMessages({ seed: 9, count: 2000, start: NOW - 2 * 86_400_000, end: NOW - 60_000 })
  const matched: EtdMessage[] = []
  for (const sim of all) {
    const raw = renderMessage(sim, NOW)
    const result = raw && normalizeMessage(raw)
    if (!result || !result.ok) continue
    const m = result.message
    if (
      RULE.verdicts.includes(m.verdict) &&
      m.mailboxes.some((b) => RULE.mailboxes.includes(b) || b.endsWith('@subsidiary.example.org'))
    )
      matched.push(m)
    if (matched.length === count) break
  }
  return matched
}

let smtp: MailSink | undefined

async function config(overrides: Partial<SmtpConfig> = {}, email: Partial<EmailConfig> = {}): Promise<EmailConfig> {
  return {
    transport: 'smtp',
    graphEndpoint: 'https://graph.microsoft.com',
    fromAddress: 'etd@example.com',
    smtp: {
      host: '127.0.0.1',
      port: smtp!.port,
      security: 'starttls',
      username: AUTH.user,
      password: AUTH.pass,
      ...overrides
    },
    from: '"ETD Watch" <etd@example.com>',
    to: ['soc@example.com', 'ciso@example.com'],
    maxRows: 200,
    whenEmpty: false,
    ...email
  }
}

const batch = (matched: EtdMessage[], dryRun = false) => emailBatch(matched, RULE, NOW, { dryRun })

describe('the email digest over real SMTP', () => {
  it('arrives over STARTTLS with AUTH: subject counts, recipients, both parts, every message grouped by mailbox', async () => {
    smtp = closedAfter(await startMailSink({ auth: AUTH }))
    const matched = convictions(12)
    const outcome = await deliverEmail(await config(), await batch(matched), FAST)
    expect(outcome.sent).toBe(true)
    expect(smtp.received).toHaveLength(1)
    const { mail, envelopeTo } = smtp.received[0]
    expect(outcome.messageId).toBe(mail.messageId)
    expect(envelopeTo.sort()).toEqual(['ciso@example.com', 'soc@example.com'])
    expect(mail.from?.text).toBe('"ETD Watch" <etd@example.com>')

    const counts = new Map<string, number>()
    for (const m of matched) counts.set(m.verdict, (counts.get(m.verdict) ?? 0) + 1)
    // Those still in the inbox are counted first.
    const inbox = matched.filter((m) => !m.remediation?.folder || m.remediation.folder.toLowerCase() === 'inbox')
    expect(inbox.length).toBeGreaterThan(0)
    expect(mail.subject).toMatch(new RegExp(`^\\[ETD\\] ${inbox.length} still in the inbox · 12 new convictions: `))
    for (const [verdict, n] of counts) expect(mail.subject).toContain(`${n} ${verdict === 'bec' ? 'BEC' : verdict}`)

    expect(mail.text).toBeTruthy()
    expect(mail.html).toBeTruthy()
    for (const m of matched) {
      expect(mail.text).toContain(`ETD id: ${m.id}`)
      expect(mail.html).toContain(`ETD id ${m.id}`)
    }
    const mailboxes = [...new Set(matched.flatMap((m) => m.mailboxes))]
    // Those still in the inbox lead, once each; a mailbox's group lists the rest.
    const moved = matched.filter((m) => m.remediation?.folder && m.remediation.folder.toLowerCase() !== 'inbox')
    for (const mailbox of mailboxes) {
      const count = moved.filter((m) => m.mailboxes.includes(mailbox)).length
      if (count === 0) continue
      // Shown defanged, as every string from ETD is: no mail client may turn it into a link.
      const shown = mailbox.replace(/\./g, '[.]')
      expect(mail.text).toContain(`== ${shown} (${count})`)
      expect(mail.html).toContain(`>${shown} (${count})</h3>`)
    }
    expect(mail.attachments.map((a) => a.filename)).toEqual(['etd-verdict-watch-report.json'])
  })

  it('shows hostile subjects and sender names as inert text', async () => {
    smtp = closedAfter(await startMailSink({ auth: AUTH }))
    const hostile = convictions(60).filter((m) => /<|https?:|@ceo|\*\*/.test(m.subject + m.senderName))
    expect(hostile.length).toBeGreaterThan(3)
    await deliverEmail(await config(), await batch(hostile), FAST)
    const { mail } = smtp.received[0]
    const html = mail.html as string
    // Escaped text may say `onerror=&quot;`; what must not exist is a real tag or attribute.
    expect(html).not.toMatch(/<(script|img|a|iframe)[\s>]|href="|src="/i)
    expect(html).toContain('&lt;script&gt;')
    expect(html).not.toMatch(/https?:\/\/[a-z-]+\.evil\.example/i)
    expect(mail.text).not.toMatch(/https?:\/\/[a-z-]+\.evil\.example/i)
    expect(mail.text).toContain('hxxps://')
  })

  it('caps rows and points at the attached report, which lists everything', async () => {
    smtp = closedAfter(await startMailSink({ auth: AUTH }))
    const matched = convictions(9)
    await deliverEmail(await config({}, { maxRows: 4 }), await batch(matched), FAST)
    const { mail } = smtp.received[0]
    const rows = (mail.text ?? '').split('\n').filter((l) => l.startsWith('  ETD id: '))
    expect(rows).toHaveLength(4)
    const inInbox = matched.filter((m) => !m.remediation?.folder || m.remediation.folder.toLowerCase() === 'inbox')
    const inboxLeftOut = Math.max(0, inInbox.length - 4)
    expect(mail.text).toContain(
      `5 more rows not shown here${inboxLeftOut > 0 ? ` (${inboxLeftOut} of them still in the inbox)` : ''}; the attached etd-verdict-watch-report.json lists every message.`
    )
    const report = JSON.parse(mail.attachments[0].content.toString('utf8')) as { messages: EtdMessage[] }
    expect(report.messages.map((m) => m.id)).toEqual(matched.map((m) => m.id))
  })

  it('sends each mailbox owner a plain notice with only their own messages', async () => {
    smtp = closedAfter(await startMailSink({ auth: AUTH }))
    const message = (id: string, mailboxes: string[], minute: number, verdict: string): EtdMessage => ({
      id,
      receivedAt: `2026-11-27T09:${minute}:42.123Z`,
      subject: `Invoice ${id}`,
      fromAddress: 'billing@evil.example',
      senderName: 'Billing Dept',
      toAddresses: mailboxes,
      mailboxes,
      verdict,
      retro: false,
      manual: false,
      techniques: [],
      remediation: { folder: 'quarantine', automatic: true }
    })
    const matched = [
      message('m1', ['ceo@example.com', 'intern@example.com'], 10, 'bec'),
      message('m2', ['cfo@example.com'], 20, 'phishing'),
      message('m3', ['ceo@example.com', 'cfo@example.com'], 30, 'malicious')
    ]
    const outcome = await deliverEmail(await config({}, { ownerNotices: 'exact' }), await batch(matched), FAST)
    expect(outcome.ownerNotices).toBe(2)
    expect(smtp.received).toHaveLength(3)
    const notices = new Map(smtp.received.slice(1).map(({ mail, envelopeTo }) => [envelopeTo.join(','), mail]))
    expect([...notices.keys()].sort()).toEqual(['ceo@example.com', 'cfo@example.com'])
    for (const mail of notices.values()) {
      expect(mail.html).toBe(false)
      expect(mail.subject).toBe('[ETD] 2 dangerous messages to you were stopped')
    }
    const entries = (owner: string) => notices.get(owner)!.text!.match(/^- Received .*$/gm)
    expect(entries('ceo@example.com')).toEqual(['- Received 2026-11-27 09:10 UTC', '- Received 2026-11-27 09:30 UTC'])
    expect(entries('cfo@example.com')).toEqual(['- Received 2026-11-27 09:20 UTC', '- Received 2026-11-27 09:30 UTC'])
    const ceo = notices.get('ceo@example.com')!.text!
    // The sender and subject are the message's claims, said as such.
    expect(ceo).toContain(
      '- Received 2026-11-27 09:10 UTC\n  The message said it came from: Billing Dept <billing@evil[.]example>\n' +
        '  Its subject said: Invoice m1\n  It was identified as a BEC threat and moved to quarantine automatically.'
    )
    expect(ceo).not.toContain('Invoice m2')
  })

  it('sends no email when nothing matched, unless heartbeat: every-run asks for an all-clear', async () => {
    smtp = closedAfter(await startMailSink({ auth: AUTH }))
    expect((await deliverEmail(await config(), await batch([]), FAST)).sent).toBe(false)
    expect(smtp.connections).toBe(0)
    await deliverEmail(await config({}, { whenEmpty: true }), await batch([]), FAST)
    expect(smtp.received[0].mail.subject).toBe('[ETD] All clear: no new convictions')
  })

  it('works over implicit TLS too', async () => {
    smtp = closedAfter(await startMailSink({ implicitTls: true, auth: AUTH }))
    await deliverEmail(await config({ security: 'tls' }), await batch(convictions(2)), FAST)
    expect(smtp.received).toHaveLength(1)
  })

  it('retries a 421 and sends exactly one email', async () => {
    smtp = closedAfter(await startMailSink({ auth: AUTH }))
    smtp.refuseConnections = [421]
    const retries: string[] = []
    await deliverEmail(await config(), await batch(convictions(3)), {
      ...FAST,
      onRetry: (reason) => retries.push(reason)
    })
    expect(smtp.connections).toBe(2)
    expect(smtp.received).toHaveLength(1)
    expect(retries).toHaveLength(1)
    expect(retries[0]).toContain('421')
  })

  it('writes a dry run as .eml without connecting', async () => {
    smtp = closedAfter(await startMailSink({ auth: AUTH }))
    const matched = convictions(3)
    const outcome = await deliverEmail(await config({}, { ownerNotices: 'exact' }), await batch(matched, true), FAST)
    expect(outcome.sent).toBe(false)
    expect(smtp.connections).toBe(0)
    const parsed = await simpleParser(await readFile(outcome.emlPath!))
    // The three are (seed 9) a phishing and two scams: most frequent first.
    expect(parsed.subject).toBe('[ETD] 3 new convictions: 2 scam, 1 phishing')
    expect(parsed.html).toContain(`ETD id ${matched[0].id}`)
  })
})

describe('email failures, each explained', () => {
  async function failure(cfg: EmailConfig): Promise<string> {
    const error = await deliverEmail(cfg, await batch(convictions(1)), FAST).then(
      () => new Error('expected a failure'),
      (e: Error) => e
    )
    return error.message
  }

  it('refuses to send when STARTTLS is required but not offered', async () => {
    smtp = closedAfter(await startMailSink({ offerStartTls: false, auth: AUTH, plainAuth: true }))
    expect(await failure(await config())).toMatch(
      new RegExp(
        `^Email via 127\\.0\\.0\\.1:${smtp.port} failed: the server did not complete STARTTLS .*never falls back to plain text\\.$`
      )
    )
    expect(smtp.received).toHaveLength(0)
  })

  it('explains implicit TLS aimed at a STARTTLS port', async () => {
    smtp = closedAfter(await startMailSink({ auth: AUTH }))
    expect(await failure(await config({ security: 'tls' }))).toBe(
      `Email via 127.0.0.1:${smtp.port} failed: the server does not speak implicit TLS on this port; for port 587 or 25 use smtp://.`
    )
  })

  it('explains STARTTLS aimed at an implicit TLS port', async () => {
    smtp = closedAfter(await startMailSink({ implicitTls: true, auth: AUTH }))
    const cfg = await config()
    const message = await deliverEmail(cfg, await batch(convictions(1)), { ...FAST, timeoutMs: 500 }).then(
      () => 'sent',
      (e: Error) => e.message
    )
    expect(message).toBe(
      `Email via 127.0.0.1:${smtp.port} failed: no SMTP greeting arrived; the server may expect implicit TLS: for port 465 use smtps://.`
    )
  })

  it("reports a 535 with the server's reply and without retrying", async () => {
    smtp = closedAfter(await startMailSink({ auth: AUTH }))
    const message = await failure(await config({ password: 'wrong-password' }))
    expect(message).toMatch(
      /^SMTP authentication failed at 127\.0\.0\.1:\d+: .*535 5\.7\.8 Authentication credentials invalid.*Check the user name and password in smtp-url/
    )
    expect(message).not.toContain('wrong-password')
    expect(smtp.connections).toBe(1)
  })

  it("reports a 5xx refusal with the server's reply and without retrying", async () => {
    smtp = closedAfter(await startMailSink({ auth: AUTH }))
    smtp.refuseConnections = [554]
    expect(await failure(await config())).toMatch(/^The SMTP server at 127\.0\.0\.1:\d+ refused the email: .*554/)
    // A retry would have found the server willing: the one attempt is what keeps a permanent refusal permanent.
    expect(smtp.connections).toBe(1)
    expect(smtp.received).toHaveLength(0)
  })

  it.each([
    ['STARTTLS', false],
    ['implicit TLS', true]
  ])(
    'does not trust a self-signed certificate it has no CA for (%s): one line, one attempt',
    async (_name, implicitTls) => {
      smtp = closedAfter(await startMailSink({ auth: AUTH, implicitTls }))
      const security = implicitTls ? 'tls' : 'starttls'
      const retries: string[] = []
      const message = await deliverEmail(await config({ security }), await batch(convictions(1)), {
        ...FAST,
        ca: undefined,
        onRetry: (reason) => retries.push(reason)
      }).then(
        () => 'expected a failure',
        (e: Error) => e.message
      )
      expect(message).toBe(
        `Email via 127.0.0.1:${smtp.port} failed: the server's certificate is not trusted (self-signed certificate); ` +
          'not retried, as it would fail the same way. For a private or self-signed CA, set NODE_EXTRA_CA_CERTS on the step to its PEM file.'
      )
      // FAST allows 3 attempts: a certificate does not change between them.
      expect(retries).toEqual([])
      if (!implicitTls) expect(smtp.connections).toBe(1)
      expect(smtp.received).toHaveLength(0)
    }
  )
})
