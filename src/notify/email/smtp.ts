import { rootCertificates } from 'node:tls'
import nodemailer, { type Transporter } from 'nodemailer'
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js'
import type { SmtpConfig } from '../../config/email.js'
import { withRetry, type RetryPolicy } from '../../common/retry.js'
import { EmailError, type EmailOptions, type MailTransport, type Refused, type RenderedMail } from './mail.js'
import { redactReply } from '../../common/redact.js'

const DEFAULT_EMAIL_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 2000, maxDelayMs: 20000 }

interface SmtpFailure {
  code?: string
  responseCode?: number
  response?: string
  command?: string
  message?: string
  /** Node's own code for a failed TLS handshake, such as DEPTH_ZERO_SELF_SIGNED_CERT. */
  originalCode?: string
}

function transportOptions(smtp: SmtpConfig, options: EmailOptions, accessToken?: string): SMTPTransport.Options {
  const timeoutMs = options.timeoutMs ?? 30000
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    // A server that does not offer STARTTLS must not get the credentials in plain text.
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    auth:
      accessToken !== undefined
        ? { type: 'OAuth2', user: smtp.username, accessToken }
        : smtp.username !== undefined
          ? { user: smtp.username, pass: smtp.password }
          : undefined,
    tls: {
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(options.ca ? { ca: [...rootCertificates, options.ca] } : {})
    },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 2,
    logger: false,
    debug: false
  }
}

/** An untrusted, expired or misnamed certificate: the same on every attempt. A server's reply is not one. */
function isCertificateFailure(e: SmtpFailure): boolean {
  if (e.responseCode !== undefined) return false
  return (
    /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME/.test(e.originalCode ?? '') ||
    /certificate|self[- ]signed|unable to verify/i.test(e.message ?? '')
  )
}

/** 4xx replies and dropped connections pass; authentication, 5xx, TLS set-up and certificates do not. */
function isTransientSmtpFailure(error: unknown): boolean {
  const e = error as SmtpFailure
  if (e.code === 'EAUTH' || e.code === 'ETLS' || isCertificateFailure(e) || misconfiguration(e) !== undefined)
    return false
  if (e.responseCode !== undefined) return e.responseCode >= 400 && e.responseCode < 500
  return ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNRESET', 'EDNS'].includes(e.code ?? '')
}

function misconfiguration(e: SmtpFailure): string | undefined {
  const text = `${e.message ?? ''} ${e.response ?? ''}`
  if (/wrong version number|WRONG_VERSION_NUMBER|packet length too long|unknown protocol/i.test(text)) {
    return 'the server does not speak implicit TLS on this port; for port 587 or 25 use smtp://'
  }
  if (/Greeting never received/i.test(text)) {
    return 'no SMTP greeting arrived; the server may expect implicit TLS: for port 465 use smtps://'
  }
  return undefined
}

// Exchange Online's replies once SMTP AUTH Basic is off for the tenant (MC786329).
const BASIC_AUTH_RETIRED =
  /5\.7\.30|5\.7\.139|Basic authentication is not supported|SmtpClientAuthentication is disabled/i
const MODERN_AUTH_FIX =
  "remove smtp-url and set graph-tenant-id and graph-client-id (Graph sendMail; the job's OIDC token signs in), or add ?auth=oauth2 to smtp-url with the same Entra app; see the README, Microsoft 365"

/** One line that says what failed and what to change; the server's own reply where it gave one. */
function explainSmtpError(error: unknown, smtp: SmtpConfig): string {
  const e = error as SmtpFailure
  const where = `${smtp.host}:${smtp.port}`
  const reply = redactReply(e.response ?? e.message ?? String(error))
  const wrongPairing = misconfiguration(e)
  if (wrongPairing) return `Email via ${where} failed: ${wrongPairing}.`
  if (BASIC_AUTH_RETIRED.test(reply) && !smtp.oauth2) {
    return `Email via ${where} failed: ${reply}. Microsoft 365 has retired passwords (Basic authentication) for SMTP: ${MODERN_AUTH_FIX}.`
  }
  if (e.code === 'EAUTH' && smtp.oauth2) {
    return `SMTP XOAUTH2 login as ${smtp.username} failed at ${where}: ${reply}. The Entra app needs the SMTP.SendAsApp application permission, and Exchange a service principal for it with FullAccess to ${smtp.username} (README, Microsoft 365).`
  }
  if (e.code === 'EAUTH') {
    return `SMTP authentication failed at ${where}: ${reply}. Check the user name and password in smtp-url (an app password where the provider still offers them; Microsoft 365 needs Graph or OAuth2, see the README).`
  }
  if (e.code === 'ETLS' || e.command === 'STARTTLS') {
    return `Email via ${where} failed: the server did not complete STARTTLS (${reply}), and smtp:// never falls back to plain text.`
  }
  if (isCertificateFailure(e)) {
    return `Email via ${where} failed: the server's certificate is not trusted (${reply}); not retried, as it would fail the same way. For a private or self-signed CA, set NODE_EXTRA_CA_CERTS on the step to its PEM file.`
  }
  if (e.responseCode !== undefined) return `The SMTP server at ${where} refused the email: ${reply}`
  return `Email via ${where} failed: ${reply}`
}

/** Sends rendered mail through one SMTP server, retrying what is transient. */
export class SmtpTransport implements MailTransport {
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>
  private readonly retry: RetryPolicy

  /** `accessToken` logs in with XOAUTH2 instead of the password. */
  constructor(
    private readonly smtp: SmtpConfig,
    private readonly options: EmailOptions = {},
    accessToken?: string
  ) {
    this.transport = nodemailer.createTransport(transportOptions(smtp, options, accessToken))
    this.retry = options.retry ?? DEFAULT_EMAIL_RETRY
  }

  /** nodemailer resolves when any recipient took the mail, and lists the others in `rejectedErrors`. */
  async send(mail: RenderedMail): Promise<Refused[]> {
    try {
      const info = await withRetry(() => this.transport.sendMail({ envelope: mail.envelope, raw: mail.eml }), {
        policy: this.retry,
        isTransient: isTransientSmtpFailure,
        onRetry: (error, attempt, delayMs) =>
          this.options.onRetry?.(explainSmtpError(error, this.smtp), attempt, delayMs)
      })
      return (info.rejectedErrors ?? []).map((e) => ({
        address: e.recipient ?? '',
        reply: redactReply(e.response ?? e.message)
      }))
    } catch (error) {
      const e = error as SmtpFailure
      // A refused recipient, or a permanent refusal of this mail: the server is there for the next one.
      throw new EmailError(explainSmtpError(error, this.smtp), e.command === 'RCPT TO' || (e.responseCode ?? 0) >= 500)
    }
  }

  close(): void {
    this.transport.close()
  }
}
