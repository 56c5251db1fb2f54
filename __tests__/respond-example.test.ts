import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { lint } from './helpers/workflow-lint.js'

interface Workflow {
  on: Record<string, { types?: string[] } | null>
  permissions: Record<string, string>
  concurrency: { group: string; 'cancel-in-progress': boolean }
  jobs: Record<
    string,
    {
      if?: string
      environment?: string
      permissions?: Record<string, string>
      steps: Array<{ uses?: string; run?: string; with?: Record<string, string> }>
    }
  >
}

const text = readFileSync('.github/examples/etd-respond.yml', 'utf8')
const respond = parse(text) as Workflow
const watch = parse(readFileSync('.github/examples/etd-verdict-watch.yml', 'utf8')) as Workflow
const action = parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, { default?: string }> }
const [job] = Object.values(respond.jobs)

/** `run:` steps that put the comment (or any event text) into the shell: a command injection. */
const injected = (workflow: Workflow) =>
  Object.values(workflow.jobs)
    .flatMap((j) => j.steps)
    .filter((step) => step.run !== undefined && /\$\{\{[^}]*github\.event\./.test(step.run))

describe('the example respond workflow', () => {
  it("passes GitHub's workflow parser", async () => {
    expect(await lint('etd-respond.yml', text)).toEqual([])
  })

  it('runs on new comments only, with issues: write and nothing else', () => {
    expect(respond.on).toEqual({ issue_comment: { types: ['created'] } })
    expect(respond.permissions).toEqual({})
    expect(job.permissions).toEqual({ issues: 'write' })
  })

  it('shares the watch’s concurrency group and state, and keeps the writing ETD client in an Environment', () => {
    expect(respond.concurrency).toEqual(watch.concurrency)
    expect(job.environment).toBeTruthy()
    const step = job.steps.find((s) => s.uses?.includes('etd-verdict-watch'))!
    // The watch's default state key: its workflow file and its job.
    expect(step.with?.['state-key']).toBe(`etd-verdict-watch-etd-verdict-watch-${Object.keys(watch.jobs)[0]}`)
    for (const secret of ['etd-api-key', 'etd-client-id', 'etd-client-secret']) {
      expect(step.with?.[secret]).toMatch(/^\$\{\{ secrets\.[A-Z_]+ \}\}$/)
    }
    for (const [name, value] of Object.entries(step.with ?? {})) {
      expect(name in action.inputs).toBe(true)
      expect(String(value)).not.toBe(action.inputs[name].default ?? '')
    }
  })

  it('never puts the comment into a run: step, and skips what is no command before a runner starts', () => {
    expect(injected(respond)).toEqual([])
    expect(job.if).toContain("startsWith(github.event.comment.body, '/etd')")
    expect(job.if).toContain('!github.event.issue.pull_request')
  })

  it('which check does catch an interpolated comment', () => {
    const unsafe: Workflow = {
      ...respond,
      jobs: { respond: { ...job, steps: [{ run: 'echo "${{ github.event.comment.body }}"' }] } }
    }
    expect(injected(unsafe)).toHaveLength(1)
  })
})
