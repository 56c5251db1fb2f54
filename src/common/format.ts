import type { TimeSpan } from './time.js'

/**
 * Every time, window and count a person reads: the channels, the job summary and the log all
 * format through here, in the watch's `time-zone`, so that one run shows one time one way. Machine
 * values (outputs, the report, the state, ETD's requests) stay ISO-8601 UTC.
 */

/** A count as people read it: 2,000. */
export const count = (n: number) => n.toLocaleString('en-US')

export const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`

// One formatter per zone: building one costs far more than using it, and a summary shows a thousand rows.
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let made = formatters.get(timeZone)
  if (made === undefined) {
    made = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23'
    })
    formatters.set(timeZone, made)
  }
  return made
}

/** The date and the minute in the zone: `['2026-11-28', '17:01']`. */
function dayAndMinute(millis: number, timeZone: string): [string, string] {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(millis)
      .map((p) => [p.type, p.value])
  )
  return [`${parts.year}-${parts.month}-${parts.day}`, `${parts.hour}:${parts.minute}`]
}

/** `2026-11-28 17:01 Europe/Zurich`: a moment, to the minute, the zone named. */
export function formatTime(millis: number, timeZone: string): string {
  return `${dayAndMinute(millis, timeZone).join(' ')} ${timeZone}`
}

/** `18:00 UTC` on the day of `now` in the zone, `2026-11-29 00:00 UTC` on another day. */
export function clockTime(millis: number, now: number, timeZone: string): string {
  const [day, minute] = dayAndMinute(millis, timeZone)
  return day === dayAndMinute(now, timeZone)[0] ? `${minute} ${timeZone}` : formatTime(millis, timeZone)
}

/** `2026-11-27 10:00–11:00 UTC`, or both dates when the window spans midnight in the zone. */
export function formatWindow(window: TimeSpan, timeZone: string): string {
  const [startDay, startMinute] = dayAndMinute(window.start, timeZone)
  const [endDay, endMinute] = dayAndMinute(window.end, timeZone)
  return startDay === endDay
    ? `${startDay} ${startMinute}–${endMinute} ${timeZone}`
    : `${startDay} ${startMinute} – ${endDay} ${endMinute} ${timeZone}`
}

/**
 * `2026-11-23 – 2026-11-29 Europe/Zurich`: the days a span covers, its end exclusive, when it runs from
 * midnight to midnight in the zone; otherwise its exact start and end (`formatWindow`).
 */
export function formatDays(span: TimeSpan, timeZone: string): string {
  const [first, startMinute] = dayAndMinute(span.start, timeZone)
  const [, endMinute] = dayAndMinute(span.end, timeZone)
  if (startMinute !== '00:00' || endMinute !== '00:00') return formatWindow(span, timeZone)
  const last = dayAndMinute(span.end - 1, timeZone)[0]
  return first === last ? `${first} ${timeZone}` : `${first} – ${last} ${timeZone}`
}
