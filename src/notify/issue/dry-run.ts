import { join, dirname } from 'node:path'
import { writeAtomically } from '../../common/files.js'
import type { Channel } from '../channel.js'
import { buildIssue } from './body.js'

/**
 * A dry run writes the issue it would open beside the report and records nothing, so it comes last, to
 * show what the others would have done. It needs no GitHub client, which stays unloaded.
 */
export function dryRunIssueChannel(): Channel {
  return {
    name: 'Issue',
    async deliver(batch, notes) {
      const content = buildIssue({ ...batch, notes: [...notes] })
      const issuePath = join(dirname(batch.reportPath), 'issue.md')
      await writeAtomically(issuePath, `# ${content.title}\n\n${content.body}`)
      return {
        note: `Dry run: the issue was written to ${issuePath}, not opened.`,
        notified: false,
        outputs: { 'issue-path': issuePath }
      }
    }
  }
}
