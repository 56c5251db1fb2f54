/** What a release tag means: the version, and the major tag that follows it (none for a pre-release). */
export interface Release {
  version: string
  /** `v1` for v1.4.2: the tag users pin, moved to every release of that major version. */
  major?: string
  prerelease: boolean
}

const TAG = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/

/** Checks a pushed tag against package.json's version (as `npm version` set them both), in one line. */
export function releaseOf(tag: string, packageVersion: string): Release {
  const parts = TAG.exec(tag)
  if (!parts)
    throw new Error(`Tag '${tag}' is not a release tag; expected vX.Y.Z (or vX.Y.Z-pre), as npm version makes.`)
  const version = tag.slice(1)
  if (version !== packageVersion) {
    throw new Error(`Tag '${tag}' does not match package.json's version ${packageVersion}; tag what npm version wrote.`)
  }
  const prerelease = parts[4] !== undefined
  const major = prerelease ? undefined : `v${parts[1]}`
  return { version, major, prerelease }
}

/** The CHANGELOG section `## [1.2.3]` (Keep a Changelog), without its heading: the release notes. */
export function releaseNotes(changelog: string, version: string): string {
  const lines = changelog.split(/\r?\n/)
  const start = lines.findIndex((line) => new RegExp(`^## \\[?${version.replace(/\./g, '\\.')}\\]?(\\s|$)`).test(line))
  if (start === -1) throw new Error(`CHANGELOG.md has no section '## [${version}]': write the release notes first.`)
  const end = lines.findIndex((line, i) => i > start && /^## /.test(line))
  const notes = lines
    .slice(start + 1, end === -1 ? undefined : end)
    .join('\n')
    .replace(/\n\[[^\]]+\]: \S+/g, '')
    .trim()
  if (notes === '') throw new Error(`CHANGELOG.md's section '## [${version}]' is empty.`)
  return notes
}
