import { afterAll, afterEach, beforeAll } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/server.js'

// What a test started or made, undone after it: the loopback servers closed, the folders removed.
const undo: Array<() => Promise<unknown>> = []
afterEach(async () => {
  await Promise.all(undo.splice(0).map((step) => step()))
})

/** `server`, closed after the test that started it. */
export function closedAfter<T extends { close(): Promise<unknown> }>(server: T): T {
  undo.push(() => server.close())
  return server
}

/** A new temporary folder, removed after the test that made it. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  undo.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** A simulator and a folder that the tests of a file or describe share. */
export interface SharedWatch {
  sim: Simulator
  dir: string
}

/**
 * A simulator over `options` and a new temporary folder, made before the tests of the file or describe
 * that calls this and gone after them (whatever was made, when making the rest failed).
 */
export function sharedWatch(prefix: string, options: SimulatorOptions): SharedWatch {
  const shared = { dir: '' } as SharedWatch
  beforeAll(async () => {
    shared.dir = await mkdtemp(join(tmpdir(), prefix))
    shared.sim = await startSimulator(options)
  })
  afterAll(async () => {
    await shared.sim?.close()
    if (shared.dir) await rm(shared.dir, { recursive: true, force: true })
  })
  return shared
}
