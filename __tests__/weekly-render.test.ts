import { describe, expect, it } from '@jest/globals'
import { marked } from 'marked'
import { clean } from '../src/etd/clean.js'
import { buildWeeklyEmail } from '../src/notify/email/weekly.js'
import { buildWeeklyIssue } from '../src/notify/issue/weekly.js'
import { renderWeeklySummary } from '../src/notify/summary/weekly.js'
import { SUMMARY_BUDGET } from '../src/notify/summary/summary.js'
import { layout } from '../scripts/phone-view.js'
import { drawMermaid, mermaidBlocks } from './helpers/mermaid.js'
import { shownText } from './helpers/payloads.js'
import {
  emptyReport,
  gappedReport,
  HOSTILE_NAMES,
  hostileReport,
  longListsReport,
  ranked,
  weeklyReport
} from './helpers/weekly-report.js'

const RUN = 'https://github.com/acme/watch/actions/runs/42'

describe('the weekly issue', () => {
  const issue = buildWeeklyIssue(weeklyReport(), { runUrl: RUN })

  it('titles the week with counts and the trend', () => {
    expect(issue.title).toBe(
      'ETD weekly report 2026-11-23 – 2026-11-29 UTC: 42 convictions, up 14% on the week before (37)'
    )
  })

  it('renders as GFM: the verdicts beside the week before, top lists, the tenant and the watch', async () => {
    const html = await marked.parse(issue.body, { gfm: true })
    expect(html).toContain('<th>Verdict</th>\n<th>This week</th>\n<th>The week before</th>\n<th>Change</th>')
    expect(html).toContain('<td>BEC</td>\n<td>10</td>\n<td>5</td>\n<td>up 100%</td>')
    expect(html).toContain('<td>phishing</td>\n<td>29</td>\n<td>30</td>\n<td>down 3%</td>')
    const text = shownText(html)
    expect(text).toContain(
      '42 convictions to the 3 watched mailboxes in the week 2026-11-23 – 2026-11-29 UTC, up 14% on the week before (37).'
    )
    expect(text).toContain('Top sender domains')
    expect(html).toContain('<td>invoices[.]example[.]net</td>\n<td>9</td>')
    expect(text).toContain('Bars by verdict, bottom to top: BEC, scam, phishing.')
    expect(text).toContain('120 convictions in the whole tenant, down 20% on the week before (150).')
    expect(text).toContain('1,008 watch runs, 2 failed; 2,100 of 7,000 ETD requests used (30%); 7 deep rescans.')
    expect(html).toContain(`<a href="${RUN}">${RUN}</a>`)
    // A zone named as it is written: Europe/Zurich, not Europe\/Zurich.
    const zurich = buildWeeklyIssue(weeklyReport({ timeZone: 'America/Port_of_Spain' }))
    expect(shownText(await marked.parse(zurich.body, { gfm: true }))).toContain(
      'Days are UTC days, as the watch counts them.'
    )
  })

  it('says a gap in words, and draws no zero for it', () => {
    const gapped = buildWeeklyIssue(gappedReport())
    expect(gapped.title).toBe(
      'ETD weekly report 2026-11-23 – 2026-11-29 UTC: 35 convictions, the week before is not known'
    )
    expect(gapped.body).toContain("> [!WARNING]\n> The watch's state holds nothing for 2026\\-11\\-25 \\(this week\\)")
    expect(mermaidBlocks(gapped.body)[0]).toContain(
      'x-axis ["Mon 11-23", "Tue 11-24", "Thu 11-26", "Fri 11-27", "Sat 11-28", "Sun 11-29"]'
    )
    expect(gapped.body).toContain('| BEC | 10 | not known | not known |')
    // The week before is not known: no line of it drawn as zeros, and the chart's title says bars alone.
    expect(gapped.body).not.toMatch(/^ {2}line \[/m)
    expect(gapped.body).toContain('  title "This week by verdict"')
    expect(buildWeeklyIssue(weeklyReport()).body).toContain('  title "This week (bars) and the week before (line)"')
    expect(gapped.body).toContain(
      '> [!NOTE]\n> ETD did not answer for the tenant\\: retro verdicts; that part is left out\\.'
    )
    expect(gapped.body).not.toContain('in the whole tenant)')
  })

  it('says, in the same warning, the days counted only from a first run on', () => {
    const report = gappedReport()
    const body = buildWeeklyIssue({ ...report, watched: { ...report.watched, partialDays: ['2026-11-23'] } }).body
    expect(body).toMatch(
      /> \[!WARNING\]\n> The watch's state holds nothing for [^\n]*\n>\n> The watch's record of 2026\\-11\\-23 began with a run that had no earlier state/
    )
  })

  it('stays under the body limit by cutting the top lists, and says how many it left out', () => {
    const long = (i: number) => `${'x'.repeat(180)}${i}@example.com`
    const names = ranked(Array.from({ length: 10 }, (_, i) => [long(i), 10 - i] as [string, number]))
    const base = weeklyReport()
    const report = {
      ...base,
      watched: { ...base.watched, topMailboxes: names },
      tenant: { ...base.tenant, topTargets: names }
    }
    const whole = buildWeeklyIssue(report).body
    const cut = buildWeeklyIssue(report, { maxLength: 5000 }).body
    expect(whole).not.toContain('not shown here')
    expect(whole.length).toBeGreaterThan(5000)
    expect(cut.length).toBeLessThanOrEqual(5000)
    expect(cut).toMatch(/\n\d more not shown here\\\.\n/)
    expect(cut).toContain(clean(long(0)).slice(0, 50))
  })

  it('shows no more than ten of a list, and counts the rest', () => {
    const base = weeklyReport()
    const many = ranked(Array.from({ length: 14 }, (_, i) => [`t${i}`, 20 - i] as [string, number]))
    const body = buildWeeklyIssue({ ...base, watched: { ...base.watched, topTechniques: many } }).body
    expect(body).toContain('| t9 | 11 |')
    expect(body).not.toContain('| t10 |')
    expect(body).toContain('4 more not shown here\\.')
  })
})

describe('a week with nothing on record', () => {
  it('draws no chart and no zero in the issue, and says why in words', async () => {
    const body = buildWeeklyIssue(emptyReport()).body
    expect(mermaidBlocks(body)).toEqual([])
    const text = shownText(await marked.parse(body, { gfm: true }))
    expect(text).toContain(
      "The watch's state holds nothing for 2026-11-23, 2026-11-24, 2026-11-25, 2026-11-26, 2026-11-27, 2026-11-28 and 2026-11-29 (this week)"
    )
    expect(text.match(/No day of the week is on record\./g)).toHaveLength(2)
    expect(text.match(/None this week\./g)).toHaveLength(6)
    expect(text).toContain('None was still in an inbox when told.')
    expect(text).toContain(
      'ETD did not answer for the tenant: verdicts by day, top targets, top threat senders and retro verdicts; that part is left out.'
    )
  })

  it('says the same in the email, and lays it out', async () => {
    const empty = buildWeeklyEmail(emptyReport())
    expect(empty.html).not.toContain('bgcolor')
    expect(empty.html.match(/No day of the week is on record\./g)).toHaveLength(2)
    expect(empty.text.match(/none this week\./g)).toHaveLength(5)
    expect(empty.text).toContain('Convictions by day:\nNo day of the week is on record.\n')
    expect(await layout(empty.html, 420)).toEqual({ width: 420, offScreen: [] })
  }, 30_000)
})

describe('the weekly job summary', () => {
  it('is the report in markdown, under 1 MiB, without links of a run it is part of', () => {
    const summary = renderWeeklySummary(weeklyReport())
    expect(summary).toMatch(/^## ETD weekly report 2026\\-11\\-23 – 2026\\-11\\-29 UTC/)
    expect(Buffer.byteLength(summary)).toBeLessThan(SUMMARY_BUDGET)
    expect(summary).not.toContain('Workflow run')
    expect(mermaidBlocks(summary)).toHaveLength(4)
  })
})

describe('the charts, drawn by mermaid', () => {
  it('draw days stacked in the verdicts colours, the week before beside this one, and the techniques', async () => {
    const plain = mermaidBlocks(buildWeeklyIssue(weeklyReport()).body)
    const hostile = mermaidBlocks(buildWeeklyIssue(hostileReport()).body)
    const gapped = mermaidBlocks(buildWeeklyIssue(gappedReport()).body)
    const drawn = await drawMermaid([...plain, ...hostile, ...gapped])
    expect(drawn.filter((d) => d.error)).toEqual([])
    const [days, weeks, techniques, tenant] = drawn
    expect(drawn.map((d) => d.type)).toEqual([...Array(3)].flatMap(() => ['xychart', 'xychart', 'pie', 'xychart']))
    expect(days.texts).toEqual(expect.arrayContaining(['Convictions by day', 'Mon 11-23', 'Sun 11-29']))
    // Three series drawn tallest first: the top verdict (phishing) over scam over BEC, 7 days each.
    expect(days.fills).toEqual([...Array(7).fill('#c2410c'), ...Array(7).fill('#a16207'), ...Array(7).fill('#8b0000')])
    expect(weeks.texts).toEqual(expect.arrayContaining(['phishing', 'BEC', 'scam']))
    expect(techniques.texts).toEqual(
      expect.arrayContaining(['Sender name impersonation [14]', 'Malicious URL [12]', 'QR code [5]'])
    )
    expect(tenant.texts).toContain('Convictions in the tenant by day')
    // Hostile names are labels: every one drawn, as a label of its own, no markup of theirs.
    const pie = drawn[6]
    expect(pie.texts?.filter((t) => /\[\d+\]$/.test(t))).toHaveLength(HOSTILE_NAMES.length)
    expect(drawn[5].texts).toContain('tdtrtablescriptalert1script')
    // A lost day is no bar: six days drawn.
    expect(drawn[8].texts).not.toContain('Wed 11-25')
    expect(drawn[8].fills).toHaveLength(3 * 6)
  }, 60_000)
})

describe('the weekly email', () => {
  const email = buildWeeklyEmail(weeklyReport(), { run: RUN, issue: 'https://github.com/acme/watch/issues/9' })

  it('says the week in the subject with counts only', () => {
    expect(email.subject).toBe(
      '[ETD] ETD weekly report 2026-11-23 – 2026-11-29 UTC: 42 convictions, up 14% on the week before (37)'
    )
  })

  it('draws bars as tables of inline widths and colours, loads nothing, runs nothing', () => {
    expect(email.html).not.toMatch(/<script|<img|<link|<style|url\(|src=|@import/i)
    expect(email.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">')
    // Friday: 4 BEC and 6 phishing, the week's tallest day, so a full-width bar split 40:60.
    expect(email.html).toContain(
      '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse"><tr>' +
        '<td width="40%" bgcolor="#8b0000"'
    )
    expect(email.html).toContain('<td width="60%" bgcolor="#c2410c"')
    // Saturday was recorded with none: a count of 0 and no bar.
    expect(email.html).toMatch(/Sat 11-28<\/td><td[^>]*>&nbsp;<\/td><td[^>]*>0<\/td>/)
  })

  it('has a plain-text part with the same numbers and bars of characters', () => {
    expect(email.text).toContain('  Fri 11-27    10  ##############################\n')
    expect(email.text).toContain('  Mon 11-23     8  ########################\n')
    expect(email.text).toContain('  Sat 11-28     0  \n')
    expect(email.text).toContain('  BEC: 10, up 100% on the week before (5)\n')
    expect(email.text).toContain(`Issue: https://github.com/acme/watch/issues/9\nWorkflow run: ${RUN}\n`)
    expect(email.text).toContain('Top sender domains:\n    20  evil[.]example\n     9  invoices[.]example[.]net\n')
  })

  it('says a gap and a missing answer in both parts, and draws no bar for the lost day', () => {
    const gapped = buildWeeklyEmail(gappedReport())
    for (const part of [gapped.html, gapped.text]) {
      expect(part).toContain('holds nothing for 2026-11-25 (this week) and 2026-11-18 (the week before)')
      expect(part).toContain('ETD did not answer for the tenant: retro verdicts')
      // The tenant's chart has the day; the watched mailboxes' chart, before it, does not.
      expect(part.split('Wed 11-25')[0]).toContain('Thu 11-26')
    }
    expect(gapped.html).toContain(
      'the week before</td><td style="padding:2px 4px;vertical-align:middle;color:#6b7280;font-size:12px">not known</td>'
    )
  })

  it('says the days counted only from a first run on, in both parts', () => {
    const report = weeklyReport()
    const partial = buildWeeklyEmail({ ...report, watched: { ...report.watched, partialDays: ['2026-11-23'] } })
    expect(partial.html).toContain('The watch&#39;s record of 2026-11-23 began')
    expect(partial.text).toContain("\nNote: The watch's record of 2026-11-23 began")
    expect(email.html + email.text).not.toContain('began with a run')
  })

  it.each([420, 1200])(
    'lays out in Chromium at %d px with no element off screen, hostile names too',
    async (width) => {
      for (const html of [
        email.html,
        buildWeeklyEmail(hostileReport()).html,
        buildWeeklyEmail(longListsReport(25, 'w'.repeat(300))).html
      ]) {
        const shown = await layout(html, width)
        expect(shown).toEqual({ width, offScreen: [] })
      }
    },
    60_000
  )

  it('stays under the 102 KB at which Gmail clips a message, every name at its longest', () => {
    expect(Buffer.byteLength(buildWeeklyEmail(longListsReport(25, 'w'.repeat(300))).html)).toBeLessThan(102 * 1024)
  })
})

describe('names from ETD are inert in every weekly renderer', () => {
  const report = hostileReport()

  it('in the issue and the summary: no link, image, mention or HTML of theirs, each shown as written', async () => {
    for (const markdown of [buildWeeklyIssue(report).body, renderWeeklySummary(report)]) {
      const html = await marked.parse(markdown, { gfm: true })
      expect(html).not.toMatch(/<a |<img|<script|<\/?td><\/tr>|<table><script/i)
      // GitHub links mentions and references in text, not in a chart's code block (cleaned in chart.ts).
      expect(html.replace(/<pre><code class="language-mermaid">[^]*?<\/code><\/pre>/g, '')).not.toMatch(
        /@octocat|#1 GH/
      )
      const text = shownText(html)
      expect(text).toContain('<img src=x onerror=alert(1)>@evil[.]example')
      expect(text).toContain('[click](hxxps://evil[.]example/x) ![i](hxxps://evil[.]example/i[.]png)')
      expect(text).toContain('</td></tr></table><script>alert(1)</script>')
      // The mermaid fences stay four pairs: no name closed one.
      expect(markdown.split('\n').filter((line) => line === '```')).toHaveLength(4)
    }
  })

  it('in the email: escaped in the HTML, and one line each in the text', () => {
    const { html, text, subject } = buildWeeklyEmail(report)
    expect(html).not.toMatch(/<img|<script|<\/td><\/tr><\/table><script|<!channel>/i)
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;@evil[.]example')
    expect(html).toContain('&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toContain('evil.example')
    expect(text).toContain('\n    10  <img src=x onerror=alert(1)>@evil[.]example\n')
    expect(text).toContain('\n     8  x" : 1 ``` %%{init: {"theme": "dark"}}%%\n')
    expect(text).not.toContain('evil.example')
    expect(subject).not.toMatch(/[<>]/)
  })
})
