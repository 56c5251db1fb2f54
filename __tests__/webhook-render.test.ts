import { describe, expect, it } from '@jest/globals'
import { marked } from 'marked'
import { createRequire } from 'node:module'
import { notYetRecorded } from '../src/notify/issue-channel.js'
import { BatchCollector } from '../src/notify/batch.js'
import { groupByMailbox, totalsOf } from '../src/notify/rows.js'
import type { WebhookBatch } from '../src/notify/webhook/content.js'
import { renderJson } from '../src/notify/webhook/json.js'
import { MAX_SLACK_BLOCKS, MAX_SLACK_SECTION_TEXT, renderSlack } from '../src/notify/webhook/slack.js'
import { MAX_TEAMS_PAYLOAD_BYTES, renderTeams } from '../src/notify/webhook/teams.js'
import { MAX_WEBEX_MARKDOWN_BYTES, renderWebex } from '../src/notify/webhook/webex.js'
import type { Conviction } from '../src/etd/types.js'

// The package's ESM build imports without file extensions, which Node refuses; its UMD build loads.
const AdaptiveCards = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void }
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } }
}

const T = Date.UTC(2026, 10, 27, 10, 0, 0)
const WINDOW = { start: T - 3_600_000, end: T }
const RULE = { mailboxes: [], verdicts: ['bec', 'phishing', 'scam', 'malicious'], techniques: [] }

function conviction(id: string, extra: Partial<Conviction> = {}): Conviction {
  return {
    id,
    receivedAt: new Date(T - 600_000).toISOString(),
    subject: 'Quick favour',
    fromAddress: 'ceo@evil.example',
    senderName: 'Chief Executive',
    toAddresses: ['cfo@example.com'],
    mailboxes: ['cfo@example.com'],
    verdict: 'bec',
    retro: false,
    manual: false,
    techniques: [{ type: 'Sender name impersonation' }],
    remediation: { folder: 'quarantine', automatic: true },
    ...extra
  }
}

/** Every platform's live syntax at once: links, images, mentions, broadcasts, card date functions. */
const HOSTILE = {
  senderName: '<!channel> <!here> <@U024BE7LH> <https://evil.example/x|Click here> @all',
  fromAddress: '"https://login.evil.example/reset"@evil.example',
  subject:
    '[verify](https://login.evil.example) ![x](https://evil.example/p.png) <@all> {{DATE(2026-01-01T00:00:00Z,SHORT)}} & <b>',
  techniques: [{ type: '<script>alert(1)</script> **bold** #1' }]
}

function batch(convictions: Conviction[], extra: Partial<WebhookBatch> = {}): WebhookBatch {
  return {
    convictions,
    totals: totalsOf(convictions, RULE),
    window: WINDOW,
    timeZone: 'UTC',
    reportPath: '/tmp/etd/report.json',
    ...extra
  }
}

const hostileBatch = (n: number) =>
  batch(
    Array.from({ length: n }, (_, i) =>
      conviction(`id-${i}`, {
        ...HOSTILE,
        subject: `${HOSTILE.subject} ${'Wire transfer '.repeat(20)}`,
        remediation: i % 3 === 0 ? undefined : { folder: 'quarantine' }
      })
    )
  )

/** Every string anywhere in a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(strings)
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings)
  return []
}

/** Every object with the given `type`, however deep. */
function elements(value: unknown, type: string): Array<Record<string, unknown>> {
  if (Array.isArray(value)) return value.flatMap((v) => elements(v, type))
  if (!value || typeof value !== 'object') return []
  const own = (value as { type?: unknown }).type === type ? [value as Record<string, unknown>] : []
  return [...own, ...Object.values(value).flatMap((v) => elements(v, type))]
}

type TeamsMessage = { type: string; attachments: Array<{ contentType: string; content: Record<string, unknown> }> }

function cardErrors(card: unknown): string[] {
  const context = new AdaptiveCards.SerializationContext()
  new AdaptiveCards.AdaptiveCard().parse(card, context)
  return Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message)
}

describe('Teams', () => {
  it('is a message with one valid Adaptive Card', () => {
    const { payload, omitted } = renderTeams(batch([conviction('a'), conviction('b', { remediation: undefined })]))
    const message = payload as TeamsMessage
    expect(message.type).toBe('message')
    expect(message.attachments).toHaveLength(1)
    expect(message.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive')
    expect(message.attachments[0].content.type).toBe('AdaptiveCard')
    expect(cardErrors(message.attachments[0].content)).toEqual([])
    expect(omitted).toBe(0)
  })

  it('the validator would catch a broken card', () => {
    expect(
      cardErrors({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', color: 'Purple' }] })
    ).not.toEqual([])
  })

  it('keeps attacker text out of markdown: only in TextRuns, with {{ broken', () => {
    const { payload } = renderTeams(hostileBatch(3))
    const card = (payload as TeamsMessage).attachments[0].content
    expect(cardErrors(card)).toEqual([])
    for (const block of elements(card, 'TextBlock')) expect(block.text).not.toMatch(/evil|verify|channel|script/)
    const runs = elements(card, 'TextRun').map((r) => r.text as string)
    expect(runs.join(' ')).toContain('[verify]')
    for (const text of strings(card)) {
      expect(text).not.toContain('{{')
      expect(text).not.toMatch(/https?:\/\/[^ ]*evil/)
    }
  })

  it('stays under its size limit and says how many it left out and where they are', () => {
    const { payload, omitted } = renderTeams(hostileBatch(500))
    const bytes = Buffer.byteLength(JSON.stringify(payload))
    expect(bytes).toBeLessThanOrEqual(MAX_TEAMS_PAYLOAD_BYTES)
    expect(bytes).toBeGreaterThan(MAX_TEAMS_PAYLOAD_BYTES * 0.8)
    const card = (payload as TeamsMessage).attachments[0].content
    expect(cardErrors(card)).toEqual([])
    const shown = elements(card, 'Container').length
    expect(shown + omitted).toBe(500)
    // Every third of the 500 (167) is still in the inbox, and the card has room for fewer than that.
    expect(shown).toBeLessThan(167)
    expect(strings(card).join('\n')).toContain(
      `${omitted} more convictions not shown here (${167 - shown} of them still in the inbox); the report at /tmp/etd/report.json`
    )
  })
})

describe('Webex', () => {
  it('is markdown that renders no link, image or mention of attacker text', async () => {
    const { payload } = renderWebex(hostileBatch(3))
    const { markdown } = payload as { markdown: string }
    const html = await marked.parse(markdown)
    expect(html).not.toMatch(/<a |<img|<script|<b>|<@all>/i)
    expect(markdown).not.toMatch(/<@|<!/)
    expect(markdown).toContain('@\u200ball')
  })

  it('stays under 7,439 bytes and counts what it left out', () => {
    const { payload, omitted } = renderWebex(hostileBatch(400))
    const { markdown } = payload as { markdown: string }
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(MAX_WEBEX_MARKDOWN_BYTES)
    expect(Buffer.byteLength(markdown)).toBeGreaterThan(MAX_WEBEX_MARKDOWN_BYTES * 0.7)
    const shown = markdown.split('\n').filter((line) => line.startsWith('- ')).length
    expect(shown).toBeGreaterThan(0)
    expect(shown + omitted).toBe(400)
    expect(markdown).toContain(`${omitted} more convictions not shown here`)
  })
})

describe('Slack', () => {
  type SlackMessage = {
    text: string
    blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }>
  }
  const texts = (m: SlackMessage) => [
    m.text,
    ...m.blocks.flatMap((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => e.text)])
  ]

  it('shows <!channel>, <@U…> and <url|text> as typed: no < or > reaches Slack', () => {
    const { payload } = renderSlack(hostileBatch(3))
    const message = payload as SlackMessage
    for (const text of texts(message)) expect(text).not.toMatch(/[<>]/)
    const all = texts(message).join('\n')
    expect(all).toContain('&lt;!channel&gt; &lt;!here&gt; &lt;@\u200bU024BE7LH&gt;')
    expect(all).toContain('&amp; &lt;b&gt;')
  })

  it('holds 50 blocks and 3,000 characters a text, and counts what it left out', () => {
    const { payload, omitted } = renderSlack(hostileBatch(200))
    const message = payload as SlackMessage
    expect(message.blocks.length).toBeLessThanOrEqual(MAX_SLACK_BLOCKS)
    expect(message.blocks.length).toBe(MAX_SLACK_BLOCKS)
    for (const text of texts(message)) expect([...text].length).toBeLessThanOrEqual(MAX_SLACK_SECTION_TEXT)
    const rows = message.blocks.filter((b) => b.type === 'section' && b.text?.text.includes('ETD:')).length
    expect(rows + omitted).toBe(200)
    expect(texts(message).join('\n')).toContain(`${omitted} more convictions not shown here`)
  })

  it('clips a text over 3,000 characters without cutting an escape in half', () => {
    const long = '&'.repeat(200)
    const { payload } = renderSlack(batch([conviction('a', { subject: long, senderName: long, fromAddress: long })]))
    const row = (payload as SlackMessage).blocks.find((b) => b.text?.text.includes('From'))!.text!.text
    expect([...row].length).toBeLessThanOrEqual(MAX_SLACK_SECTION_TEXT)
    expect(row).toMatch(/(&amp;)+…$/)
  })
})

describe('still in the inbox first', () => {
  // Three mailboxes; ETD left two messages where they were (one moved back to the inbox, one never moved).
  const mixed = batch([
    conviction('movedCeo', { mailboxes: ['ceo@example.com'] }),
    conviction('inboxCfo', { mailboxes: ['cfo@example.com'], remediation: { folder: 'inbox' } }),
    conviction('movedCfo', { mailboxes: ['cfo@example.com'], remediation: { folder: 'trash' } }),
    conviction('untouchedPay', { mailboxes: ['pay@example.com'], remediation: undefined }),
    conviction('movedPay', { mailboxes: ['pay@example.com'] })
  ])
  const ids = (text: string) => text.match(/\b(?:moved|inbox|untouched)[A-Z][a-z]+\b/g) ?? []

  it.each([
    ['Teams', renderTeams],
    ['Webex', renderWebex],
    ['Slack', renderSlack]
  ])('%s leads with how many, lists exactly those, then the rest under its own heading', (_, render) => {
    const text = JSON.stringify(render(mixed).payload)
    const lead = text.indexOf('Still in the inbox: 2 — act on these')
    const rest = text.indexOf('Moved out of the inbox: 3')
    expect(lead).toBeGreaterThan(-1)
    expect(rest).toBeGreaterThan(lead)
    expect(ids(text.slice(0, lead))).toEqual([])
    expect(ids(text.slice(lead, rest))).toEqual(['inboxCfo', 'untouchedPay'])
    expect(ids(text.slice(rest))).toEqual(['movedCeo', 'movedCfo', 'movedPay'])
  })

  it('json carries actionNeeded first: the count and exactly those convictions', () => {
    const payload = renderJson(mixed).payload as {
      actionNeeded: { count: number; convictions: Array<{ id: string }>; omitted: number }
      convictions: Array<{ id: string }>
      totals: { actionNeeded: number }
    }
    expect(Object.keys(payload)[0]).toBe('actionNeeded')
    expect(payload.actionNeeded.count).toBe(2)
    expect(payload.actionNeeded.omitted).toBe(0)
    expect(payload.actionNeeded.convictions.map((c) => c.id)).toEqual(['inboxCfo', 'untouchedPay'])
    expect(payload.convictions.map((c) => c.id)).toEqual(['movedCeo', 'movedCfo', 'movedPay'])
    expect(payload.totals.actionNeeded).toBe(2)
  })

  it('says how many of those did not fit when they alone overflow a limit', () => {
    const many = batch(
      Array.from({ length: 60 }, (_, i) => conviction(`inbox${i}`, { remediation: { folder: 'inbox' } }))
    )
    const { payload, omitted } = renderSlack(many)
    const { blocks } = payload as { blocks: Array<{ text?: { text: string }; elements?: Array<{ text: string }> }> }
    expect(blocks.length).toBe(MAX_SLACK_BLOCKS)
    expect(blocks[2].text?.text).toBe(':warning: *Still in the inbox: 60 — act on these*')
    expect(omitted).toBe(60 - (MAX_SLACK_BLOCKS - 4))
    expect(blocks.at(-1)?.elements?.[0].text).toBe(
      `${omitted} more convictions not shown here (${omitted} of them still in the inbox); the report at /tmp/etd/report.json lists every one`
    )
  })
})

describe('still in the inbox first, in the grouped channels and the collector', () => {
  const moved = (id: string, mailbox: string) => conviction(id, { mailboxes: [mailbox] })
  const inbox = (id: string, mailbox: string) =>
    conviction(id, { mailboxes: [mailbox], remediation: { folder: 'Inbox' } })

  it('puts mailboxes with any first, and in each mailbox those', () => {
    const groups = groupByMailbox(
      [
        moved('m1', 'a@x.example'),
        moved('m2', 'b@x.example'),
        inbox('i1', 'b@x.example'),
        moved('m3', 'c@x.example'),
        inbox('i2', 'c@x.example')
      ],
      RULE
    )
    expect(groups.map((g) => [g.address, g.messages.map((m) => m.id)])).toEqual([
      ['b@x.example', ['i1', 'm2']],
      ['c@x.example', ['i2', 'm3']],
      ['a@x.example', ['m1']]
    ])
  })

  it('keeps those first when it cannot keep them all, and counts them all', () => {
    const collector = new BatchCollector(RULE, 2)
    for (const c of [
      moved('m1', 'a@x.example'),
      moved('m2', 'a@x.example'),
      inbox('i1', 'a@x.example'),
      inbox('i2', 'a@x.example'),
      inbox('i3', 'a@x.example')
    ]) {
      collector.add(c)
    }
    expect(collector.result.convictions.map((c) => c.id)).toEqual(['i1', 'i2'])
    expect(collector.result.totals).toMatchObject({ total: 5, actionNeeded: 3 })
  })
})

describe('times in the watch time-zone', () => {
  it('show the window and each row in the zone, named, on every chat platform', async () => {
    // 27 November: New York is on EST, UTC-5.
    const zoned = batch([conviction('a')], { timeZone: 'America/New_York' })
    const window = 'Messages received 2026-11-27 04:00–05:00 America/New_York'
    const teams = strings(renderTeams(zoned).payload)
    expect(teams).toContain(window)
    expect(teams).toContain(' · 2026-11-27 04:50 America/New_York · cfo@example[.]com')
    const webex = await marked.parse((renderWebex(zoned).payload as { markdown: string }).markdown)
    expect(webex).toContain(window)
    expect(webex).toContain('2026-11-27 04:50 America/New_York')
    const slack = strings(renderSlack(zoned).payload).join('\n')
    expect(slack).toContain(window)
    expect(slack).toContain('2026-11-27 04:50 America/New_York')
  })

  it('leave the json window as ISO-8601 UTC data', () => {
    const { payload } = renderJson(batch([conviction('a')], { timeZone: 'America/New_York' }))
    expect(payload).toMatchObject({ window: { start: '2026-11-27T09:00:00.000Z', end: '2026-11-27T10:00:00.000Z' } })
  })
})

describe('json', () => {
  it('is the batch as data: counts of all, the rows, what was left out', () => {
    const { payload, omitted } = renderJson(batch([conviction('a', { verdict: 'phishing' }), conviction('b')]))
    expect(omitted).toBe(0)
    expect(payload).toMatchObject({
      source: 'etd-verdict-watch',
      window: { start: '2026-11-27T09:00:00.000Z', end: '2026-11-27T10:00:00.000Z' },
      totals: {
        total: 2,
        changes: 0,
        actionNeeded: 0,
        verdicts: { BEC: 1, phishing: 1 },
        mailboxes: { 'cfo@example[.]com': 2 }
      },
      omitted: 0
    })
    expect((payload as { convictions: Array<{ id: string }> }).convictions.map((c) => c.id)).toEqual(['a', 'b'])
  })
})

describe('notYetRecorded', () => {
  const recorded = [
    {
      number: 7,
      url: 'https://github.com/o/r/issues/7',
      createdAt: T,
      convictions: [{ id: 'a', verdict: 'bec', receivedAt: new Date(T).toISOString() }]
    }
  ]

  it('leaves out what an issue records, by id and verdict', () => {
    const result = notYetRecorded(
      [conviction('a'), conviction('a2'), conviction('b', { verdict: 'phishing' })],
      recorded
    )
    expect(result.fresh.map((c) => c.id)).toEqual(['a2', 'b'])
    expect(result.recordedHere.map((c) => c.id)).toEqual(['a'])
    expect(result.record).toBeUndefined()
  })

  it('treats a verdict change of a recorded message as new', () => {
    expect(notYetRecorded([conviction('a', { verdict: 'malicious' })], recorded).fresh).toHaveLength(1)
  })

  it('names the issue that records all of them', () => {
    expect(notYetRecorded([conviction('a')], recorded).record?.number).toBe(7)
  })
})
