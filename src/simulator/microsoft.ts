import { constants, randomBytes, verify, X509Certificate } from 'node:crypto'
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { simpleParser, type ParsedMail } from 'mailparser'
import { certificate } from './certificate.js'

/** The Entra app the local tenant knows, with the one credential it accepts. */
export interface EntraApp {
  tenantId: string
  clientId: string
  clientSecret?: string
  /** PEM certificate whose key must sign the client assertion. */
  certificate?: string
  /** The GitHub OIDC token a federated credential accepts as the client assertion. */
  oidcToken?: () => string | undefined
}

export interface GraphReceived {
  mailbox: string
  /** The MIME as Graph got it, decoded from base64. */
  raw: string
  mail: ParsedMail
}

export interface MicrosoftCloud {
  /** Both the authority and the Graph endpoint: graph-cloud's two URLs. */
  url: string
  /** Every request it got, `METHOD path`, in order. */
  requests: string[]
  /** Tokens issued, by scope. */
  issued: Map<string, string[]>
  received: GraphReceived[]
  /** Replies that answer the next sendMail requests instead of accepting them, one each. */
  graphReplies: Array<{ status: number; headers?: Record<string, string>; body?: unknown }>
  close(): Promise<void>
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })

const fromBase64Url = (part: string) => Buffer.from(part, 'base64url')

/** The client assertion JWT of a certificate credential: signed by the certificate's key, for this endpoint. */
function validCertificateAssertion(jwt: string, cert: X509Certificate, clientId: string, audience: string): boolean {
  const [head, payload, signature] = jwt.split('.')
  if (!signature) return false
  const header = JSON.parse(fromBase64Url(head).toString()) as Record<string, string>
  const claims = JSON.parse(fromBase64Url(payload).toString()) as Record<string, unknown>
  const thumbprint = Buffer.from(cert.fingerprint256.replace(/:/g, ''), 'hex').toString('base64url')
  const data = Buffer.from(`${head}.${payload}`)
  const key = cert.publicKey
  const signed =
    header.alg === 'PS256'
      ? verify(
          'sha256',
          data,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
          fromBase64Url(signature)
        )
      : header.alg === 'RS256' && verify('sha256', data, key, fromBase64Url(signature))
  return (
    signed &&
    header['x5t#S256'] === thumbprint &&
    claims.iss === clientId &&
    claims.sub === clientId &&
    claims.aud === audience &&
    typeof claims.exp === 'number' &&
    claims.exp * 1000 > Date.now()
  )
}

/**
 * A local Microsoft cloud over https on loopback: an Entra tenant's OpenID metadata and token endpoint
 * (client credentials by secret, certificate or federated OIDC token, each checked) and Graph's MIME
 * sendMail, which only takes its own tokens for its own scope.
 */
export async function startMicrosoft(app: EntraApp): Promise<MicrosoftCloud> {
  const { key, cert } = await certificate()
  const clientCert = app.certificate ? new X509Certificate(app.certificate) : undefined
  const state = {
    requests: [] as string[],
    issued: new Map<string, string[]>(),
    received: [] as GraphReceived[],
    graphReplies: [] as MicrosoftCloud['graphReplies']
  }
  let url = ''
  const tenant = `/${app.tenantId}`
  const tokenPath = `${tenant}/oauth2/v2.0/token`

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0]
    state.requests.push(`${req.method} ${path}`)
    if (req.method === 'GET' && path === `${tenant}/v2.0/.well-known/openid-configuration`) {
      return json(res, 200, {
        issuer: `${url}${tenant}/v2.0`,
        token_endpoint: `${url}${tokenPath}`,
        authorization_endpoint: `${url}${tenant}/oauth2/v2.0/authorize`,
        jwks_uri: `${url}${tenant}/discovery/v2.0/keys`
      })
    }
    if (req.method === 'POST' && path === tokenPath) {
      const form = new URLSearchParams(await read(req))
      const refuse = (code: string, description: string) =>
        json(res, 401, {
          error: 'invalid_client',
          error_description: `${code}: ${description}`,
          error_codes: [Number(code.slice(6))]
        })
      if (form.get('grant_type') !== 'client_credentials') return json(res, 400, { error: 'unsupported_grant_type' })
      if (form.get('client_id') !== app.clientId)
        return refuse('AADSTS700016', 'Application not found in the directory.')
      const assertion = form.get('client_assertion')
      let ok = false
      if (app.clientSecret !== undefined) ok = form.get('client_secret') === app.clientSecret
      else if (clientCert && assertion)
        ok = validCertificateAssertion(assertion, clientCert, app.clientId, `${url}${tokenPath}`)
      else if (app.oidcToken && assertion) ok = assertion === app.oidcToken()
      if (!ok && clientCert) return refuse('AADSTS700027', 'Client assertion failed signature validation.')
      if (!ok && app.oidcToken) return refuse('AADSTS700213', 'No matching federated identity record found.')
      if (!ok) return refuse('AADSTS7000215', 'Invalid client secret provided.')
      const scope =
        form
          .get('scope')
          ?.split(' ')
          .find((s) => s.endsWith('/.default')) ?? ''
      const token = `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}.local`
      state.issued.set(scope, [...(state.issued.get(scope) ?? []), token])
      return json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token })
    }
    const send = /^\/v1\.0\/users\/([^/]+)\/sendMail$/.exec(path)
    if (req.method === 'POST' && send) {
      const body = await read(req)
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
      if (!token || !(state.issued.get(`${url}/.default`) ?? []).includes(token)) {
        return json(res, 401, {
          error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' }
        })
      }
      const reply = state.graphReplies.shift()
      if (reply) return json(res, reply.status, reply.body ?? {}, reply.headers)
      if (req.headers['content-type'] !== 'text/plain') {
        return json(res, 415, {
          error: { code: 'ErrorMimeContentInvalid', message: 'Expected base64 MIME as text/plain.' }
        })
      }
      const raw = Buffer.from(body, 'base64').toString('utf8')
      state.received.push({ mailbox: decodeURIComponent(send[1]), raw, mail: await simpleParser(raw) })
      res.writeHead(202).end()
      return
    }
    json(res, 404, { error: { code: 'NotFound', message: `No ${req.method} ${path}` } })
  }

  const server = createServer({ key, cert }, (req, res) => {
    handle(req, res).catch(() => json(res, 500, { error: { code: 'InternalServerError', message: 'simulator' } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  return Object.assign(state, {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  })
}

export interface ActionsOidc {
  /** ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, as the runner sets them. */
  env: Record<string, string>
  /** The audiences asked for, in order. */
  audiences: string[]
  /** The last token issued. */
  token?: string
  close(): Promise<void>
}

/** The Actions runtime's OIDC token service: a bearer-protected GET with the audience appended to its URL. */
export async function startActionsOidc(): Promise<ActionsOidc> {
  const requestToken = randomBytes(16).toString('hex')
  const state: Omit<ActionsOidc, 'env' | 'close'> = { audiences: [] }
  const server = createHttpServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams
    if (req.headers.authorization !== `Bearer ${requestToken}` || query.get('api-version') !== '2.0') {
      return json(res, 401, { message: 'Bad credentials' })
    }
    const audience = query.get('audience') ?? ''
    state.audiences.push(audience)
    const claims = {
      iss: 'https://token.actions.githubusercontent.com',
      aud: audience,
      sub: 'repo:acme/etd-watch:ref:refs/heads/main'
    }
    state.token = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${randomBytes(32).toString('base64url')}`
    json(res, 200, { count: 1, value: state.token })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return Object.assign(state, {
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  })
}
