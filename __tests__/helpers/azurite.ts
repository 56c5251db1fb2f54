import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** Azurite's well-known development account (public, the same in every Azurite). */
export const DEV_ACCOUNT = 'devstoreaccount1'
export const DEV_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

export interface Azurite {
  /** The blob endpoint of the development account, `http://127.0.0.1:<port>/devstoreaccount1`. */
  blobUrl: string
  stop(): Promise<void>
}

const BLOB_MAIN = join(dirname(createRequire(import.meta.url).resolve('azurite/package.json')), 'dist/src/blob/main.js')

/**
 * Microsoft's Azure Storage emulator (blob service only), as a child process on loopback with a free
 * port and an in-memory store. Its working folder is a temporary one, removed on stop.
 */
export async function startAzurite(): Promise<Azurite> {
  const cwd = await mkdtemp(join(tmpdir(), 'etd-azurite-'))
  const child = spawn(
    process.execPath,
    [
      BLOB_MAIN,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--inMemoryPersistence',
      '--extentMemoryLimit',
      '64',
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--disableProductStyleUrl'
    ],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
    await rm(cwd, { recursive: true, force: true })
  }
  let output = ''
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Azurite did not start in 20s: ${output}`)), 20000)
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const listening = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
      if (listening) {
        clearTimeout(timer)
        resolve(listening[1])
      }
    })
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`Azurite exited with ${code}: ${output}`))
    })
  }).catch(async (error: unknown) => {
    await stop()
    throw error
  })
  return { blobUrl: `http://127.0.0.1:${port}/${DEV_ACCOUNT}`, stop }
}
