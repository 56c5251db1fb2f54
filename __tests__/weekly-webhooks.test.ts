import { describe, expect, it } from '@jest/globals'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { marked } from 'marked'
import { readFileSync } from 'node:fs'
import { NodeType, parse as parseSlack } from 'slack-message-parser'
import { json } from '../src/notify/webhook/json.js'
import { MAX_SLACK_BLOCKS, slack } from '../src/notify/webhook/slack.js'
import { MAX_TEAMS_PAYLOAD_BYTES, teams } from '../src/notify/webhook/teams.js'
import { MAX_WEBEX_MARKDOWN_BYTES, webex } from '../src/notify/webhook/webex.js'
import type { WeeklyReport } from '../src/report/weekly/types.js'
import { cardErrors, elements, shownText, slackNodes, strings, textRuns } from './helpers/payloads.js'
import { emptyReport, gappedReport, hostileReport, longListsReport, weeklyReport } from './helpers/weekly-report.js'

const RUN = 'https://github.com/acme/watch/actions/runs/42'
const ISSUE = 'https://github.com/acme/watch/issues/9'
const LINKS = { run: RUN, issue: ISSUE }

const schema = JSON.parse(readFileSync(new URL('../src/notify/webhook/json.schema.json', import.meta.url), 'utf8'))
const ajv = new Ajv2020({ allErrors: true, strict: true })
ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)) && /Z$/.test(value))
const validate = ajv.compile(schema)
const errors = (payload: unknown) => (validate(payload) ? [] : validate.errors)

describe('the weekly report as JSON', () => {
  it('is the report as data, valid against the schema at version 2', () => {
    const payload = json.weekly(weeklyReport(), LINKS) as Record<string, unknown>
    expect(errors(payload)).toEqual([])
    expect(payload).toMatchObject({
      schemaVersion: 2,
      source: 'etd-verdict-watch',
      event: 'weekly',
      period: { start: '2026-11-23T00:00:00.000Z', end: '2026-11-30T00:00:00.000Z' },
      previous: { start: '2026-11-16T00:00:00.000Z', end: '2026-11-23T00:00:00.000Z' },
      timeZone: 'UTC',
      links: { run: RUN, issue: ISSUE }
    })
    const watched = payload.watched as Record<string, unknown>
    expect(watched.total).toEqual({ current: 42, previous: 37 })
    expect(watched.verdicts).toEqual([
      { verdict: 'phishing', current: 29, previous: 30 },
      { verdict: 'bec', current: 10, previous: 5 },
      { verdict: 'scam', current: 3, previous: 2 }
    ])
    expect((watched.days as unknown[])[1]).toEqual({
      day: '2026-11-24',
      total: 6,
      verdicts: [
        { verdict: 'phishing', count: 4 },
        { verdict: 'bec', count: 1 },
        { verdict: 'scam', count: 1 }
      ]
    })
    expect(watched.topSenderDomains).toEqual([
      { name: 'evil[.]example', count: 20 },
      { name: 'invoices[.]example[.]net', count: 9 }
    ])
    expect(payload.health).toEqual({ runs: 1008, failures: 2, etdRequests: 2100, etdBudget: 7000, deepScans: 7 })
  })

  it('keeps a gap and what ETD did not answer as null and named, and the schema refuses a zero-filled or unknown field', () => {
    const payload = json.weekly(gappedReport(), {}) as Record<string, Record<string, unknown>>
    expect(errors(payload)).toEqual([])
    expect(payload.watched.gaps).toEqual(['2026-11-25', '2026-11-18'])
    expect(payload.watched.partialDays).toEqual([])
    const report = gappedReport()
    const partial = json.weekly({ ...report, watched: { ...report.watched, partialDays: ['2026-11-23'] } }, {})
    expect(errors(partial)).toEqual([])
    expect((partial as typeof payload).watched.partialDays).toEqual(['2026-11-23'])
    expect(payload.watched.total).toEqual({ current: 35, previous: null })
    expect(payload.tenant.missing).toEqual(['retro verdicts'])
    expect(payload.links).toEqual({ run: null, issue: null })
    expect(errors({ ...payload, schemaVersion: 1 })).not.toEqual([])
    expect(errors({ ...payload, watched: { ...payload.watched, gaps: ['yesterday'] } })).not.toEqual([])
    expect(errors({ ...payload, health: { ...payload.health, extra: 1 } })).not.toEqual([])
  })

  it('takes a field the report gains only once the schema has it', () => {
    const report = weeklyReport()
    const grown = { ...report, health: { ...report.health, cacheMisses: 3 } } as WeeklyReport
    const payload = json.weekly(grown, {})
    expect(errors(payload)).toEqual([])
    expect(JSON.stringify(payload)).not.toContain('cacheMisses')
  })

  it('keeps hostile names as data: verdicts in a list, so that one named __proto__ is a verdict like any', () => {
    const report = hostileReport()
    const proto = {
      ...report,
      watched: { ...report.watched, byVerdict: { ['__proto__']: { current: 1, previous: 0 } } }
    }
    const payload = json.weekly(proto, {}) as { watched: { verdicts: unknown[] } }
    expect(errors(payload)).toEqual([])
    expect(payload.watched.verdicts).toEqual([{ verdict: '__proto__', current: 1, previous: 0 }])
    const hostile = json.weekly(report, {}) as { watched: { topMailboxes: Array<{ name: string }> } }
    expect(hostile.watched.topMailboxes.map((m) => m.name)).toContain('<img src=x onerror=alert(1)>@evil[.]example')
  })
})

type TeamsMessage = { attachments: Array<{ content: { body: unknown[]; actions?: Array<{ url: string }> } }> }
type SlackMessage = {
  text: string
  blocks: Array<{
    type: string
    text?: { type: string; text: string }
    elements?: Array<{ type: string; text?: string }>
  }>
}

describe('the weekly report in Teams', () => {
  const card = (report: WeeklyReport) => (teams.weekly(report, LINKS) as TeamsMessage).attachments[0].content

  it('is a valid Adaptive Card of the headline numbers and the top lists, with our links as actions', () => {
    const content = card(weeklyReport())
    expect(cardErrors(content)).toEqual([])
    const blocks = elements(content, 'TextBlock').map((b) => b.text)
    expect(blocks.slice(0, 2)).toEqual([
      'ETD weekly report 2026-11-23 – 2026-11-29 UTC: 42 convictions, up 14% on the week before (37)',
      '42 convictions to the 3 watched mailboxes in the week 2026-11-23 – 2026-11-29 UTC, up 14% on the week before (37).'
    ])
    expect(blocks).toContain('Top sender domains')
    const runs = textRuns(content)
    expect(runs.join('')).toContain('BEC: 10, up 100% on the week before (5)')
    expect(runs.join('|')).toContain('20  |evil[.]example')
    expect(runs).toContain('1,008 watch runs, 2 failed; 2,100 of 7,000 ETD requests used (30%); 7 deep rescans.')
    expect(content.actions?.map((a) => a.url)).toEqual([ISSUE, RUN])
  })

  it('says a gap and a missing answer, and keeps hostile names in TextRuns only', () => {
    expect(textRuns(card(gappedReport())).join('\n')).toMatch(
      /holds nothing for 2026-11-25 \(this week\)[^]*ETD did not answer for the tenant: retro verdicts/
    )
    const content = card(hostileReport())
    expect(cardErrors(content)).toEqual([])
    for (const block of elements(content, 'TextBlock')) expect(block.text).not.toMatch(/evil|alert|DATE|octocat/)
    const runs = textRuns(content)
    expect(runs).toContain('<img src=x onerror=alert(1)>@evil[.]example')
    expect(runs).toContain('{\u200b{DATE(2026-01-01T00:00:00Z)}} @octocat #1 GH-2 :tada:')
  })

  it('stays under the size Teams takes, cutting the top lists and saying so', () => {
    const message = teams.weekly(longListsReport(10, '<w> '.repeat(80)), LINKS)
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(MAX_TEAMS_PAYLOAD_BYTES)
    expect(textRuns(message)).toContain('5 more not shown here.')
  })
})

describe('the weekly report in Slack', () => {
  it('has its headline in mrkdwn and every name in rich_text, nothing live but our links', () => {
    const message = slack.weekly(hostileReport(), LINKS) as SlackMessage
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: 'ETD weekly report 2026-11-23 – 2026-11-29 UTC: 42 convictions, up 14% on the week before (37)'
      }
    })
    const mrkdwn = [
      message.text,
      ...message.blocks
        .flatMap((b) => [b.text, ...(b.elements ?? [])])
        .flatMap((t) => (t?.type === 'mrkdwn' ? [t.text!] : []))
    ]
    for (const node of mrkdwn.flatMap((text) => slackNodes(parseSlack(text)))) {
      expect([NodeType.UserLink, NodeType.ChannelLink, NodeType.Command]).not.toContain(node.type)
      if (node.type === NodeType.URL) expect([RUN, ISSUE]).toContain(node.url)
      if (node.type === NodeType.Text) expect(node.text).not.toMatch(/evil|alert|octocat/)
    }
    const rich = strings(message.blocks.filter((b) => b.type === 'rich_text')).join('\n')
    expect(rich).toContain('10  <img src=x onerror=alert(1)>@evil[.]example')
    expect(rich).toContain('<!channel> <@U123> <hxxps://evil[.]example|login>')
  })

  it('stays within the blocks Slack takes', () => {
    const message = slack.weekly(longListsReport(10, '<w> '.repeat(80)), LINKS) as SlackMessage
    expect(message.blocks.length).toBeLessThanOrEqual(MAX_SLACK_BLOCKS)
    expect(strings(message.blocks).join('\n')).toContain('1,008 watch runs')
  })
})

describe('a week with nothing on record, on every platform', () => {
  it('is valid data and a valid card, and says the gap and what ETD did not answer', async () => {
    const report = emptyReport()
    expect(errors(json.weekly(report, {}))).toEqual([])
    const card = (teams.weekly(report, {}) as TeamsMessage).attachments[0].content
    expect(cardErrors(card)).toEqual([])
    expect(card.actions).toBeUndefined()
    const said = [
      textRuns(card).join('\n'),
      strings((slack.weekly(report, {}) as SlackMessage).blocks).join('\n'),
      shownText(await marked.parse((webex.weekly(report, {}) as { markdown: string }).markdown))
    ]
    for (const text of said) {
      expect(text).toContain("The watch's state holds nothing for 2026-11-23")
      expect(text).toContain('ETD did not answer for the tenant: verdicts by day')
      expect(text).not.toContain('Top techniques')
    }
  })
})

describe('the weekly report in Webex', () => {
  const markdown = (report: WeeklyReport) => (webex.weekly(report, LINKS) as { markdown: string }).markdown

  it('renders as markdown with the numbers, the lists and our links', async () => {
    const html = await marked.parse(markdown(weeklyReport()))
    expect(html).toContain('<li><strong>BEC</strong>: 10, up 100% on the week before (5)</li>')
    expect(html).toContain('<li>20 evil[.]example</li>')
    expect(html).toContain(`<a href="${RUN}">${RUN}</a>`)
  })

  it('keeps hostile names inert and stays under the bytes Webex takes', async () => {
    const html = await marked.parse(markdown(hostileReport()))
    expect(html).not.toMatch(/<img|<script|<a href="(?!https:\/\/github\.com\/acme)/)
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;@\u200bevil[.]example')
    const long = markdown(longListsReport(10, '<w> '.repeat(80)))
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(MAX_WEBEX_MARKDOWN_BYTES)
    expect(long).toMatch(/\d more not shown here\\\./)
  })
})
