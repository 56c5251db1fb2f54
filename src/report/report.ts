import { mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { EtdMessage } from '../etd/types.js'

export interface Report {
  generatedAt: string
  window: { start: string; end: string }
  matchedCount: number
  messages: EtdMessage[]
}

export function buildReport(now: number, window: { start: number; end: number }, messages: EtdMessage[]): Report {
  return {
    generatedAt: new Date(now).toISOString(),
    window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() },
    matchedCount: messages.length,
    messages
  }
}

/** Writes the report whole or not at all, so a reader never sees half a file. */
export async function writeReport(path: string, report: Report): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const partial = `${path}.${process.pid}.tmp`
  await writeFile(partial, `${JSON.stringify(report, null, 2)}\n`, 'utf8')
  await rename(partial, path)
}
