import { PERMISSIONS, type Permission } from '../config/respond.js'

/**
 * Who may run a command: a commenter whose permission on the repository, as GitHub answers it at the
 * time of the command, is at least the level the command needs, or who is on the configured list of
 * logins. Pure: the look-up itself is the caller's, and it comes before any ETD request.
 */

export interface Allowance {
  /** The permission the commenter has: GitHub's word, anything unknown counting as none. */
  has: string
  needs: Permission
  /** Logins that may run commands whatever their permission, lower-cased. */
  logins: readonly string[]
}

/** Undefined when `login` may run the command; else one line saying why not. */
export function refusal(login: string, { has, needs, logins }: Allowance): string | undefined {
  if (logins.includes(login.toLowerCase())) return undefined
  const rank = (PERMISSIONS as readonly string[]).indexOf(has)
  if (rank >= PERMISSIONS.indexOf(needs)) return undefined
  const what = rank < 0 ? 'an unknown permission' : `${PERMISSIONS[rank]} permission`
  return `This command needs ${needs} permission on the repository; the commenter has ${what}.`
}
