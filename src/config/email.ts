import { createPrivateKey, X509Certificate } from 'node:crypto'
import addressparser from 'nodemailer/lib/addressparser/index.js'
import { InputError, Problems } from './errors.js'
import { oneOf, required, type InputReader } from './inputs.js'

export type SmtpSecurity = 'starttls' | 'tls' | 'none'

export interface SmtpConfig {
  host: string
  port: number
  /** `starttls` requires the upgrade; `tls` is implicit TLS from the first byte; `none` is plain text. */
  security: SmtpSecurity
  username?: string
  password?: string
  /** `?auth=oauth2` on smtp-url: XOAUTH2 with an Entra token for `username` instead of a password. */
  oauth2?: boolean
}

export type EmailTransport = 'smtp' | 'graph'

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

/** Which watched mailboxes an owner notice may go to. */
export type OwnerNoticeScope = 'exact' | 'include-domains'

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
  /** Rows shown in the digest (fixed: the attached report lists every match). */
  maxRows: number
  /** `heartbeat: every-run`: an all-clear digest on every run with nothing new. */
  whenEmpty: boolean
  /**
   * `owner-notices`: `exact` (true) writes only to addresses listed in `mailboxes`, `include-domains` also
   * to addresses inside a watched `*@domain`; absent when off.
   */
  ownerNotices?: OwnerNoticeScope
  /** The Reply-To of every email sent (`email-reply-to`), one or more addresses. */
  replyTo?: string
  /** Whom mailbox owners ask, named in each notice: the Reply-To. */
  ownerContact?: string
}

export const OWNER_NOTICES = ['false', 'true', 'include-domains'] as const
export const DIGEST_MAX_ROWS = 200

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

const QUERY_HINT = 'expected ?tls=none, &insecure-auth=true or ?auth=oauth2'

/** What the query of smtp-url may say; values are never shown, since a stray password piece could be one. */
function urlOptions(url: URL): { plain: boolean; insecureAuth: boolean; oauth2: boolean } {
  const allowed: Record<string, string[]> = {
    tls: ['none'],
    'insecure-auth': ['true', 'false'],
    auth: ['password', 'oauth2']
  }
  for (const [key, value] of url.searchParams) {
    if (!Object.hasOwn(allowed, key) || !allowed[key].includes(value.toLowerCase())) {
      throw new InputError(`Input 'smtp-url' has a query that it does not take: ${QUERY_HINT}, and ${ENCODE_HINT}.`)
    }
  }
  const is = (key: string, value: string) => url.searchParams.get(key)?.toLowerCase() === value
  return { plain: is('tls', 'none'), insecureAuth: is('insecure-auth', 'true'), oauth2: is('auth', 'oauth2') }
}

/**
 * `smtp://user:pass@host:587` (STARTTLS) or `smtps://user:pass@host:465` (implicit TLS), with options in
 * the query. An unencoded `/`, `?` or `#` in the password ends the user-info early, so that a piece of the
 * password would pass for the host: a path, fragment or unknown query is refused, and no error shows any
 * part of the URL but its scheme.
 */
function smtpUrl(given: string): SmtpConfig & { insecureAuth: boolean } {
  let url: URL
  try {
    url = new URL(given)
  } catch {
    throw new InputError(
      `Input 'smtp-url' is not a URL; expected smtp://user:password@host:587 or smtps://user:password@host:465, and ${ENCODE_HINT}.`
    )
  }
  if ((url.pathname !== '' && url.pathname !== '/') || given.includes('#')) {
    throw new InputError(`Input 'smtp-url' has a path or fragment, which it never needs: ${ENCODE_HINT}.`)
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new InputError(
      `Input 'smtp-url' starts with '${url.protocol}//'; expected smtp:// (STARTTLS) or smtps:// (implicit TLS).`
    )
  }
  if (url.hostname === '') throw new InputError(`Input 'smtp-url' has no host; expected smtp://user:password@host:587.`)
  const options = urlOptions(url)
  if (options.plain && url.protocol === 'smtps:') {
    throw new InputError(`Input 'smtp-url' asks for implicit TLS (smtps://) and tls=none; use smtp:// with tls=none.`)
  }
  const security: SmtpSecurity = options.plain ? 'none' : url.protocol === 'smtps:' ? 'tls' : 'starttls'
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : DEFAULT_PORT[security],
    security,
    username: decoded(url.username),
    password: decoded(url.password),
    ...(options.oauth2 ? { oauth2: true } : {}),
    insecureAuth: options.insecureAuth
  }
}

/** Catches the two classic pairings that can only fail, before a connection hangs or garbles. */
function checkPairing(smtp: SmtpConfig): void {
  if (smtp.port === 465 && smtp.security === 'starttls') {
    throw new InputError(
      `Input 'smtp-url' asks for STARTTLS on port 465, which speaks implicit TLS: use smtps:// for port 465, or port 587 for STARTTLS.`
    )
  }
  if (smtp.port === 587 && smtp.security === 'tls') {
    throw new InputError(
      `Input 'smtp-url' asks for implicit TLS on port 587, which speaks STARTTLS: use smtp:// for port 587, or port 465 for implicit TLS.`
    )
  }
}

/** Entra's sign-in and Graph's endpoints of each Microsoft cloud. */
const CLOUDS: Record<string, { authority: string; graph: string }> = {
  global: { authority: 'https://login.microsoftonline.com', graph: 'https://graph.microsoft.com' },
  usgov: { authority: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.us' },
  'usgov-dod': { authority: 'https://login.microsoftonline.us', graph: 'https://dod-graph.microsoft.us' },
  china: { authority: 'https://login.chinacloudapi.cn', graph: 'https://microsoftgraph.chinacloudapi.cn' }
}

/** An https origin (and path) without credentials, query or fragment, like an etd-region URL. */
function httpsUrl(given: string): string | undefined {
  const url = URL.canParse(given) ? new URL(given) : undefined
  if (!url || url.protocol !== 'https:' || url.username || url.password || url.search || url.hash) return undefined
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

/** `graph-cloud`: a cloud's name, or "authority graph" as two https URLs (a test's or a proxy's). */
export function graphCloud(input: InputReader): { authority: string; graph: string } {
  const given = input('graph-cloud').trim()
  const named = CLOUDS[given.toLowerCase() || 'global']
  if (named) return named
  const [authority, graph, ...rest] = given.split(/\s+/).map(httpsUrl)
  if (authority && graph && rest.length === 0) return { authority, graph }
  // An @ may stand after credentials in a URL: then nothing of it is shown.
  const shown = given.includes('@') ? 'not a cloud' : `'${given.slice(0, 200)}'`
  throw new InputError(
    `Input 'graph-cloud' is ${shown}; expected one of ${Object.keys(CLOUDS).join(', ')}, or two https URLs "authority graph".`
  )
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

function entraId(input: InputReader, name: string, what: string): string {
  const value = required(input, name, what)
  if (!ENTRA_ID.test(value)) {
    throw new InputError(
      `Input '${name}' is not an Entra ID; expected a GUID such as 00000000-0000-0000-0000-000000000000.`
    )
  }
  return value
}

/** The Entra app, each of its problems on its own line; with no secret nor certificate it signs in by OIDC. */
function entraConfig(input: InputReader, why: string, authority: string): EntraConfig {
  const problems = new Problems()
  const tenantId = problems.check(() => entraId(input, 'graph-tenant-id', `the Entra tenant's ID or domain (${why})`))
  const clientId = problems.check(() =>
    entraId(input, 'graph-client-id', `the Entra app's application (client) ID (${why})`)
  )
  const secret = input('graph-client-secret').trim()
  const certificate = input('graph-certificate').trim()
  if (secret && certificate) {
    problems.add(
      "Inputs 'graph-client-secret' and 'graph-certificate' are both set; set one credential for the Entra app (or neither, for the job's GitHub OIDC token)."
    )
  }
  const credential = problems.check((): EntraCredential =>
    secret ? { kind: 'secret', secret } : certificate ? certificateCredential(certificate) : { kind: 'federated' }
  )
  problems.throwIfAny()
  return { tenantId: tenantId!, clientId: clientId!, credential: credential!, authority }
}

const EMAIL_SETUP = 'smtp-url (an SMTP server) or graph-tenant-id and graph-client-id (Microsoft Graph sendMail)'

/**
 * Chosen by what is set: smtp-url is SMTP (signing in with the Entra app's token with ?auth=oauth2),
 * graph-tenant-id alone is Graph sendMail. Both at once, without ?auth=oauth2, is two transports: refused.
 */
function delivery(
  input: InputReader,
  authority: string
): { transport: EmailTransport } & Pick<EmailConfig, 'smtp' | 'entra'> {
  const url = input('smtp-url').trim()
  const graphSet = input('graph-tenant-id').trim() !== ''
  if (url === '') {
    if (!graphSet) throw new InputError(`notify includes email, which needs ${EMAIL_SETUP}.`)
    return { transport: 'graph', entra: entraConfig(input, 'Graph sendMail', authority) }
  }
  const { insecureAuth, ...smtp } = smtpUrl(url)
  if (graphSet && !smtp.oauth2) {
    throw new InputError(
      "Inputs 'smtp-url' and 'graph-tenant-id' are both set: two email transports. Keep smtp-url (SMTP) or the graph-* inputs (Graph sendMail), or add ?auth=oauth2 to smtp-url to sign in to SMTP with the Entra app."
    )
  }
  checkPairing(smtp)
  if (smtp.oauth2) {
    if (smtp.password !== undefined) {
      throw new InputError(`Input 'smtp-url' asks for auth=oauth2, which needs no password: remove it from the URL.`)
    }
    if (smtp.security === 'none')
      throw new InputError(`Input 'smtp-url' asks for auth=oauth2, which needs TLS: remove tls=none.`)
    return { transport: 'smtp', smtp, entra: entraConfig(input, 'smtp-url auth=oauth2', authority) }
  }
  if ((smtp.username === undefined) !== (smtp.password === undefined)) {
    throw new InputError(`Input 'smtp-url' has a user name without a password, or the reverse; give both or neither.`)
  }
  if (smtp.security === 'none' && smtp.username !== undefined && !insecureAuth) {
    throw new InputError(
      `Input 'smtp-url' asks for tls=none while credentials are set: they would cross the network in plain text. Use TLS, or add &insecure-auth=true.`
    )
  }
  return { transport: 'smtp', smtp }
}

export interface EmailSettings {
  /** `heartbeat: every-run`. */
  whenEmpty?: boolean
}

/** The email channel, each bad input on its own line. */
export function parseEmailConfig(input: InputReader, settings: EmailSettings = {}): EmailConfig {
  const problems = new Problems()
  const cloud = problems.check(() => graphCloud(input))
  const how = problems.check(() => delivery(input, cloud?.authority ?? CLOUDS.global.authority))
  const from = problems.check(() => {
    const list = addresses(input, 'email-from', 'the sender address of notification emails')
    if (list.length > 1) throw new InputError(`Input 'email-from' has ${list.length} addresses; expected one.`)
    return list[0]
  })
  const to = problems.check(() => addresses(input, 'email-to', 'who receives the digest, one or more addresses'))
  const replyTo = problems.check(() =>
    input('email-reply-to').trim() === ''
      ? undefined
      : addresses(input, 'email-reply-to', 'where replies to our emails go').join(', ')
  )
  const ownerNotices = problems.check(() => oneOf(input, 'owner-notices', OWNER_NOTICES, 'false'))
  problems.throwIfAny()
  const fromAddress = addressparser(from!, { flatten: true })[0].address
  // XOAUTH2 logs in as the mailbox it sends from unless told otherwise.
  if (how!.smtp?.oauth2 && how!.smtp.username === undefined) how!.smtp.username = fromAddress
  return {
    ...how!,
    graphEndpoint: cloud!.graph,
    from: from!,
    fromAddress,
    to: to!,
    maxRows: DIGEST_MAX_ROWS,
    whenEmpty: settings.whenEmpty ?? false,
    ...(ownerNotices === 'false' ? {} : { ownerNotices: ownerNotices === 'true' ? 'exact' : 'include-domains' }),
    replyTo,
    ownerContact: replyTo
  }
}
