// The rules every part of the state document is read by, and written by: one set, used both ways.

/** Counts in the state are bounded: a larger one was not written by this action. */
export const MAX_COUNT = 10_000_000

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/

/** A time as the state writes it, or `undefined` for one that no document can hold. */
export function encodeTime(millis: number): string | undefined {
  const text = Math.abs(millis) <= 8.64e15 ? new Date(millis).toISOString() : undefined
  return text !== undefined && TIME.test(text) ? text : undefined
}

/** A time as the state reads it: ISO-8601 UTC with a four-digit year, or `undefined`. */
export function decodeTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !TIME.test(value)) return undefined
  const millis = Date.parse(value)
  return Number.isNaN(millis) ? undefined : millis
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export const isCount = (value: unknown, max = MAX_COUNT): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max

export const isText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length <= max

/** `text` cut to `max` UTF-16 units, never between the halves of a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max
  return text.slice(0, end)
}

/** An id as a warning may show it: only when it is plainly an id, and short. */
export function shownId(id: string): string {
  return /^[A-Za-z0-9._:-]+$/.test(id) ? ` "${id.slice(0, 40)}${id.length > 40 ? '…' : ''}"` : ''
}

/** How many dropped parts are named one by one; the rest are counted. */
const NAMED_DROPS = 10

/** The parts of a state left out while reading or writing it, for the warnings. */
export class Dropped {
  private readonly named: string[] = []
  private more = 0

  /** `what` names the part by its place (and a shown id), never by its text. */
  add(what: string): void {
    if (this.named.length < NAMED_DROPS) this.named.push(what)
    else this.more++
  }

  /** One line for each part named, and one for the rest. */
  lines(): string[] {
    return this.more > 0 ? [...this.named, `${this.more} more parts`] : [...this.named]
  }
}
