import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'

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

const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  'SECURITY.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f))
]

describe('the paths the docs name', () => {
  it.each(DOCS)('%s names only files and folders that exist', (file) => {
    expect(missingPaths(readFileSync(file, 'utf8'), existsSync, basenames)).toEqual([])
  })

  it('which catches a file that moved', () => {
    const map =
      'Retries in `src/etd/retry.ts` and `src/common/retry.ts:12`, limits in `limits.ts` and `pacing.ts`, ' +
      'the flow in `src/main.ts`, `npm test` and `src/window/`.'
    expect(missingPaths(map, existsSync, basenames)).toEqual(['src/etd/retry.ts', 'pacing.ts'])
  })
})

describe('the README, for users', () => {
  const readme = readFileSync('README.md', 'utf8')

  it('is at most 15 KB', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(15 * 1024)
  })

  it('opens with the commands that set up and prove a clone, before any section', () => {
    const firstSection = readme.indexOf('\n## ')
    const commands = readme.indexOf('```sh\nnpm ci && npm run demo')
    expect(commands).toBeGreaterThan(0)
    expect(commands).toBeLessThan(firstSection)
  })

  it('shows what arrives: the digest on a phone, the issue and a Teams card, as small PNGs', () => {
    const pictures = [...readme.matchAll(/!\[[^\]]*\]\((docs\/images\/[^)]+)\)/g)].map((m) => m[1])
    expect(pictures.sort()).toEqual([
      'docs/images/digest-phone.png',
      'docs/images/issue.png',
      'docs/images/teams-card.png'
    ])
    for (const picture of pictures) {
      const bytes = readFileSync(picture)
      // The PNG signature, and at most 150 KB: a README that loads fast.
      expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
      expect(bytes.length).toBeLessThanOrEqual(150 * 1024)
    }
  })
})
