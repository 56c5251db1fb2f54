import * as core from '@actions/core'
import type { EmailConfig } from '../../config/email.js'
import type { EmailOptions, MailTransport } from './mail.js'
import { GraphTransport } from './graph.js'
import { SmtpTransport } from './smtp.js'

/** The transport the config asks for, with its Entra token where it needs one. */
export async function openTransport(config: EmailConfig, options: EmailOptions): Promise<MailTransport> {
  if (config.transport === 'smtp' && !config.smtp!.oauth2) return new SmtpTransport(config.smtp!, options)
  // msal is loaded only by those who sign in with an Entra app.
  const { EntraTokens, EXCHANGE_SMTP_SCOPE, graphScope } = await import('./entra.js')
  const tokens = new EntraTokens(config.entra!, {
    ca: options.ca,
    timeoutMs: options.timeoutMs ?? 30000,
    maskSecret: options.maskSecret ?? ((value) => core.setSecret(value)),
    getIdToken: options.getIdToken ?? ((audience) => core.getIDToken(audience))
  })
  if (config.transport === 'smtp')
    return new SmtpTransport(config.smtp!, options, await tokens.token(EXCHANGE_SMTP_SCOPE))
  // One token for the run's emails: it lives an hour, and each federated sign-in asks for an OIDC token.
  let token: Promise<string> | undefined
  const accessToken = () => (token ??= tokens.token(graphScope(config.graphEndpoint)))
  return new GraphTransport(config.graphEndpoint, config.fromAddress, accessToken, options)
}
