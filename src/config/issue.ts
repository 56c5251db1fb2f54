import { Problems } from './errors.js'
import { required, type InputReader } from './inputs.js'
import { parseList } from './lists.js'

export interface IssueConfig {
  token: string
  owner: string
  repo: string
  labels: string[]
  assignees: string[]
  /** The login that opens the watch's issues: only markers in its issues are trusted. */
  author: string
  /** GITHUB_API_URL: api.github.com, or a GitHub Enterprise Server's. */
  apiUrl: string
}

const REPOSITORY = /^([A-Za-z0-9-]{1,39})\/([A-Za-z0-9._-]{1,100})$/
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(\[bot\])?$/

export function parseIssueConfig(input: InputReader, env: NodeJS.ProcessEnv): IssueConfig {
  const problems = new Problems()
  const token = problems.check(() =>
    required(input, 'github-token', 'a token that may open issues (in a workflow, the default github.token)')
  )
  const match = REPOSITORY.exec(env.GITHUB_REPOSITORY ?? '')
  if (!match) {
    problems.add(
      `notify includes issue, which opens issues in the repository running the workflow, but GITHUB_REPOSITORY is '${(env.GITHUB_REPOSITORY ?? '').slice(0, 100)}', not owner/name: run it in GitHub Actions, or choose another channel in notify.`
    )
  }
  const labels = parseList(input('issue-labels') || 'etd-verdict-watch')
  const badLabel = labels.find((l) => l.length > 50)
  if (badLabel) problems.add(`Input 'issue-labels' has '${badLabel.slice(0, 60)}…'; labels are at most 50 characters.`)
  const assignees = parseList(input('issue-assignees')).map((a) => a.replace(/^@/, ''))
  const badLogin = assignees.find((a) => !LOGIN.test(a))
  if (badLogin !== undefined)
    problems.add(`Input 'issue-assignees' has '${badLogin}'; expected GitHub logins such as octocat.`)
  const author = input('issue-author').trim().replace(/^@/, '') || 'github-actions[bot]'
  if (!LOGIN.test(author)) {
    problems.add(
      `Input 'issue-author' is '${author}'; expected the login that opens the issues, such as github-actions[bot] or my-app[bot].`
    )
  }
  problems.throwIfAny()
  return {
    token: token!,
    owner: match![1],
    repo: match![2],
    labels: [...new Set(labels)],
    assignees,
    author,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '')
  }
}

/** This workflow run's page, when running in Actions. */
export function runUrlOf(env: NodeJS.ProcessEnv, repository: string | undefined): string | undefined {
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  return env.GITHUB_RUN_ID && repository ? `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` : undefined
}
