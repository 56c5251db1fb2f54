// A stand-in for the weekly report's renderers (issue 24's renderer branch replaces it): enough lines for
// the flow to be tested end to end, every ETD name inert for markdown and escaped for HTML.
import { count } from '../../common/format.js'
import type { Ranked, WeeklyReport } from '../../report/weekly/types.js'
import { escapeHtml } from './escape.js'
import { inertMarkdown } from './markdown.js'

const day = (millis: number) => new Date(millis).toISOString().slice(0, 10)
const top = (title: string, list: Ranked[]) =>
  list.length === 0 ? [] : [`${title}: ${list.map((r) => `${inertMarkdown(r.name)} (${count(r.count)})`).join(', ')}`]

export function weeklyTitle(report: WeeklyReport): string {
  return `ETD weekly report ${day(report.period.start)} to ${day(report.period.end - 1)}`
}

/** The report as lines of markdown. */
export function weeklyLines(report: WeeklyReport): string[] {
  const { watched, tenant, health } = report
  const previous = watched.total.previous === null ? 'unknown' : count(watched.total.previous)
  return [
    `Watched mailboxes: ${count(watched.total.current)} convictions (previous week: ${previous}).`,
    `In an inbox when told: ${count(watched.inInboxWhenTold)}; left it: ${count(watched.leftInbox)}; not followed: ${count(watched.notFollowed)}.`,
    `Retro verdicts: ${count(watched.retroVerdicts)}; releases: ${count(watched.releases)}.`,
    ...top('Top techniques', watched.topTechniques),
    ...top('Top mailboxes', watched.topMailboxes),
    ...top('Top sender domains', watched.topSenderDomains),
    ...(watched.gaps.length > 0 ? [`No record for: ${watched.gaps.join(', ')}.`] : []),
    `Tenant: ${count(tenant.total.current)} convictions.`,
    ...top('Top targets', tenant.topTargets),
    ...(tenant.missing.length > 0 ? [`ETD did not answer: ${tenant.missing.join('; ')}.`] : []),
    `Watch: ${count(health.runs)} runs, ${count(health.failures)} failed, ${count(health.etdRequests)} of ${count(health.etdBudget)} ETD requests, ${count(health.deepScans)} deep rescans.`
  ]
}

export const weeklyHtml = (report: WeeklyReport) =>
  `<h2>${escapeHtml(weeklyTitle(report))}</h2>\n${weeklyLines(report)
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join('\n')}`
