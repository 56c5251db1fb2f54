import { isAbsolute, resolve } from 'node:path'
import { InputError } from './errors.js'

export const CACHE_MODES = ['read', 'write', 'write-only', 'none'] as const
export type CacheMode = (typeof CACHE_MODES)[number]

/** What the runner says about this job through its environment, checked once like checkout's input-helper. */
export interface RunnerConfig {
  /** GITHUB_RUN_ID; absent outside Actions. */
  runId?: string
  /** GITHUB_RUN_ATTEMPT; 1 when absent. */
  runAttempt: number
  /** GITHUB_WORKSPACE, or the working folder outside Actions: where the cache keeps the state file. */
  workspace: string
  /** ACTIONS_CACHE_MODE; absent when unset or unknown (the cache is then read and written as usual). */
  cacheMode?: CacheMode
  /** GITHUB_STEP_SUMMARY; absent outside Actions, where no job summary is written. */
  summaryPath?: string
  /** RUNNER_TEMP; absent outside Actions. */
  temp?: string
  /** GITHUB_EVENT_NAME (`schedule`, `workflow_dispatch`, …); absent outside Actions. */
  event?: string
  /** Environment values ignored on purpose, for the log. */
  warnings: string[]
}

function invalid(name: string, value: string, expected: string): InputError {
  return new InputError(`Environment variable ${name} is '${value.slice(0, 100)}'; expected ${expected}.`)
}

/** A variable that names a path must name an absolute one: a relative path would depend on the working folder. */
function absolutePath(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]
  if (!value) return undefined
  if (!isAbsolute(value)) throw invalid(name, value, 'an absolute path (the runner sets it)')
  return resolve(value)
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]
  if (!value) return undefined
  if (!/^[1-9]\d{0,19}$/.test(value)) throw invalid(name, value, 'a whole number from 1 (the runner sets it)')
  return value
}

/**
 * Whether the run is one of the watch's scheduled runs, whose gaps tell its cadence: `on: schedule`, or a
 * run outside Actions (a crontab). A manual run (`workflow_dispatch`) is not.
 */
export const scheduledRun = (runner: Pick<RunnerConfig, 'event'>) =>
  runner.event === undefined || runner.event === 'schedule'

export function parseRunnerConfig(env: NodeJS.ProcessEnv): RunnerConfig {
  const warnings: string[] = []
  const mode = env.ACTIONS_CACHE_MODE?.trim().toLowerCase() ?? ''
  const known = (CACHE_MODES as readonly string[]).includes(mode)
  if (mode !== '' && !known) {
    warnings.push(
      `ACTIONS_CACHE_MODE '${mode.slice(0, 100)}' is none of ${CACHE_MODES.join(', ')}: the cache is read and written as usual.`
    )
  }
  return {
    runId: wholeNumber(env, 'GITHUB_RUN_ID'),
    runAttempt: Number(wholeNumber(env, 'GITHUB_RUN_ATTEMPT') ?? 1),
    workspace: absolutePath(env, 'GITHUB_WORKSPACE') ?? resolve('.'),
    cacheMode: known ? (mode as CacheMode) : undefined,
    summaryPath: absolutePath(env, 'GITHUB_STEP_SUMMARY'),
    temp: absolutePath(env, 'RUNNER_TEMP'),
    event: env.GITHUB_EVENT_NAME || undefined,
    warnings
  }
}
