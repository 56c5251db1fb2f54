import type { Config } from './config.js'

/** The fields of the config that hold a credential (a webhook's `url` is one: it carries its own token). */
const SECRET_FIELDS = new Set([
  'apiKey',
  'clientId',
  'clientSecret',
  'password',
  'secret',
  'privateKey',
  'token',
  'url'
])
const HIDDEN = '(hidden)'

/**
 * The resolved config as JSON for the debug log, with every credential hidden: by field name, and any
 * string that contains one of `secrets` (the secret inputs as given), whatever field it ended up in.
 */
export function describeConfig(config: Config, secrets: readonly string[]): string {
  const given = secrets.filter((s) => s.length > 0)
  return JSON.stringify(config, (key, value: unknown) => {
    if (typeof value !== 'string') return value
    if (SECRET_FIELDS.has(key) || given.some((secret) => value.includes(secret))) return HIDDEN
    return value
  })
}
