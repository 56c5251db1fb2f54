import { knownHistory, type SimMessage } from './data.js'

export interface ExpectedQuery {
  start: number
  end: number
  mailboxes: string[]
  verdicts: string[]
  techniques: string[]
}

/**
 * What should match, worked out from the simulator's own records rather than from what it sends:
 * an independent answer to hold the action's matching against.
 */
export function expectedMatches(messages: SimMessage[], now: number, query: ExpectedQuery): string[] {
  const wantedTechniques = new Set(query.techniques.map((t) => t.toLowerCase()))
  const inMailboxes = (address: string): boolean => {
    const lowered = address.toLowerCase()
    const domain = lowered.slice(lowered.indexOf('@'))
    return query.mailboxes.some((pattern) => {
      const p = pattern.toLowerCase()
      return p === lowered || p === `*${domain}`
    })
  }
  const ids: string[] = []
  for (const message of messages) {
    if (message.receivedAt < query.start || message.receivedAt > query.end) continue
    const history = knownHistory(message, now)
    if (history.length === 0) continue
    const verdict = history[history.length - 1].verdict
    if (!query.verdicts.includes(verdict)) continue
    if (query.mailboxes.length > 0 && !message.mailboxes.some(inMailboxes)) continue
    const techniques = verdict === 'neutral' ? [] : message.techniques
    if (wantedTechniques.size > 0 && !techniques.some((t) => wantedTechniques.has(t.type.toLowerCase()))) continue
    ids.push(message.id)
  }
  return ids.sort()
}

/**
 * Where a conviction is at `now` by the simulator's records, not by what it sends: its latest API move
 * made by then, else the folder ETD put it in, else the inbox.
 */
export function folderAt(message: SimMessage, now: number): string {
  const moves = (message.moves ?? []).filter((move) => move.at <= now)
  return moves.length > 0 ? moves[moves.length - 1].folder : (message.folder ?? 'inbox')
}

/** How a watch ran, for `expectedWeek`: runs at `runs`, each a deep rescan (`rescan-every: 0`). */
export interface WatchModel {
  runs: number[]
  settleMs: number
  /** `backfill`: how far the first run searched back. */
  lookbackMs: number
  rescanMs: number
  mailboxes: string[]
  verdicts: string[]
}

/** What the weekly report should say of the watched mailboxes, worked out from the simulator's records. */
export interface ExpectedWeek {
  /** Convictions first told on each UTC day of the period, by verdict. */
  toldByDay: Record<string, Record<string, number>>
  inInbox: number
  left: number
  leaveMinutes: number[]
  notFollowed: number
  retro: number
  releases: number
  techniques: Record<string, number>
  mailboxes: Record<string, number>
  senderDomains: Record<string, number>
  /** Runs on the period's days. */
  runs: number
}

const THREATS = ['bec', 'scam', 'phishing', 'malicious']

/**
 * The watched mailboxes' week as a watch that ran at `model.runs` saw it, from the simulator's messages
 * and nothing of the action's: a message is told by the first run whose window holds it and that sees a
 * wanted verdict (not before the watch began, unless given after); a conviction told in the inbox is seen
 * to leave it (or to be released) by a later run whose window and verdict filter still hold it, and is no longer followed
 * once a run's state stops remembering it. Counts go to the day the conviction was told.
 */
export function expectedWeek(
  messages: SimMessage[],
  model: WatchModel,
  period: { start: number; end: number }
): ExpectedWeek {
  const { runs, settleMs, rescanMs } = model
  const day = (t: number) => new Date(t).toISOString().slice(0, 10)
  const windowOf = (i: number) => ({
    start: i === 0 ? runs[0] - settleMs - model.lookbackMs : runs[i - 1] - settleMs - rescanMs,
    end: runs[i] - settleMs
  })
  const horizon = windowOf(0).start
  const week: ExpectedWeek = {
    toldByDay: {},
    inInbox: 0,
    left: 0,
    leaveMinutes: [],
    notFollowed: 0,
    retro: 0,
    releases: 0,
    techniques: {},
    mailboxes: {},
    senderDomains: {},
    runs: runs.filter((r) => r >= period.start && r < period.end).length
  }
  const bump = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1)
  const watched = (mailbox: string) =>
    model.mailboxes.some((p) => (p.startsWith('*@') ? mailbox.endsWith(p.slice(1)) : mailbox === p))
  for (const message of messages) {
    const mailboxes = message.mailboxes.filter(watched)
    if (mailboxes.length === 0) continue
    const latestAt = (now: number) => knownHistory(message, now).at(-1)
    const inWindow = (i: number) => message.receivedAt >= windowOf(i).start && message.receivedAt <= windowOf(i).end
    const told = runs.findIndex((r, i) => {
      const latest = latestAt(r)
      return (
        inWindow(i) &&
        latest !== undefined &&
        model.verdicts.includes(latest.verdict) &&
        (message.receivedAt >= horizon || latest.at >= horizon)
      )
    })
    if (told < 0 || runs[told] < period.start || runs[told] >= period.end) continue
    const latest = latestAt(runs[told])!
    bump((week.toldByDay[day(runs[told])] ??= {}), latest.verdict)
    if (latest.retro) week.retro++
    for (const type of new Set(message.techniques.map((t) => t.type))) bump(week.techniques, type)
    for (const mailbox of mailboxes) bump(week.mailboxes, mailbox)
    bump(week.senderDomains, message.fromAddress.slice(message.fromAddress.lastIndexOf('@') + 1).toLowerCase())
    const inbox = folderAt(message, runs[told]) === 'inbox'
    if (inbox) week.inInbox++
    for (let i = told + 1; i < runs.length; i++) {
      const now = latestAt(runs[i])!
      // What a verdict-filtered search returns: a release ETD files under its first verdict (`emptied`) too.
      const first = knownHistory(message, runs[i])[0].verdict
      const visible = inWindow(i) && model.verdicts.includes(now.emptied ? first : now.verdict)
      if (visible && now.manual && now.verdict === 'neutral' && THREATS.includes(first)) {
        week.releases++
        break
      }
      if (inbox && visible && model.verdicts.includes(now.verdict) && folderAt(message, runs[i]) !== 'inbox') {
        week.left++
        const move = message.moves!.filter((m) => m.at <= runs[i]).at(-1)!
        week.leaveMinutes.push(Math.round((move.at - message.receivedAt) / 60_000))
        break
      }
      if (message.receivedAt < runs[i] - settleMs - rescanMs) {
        if (inbox) week.notFollowed++
        break
      }
    }
  }
  return week
}
