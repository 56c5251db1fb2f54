// The dedupe scope of a run: the horizon, what the state's record covers, whether the issue markers join,
// and what the next state remembers. Expected values are worked out by hand from the rules in the comments.
import { describe, expect, it } from '@jest/globals'
import { dedupeScope } from '../src/window/scope.js'
import type { WatchState } from '../src/state/state.js'
import type { SearchPlan } from '../src/window/plan.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const at = (iso: string) => Date.parse(iso)
const RESCAN = DAY

const plan = (fields: Partial<SearchPlan> & Pick<SearchPlan, 'window' | 'deep'>): SearchPlan => ({
  fresh: fields.window,
  startSetBy: 'watermark',
  nextDeepScan: 0,
  ...fields
})

const previous: WatchState = {
  version: 3,
  horizon: at('2026-11-01T00:00:00Z'),
  watermark: at('2026-11-27T10:00:00Z'),
  deepScanAt: at('2026-11-27T06:00:00Z'),
  searched: [[at('2026-11-20T00:00:00Z'), at('2026-11-27T10:00:00Z')]],
  notified: new Map()
}
// The state remembers from a day before its last deep rescan: 2026-11-26T06:00Z.
const REMEMBERED = at('2026-11-26T06:00:00Z')
const fresh = { start: at('2026-11-27T09:55:00Z'), end: at('2026-11-27T11:00:00Z') }

describe('dedupeScope', () => {
  it('on a first run: the window is the horizon, nothing covered, and the next state remembers a day back', () => {
    const window = { start: at('2026-11-27T10:00:00Z'), end: at('2026-11-27T11:00:00Z') }
    const scope = dedupeScope(plan({ window, deep: { kind: 'first-run' } }), undefined, RESCAN)
    expect(scope.horizon).toBe(window.start)
    expect(scope.covered).toBeUndefined()
    expect(scope.reachesBack).toBe(false)
    // The first run counts as a deep rescan at the window's end.
    expect(scope.keepFrom).toBe(at('2026-11-26T11:00:00Z'))
    // Stopped at 10:30: the state then remembers from a day before that.
    expect(scope.rememberedFrom(at('2026-11-27T10:30:00Z'))).toBe(at('2026-11-26T10:30:00Z'))
  })

  it('with state and no deep rescan: the old horizon, the record before what the state remembers', () => {
    const scope = dedupeScope(
      plan({ window: fresh, deep: { kind: 'not-due', dueAt: at('2026-11-27T12:00:00Z') } }),
      previous,
      RESCAN
    )
    expect(scope.horizon).toBe(previous.horizon)
    expect(scope.covered).toEqual([[at('2026-11-20T00:00:00Z'), REMEMBERED]])
    expect(scope.reachesBack).toBe(false)
    // The last deep rescan stays at 06:00: the next state keeps what a later window can reach from it.
    expect(scope.keepFrom).toBe(REMEMBERED)
    // A search stopped before the old watermark leaves the watermark where it was.
    expect(scope.rememberedFrom(at('2026-11-27T09:58:00Z'))).toBe(REMEMBERED)
  })

  it('a deep rescan that runs moves what the next state remembers to a day before the window end', () => {
    const window = { start: at('2026-11-26T06:00:00Z'), end: fresh.end }
    const scope = dedupeScope(plan({ window, deep: { kind: 'full', start: window.start } }), previous, RESCAN)
    expect(scope.keepFrom).toBe(at('2026-11-26T11:00:00Z'))
    expect(scope.rememberedFrom(at('2026-11-27T10:40:00Z'))).toBe(at('2026-11-26T10:40:00Z'))
    expect(scope.reachesBack).toBe(false)
  })

  it('a backfill that runs moves the horizon back and lets the issue markers join', () => {
    const window = { start: at('2026-10-20T00:00:00Z'), end: fresh.end }
    const scope = dedupeScope(
      plan({
        window,
        deep: { kind: 'not-due', dueAt: at('2026-11-27T12:00:00Z') },
        backfill: { kind: 'run', start: window.start }
      }),
      previous,
      RESCAN
    )
    expect(scope.horizon).toBe(window.start)
    expect(scope.reachesBack).toBe(true)
    // A postponed backfill moves nothing.
    const later = dedupeScope(
      plan({
        window: fresh,
        deep: { kind: 'not-due', dueAt: at('2026-11-27T12:00:00Z') },
        backfill: { kind: 'postponed', start: window.start, estimate: 9, available: 1, retryAt: 0 }
      }),
      previous,
      RESCAN
    )
    expect(later.horizon).toBe(previous.horizon)
    expect(later.reachesBack).toBe(false)
  })

  it('resuming before what the state remembers reaches back; resuming after it does not', () => {
    const deep = { kind: 'not-due', dueAt: at('2026-11-27T12:00:00Z') } as const
    const resume = (from: number) =>
      dedupeScope(plan({ window: { start: from, end: fresh.end }, deep, resumeFrom: from }), previous, RESCAN)
    expect(resume(REMEMBERED - MINUTE).reachesBack).toBe(true)
    expect(resume(REMEMBERED).reachesBack).toBe(false)
  })

  it('a state without a record of searched time covers nothing', () => {
    const older = { ...previous, searched: undefined }
    const scope = dedupeScope(plan({ window: fresh, deep: { kind: 'not-due', dueAt: 0 } }), older, RESCAN)
    expect(scope.covered).toBeUndefined()
  })
})
