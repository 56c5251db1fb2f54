import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ReportWriter } from '../src/report/report.js'

let dir = ''
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('ReportWriter', () => {
  it('discards a report at once after opening it, with its first write still on the way to disk', async () => {
    dir = await mkdtemp(join(tmpdir(), 'etd-report-'))
    // A failure right after opening (ETD refusing the token) used to destroy the stream under a pending
    // write, and that write's ERR_STREAM_DESTROYED surfaced as an uncaught error instead of ETD's words.
    for (let i = 0; i < 50; i++) {
      const writer = await ReportWriter.open(join(dir, `report-${i}.json`), 0, { start: 0, end: 1 })
      await writer.discard()
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await readdir(dir)).toEqual([])
  })
})
