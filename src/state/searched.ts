import { MAX_AGE_MS } from '../etd/limits.js'

/**
 * The state's record of searched time: sorted, disjoint, non-touching [start, end) ranges of message
 * time that a run searched to the end and whose search nothing still owes. What lies between them is
 * owed: a run that stopped at its time budget, or a deep rescan that did not get through, leaves it to
 * the next run. The issue markers record convictions, not ranges, so only this says what was searched.
 */
export type Range = readonly [start: number, end: number]
export type Ranges = readonly Range[]

/** More ranges than this means a record nobody wrote by running: the oldest gaps are closed. */
export const MAX_RANGES = 50

/** The ranges merged: sorted, empty ones dropped, overlapping and touching ones joined. */
export function normalize(ranges: Iterable<Range>): Range[] {
  const sorted = [...ranges].filter(([start, end]) => start < end).sort((a, b) => a[0] - b[0])
  const merged: Array<[number, number]> = []
  for (const [start, end] of sorted) {
    const last = merged.at(-1)
    if (last && start <= last[1]) last[1] = Math.max(last[1], end)
    else merged.push([start, end])
  }
  return merged
}

export const add = (ranges: Ranges, range: Range): Range[] => normalize([...ranges, range])

/** The ranges without [start, end). */
export function subtract(ranges: Ranges, [start, end]: Range): Range[] {
  return normalize(
    ranges.flatMap(([from, to]): Range[] => [
      [from, Math.min(to, start)],
      [Math.max(from, end), to]
    ])
  )
}

/** The parts of `range` that the ranges do not hold, oldest first. */
export const unsearched = (ranges: Ranges, range: Range): Range[] =>
  ranges.reduce<Range[]>((left, searched) => subtract(left, searched), normalize([range]))

/** The range that holds `time`, if any. */
export const rangeAt = (ranges: Ranges, time: number): Range | undefined =>
  ranges.find(([start, end]) => start <= time && time < end)

/** Whether `time` lies in a gap of the record, after its first range: a search a later run still owes. */
export const owes = (ranges: Ranges, time: number): boolean =>
  ranges.length > 0 && time >= ranges[0][0] && rangeAt(ranges, time) === undefined

/** The ranges clipped to before `end`. */
export const before = (ranges: Ranges, end: number): Range[] => subtract(ranges, [end, Infinity])

/**
 * What the record says after a run: `[window.start, searchedTo)` searched. A run that stopped early owes
 * the rest; within what the state remembers (from `rememberedFrom`) that includes parts searched before,
 * because the run meant to search them again (a deep rescan): the next run does. Older than that the
 * record keeps its claims, so that convictions told and forgotten there are not told again. Pruned to what
 * ETD keeps and to `MAX_RANGES`, closing the oldest gaps (a rare, lost re-search beats an unbounded state).
 */
export function afterRun(
  record: Ranges | undefined,
  run: { window: { start: number; end: number }; searchedTo: number; rememberedFrom: number; now: number }
): Range[] {
  let ranges = add(record ?? [], [run.window.start, run.searchedTo])
  if (run.searchedTo < run.window.end)
    ranges = subtract(ranges, [Math.max(run.searchedTo, run.rememberedFrom), Infinity])
  ranges = subtract(ranges, [-Infinity, run.now - MAX_AGE_MS])
  while (ranges.length > MAX_RANGES) ranges = normalize([[ranges[0][0], ranges[1][1]], ...ranges.slice(2)])
  return ranges
}
