import { utcDay, type HeartbeatTally } from '../state/state.js'
import { formatTime, plural } from '../common/format.js'

export interface HeartbeatDecision {
  /** The "all quiet" line to send now, when one is due. */
  line?: string
  /** What the state keeps for the next run. */
  next: HeartbeatTally
}

/**
 * `heartbeat: daily`: the first run of a UTC day sends one "all quiet" line when nothing was told since
 * the last one, so that silence can be told from a watch that stopped. A day with convictions needs no
 * heartbeat: the channels heard from the watch. Without a tally (a first run, an older state) one is due.
 */
export function heartbeatAfter(
  previous: HeartbeatTally | undefined,
  run: { now: number; told: number; mailboxes: readonly string[]; timeZone: string }
): HeartbeatDecision {
  const runs = (previous?.runs ?? 0) + 1
  const convictions = (previous?.convictions ?? 0) + run.told
  const since = previous?.since ?? run.now
  if (previous !== undefined && utcDay(previous.since) === utcDay(run.now)) {
    return { next: { since, runs, convictions } }
  }
  const next = { since: run.now, runs: 0, convictions: 0 }
  if (convictions > 0) return { next }
  const watched = run.mailboxes.length === 0 ? 'every mailbox' : plural(run.mailboxes.length, 'mailbox', 'mailboxes')
  const line = `All quiet: ${plural(runs, 'run')} since ${formatTime(since, run.timeZone)}, ${watched} watched, 0 convictions.`
  return { line, next }
}
