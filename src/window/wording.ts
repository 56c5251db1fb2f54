import { formatDuration } from '../common/duration.js'
import { clockTime, count, formatTime, formatWindow } from '../common/format.js'
import type { Backfill, SearchPlan, SearchWindow } from './plan.js'
import { searchTime } from './slices.js'

/** What the wording needs of the config. */
export interface WordingSettings {
  timeZone: string
  dailyRequestBudget: number
  backfillMs: number
  timeBudgetMs: number
}

/** One line for the log; `warn` when it says that something the user asked for did not (wholly) run. */
export interface Line {
  warn: boolean
  text: string
}

/** What the plan means for this run, in the order the log tells it: backfill, clamp, deep rescan, resume, window. */
export function planLines(plan: SearchPlan, settings: WordingSettings, now: number): Line[] {
  const zone = settings.timeZone
  const lines: Line[] = []
  if (plan.backfill) lines.push(backfillLine(plan.backfill, settings, now))
  if (plan.clampedFrom !== undefined) {
    lines.push({
      warn: true,
      text: `ETD keeps 90 days: the window starts at ${formatTime(plan.window.start, zone)} instead of ${formatTime(plan.clampedFrom, zone)}`
    })
  }
  const { deep } = plan
  const budget = count(settings.dailyRequestBudget)
  if (deep.kind === 'postponed') {
    lines.push({
      warn: true,
      text:
        `Deep rescan postponed: it needs about ${count(deep.estimate)} ETD requests and only ` +
        `${count(deep.available)} of today's daily-request-budget of ${budget} are left for it after the fresh ` +
        `windows. It runs at the first run after ${clockTime(deep.retryAt, now, zone)}, scheduled or manual, when the ` +
        "day's budget starts over; retro verdicts on older messages wait until then."
    })
  } else if (deep.kind === 'cut') {
    lines.push({
      warn: true,
      text:
        `Deep rescan cut to the messages after ${formatTime(deep.start, zone)} instead of ${formatTime(deep.wantedStart, zone)}: the whole ` +
        `rescan range needs about ${count(deep.estimate)} ETD requests, more than a daily-request-budget of ` +
        `${budget} leaves after the fresh windows. Raise daily-request-budget or shorten rescan.`
    })
  } else if (deep.kind === 'full') {
    lines.push({
      warn: false,
      text: `Deep rescan due: searching again from ${formatTime(plan.window.start, zone)} for verdicts given late`
    })
  }
  if (plan.resumeFrom !== undefined) {
    lines.push({
      warn: false,
      text: `Searching first what an earlier run left unsearched, from ${formatTime(plan.resumeFrom, zone)}`
    })
  }
  lines.push({ warn: false, text: `Searching ETD for messages received ${formatWindow(plan.window, zone)}` })
  return lines
}

/** What a backfill costs before it runs, or why it does not; a warning when it does not run. */
export function backfillLine(backfill: Backfill, settings: WordingSettings, now: number): Line {
  const zone = settings.timeZone
  const range = `Backfill of ${formatDuration(settings.backfillMs)}`
  const cost = (estimate: number) => `about ${count(estimate)} ETD requests`
  const budget = `daily-request-budget of ${count(settings.dailyRequestBudget)}`
  switch (backfill.kind) {
    case 'covered':
      return {
        warn: false,
        text: `${range}: nothing to do, the watch has searched since ${formatTime(backfill.since, zone)}.`
      }
    case 'run':
      return {
        warn: false,
        text:
          `${range}: ${backfill.estimate === undefined ? 'cost unknown (no run has measured the rate yet)' : cost(backfill.estimate)}, ` +
          `searching from ${formatTime(backfill.start, zone)}; convictions already told are not told again.`
      }
    case 'postponed':
      return {
        warn: true,
        text:
          `${range} postponed: ${cost(backfill.estimate)}, and only ${count(backfill.available)} of today's ${budget} ` +
          `are left after the runs still to come. Run it again after ${clockTime(backfill.retryAt, now, zone)}.`
      }
    case 'refused':
      return {
        warn: true,
        text:
          `${range} not run: ${cost(backfill.estimate)}, more than the ${count(Math.max(0, backfill.dayCapacity))} a ${budget} ` +
          'leaves in a day after the scheduled runs. Choose a shorter backfill or raise daily-request-budget.'
      }
  }
}

/** Why a run searched less than its window, and what becomes of the rest. */
export function stopLine(searched: SearchWindow, settings: WordingSettings): string {
  return (
    `Time budget: the search stopped after ${formatDuration(searchTime(settings.timeBudgetMs))} of time-budget ` +
    `${formatDuration(settings.timeBudgetMs)}, having searched ${formatWindow(searched, settings.timeZone)} to the ` +
    'end. What it found is told; the next run continues from there.'
  )
}

/**
 * One line on what this run cost the tenant's shared ETD quota (`token` and `search` requests, `today`
 * in all), and when the deep rescan runs next.
 */
export function accountingLine(
  plan: SearchPlan,
  requests: { token: number; search: number; today: number },
  settings: WordingSettings,
  now: number
): string {
  const { token, search, today } = requests
  const deep =
    plan.deep.kind === 'full' || plan.deep.kind === 'cut'
      ? 'deep rescan ran this run, next due'
      : 'deep rescan next due'
  return (
    `ETD: ${count(token + search)} requests this run (${count(token)} token, ${count(search)} search); ` +
    `${count(today)} of ${count(settings.dailyRequestBudget)} today; ${deep} ${clockTime(plan.nextDeepScan, now, settings.timeZone)}.`
  )
}
