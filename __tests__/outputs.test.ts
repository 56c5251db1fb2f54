// The output names: one table in src/outputs.ts, the same as action.yml's outputs, and the only place that sets one.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { OUTPUT } from '../src/outputs.js'

const action = parse(readFileSync('action.yml', 'utf8')) as { outputs: Record<string, unknown> }

describe('the outputs', () => {
  it('are the outputs of action.yml, both ways', () => {
    const named = Object.values(OUTPUT)
    expect(named.filter((name) => !(name in action.outputs))).toEqual([])
    expect(Object.keys(action.outputs).filter((name) => !(named as string[]).includes(name))).toEqual([])
    expect(new Set(named).size).toBe(named.length)
  })

  it('are set by src/outputs.ts alone, and elsewhere only by their constant', () => {
    const sources = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'))
    const offenders: string[] = []
    for (const file of sources) {
      const text = readFileSync(join('src', file), 'utf8')
      if (file !== 'outputs.ts' && /\bcore\.setOutput\(/.test(text)) offenders.push(`${file}: core.setOutput`)
      for (const call of text.matchAll(/\bsetOutput\((?!\s*(?:OUTPUT\.|name\b))/g))
        offenders.push(`${file}: setOutput at ${call.index}`)
    }
    expect(offenders).toEqual([])
  })
})
