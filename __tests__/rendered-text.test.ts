import { describe, expect, it } from '@jest/globals'
import { marked } from 'marked'
import { NodeType, parse as parseSlack } from 'slack-message-parser'
import type { Conviction } from '../src/etd/types.js'
import { buildDigest } from '../src/notify/email/digest.js'
import { buildIssue } from '../src/notify/issue/body.js'
import { totalsOf } from '../src/notify/text/rows.js'
import { MatchedRows, renderSummary } from '../src/notify/summary/summary.js'
import type { WebhookBatch } from '../src/notify/webhook/content.js'
import { inertSlack, slack } from '../src/notify/webhook/slack.js'
import { teams } from '../src/notify/webhook/teams.js'
import { webex } from '../src/notify/webhook/webex.js'
import { conviction as fixture, T, webhookBatch } from './helpers/fixtures.js'
import { cardErrors, elements, slackNodes, textRuns } from './helpers/payloads.js'

/**
 * Attacker text rendered by each channel's own rules (CommonMark/GFM for the issue, the summary and Webex;
 * Slack's mrkdwn; the Adaptive Card model for Teams) shows exactly as written, and forms no markup, link,
 * mention, reference or entity. Expected values are the literals below, which clean.ts leaves as they are
 * (no URL or domain in them to defang).
 */
const SUBJECT =
  `Don't "pay" <b>now</b> & #1 *urgent* _now_ \`run\` [x](y) | ~old~ \\ :smile: @team GH-12 ` +
  `ftp://files www.x <mailto:a@b> &amp; &#39; 1. + - = !`
const NAME = `O'Brien & Co <Finance> *CEO*`
const ADDRESS = `o'brien@evil`
const SENDER = `${NAME} <${ADDRESS}>`
const ZWSP = /\u200b/g

const WINDOW = { start: T - 3_600_000, end: T }
const RULE = { mailboxes: [], verdicts: ['bec'], techniques: [] }
const RUN = 'https://github.com/acme/watch/actions/runs/42'

const conviction = (id: string, extra: Partial<Conviction> = {}): Conviction =>
  fixture(id, { subject: SUBJECT, fromAddress: ADDRESS, senderName: NAME, ...extra })

const CONVICTIONS = [conviction('m-1'), conviction('m-2', { remediation: undefined })]

const batch = (extra: Partial<WebhookBatch> = {}) => webhookBatch(CONVICTIONS, RULE, extra)

/** The text a browser shows for HTML without tags: the entities HTML defines for what marked escapes. */
function shown(html: string): string {
  expect(html).not.toMatch(/[<>]/)
  return html
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([\da-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&(quot|lt|gt|amp);/g, (_, name: string) => ({ quot: '"', lt: '<', gt: '>', amp: '&' })[name]!)
}

/** What GitHub (and Webex) would still find in rendered text: a mention, a reference, an emoji code. */
function expectNoReferences(text: string): void {
  expect(text).not.toMatch(/(^|[^\p{L}\p{N}_])@[\p{L}\p{N}]/u)
  expect(text).not.toMatch(/#\d|GH-\d|:[\w+-]+:/)
}

/** The cells of the table row that holds `marker`, as HTML. */
function rowCells(html: string, marker: string): string[] {
  const row = html
    .split(/<tr>/)
    .slice(1)
    .find((r) => r.includes(marker))
  expect(row).toBeDefined()
  return [...row!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1])
}

describe('the issue, rendered as GitHub renders markdown (GFM)', () => {
  it('shows the subject and sender as written, and no entity, markup, link, mention or reference', async () => {
    const { body } = buildIssue({ convictions: CONVICTIONS, rule: RULE, window: WINDOW, timeZone: 'UTC', notes: [] })
    const html = await marked.parse(body)
    // The grouped table (moved) and the leading one (still in the inbox, with a Mailboxes column).
    const moved = rowCells(html, 'm-1')
    expect(shown(moved[1]).replace(ZWSP, '')).toBe(SENDER)
    expect(shown(moved[2]).replace(ZWSP, '')).toBe(SUBJECT)
    const inbox = rowCells(html, 'm-2')
    expect(shown(inbox[2]).replace(ZWSP, '')).toBe(SENDER)
    expect(shown(inbox[3]).replace(ZWSP, '')).toBe(SUBJECT)
    for (const cell of [...moved, ...inbox]) expectNoReferences(shown(cell.replace(/<\/?code>/g, '')))
    expect(html).not.toContain('&amp;#39;')
  })
})

describe('the job summary, rendered as GitHub renders markdown (an HTML block)', () => {
  it('shows the subject and sender as written, and no markup, link, mention or reference', async () => {
    const matched = new MatchedRows()
    for (const c of CONVICTIONS) matched.add(c, 'new')
    const summary = renderSummary({
      window: WINDOW,
      timeZone: 'UTC',
      matched,
      batch: { convictions: CONVICTIONS, totals: totalsOf(CONVICTIONS, RULE) },
      rule: RULE,
      scanned: 2,
      skipped: 0,
      released: 0,
      notes: [],
      reportPath: '/tmp/etd/report.json'
    })
    const html = await marked.parse(summary)
    const cells = rowCells(html, 'Sender name impersonation')
    expect(shown(cells[2]).replace(ZWSP, '')).toBe(SENDER)
    expect(shown(cells[3]).replace(ZWSP, '')).toBe(SUBJECT)
    for (const cell of cells) expectNoReferences(shown(cell))
  })
})

describe('Webex, rendered as CommonMark', () => {
  it('shows the subject and sender as written, and no entity, markup, link, mention or reference', async () => {
    const { markdown } = webex.render(batch()).payload as { markdown: string }
    const html = await marked.parse(markdown)
    const lines = html.split(/<br>|<\/?li>/).filter((line) => line.trim().startsWith('From '))
    expect(lines).toHaveLength(2)
    for (const line of lines) {
      const text = shown(line.trim())
      expect(text.replace(ZWSP, '')).toBe(`From ${SENDER}: ${SUBJECT}`)
      expectNoReferences(text)
    }
  })

  it('says where the convictions it left out are, and links the run', async () => {
    const many = Array.from({ length: 300 }, (_, i) => conviction(`x-${i}`))
    const { markdown } = webex.render(batch({ convictions: many, totals: totalsOf(many, RULE), runUrl: RUN }))
      .payload as { markdown: string }
    const html = await marked.parse(markdown)
    expect(html.split('\n').at(-2)).toMatch(
      new RegExp(
        '^<p>\\d+ more convictions not shown here; the workflow run lists every one \\(its summary, and the report ' +
          `among its artifacts\\): <a href="${RUN}">${RUN}</a></p>$`
      )
    )
  })
})

describe('the digest, rendered as HTML', () => {
  it('shows the subject and sender as written', () => {
    const { html } = buildDigest({
      convictions: CONVICTIONS,
      rule: RULE,
      window: WINDOW,
      timeZone: 'UTC',
      maxRows: 10,
      reportPath: '/tmp/etd/report.json'
    })
    const subjects = [...html.matchAll(/<div style="font-weight:600">(.*?)<\/div>/g)].map((m) => shown(m[1]))
    expect(subjects).toEqual([SUBJECT, SUBJECT])
    const senders = [...html.matchAll(/From:<\/span> (.*?)<\/div>/g)].map((m) => shown(m[1]))
    expect(senders).toEqual([SENDER, SENDER])
  })
})

type Card = { body: unknown[] }
type TeamsMessage = { attachments: Array<{ content: Card }> }

describe('Teams, by the Adaptive Card model', () => {
  it('carries the subject and sender only in TextRuns, which no card renders as markdown, exactly as written', () => {
    const card = (teams.render(batch()).payload as TeamsMessage).attachments[0].content
    expect(cardErrors(card)).toEqual([])
    // TextBlocks read markdown: none holds any of the message's text.
    for (const block of elements(card, 'TextBlock')) {
      expect(block.text).not.toMatch(/urgent|O'Brien/)
    }
    const runs = textRuns(card)
    expect(runs.filter((text) => text === SUBJECT)).toHaveLength(2)
    expect(runs.filter((text) => text === SENDER)).toHaveLength(2)
  })
})

type SlackText = { type: string; text: string }
type SlackBlock = {
  type: string
  text?: SlackText
  elements?: Array<SlackText & { elements?: Array<{ type: string; text?: string; name?: string }> }>
}
type SlackMessage = { text: string; blocks: SlackBlock[] }

/** The text Slack shows for mrkdwn text nodes: its three documented entities decoded. */
const slackShown = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

describe("Slack, by Slack's rules", () => {
  it('would read markup in mrkdwn however it is escaped: the checker sees it', () => {
    const found = slackNodes(parseSlack(inertSlack('*urgent* _now_ ~old~ `run` <!here>'))).map((n) => n.type)
    expect(found).toEqual(expect.arrayContaining([NodeType.Bold, NodeType.Italic, NodeType.Strike, NodeType.Code]))
    expect(found).not.toContain(NodeType.Command)
  })

  it('puts the subject and sender only in rich_text text elements, shown as written', () => {
    const message = slack.render(batch({ convictions: CONVICTIONS, runUrl: RUN })).payload as SlackMessage
    const rows = message.blocks.filter((b) => b.type === 'rich_text')
    expect(rows).toHaveLength(2)
    const texts = rows.flatMap((b) => b.elements!.flatMap((section) => section.elements!))
    expect(texts.every((e) => e.type === 'emoji' || (e.type === 'text' && e.text !== ''))).toBe(true)
    const lines = texts.flatMap((e) => (e.text ?? '').split('\n'))
    expect(lines.filter((line) => line === `From ${SENDER}: ${SUBJECT}`)).toHaveLength(2)
  })

  it('keeps every mrkdwn text free of the message, its links ours and nothing else live', () => {
    const many = Array.from({ length: 60 }, (_, i) => conviction(`x-${i}`))
    const message = slack.render(batch({ convictions: many, totals: totalsOf(many, RULE), runUrl: RUN }))
      .payload as SlackMessage
    const mrkdwn = [
      message.text,
      ...message.blocks
        .flatMap((b) => [b.text, ...(b.elements ?? [])])
        .flatMap((t) => (t?.type === 'mrkdwn' ? [t.text] : []))
    ]
    expect(mrkdwn).toHaveLength(3)
    const parsed = mrkdwn.flatMap((text) => slackNodes(parseSlack(text)))
    for (const node of parsed) {
      expect([NodeType.UserLink, NodeType.ChannelLink, NodeType.Command, NodeType.Code]).not.toContain(node.type)
      if (node.type === NodeType.URL) expect(node.url).toBe(RUN)
      if (node.type === NodeType.Text) expect(slackShown(node.text)).not.toMatch(/urgent|O'Brien/)
    }
    expect(parsed.some((node) => node.type === NodeType.URL)).toBe(true)
  })
})
