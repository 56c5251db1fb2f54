import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import GithubSlugger from 'github-slugger'
import { marked, type Token, type Tokens } from 'marked'
import { parse, stringify } from 'yaml'
import { SECRET_INPUTS } from '../src/config/secrets.js'
import { lint } from './helpers/workflow-lint.js'

/** What users read: the README and docs/. */
const USER_DOCS = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f))
]
/** Every Markdown file whose links must lead somewhere. */
const ALL_DOCS = [...USER_DOCS, 'CONTRIBUTING.md', 'SECURITY.md', 'CHANGELOG.md']

interface ActionYml {
  inputs: Record<string, { required?: boolean; default?: string }>
  outputs: Record<string, unknown>
}
const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml

/** Every token of a Markdown text, nested ones (in lists, quotes, tables) included. */
function tokensOf(markdown: string): Token[] {
  const all: Token[] = []
  marked.walkTokens(marked.lexer(markdown), (token) => {
    all.push(token)
  })
  return all
}

const codeBlocks = (markdown: string, langs: string[]) =>
  tokensOf(markdown).filter((t): t is Tokens.Code => t.type === 'code' && langs.includes(t.lang ?? ''))

interface Step {
  uses?: string
  with?: Record<string, unknown>
}
interface Job {
  permissions?: Record<string, string>
  steps?: Step[]
}
interface Workflow {
  permissions?: Record<string, string>
  jobs?: Record<string, Job>
}

/**
 * A ```yaml snippet as the workflow it is or belongs in: a whole workflow as written, a list of steps as
 * the steps of a job. Anything else is an error: every snippet is something a user can paste.
 */
function asWorkflow(snippet: string): { workflow: Workflow; text: string; whole: boolean } {
  const value = parse(snippet) as unknown
  if (Array.isArray(value)) {
    const workflow = { on: 'workflow_dispatch', jobs: { watch: { 'runs-on': 'ubuntu-slim', steps: value as Step[] } } }
    return { workflow, text: stringify(workflow), whole: false }
  }
  if (value !== null && typeof value === 'object' && 'jobs' in value && 'on' in value) {
    return { workflow: value as Workflow, text: snippet, whole: true }
  }
  throw new Error(`a yaml snippet that is neither a workflow (on:, jobs:) nor a list of steps:\n${snippet}`)
}

/** What is wrong with the steps of a workflow that use this action: unknown inputs, missing or plain secrets. */
function watchStepProblems(workflow: Workflow, whole: boolean): string[] {
  const problems: string[] = []
  const steps = Object.values(workflow.jobs ?? {}).flatMap((job) => job.steps ?? [])
  for (const step of steps.filter((s) => /(^|\/)etd-verdict-watch@/.test(s.uses ?? ''))) {
    const given = step.with ?? {}
    for (const [name, value] of Object.entries(given)) {
      if (!(name in action.inputs)) problems.push(`unknown input ${name}`)
      else if (SECRET_INPUTS.includes(name) && !/^\$\{\{.+\}\}$/.test(String(value))) {
        problems.push(`secret input ${name} given as plain text, not from secrets`)
      }
    }
    // A snippet of steps may show only what it is about; a whole workflow runs as pasted.
    if (whole) {
      for (const [name, input] of Object.entries(action.inputs)) {
        if (input.required && !(name in given)) problems.push(`required input ${name} missing`)
      }
    }
  }
  return problems
}

/**
 * The permissions a whole workflow's watch steps need and its jobs lack: `issues: write` for the issue
 * channel (named in `notify`, or `auto` with neither email nor webhooks, as the v1 interface decides),
 * `id-token: write` for Graph signed in with the job's OIDC token, `actions: write` for `state-prune`.
 */
function missingPermissions(workflow: Workflow): string[] {
  const missing: string[] = []
  for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
    const granted = job.permissions ?? workflow.permissions ?? {}
    for (const step of (job.steps ?? []).filter((s) => /(^|\/)etd-verdict-watch@/.test(s.uses ?? ''))) {
      const given = (input: string) => String(step.with?.[input] ?? '').trim() !== ''
      const notify = String(step.with?.notify ?? 'auto')
      const issues = notify === 'auto' ? !given('email-to') && !given('webhook-url') : /\bissue\b/.test(notify)
      const oidc = given('graph-tenant-id') && !given('graph-client-secret') && !given('graph-certificate')
      const prune = String(step.with?.['state-prune'] ?? '') === 'true'
      const needs: Array<[boolean, string]> = [
        [issues, 'issues'],
        [oidc, 'id-token'],
        [prune, 'actions']
      ]
      for (const [needed, scope] of needs) {
        if (needed && granted[scope] !== 'write') missing.push(`${name}: ${scope}: write`)
      }
    }
  }
  return missing
}

const snippets = USER_DOCS.flatMap((file) =>
  codeBlocks(readFileSync(file, 'utf8'), ['yaml', 'yml']).map((block, i) => [`${file} snippet ${i + 1}`, block.text])
)

describe('every yaml snippet of the README and docs/', () => {
  it('there are some, the README has one whole workflow, and every recipe has one', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(7)
    const wholeIn = (file: string) => snippets.filter(([n, t]) => n.startsWith(`${file} `) && asWorkflow(t).whole)
    expect(wholeIn('README.md')).toHaveLength(1)
    expect(wholeIn('docs/recipes.md').length).toBeGreaterThanOrEqual(4)
  })

  it.each(snippets)("%s passes GitHub's workflow parser and names only inputs of action.yml", async (name, text) => {
    const { workflow, text: content, whole } = asWorkflow(text)
    expect(await lint(`${name}.yml`, content)).toEqual([])
    expect(watchStepProblems(workflow, whole)).toEqual([])
    if (whole) expect(missingPermissions(workflow)).toEqual([])
  })

  it('which catches a job without the permissions its channels need', () => {
    const job = (permissions: Record<string, string>, inputs: Record<string, string>) => ({
      jobs: { watch: { permissions, steps: [{ uses: 'acme/etd-verdict-watch@v1', with: inputs }] } }
    })
    const read = { contents: 'read' }
    expect(missingPermissions(job(read, {}))).toEqual(['watch: issues: write'])
    expect(missingPermissions(job(read, { 'email-to': 'soc@example.com' }))).toEqual([])
    expect(missingPermissions(job(read, { 'webhook-url': 'x', notify: 'webhook, issue' }))).toEqual([
      'watch: issues: write'
    ])
    const graph = { 'email-to': 'soc@example.com', 'graph-tenant-id': 't', 'state-prune': 'true' }
    expect(missingPermissions(job(read, graph))).toEqual(['watch: id-token: write', 'watch: actions: write'])
    expect(missingPermissions(job(read, { ...graph, 'graph-client-secret': 's', notify: 'email' }))).toEqual([
      'watch: actions: write'
    ])
    // The workflow's permissions count for a job that sets none, and not for one that sets its own.
    const steps = [{ uses: 'acme/etd-verdict-watch@v1' }]
    expect(missingPermissions({ permissions: { issues: 'write' }, jobs: { watch: { steps } } })).toEqual([])
    expect(missingPermissions({ permissions: { issues: 'write' }, jobs: job(read, {}).jobs })).toEqual([
      'watch: issues: write'
    ])
  })

  it('which catches an input that does not exist, a missing one, a secret in plain text, and bad syntax', async () => {
    const workflow = [
      'on: { schedule: [{ cron: "*/10 * * * *" }] }',
      'jobs:',
      '  watch:',
      '    runs-on: ubuntu-slim',
      '    steps:',
      '      - uses: acme/etd-verdict-watch@v1',
      '        with:',
      '          etd-api-key: ${{ secrets.ETD_API_KEY }}',
      '          etd-client-id: abc',
      '          mailbox: ceo@example.com'
    ].join('\n')
    const { workflow: parsed, whole } = asWorkflow(workflow)
    expect(watchStepProblems(parsed, whole).sort()).toEqual([
      'required input etd-client-secret missing',
      'secret input etd-client-id given as plain text, not from secrets',
      'unknown input mailbox'
    ])
    // A list of steps is checked for what it names, not for what it leaves to the rest of the workflow.
    const steps = asWorkflow('- uses: acme/etd-verdict-watch@v1\n  with:\n    mailbox: x\n')
    expect(watchStepProblems(steps.workflow, steps.whole)).toEqual(['unknown input mailbox'])
    expect(await lint('steps.yml', asWorkflow('- uses: x/y@v1\n  if: ${{ github.x( }}\n').text)).not.toEqual([])
    expect(() => asWorkflow('runs-on: ubuntu-slim\nsteps: []\n')).toThrow('neither a workflow')
  })
})

/** The commands .ci/run and the workflows run: a line of either, as written. */
const ranLines = [
  ...readFileSync('.ci/run', 'utf8').split('\n'),
  ...readdirSync('.github/workflows').flatMap((file) => {
    const workflow = parse(readFileSync(join('.github/workflows', file), 'utf8')) as {
      jobs: Record<string, { steps: Array<{ run?: string }> }>
    }
    return Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((s) => (s.run ?? '').split('\n')))
  })
]

/** The commands of a shell snippet that no line of CI runs: each `a && b` part, comments and prompts aside. */
function unrunCommands(snippet: string, ran: string[]): string[] {
  const commands = snippet
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').replace(/^\$\s+/, ''))
    .flatMap((line) => line.split('&&'))
    .map((command) => command.trim().replace(/\s+/g, ' '))
    .filter(Boolean)
  const runs = (command: string) =>
    ran.some((line) => {
      const at = line.indexOf(command)
      return at >= 0 && (at + command.length === line.length || line[at + command.length] === ' ')
    })
  return commands.filter((command) => !runs(command))
}

describe('every shell command of the README and docs/ runs in CI', () => {
  const shells = USER_DOCS.flatMap((file) => {
    const markdown = readFileSync(file, 'utf8')
    // A command in running text counts as much as one in a block.
    const inline = tokensOf(markdown).filter(
      (t): t is Tokens.Codespan => t.type === 'codespan' && /^(npm|npx|node|bash|tsx|\.ci\/run)\b/.test(t.text)
    )
    return [...codeBlocks(markdown, ['sh', 'bash', 'shell', 'console']), ...inline].map((t) => [file, t.text])
  })

  it.each(shells)('%s: %s', (_file, text) => {
    expect(unrunCommands(text, ranLines)).toEqual([])
  })

  it('the README shows how to set up and prove a clone', () => {
    expect(shells.filter(([file]) => file === 'README.md').map(([, text]) => text)).toContainEqual(
      expect.stringMatching(/^npm ci && npm run demo\b[^]*\nnpm test\b/)
    )
  })

  it('which catches a command CI does not run, and an option it does not pass', () => {
    const ran = ['limit 15m npm ci --no-audit --no-fund', 'limit 5m npm run demo -- --out "$demo_out"']
    expect(unrunCommands('npm ci && npm run demo   # the demo\n$ npm run demo -- --out "$demo_out"', ran)).toEqual([])
    expect(unrunCommands('npm ci && npm run demos\nnpm run demo -- --fresh\nnpm run \\\n  mutate', ran)).toEqual([
      'npm run demos',
      'npm run demo -- --fresh',
      'npm run mutate'
    ])
  })
})

/** Heading anchors of a Markdown text, as GitHub makes them. */
function anchorsOf(markdown: string): Set<string> {
  const slugger = new GithubSlugger()
  return new Set(
    tokensOf(markdown)
      .filter((t): t is Tokens.Heading => t.type === 'heading')
      .map((t) => slugger.slug(t.text))
  )
}

/** Links and images of a Markdown file that lead nowhere: a missing file, or a missing heading. */
function brokenLinks(file: string, markdown: string, read: (path: string) => string | undefined): string[] {
  return tokensOf(markdown)
    .filter((t): t is Tokens.Link | Tokens.Image => t.type === 'link' || t.type === 'image')
    .map((t) => t.href)
    .filter((href) => !/^[a-z]+:/i.test(href))
    .filter((href) => {
      const [path, anchor] = href.split('#')
      const target = path === '' ? file : normalize(join(dirname(file), path))
      const text = read(target)
      if (text === undefined) return true
      return anchor !== undefined && target.endsWith('.md') && !anchorsOf(text).has(anchor)
    })
}

const readIfThere = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined)

describe('links between the docs', () => {
  it.each(ALL_DOCS)('%s links only to files and headings that exist', (file) => {
    expect(brokenLinks(file, readFileSync(file, 'utf8'), readIfThere)).toEqual([])
  })

  it('which catches a missing file, a missing heading and a missing image', () => {
    const files: Record<string, string> = { 'docs/a.md': '# Title\n\n## How it works\n', 'docs/images/x.png': '' }
    const markdown =
      '[ok](a.md#how-it-works) [self](#title) [up](../docs/a.md) [web](https://example.com/x)\n' +
      '[gone](b.md) [heading](a.md#how-it-fails) ![pic](images/y.png) ![ok](images/x.png)'
    expect(brokenLinks('docs/a.md', markdown, (path) => files[path])).toEqual([
      'b.md',
      'a.md#how-it-fails',
      'images/y.png'
    ])
  })
})

describe('docs/inputs-and-outputs.md', () => {
  const reference = readFileSync('docs/inputs-and-outputs.md', 'utf8')
  // The tables of inputs and of outputs, not the one of the names 0.x had.
  const rows = tokensOf(reference)
    .filter((t): t is Tokens.Table => t.type === 'table' && ['Input', 'Output'].includes(t.header[0].text))
    .flatMap((table) => table.rows.map((cells) => cells.map((cell) => cell.text)))
  const named = rows.map((cells) => /^`([a-z-]+)`$/.exec(cells[0])?.[1]).filter((name) => name !== undefined)

  it('has a row for every input and output of action.yml, and for nothing else', () => {
    expect([...new Set(named)].sort()).toEqual([...Object.keys(action.inputs), ...Object.keys(action.outputs)].sort())
  })

  it("gives each input's default as action.yml has it", () => {
    // An input's row: name, default, meaning. A default in a code span is the literal of action.yml.
    for (const cells of rows) {
      const name = /^`([a-z-]+)`$/.exec(cells[0])?.[1]
      const literal = /^`([^`]*)`$/.exec(cells[1] ?? '')?.[1]
      if (name === undefined || !(name in action.inputs) || literal === undefined) continue
      expect(`${name}: ${literal}`).toBe(`${name}: ${action.inputs[name].default ?? ''}`)
    }
  })
})
