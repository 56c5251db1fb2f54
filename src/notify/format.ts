const DAY = 86_400_000

/** A count as people read it: 2,000. */
export const count = (n: number) => n.toLocaleString('en-US')

/** `18:00 UTC` on the day of `now`, `2026-11-29 00:00 UTC` on another day. */
export function clockTime(millis: number, now: number): string {
  const iso = new Date(millis).toISOString()
  const sameDay = Math.floor(millis / DAY) === Math.floor(now / DAY)
  return `${sameDay ? iso.slice(11, 16) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`} UTC`
}
