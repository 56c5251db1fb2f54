import { count, plural } from './common/format.js'
import { log } from './common/log.js'
import type { Config } from './config/config.js'
import { MINUTE } from './common/time.js'
import { clean } from './etd/clean.js'
import { EtdError, totalRequests, type EtdClient } from './etd/client.js'
import { parseEtdTime } from './etd/message.js'
import type { Conviction, EtdMessage } from './etd/types.js'
import type { MatchRule } from './match/matcher.js'
import type { Collected } from './notify/batch.js'
import type { Follower } from './notify/issue/follow.js'
import type { MatchedRows } from './notify/summary/summary.js'
import { actionFirst, countInto, needsAction } from './notify/text/rows.js'
import type { NotifiedEntry, RequestTally } from './state/state.js'
import { tallyRequests } from './window/budget.js'

/** Where auto-remediate moves convictions: the folder an administrator can release them from. */
export const AUTO_REMEDIATE_FOLDER = 'quarantine'
/** How long after its verdict a conviction is left to ETD's own remediation or to a person. */
export const AUTO_REMEDIATE_GRACE_MS = 5 * MINUTE
/** The most convictions one run moves: one move request per verdict at most. */
export const MAX_AUTO_MOVES = 50

interface Candidate {
  message: EtdMessage
  /** Told by this run: its move shows in this run's batch. */
  told: boolean
}

/**
 * The convictions auto-remediate may move, gathered as the search passes them: only what this run's
 * search returned (never an id from the state or an issue), of the chosen verdicts, still in the inbox
 * once the grace period after the verdict is over. A younger one waits for a later run that finds it.
 */
export class Candidates {
  readonly found: Candidate[] = []
  /** Those over the cap: a later run that finds them moves them. */
  over = 0

  constructor(
    private readonly verdicts: readonly string[],
    private readonly now: number
  ) {}

  consider(message: EtdMessage, told: boolean): void {
    if (!this.verdicts.includes(message.verdict) || !needsAction(message)) return
    const since = parseEtdTime(message.verdictAt) ?? parseEtdTime(message.receivedAt)!
    if (since + AUTO_REMEDIATE_GRACE_MS > this.now) return
    if (this.found.length < MAX_AUTO_MOVES) this.found.push({ message, told })
    else this.over++
  }
}

export interface Remediated {
  /** The messages whose move ETD queued. */
  moved: Candidate[]
  /** What happened, for the log, the summary and the issue. */
  notes: string[]
  /** What went wrong, also in `notes`: a warning each. */
  warnings: string[]
}

/**
 * Moves the candidates to quarantine, each keeping its verdict (ETD requires one), within what the day's
 * budget leaves (`left` requests); a dry run moves nothing and says what it would have moved. A refusal
 * (a read-only API client, the budget) is a warning, never a failure: the convictions are still told.
 */
export async function moveCandidates(
  client: EtdClient,
  candidates: Candidates,
  options: { dryRun: boolean; left: number; verdicts: readonly string[] }
): Promise<Remediated> {
  const result: Remediated = { moved: [], notes: [], warnings: [] }
  const warn = (line: string) => {
    result.warnings.push(line)
    result.notes.push(line)
  }
  const over = candidates.over > 0 ? ` ${plural(candidates.over, 'more waits', 'more wait')} for a later run.` : ''
  if (candidates.found.length === 0) return result
  if (options.dryRun) {
    result.notes.push(
      `Dry run: auto-remediate would move ${plural(candidates.found.length, 'conviction')} to ${AUTO_REMEDIATE_FOLDER}; nothing was moved.${over}`
    )
    return result
  }
  const byVerdict = new Map<string, Candidate[]>()
  for (const c of candidates.found) byVerdict.set(c.message.verdict, [...(byVerdict.get(c.message.verdict) ?? []), c])
  if (byVerdict.size > options.left) {
    warn(
      `auto-remediate moved nothing: daily-request-budget leaves ${plural(Math.max(options.left, 0), 'request')} today, and moving ${plural(candidates.found.length, 'conviction')} takes ${count(byVerdict.size)}.`
    )
    return result
  }
  const refused: string[] = []
  for (const [verdict, group] of byVerdict) {
    // ETD answers with its own copy of each id: matched back through the same cleaning.
    const byId = new Map(group.map((c) => [clean(c.message.id) as string, c]))
    try {
      const { moves } = await client.move(
        group.map((c) => c.message.id),
        AUTO_REMEDIATE_FOLDER,
        verdict
      )
      for (const status of moves) {
        const candidate = byId.get(status.id)
        if (candidate && status.queueSuccess) result.moved.push(candidate)
        else if (candidate) refused.push(`${status.id} (${status.reason || 'refused'})`)
      }
    } catch (error) {
      if (!(error instanceof EtdError)) throw error
      warn(`auto-remediate stopped: ${error.message}`)
      break
    }
  }
  if (result.moved.length > 0) {
    result.notes.push(
      `The watch moved ${plural(result.moved.length, 'conviction')} to ${AUTO_REMEDIATE_FOLDER} (auto-remediate: ${options.verdicts.join(', ')}); ETD queued the moves.${over}`
    )
  }
  if (refused.length > 0) warn(`ETD did not move ${plural(refused.length, 'conviction')}: ${refused.join(', ')}.`)
  return result
}

/** What the watch did to a message it moved, as its rows show it. */
const movedAt = (at: number) => ({
  type: 'move',
  folder: AUTO_REMEDIATE_FOLDER,
  automatic: true,
  at: new Date(at).toISOString(),
  byWatch: true
})

/**
 * The batch as the channels tell it after the moves: each moved conviction of it "moved to quarantine by
 * the watch", out of the leading "still in the inbox" section, and the counts with it.
 */
export function withMoves(batch: Collected, moved: readonly Candidate[], rule: MatchRule, at: number): Collected {
  const told = new Map(moved.filter((c) => c.told).map((c) => [c.message.id, c.message]))
  if (told.size === 0) return batch
  const remediation = movedAt(at)
  const totals = {
    ...batch.totals,
    verdicts: new Map(batch.totals.verdicts),
    mailboxes: new Map(batch.totals.mailboxes),
    mailboxesActionNeeded: new Map(batch.totals.mailboxesActionNeeded)
  }
  const shown = new Map(batch.convictions.map((c) => [c.id, c]))
  for (const [id, message] of told) {
    const before: Conviction = shown.get(id) ?? message
    countInto(totals, before, rule, -1)
    countInto(totals, { ...before, remediation }, rule)
  }
  const convictions = batch.convictions.map((c) => (told.has(c.id) ? { ...c, remediation } : c))
  return { convictions: actionFirst(convictions), totals }
}

/**
 * auto-remediate after the search: the moves within the day's budget, the batch as the channels tell it
 * with them, and the audit trail's record of them. The notes are for the summary.
 */
export async function remediate(
  client: EtdClient,
  candidates: Candidates,
  { batch, matched }: { batch: Collected; matched: MatchedRows },
  config: Pick<Config, 'dryRun' | 'dailyRequestBudget' | 'autoRemediate' | 'rule'>,
  run: { follower?: Follower; next: Map<string, NotifiedEntry>; tally?: RequestTally; now: number }
): Promise<{ batch: Collected; notes: string[] }> {
  const today = tallyRequests(run.tally, run.now, totalRequests(client.requests)).count
  const result = await moveCandidates(client, candidates, {
    dryRun: config.dryRun,
    left: config.dailyRequestBudget - today,
    verdicts: config.autoRemediate
  })
  for (const warning of result.warnings) log.warning(warning)
  run.follower?.movedByWatch(result.moved, run.next, AUTO_REMEDIATE_FOLDER)
  // The job summary lists every match, told or not: the moved ones show their move there too.
  const moved = new Set(result.moved.map((c) => c.message.id))
  for (const row of matched.rows) {
    if (moved.has(row.message.id)) row.message = { ...row.message, remediation: movedAt(run.now) }
  }
  return { batch: withMoves(batch, result.moved, config.rule, run.now), notes: result.notes }
}
