import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { major } from 'semver'
import { parse } from 'yaml'
import { releaseNotes, releaseOf } from '../scripts/release/plan.js'
import { REMOVED_INPUTS } from '../src/config/removed.js'

describe('releaseOf: the tag the release workflow was pushed', () => {
  it.each([
    ['v1.0.0', '1.0.0', { version: '1.0.0', major: 'v1', prerelease: false }],
    ['v1.4.12', '1.4.12', { version: '1.4.12', major: 'v1', prerelease: false }],
    ['v2.0.0', '2.0.0', { version: '2.0.0', major: 'v2', prerelease: false }],
    ['v0.2.0', '0.2.0', { version: '0.2.0', major: 'v0', prerelease: false }],
    ['v10.0.1', '10.0.1', { version: '10.0.1', major: 'v10', prerelease: false }]
  ])('%s moves the major tag', (tag, version, expected) => {
    expect(releaseOf(tag, version)).toEqual(expected)
  })

  it('a pre-release moves no major tag: users of v1 do not get a release candidate', () => {
    expect(releaseOf('v2.0.0-rc.1', '2.0.0-rc.1')).toEqual({ version: '2.0.0-rc.1', prerelease: true })
  })

  it.each(['1.2.3', 'v1.2', 'v1', 'v01.2.3', 'v1.2.3.4', 'release-1.2.3', 'v1.2.3 '])('refuses the tag %p', (tag) => {
    expect(() => releaseOf(tag, '1.2.3')).toThrow(
      `Tag '${tag}' is not a release tag; expected vX.Y.Z (or vX.Y.Z-pre), as npm version makes.`
    )
  })

  it("refuses a tag that is not package.json's version", () => {
    expect(() => releaseOf('v1.2.4', '1.2.3')).toThrow(
      "Tag 'v1.2.4' does not match package.json's version 1.2.3; tag what npm version wrote."
    )
  })
})

describe('releaseNotes: the CHANGELOG section of the version', () => {
  const changelog = [
    '# Changelog',
    '',
    '## [Unreleased]',
    '',
    '- Next thing.',
    '',
    '## [1.10.0] - 2027-02-01',
    '',
    '### Added',
    '',
    '- Ten.',
    '',
    '## [1.1.0] - 2027-01-01',
    '',
    '- One.',
    '',
    '## [1.0.0]',
    '',
    '[1.10.0]: https://github.com/acme/x/compare/v1.1.0...v1.10.0',
    '[1.1.0]: https://github.com/acme/x/compare/v1.0.0...v1.1.0'
  ].join('\n')

  it('is the section between its heading and the next', () => {
    expect(releaseNotes(changelog, '1.10.0')).toBe('### Added\n\n- Ten.')
    expect(releaseNotes(changelog, '1.1.0')).toBe('- One.')
  })

  it('refuses a version without a section, or with an empty one', () => {
    expect(() => releaseNotes(changelog, '1.2.0')).toThrow("CHANGELOG.md has no section '## [1.2.0]'")
    expect(() => releaseNotes(changelog, '1.0.0')).toThrow("CHANGELOG.md's section '## [1.0.0]' is empty.")
  })

  it("finds the current version's notes in this project's CHANGELOG.md", () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    expect(version).toBe('1.0.0')
    const notes = releaseNotes(readFileSync('CHANGELOG.md', 'utf8'), version)
    expect(notes).toMatch(/^### Removed\n/)
    // Every input that v1 refuses is in the release notes, with its new way beside it.
    for (const name of Object.keys(REMOVED_INPUTS))
      expect(notes).toMatch(new RegExp(`^\\| [^\n]*\`${name}\`[^\n]* \\| \\S`, 'm'))
  })
})

interface Step {
  name?: string
  id?: string
  if?: string
  env?: Record<string, string>
  run?: string
}
const release = parse(readFileSync('.github/workflows/release.yml', 'utf8')) as {
  jobs: { release: { steps: Step[] } }
}
const steps = release.jobs.release.steps
const moveStep = steps.find((s) => s.name === 'Move the major tag to this release')!

describe("the release workflow's tag check", () => {
  it('prints the outputs that the later steps read, as GITHUB_OUTPUT lines', () => {
    const check = steps.find((s) => s.id === 'tag')!
    expect(check.run).toContain('scripts/release.ts "$TAG"')
    expect(check.run).toContain('>> "$GITHUB_OUTPUT"')
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    const dir = mkdtempSync(join(tmpdir(), 'etd-release-notes-'))
    try {
      const printed = execFileSync(
        'node',
        ['node_modules/.bin/tsx', 'scripts/release.ts', `v${version}`, '--notes', join(dir, 'notes.md')],
        { encoding: 'utf8' }
      )
      const outputs = Object.fromEntries(
        printed
          .trim()
          .split('\n')
          .map((line) => line.split('=') as [string, string])
      )
      expect(outputs).toEqual({ version, major: `v${major(version)}`, prerelease: 'false' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    // The step that moves the major tag runs only when there is one (a pre-release has none).
    expect(moveStep.if).toBe("${{ steps.tag.outputs.major != '' }}")
    expect(moveStep.env).toEqual({
      MAJOR: '${{ steps.tag.outputs.major }}',
      TAG: '${{ github.ref_name }}'
    })
  })
})

describe('the release workflow moves the major tag to each release', () => {
  let dir: string
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim()

  /** Commits in the clone and pushes its release tag, as `npm version` and `git push --follow-tags` do. */
  function releaseCommit(tag: string): string {
    const clone = join(dir, 'clone')
    git(clone, 'commit', '--allow-empty', '--quiet', '-m', tag)
    git(clone, 'tag', '--annotate', tag, '-m', tag)
    git(clone, 'push', '--quiet', 'origin', 'HEAD:main', tag)
    return git(clone, 'rev-parse', 'HEAD')
  }

  /** The step's script, run as the runner runs it, in a checkout of the tag; its exit status. */
  function runStep(tag: string, sha: string): number | null {
    const checkout = join(dir, `checkout-${tag}`)
    git(dir, 'clone', '--quiet', join(dir, 'origin.git'), checkout)
    git(checkout, 'checkout', '--quiet', '--detach', sha)
    const env = { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_NOSYSTEM: '1', MAJOR: 'v1', TAG: tag, GITHUB_SHA: sha }
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', moveStep.run!], {
      cwd: checkout,
      env,
      encoding: 'utf8'
    })
    return result.status
  }

  /** Where the remote's tag points, and its message. */
  const remoteTag = (name: string) => {
    const origin = join(dir, 'origin.git')
    return {
      commit: git(origin, 'rev-parse', `${name}^{commit}`),
      message: git(origin, 'tag', '--list', '--format=%(contents:subject)', name)
    }
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'etd-release-'))
    git(dir, 'init', '--quiet', '--bare', '--initial-branch=main', 'origin.git')
    git(dir, 'clone', '--quiet', join(dir, 'origin.git'), 'clone')
    const clone = join(dir, 'clone')
    git(clone, 'config', 'user.name', 'Maintainer')
    git(clone, 'config', 'user.email', 'maintainer@example.com')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('v1.0.0 creates v1 on its commit, and v1.1.0 moves it there, annotated with the release', () => {
    const first = releaseCommit('v1.0.0')
    expect(runStep('v1.0.0', first)).toBe(0)
    expect(remoteTag('v1')).toEqual({ commit: first, message: 'v1: v1.0.0' })

    const second = releaseCommit('v1.1.0')
    expect(runStep('v1.1.0', second)).toBe(0)
    expect(remoteTag('v1')).toEqual({ commit: second, message: 'v1: v1.1.0' })
    // The release tags themselves stay where they were.
    expect(remoteTag('v1.0.0').commit).toBe(first)
  })
})
