import type { Config } from './config.js'

/** The inputs that hold a credential: each is masked as given, before validation can echo any of it. */
export const SECRET_INPUTS = [
  'etd-api-key',
  'etd-client-id',
  'etd-client-secret',
  'smtp-url',
  'github-token',
  'graph-client-secret',
  'graph-certificate',
  'webhook-url'
]

/**
 * What to mask of one secret input as given: the whole value, and each line of a PEM or a list, so that
 * no line of a private key (or one webhook line of several) can show on its own.
 */
export function secretsOfInput(value: string): string[] {
  if (!value) return []
  const parts = [value]
  if (value.includes('\n'))
    for (const line of value.split(/\r?\n/))
      if (line.trim().length > 8 && !line.startsWith('-----')) parts.push(line.trim())
  return parts
}

/**
 * The credentials the parsed config holds in a form no input shows as is: the password as decoded from
 * smtp-url (its URL-encoded form differs), and each webhook URL without its platform prefix.
 */
export function secretsOf(config: Config): string[] {
  const password = config.email?.smtp?.password
  return [...(password ? [password] : []), ...config.webhooks.map((webhook) => webhook.url)]
}
