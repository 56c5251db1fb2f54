import { describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/simulator/cli.ts', ...args], {
    timeout: 30_000,
    // tsx would otherwise keep a compile cache in the OS temp folder.
    env: { ...process.env, TSX_DISABLE_CACHE: '1' }
  })

describe('npm run simulator', () => {
  it('prints its usage for --help and exits 0, serving nothing', async () => {
    const { stdout, stderr } = await run('--help')
    expect(stdout).toMatch(/^Usage: npm run simulator -- \[options\]/)
    expect(stdout).toContain('--count N')
    expect(stderr).toBe('')
  })

  it('names an unknown option in one line, with the usage, and exits 2', async () => {
    const failure = (await run('--bogus').catch((error: unknown) => error)) as { code: number; stderr: string }
    expect(failure.code).toBe(2)
    expect(failure.stderr).toMatch(/^Unknown option '--bogus'/)
    expect(failure.stderr).toContain('Usage: npm run simulator')
    expect(failure.stderr).not.toMatch(/\n\s+at /)
  })
})
