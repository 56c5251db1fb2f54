import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'

const ROOTS = ['src', 'scripts', '__tests__', '.ci', '.github']

/** Every file under the project's source folders, relative to the root. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]
  )
}

/**
 * The paths a Markdown text names in backticks that do not exist: a path under one of ROOTS (a `:line`
 * suffix allowed), or a bare `name.ts` that no source file is called.
 */
function missingPaths(markdown: string, exists: (path: string) => boolean, basenames: Set<string>): string[] {
  const named = [...markdown.matchAll(/`([^`\s]+)`/g)].map((m) => m[1])
  const underRoot = named
    .filter((name) => ROOTS.some((root) => name.startsWith(`${root}/`)))
    .map((name) => name.replace(/:\d+$/, ''))
    .filter((path) => !exists(path))
  const bare = named.filter((name) => /^[\w.-]+\.ts$/.test(name) && !basenames.has(name))
  return [...new Set([...underRoot, ...bare])]
}

const sources = ROOTS.flatMap(files)
const basenames = new Set(sources.map((path) => basename(path)))

describe("the README's module map", () => {
  it('names only files and folders that exist', () => {
    expect(missingPaths(readFileSync('README.md', 'utf8'), existsSync, basenames)).toEqual([])
  })

  it('which catches a file that moved', () => {
    const map =
      'Retries in `src/etd/retry.ts` and `src/common/retry.ts:12`, limits in `limits.ts` and `pacing.ts`, ' +
      'the flow in `src/main.ts`, `npm test` and `src/window/`.'
    expect(missingPaths(map, existsSync, basenames)).toEqual(['src/etd/retry.ts', 'pacing.ts'])
  })
})
