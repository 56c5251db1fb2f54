import { describe, expect, it } from '@jest/globals'
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { parseAction } from '@actions/workflow-parser/actions/action-parser'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { parseConfig } from '../src/config/config.js'

interface ActionYml {
  inputs: Record<string, { description: string; required: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string }
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml
const readme = readFileSync('README.md', 'utf8')
const SECRETS: Record<string, string> = {
  'etd-api-key': 'k',
  'etd-client-id': 'i',
  'etd-client-secret': 's',
  'smtp-host': 'smtp.example.com',
  'email-from': 'etd@example.com',
  'email-to': 'soc@example.com'
}
const WORKFLOWS = ['.github/workflows', '.github/examples'].flatMap((d) => readdirSync(d).map((f) => join(d, f)))

describe('action.yml', () => {
  it('runs the bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  it('has defaults that mean what the code does without them', () => {
    // Run directly (node dist/index.js, a crontab) the runner applies no defaults: the code must agree,
    // except where the default is an expression only the runner can evaluate.
    const literal = (name: string) => {
      const value = action.inputs[name]?.default ?? ''
      return value.startsWith('${{') ? '' : value
    }
    const withDefaults = parseConfig((name) => SECRETS[name] ?? literal(name), {})
    const without = parseConfig((name) => SECRETS[name] ?? '', {})
    expect(withDefaults).toEqual(without)
  })

  it('describes every input and output, and the README documents each', () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description.length).toBeGreaterThan(10)
      expect(input.required || input.default !== undefined).toBe(true)
      expect(readme).toContain(`| \`${name}\``)
    }
    for (const [name, output] of Object.entries(action.outputs)) {
      expect(output.description.length).toBeGreaterThan(10)
      expect(readme).toContain(`| \`${name}\``)
    }
  })
})

/** Errors from GitHub's own parser (the one behind the Actions VS Code extension) and its schemas. */
async function lint(name: string, content: string): Promise<string[]> {
  if (name.endsWith('action.yml')) {
    return parseAction({ name, content }, new NoOperationTraceWriter())
      .context.errors.getErrors()
      .map((e) => e.message)
  }
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter())
  const errors = parsed.context.errors.getErrors().map((e) => e.message)
  if (!parsed.value) return errors
  const converted = await convertWorkflowTemplate(parsed.context, parsed.value)
  return [...new Set([...errors, ...(converted.errors ?? []).map((e) => e.Message)])]
}

describe("workflows and action.yml pass GitHub's workflow parser", () => {
  it.each(['action.yml', ...WORKFLOWS])('%s', async (file) => {
    expect(await lint(file, readFileSync(file, 'utf8'))).toEqual([])
  })

  it('which does catch mistakes', async () => {
    const broken =
      'on: push\npermissions:\n  issues: maybe\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.x( }}\n'
    expect(await lint('broken.yml', broken)).toEqual([
      "broken.yml (Line: 3, Col: 11): Unexpected value 'maybe'",
      "broken.yml (Line: 8, Col: 14): Unexpected symbol: '('"
    ])
    const badAction =
      'name: x\ndescription: y\ninputs:\n  a:\n    required: maybe\nruns:\n  using: node24\n  main: index.js\n'
    expect(await lint('action.yml', badAction)).toEqual(["action.yml (Line: 5, Col: 15): Unexpected value 'maybe'"])
  })

  it('the example watch workflow is least-privilege, serialised, and reads credentials from secrets', () => {
    const example = readFileSync('.github/examples/etd-verdict-watch.yml', 'utf8')
    const workflow = parse(example) as {
      on: { schedule: unknown[]; workflow_dispatch: { inputs: Record<string, unknown> } }
      permissions: Record<string, string>
      concurrency: { group: string; 'cancel-in-progress': boolean }
      jobs: Record<
        string,
        { permissions?: Record<string, string>; steps: Array<{ uses?: string; with?: Record<string, string> }> }
      >
    }
    expect(workflow.permissions).toEqual({ contents: 'read' })
    expect(workflow.concurrency['cancel-in-progress']).toBe(false)
    expect(Object.keys(workflow.on.workflow_dispatch.inputs).sort()).toEqual(['dry-run', 'lookback'])
    const job = Object.values(workflow.jobs)[0]
    expect(job.permissions).toEqual({ contents: 'read', issues: 'write' })
    const step = job.steps.find((s) => s.uses?.includes('etd-verdict-watch'))!
    for (const secret of ['etd-api-key', 'etd-client-id', 'etd-client-secret', 'smtp-url']) {
      expect(step.with?.[secret]).toMatch(/^\$\{\{ secrets\.[A-Z_]+ \}\}$/)
    }
    // Third-party actions pinned to a commit.
    for (const uses of example.matchAll(/uses: ([^\s]+)/g)) {
      if (!uses[1].includes('etd-verdict-watch')) expect(uses[1]).toMatch(/@[0-9a-f]{40}$/)
    }
  })
})
