import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { once } from 'node:events'
import type { EtdMessage } from '../etd/types.js'
import type { Disposition } from '../state/dedupe.js'
import type { SearchWindow } from '../window/plan.js'

export interface ReportedMessage extends EtdMessage {
  /** Whether this run told about it, and if not, why. */
  notice: Disposition
  previousVerdict?: string
}

/** The report's shape once written: one JSON document that `jq` reads. */
export interface Report {
  generatedAt: string
  window: { start: string; end: string }
  /** In the order ETD returned them. */
  messages: ReportedMessage[]
  matchedCount: number
  /** New convictions and verdict changes told by this run. */
  newCount: number
}

/**
 * The JSON report, written as pages stream in, a message a line, so that a window of any size is never
 * held whole; it takes its place at `path` only when complete (renamed from a partial file).
 */
/** Lines are written in batches of about this many characters: one write a message costs more than the JSON. */
const FLUSH_CHARS = 64 * 1024

export class ReportWriter {
  private count = 0
  private buffered = ''

  private constructor(
    private readonly path: string,
    private readonly partial: string,
    private readonly out: WriteStream
  ) {}

  static async open(path: string, generatedAt: number, window: SearchWindow): Promise<ReportWriter> {
    await mkdir(dirname(path), { recursive: true })
    const partial = `${path}.partial`
    const out = createWriteStream(partial, { encoding: 'utf8' })
    await once(out, 'open')
    const writer = new ReportWriter(path, partial, out)
    const head = {
      generatedAt: new Date(generatedAt).toISOString(),
      window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() }
    }
    await writer.write(`${JSON.stringify(head, null, 2).slice(0, -2)},\n  "messages": [`)
    return writer
  }

  async add(message: ReportedMessage): Promise<void> {
    this.buffered += `${this.count++ === 0 ? '\n' : ',\n'}    ${JSON.stringify(message)}`
    if (this.buffered.length >= FLUSH_CHARS) await this.flush()
  }

  /** Closes the document with the counts and moves it into place. */
  async close(counts: { newCount: number }): Promise<void> {
    await this.flush()
    await this.write(
      `${this.count > 0 ? '\n  ' : ''}],\n  "matchedCount": ${this.count},\n  "newCount": ${counts.newCount}\n}\n`
    )
    this.out.end()
    await once(this.out, 'finish')
    await rename(this.partial, this.path)
  }

  /**
   * Leaves no partial file behind after a failed run. Ended, not destroyed: destroying the stream under a
   * write still on its way to disk raises ERR_STREAM_DESTROYED as an uncaught error, hiding why the run failed.
   */
  async discard(): Promise<void> {
    if (!this.out.destroyed) {
      this.out.end()
      await once(this.out, 'close').catch(() => undefined)
    }
    await rm(this.partial, { force: true })
  }

  private async flush(): Promise<void> {
    const text = this.buffered
    this.buffered = ''
    if (text) await this.write(text)
  }

  private async write(text: string): Promise<void> {
    if (!this.out.write(text)) await once(this.out, 'drain')
  }
}
