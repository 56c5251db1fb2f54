import type { IssueConfig } from '../../config/issue.js'
import type { Conviction } from '../../etd/types.js'
import type { Batch } from '../batch.js'
import type { Channel, Delivered } from '../channel.js'
import { buildIssue, type IssueExtras } from './body.js'
import { buildWeeklyIssue, WEEKLY_LABEL } from './weekly.js'
import { issueLedger, type RecordStore } from '../ledger.js'
import { formatMarker, readMarker, replaceMarker, type MarkedConviction } from './marker.js'
import { totalsWithout } from '../text/rows.js'
import { explain } from './errors.js'
import type { TrailOutcome } from './follow.js'
import { issueOctokit, type GitHub } from './octokit.js'
import { ACTION_NEEDED_LABEL, applyTrail, planTrail, type Sighting } from './trail.js'

export interface RecordedBatch {
  number: number
  url: string
  createdAt: number
  convictions: MarkedConviction[]
  /** The channels that do not have this batch yet. */
  owes: string[]
  /** Where the audit trail last recorded its convictions (see trail.ts). */
  places: Map<string, string>
  body: string
  /** Its labels' names. */
  labels: string[]
  open: boolean
}

interface IssueOutcome {
  created: boolean
  url?: string
  number?: number
  description: string
}

/** How many recent batches are checked for duplicates and, without state, for what was told. */
const RECENT_ISSUES = 100
const LABEL_COLOR = 'b60205'
const key = (c: { id: string; verdict: string }) => `${c.id} ${c.verdict}`

/**
 * The logins a 422 names as not assignable (GitHub: `{field: 'assignees', code: 'invalid', value}`), or
 * every configured one when it names none; undefined for any other failure.
 */
function refusedAssignees(error: unknown, assignees: string[]): string[] | undefined {
  const e = error as { status?: number; response?: { data?: { errors?: Array<{ field?: string; value?: unknown }> } } }
  if (e.status !== 422 || assignees.length === 0) return undefined
  const about = (e.response?.data?.errors ?? []).filter((d) => d.field === 'assignees' || d.field === 'assignee')
  if (about.length === 0) return undefined
  const named = about.flatMap((d) => (typeof d.value === 'string' && assignees.includes(d.value) ? [d.value] : []))
  return named.length > 0 ? named : assignees
}

/**
 * The convictions that no recent issue records (by id and verdict, so that a verdict change is new), and
 * those that one does. When every one is recorded, `record` is the issue that records the first.
 */
export function notYetRecorded<R extends { convictions: MarkedConviction[] }>(
  convictions: Conviction[],
  recorded: R[]
): { fresh: Conviction[]; recordedHere: Conviction[]; record?: R } {
  const seen = new Set(recorded.flatMap((r) => r.convictions.map(key)))
  const fresh = convictions.filter((c) => !seen.has(key(c)))
  const recordedHere = convictions.filter((c) => seen.has(key(c)))
  if (fresh.length > 0 || convictions.length === 0) return { fresh, recordedHere }
  const record = recorded.find((r) => r.convictions.some((c) => key(c) === key(convictions[0])))
  return { fresh, recordedHere, record }
}

/** The issue's part in dedupe: what recent issues record, which a run without state must not tell again. */
export interface RecordedBatches {
  /**
   * The batches recorded by recent issues with the first label, newest first; read once per run. Only
   * issues that the watch's own identity opened count: anyone who may open an issue could write a marker
   * that keeps convictions from being told.
   */
  recordedBatches(): Promise<RecordedBatch[]>
}

/** The issue as a channel, and as the record of what recent issues hold. */
export type IssueChannel = Channel & RecordedBatches & Pick<GitHubIssues, 'follow'>

export interface IssueOptions {
  /** The channels a batch can owe (ledger.ts): each recorded in the marker until it has delivered. */
  owes: string[]
  onRetry?: (reason: string) => void
  /** This workflow run's page, linked from the trail's comments. */
  runUrl?: string
  onWarning?: (message: string) => void
}

/** The watch's issues in one repository: one per batch of convictions, never two for the same batch. */
class GitHubIssues implements RecordStore, RecordedBatches {
  private readonly octokit: GitHub
  private recent?: Promise<RecordedBatch[]>
  /** The issue this run opened, and what it was built from: its notes are brought up to date. */
  private opened?: { record: RecordedBatch; input: Batch & IssueExtras }

  constructor(
    private readonly config: IssueConfig,
    private readonly options: IssueOptions
  ) {
    this.octokit = issueOctokit(config, (reason) => this.options.onRetry?.(reason))
  }

  recordedBatches(): Promise<RecordedBatch[]> {
    const author = this.config.author.toLowerCase()
    this.recent ??= this.octokit.rest.issues
      .listForRepo({
        owner: this.config.owner,
        repo: this.config.repo,
        labels: this.config.labels[0],
        state: 'all',
        sort: 'created',
        direction: 'desc',
        per_page: RECENT_ISSUES
      })
      .then(({ data }) =>
        data
          .filter((issue) => issue.user?.login.toLowerCase() === author)
          .map((issue) => ({
            number: issue.number,
            url: issue.html_url,
            createdAt: Date.parse(issue.created_at),
            ...readMarker(issue.body),
            body: issue.body ?? '',
            labels: issue.labels.map((label) => (typeof label === 'string' ? label : (label.name ?? ''))),
            open: issue.state === 'open'
          }))
      )
      .catch((error: unknown) => {
        this.recent = undefined
        throw explain(error, 'listing recent issues', this.config)
      })
    return this.recent
  }

  private async ensureLabels(labels: string[]): Promise<void> {
    const { owner, repo } = this.config
    for (const name of labels) {
      try {
        await this.octokit.rest.issues.getLabel({ owner, repo, name })
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw explain(error, `reading label '${name}'`, this.config)
        try {
          await this.octokit.rest.issues.createLabel({
            owner,
            repo,
            name,
            color: LABEL_COLOR,
            description: 'Convictions found by ETD verdict watch'
          })
        } catch (createError) {
          // Another run may have created it in between.
          if ((createError as { status?: number }).status !== 422)
            throw explain(createError, `creating label '${name}'`, this.config)
        }
      }
    }
  }

  /** Opens the batch's issue, leaving out what recent issues already record; none when nothing is left. */
  async open(batch: Batch & IssueExtras): Promise<IssueOutcome> {
    if (batch.convictions.length === 0) return { created: false, description: 'Nothing new, so no issue.' }
    const recent = await this.recordedBatches()
    const { fresh, recordedHere, record } = notYetRecorded(batch.convictions, recent)
    if (record) {
      return {
        created: false,
        url: record.url,
        number: record.number,
        description: `Already recorded in issue #${record.number}, so no new issue.`
      }
    }
    const totals = totalsWithout(batch.totals, recordedHere, batch.rule)
    const labels =
      totals.actionNeeded > 0 ? [...new Set([...this.config.labels, ACTION_NEEDED_LABEL])] : this.config.labels
    await this.ensureLabels(labels)
    const input = { ...batch, convictions: fresh, totals }
    const content = buildIssue(input)
    const issue = { owner: this.config.owner, repo: this.config.repo, title: content.title, body: content.body, labels }
    const { data, unassigned } = await this.create(issue)
    const opened = {
      number: data.number,
      url: data.html_url,
      createdAt: Date.parse(data.created_at),
      ...readMarker(content.body),
      body: content.body,
      labels,
      open: true
    }
    this.opened = { record: opened, input }
    // The later channels' ledger reads it with the others.
    recent.unshift(opened)
    const omitted = content.omitted > 0 ? ` (${content.omitted} rows left out for GitHub's size limit)` : ''
    return {
      created: true,
      url: data.html_url,
      number: data.number,
      description: `Issue #${data.number} opened: ${data.html_url}${omitted}.${unassigned ? ` ${unassigned}` : ''}`
    }
  }

  /** Opens an issue of the watch's own under `label` alone (the weekly report): no marker, no ledger. */
  async openReport(content: { title: string; body: string }, label: string): Promise<{ number: number; url: string }> {
    await this.ensureLabels([label])
    const { data } = await this.create({
      owner: this.config.owner,
      repo: this.config.repo,
      ...content,
      labels: [label]
    })
    return { number: data.number, url: data.html_url }
  }

  openedNow(record: { number: number }): boolean {
    return this.opened?.record.number === record.number
  }

  /**
   * Records which channels the batch of `record` still `owes`: the marker edited in place, or, for the
   * issue this run opened, the body built again with the other channels' `notes` up to now.
   */
  async rewrite(record: RecordedBatch, owes: string[], notes: readonly string[]): Promise<void> {
    const input = this.openedNow(record) ? this.opened?.input : undefined
    const body = input
      ? buildIssue({ ...input, notes: [...input.notes, ...notes], owes }).body
      : replaceMarker(record.body, formatMarker(record.convictions, Infinity, owes, record.places))
    if (body === undefined || body === record.body) return
    try {
      await this.octokit.rest.issues.update({
        owner: this.config.owner,
        repo: this.config.repo,
        issue_number: record.number,
        body
      })
    } catch (error) {
      throw explain(error, `recording the channels in issue #${record.number}`, this.config)
    }
    Object.assign(record, { owes, body })
  }

  /**
   * The audit trail: records the sightings and the convictions no longer followed on each open issue that
   * records them, one comment per issue. Says what it did, and which convictions' issues could not be
   * updated (a later run tries those again); throws only when the issues cannot be listed.
   */
  async follow(sightings: Sighting[], unfollowed: string[], timeZone: string): Promise<TrailOutcome> {
    const ids = new Set([...sightings.map((s) => s.id), ...unfollowed])
    const result: TrailOutcome = { notes: [], errors: [], failed: new Set() }
    for (const record of await this.recordedBatches()) {
      if (!record.open || !record.convictions.some((c) => ids.has(c.id))) continue
      const update = planTrail(record, sightings, { timeZone, unfollowed, runUrl: this.options.runUrl })
      if (!update) continue
      try {
        result.notes.push(await applyTrail(this.octokit, this.config, update))
        const labels = [...record.labels.filter((l) => !update.removeLabels.includes(l)), ...update.addLabels]
        Object.assign(record, { ...readMarker(update.body), body: update.body, labels, open: !update.close })
      } catch (error) {
        result.errors.push((error as Error).message)
        for (const c of record.convictions) if (ids.has(c.id)) result.failed.add(c.id)
      }
    }
    return result
  }

  /**
   * Creates the issue with the assignees; when GitHub refuses one of them (422), creates it unassigned and
   * warns: a login that cannot be assigned must not cost the audit trail.
   */
  private async create(issue: { owner: string; repo: string; title: string; body: string; labels: string[] }) {
    const { assignees } = this.config
    try {
      const { data } = await this.octokit.rest.issues.create({
        ...issue,
        ...(assignees.length > 0 ? { assignees } : {})
      })
      return { data }
    } catch (error) {
      const refused = refusedAssignees(error, assignees)
      if (refused === undefined) throw explain(error, 'opening the issue', this.config)
      let data
      try {
        ;({ data } = await this.octokit.rest.issues.create(issue))
      } catch (retryError) {
        throw explain(retryError, 'opening the issue', this.config)
      }
      const unassigned =
        `GitHub refused to assign it to ${refused.map((login) => `'${login}'`).join(', ')} (422), so it was opened ` +
        `unassigned: check issue-assignees (logins that may be assigned issues in ${issue.owner}/${issue.repo}).`
      this.options.onWarning?.(`Issue #${data.number}: ${unassigned}`)
      return { data, unassigned }
    }
  }
}

/** The outputs and the link of an issue opened or found; none when there was nothing to record. */
function delivered(outcome: IssueOutcome): Delivered {
  const { url, number } = outcome
  return {
    note: outcome.description,
    notified: outcome.created,
    ...(url !== undefined && number !== undefined
      ? { outputs: { 'issue-url': url, 'issue-number': String(number) }, links: [{ name: 'issue', url }] }
      : {})
  }
}

/**
 * The audit trail: it goes first, and its marker is the ledger of which channels still owe the batch
 * (ledger.ts), so the later channels link to it and the markers keep a run without state from telling
 * what recent issues record.
 */
export function issueChannel(config: IssueConfig, options: IssueOptions): IssueChannel {
  const issues = new GitHubIssues(config, options)
  return {
    name: 'Issue',
    ledger: issueLedger(issues),
    recordedBatches: () => issues.recordedBatches(),
    follow: (sightings, unfollowed, timeZone) => issues.follow(sightings, unfollowed, timeZone),
    async deliver(batch, notes) {
      return delivered(await issues.open({ ...batch, notes: [...notes], owes: options.owes }))
    },
    async weekly(report) {
      const opened = await issues.openReport(buildWeeklyIssue(report, { runUrl: options.runUrl }), WEEKLY_LABEL)
      return { note: `Weekly report issue #${opened.number} opened: ${opened.url}.`, url: opened.url }
    }
  }
}
