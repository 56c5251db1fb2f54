import type { Conviction, EtdMessage } from '../etd/types.js'
import { isKnownVerdict } from '../etd/verdicts.js'

/** Runs that try an owner notice before it is given up with a warning. */
export const MAX_DELIVERY_ATTEMPTS = 3
/** A notice lists at most this many messages (as `OWNER_NOTICE_MAX_ROWS`); only those are kept for a retry. */
const MAX_KEPT_MESSAGES = 25
// Restored state is untrusted: bounded, and every field checked.
const MAX_PENDING = 500
const MAX_TEXT = 2000

/** What an owner notice shows of a message: all a retry needs to say the same again. */
export type PendingMessage = Pick<
  EtdMessage,
  'id' | 'receivedAt' | 'subject' | 'fromAddress' | 'senderName' | 'verdict' | 'remediation'
>

/**
 * An owner notice that a run could not deliver, kept in the state so that later runs send it to that
 * recipient alone, without telling anyone else again.
 */
export interface PendingNotice {
  to: string
  /** Runs that have tried it so far. */
  attempts: number
  /** How many of the owner's convictions the notice counts, and how many of them are still in the inbox. */
  total: number
  inbox: number
  /** The messages it lists, at most 25 (none when the run kept none of the owner's rows). */
  messages: PendingMessage[]
}

/** What the state keeps of a message for a retry, and nothing more. */
function keptMessage(m: PendingMessage): PendingMessage {
  return {
    id: m.id,
    receivedAt: m.receivedAt,
    subject: m.subject,
    fromAddress: m.fromAddress,
    senderName: m.senderName,
    verdict: m.verdict,
    ...(m.remediation?.folder === undefined
      ? {}
      : { remediation: { folder: m.remediation.folder, automatic: m.remediation.automatic } })
  }
}

/** A notice to `to` about `messages` that failed on its first attempt. */
export function pendingNotice(to: string, messages: EtdMessage[], total: number, inbox: number): PendingNotice {
  return {
    to,
    attempts: 1,
    total,
    inbox,
    messages: messages.slice(0, MAX_KEPT_MESSAGES).map(keptMessage)
  }
}

/** The notice's messages as convictions in the owner's mailbox, for the notice builder. */
export function convictionsOf(notice: PendingNotice): Conviction[] {
  return notice.messages.map((m) => ({
    ...m,
    toAddresses: [notice.to],
    mailboxes: [notice.to],
    retro: false,
    manual: false,
    techniques: []
  }))
}

/** After another failed run: the notice to keep trying, or `undefined` once the attempts are used up. */
export function afterFailure(notice: PendingNotice): PendingNotice | undefined {
  return notice.attempts + 1 >= MAX_DELIVERY_ATTEMPTS ? undefined : { ...notice, attempts: notice.attempts + 1 }
}

/**
 * The notices the state keeps: `run` is what the email channel left (undefined when it failed or is off).
 * Saved whole, the run's convictions count as told, so its failed notices join the earlier ones still
 * failing. Saved as bookkeeping only, the next run tells its convictions to everyone again, so only the
 * earlier notices are kept, as this run left them, or as they were when the email channel failed.
 */
export function pendingToSave(
  run: { earlier: PendingNotice[]; fresh: PendingNotice[] } | undefined,
  previous: PendingNotice[] | undefined,
  save: 'whole' | 'ledger'
): PendingNotice[] | undefined {
  const kept =
    run === undefined
      ? save === 'ledger'
        ? previous
        : undefined
      : save === 'whole'
        ? [...run.earlier, ...run.fresh]
        : run.earlier
  return kept !== undefined && kept.length > 0 ? kept : undefined
}

const isText = (value: unknown, max = MAX_TEXT): value is string => typeof value === 'string' && value.length <= max
const isCount = (value: unknown, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max

function parseMessage(value: unknown): PendingMessage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const m = value as Record<string, unknown>
  const remediation = m.remediation as Record<string, unknown> | undefined
  if (
    !isText(m.id, 200) ||
    m.id === '' ||
    !isText(m.receivedAt, 40) ||
    Number.isNaN(Date.parse(m.receivedAt)) ||
    !isText(m.subject) ||
    !isText(m.fromAddress) ||
    !isText(m.senderName) ||
    !isText(m.verdict) ||
    !isKnownVerdict(m.verdict) ||
    (remediation !== undefined &&
      (typeof remediation !== 'object' ||
        remediation === null ||
        !isText(remediation.folder, 100) ||
        (remediation.automatic !== undefined && typeof remediation.automatic !== 'boolean')))
  ) {
    return undefined
  }
  return keptMessage(m as unknown as PendingMessage)
}

/** The state's `pending` list, or why it cannot be believed. Added within format 2: absent in older states. */
export function parsePending(value: unknown): PendingNotice[] | { reason: string } {
  if (!Array.isArray(value) || value.length > MAX_PENDING) {
    return { reason: `its pending notices are not a list of at most ${MAX_PENDING}` }
  }
  const notices: PendingNotice[] = []
  for (const [i, entry] of value.entries()) {
    const bad = { reason: `its pending notice ${i + 1} is malformed` }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return bad
    const n = entry as Record<string, unknown>
    if (
      !isText(n.to, 320) ||
      !/^[^@\s]+@[^@\s]+$/.test(n.to) ||
      !isCount(n.attempts, MAX_DELIVERY_ATTEMPTS) ||
      n.attempts === 0 ||
      !isCount(n.total, 10_000_000) ||
      !isCount(n.inbox, n.total) ||
      !Array.isArray(n.messages) ||
      n.messages.length > Math.min(n.total, MAX_KEPT_MESSAGES)
    ) {
      return bad
    }
    const messages = n.messages.map(parseMessage)
    if (messages.some((m) => m === undefined)) return bad
    notices.push({
      to: n.to,
      attempts: n.attempts,
      total: n.total,
      inbox: n.inbox,
      messages: messages as PendingMessage[]
    })
  }
  return notices
}
