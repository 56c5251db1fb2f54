import {
  parseRetryAfter,
  RETRYABLE_STATUS,
  withRetry,
  type AskedDelayCap,
  type RetryPolicy
} from '../../common/retry.js'
import type { WebhookTarget } from '../../config/webhook.js'
import { redactReply } from '../../common/redact.js'
import { MINUTE } from '../../common/time.js'

export const WEBHOOK_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000 }
export const WEBHOOK_TIMEOUT_MS = 30_000
/** A Retry-After longer than a minute is not waited for: the next scheduled run tries again. */
const RETRY_AFTER_CAP: AskedDelayCap = { maxMs: MINUTE, longer: 'give-up' }

/** A webhook that failed; its message names the platform and line, never the URL (a secret). */
export class WebhookError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number
  ) {
    super(message)
    this.name = 'WebhookError'
  }
}

/** The platform's reply on one line, clipped, without the URL or anything else secret-shaped. */
const reply = (text: string, url: string) => redactReply(text.split(url).join('(url)'))

async function postOnce(target: WebhookTarget, body: string): Promise<void> {
  let response: Response
  try {
    response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      // A redirect could carry the payload somewhere else; webhooks answer where they are asked.
      redirect: 'error',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)
    })
  } catch (error) {
    // fetch's errors can quote the URL: only their kind and code are told.
    const code = (error as { cause?: { code?: unknown } }).cause?.code
    const why =
      (error as Error).name === 'TimeoutError'
        ? `no answer in ${WEBHOOK_TIMEOUT_MS / 1000}s`
        : `not reachable${typeof code === 'string' && /^[A-Z_]+$/.test(code) ? ` (${code})` : ''}`
    throw new WebhookError(`${target.label} ${why}.`)
  }
  const text = await response.text().catch(() => '')
  if (response.ok) return
  const said = reply(text, target.url)
  throw new WebhookError(
    `${target.label} answered ${response.status}${said ? `: ${said}` : ''}.`,
    response.status,
    parseRetryAfter(response.headers.get('retry-after'))
  )
}

const isTransient = (error: unknown) =>
  error instanceof WebhookError && (error.status === undefined || RETRYABLE_STATUS.has(error.status))

/** Posts a payload: 429, 5xx and lost connections retried (waiting as Retry-After says), other 4xx final. */
export async function postWebhook(
  target: WebhookTarget,
  payload: unknown,
  options: { onRetry?: (reason: string, attempt: number, delayMs: number) => void; policy?: RetryPolicy } = {}
): Promise<void> {
  const body = JSON.stringify(payload)
  await withRetry(() => postOnce(target, body), {
    policy: options.policy ?? WEBHOOK_RETRY,
    isTransient,
    askedDelayMs: (error) => (error as WebhookError).retryAfterMs,
    askedDelayCap: RETRY_AFTER_CAP,
    onRetry: (error, attempt, delayMs) => options.onRetry?.((error as Error).message, attempt, delayMs)
  })
}
