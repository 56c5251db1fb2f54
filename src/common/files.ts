import { mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

/** Writes the file whole or not at all: a crash mid-write leaves the old file, never half a new one. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const partial = `${path}.${process.pid}.tmp`
  await writeFile(partial, text, 'utf8')
  await rename(partial, path)
}
