import { afterEach } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

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
