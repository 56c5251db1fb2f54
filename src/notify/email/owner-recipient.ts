import addressparser from 'nodemailer/lib/addressparser'
import { clean } from '../../etd/clean.js'

import type { OwnerNoticeScope } from '../../config/email.js'

/** One recipient, handed to the mail library as an object so that it never parses a string into more. */
export interface OwnerAddress {
  name: ''
  address: string
}

/** RFC 5321's limit on a path. */
const MAX_ADDRESS = 254
// A dot-atom local part and a dotted domain, letters of any script allowed: no space, quote, comma,
// angle bracket, colon, semicolon or control character, so nothing that a header parser splits or groups.
const PLAIN_ADDRESS =
  /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+$/u

/** One address of the plain shape: no quote, comment, space, list or group that a parser could read apart. */
export const isPlainAddress = (mailbox: string) => mailbox.length <= MAX_ADDRESS && PLAIN_ADDRESS.test(mailbox)

/** A mailbox for a log line or a note: a plain address as it is, anything else cleaned like all ETD text. */
export const shownMailbox = (mailbox: string): string => (isPlainAddress(mailbox) ? mailbox : clean(mailbox))

/**
 * The one address an owner notice about `mailbox` (ETD text, or a pending notice from the restored
 * state) may go to, or `undefined`: it must be one plain address, read as exactly itself by the mail
 * library's own parser (so no list, group or display name), and a watched mailbox at the time of sending:
 * listed in `mailboxes`, or with `include-domains` inside a listed `*@domain`. With no `mailboxes` (every
 * mailbox of the tenant) no address qualifies.
 */
export function ownerRecipient(
  mailbox: string,
  mailboxes: readonly string[],
  scope: OwnerNoticeScope
): OwnerAddress | undefined {
  if (mailbox.length > MAX_ADDRESS) return undefined
  // The parser decides what a mail library would make of the string: exactly this one mailbox, or no notice.
  const [only, ...more] = addressparser(mailbox)
  const one = more.length === 0 && only?.group === undefined && only?.name === '' && only.address === mailbox
  // And, stricter than RFC 5322, nothing quoted, commented or spaced that another client might read apart.
  if (!one || !PLAIN_ADDRESS.test(mailbox)) return undefined
  const address = mailbox.toLowerCase()
  const domain = address.slice(address.indexOf('@'))
  const watched = mailboxes.some((pattern) =>
    pattern.startsWith('*@') ? scope === 'include-domains' && pattern.slice(1) === domain : pattern === address
  )
  return watched ? { name: '', address } : undefined
}
