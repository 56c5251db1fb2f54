import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
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
