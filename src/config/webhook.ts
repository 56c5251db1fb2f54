import { InputError, Problems } from './errors.js'
import { isLoopback } from './loopback.js'
import type { InputReader } from './inputs.js'

export const WEBHOOK_FORMATS = ['teams', 'webex', 'slack', 'json'] as const
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number]

export interface WebhookTarget {
  format: WebhookFormat
  /** A secret: never printed, never put in an error. */
  url: string
  /** How logs and errors name it: `Slack webhook 2` (its line in webhook-url). */
  label: string
}

const PLATFORM: Record<WebhookFormat, string> = { teams: 'Teams', webex: 'Webex', slack: 'Slack', json: 'JSON' }

const under = (hostname: string, domain: string) => hostname === domain || hostname.endsWith(`.${domain}`)

/** The format a host speaks, when it is one of the platforms'. */
export function detectFormat(url: URL): WebhookFormat | undefined {
  const host = url.hostname // URL lowercases it
  if (['logic.azure.com', 'powerautomate.com', 'powerplatform.com'].some((d) => under(host, d))) return 'teams'
  if (host === 'webexapis.com' && url.pathname.startsWith('/v1/webhooks/incoming/')) return 'webex'
  if (host === 'hooks.slack.com') return 'slack'
  return undefined
}

const LINE_FORMAT = /^(teams|webex|slack|json)=(.*)$/i

const LEGACY_TEAMS =
  "is a retired Office 365 connector URL (webhook.office.com); in Teams, open the channel's Workflows, " +
  "add 'Send webhook alerts to a channel', and use the URL it gives."

/**
 * `webhook-url`: one URL a line, each `format=` prefixed or not; without a prefix the format comes from the
 * host. Every bad line is reported; errors name the line, never the URL: it is a secret.
 */
export function parseWebhooks(input: InputReader): WebhookTarget[] {
  const lines = input('webhook-url')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
  const problems = new Problems()
  const targets = lines.map((line, i) => problems.check(() => parseLine(line, i + 1)))
  problems.throwIfAny()
  return targets as WebhookTarget[]
}

function parseLine(line: string, n: number): WebhookTarget {
  const where = `Input 'webhook-url' line ${n}`
  const prefixed = LINE_FORMAT.exec(line)
  let url: URL
  try {
    url = new URL(prefixed ? prefixed[2] : line) // URL drops the spaces around it
  } catch {
    throw new InputError(`${where} is not a URL; expected an https webhook URL.`)
  }
  if (under(url.hostname, 'webhook.office.com')) throw new InputError(`${where} ${LEGACY_TEAMS}`)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new InputError(`${where} is not https; webhooks take https only (http only for loopback).`)
  }
  const format = (prefixed?.[1].toLowerCase() as WebhookFormat | undefined) ?? detectFormat(url)
  if (format === undefined) {
    throw new InputError(
      `${where} is not a Teams Workflows, Webex or Slack webhook host; start the line with its format: json= (any JSON endpoint), teams=, webex= or slack=.`
    )
  }
  return { format, url: url.href, label: `${PLATFORM[format]} webhook ${n}` }
}
