import { X509Certificate } from 'node:crypto'
import addressparser from 'nodemailer/lib/addressparser/index.js'
import { InputError } from './errors.js'
import { boolean, integer, oneOf, required, type InputReader } from './inputs.js'

const SMTP_SECURITY = ['starttls', 'tls', 'none'] as const
export type SmtpSecurity = (typeof SMTP_SECURITY)[number]

export interface SmtpConfig {
  host: string
  port: number
  /** `starttls` requires the upgrade; `tls` is implicit TLS from the first byte; `none` is plain text. */
  security: SmtpSecurity
  username?: string
  password?: string
  /** PEM of a private CA to trust besides the system's. */
  ca?: string
}

export interface EmailConfig {
  smtp: SmtpConfig
  from: string
  to: string[]
  maxRows: number
  whenEmpty: boolean
  notifyOwners: boolean
}

const DEFAULT_PORT: Record<SmtpSecurity, number> = { starttls: 587, tls: 465, none: 25 }

function addresses(input: InputReader, name: string, what: string): string[] {
  const given = required(input, name, what)
  const parsed = addressparser(given.replace(/\n/g, ','), { flatten: true })
  const bad = parsed.find((a) => !/^[^\s@]+@[^\s@]+$/.test(a.address))
  if (parsed.length === 0 || bad) {
    throw new InputError(
      `Input '${name}' has '${bad?.address || bad?.name || given}'; expected addresses like security@example.com.`
    )
  }
  return parsed.map((a) => (a.name ? `"${a.name.replace(/["\\]/g, '')}" <${a.address}>` : a.address))
}

const ENCODE_HINT = 'percent-encode / ? # @ : and % in the user name and password (as %2F %3F %23 %40 %3A %25)'

/** The user name or password of smtp-url, decoded; a bad escape is the user's to fix, and is never shown. */
function decoded(part: string): string | undefined {
  if (part === '') return undefined
  try {
    return decodeURIComponent(part)
  } catch {
    throw new InputError(
      `Input 'smtp-url' has a user name or password that is not valid percent-encoding; ${ENCODE_HINT}.`
    )
  }
}

/**
 * `smtp://user:pass@host:587` (STARTTLS) or `smtps://user:pass@host:465` (implicit TLS). An unencoded `/`,
 * `?` or `#` in the password ends the user-info early, so that a piece of the password would pass for
 * the host: a path, query or fragment is refused, and no error shows any part of the URL but its scheme.
 */
function fromUrl(given: string): SmtpConfig {
  let url: URL
  try {
    url = new URL(given)
  } catch {
    throw new InputError(
      `Input 'smtp-url' is not a URL; expected smtp://user:password@host:587 or smtps://user:password@host:465, and ${ENCODE_HINT}.`
    )
  }
  if ((url.pathname !== '' && url.pathname !== '/') || /[?#]/.test(given)) {
    throw new InputError(`Input 'smtp-url' has a path, query or fragment, which it never needs: ${ENCODE_HINT}.`)
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new InputError(
      `Input 'smtp-url' starts with '${url.protocol}//'; expected smtp:// (STARTTLS) or smtps:// (implicit TLS).`
    )
  }
  if (url.hostname === '') throw new InputError(`Input 'smtp-url' has no host; expected smtp://user:password@host:587.`)
  const security: SmtpSecurity = url.protocol === 'smtps:' ? 'tls' : 'starttls'
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : DEFAULT_PORT[security],
    security,
    username: decoded(url.username),
    password: decoded(url.password)
  }
}

function fromFields(input: InputReader): SmtpConfig {
  const security = oneOf(input, 'smtp-security', SMTP_SECURITY, 'starttls')
  return {
    host: required(input, 'smtp-host', 'the SMTP server for email notifications (or set smtp-url)'),
    port: integer(input, 'smtp-port', DEFAULT_PORT[security], 1, 65535),
    security,
    username: input('smtp-username').trim() || undefined,
    password: input('smtp-password') || undefined
  }
}

function ca(input: InputReader): string | undefined {
  const pem = input('smtp-ca').trim()
  if (pem === '') return undefined
  try {
    new X509Certificate(pem)
  } catch {
    throw new InputError(
      `Input 'smtp-ca' is not a PEM certificate; expected text starting with -----BEGIN CERTIFICATE-----.`
    )
  }
  return pem
}

/** Catches the two classic pairings that can only fail, before a connection hangs or garbles. */
function checkPairing(smtp: SmtpConfig, viaUrl: boolean): void {
  const security = viaUrl ? 'smtp-url' : 'smtp-security'
  if (smtp.port === 465 && smtp.security === 'starttls') {
    throw new InputError(
      `Input '${security}' asks for STARTTLS on port 465, which speaks implicit TLS: use ${viaUrl ? 'smtps://' : 'smtp-security: tls'} for port 465, or port 587 for STARTTLS.`
    )
  }
  if (smtp.port === 587 && smtp.security === 'tls') {
    throw new InputError(
      `Input '${security}' asks for implicit TLS on port 587, which speaks STARTTLS: use ${viaUrl ? 'smtp://' : 'smtp-security: starttls'} for port 587, or port 465 for implicit TLS.`
    )
  }
}

export function parseEmailConfig(input: InputReader): EmailConfig {
  const url = input('smtp-url').trim()
  if (url !== '' && input('smtp-host').trim() !== '') {
    throw new InputError(`Inputs 'smtp-url' and 'smtp-host' are both set; set one of them.`)
  }
  const smtp = { ...(url !== '' ? fromUrl(url) : fromFields(input)), ca: ca(input) }
  checkPairing(smtp, url !== '')
  if ((smtp.username === undefined) !== (smtp.password === undefined)) {
    throw new InputError(`Inputs 'smtp-username' and 'smtp-password' go together; set both or neither.`)
  }
  if (smtp.security === 'none' && smtp.username !== undefined && !boolean(input, 'smtp-allow-insecure-auth', false)) {
    throw new InputError(
      `Input 'smtp-security' is none while credentials are set: they would cross the network in plain text. Use starttls or tls, or set smtp-allow-insecure-auth: true.`
    )
  }
  const from = addresses(input, 'email-from', 'the sender address of notification emails')
  if (from.length > 1) throw new InputError(`Input 'email-from' has ${from.length} addresses; expected one.`)
  return {
    smtp,
    from: from[0],
    to: addresses(input, 'email-to', 'who receives the digest, one or more addresses'),
    maxRows: integer(input, 'email-max-rows', 200, 1, 10000),
    whenEmpty: boolean(input, 'email-when-empty', false),
    notifyOwners: boolean(input, 'notify-mailbox-owners', false)
  }
}
