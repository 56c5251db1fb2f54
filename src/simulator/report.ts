// ETD's reporting endpoints over the simulator's messages, as ETD would answer them at `now`. The shapes are
// partly unverified (see etd-api.md): this is one plausible form, and the client reads others too.
import { DAY } from '../common/time.js'
import { knownHistory, type SimMessage } from './data.js'

const THREATS = ['malicious', 'phishing', 'bec', 'scam'] as const
const AGGREGATE_BY = ['verdicts', 'directions', 'retroVerdicts'] as const
const REPORT_TYPES = { targets: 'topTargets', threatSenders: 'topThreatSenders' } as const
/** ETD's "Top 10". */
const TOP = 10

export type Answer = { status: number; body: unknown }

const refuse = (message: string): Answer => ({ status: 400, body: { message } })

/** The messages received in `range` that ETD has a verdict for at `now`, with the latest verdict event. */
function known(messages: readonly SimMessage[], range: [number, number], now: number) {
  return messages.flatMap((message) => {
    if (message.receivedAt < range[0] || message.receivedAt > range[1]) return []
    const history = knownHistory(message, now)
    return history.length === 0 ? [] : [{ message, latest: history[history.length - 1] }]
  })
}

/** `POST /v1/messages/report`: counts per UTC day of the range, by verdict, direction or retro verdict. */
export function report(
  messages: readonly SimMessage[],
  now: number,
  body: Record<string, unknown>,
  range: [number, number]
): Answer {
  const by = body.aggregateBy
  if (typeof by !== 'string' || !(AGGREGATE_BY as readonly string[]).includes(by)) {
    return refuse(`Invalid aggregateBy: expected one of ${AGGREGATE_BY.join(', ')}`)
  }
  if (body.aggregationInterval !== '1d') return refuse('Invalid aggregationInterval')
  const buckets = new Map<number, Record<string, number>>()
  for (let day = Math.floor(range[0] / DAY) * DAY; day <= range[1]; day += DAY) buckets.set(day, {})
  let total = 0
  for (const { message, latest } of known(messages, range, now)) {
    const key = by === 'directions' ? message.direction : latest.verdict
    if (by === 'retroVerdicts' && latest.retro !== true) continue
    const counts = buckets.get(Math.floor(message.receivedAt / DAY) * DAY)!
    counts[key] = (counts[key] ?? 0) + 1
    total++
  }
  return {
    status: 200,
    body: {
      data: {
        aggregationInterval: '1d',
        totalMessages: total,
        aggregations: [...buckets].map(([day, counts]) => ({ timestamp: new Date(day).toISOString(), counts }))
      }
    }
  }
}

/** `POST /v1/messages/report/top`: the ten mailboxes (or senders) with the most threats, by verdict. */
export function top(
  messages: readonly SimMessage[],
  now: number,
  body: Record<string, unknown>,
  range: [number, number]
): Answer {
  const type = body.reportType
  if (type !== 'targets' && type !== 'threatSenders')
    return refuse('Invalid reportType: expected targets or threatSenders')
  const rows = new Map<string, Record<string, number>>()
  for (const { message, latest } of known(messages, range, now)) {
    if (!(THREATS as readonly string[]).includes(latest.verdict)) continue
    for (const address of type === 'targets' ? message.mailboxes : [message.fromAddress]) {
      let row = rows.get(address)
      if (!row) rows.set(address, (row = Object.fromEntries(THREATS.map((t) => [t, 0]))))
      row[latest.verdict]++
    }
  }
  const sum = (row: Record<string, number>) => THREATS.reduce((n, t) => n + row[t], 0)
  const ranked = [...rows]
    .sort(([a, x], [b, y]) => sum(y) - sum(x) || (a < b ? -1 : 1))
    .slice(0, TOP)
    .map(([emailAddress, row]) => ({ emailAddress, ...row }))
  return { status: 200, body: { data: { [REPORT_TYPES[type]]: ranked } } }
}
