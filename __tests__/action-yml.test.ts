import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { Ajv } from 'ajv'
import { parseConfig } from '../src/config/config.js'
import { parseRespondConfig } from '../src/config/respond.js'
import { REMOVED_INPUTS } from '../src/config/removed.js'
import { SECRET_INPUTS } from '../src/config/secrets.js'
import { lint } from './helpers/workflow-lint.js'

interface ActionYml {
  name: string
  description: string
  author: string
  branding: { icon: string; color: string }
  inputs: Record<string, { description: string; required: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string }
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml
// The reference of every input and output, for users.
const reference = readFileSync('docs/inputs-and-outputs.md', 'utf8')
const SECRETS: Record<string, string> = {
  'etd-api-key': 'k',
  'etd-client-id': 'i',
  'etd-client-secret': 's',
  'smtp-url': 'smtp://smtp.example.com',
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

  it('describes every input and output, and docs/inputs-and-outputs.md documents each', () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description.length).toBeGreaterThan(10)
      expect(input.required || input.default !== undefined).toBe(true)
      expect(reference).toContain(`| \`${name}\``)
    }
    for (const [name, output] of Object.entries(action.outputs)) {
      expect(output.description.length).toBeGreaterThan(10)
      expect(reference).toContain(`| \`${name}\``)
    }
  })

  it("passes the Marketplace's rules: a name, a description under 125 characters, an author, branding", () => {
    expect(action.name).toBe('ETD Verdict Watch')
    expect(action.description.length).toBeLessThan(125)
    expect(action.author).toBe('etd-verdict-watch maintainers')
    expect(action.branding).toEqual({ icon: 'shield', color: 'red' })
  })

  it('has at most 41 inputs, none of them a removed one', () => {
    // 35 for the watch, four for commands from comments (issue 23), auto-remediate and report.
    expect(Object.keys(action.inputs).length).toBeLessThanOrEqual(41)
    expect(Object.keys(action.inputs).filter((name) => name in REMOVED_INPUTS)).toEqual([])
  })

  it('needs only the ETD secrets and mailboxes for issues, and three more lines for email', () => {
    const required = Object.entries(action.inputs)
      .filter(([, input]) => input.required)
      .map(([name]) => name)
    expect(required.sort()).toEqual(['etd-api-key', 'etd-client-id', 'etd-client-secret'])
    const env = { GITHUB_REPOSITORY: 'acme/watch' }
    const etd = { 'etd-api-key': 'k', 'etd-client-id': 'i', 'etd-client-secret': 's', mailboxes: 'ceo@example.com' }
    const issueOnly = parseConfig((name) => ({ ...etd, 'github-token': 't' })[name] ?? '', env)
    expect(issueOnly.notify).toEqual(['issue'])
    const mail = {
      'smtp-url': 'smtps://u:p@smtp.example.com',
      'email-from': 'etd@example.com',
      'email-to': 'soc@example.com'
    }
    expect(parseConfig((name) => ({ ...etd, ...mail })[name] ?? '', env).notify).toEqual(['email'])
  })
})

/**
 * Every input name parseConfig reads, over configurations that together take each branch that reads one;
 * the removed names it reads only to refuse them.
 */
function inputsRead(): Set<string> {
  const etd = { 'etd-api-key': 'k', 'etd-client-id': 'i', 'etd-client-secret': 's' }
  const mail = { 'email-from': 'etd@example.com', 'email-to': 'soc@example.com' }
  const configurations: Array<Record<string, string>> = [
    {
      ...etd,
      ...mail,
      notify: 'email, issue, webhook',
      'github-token': 't',
      'smtp-url': 'smtp://smtp.example.com',
      'webhook-url': 'json=https://hooks.example.com/x'
    },
    {
      ...etd,
      ...mail,
      'graph-tenant-id': '00000000-0000-0000-0000-000000000000',
      'graph-client-id': '00000000-0000-0000-0000-000000000000',
      'graph-client-secret': 'x'
    }
  ]
  const read = new Set<string>()
  for (const values of configurations) {
    // The watch's inputs, and those the respond flow reads besides them.
    for (const parse of [parseConfig, parseRespondConfig]) {
      try {
        parse(
          (name) => {
            if (!(name in REMOVED_INPUTS)) read.add(name)
            return values[name] ?? ''
          },
          { GITHUB_REPOSITORY: 'acme/watch' }
        )
      } catch {
        // A refused configuration has still read what it read.
      }
    }
  }
  return read
}

describe('the names in action.yml are the names in the code', () => {
  it('inputs, both ways', () => {
    const read = [...inputsRead()].sort()
    expect(read).toEqual(Object.keys(action.inputs).sort())
  })

  it('secret inputs masked by run() are inputs of action.yml', () => {
    expect(SECRET_INPUTS.filter((name) => !(name in action.inputs))).toEqual([])
  })
})

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

  it('the example watch workflow is least-privilege, serialised, sets only what differs, and keeps the report', () => {
    const example = readFileSync('.github/examples/etd-verdict-watch.yml', 'utf8')
    const workflow = parse(example) as {
      on: { schedule: unknown[]; workflow_dispatch: { inputs: Record<string, unknown> } }
      permissions: Record<string, string>
      concurrency: { group: string; 'cancel-in-progress': boolean }
      jobs: Record<
        string,
        {
          'runs-on': string
          permissions?: Record<string, string>
          steps: Array<{ id?: string; uses?: string; if?: string; with?: Record<string, string> }>
        }
      >
    }
    expect(workflow.permissions).toEqual({ contents: 'read' })
    expect(workflow.concurrency.group).toBeTruthy()
    expect(workflow.concurrency['cancel-in-progress']).toBe(false)
    expect(Object.keys(workflow.on.workflow_dispatch.inputs).sort()).toEqual(['backfill', 'dry-run', 'send-test'])
    const job = Object.values(workflow.jobs)[0]
    expect(job['runs-on']).toBe('ubuntu-slim')
    expect(job.permissions).toEqual({ contents: 'read', issues: 'write' })
    const step = job.steps.find((s) => s.uses?.includes('etd-verdict-watch'))!
    expect(step.with?.['send-test']).toBe('${{ inputs.send-test || false }}')
    // Empty on scheduled runs, so that the default applies and no backfill runs.
    expect(step.with?.backfill).toBe('${{ inputs.backfill }}')
    // Only what differs from action.yml's defaults, and no owner notices: the comment says why.
    for (const [name, value] of Object.entries(step.with ?? {})) {
      expect(name in action.inputs).toBe(true)
      expect(String(value)).not.toBe(action.inputs[name].default ?? '')
    }
    expect(step.with).not.toHaveProperty('owner-notices')
    expect(example).toMatch(/#.*owner-notices/)
    for (const secret of ['etd-api-key', 'etd-client-id', 'etd-client-secret', 'smtp-url']) {
      expect(step.with?.[secret]).toMatch(/^\$\{\{ secrets\.[A-Z_]+ \}\}$/)
    }
    // The report lives under RUNNER_TEMP, deleted after the job: kept, for a while, when the run told something.
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!
    expect(upload.if).toContain(`steps.${step.id}.outputs.new-count`)
    expect(upload.with).toMatchObject({ path: '${{ runner.temp }}/etd-verdict-watch/' })
    expect(Number(upload.with?.['retention-days'])).toBeLessThanOrEqual(14)
  })
})

const validDependabot = new Ajv({ allErrors: true, strictRequired: false }).compile(
  JSON.parse(readFileSync('__tests__/schemas/dependabot.json', 'utf8')) as object
)

/** Schema errors of a dependabot.yml, as `path message` lines. */
function lintDependabot(content: string): string[] {
  if (validDependabot(parse(content))) return []
  return (validDependabot.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
}

describe('.github/dependabot.yml', () => {
  const content = readFileSync('.github/dependabot.yml', 'utf8')

  it("passes Dependabot's schema", () => {
    expect(lintDependabot(content)).toEqual([])
  })

  it('which catches a misspelt key, an unknown interval and a bad update type', () => {
    const broken = [
      'version: 2',
      'updates:',
      '  - package-ecosystem: npm',
      '    directory: /',
      '    schedule:',
      '      interval: biweekly',
      '    groups:',
      '      all:',
      '        update-types: [minor, patches]',
      '    open-pull-request-limit: 5'
    ].join('\n')
    expect(lintDependabot(broken)).toEqual(
      expect.arrayContaining([
        '/updates/0 must NOT have additional properties',
        '/updates/0/schedule/interval must be equal to one of the allowed values',
        '/updates/0/groups/all/update-types/1 must be equal to one of the allowed values'
      ])
    )
  })

  it('updates npm and GitHub Actions weekly, grouped', () => {
    const { updates } = parse(content) as {
      updates: Array<{ 'package-ecosystem': string; schedule: { interval: string }; groups?: object }>
    }
    expect(updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm'])
    for (const update of updates) {
      expect(update.schedule.interval).toBe('weekly')
      expect(Object.keys(update.groups ?? {}).length).toBeGreaterThan(0)
    }
  })
})

/** The `uses:` of a workflow that name another repository's action, and those of them not pinned to a commit. */
function thirdPartyActions(workflow: string): { checked: string[]; unpinned: string[] } {
  const checked = [...workflow.matchAll(/^\s*(?:-\s+)?uses:\s*['"]?([^\s'"#]+)/gm)]
    .map((m) => m[1])
    .filter((uses) => !uses.startsWith('./') && !uses.startsWith('docker://') && !uses.includes('/etd-verdict-watch@'))
  return { checked, unpinned: checked.filter((uses) => !/@[0-9a-f]{40}$/.test(uses)) }
}

describe('third-party actions are pinned to a commit', () => {
  it.each(WORKFLOWS)('%s', (file) => {
    expect(thirdPartyActions(readFileSync(file, 'utf8')).unpinned).toEqual([])
  })

  it('which checks real uses: lines, and catches a tag', () => {
    const ci = thirdPartyActions(readFileSync('.github/workflows/ci.yml', 'utf8'))
    expect(ci.checked).toContain('actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683')
    const fixture = [
      'steps:',
      '  - uses: actions/checkout@v4',
      '  - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0',
      "  - uses: 'acme/tool@main'",
      '  - uses: ./',
      '  - uses: your-org/etd-verdict-watch@v1'
    ].join('\n')
    expect(thirdPartyActions(fixture)).toEqual({
      checked: ['actions/checkout@v4', 'actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020', 'acme/tool@main'],
      unpinned: ['actions/checkout@v4', 'acme/tool@main']
    })
  })
})

describe("ci.yml's output check", () => {
  const ci = parse(readFileSync('.github/workflows/ci.yml', 'utf8')) as {
    jobs: Record<string, { steps: Array<{ name?: string; run?: string }> }>
  }
  const script = ci.jobs.action.steps.find((s) => s.name === 'Check the outputs')!.run!
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'etd-ci-step-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** The step's exit code, run the way the runner runs `run:` scripts, with a report of `reported` messages. */
  const step = (env: Record<string, string>, reported: number) => {
    const report = join(dir, `report-${reported}.json`)
    writeFileSync(report, JSON.stringify({ messages: Array.from({ length: reported }, (_, i) => ({ id: `m${i}` })) }))
    return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      env: { PATH: process.env.PATH, REPORT: report, ...env },
      encoding: 'utf8'
    }).status
  }

  it('passes when every match is new and reported', () => {
    expect(step({ MATCHED: '3', NEW: '3' }, 3)).toBe(0)
  })

  it.each([
    ['nothing matched', { MATCHED: '0', NEW: '5' }, 0],
    ['nothing matched nor was new', { MATCHED: '0', NEW: '0' }, 0],
    ['the outputs are empty', { MATCHED: '', NEW: '' }, 0],
    ['fewer were new than matched', { MATCHED: '3', NEW: '2' }, 3],
    ['the report lists another number', { MATCHED: '2', NEW: '2' }, 3]
  ])('fails when %s', (_case, env, reported) => {
    expect(step(env, reported)).not.toBe(0)
  })
})
