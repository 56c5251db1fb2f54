import type { WeeklyReport } from '../../report/weekly/types.js'
import { count } from '../../common/format.js'
import { OTHER_COLOR, verdictColor } from '../text/colors.js'
import { escapeHtml } from '../text/escape.js'
import { emailPage, linkLines } from './digest.js'
import {
  daySeries,
  followWords,
  healthWords,
  laterWords,
  MAX_TOP_SHOWN,
  missingWords,
  notShown,
  recordNotes,
  tenantHeadline,
  topLists,
  trendWords,
  utcDaysNote,
  verdictRows,
  watchedHeadline,
  weeklyTitle,
  type DaySeries,
  type TopList,
  type WeeklyLinks
} from '../text/weekly.js'

/**
 * The weekly report as an email: HTML whose charts are bars drawn as tables (widths in per cent, colours
 * inline, no image, no script, nothing loaded), which Outlook, Gmail and phones all lay out, and a
 * plain-text twin with bars of characters. Every name from ETD is escaped.
 */
export interface WeeklyEmail {
  subject: string
  html: string
  text: string
}

const THIS_WEEK = '#1f2937'
const WEEK_BEFORE = '#9ca3af'
const MUTED = 'color:#6b7280'
/** Characters of the longest bar in the plain-text part. */
const TEXT_BAR = 30

const percent = (n: number, of: number) => (of > 0 ? Math.max(1, Math.round((n / of) * 100)) : 0)

/** A table that lays out like a block in every client: presentation only, no gaps, fixed columns. */
const grid = (rows: string) =>
  `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;table-layout:fixed">${rows}</table>`

/**
 * A bar of coloured parts, `share` of the cell wide: Outlook reads the `width` and `bgcolor` attributes,
 * the others the style; a non-breaking space keeps an empty cell from collapsing.
 */
function bar(parts: Array<{ n: number; color: string }>, share: number): string {
  const total = parts.reduce((sum, p) => sum + p.n, 0)
  if (total === 0 || share === 0) return '&nbsp;'
  const shown = parts.filter((p) => p.n > 0)
  // Rounded shares, the last one taking what is left, so that the parts fill the bar exactly.
  const widths = shown.map((p) => percent(p.n, total))
  widths[widths.length - 1] = Math.max(1, 100 - widths.slice(0, -1).reduce((a, b) => a + b, 0))
  const cells = shown
    .map(
      (p, i) =>
        `<td width="${widths[i]}%" bgcolor="${p.color}" style="width:${widths[i]}%;background:${p.color};height:14px;font-size:1px;line-height:1px">&nbsp;</td>`
    )
    .join('')
  return `<table role="presentation" width="${share}%" cellpadding="0" cellspacing="0" border="0" style="width:${share}%;border-collapse:collapse"><tr>${cells}</tr></table>`
}

const swatch = (color: string) =>
  `<span style="display:inline-block;width:10px;height:10px;background:${color};margin-right:4px"></span>`

const cell = (content: string, style = '') =>
  `<td style="padding:2px 4px;vertical-align:middle;${style}">${content}</td>`

const colorOf = (key: string) => (key === '' ? OTHER_COLOR : verdictColor(key))

function dayBarsHtml(series: DaySeries, report: WeeklyReport): string {
  if (series.days.length === 0) return `<p>No day of the week is on record.</p>`
  const max = Math.max(1, ...series.days.map((d) => d.total))
  const rows = series.days
    .map((d) => {
      const parts = d.counts.map((n, k) => ({ n, color: colorOf(series.keys[k]) }))
      return `<tr>${cell(escapeHtml(d.label), 'width:76px;white-space:nowrap')}${cell(bar(parts, percent(d.total, max)))}${cell(count(d.total), 'width:44px;text-align:right')}</tr>`
    })
    .join('')
  const legend = series.keys
    .map(
      (key, k) =>
        `<span style="white-space:nowrap;margin-right:12px">${swatch(colorOf(key))}${escapeHtml(series.names[k])}</span> `
    )
    .join('')
  const note = utcDaysNote(report).trim()
  return `${grid(rows)}<p style="${MUTED};font-size:12px">${legend}${note ? `<br>${escapeHtml(note)}` : ''}</p>`
}

/** This week beside the week before, each verdict a pair of bars on one scale. */
function weekBarsHtml(report: WeeklyReport): string {
  const rows = verdictRows(report.watched.byVerdict)
  if (rows.length === 0) return ''
  const max = Math.max(1, ...rows.map((r) => Math.max(r.trend.current, r.trend.previous ?? 0)))
  const body = rows
    .map(({ key, name, trend }) => {
      const before =
        trend.previous === null
          ? cell('not known', `${MUTED};font-size:12px`)
          : cell(bar([{ n: trend.previous, color: WEEK_BEFORE }], percent(trend.previous, max)))
      return (
        `<tr>${cell(`<strong>${escapeHtml(name)}</strong> <span style="${MUTED}">${escapeHtml(trendWords(trend))}</span>`, '')}</tr>` +
        `<tr>${cell(grid(`<tr>${cell('this week', `width:96px;${MUTED};font-size:12px`)}${cell(bar([{ n: trend.current, color: verdictColor(key) }], percent(trend.current, max)))}${cell(count(trend.current), 'width:44px;text-align:right')}</tr>`))}</tr>` +
        `<tr>${cell(grid(`<tr>${cell('the week before', `width:96px;${MUTED};font-size:12px`)}${before}${cell(trend.previous === null ? '' : count(trend.previous), 'width:44px;text-align:right')}</tr>`))}</tr>`
      )
    })
    .join('')
  return `<h3 style="margin:16px 0 4px">This week and the week before</h3>${grid(body)}`
}

/** A top list: each name on its own line (a long one wraps), its bar and count under it. */
function topHtml(list: TopList): string {
  const heading = `<h3 style="margin:16px 0 4px">${escapeHtml(list.title)}</h3>`
  if (list.items.length === 0) return `${heading}<p>None this week.</p>`
  const shown = list.items.slice(0, MAX_TOP_SHOWN)
  const max = Math.max(1, ...shown.map((i) => i.count))
  const rows = shown
    .map(
      (item) =>
        `<tr>${cell(escapeHtml(item.name), 'padding-top:6px')}</tr>` +
        `<tr>${cell(grid(`<tr>${cell(bar([{ n: item.count, color: THIS_WEEK }], percent(item.count, max)))}${cell(count(item.count), 'width:44px;text-align:right')}</tr>`))}</tr>`
    )
    .join('')
  const cut = list.items.length - shown.length
  return heading + grid(rows) + (cut > 0 ? `<p style="${MUTED}">${escapeHtml(notShown(cut))}</p>` : '')
}

const note = (text: string, color: string) =>
  `<p style="border-left:4px solid ${color};background:#fffbeb;padding:8px 12px;margin:8px 0">${escapeHtml(text)}</p>`

function html(report: WeeklyReport, links: WeeklyLinks): string {
  const notes = recordNotes(report)
  const missing = missingWords(report)
  const lists = topLists(report)
  const section = (title: string) => `<h2 style="margin:24px 0 8px;font-size:18px">${escapeHtml(title)}</h2>`
  const p = (text: string) => `<p>${escapeHtml(text)}</p>`
  return emailPage(
    `<h2 style="margin:0 0 8px">ETD weekly report</h2><p><strong>${escapeHtml(watchedHeadline(report))}</strong></p>`,
    links,
    notes.map((text) => note(text, '#d97706')).join('') +
      `<h3 style="margin:16px 0 4px">Convictions by day</h3>` +
      dayBarsHtml(daySeries(report.watched.days, report.watched.gaps), report) +
      weekBarsHtml(report) +
      lists.watched.map(topHtml).join('') +
      `<h3 style="margin:16px 0 4px">Still in an inbox when told</h3>` +
      p(followWords(report)) +
      p(laterWords(report)) +
      section('The whole tenant') +
      p(tenantHeadline(report)) +
      (missing ? note(missing, '#6b7280') : '') +
      dayBarsHtml(daySeries(report.tenant.days), report) +
      lists.tenant.map(topHtml).join('') +
      section('The watch') +
      p(healthWords(report))
  )
}

const textBar = (n: number, max: number) => '#'.repeat(n > 0 ? Math.max(1, Math.round((n / max) * TEXT_BAR)) : 0)

function textDays(series: DaySeries): string[] {
  if (series.days.length === 0) return ['No day of the week is on record.']
  const max = Math.max(1, ...series.days.map((d) => d.total))
  return [
    ...series.days.map((d) => `  ${d.label}  ${String(d.total).padStart(4)}  ${textBar(d.total, max)}`),
    ...(series.names.length > 0
      ? [`  (${series.names.map((n, k) => `${n} ${series.days.reduce((s, d) => s + d.counts[k], 0)}`).join(', ')})`]
      : [])
  ]
}

function textTop(list: TopList): string[] {
  if (list.items.length === 0) return [`${list.title}: none this week.`, '']
  const shown = list.items.slice(0, MAX_TOP_SHOWN)
  const cut = list.items.length - shown.length
  return [
    `${list.title}:`,
    ...shown.map((item) => `  ${String(item.count).padStart(4)}  ${item.name}`),
    ...(cut > 0 ? [`  ${notShown(cut)}`] : []),
    ''
  ]
}

function text(report: WeeklyReport, links: WeeklyLinks): string {
  const notes = recordNotes(report)
  const missing = missingWords(report)
  const lists = topLists(report)
  const verdicts = verdictRows(report.watched.byVerdict)
  const lines: string[] = [
    'ETD weekly report',
    watchedHeadline(report),
    ...linkLines(links).map(([label, url]) => `${label}: ${url}`),
    '',
    ...notes.flatMap((text) => [`Note: ${text}`, '']),
    'Convictions by day:',
    ...textDays(daySeries(report.watched.days, report.watched.gaps)),
    ...(utcDaysNote(report) ? [`  ${utcDaysNote(report).trim()}`] : []),
    '',
    'By verdict:',
    ...verdicts.map(({ name, trend }) => `  ${name}: ${count(trend.current)}, ${trendWords(trend)}`),
    '',
    ...lists.watched.flatMap(textTop),
    followWords(report),
    laterWords(report),
    '',
    '== The whole tenant',
    tenantHeadline(report),
    ...(missing ? [missing] : []),
    ...textDays(daySeries(report.tenant.days)),
    '',
    ...lists.tenant.flatMap(textTop),
    '== The watch',
    healthWords(report),
    ''
  ]
  return lines.join('\n')
}

/** The weekly email: a subject of counts only, HTML with every ETD name escaped, and a plain-text part. */
export function buildWeeklyEmail(report: WeeklyReport, links: WeeklyLinks = {}): WeeklyEmail {
  return { subject: `[ETD] ${weeklyTitle(report)}`, html: html(report, links), text: text(report, links) }
}
