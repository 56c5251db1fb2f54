import type { Conviction, EtdMessage } from '../etd/types.js'
import { isKnownVerdict } from '../etd/verdicts.js'
import { clip, isCount, isRecord, isText, type Dropped } from './rules.js'

/** Runs that try an owner notice before it is given up with a warning. */
export const MAX_DELIVERY_ATTEMPTS = 3
/** A notice lists at most this many messages (as `OWNER_NOTICE_MAX_ROWS`); only those are kept for a retry. */
const MAX_KEPT_MESSAGES = 25
// Restored state is untrusted: bounded, and every field checked. Text is clipped to these when written.
const MAX_PENDING = 500
const MAX_TEXT = 2000
const MAX_ID = 200
const MAX_FOLDER = 100
const MAX_ADDRESS = 320
/** One address and nothing else: no name, list, group or route that a mail library would split or read. */
const PLAIN_ADDRESS = /^[^\s\p{Cc}@",;:<>()[\]\\]+@[^\s\p{Cc}@",;:<>()[\]\\]+$/u

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

/** What the state keeps of a message for a retry, and nothing more: its text clipped to what the state reads. */
function keptMessage(m: PendingMessage): PendingMessage {
  return {
    id: clip(m.id, MAX_ID),
    receivedAt: m.receivedAt,
    subject: clip(m.subject, MAX_TEXT),
    fromAddress: clip(m.fromAddress, MAX_TEXT),
    senderName: clip(m.senderName, MAX_TEXT),
    verdict: m.verdict,
    ...(m.remediation?.folder === undefined
      ? {}
      : { remediation: { folder: clip(m.remediation.folder, MAX_FOLDER), automatic: m.remediation.automatic } })
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

/** A message of a notice as read, or `undefined`; the rules that `keptMessage` clips to. */
function decodeMessage(value: unknown): PendingMessage | undefined {
  if (!isRecord(value)) return undefined
  const m = value
  const remediation = m.remediation
  if (
    !isText(m.id, MAX_ID) ||
    m.id === '' ||
    !isText(m.receivedAt, 40) ||
    Number.isNaN(Date.parse(m.receivedAt)) ||
    !isText(m.subject, MAX_TEXT) ||
    !isText(m.fromAddress, MAX_TEXT) ||
    !isText(m.senderName, MAX_TEXT) ||
    typeof m.verdict !== 'string' ||
    !isKnownVerdict(m.verdict) ||
    (remediation !== undefined &&
      (!isRecord(remediation) ||
        !isText(remediation.folder, MAX_FOLDER) ||
        (remediation.automatic !== undefined && typeof remediation.automatic !== 'boolean')))
  ) {
    return undefined
  }
  return keptMessage(m as unknown as PendingMessage)
}

/** A notice as read (or as about to be written), or why it cannot be kept. */
function decodeNotice(value: unknown): PendingNotice | string {
  if (!isRecord(value)) return 'it is not an object'
  const n = value
  if (!isText(n.to, MAX_ADDRESS) || !PLAIN_ADDRESS.test(n.to)) return 'its recipient is not one plain address'
  if (
    !isCount(n.attempts, MAX_DELIVERY_ATTEMPTS) ||
    n.attempts === 0 ||
    !isCount(n.total) ||
    !isCount(n.inbox, n.total) ||
    !Array.isArray(n.messages) ||
    n.messages.length > Math.min(n.total, MAX_KEPT_MESSAGES)
  ) {
    return 'its counts are malformed'
  }
  const messages = n.messages.map(decodeMessage)
  const bad = messages.findIndex((m) => m === undefined)
  if (bad >= 0) return `its message ${bad + 1} is malformed`
  return { to: n.to, attempts: n.attempts, total: n.total, inbox: n.inbox, messages: messages as PendingMessage[] }
}

/**
 * The state's `pending` list as read, each notice on its own: a malformed one is dropped and named in
 * `dropped`. `undefined` when the list itself is not one. Also what is written: see `encodePending`.
 */
export function decodePending(value: unknown, dropped: Dropped): PendingNotice[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_PENDING) return undefined
  const notices: PendingNotice[] = []
  for (const [i, entry] of value.entries()) {
    const notice = decodeNotice(entry)
    if (typeof notice === 'string') dropped.add(`pending notice ${i + 1} (${notice})`)
    else notices.push(notice)
  }
  return notices
}

/** The notices as the state writes them: text clipped, and the newest kept when there are too many. */
export function encodePending(notices: readonly PendingNotice[], dropped: Dropped): PendingNotice[] {
  const over = notices.length - MAX_PENDING
  if (over > 0) dropped.add(`the oldest ${over} pending notices (over ${MAX_PENDING})`)
  return notices.slice(Math.max(over, 0)).map((n) => ({ ...n, messages: n.messages.map(keptMessage) }))
}
