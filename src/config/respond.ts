import { InputError, Problems } from './errors.js'
import { integer, type InputReader } from './inputs.js'
import { parseIssueConfig, type IssueConfig } from './issue.js'
import { parseList } from './lists.js'

/** GitHub's repository permissions, weakest first. */
export const PERMISSIONS = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const
export type Permission = (typeof PERMISSIONS)[number]

/** What a command from a comment may do, and who may give it (docs/responding.md). */
export interface RespondConfig {
  /** Least repository permission to move messages out of the inbox. */
  movePermission: Permission
  /** Least repository permission to release messages back to the inbox. */
  releasePermission: Permission
  /** Logins that may run any command whatever their permission, lower-cased. */
  logins: string[]
  /** The most messages one command may move. */
  max: number
  /** The watch's issues: which login wrote them, labels, the token that replies. */
  issue: IssueConfig
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/
/** Levels that grant something: `none` would let anyone who can comment move mail. */
const GRANTING = PERMISSIONS.filter((p) => p !== 'none')

function permission(input: InputReader, name: string, fallback: Permission): Permission {
  const value = input(name).trim().toLowerCase() || fallback
  if (!(GRANTING as readonly string[]).includes(value)) {
    throw new InputError(`Input '${name}' is '${value.slice(0, 50)}'; expected one of ${GRANTING.join(', ')}.`)
  }
  return value as Permission
}

function logins(input: InputReader): string[] {
  const list = parseList(input('respond-logins')).map((l) => l.replace(/^@/, ''))
  const bad = list.find((l) => !LOGIN.test(l))
  if (bad !== undefined) {
    throw new InputError(
      `Input 'respond-logins' has '${bad.slice(0, 50)}'; expected GitHub logins of people such as octocat (no bots, no teams).`
    )
  }
  return [...new Set(list.map((l) => l.toLowerCase()))]
}

export function parseRespondConfig(input: InputReader, env: NodeJS.ProcessEnv): RespondConfig {
  const problems = new Problems()
  const parsed = {
    movePermission: problems.check(() => permission(input, 'respond-permission', 'write')),
    releasePermission: problems.check(() => permission(input, 'release-permission', 'admin')),
    logins: problems.check(() => logins(input)),
    max: problems.check(() => integer(input, 'respond-max', 25, 1, 500)),
    issue: problems.check(() => parseIssueConfig(input, env))
  }
  problems.throwIfAny()
  return parsed as RespondConfig
}
