import { utcDay, type WatchState } from '../state/state.js'
import { cronInterval } from './budget.js'
import type { PlanMemory } from './plan.js'

/** What the restored state (none on a first run) tells the planner at `now`, with the scheduled runs seen. */
export function planMemory(previous: WatchState | undefined, now: number, scheduledRuns: number[]): PlanMemory {
  const requests = previous?.requests
  return {
    watermark: previous?.watermark,
    horizon: previous?.horizon,
    deepScanAt: previous?.deepScanAt,
    searched: previous?.searched,
    budget: {
      usedToday: requests?.day === utcDay(now) ? requests.count : 0,
      ratePerHour: previous?.ratePerHour,
      intervalMs: cronInterval(scheduledRuns)
    }
  }
}
