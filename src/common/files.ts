import { mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * Writes the file whole or not at all: a crash mid-write leaves the old file, never half a new one.
 * Chunks are written as they come, so that a large document need not be held whole. Returns its bytes.
 */
export async function writeAtomically(path: string, data: string | Iterable<string>): Promise<number> {
  await mkdir(dirname(path), { recursive: true })
  const partial = `${path}.${process.pid}.tmp`
  let bytes = 0
  const counted = function* () {
    for (const chunk of typeof data === 'string' ? [data] : data) {
      bytes += Buffer.byteLength(chunk)
      yield chunk
    }
  }
  await writeFile(partial, counted(), 'utf8')
  await rename(partial, path)
  return bytes
}
