import { rootCertificates } from 'node:tls'
import nodemailer, { type Transporter } from 'nodemailer'
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js'
import type { SmtpConfig } from '../config/email.js'
import { withRetry, type RetryPolicy } from '../common/retry.js'

export interface Mail {
  to: string[]
  subject: string
  text: string
  html?: string
  attachments?: Array<{ filename: string; content: string; contentType: string }>
}

export interface EmailOptions {
  retry?: RetryPolicy
  /** Connection, greeting and socket timeouts in milliseconds. */
  timeoutMs?: number
  onRetry?: (reason: string, attempt: number, delayMs: number) => void
}

/** A failure to send, worded for the workflow log: what happened and what to change. */
export class EmailError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EmailError'
  }
}

const DEFAULT_EMAIL_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 2000, maxDelayMs: 20000 }

interface SmtpFailure {
  code?: string
  responseCode?: number
  response?: string
  command?: string
  message?: string
}

// Nothing a message names may be fetched or read from disk: its content is attacker-influenced.
const SAFE_CONTENT = { disableFileAccess: true, disableUrlAccess: true } as const

function transportOptions(smtp: SmtpConfig, timeoutMs: number): SMTPTransport.Options {
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    // A server that does not offer STARTTLS must not get the credentials in plain text.
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    auth: smtp.username !== undefined ? { user: smtp.username, pass: smtp.password } : undefined,
    tls: {
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(smtp.ca ? { ca: [...rootCertificates, smtp.ca] } : {})
    },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 2,
    logger: false,
    debug: false,
    ...SAFE_CONTENT
  }
}

/** 4xx replies and dropped connections pass; authentication, 5xx and TLS set-up do not. */
function isTransientSmtpFailure(error: unknown): boolean {
  const e = error as SmtpFailure
  if (e.code === 'EAUTH' || e.code === 'ETLS' || misconfiguration(e) !== undefined) return false
  if (e.responseCode !== undefined) return e.responseCode >= 400 && e.responseCode < 500
  return ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNRESET', 'EDNS'].includes(e.code ?? '')
}

function misconfiguration(e: SmtpFailure): string | undefined {
  const text = `${e.message ?? ''} ${e.response ?? ''}`
  if (/wrong version number|WRONG_VERSION_NUMBER|packet length too long|unknown protocol/i.test(text)) {
    return 'the server does not speak implicit TLS on this port; for port 587 or 25 use smtp-security: starttls (smtp://)'
  }
  if (/Greeting never received/i.test(text)) {
    return 'no SMTP greeting arrived; the server may expect implicit TLS: for port 465 use smtp-security: tls (smtps://)'
  }
  return undefined
}

/** One line that says what failed and what to change; the server's own reply where it gave one. */
function explainSmtpError(error: unknown, smtp: SmtpConfig): string {
  const e = error as SmtpFailure
  const where = `${smtp.host}:${smtp.port}`
  const reply = (e.response ?? e.message ?? String(error)).replace(/\s+/g, ' ').trim()
  const wrongPairing = misconfiguration(e)
  if (wrongPairing) return `Email via ${where} failed: ${wrongPairing}.`
  if (e.code === 'EAUTH') {
    return `SMTP authentication failed at ${where}: ${reply}. Check smtp-username and smtp-password (Gmail and Microsoft 365 need an app password).`
  }
  if (e.code === 'ETLS' || e.command === 'STARTTLS') {
    return `Email via ${where} failed: the server did not complete STARTTLS (${reply}), and smtp-security: starttls never falls back to plain text.`
  }
  if (/certificate|self[- ]signed|CERT_|unable to verify/i.test(reply)) {
    return `Email via ${where} failed: the server's certificate is not trusted (${reply}). For a private CA, pass its PEM as smtp-ca.`
  }
  if (e.responseCode !== undefined) return `The SMTP server at ${where} refused the email: ${reply}`
  return `Email via ${where} failed: ${reply}`
}

/** Sends mail through one SMTP server, retrying what is transient. */
export class EmailSender {
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>
  private readonly retry: RetryPolicy

  constructor(
    private readonly smtp: SmtpConfig,
    private readonly from: string,
    private readonly options: EmailOptions = {}
  ) {
    this.transport = nodemailer.createTransport(transportOptions(smtp, options.timeoutMs ?? 30000))
    this.retry = options.retry ?? DEFAULT_EMAIL_RETRY
  }

  /** Resolves to the Message-ID; rejects with an EmailError that explains the failure. */
  async send(mail: Mail): Promise<string> {
    try {
      const info = await withRetry(() => this.transport.sendMail({ from: this.from, ...mail, ...SAFE_CONTENT }), {
        policy: this.retry,
        isTransient: isTransientSmtpFailure,
        onRetry: (error, attempt, delayMs) =>
          this.options.onRetry?.(explainSmtpError(error, this.smtp), attempt, delayMs)
      })
      return info.messageId
    } catch (error) {
      throw new EmailError(explainSmtpError(error, this.smtp))
    }
  }

  close(): void {
    this.transport.close()
  }
}

/** The email exactly as it would be sent, as an .eml file's bytes, for dry runs. */
export async function renderEml(from: string, mail: Mail): Promise<{ eml: Buffer; messageId: string }> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  const info = await transport.sendMail({ from, ...mail, ...SAFE_CONTENT })
  return { eml: info.message as Buffer, messageId: info.messageId }
}
