import * as core from '@actions/core'
import { log } from './common/log.js'
import type { Clock } from './common/rate-limiter.js'
import { unpacedLimiter } from './common/rate-limiter.js'
import type { Config } from './config/config.js'
import { EtdClient, EtdError } from './etd/client.js'
import { BatchCollector, type Collected } from './notify/batch.js'
import type { EtdMessage } from './etd/types.js'
import { formatWindow } from './common/format.js'
import type { Follower } from './notify/issue/follow.js'
import type { Candidates } from './remediate.js'
import { MatchedRows } from './notify/summary/summary.js'
import { ReportWriter } from './report/report.js'
import { scanWindow, type ScanOptions, type ScanResult } from './search/scan.js'
import { monitoredMailboxes } from './notify/text/rows.js'
import { DayTally, isReleaseOf, leftInboxAt, minutesToLeave } from './state/daily.js'
import { classify, entryToRemember, isTold, type Disposition } from './state/dedupe.js'
import type { DedupeScope } from './window/scope.js'
import { notifiedKey, type NotifiedEntry } from './state/state.js'
import type { SearchPlan } from './window/plan.js'

const MAX_SKIP_WARNINGS = 20
/** The digest shows at most 10,000 rows, the issue and the summary fewer: enough to keep for any channel. */
const KEEP_FOR_CHANNELS = 10_000

const START_INPUT: Record<SearchPlan['startSetBy'], string> = {
  lookback: "input 'backfill'",
  backfill: "input 'backfill'",
  rescan: "input 'rescan'",
  watermark: "the restored state's watermark",
  resume: "the restored state's record of what it searched"
}

/** The ETD client with its retries, page shrinks and requests told to the log; at most `maxRequests` when given. */
export function etdClient(config: Config, clock: Clock | undefined, maxRequests?: number): EtdClient {
  return new EtdClient({
    ...config.etd,
    clock,
    maxRequests,
    limiter: config.etd.paced ? undefined : unpacedLimiter(),
    maskSecret: (value) => core.setSecret(value),
    onRetry: (n) =>
      log.info(
        `ETD ${n.path}: ${n.reason}; retrying in ${(n.delayMs / 1000).toFixed(1)}s (attempt ${n.attempt + 1} of ${n.maxAttempts})`
      ),
    onPageShrink: (size) => log.warning(`ETD said a page was too large; going on with pageSize ${size}`),
    onRequest: (path) => log.debug(`ETD ${path}`)
  })
}

/**
 * What a matched message adds to the run's daily tally: a conviction told (first, or again as a change),
 * or one told in the inbox that has since left it.
 */
function tallyMatch(
  days: DayTally,
  message: EtdMessage,
  disposition: Disposition,
  told: NotifiedEntry | undefined,
  rule: Config['rule'],
  now: number
): void {
  if (isTold(disposition)) days.told(message, disposition === 'new', monitoredMailboxes(message, rule))
  const leftAt = leftInboxAt(told, message, now)
  if (told && leftAt !== undefined) days.left(told.notifiedAt, minutesToLeave(told.receivedAt, leftAt))
}

/** A release of a conviction told before: counted once, on the day it was told, and remembered as neutral. */
function tallyRelease(
  days: DayTally,
  message: EtdMessage,
  known: ReadonlyMap<string, NotifiedEntry>,
  next: Map<string, NotifiedEntry>
): void {
  const key = notifiedKey(message.id)
  const told = known.get(key)
  if (!isReleaseOf(told, message)) return
  days.released(told!.notifiedAt)
  next.set(key, { verdict: 'neutral', receivedAt: told!.receivedAt, notifiedAt: told!.notifiedAt })
}

export interface Found {
  scan: ScanResult
  /** What this run tells. */
  batch: Collected
  matched: MatchedRows
  /** What the run adds to the state's daily records. */
  days: DayTally
}

/**
 * Every page of the window, each matched message decided as it arrives: written to the report, kept
 * small for the state (each change written into `nextNotified`), and counted (and the first few kept) for the
 * channels and the summary.
 */
export async function findConvictions(
  client: EtdClient,
  plan: SearchPlan,
  config: Config,
  alreadyTold: ReadonlyMap<string, NotifiedEntry>,
  nextNotified: Map<string, NotifiedEntry>,
  dedupe: Pick<DedupeScope, 'horizon' | 'covered'>,
  now: number,
  scanOptions: ScanOptions & { follower?: Follower; candidates?: Candidates }
): Promise<Found> {
  const { follower, candidates } = scanOptions
  const days = new DayTally(now)
  const report = await ReportWriter.open(config.reportPath, now, plan.window)
  const batch = new BatchCollector(config.rule, Math.min(KEEP_FOR_CHANNELS, Math.max(config.email?.maxRows ?? 0, 1000)))
  const matched = new MatchedRows(config.rule.mailboxes)
  let scan: ScanResult
  try {
    scan = await scanWindow(
      (query) => client.search(query),
      plan.window,
      config.rule,
      async (message) => {
        const { disposition, previousVerdict } = classify(message, alreadyTold, dedupe.horizon, dedupe.covered)
        await report.add({ ...message, notice: disposition, previousVerdict })
        const key = notifiedKey(message.id)
        tallyMatch(days, message, disposition, alreadyTold.get(key), config.rule, now)
        const entry = entryToRemember(message, disposition, alreadyTold, now)
        const change = follower ? follower.see(message, disposition, entry) : entry
        candidates?.consider(message, isTold(disposition))
        if (change) nextNotified.set(key, change)
        matched.add(message, disposition, previousVerdict)
        // A copy only for a verdict change: the batch keeps a few and counts the rest.
        if (isTold(disposition)) batch.add(previousVerdict === undefined ? message : { ...message, previousVerdict })
      },
      { ...scanOptions, onRelease: (message) => tallyRelease(days, message, alreadyTold, nextNotified) }
    )
  } catch (error) {
    await report.discard()
    if (error instanceof EtdError && error.status === 400 && /date ?range/i.test(error.message)) {
      throw new Error(
        `ETD refused the window ${formatWindow(plan.window, config.timeZone)} as an invalid date range ` +
          `(it searches no further back than 90 days): check ${START_INPUT[plan.startSetBy]} and the runner's clock.`,
        { cause: error }
      )
    }
    throw error
  }
  // Written whole before anyone is notified, so that a failed notification loses nothing.
  await report.close({ newCount: batch.result.totals.total })
  for (const reason of scan.skipped.slice(0, MAX_SKIP_WARNINGS)) log.warning(`Skipped an unreadable ${reason}`)
  if (scan.skipped.length > MAX_SKIP_WARNINGS) {
    log.warning(`Skipped ${scan.skipped.length - MAX_SKIP_WARNINGS} more unreadable messages`)
  }
  log.info(`${scan.scanned} messages in ${scan.pages} pages, ${scan.matched} matched`)
  return { scan, batch: batch.result, matched, days }
}
