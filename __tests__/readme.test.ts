import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename } from 'node:path'

const ROOTS = ['src', 'scripts', '__tests__', '.ci', '.github']

/**
 * The paths a Markdown text names in backticks that do not exist: a path under one of ROOTS (a `:line`
 * or `:from-to` suffix allowed), or a bare `name.ts` that no source file is called.
 */
function missingPaths(markdown: string, exists: (path: string) => boolean, basenames: Set<string>): string[] {
  const named = [...markdown.matchAll(/`([^`\s]+)`/g)].map((m) => m[1])
  const underRoot = named
    .filter((name) => ROOTS.some((root) => name.startsWith(`${root}/`)))
    .map((name) => name.replace(/:\d+(-\d+)?$/, ''))
    .filter((path) => !exists(path))
  const bare = named.filter((name) => /^[\w.-]+\.ts$/.test(name) && !basenames.has(name))
  return [...new Set([...underRoot, ...bare])]
}

const basenames = new Set(
  ROOTS.flatMap((root) => readdirSync(root, { recursive: true, encoding: 'utf8' })).map((path) => basename(path))
)

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
