import { createPrivateKey, X509Certificate } from 'node:crypto'
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
  /** `smtp-auth: oauth2`: XOAUTH2 with an Entra token for `username` instead of a password. */
  oauth2?: boolean
}

export const EMAIL_TRANSPORTS = ['smtp', 'graph'] as const
export type EmailTransport = (typeof EMAIL_TRANSPORTS)[number]

/** How the Entra app proves who it is: no credential is stored at all with `federated` (GitHub OIDC). */
export type EntraCredential =
  | { kind: 'secret'; secret: string }
  | { kind: 'certificate'; privateKey: string; thumbprintSha256: string }
  | { kind: 'federated' }

export interface EntraConfig {
  tenantId: string
  clientId: string
  credential: EntraCredential
  /** `https://login.microsoftonline.com` or a national cloud's; no trailing slash. */
  authority: string
}

export interface EmailConfig {
  transport: EmailTransport
  /** Present with the smtp transport. */
  smtp?: SmtpConfig
  /** The Entra app, for Graph and for SMTP with OAuth2. */
  entra?: EntraConfig
  /** `https://graph.microsoft.com` or a national cloud's; no trailing slash. */
  graphEndpoint: string
  from: string
  /** The bare address of `from`: the mailbox Graph sends as. */
  fromAddress: string
  to: string[]
  maxRows: number
  whenEmpty: boolean
  notifyOwners: boolean
  /** The Reply-To of every email sent (`email-reply-to`), one or more addresses. */
  replyTo?: string
  /** Whom mailbox owners ask, named in each notice (`owner-notice-contact`). */
  ownerContact?: string
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

const MAX_CONTACT_CHARS = 200

/** Our own words, but shown to every owner: one printable line, short enough for a notice. */
function contact(input: InputReader): string | undefined {
  const given = input('owner-notice-contact').trim()
  if (given === '') return undefined
  if (/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(given) || [...given].length > MAX_CONTACT_CHARS) {
    throw new InputError(
      `Input 'owner-notice-contact' must be one line of at most ${MAX_CONTACT_CHARS} printable characters, such as security@example.com or "the IT desk, extension 4444".`
    )
  }
  return given
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

/** An https origin (and path) without credentials, query or fragment, like etd-base-url. */
function httpsUrl(input: InputReader, name: string, fallback: string): string {
  const given = input(name).trim()
  if (given === '') return fallback
  const url = URL.canParse(given) ? new URL(given) : undefined
  if (!url || url.protocol !== 'https:' || url.username || url.password || url.search || url.hash) {
    throw new InputError(
      `Input '${name}' is '${url?.origin ?? given}'; expected an https URL without credentials or query, such as ${fallback}.`
    )
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

/** A PEM holding the certificate and its private key, as Entra's "Certificates & secrets" takes the first. */
function certificateCredential(pem: string): EntraCredential {
  const fail = (why: string) =>
    new InputError(
      `Input 'graph-certificate' ${why}; expected the PEM certificate and its private key (-----BEGIN PRIVATE KEY-----) together.`
    )
  const certPem = /-----BEGIN CERTIFICATE-----[^]+?-----END CERTIFICATE-----/.exec(pem)?.[0]
  const keyPem = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[^]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(pem)?.[0]
  if (!certPem) throw fail('has no certificate')
  if (!keyPem) throw fail('has no private key')
  let cert: X509Certificate
  let key: ReturnType<typeof createPrivateKey>
  try {
    cert = new X509Certificate(certPem)
    key = createPrivateKey(keyPem)
  } catch {
    throw fail('is not readable')
  }
  if (!cert.checkPrivateKey(key)) throw fail('has a private key that does not belong to its certificate')
  // Entra signs client assertions with RS256/PS256 only.
  if (key.asymmetricKeyType !== 'rsa')
    throw fail(`has a key of type ${key.asymmetricKeyType}, and Entra takes RSA only`)
  return {
    kind: 'certificate',
    // msal signs with the key in PKCS#8 form and names the certificate by its SHA-256 thumbprint (x5t#S256).
    privateKey: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    thumbprintSha256: cert.fingerprint256.replace(/:/g, '').toLowerCase()
  }
}

const ENTRA_ID = /^[A-Za-z0-9][A-Za-z0-9.-]*$/

function entraConfig(input: InputReader, why: string): EntraConfig {
  const id = (name: string, what: string) => {
    const value = required(input, name, `${what} (${why})`)
    if (!ENTRA_ID.test(value)) {
      throw new InputError(
        `Input '${name}' is not an Entra ID; expected a GUID such as 00000000-0000-0000-0000-000000000000.`
      )
    }
    return value
  }
  const tenantId = id('graph-tenant-id', "the Entra tenant's ID or domain")
  const clientId = id('graph-client-id', "the Entra app's application (client) ID")
  const secret = input('graph-client-secret').trim()
  const certificate = input('graph-certificate').trim()
  const federated = boolean(input, 'graph-federated', false)
  const given = [secret && 'graph-client-secret', certificate && 'graph-certificate', federated && 'graph-federated']
  const set = given.filter(Boolean)
  if (set.length !== 1) {
    throw new InputError(
      set.length === 0
        ? `One of 'graph-federated: true' (GitHub OIDC), 'graph-client-secret' or 'graph-certificate' is required (${why}).`
        : `Inputs ${set.map((n) => `'${n}'`).join(' and ')} are both set; set one credential for the Entra app.`
    )
  }
  return {
    tenantId,
    clientId,
    credential: secret
      ? { kind: 'secret', secret }
      : certificate
        ? certificateCredential(certificate)
        : { kind: 'federated' },
    authority: httpsUrl(input, 'graph-authority', 'https://login.microsoftonline.com')
  }
}

/** Graph when its app is configured and no SMTP server is, SMTP otherwise. */
function transport(input: InputReader): EmailTransport {
  const smtpSet = input('smtp-url').trim() !== '' || input('smtp-host').trim() !== ''
  const fallback = input('graph-tenant-id').trim() !== '' && !smtpSet ? 'graph' : 'smtp'
  return oneOf(input, 'email-transport', EMAIL_TRANSPORTS, fallback)
}

function smtpConfig(input: InputReader): { smtp: SmtpConfig; entra?: EntraConfig } {
  const url = input('smtp-url').trim()
  if (url !== '' && input('smtp-host').trim() !== '') {
    throw new InputError(`Inputs 'smtp-url' and 'smtp-host' are both set; set one of them.`)
  }
  const smtp = { ...(url !== '' ? fromUrl(url) : fromFields(input)), ca: ca(input) }
  checkPairing(smtp, url !== '')
  if (oneOf(input, 'smtp-auth', ['password', 'oauth2'] as const, 'password') === 'oauth2') {
    if (smtp.password !== undefined) {
      throw new InputError(
        `Input 'smtp-auth' is oauth2, which needs no password: remove smtp-password (or the one in smtp-url).`
      )
    }
    if (smtp.security === 'none') throw new InputError(`Input 'smtp-auth' is oauth2, which needs starttls or tls.`)
    return { smtp: { ...smtp, oauth2: true }, entra: entraConfig(input, 'smtp-auth is oauth2') }
  }
  if ((smtp.username === undefined) !== (smtp.password === undefined)) {
    throw new InputError(`Inputs 'smtp-username' and 'smtp-password' go together; set both or neither.`)
  }
  if (smtp.security === 'none' && smtp.username !== undefined && !boolean(input, 'smtp-allow-insecure-auth', false)) {
    throw new InputError(
      `Input 'smtp-security' is none while credentials are set: they would cross the network in plain text. Use starttls or tls, or set smtp-allow-insecure-auth: true.`
    )
  }
  return { smtp }
}

export function parseEmailConfig(input: InputReader): EmailConfig {
  const kind = transport(input)
  const delivery: Pick<EmailConfig, 'smtp' | 'entra'> =
    kind === 'graph' ? { entra: entraConfig(input, 'email-transport is graph') } : smtpConfig(input)
  const from = addresses(input, 'email-from', 'the sender address of notification emails')
  if (from.length > 1) throw new InputError(`Input 'email-from' has ${from.length} addresses; expected one.`)
  const fromAddress = addressparser(from[0], { flatten: true })[0].address
  // XOAUTH2 logs in as the mailbox it sends from unless told otherwise.
  if (delivery.smtp?.oauth2 && delivery.smtp.username === undefined) delivery.smtp.username = fromAddress
  return {
    transport: kind,
    ...delivery,
    graphEndpoint: httpsUrl(input, 'graph-endpoint', 'https://graph.microsoft.com'),
    from: from[0],
    fromAddress,
    to: addresses(input, 'email-to', 'who receives the digest, one or more addresses'),
    maxRows: integer(input, 'email-max-rows', 200, 1, 10000),
    whenEmpty: boolean(input, 'email-when-empty', false),
    notifyOwners: boolean(input, 'notify-mailbox-owners', false),
    replyTo:
      input('email-reply-to').trim() === ''
        ? undefined
        : addresses(input, 'email-reply-to', 'where replies to our emails go').join(', '),
    ownerContact: contact(input)
  }
}
