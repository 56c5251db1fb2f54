import { parseRetryAfter, withRetry, type AskedDelayCap, type RetryPolicy } from '../../common/retry.js'
import { EmailError, type EmailOptions, type MailTransport, type RenderedMail } from './mail.js'
import { httpsRequest } from './https.js'
import { redactReply } from '../../common/redact.js'
import { MINUTE } from '../../common/time.js'

/**
 * Graph takes at most 4 MB in one request; a MIME sendMail's body is the message in base64, a third
 * larger than the message itself.
 */
export const GRAPH_REQUEST_LIMIT_BYTES = 4 * 1024 * 1024
const MAX_MIME_BYTES = Math.floor(GRAPH_REQUEST_LIMIT_BYTES / 4) * 3

const DEFAULT_GRAPH_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 2000, maxDelayMs: 30000 }
/** A Retry-After longer than two minutes is not waited for: the next scheduled run retries instead. */
const RETRY_AFTER_CAP: AskedDelayCap = { maxMs: 2 * MINUTE, longer: 'give-up' }

class GraphFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly retryAfterMs: number | undefined
  ) {
    super(`${status} ${code}`)
  }
}

/** Graph's own words from an error body, on one short line. */
function graphError(body: string): { code: string; detail: string } {
  try {
    const { error } = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }
    const words = (value: unknown) => (typeof value === 'string' ? redactReply(value) : '')
    return { code: words(error?.code) || 'no code', detail: words(error?.message) }
  } catch {
    return { code: 'no code', detail: '' }
  }
}

function isTransient(error: unknown): boolean {
  if (error instanceof GraphFailure) {
    return error.status === 429 || error.status >= 500
  }
  return ['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN'].includes(
    (error as { code?: string }).code ?? ''
  )
}

/** What failed and what to change, naming the mailbox Graph sends as. */
function explain(error: unknown, mailbox: string): string {
  if (!(error instanceof GraphFailure))
    return `Graph sendMail as ${mailbox} failed: ${redactReply((error as Error).message)}.`
  const said = `${error.status} ${error.code}${error.detail ? `: ${error.detail}` : ''}`
  switch (error.status) {
    case 401:
      return `Graph did not accept the app's token (${said}): check graph-tenant-id, graph-client-id and graph-cloud.`
    case 403:
      return (
        `Graph refused to send as ${mailbox} (${said}). The Entra app needs the Mail.Send application permission ` +
        `with admin consent, and Exchange must let it send as ${mailbox}: add ${mailbox} to the app's ` +
        `management scope (RBAC for Applications) or to the group of its application access policy (README, Microsoft 365).`
      )
    case 404:
      return `Graph found no mailbox ${mailbox} (${said}): email-from must be a mailbox (a user or shared mailbox) in the app's tenant.`
    case 413:
      return `Graph refused the email as too large (${said}): it takes at most ${GRAPH_REQUEST_LIMIT_BYTES / 1048576} MB per request.`
    case 429:
      return `Graph kept throttling sendMail as ${mailbox} (${said}); the next run retries.`
    default:
      return `Graph sendMail as ${mailbox} failed (${said}).`
  }
}

/** Sends rendered mail as `mailbox` through Graph's MIME sendMail, retrying throttling and 5xx. */
export class GraphTransport implements MailTransport {
  readonly maxMimeBytes = MAX_MIME_BYTES

  constructor(
    private readonly endpoint: string,
    private readonly mailbox: string,
    private readonly accessToken: () => Promise<string>,
    private readonly options: EmailOptions = {}
  ) {}

  async send(mail: RenderedMail): Promise<void> {
    const url = `${this.endpoint}/v1.0/users/${encodeURIComponent(this.mailbox)}/sendMail`
    const body = mail.eml.toString('base64')
    const attempt = async () => {
      const res = await httpsRequest(
        url,
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${await this.accessToken()}`, 'Content-Type': 'text/plain' },
          body
        },
        { ca: this.options.ca, timeoutMs: this.options.timeoutMs ?? 30000 }
      )
      if (res.status === 202 || res.status === 200) return
      const { code, detail } = graphError(res.body)
      throw new GraphFailure(res.status, code, detail, parseRetryAfter(res.headers['retry-after'] ?? null))
    }
    try {
      await withRetry(attempt, {
        policy: this.options.retry ?? DEFAULT_GRAPH_RETRY,
        isTransient,
        askedDelayMs: (error) => (error instanceof GraphFailure ? error.retryAfterMs : undefined),
        askedDelayCap: RETRY_AFTER_CAP,
        onRetry: (error, n, delayMs) => this.options.onRetry?.(explain(error, this.mailbox), n, delayMs)
      })
    } catch (error) {
      if (error instanceof EmailError) throw error
      throw new EmailError(explain(error, this.mailbox))
    }
  }

  close(): void {}
}
