import type { Problems } from './errors.js'
import type { InputReader } from './inputs.js'

const SMTP_URL = 'put the server in smtp-url (smtp://user:password@host:587, or smtps://…:465 for implicit TLS)'

/**
 * Inputs of 0.x that v1 removed or renamed, and what to write instead. The runner passes an input that
 * action.yml does not declare through as INPUT_<NAME> (it only warns), so each one here is read and
 * refused rather than silently ignored.
 */
export const REMOVED_INPUTS: Readonly<Record<string, string>> = {
  'etd-base-url': 'give the URL as etd-region (etd-region: https://…)',
  lookback: 'use backfill (it sets how far back a run without state searches; default 1h)',
  'settle-delay': 'remove it: the search window always ends 5 minutes before the run',
  'report-path':
    'remove it: the report is always written under RUNNER_TEMP; read the output report-path (upload it as an artifact to keep it)',
  'email-max-rows': 'remove it: the digest shows at most 200 rows, and the attached report lists every match',
  repository: 'remove it: issues open in the repository that runs the workflow',
  'webhook-format': 'remove it and start each webhook-url line with its format: teams=, webex=, slack= or json=',
  'notify-mailbox-owners': 'use owner-notices (true, or include-domains for addresses in a watched *@domain)',
  'owner-notice-contact': 'use email-reply-to: the owner notices name it as whom to ask',
  'email-when-empty': 'use heartbeat: every-run (or heartbeat: daily for one all-quiet line a day)',
  'email-transport':
    'remove it: the transport follows from what is set (smtp-url for SMTP, graph-tenant-id for Graph sendMail)',
  'graph-federated':
    "remove it: without graph-client-secret and graph-certificate, the job's GitHub OIDC token is used (needs id-token: write)",
  'graph-authority': 'use graph-cloud (global, usgov, usgov-dod, china, or "authority-url graph-url")',
  'graph-endpoint': 'use graph-cloud (global, usgov, usgov-dod, china, or "authority-url graph-url")',
  'smtp-host': SMTP_URL,
  'smtp-port': SMTP_URL,
  'smtp-security': `${SMTP_URL}; for plain text add ?tls=none`,
  'smtp-username': `${SMTP_URL}, the user name percent-encoded`,
  'smtp-password': `${SMTP_URL}, the password percent-encoded`,
  'smtp-allow-insecure-auth': 'add ?tls=none&insecure-auth=true to smtp-url',
  'smtp-auth': 'add ?auth=oauth2 to smtp-url for XOAUTH2 with the Entra app (graph-tenant-id, graph-client-id)',
  'smtp-ca': "set the environment variable NODE_EXTRA_CA_CERTS on the step to the CA's PEM file"
}

/** One line for each removed or renamed input that was given; its value is never shown (it may be a secret). */
export function checkRemovedInputs(input: InputReader, problems: Problems): void {
  for (const [name, instead] of Object.entries(REMOVED_INPUTS)) {
    if (input(name).trim() !== '') problems.add(`Input '${name}' was removed in v1; ${instead}.`)
  }
}
