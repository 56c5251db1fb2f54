import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, jest } from '@jest/globals'

export interface ActionResult {
  outputs: Record<string, string>
  /** Everything the action wrote to stdout: logs, warnings, ::error:: lines. */
  log: string
  summary: string
  failed: boolean
  dir: string
}

/** Parses the GITHUB_OUTPUT file format (`name<<delimiter`, value lines, delimiter). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const head = /^([^<]+)<<(.+)$/.exec(lines[i])
    if (!head) continue
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== head[2]; i++) value.push(lines[i])
    outputs[head[1]] = value.join('\n')
  }
  return outputs
}

/** The folders runAction made itself, removed after the test file that asked for them. */
const made: string[] = []
afterAll(async () => {
  await Promise.all(made.splice(0).map(removeDir))
})

/**
 * Runs the action's `run()` in-process as the runner would: inputs as INPUT_* variables, outputs and
 * summary to files. Stdout is captured, not replaced, so the toolkit writes exactly what it would.
 */
export async function runAction(
  run: (options: { env: NodeJS.ProcessEnv }) => Promise<void>,
  inputs: Record<string, string>,
  options: { dir?: string; env?: Record<string, string> } = {}
): Promise<ActionResult> {
  let workDir = options.dir
  if (workDir === undefined) {
    workDir = await mkdtemp(join(tmpdir(), 'etd-action-'))
    made.push(workDir)
  }
  const stamp = Date.now()
  const outputFile = join(workDir, `output-${stamp}`)
  const summaryFile = join(workDir, `summary-${stamp}.html`)
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  const saved = { ...process.env }
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key]
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value
  process.env.GITHUB_OUTPUT = outputFile
  process.env.GITHUB_STEP_SUMMARY = summaryFile
  process.env.RUNNER_TEMP = workDir
  // A scheduled run, as the watch's runs are, whatever event runs the tests; a test may say otherwise.
  process.env.GITHUB_EVENT_NAME = 'schedule'
  Object.assign(process.env, options.env)
  const chunks: string[] = []
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return true
  })
  const exitCode = process.exitCode
  try {
    await run({ env: process.env })
  } finally {
    spy.mockRestore()
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
  }
  const failed = process.exitCode === 1
  process.exitCode = exitCode
  return {
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    log: chunks.join(''),
    summary: await readFile(summaryFile, 'utf8'),
    failed,
    dir: workDir
  }
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}
