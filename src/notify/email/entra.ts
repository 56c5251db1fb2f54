import { AuthError, ConfidentialClientApplication, type Configuration } from '@azure/msal-node'
import type { EntraConfig } from '../../config/email.js'
import { EmailError } from './mail.js'
import { msalNetworkClient, type HttpsOptions } from './https.js'
import { redactReply } from '../../common/redact.js'

/** The audience Entra expects in a GitHub OIDC token it exchanges (a federated identity credential). */
export const OIDC_AUDIENCE = 'api://AzureADTokenExchange'
/** Exchange Online's SMTP AUTH XOAUTH2 resource. */
export const EXCHANGE_SMTP_SCOPE = 'https://outlook.office365.com/.default'

export const graphScope = (graphEndpoint: string): string => `${graphEndpoint}/.default`

export interface EntraOptions extends HttpsOptions {
  /** Masks a value in the workflow log before anything can print it. */
  maskSecret: (value: string) => void
  /** The job's OIDC token for an audience (`core.getIDToken`): needs `permissions: id-token: write`. */
  getIdToken: (audience: string) => Promise<string>
}

/** Why Entra said no, and what to change: the AADSTS code picks the hint. */
function explain(entra: EntraConfig, error: unknown): string {
  const raw = error instanceof AuthError ? `${error.errorCode}: ${error.errorMessage}` : (error as Error).message
  // msal wraps Entra's words in "Error(s): … - Description: AADSTS…: words - Correlation ID: …".
  const described = /Description: (.*?)(?: - Correlation ID|$)/.exec(raw.replace(/\s+/g, ' '))?.[1]
  const reply = redactReply(described ?? raw)
  const app = `app ${entra.clientId} in tenant ${entra.tenantId}`
  const kind = entra.credential.kind
  let hint = 'check graph-tenant-id, graph-client-id and the credential'
  if (/endpoints_resolution_error/.test(raw))
    hint = `${entra.authority} gave no sign-in metadata for tenant ${entra.tenantId}: check graph-tenant-id and graph-cloud, and that the runner reaches it`
  else if (/network_error|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET/.test(raw))
    hint = `${entra.authority} could not be reached: check graph-cloud and the runner's network`
  else if (/AADSTS700016/.test(raw)) hint = `graph-client-id names no app in tenant ${entra.tenantId}`
  else if (/AADSTS90002|AADSTS900023/.test(raw)) hint = 'graph-tenant-id names no tenant'
  else if (kind === 'federated' && /AADSTS700213|AADSTS70021\b|AADSTS700211|AADSTS700212|AADSTS7000215/.test(raw))
    hint =
      "no federated credential of the app matches this job's OIDC token: add one with issuer https://token.actions.githubusercontent.com and subject repo:OWNER/REPO:ref:refs/heads/BRANCH (or repo:OWNER/REPO:environment:NAME)"
  else if (kind === 'certificate' && /AADSTS700027|AADSTS700023|AADSTS7000274|AADSTS7000215/.test(raw))
    hint = "graph-certificate does not match a certificate uploaded to the app's Certificates & secrets"
  else if (kind === 'secret' && /AADSTS7000215|AADSTS7000222/.test(raw))
    hint = 'graph-client-secret is wrong or expired: create a new one'
  return `No Entra token for ${app} (${reply}): ${hint}.`
}

/** Access tokens for the Entra app, through Microsoft's msal, cached for the run. */
export class EntraTokens {
  private readonly app: ConfidentialClientApplication

  constructor(
    private readonly entra: EntraConfig,
    private readonly options: EntraOptions
  ) {
    const { credential } = entra
    const auth: Configuration['auth'] = {
      clientId: entra.clientId,
      authority: `${entra.authority}/${entra.tenantId}`,
      // A known authority is trusted as given: msal asks it for its metadata and never runs instance
      // discovery against login.microsoftonline.com, which a national or private cloud cannot answer.
      knownAuthorities: [new URL(entra.authority).host]
    }
    if (credential.kind === 'secret') auth.clientSecret = credential.secret
    else if (credential.kind === 'certificate') {
      auth.clientCertificate = { thumbprintSha256: credential.thumbprintSha256, privateKey: credential.privateKey }
    } else auth.clientAssertion = () => this.oidcToken()
    this.app = new ConfidentialClientApplication({
      auth,
      system: { networkClient: msalNetworkClient(options), loggerOptions: { piiLoggingEnabled: false } }
    })
  }

  private async oidcToken(): Promise<string> {
    let token: string
    try {
      token = await this.options.getIdToken(OIDC_AUDIENCE)
    } catch (error) {
      throw new EmailError(
        `No GitHub OIDC token for the Entra app without a secret or certificate (${redactReply((error as Error).message)}): the job needs permissions: id-token: write.`
      )
    }
    this.options.maskSecret(token)
    return token
  }

  /** Resolves to an access token for `scope`; rejects with an EmailError that says what to change. */
  async token(scope: string): Promise<string> {
    let accessToken: string | undefined
    try {
      accessToken = (await this.app.acquireTokenByClientCredential({ scopes: [scope] }))?.accessToken
    } catch (error) {
      if (error instanceof EmailError) throw error
      throw new EmailError(explain(this.entra, error))
    }
    if (!accessToken) throw new EmailError(`Entra gave no access token for ${scope}.`)
    this.options.maskSecret(accessToken)
    return accessToken
  }
}
