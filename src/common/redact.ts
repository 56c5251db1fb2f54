/**
 * A server's reply as the action may quote it in a log line, the job summary, an issue or an email: one
 * short line with everything that could be a secret taken out. Replies echo what they were sent (a
 * webhook's path and query, a token, a signed URL), so redaction goes by shape, not by the secrets the
 * action knows of: URLs, paths, query strings, `key=value` credentials and long token-like runs.
 */

/** How much of a reply is quoted. */
export const MAX_QUOTED = 300
// Cut before any pattern runs, so that a huge reply costs linear time.
const MAX_READ = 4 * MAX_QUOTED

const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]+/gu
const SPACES = /\s+/g
const URL = /\b[a-z][a-z\d+.-]*:\/\/[^\s"'<>]*/gi
// A path (`/json/hook/…`), not a date or a fraction (`11/27`, `and/or`): it starts after a space or quote.
const PATH = /(^|[\s"'(=:])\/[^\s"'<>)]+/g
const QUERY = /\?[^\s"'<>]+/g
const CREDENTIAL =
  /\b((?:access_|client_|refresh_|id_)?(?:token|secret)|password|passwd|pwd|sig|signature|api[_-]?key)(\s*[=:]\s*)[^\s&"',;]+/gi
// A credential after its scheme has a digit or base64 punctuation in it: `Basic authentication` stays.
const SCHEME_TOKEN = /\b(Bearer|Basic)\s+(?=[\w.~-]*[\d+/=])[\w+/=.~-]{8,}/gi
// Twenty or more characters of a token's alphabet with a letter and a digit in them (ids, keys, JWTs).
const TOKEN_LIKE = /[\w+/=.~-]{20,}/g
const looksLikeToken = (run: string) => /\d/.test(run) && /[a-z]/i.test(run)

/** `text` (a reply's body or an error's message) as one clipped line without URLs, queries or tokens. */
export function redactReply(text: string, max = MAX_QUOTED): string {
  const line = text
    .slice(0, MAX_READ)
    .replace(CONTROL, ' ')
    .replace(SPACES, ' ')
    .replace(URL, '(url)')
    .replace(PATH, (_, before: string) => `${before}(path)`)
    .replace(QUERY, '(query)')
    .replace(CREDENTIAL, (_, name: string, sep: string) => `${name}${sep}(redacted)`)
    .replace(SCHEME_TOKEN, (_, scheme: string) => `${scheme} (redacted)`)
    .replace(TOKEN_LIKE, (run) => (looksLikeToken(run) ? '(redacted)' : run))
    .trim()
  const chars = [...line]
  return chars.length > max || text.length > MAX_READ ? `${chars.slice(0, max).join('')}…` : line
}
