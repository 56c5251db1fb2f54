// The release workflow's check of a pushed tag: prints version=, major= and prerelease= for GITHUB_OUTPUT
// and writes the CHANGELOG section of the version to the notes file.
//   tsx scripts/release.ts v1.2.3 --notes "$RUNNER_TEMP/notes.md"
import { readFile, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { releaseNotes, releaseOf } from './release/plan.js'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { notes: { type: 'string' } }
})
try {
  if (positionals.length !== 1 || !values.notes) throw new Error('usage: release.ts <tag> --notes <file>')
  const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string }
  const release = releaseOf(positionals[0], version)
  await writeFile(values.notes, releaseNotes(await readFile('CHANGELOG.md', 'utf8'), release.version) + '\n')
  console.log(`version=${release.version}\nmajor=${release.major ?? ''}\nprerelease=${release.prerelease}`)
} catch (error) {
  console.error((error as Error).message)
  process.exitCode = 1
}
