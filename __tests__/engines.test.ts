import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import semver from 'semver'
import { parse } from 'yaml'

interface Locked {
  engines?: { node?: unknown }
  dev?: boolean
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
const declared = (json('package.json').engines as { node: string }).node
const locked = Object.entries((json('package-lock.json') as { packages: Record<string, Locked> }).packages)
const ci = parse(readFileSync('.github/workflows/ci.yml', 'utf8')) as {
  jobs: Record<string, { steps: Array<{ with?: { 'node-version'?: unknown } }> }>
}

describe('engines, the dependencies and the Node that CI runs agree', () => {
  it('every locked package accepts every Node that package.json accepts, so npm ci warns no EBADENGINE', () => {
    const narrower = locked
      .filter(([path, pkg]) => path !== '' && typeof pkg.engines?.node === 'string')
      .filter(([, pkg]) => !semver.subset(declared, pkg.engines!.node as string))
      .map(([path, pkg]) => `${path.replace(/^.*node_modules\//, '')} wants ${String(pkg.engines!.node)}`)
    expect(narrower).toEqual([])
  })

  it('the Node versions CI tests on and the action runs on are within engines', () => {
    const majors = Object.values(ci.jobs).flatMap((job) =>
      job.steps.flatMap((step) =>
        step.with?.['node-version'] === undefined ? [] : [String(step.with['node-version'])]
      )
    )
    expect([...new Set(majors)].sort()).toEqual(['20', '24'])
    // setup-node takes the newest release of a major; engines accepts the newer releases of each.
    for (const major of majors) expect(semver.intersects(`^${major}`, declared)).toBe(true)
    const node24 = /^NODE24_VERSION=(\S+)$/m.exec(readFileSync('.ci/run', 'utf8'))?.[1]
    expect(semver.satisfies(node24 ?? '', declared)).toBe(true)
    expect((parse(readFileSync('action.yml', 'utf8')) as { runs: { using: string } }).runs.using).toBe('node24')
    expect(semver.satisfies(process.version, declared)).toBe(true)
  })
})
