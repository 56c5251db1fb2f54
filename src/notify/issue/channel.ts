import { getOctokit } from '@actions/github'
import { octokitLog } from '../../common/log.js'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import type { IssueConfig } from '../../config/issue.js'
import type { MatchRule } from '../../match/matcher.js'
import type { Conviction } from '../../etd/types.js'
import { buildIssue, type IssueInput } from './body.js'
import type { RecordStore } from '../ledger.js'
import { formatMarker, readMarker, replaceMarker, type MarkedConviction } from './marker.js'
import { totalsOf, totalsWithout, type BatchTotals } from '../text/rows.js'
import type { SearchWindow } from '../../window/plan.js'
import { redactReply } from '../../common/redact.js'

export interface RecordedBatch {
  number: number
  url: string
  createdAt: number
  convictions: MarkedConviction[]
  /** The channels that do not have this batch yet. */
  owes: string[]
  body: string
}

export interface IssueOutcome {
  created: boolean
  url?: string
  number?: number
  description: string
}

export interface IssueBatch {
  convictions: Conviction[]
  /** Counts of the whole batch, when `convictions` holds only part of it. */
  totals?: BatchTotals
  rule: MatchRule
  window: SearchWindow
  timeZone: string
  notes: string[]
  test?: boolean
  /** The channels still to deliver this batch, recorded in the marker until each has. */
  owes?: string[]
}

/** A failure of the GitHub API, worded for the workflow log. */
export class IssueError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'IssueError'
  }
}

/** How many recent batches are checked for duplicates and, without state, for what was told. */
const RECENT_ISSUES = 100
const LABEL_COLOR = 'b60205'
/** Added when any conviction is still in an inbox, so that a label filter finds what needs a person. */
export const ACTION_NEEDED_LABEL = 'action-needed'
const key = (c: { id: string; verdict: string }) => `${c.id} ${c.verdict}`

function explain(error: unknown, doing: string, config: IssueConfig): IssueError {
  const e = error as {
    status?: number
    message?: string
    response?: { data?: { message?: string; errors?: Array<{ message?: string; field?: string; code?: string }> } }
  }
  const data = e.response?.data
  const details = (data?.errors ?? []).map((d) => d.message ?? `${d.field} ${d.code}`).join('; ')
  const reason = redactReply(`${data?.message ?? e.message ?? String(error)}${details ? ` (${details})` : ''}`)
  const repo = `${config.owner}/${config.repo}`
  if (e.status === 401) return new IssueError(`GitHub rejected github-token while ${doing} (401 ${reason}).`)
  if (e.status === 403 && /not accessible by integration/i.test(reason)) {
    return new IssueError(
      `GitHub refused ${doing} in ${repo} (403 ${reason}): the workflow's token needs the issues: write permission; add it to the job's permissions block.`
    )
  }
  if (e.status === 404)
    return new IssueError(`GitHub found no repository ${repo}, or github-token cannot see it, while ${doing} (404).`)
  return new IssueError(`GitHub failed ${doing} in ${repo}${e.status ? ` (${e.status} ${reason})` : `: ${reason}`}.`)
}

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

/** Issues as the audit trail: one per batch of convictions, never two for the same batch. */
export class IssueChannel implements RecordStore {
  private readonly octokit: ReturnType<typeof getOctokit>
  private recent?: Promise<RecordedBatch[]>
  /** The issue this run opened, and what it was built from: its notes are brought up to date. */
  private opened?: { record: RecordedBatch; input: IssueInput }

  constructor(
    private readonly config: IssueConfig,
    private readonly options: {
      onRetry?: (reason: string) => void
      onWarning?: (message: string) => void
      /** This workflow run's page, linked from the issue. */
      runUrl?: string
    } = {}
  ) {
    this.octokit = getOctokit(
      config.token,
      {
        baseUrl: config.apiUrl,
        log: octokitLog,
        throttle: {
          // Secondary limits: wait as told, a few times; primary: only when the reset is near.
          onSecondaryRateLimit: (after: number, _options: unknown, _octokit: unknown, retryCount: number) => {
            this.options.onRetry?.(`GitHub's secondary rate limit; retrying in ${after}s`)
            return retryCount < 3
          },
          onRateLimit: (after: number, _options: unknown, _octokit: unknown, retryCount: number) => {
            this.options.onRetry?.(`GitHub's rate limit; retrying in ${after}s`)
            return retryCount < 1 && after <= 60
          }
        }
      },
      retry,
      throttling
    )
  }

  /**
   * The batches recorded by recent issues with the first label, newest first; read once per run. Only
   * issues that the watch's own identity opened count: anyone who may open an issue could write a marker
   * that keeps convictions from being told.
   */
  recorded(): Promise<RecordedBatch[]> {
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
            body: issue.body ?? ''
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
  async open(batch: IssueBatch): Promise<IssueOutcome> {
    if (batch.convictions.length === 0) return { created: false, description: 'Nothing new, so no issue.' }
    const recent = await this.recorded()
    const { fresh, recordedHere, record } = notYetRecorded(batch.convictions, recent)
    if (record) {
      return {
        created: false,
        url: record.url,
        number: record.number,
        description: `Already recorded in issue #${record.number}, so no new issue.`
      }
    }
    const totals = batch.totals ? totalsWithout(batch.totals, recordedHere, batch.rule) : totalsOf(fresh, batch.rule)
    const labels =
      totals.actionNeeded > 0 ? [...new Set([...this.config.labels, ACTION_NEEDED_LABEL])] : this.config.labels
    await this.ensureLabels(labels)
    const input = { ...batch, convictions: fresh, totals, runUrl: this.options.runUrl }
    const content = buildIssue(input)
    const issue = { owner: this.config.owner, repo: this.config.repo, title: content.title, body: content.body, labels }
    const { data, unassigned } = await this.create(issue)
    const opened = {
      number: data.number,
      url: data.html_url,
      createdAt: Date.parse(data.created_at),
      ...readMarker(content.body),
      body: content.body
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
      : replaceMarker(record.body, formatMarker(record.convictions, Infinity, owes))
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
