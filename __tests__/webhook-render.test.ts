import { describe, expect, it } from '@jest/globals'
import { marked } from 'marked'
import { notYetRecorded } from '../src/notify/issue/channel.js'
import { BatchCollector } from '../src/notify/batch.js'
import { groupByMailbox } from '../src/notify/text/rows.js'
import type { WebhookBatch } from '../src/notify/webhook/content.js'
import { MAX_SLACK_BLOCKS, MAX_SLACK_SECTION_TEXT, slack } from '../src/notify/webhook/slack.js'
import { MAX_TEAMS_PAYLOAD_BYTES, teams } from '../src/notify/webhook/teams.js'
import { MAX_WEBEX_MARKDOWN_BYTES, webex } from '../src/notify/webhook/webex.js'
import type { Conviction } from '../src/etd/types.js'
import { conviction, T, webhookBatch } from './helpers/fixtures.js'
import { cardErrors, elements, strings } from './helpers/payloads.js'

const RULE = { mailboxes: [], verdicts: ['bec', 'phishing', 'scam', 'malicious'], techniques: [] }

/** Every platform's live syntax at once: links, images, mentions, broadcasts, card date functions. */
const HOSTILE = {
  senderName: '<!channel> <!here> <@U024BE7LH> <https://evil.example/x|Click here> @all',
  fromAddress: '"https://login.evil.example/reset"@evil.example',
  subject:
    '[verify](https://login.evil.example) ![x](https://evil.example/p.png) <@all> {{DATE(2026-01-01T00:00:00Z,SHORT)}} & <b>',
  techniques: [{ type: '<script>alert(1)</script> **bold** #1' }]
}

const batch = (convictions: Conviction[], extra: Partial<WebhookBatch> = {}) => webhookBatch(convictions, RULE, extra)

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

type TeamsMessage = { type: string; attachments: Array<{ contentType: string; content: Record<string, unknown> }> }

describe('Teams', () => {
  it('is a message with one valid Adaptive Card', () => {
    const { payload, omitted } = teams.render(batch([conviction('a'), conviction('b', { remediation: undefined })]))
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
    const { payload } = teams.render(hostileBatch(3))
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
    const { payload, omitted } = teams.render(hostileBatch(500))
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
    const { payload } = webex.render(hostileBatch(3))
    const { markdown } = payload as { markdown: string }
    const html = await marked.parse(markdown)
    expect(html).not.toMatch(/<a |<img|<script|<b>|<@|<!/i)
    expect(markdown).toContain('@\u200ball')
  })

  it('stays under 7,439 bytes and counts what it left out', () => {
    const { payload, omitted } = webex.render(hostileBatch(400))
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
  type Text = { type: string; text: string }
  type SlackMessage = {
    text: string
    blocks: Array<{ type: string; text?: Text; elements?: Array<Text & { elements?: Text[] }> }>
  }
  /** The mrkdwn and plain_text texts, which Slack parses, and the rich_text texts, which it shows as given. */
  const parsed = (m: SlackMessage) => [
    m.text,
    ...m.blocks.flatMap((b) => [
      b.text?.text ?? '',
      ...(b.type === 'rich_text' ? [] : (b.elements ?? []).map((e) => e.text))
    ])
  ]
  const given = (m: SlackMessage) =>
    m.blocks
      .filter((b) => b.type === 'rich_text')
      .flatMap((b) => b.elements!.flatMap((s) => s.elements!.flatMap((e) => (e.type === 'text' ? [e.text] : []))))

  it('shows <!channel>, <@U…> and <url|text> as typed: only in rich_text, never where Slack parses', () => {
    const { payload } = slack.render(hostileBatch(3))
    const message = payload as SlackMessage
    for (const text of parsed(message)) expect(text).not.toMatch(/[<>]|channel|evil/)
    const all = given(message).join('\n')
    expect(all).toContain('<!channel> <!here> <@U024BE7LH> <hxxps://evil[.]example/x|Click here>')
    expect(all).toContain('& <b>')
  })

  it('holds 50 blocks and 3,000 characters a text, and counts what it left out', () => {
    const { payload, omitted } = slack.render(hostileBatch(200))
    const message = payload as SlackMessage
    expect(message.blocks.length).toBeLessThanOrEqual(MAX_SLACK_BLOCKS)
    expect(message.blocks.length).toBe(MAX_SLACK_BLOCKS)
    for (const text of [...parsed(message), ...given(message)])
      expect([...text].length).toBeLessThanOrEqual(MAX_SLACK_SECTION_TEXT)
    const rows = message.blocks.filter((b) => b.type === 'rich_text').length
    expect(rows + omitted).toBe(200)
    expect(parsed(message).join('\n')).toContain(`${omitted} more convictions not shown here`)
  })

  it('clips a text over 3,000 characters without cutting an escape in half', () => {
    const { payload } = slack.render({ ...hostileBatch(60), reportPath: `/tmp/${'&'.repeat(4000)}/report.json` })
    const leftOut = (payload as SlackMessage).blocks.at(-1)!.elements![0].text
    expect([...leftOut].length).toBeLessThanOrEqual(MAX_SLACK_SECTION_TEXT)
    expect([...leftOut].length).toBeGreaterThan(MAX_SLACK_SECTION_TEXT - 5)
    expect(leftOut).toMatch(/\/tmp\/(&amp;)+…$/)
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
    ['Teams', teams.render],
    ['Webex', webex.render],
    ['Slack', slack.render]
  ])('%s leads with how many, lists exactly those, then the rest under its own heading', async (_, render) => {
    const { payload } = render(mixed)
    // Webex's markdown escapes its own words too: read as rendered.
    const text =
      'markdown' in (payload as object)
        ? await marked.parse((payload as { markdown: string }).markdown)
        : JSON.stringify(payload)
    const lead = text.indexOf('Still in the inbox: 2 — act on these')
    const rest = text.indexOf('Moved out of the inbox: 3')
    expect(lead).toBeGreaterThan(-1)
    expect(rest).toBeGreaterThan(lead)
    expect(ids(text.slice(0, lead))).toEqual([])
    expect(ids(text.slice(lead, rest))).toEqual(['inboxCfo', 'untouchedPay'])
    expect(ids(text.slice(rest))).toEqual(['movedCeo', 'movedCfo', 'movedPay'])
  })

  it('says how many of those did not fit when they alone overflow a limit', () => {
    const many = batch(
      Array.from({ length: 60 }, (_, i) => conviction(`inbox${i}`, { remediation: { folder: 'inbox' } }))
    )
    const { payload, omitted } = slack.render(many)
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
    const card = strings(teams.render(zoned).payload)
    expect(card).toContain(window)
    expect(card).toContain(' · 2026-11-27 04:50 America/New_York · cfo@example[.]com')
    const html = await marked.parse((webex.render(zoned).payload as { markdown: string }).markdown)
    expect(html).toContain(window)
    expect(html).toContain('2026-11-27 04:50 America/New_York')
    const blocks = strings(slack.render(zoned).payload).join('\n')
    expect(blocks).toContain(window)
    expect(blocks).toContain('2026-11-27 04:50 America/New_York')
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
