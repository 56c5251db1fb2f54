import { clean } from './clean.js'
import type { EtdMessage, RawMessage, RawTechnique, RawVerdict, Remediation, Technique } from './types.js'

// ETD sends up to nine fractional digits; Date.parse keeps three at most and rejects some engines' more.
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const ISO_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})$/

/** Parses an ETD timestamp to epoch milliseconds, or `undefined` when it is not one. */
export function parseEtdTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  // The form a normalized message carries, read several times a message, goes to Date.parse as it is.
  let iso = value
  if (!CANONICAL.test(value)) {
    const match = ISO_TIME.exec(value.trim())
    if (!match) return undefined
    const [, whole, fraction = '', zone] = match
    iso = `${whole}.${fraction.padEnd(3, '0').slice(0, 3)}${zone}`
  }
  const millis = Date.parse(iso)
  return Number.isNaN(millis) ? undefined : millis
}

/** ETD's timestamp format for request bodies: whole seconds, UTC. */
export function formatEtdTime(millis: number): string {
  return new Date(Math.floor(millis / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function lower(value: unknown): string | undefined {
  return text(value)?.toLowerCase()
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : []
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isoTime(value: unknown): string | undefined {
  const millis = parseEtdTime(value)
  return millis === undefined ? undefined : new Date(millis).toISOString()
}

/**
 * The verdict that counts now: an administrator's override or a retro verdict wins over the first one.
 * A category that an administrator's verdict emptied, with no latestVerdict, is a release: falling back
 * to originalVerdict would alert on a message that was declared safe.
 */
export function effectiveVerdict(verdict: RawVerdict): string | undefined {
  const latest = lower(verdict.latestVerdict)
  if (latest) return latest
  if (verdict.isManualVerdict === true && typeof verdict.category === 'string' && verdict.category.trim() === '') {
    return 'neutral'
  }
  return lower(verdict.category) ?? lower(verdict.originalVerdict)
}

/** An administrator declared the message safe. */
export const isRelease = (message: EtdMessage) => message.manual && message.verdict === 'neutral'

/** ETD did not move it, or moved it back to the inbox: it still waits for the person it was aimed at. */
export function inInbox(message: Pick<EtdMessage, 'remediation'>): boolean {
  const folder = message.remediation?.folder
  return !folder || folder.toLowerCase() === 'inbox'
}

function techniques(value: unknown): Technique[] {
  if (!Array.isArray(value)) return []
  return value.filter(isObject).flatMap((t: RawTechnique) => {
    const type = text(t.type)
    return type ? [{ type, severity: text(t.severity), description: text(t.description) }] : []
  })
}

function remediation(value: unknown): Remediation | undefined {
  if (!isObject(value)) return undefined
  return {
    type: text(value.type),
    folder: lower(value.folder),
    automatic: typeof value.isAutoRemediated === 'boolean' ? value.isAutoRemediated : undefined,
    at: isoTime(value.timestamp)
  }
}

export type Normalized = { ok: true; message: EtdMessage } | { ok: false; reason: string }

/** Validates one message of a search page; a broken one is reported, never thrown. */
export function normalizeMessage(raw: RawMessage): Normalized {
  const id = text(raw.id)
  if (!id) return { ok: false, reason: 'message without an id' }
  // The reason is logged: the id in it is attacker text too.
  const shown = clean(id)
  const receivedAt = isoTime(raw.timestamp)
  if (!receivedAt) return { ok: false, reason: `message ${shown} has no valid timestamp` }
  if (!isObject(raw.verdict)) return { ok: false, reason: `message ${shown} has no verdict` }
  const rawVerdict = raw.verdict as RawVerdict
  const verdict = effectiveVerdict(rawVerdict)
  if (!verdict) return { ok: false, reason: `message ${shown} has an empty verdict` }
  return {
    ok: true,
    message: {
      id,
      internetMessageId: text(raw.internetMessageId),
      receivedAt,
      subject: typeof raw.subject === 'string' ? raw.subject : '',
      direction: lower(raw.direction),
      fromAddress: text(raw.fromAddress) ?? '',
      senderName: text(raw.senderName) ?? '',
      toAddresses: strings(raw.toAddresses),
      mailboxes: strings(raw.mailboxes).map((m) => m.toLowerCase()),
      verdict,
      originalVerdict: lower(rawVerdict.originalVerdict),
      verdictAt: isoTime(rawVerdict.timestamp),
      retro: rawVerdict.isRetroVerdict === true,
      manual: rawVerdict.isManualVerdict === true,
      techniques: techniques(rawVerdict.techniques),
      remediation: remediation(raw.action)
    }
  }
}
