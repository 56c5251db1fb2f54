import { log } from '../../common/log.js'
import { parseEtdTime } from '../../etd/message.js'
import type { EtdMessage } from '../../etd/types.js'
import { isTold, type Disposition } from '../../state/dedupe.js'
import { notifiedKey, type NotifiedEntry } from '../../state/state.js'
import type { TimeSpan } from '../../common/time.js'
import { needsAction } from '../text/rows.js'
import type { Sighting } from './trail.js'

/** Sightings kept per run: far more than issues list; the rest wait for a later run. */
const MAX_SIGHTINGS = 1000

/** How a search result says who moved a message: ETD's flag is all it gives. */
function mover(message: EtdMessage): string | undefined {
  const automatic = message.remediation?.automatic
  if (automatic === undefined) return undefined
  return automatic ? 'ETD (automatic remediation)' : 'hand or an API client'
}

/**
 * The watch's side of the audit trail, fed by the search as it passes: no request of its own. The
 * state remembers of each conviction it told whether it was in the inbox then (`inbox`); a told
 * conviction that the search now finds elsewhere is a sighting for the issues. Entries without the
 * flag (told before the trail, or known only from markers) are not followed.
 */
export class Follower {
  /** ETD id → where the search found a followed conviction that moved since it was recorded. */
  readonly sightings = new Map<string, Sighting>()
  /** Followed convictions that the search returned this run, moved or not. */
  private readonly seen = new Set<string>()

  /**
   * `keepFrom`: the next state keeps convictions received from then on. One told from before (a backfill)
   * is never seen again, so it is not followed: its issue would say so the moment it opened.
   */
  constructor(
    private readonly known: ReadonlyMap<string, NotifiedEntry>,
    private readonly now: number,
    private readonly keepFrom: number
  ) {}

  /**
   * A matched message as the search found it, with the entry the next state will keep for it (none when
   * nothing changed): a told conviction is remembered with where it is, so that a later move is noticed.
   */
  see(message: EtdMessage, disposition: Disposition, change: NotifiedEntry | undefined): NotifiedEntry | undefined {
    const inbox = needsAction(message)
    const entry = this.known.get(notifiedKey(message.id))
    if (entry?.inbox !== undefined) {
      this.seen.add(notifiedKey(message.id))
      if (entry.inbox !== inbox && this.sightings.size < MAX_SIGHTINGS) {
        const at = parseEtdTime(message.remediation?.at) ?? this.now
        const by = mover(message)
        this.sightings.set(message.id, {
          id: message.id,
          folder: message.remediation?.folder ?? 'inbox',
          at,
          ...(by ? { by } : {})
        })
      }
    }
    if (change && isTold(disposition)) {
      if (change.receivedAt >= this.keepFrom) return { ...change, inbox }
      // Older than the rescan range: no later search sees it, so the trail does not follow it.
      const unfollowed = { ...change }
      delete unfollowed.inbox
      return unfollowed
    }
    // The flag of a followed one stays as recorded until followUp settles it (or, when its issue could not
    // be updated, until a later run that sees the move again does).
    return change && entry?.inbox !== undefined ? { ...change, inbox: entry.inbox } : change
  }

  /**
   * Convictions the watch itself moved this run (auto-remediate): an issue that records one in the inbox
   * records the move; one told now is remembered as out of the inbox, where its new issue shows it.
   */
  movedByWatch(
    moved: ReadonlyArray<{ message: EtdMessage; told: boolean }>,
    next: Map<string, NotifiedEntry>,
    folder: string
  ): void {
    for (const { message, told } of moved) {
      const key = notifiedKey(message.id)
      if (this.known.get(key)?.inbox === true)
        this.sightings.set(message.id, { id: message.id, folder, at: this.now, by: 'the watch' })
      const entry = next.get(key)
      if (told && entry?.inbox) next.set(key, { ...entry, inbox: false })
    }
  }

  /**
   * Followed convictions recorded in the inbox that the watch will not see again: those the next state no
   * longer keeps (older than the rescan range), and those that lie in the span searched to the end but
   * were not returned (released as safe, or reclassified out of the watched verdicts).
   */
  unfollowed(next: ReadonlyMap<string, NotifiedEntry>, searched: TimeSpan): string[] {
    const lost: string[] = []
    for (const [id, entry] of this.known) {
      if (entry.inbox !== true || this.seen.has(id)) continue
      const searchedHere = entry.receivedAt >= searched.start && entry.receivedAt < searched.end
      if (!next.has(id) || searchedHere) lost.push(id)
    }
    return lost
  }
}

/** What the issue channel recorded: one line per issue updated, one per failure, and the ids those failures left. */
export interface TrailOutcome {
  notes: string[]
  errors: string[]
  failed: Set<string>
}

/** The issue channel's side of the trail (see IssueChannel.follow). */
interface TrailStore {
  follow(sightings: Sighting[], unfollowed: string[], timeZone: string): Promise<TrailOutcome>
}

/**
 * After the channels: what the search saw move, and what the watch can no longer see, recorded on the
 * open issues. The next state's flags follow what was recorded; where an issue could not be updated they
 * stay, so that a later run that sees the message again tries once more.
 */
export async function followUp(
  issues: TrailStore,
  follower: Follower,
  next: Map<string, NotifiedEntry>,
  searched: TimeSpan,
  timeZone: string
): Promise<string[]> {
  const sightings = [...follower.sightings.values()]
  const unfollowed = follower.unfollowed(next, searched)
  if (sightings.length === 0 && unfollowed.length === 0) return []
  let outcome
  try {
    outcome = await issues.follow(sightings, unfollowed, timeZone)
  } catch (error) {
    const note = `The audit trail could not read the issues: ${(error as Error).message} A later run tries again.`
    log.warning(note)
    return [note]
  }
  const settle = (id: string, inbox: boolean | undefined) => {
    const entry = next.get(notifiedKey(id))
    if (entry === undefined || outcome.failed.has(id)) return
    const settled = { ...entry, inbox }
    if (inbox === undefined) delete settled.inbox
    next.set(notifiedKey(id), settled)
  }
  for (const sighting of sightings) settle(sighting.id, sighting.folder.toLowerCase() === 'inbox')
  for (const id of unfollowed) settle(id, undefined)
  for (const error of outcome.errors) log.warning(error)
  return [...outcome.notes, ...outcome.errors]
}
