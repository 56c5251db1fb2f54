// Tests for five bugs an audit planted that every earlier test let through (issue 21, items 13–17).
import { afterEach, describe, expect, it } from '@jest/globals'
import { EtdClient } from '../src/etd/client.js'
import type { Conviction } from '../src/etd/types.js'
import { buildDigest } from '../src/notify/email/digest.js'
import { totalsOf } from '../src/notify/text/rows.js'
import { MAX_WEBEX_MARKDOWN_BYTES, webex } from '../src/notify/webhook/webex.js'
import { scanWindow } from '../src/search/scan.js'
import type { SimMessage } from '../src/simulator/data.js'
import { startSimulator, type Simulator } from '../src/simulator/server.js'
import { prunable } from '../src/state/prune.js'
import { BILLING, conviction as fixture, simMessage, T, to } from './helpers/fixtures.js'

const HOUR = 3_600_000
const THREATS = ['bec', 'scam', 'phishing', 'malicious']

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

const client = (s: Simulator, clientSecret = s.clientSecret) =>
  new EtdClient({
    baseUrl: s.url,
    apiKey: s.apiKey,
    clientId: s.clientId,
    clientSecret,
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 }
  })

describe('pruning keeps the newer of two state entries saved in the same second', () => {
  const entry = (id: number, createdAt: number) => ({ id, key: `w/${id}-1`, createdAt, bytes: 1 })

  it('breaks a tie on createdAt at the keep boundary toward the higher (newer) id', () => {
    // Three are kept: 10 and 11, then one of 12 and 13, saved in the same second. 13 came later.
    const entries = [entry(12, 30), entry(10, 50), entry(13, 30), entry(11, 40)]
    expect(prunable(entries).map((e) => e.id)).toEqual([12])
    expect(prunable([...entries].reverse()).map((e) => e.id)).toEqual([12])
  })
})

describe('"released by an administrator" counts only releases the rule would have matched', () => {
  const released = (id: string, mailbox: string, technique: string): SimMessage =>
    simMessage(id, T - 3 * HOUR, {
      ...BILLING,
      subject: 'Invoice',
      ...to(mailbox),
      techniques: [{ type: technique, severity: 'high', description: '' }],
      history: [
        { at: T - 3 * HOUR + 1000, verdict: 'phishing' },
        { at: T - 2 * HOUR, verdict: 'neutral', manual: true, emptied: true }
      ],
      folder: undefined
    })

  it('leaves out a release in an unwatched mailbox, and one without a wanted technique', async () => {
    sim = await startSimulator({
      messages: [
        released('watched', 'cfo@example.com', 'QR code'),
        released('other-mailbox', 'intern@example.com', 'QR code'),
        released('also-watched', 'ceo@example.com', 'Call to action')
      ],
      clock: () => T,
      rateLimit: false
    })
    const etd = client(sim)
    const window = { start: T - 6 * HOUR, end: T }
    const count = async (rule: { mailboxes: string[]; verdicts: string[]; techniques: string[] }) => {
      const result = await scanWindow(
        (q) => etd.search(q),
        window,
        rule,
        () => undefined
      )
      expect(result.scanned).toBe(3)
      expect(result.matched).toBe(0)
      return result.released
    }
    expect(await count({ mailboxes: ['cfo@example.com', 'ceo@example.com'], verdicts: THREATS, techniques: [] })).toBe(
      2
    )
    expect(await count({ mailboxes: ['cfo@example.com'], verdicts: THREATS, techniques: [] })).toBe(1)
    // ETD sends a released message without its techniques: a technique filter finds none of them released.
    expect(await count({ mailboxes: [], verdicts: THREATS, techniques: ['qr code'] })).toBe(0)
  })
})

describe('wrong ETD credentials cost one request a run', () => {
  it('does not retry a 401 from the token endpoint', async () => {
    sim = await startSimulator({ messages: [], clock: () => T, rateLimit: false })
    await expect(client(sim, 'wrong-secret').checkCredentials()).rejects.toThrow('ETD /v1/oauth/token answered 401')
    expect(sim.stats.arrivals).toHaveLength(1)
  })
})

describe('a Webex alert in any script fits Webex byte limit', () => {
  const conviction = (i: number, subject: string): Conviction => ({
    id: `id-${i}`,
    receivedAt: new Date(T - 600_000).toISOString(),
    subject,
    fromAddress: 'ceo@evil.example',
    senderName: 'Генеральный директор',
    toAddresses: ['cfo@example.com'],
    mailboxes: ['cfo@example.com'],
    verdict: 'bec',
    retro: false,
    manual: false,
    techniques: [{ type: 'Sender name impersonation' }],
    remediation: { folder: 'quarantine', automatic: true }
  })

  it.each([
    ['Cyrillic', 'Срочно: оплатите счёт до конца дня, директор на совещании '],
    ['CJK', '至急：本日中に請求書をお支払いください。社長は会議中です。'],
    ['emoji', '💸💸💸 Urgent wire 🏦🔥🔥 '.repeat(3)]
  ])('stays within 7,439 bytes of UTF-8 with %s subjects', (_, subject) => {
    const convictions = Array.from({ length: 200 }, (_, i) => conviction(i, subject))
    const { payload, omitted } = webex.render({
      convictions,
      totals: totalsOf(convictions, { mailboxes: [], verdicts: THREATS, techniques: [] }),
      window: { start: T - HOUR, end: T },
      timeZone: 'UTC',
      reportPath: '/tmp/etd/report.json'
    })
    const { markdown } = payload as { markdown: string }
    expect(Buffer.byteLength(markdown, 'utf8')).toBeLessThanOrEqual(7439)
    expect(MAX_WEBEX_MARKDOWN_BYTES).toBe(7439)
    expect(omitted).toBeGreaterThan(0)
  })
})

describe('the digest counts what it left out still in the inbox from the whole batch', () => {
  const conviction = (id: string, folder?: string): Conviction =>
    fixture(id, {
      subject: `Subject ${id}`,
      techniques: [],
      remediation: folder ? { folder, automatic: true } : undefined
    })

  it('when the run kept only part of the batch', () => {
    const rule = { mailboxes: [], verdicts: THREATS, techniques: [] }
    // The batch: 50 still in the inbox and 20 moved; the run kept 5 and 2 of them.
    const inbox = Array.from({ length: 50 }, (_, i) => conviction(`in-${i}`))
    const moved = Array.from({ length: 20 }, (_, i) => conviction(`out-${i}`, 'quarantine'))
    const totals = totalsOf([...inbox, ...moved], rule)
    const digest = buildDigest({
      convictions: [...inbox.slice(0, 5), ...moved.slice(0, 2)],
      totals,
      rule,
      window: { start: T - HOUR, end: T },
      timeZone: 'UTC',
      reportPath: '/tmp/report.json',
      maxRows: 3
    })
    // 3 inbox rows shown of 70: 67 left out, 47 of them still in the inbox.
    expect(digest.text).toContain('67 more rows not shown here (47 of them still in the inbox)')
    expect(digest.html).toContain('67 more rows not shown here (47 of them still in the inbox)')
  })
})
