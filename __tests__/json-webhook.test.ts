import { describe, expect, it } from '@jest/globals'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { readFileSync } from 'node:fs'
import type { Conviction } from '../src/etd/types.js'
import type { WebhookBatch } from '../src/notify/webhook/content.js'
import { JSON_SCHEMA_VERSION, MAX_JSON_PAYLOAD_BYTES, json } from '../src/notify/webhook/json.js'
import { conviction as fixture, webhookBatch } from './helpers/fixtures.js'

const schema = JSON.parse(readFileSync(new URL('../src/notify/webhook/json.schema.json', import.meta.url), 'utf8'))
// date-time as RFC 3339 says, checked here rather than by a formats package: a real instant, in UTC.
const ajv = new Ajv2020({ allErrors: true, strict: true })
ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)) && /Z$/.test(value))
const validate = ajv.compile(schema)

function valid(payload: unknown): void {
  const ok = validate(payload)
  expect(ok ? [] : validate.errors).toEqual([])
}

const RULE = { mailboxes: [], verdicts: ['bec', 'phishing'], techniques: [] }
const RUN = 'https://github.com/acme/watch/actions/runs/42'
const ISSUE = 'https://github.com/acme/watch/issues/7'

const conviction = (id: string, extra: Partial<Conviction> = {}): Conviction =>
  fixture(id, {
    internetMessageId: `<${id}@mail.evil.example>`,
    receivedAt: '2026-11-27T09:50:00.000Z',
    toAddresses: ['cfo@example.com', 'ap@example.com'],
    verdictAt: '2026-11-27T09:51:00.000Z',
    techniques: [
      { type: 'Malicious URL', severity: 'high', description: 'https://login.evil.example/reset?u=cfo' },
      { type: 'Sender name impersonation' }
    ],
    ...extra
  })

const batch = (convictions: Conviction[], extra: Partial<WebhookBatch> = {}) =>
  webhookBatch(convictions, RULE, {
    timeZone: 'Europe/Zurich',
    reportPath: '/runner/temp/etd-verdict-watch/report.json',
    runUrl: RUN,
    issueUrl: ISSUE,
    ...extra
  })

type Payload = {
  convictions: Array<Record<string, unknown> & { id: string; truncated: string[] }>
  omitted: { convictions: number; inInbox: number }
  [key: string]: unknown
}

describe('the JSON webhook', () => {
  it('is data of the documented schema: ISO-8601 UTC, lists, ETD values as given, links', () => {
    const { payload, omitted } = json.render(
      batch([
        conviction('m-1'),
        conviction('m-2', { verdict: 'phishing', previousVerdict: 'spam', remediation: undefined })
      ])
    )
    valid(payload)
    expect(omitted).toBe(0)
    expect(payload).toEqual({
      schemaVersion: 1,
      source: 'etd-verdict-watch',
      event: 'convictions',
      test: false,
      window: { start: '2026-11-27T09:00:00.000Z', end: '2026-11-27T10:00:00.000Z' },
      totals: {
        convictions: 2,
        verdictChanges: 1,
        inInbox: 1,
        verdicts: [
          { verdict: 'bec', count: 1 },
          { verdict: 'phishing', count: 1 }
        ],
        mailboxes: [{ mailbox: 'cfo@example.com', count: 2, inInbox: 1 }]
      },
      // Still in the inbox first.
      convictions: [
        {
          id: 'm-2',
          internetMessageId: '<m-2@mail.evil.example>',
          receivedAt: '2026-11-27T09:50:00.000Z',
          verdict: 'phishing',
          previousVerdict: 'spam',
          verdictAt: '2026-11-27T09:51:00.000Z',
          retro: false,
          manual: false,
          inInbox: true,
          folder: null,
          automatic: null,
          subject: 'Quick favour',
          sender: { name: 'Chief Executive', address: 'ceo@evil.example' },
          recipients: ['cfo@example.com', 'ap@example.com'],
          mailboxes: ['cfo@example.com'],
          techniques: [
            { type: 'Malicious URL', severity: 'high', description: 'https://login.evil.example/reset?u=cfo' },
            { type: 'Sender name impersonation', severity: null, description: null }
          ],
          urls: ['https://login.evil.example/reset?u=cfo'],
          truncated: []
        },
        expect.objectContaining({
          id: 'm-1',
          inInbox: false,
          folder: 'quarantine',
          automatic: true,
          previousVerdict: null
        })
      ],
      omitted: { convictions: 0, inInbox: 0 },
      links: { run: RUN, issue: ISSUE }
    })
    expect(JSON.stringify(payload)).not.toMatch(/report\.json|reportPath|\[\.\]|hxxp|Zurich/)
  })

  it('takes out control characters, keeps ETD text otherwise as given, and clips each string where it says so', () => {
    const long = `${'x'.repeat(999)}💸💸`
    const { payload } = json.render(
      batch([
        conviction('m-1', {
          subject: `Pay\r\nnow\u0007 \u202egnp.exe\u202c <b>&amp; 'quoted' *bold* @channel`,
          senderName: long,
          toAddresses: Array.from({ length: 150 }, (_, i) => `user${i}@example.com`),
          techniques: [{ type: 'Malicious URL', description: long }]
        })
      ])
    )
    valid(payload)
    const [c] = (payload as Payload).convictions
    expect(c.subject).toBe(`Pay now  gnp.exe <b>&amp; 'quoted' *bold* @channel`)
    expect(c.sender).toEqual({ name: `${'x'.repeat(999)}💸`, address: 'ceo@evil.example' })
    expect(c.recipients).toHaveLength(100)
    expect(c.truncated).toEqual(['/sender/name', '/recipients', '/techniques/0/description', '/urls/0'])
  })

  it('stays under 1 MiB, those still in the inbox first, and counts what it left out', () => {
    const subject = 'Wire transfer '.repeat(70)
    const many = Array.from({ length: 1000 }, (_, i) =>
      conviction(`m-${i}`, { subject, remediation: i % 4 === 0 ? undefined : { folder: 'trash' } })
    )
    const { payload, omitted } = json.render(batch(many))
    valid(payload)
    const bytes = Buffer.byteLength(JSON.stringify(payload))
    expect(bytes).toBeLessThanOrEqual(MAX_JSON_PAYLOAD_BYTES)
    expect(bytes).toBeGreaterThan(MAX_JSON_PAYLOAD_BYTES * 0.99)
    const shown = (payload as Payload).convictions
    expect(omitted).toBeGreaterThan(0)
    expect(shown.length + omitted).toBe(1000)
    // 250 are in the inbox, and all of them fit before any other.
    expect(shown.slice(0, 250).every((c) => c.inInbox)).toBe(true)
    expect((payload as Payload).omitted).toEqual({ convictions: omitted, inInbox: 0 })
  })

  it('has no link it does not know, and says when it is a test', () => {
    const { payload } = json.render(batch([conviction('m-1')], { runUrl: undefined, issueUrl: undefined, test: true }))
    valid(payload)
    expect(payload).toMatchObject({ test: true, links: { run: null, issue: null } })
  })

  it('sends the heartbeat in the same schema', () => {
    const line = json.line('All quiet: no new convictions since 2026-11-26 10:00 UTC.')
    valid(line)
    expect(line).toEqual({
      schemaVersion: JSON_SCHEMA_VERSION,
      source: 'etd-verdict-watch',
      event: 'heartbeat',
      text: 'All quiet: no new convictions since 2026-11-26 10:00 UTC.'
    })
  })

  it('the schema would catch a field it does not document, a local time or a string for a list', () => {
    const { payload } = json.render(batch([conviction('m-1')]))
    const c = (payload as Payload).convictions[0]
    for (const broken of [
      { ...(payload as Payload), reportPath: '/runner/temp/report.json' },
      { ...(payload as Payload), convictions: [{ ...c, receivedAt: '2026-11-27 09:50 UTC' }] },
      { ...(payload as Payload), convictions: [{ ...c, mailboxes: 'cfo@example.com' }] },
      { ...(payload as Payload), convictions: [{ ...c, subject: 'a\nb' }] },
      { ...(payload as Payload), schemaVersion: 2 }
    ]) {
      expect(validate(broken)).toBe(false)
    }
  })
})
