import nodemailer from 'nodemailer'
import type { RetryPolicy } from '../../common/retry.js'

export interface Mail {
  /** The configured digest recipients, or an owner notice's one parsed address (never ETD text as a string). */
  to: Array<string | { name: string; address: string }>
  subject: string
  text: string
  /** Where replies go, when not to the sender. */
  replyTo?: string
  html?: string
  attachments?: Array<{ filename: string; content: string; contentType: string }>
}

/** A mail rendered once as MIME: every transport sends exactly these bytes. */
export interface RenderedMail {
  eml: Buffer
  messageId: string
  envelope: { from: string; to: string[] }
}

/** Recipients a server refused while it took the mail for the others, each with its reply. */
export interface Refused {
  address: string
  reply: string
}

/** Moves rendered mail; knows nothing of digests. */
export interface MailTransport {
  /** The largest MIME message it accepts, where it has a limit. */
  readonly maxMimeBytes?: number
  /**
   * Resolves once the mail is accepted, with the recipients refused when others took it (SMTP says so at
   * RCPT TO; Graph never does); rejects with an EmailError that explains the failure.
   */
  send(mail: RenderedMail): Promise<Refused[] | void>
  close(): void
}

export interface EmailOptions {
  retry?: RetryPolicy
  /** Connection, greeting and socket timeouts in milliseconds. */
  timeoutMs?: number
  onRetry?: (reason: string, attempt: number, delayMs: number) => void
  /** Masks a secret (a token) in the workflow log before anything can print it. */
  maskSecret?: (value: string) => void
  /** The job's OIDC token for an audience, for an Entra app without a stored credential (`core.getIDToken`). */
  getIdToken?: (audience: string) => Promise<string>
  /** PEM of a CA to trust for Entra and Graph besides the system's (the tests' and the demo's). */
  ca?: string
}

/** A failure to send, worded for the workflow log: what happened and what to change. */
export class EmailError extends Error {
  /** `answered`: the server refused this mail or a recipient of it, and may still take other mails. */
  constructor(
    message: string,
    readonly answered = false
  ) {
    super(message)
    this.name = 'EmailError'
  }
}

// Nothing a message names may be fetched or read from disk: its content is attacker-influenced.
const SAFE_CONTENT = { disableFileAccess: true, disableUrlAccess: true } as const

/** The email as MIME, CRLF as SMTP and Graph take it; `unix` newlines for .eml files of a dry run. */
export async function renderEml(from: string, mail: Mail, newline: 'unix' | 'windows' = 'unix'): Promise<RenderedMail> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline })
  const info = await transport.sendMail({ from, ...mail, ...SAFE_CONTENT })
  return { eml: info.message as Buffer, messageId: info.messageId, envelope: info.envelope as RenderedMail['envelope'] }
}
