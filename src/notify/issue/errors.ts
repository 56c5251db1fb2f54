import { redactReply } from '../../common/redact.js'

/** The repository a GitHub request was about. */
export interface Repository {
  owner: string
  repo: string
}

/** A failure of the GitHub API, worded for the workflow log. */
export class IssueError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'IssueError'
  }
}

/** A failed GitHub request as one line: what the token or the workflow lacks, when that is the cause. */
export function explain(error: unknown, doing: string, config: Repository): IssueError {
  const e = error as {
    status?: number
    message?: string
    response?: { data?: { message?: string; errors?: Array<{ message?: string; field?: string; code?: string }> } }
  }
  const data = e.response?.data
  const details = (data?.errors ?? []).map((d) => d.message ?? `${d.field} ${d.code}`).join('; ')
  const reason = redactReply(`${data?.message ?? e.message ?? String(error)}${details ? ` (${details})` : ''}`)
  const repo = `${config.owner}/${config.repo}`
  if (e.status === 401) return new IssueError(`GitHub rejected github-token while ${doing} (401 ${reason}).`)
  if (e.status === 403 && /not accessible by integration/i.test(reason)) {
    return new IssueError(
      `GitHub refused ${doing} in ${repo} (403 ${reason}): the workflow's token needs the issues: write permission; add it to the job's permissions block.`
    )
  }
  if (e.status === 404)
    return new IssueError(`GitHub found no repository ${repo}, or github-token cannot see it, while ${doing} (404).`)
  return new IssueError(`GitHub failed ${doing} in ${repo}${e.status ? ` (${e.status} ${reason})` : `: ${reason}`}.`)
}
