import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { marked, type Token, type Tokens } from 'marked'

/** Every folder under `root`, nested ones included, as `notify/email/`. */
function foldersUnder(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const folder = `${prefix}${entry.name}/`
      return [folder, ...foldersUnder(root, folder)]
    })
}

/**
 * What the doc says of the folders: those its "The folders" section names in code (`state/`,
 * `notify/email/`), and the nodes of its mermaid picture of the house.
 */
function described(markdown: string): { named: string[]; drawn: string[] } {
  const tokens = marked.lexer(markdown)
  const start = tokens.findIndex((t) => t.type === 'heading' && (t as Tokens.Heading).text === 'The folders')
  const end = tokens.findIndex((t, i) => i > start && t.type === 'heading' && (t as Tokens.Heading).depth <= 2)
  const section: Token[] = []
  marked.walkTokens(tokens.slice(start, end === -1 ? undefined : end), (t) => void section.push(t))
  const named = section
    .filter((t): t is Tokens.Codespan => t.type === 'codespan' && t.text.endsWith('/'))
    .map((t) => t.text)
  const graph = tokens.find((t): t is Tokens.Code => t.type === 'code' && t.lang === 'mermaid')?.text ?? ''
  const drawn = [...graph.matchAll(/(\w+)(?:\[[^\]]*\])?\s*-->\s*(\w+)/g)].flatMap((m) => [m[1], m[2]])
  return { named: [...new Set(named)].sort(), drawn: [...new Set(drawn)].sort() }
}

describe('docs/architecture.md', () => {
  const doc = described(readFileSync('docs/architecture.md', 'utf8'))
  const folders = foldersUnder('src').sort()

  it('names every folder under src/, nested ones too, and no folder that does not exist', () => {
    expect(folders).toContain('notify/email/')
    expect(doc.named).toEqual(folders)
  })

  it('draws every top-level folder in the picture of the house, and the entry above them', () => {
    const topLevel = folders.filter((f) => f.split('/').length === 2).map((f) => f.slice(0, -1))
    expect(doc.drawn).toEqual([...topLevel, 'main'].sort())
  })

  it('which catches a folder left out, one that is gone, and one missing from the picture', () => {
    const markdown = [
      '# A',
      '```mermaid',
      'graph BT',
      '  etd --> common',
      '  main[main.ts] --> etd',
      '```',
      '## The folders',
      '### `common/`',
      'Uses `gone/` and `common/time` (a module, not a folder).',
      '## Later',
      '`etd/` named outside the section does not count.'
    ].join('\n')
    expect(described(markdown)).toEqual({ named: ['common/', 'gone/'], drawn: ['common', 'etd', 'main'] })
  })
})
