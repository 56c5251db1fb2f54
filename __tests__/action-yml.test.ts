import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
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

describe('action.yml', () => {
  it('runs the bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  it('has defaults that mean what the code does without them', () => {
    // Run directly (node dist/index.js, a crontab) the runner applies no defaults: the code must agree.
    const withDefaults = parseConfig((name) => SECRETS[name] ?? action.inputs[name]?.default ?? '', {})
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
