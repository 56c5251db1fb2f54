import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The sources run as the bundle would be: in a process of their own, which a test can kill. */
const ENTRY = fileURLToPath(new URL('./watch-process-entry.ts', import.meta.url))

export interface WatchProcess {
  child: ChildProcess
  /** Resolves with the exit code, or the signal that killed it. */
  exited: Promise<number | NodeJS.Signals>
  /** SIGKILL, as a cancelled job, a timeout or a lost runner ends it: no cleanup runs. */
  kill(): Promise<void>
}

/** Starts one watch run with these inputs (as INPUT_* variables) at the time `now`. */
export async function startWatchProcess(
  inputs: Record<string, string>,
  options: { dir: string; now: number; env?: Record<string, string> }
): Promise<WatchProcess> {
  const output = join(options.dir, `child-output-${Date.now()}`)
  await writeFile(output, '')
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  Object.assign(env, {
    GITHUB_OUTPUT: output,
    RUNNER_TEMP: options.dir,
    ETD_TEST_NOW: String(options.now)
  })
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], { env, stdio: 'ignore' })
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | NodeJS.Signals)
  return {
    child,
    exited,
    kill: async () => {
      child.kill('SIGKILL')
      await exited
    }
  }
}
