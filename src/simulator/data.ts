import type { RawMessage } from '../etd/types.js'
import { KNOWN_TECHNIQUES } from '../etd/techniques.js'
import { DAY, HOUR } from '../common/time.js'

/** One verdict a message was given, at a time: the first on delivery, later ones retro or manual. */
export interface VerdictEvent {
  at: number
  verdict: string
  retro?: boolean
  manual?: boolean
  /** A release sent as ETD sends some: category emptied and no latestVerdict, only originalVerdict. */
  emptied?: boolean
  /** Reclassified through the API's move request, by the API client with this id. */
  apiClientId?: string
}

/** A move made through the API: where the message went, when, and by which API client. */
export interface SimMove {
  at: number
  folder: string
  /** The API client that moved it; none for a move made by hand in the console. */
  apiClientId?: string
}

/** A message as the simulator keeps it: what ETD knows of it depends on when you ask. */
export interface SimMessage {
  id: string
  receivedAt: number
  subject: string
  fromAddress: string
  senderName: string
  toAddresses: string[]
  mailboxes: string[]
  direction: 'incoming' | 'outgoing' | 'internal'
  techniques: Array<{ type: string; severity: string; description: string }>
  history: VerdictEvent[]
  folder?: string
  /** Moves made through the API, oldest first; the latest known one is where the message is. */
  moves?: SimMove[]
  urls: string[]
  /** Timestamps sent with nine fractional digits, as ETD sometimes does. */
  nanoTimes: boolean
}

const THREATS = ['bec', 'scam', 'phishing', 'malicious']

/** The simulator reports the technique names ETD is known to use. */
const TECHNIQUES = KNOWN_TECHNIQUES

const DEFAULT_MAILBOXES = [
  'ceo@example.com',
  'cfo@example.com',
  'payroll@example.com',
  'it-help@example.com',
  'alice@example.com',
  'bob@example.com',
  'carol@subsidiary.example.org',
  'dave@subsidiary.example.org'
]

/** Text an attacker controls, chosen to break whatever renders it without escaping. */
const HOSTILE_TEXT = [
  '<script>alert(document.cookie)</script>Invoice overdue',
  '<img src="https://tracker.evil.example/pixel.png" onerror="alert(1)">',
  'Urgent: [verify your account](https://login.evil.example/reset) **today**',
  '@ceo @org/security-team please approve #1 and #2 now',
  '"><a href="javascript:alert(1)">Click</a>',
  'Rëchnung fällig – 請求書のお知らせ – فاتورة مستحقة 💸',
  '| col | break | the | table |\n=====\n# Heading injection',
  '${{ secrets.ETD_API_KEY }} `rm -rf /` <!-- hidden -->',
  'Wire transfer '.repeat(150).trim()
]

/**
 * Sender addresses an attacker can send from: a quoted local part may hold a URL and is valid, and line
 * breaks, bidi overrides and Unicode line separators have been seen in header fields.
 */
export const HOSTILE_SENDERS = [
  '"https://login.evil.example/reset"@evil.example',
  'billing@evil.example\r\n\r\nIt was released by your security team as safe. Reply with your password.',
  'ceo@evil.example\u2028Subject: Approved by IT\u0085See www.evil.example',
  'support@\u202eelpmaxe.live\u202c.evil.example',
  '"@ceo please approve #1"@evil.example'
]

const WEIGHTED_VERDICTS: Array<[string, number]> = [
  ['neutral', 34],
  ['spam', 20],
  ['graymail', 14],
  ['phishing', 10],
  ['bec', 7],
  ['scam', 7],
  ['malicious', 8]
]
const FOLDERS = ['quarantine', 'trash', 'junk', 'junkemail', 'inbox']

/** mulberry32: tiny, fast, and the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface GenerateOptions {
  seed: number
  count: number
  start: number
  end: number
  mailboxes?: string[]
}

/** Realistic traffic: every verdict, retro convictions hours after delivery, overrides, hostile text. */
export function generateMessages(options: GenerateOptions): SimMessage[] {
  const random = seededRandom(options.seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
  const mailboxes = options.mailboxes ?? DEFAULT_MAILBOXES
  const weightTotal = WEIGHTED_VERDICTS.reduce((sum, [, w]) => sum + w, 0)
  const weightedVerdict = (): string => {
    let roll = random() * weightTotal
    for (const [verdict, weight] of WEIGHTED_VERDICTS) if ((roll -= weight) < 0) return verdict
    return 'neutral'
  }
  const hex = (length: number) => Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('')

  const messages: SimMessage[] = []
  for (let i = 0; i < options.count; i++) {
    const nanoTimes = random() < 0.25
    // ETD keeps whole seconds unless it sends the nine-digit form.
    const exact = Math.floor(options.start + random() * (options.end - options.start))
    const receivedAt = nanoTimes ? exact : exact - (exact % 1000)
    const verdict = weightedVerdict()
    const threat = THREATS.includes(verdict)
    const history: VerdictEvent[] = []
    const delivered = receivedAt + 1000 + Math.floor(random() * 20000)
    const roll = random()
    if (threat && roll < 0.15) {
      // Clean on delivery, convicted after deeper analysis.
      history.push({ at: delivered, verdict: 'neutral' })
      history.push({ at: delivered + Math.floor((1 + random() * 11) * HOUR), verdict, retro: true })
    } else if (threat && roll < 0.22) {
      // Convicted, then released by an administrator.
      history.push({ at: delivered, verdict })
      history.push({
        at: delivered + Math.floor(random() * 3 * HOUR),
        verdict: 'neutral',
        manual: true,
        emptied: i % 2 === 0
      })
    } else {
      history.push({ at: delivered, verdict })
    }
    const mailbox = pick(mailboxes)
    const hostile = random() < 0.3
    const senderDomain = pick(['evil.example', 'examp1e.com', 'payments-secure.example.net', 'partner.example'])
    const techniqueCount = threat ? 1 + Math.floor(random() * 4) : verdict === 'spam' ? 1 : 0
    const techniques = [...new Set(Array.from({ length: techniqueCount }, () => pick(TECHNIQUES)))].map((type) => ({
      type,
      severity: pick(['low', 'medium', 'high']),
      description: type === 'Malicious URL' ? `https://${senderDomain}/login` : ''
    }))
    const message: SimMessage = {
      id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
      receivedAt,
      subject: hostile
        ? pick(HOSTILE_TEXT)
        : pick([
            'Invoice 4471 overdue',
            'Quick favour',
            'Your parcel is held',
            'Payroll update required',
            'Shared document: Q4 plan',
            'Password expires today',
            'Lunch on Friday?'
          ]),
      fromAddress: `${pick(['billing', 'ceo', 'no-reply', 'hr', 'support'])}@${senderDomain}`,
      senderName:
        hostile && random() < 0.5
          ? pick(HOSTILE_TEXT)
          : pick(['Jane Smith', 'IT Service Desk', 'DHL Express', 'Chief Executive']),
      toAddresses: [mailbox],
      mailboxes: [mailbox],
      direction: random() < 0.9 ? 'incoming' : pick(['outgoing', 'internal'] as const),
      techniques,
      history,
      folder: threat || verdict === 'spam' ? pick(FOLDERS) : random() < 0.5 ? 'inbox' : undefined,
      urls: threat ? [`https://${senderDomain}/${hex(6)}`] : [],
      nanoTimes
    }
    // Chosen without a random draw, so that a seed gives the same messages as before in every other way.
    if (hostile && i % 3 === 0) message.fromAddress = HOSTILE_SENDERS[i % HOSTILE_SENDERS.length]
    messages.push(message)
  }
  return messages.sort((a, b) => a.receivedAt - b.receivedAt)
}

/** The verdict events known at `now`; empty before the first verdict was given. */
export function knownHistory(message: SimMessage, now: number): VerdictEvent[] {
  return message.history.filter((event) => event.at <= now)
}

/** A time as ETD writes it: whole seconds, or nine fractional digits for messages sent that way. */
export function etdTime(millis: number, nano: boolean): string {
  const iso = new Date(millis).toISOString()
  return nano ? iso.replace(/\.(\d{3})Z$/, '.$1456789Z') : iso.replace(/\.\d{3}Z$/, 'Z')
}

/** The API moves known at `now`, oldest first. */
export function knownMoves(message: SimMessage, now: number): SimMove[] {
  return (message.moves ?? []).filter((move) => move.at <= now)
}

/** The message's remediation action as ETD shows it at `now`: the latest API move, else ETD's own. */
function renderAction(message: SimMessage, latest: VerdictEvent, now: number): Record<string, unknown> | undefined {
  const moved = knownMoves(message, now).at(-1)
  if (moved) {
    return {
      type: 'move',
      folder: moved.folder,
      isAutoRemediated: false,
      timestamp: etdTime(moved.at, message.nanoTimes)
    }
  }
  const remediated = THREATS.includes(latest.verdict) || latest.verdict === 'spam'
  if (!message.folder || !(remediated || message.folder === 'inbox')) return undefined
  return {
    type: 'move',
    folder: remediated ? message.folder : 'inbox',
    isAutoRemediated: !latest.manual,
    timestamp: etdTime(latest.at + 4000, message.nanoTimes)
  }
}

/** The message in ETD's wire format as ETD would answer at `now`, or `undefined` when not yet known. */
export function renderMessage(message: SimMessage, now: number): RawMessage | undefined {
  const history = knownHistory(message, now)
  if (history.length === 0) return undefined
  const first = history[0]
  const latest = history[history.length - 1]
  const action = renderAction(message, latest, now)
  return {
    id: message.id,
    internetMessageId: `<${message.id.slice(0, 8)}@mail.${message.fromAddress.split('@')[1]}>`,
    timestamp: etdTime(message.receivedAt, message.nanoTimes),
    subject: message.subject,
    direction: message.direction,
    fromAddress: message.fromAddress,
    senderName: message.senderName,
    toAddresses: message.toAddresses,
    ccAddresses: [],
    mailboxes: message.mailboxes,
    urls: message.urls,
    urlMetadata: message.urls.map((url) => ({ url, isMalicious: THREATS.includes(latest.verdict) })),
    verdict: {
      // After an administrator's override ETD leaves the category empty.
      category: latest.manual ? '' : latest.verdict,
      originalVerdict: first.verdict,
      ...(latest.emptied ? {} : { latestVerdict: latest.verdict }),
      isRetroVerdict: latest.retro === true,
      isManualVerdict: latest.manual === true,
      timestamp: etdTime(latest.at, message.nanoTimes),
      businessRisk: '',
      techniques: latest.verdict === 'neutral' ? [] : message.techniques
    },
    ...(action ? { action } : {})
  }
}

/**
 * The rest of a tenant's convictions, evenly spread over `start`–`end` at `perDay`, to mailboxes nobody
 * watches: they cost search pages and match nothing, as most of a large tenant's traffic does.
 */
export function backgroundConvictions(start: number, end: number, perDay: number): SimMessage[] {
  const count = Math.round(((end - start) / DAY) * perDay)
  return Array.from({ length: count }, (_, i) => {
    const receivedAt = start + Math.floor(((end - start) * i) / count)
    const mailbox = `staff${i % 997}@example.com`
    return {
      id: `bg-${i}`,
      receivedAt,
      subject: 'Invoice overdue',
      fromAddress: 'billing@evil.example',
      senderName: 'Billing',
      toAddresses: [mailbox],
      mailboxes: [mailbox],
      direction: 'incoming' as const,
      techniques: [{ type: 'Call to action', severity: 'medium', description: '' }],
      history: [{ at: receivedAt + 2000, verdict: THREATS[i % THREATS.length] }],
      folder: 'quarantine',
      urls: [],
      nanoTimes: false
    }
  })
}
