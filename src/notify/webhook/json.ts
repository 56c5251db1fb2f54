import { parseEtdTime } from '../../etd/message.js'
import type { Conviction } from '../../etd/types.js'
import type { DayCount, Ranked, Trend, WeeklyReport } from '../../report/weekly/types.js'
import type { WeeklyLinks } from '../text/weekly.js'
import { actionFirst, needsAction } from '../text/rows.js'
import { jsonBytes, largestFitting, type Platform, type Rendered, type WebhookBatch } from './content.js'

/**
 * The JSON platform is data for machines (a SOAR, a ticketing system): its shape is the JSON Schema in
 * json.schema.json beside this file, whose version is `schemaVersion`. An added field keeps the version;
 * a removed or changed one raises it.
 */
export const JSON_SCHEMA_VERSION = 1
/** Version 2 added the weekly report (event `weekly`), whose payload says 2; the others still say 1. */
export const JSON_WEEKLY_SCHEMA_VERSION = 2

/** A SOAR or ticketing system takes a large body, but not an unbounded one. */
export const MAX_JSON_PAYLOAD_BYTES = 1024 * 1024
/** Each string from ETD is clipped at this many characters (code points); `truncated` names it. */
export const MAX_JSON_TEXT_CHARS = 1000
/** Each list of a conviction (recipients, mailboxes, techniques, URLs) keeps at most this many items. */
export const MAX_JSON_LIST_ITEMS = 100

const SOURCE = 'etd-verdict-watch'

// Data is not display: no defanging, no formatting, no escaping (the consumer renders it). Only what no
// consumer wants is taken out: control characters (a line break becomes a space), the bidirectional
// controls that reorder text on screen, and lone surrogates, which are not text.
const CONTROLS = /\p{Cc}+/gu
const UNWANTED = /[\p{Bidi_Control}\p{Cs}]/gu

/** ETD's text as data: cleaned of controls, clipped; and whether it was cut. */
function dataText(value: string): [string, boolean] {
  const chars = [...value.replace(CONTROLS, ' ').replace(UNWANTED, '')]
  return chars.length <= MAX_JSON_TEXT_CHARS
    ? [chars.join(''), false]
    : [chars.slice(0, MAX_JSON_TEXT_CHARS).join(''), true]
}

/** A conviction's strings as data, what was cut named by pointer. */
class Fields {
  /** JSON Pointers (RFC 6901), relative to the conviction, of each string or list that was cut. */
  readonly truncated: string[] = []

  text(value: string, pointer: string): string {
    const [text, cut] = dataText(value)
    if (cut) this.truncated.push(pointer)
    return text
  }

  optional(value: string | undefined, pointer: string): string | null {
    return value ? this.text(value, pointer) : null
  }

  list<T, R>(values: readonly T[], pointer: string, each: (value: T, pointer: string) => R): R[] {
    if (values.length > MAX_JSON_LIST_ITEMS) this.truncated.push(pointer)
    return values.slice(0, MAX_JSON_LIST_ITEMS).map((value, i) => each(value, `${pointer}/${i}`))
  }

  texts(values: readonly string[], pointer: string): string[] {
    return this.list(values, pointer, (value, at) => this.text(value, at))
  }
}

/** ETD's times, ISO-8601 UTC to the millisecond; `null` for one ETD did not give. */
function isoTime(value: string | undefined): string | null {
  const millis = parseEtdTime(value)
  return millis === undefined ? null : new Date(millis).toISOString()
}

/** The links ETD names under a URL technique (`Malicious URL`), once each. */
const techniqueUrls = (c: Conviction) => [
  ...new Set(c.techniques.filter((t) => /\burl\b/i.test(t.type) && t.description).map((t) => t.description!))
]

function convictionData(c: Conviction) {
  const f = new Fields()
  const data = {
    id: f.text(c.id, '/id'),
    internetMessageId: f.optional(c.internetMessageId, '/internetMessageId'),
    receivedAt: isoTime(c.receivedAt),
    verdict: f.text(c.verdict, '/verdict'),
    previousVerdict: f.optional(c.previousVerdict, '/previousVerdict'),
    verdictAt: isoTime(c.verdictAt),
    retro: c.retro,
    manual: c.manual,
    inInbox: needsAction(c),
    folder: f.optional(c.remediation?.folder, '/folder'),
    automatic: c.remediation?.automatic ?? null,
    subject: f.text(c.subject, '/subject'),
    sender: { name: f.optional(c.senderName, '/sender/name'), address: f.text(c.fromAddress, '/sender/address') },
    recipients: f.texts(c.toAddresses, '/recipients'),
    mailboxes: f.texts(c.mailboxes, '/mailboxes'),
    techniques: f.list(c.techniques, '/techniques', (t, at) => ({
      type: f.text(t.type, `${at}/type`),
      severity: f.optional(t.severity, `${at}/severity`),
      description: f.optional(t.description, `${at}/description`)
    })),
    urls: f.texts(techniqueUrls(c), '/urls')
  }
  return { ...data, truncated: f.truncated }
}

type ConvictionData = ReturnType<typeof convictionData>

/** Most first; as a list, since an object keyed by ETD's strings could be given `__proto__`. */
const counted = (counts: Map<string, number>) => [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))

/**
 * The batch as data (schema json.schema.json): those still in the inbox first, each conviction with ETD's
 * values as ETD gave them; counts of all of the batch; how many convictions did not fit in 1 MiB; links to
 * the issue and the run, where every conviction is listed.
 */
function render(batch: WebhookBatch): Rendered {
  const { totals } = batch
  const all = actionFirst(batch.convictions).map(convictionData)
  const payload = (shown: ConvictionData[]) => ({
    schemaVersion: JSON_SCHEMA_VERSION,
    source: SOURCE,
    event: 'convictions',
    test: batch.test === true,
    window: { start: new Date(batch.window.start).toISOString(), end: new Date(batch.window.end).toISOString() },
    totals: {
      convictions: totals.total,
      verdictChanges: totals.changes,
      inInbox: totals.actionNeeded,
      // The totals count verdicts by label, and a label is its verdict with BEC in capitals.
      verdicts: counted(totals.verdicts).map(([label, count]) => ({
        verdict: dataText(label.toLowerCase())[0],
        count
      })),
      mailboxes: counted(totals.mailboxes).map(([mailbox, count]) => ({
        mailbox: dataText(mailbox)[0],
        count,
        inInbox: totals.mailboxesActionNeeded.get(mailbox) ?? 0
      }))
    },
    convictions: shown,
    omitted: {
      convictions: totals.total - shown.length,
      inInbox: totals.actionNeeded - shown.filter((c) => c.inInbox).length
    },
    links: { run: batch.runUrl ?? null, issue: batch.issueUrl ?? null }
  })
  const k = largestFitting(all.length, (n) => jsonBytes(payload(all.slice(0, n))) <= MAX_JSON_PAYLOAD_BYTES)
  return { payload: payload(all.slice(0, k)), omitted: totals.total - k }
}

const iso = (millis: number) => new Date(millis).toISOString()

const trend = ({ current, previous }: Trend) => ({ current, previous })

/** Verdict counts as a list, most first: ETD's verdict strings are not object keys (`__proto__`). */
const verdictList = (byVerdict: Record<string, number>) =>
  counted(new Map(Object.entries(byVerdict))).map(([verdict, count]) => ({ verdict: dataText(verdict)[0], count }))

const days = (list: DayCount[]) => list.map((d) => ({ day: d.day, total: d.total, verdicts: verdictList(d.byVerdict) }))

/** A top list, its names as the report holds them (cleaned for display: see the schema), at most 100. */
const rankedData = (list: Ranked[]) =>
  list.slice(0, MAX_JSON_LIST_ITEMS).map((r) => ({ name: dataText(r.name)[0], count: r.count }))

/**
 * The weekly report as data (schema json.schema.json, version 2): every number of WeeklyReport, field by
 * field, so that a field the report gains is added to the schema before it is posted.
 */
function weekly(report: WeeklyReport, links: WeeklyLinks) {
  const { watched, tenant, health } = report
  return {
    schemaVersion: JSON_WEEKLY_SCHEMA_VERSION,
    source: SOURCE,
    event: 'weekly',
    period: { start: iso(report.period.start), end: iso(report.period.end) },
    previous: { start: iso(report.previous.start), end: iso(report.previous.end) },
    timeZone: report.timeZone,
    watched: {
      mailboxes: watched.mailboxes,
      days: days(watched.days),
      total: trend(watched.total),
      verdicts: Object.entries(watched.byVerdict)
        .sort(([a, x], [b, y]) => y.current - x.current || a.localeCompare(b))
        .map(([verdict, trend]) => ({
          verdict: dataText(verdict)[0],
          current: trend.current,
          previous: trend.previous
        })),
      topTechniques: rankedData(watched.topTechniques),
      topMailboxes: rankedData(watched.topMailboxes),
      topSenderDomains: rankedData(watched.topSenderDomains),
      inInboxWhenTold: watched.inInboxWhenTold,
      leftInbox: watched.leftInbox,
      medianMinutesToLeave: watched.medianMinutesToLeave,
      notFollowed: watched.notFollowed,
      retroVerdicts: watched.retroVerdicts,
      releases: watched.releases,
      gaps: watched.gaps,
      partialDays: watched.partialDays ?? []
    },
    tenant: {
      days: days(tenant.days),
      total: trend(tenant.total),
      retroVerdicts: tenant.retroVerdicts,
      topTargets: rankedData(tenant.topTargets),
      topThreatSenders: rankedData(tenant.topThreatSenders),
      missing: tenant.missing.map((what) => dataText(what)[0])
    },
    health: {
      runs: health.runs,
      failures: health.failures,
      etdRequests: health.etdRequests,
      etdBudget: health.etdBudget,
      deepScans: health.deepScans
    },
    links: { run: links.run ?? null, issue: links.issue ?? null }
  }
}

/** A SOAR or ticketing system: the batch as data; the heartbeat and the weekly report in the same schema. */
export const json: Platform = {
  render,
  line: (text) => ({ schemaVersion: JSON_SCHEMA_VERSION, source: SOURCE, event: 'heartbeat', text }),
  weekly
}
