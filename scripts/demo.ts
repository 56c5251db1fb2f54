// The main job end to end with no credentials and no network: the ETD simulator, a local SMTP server
// (STARTTLS and AUTH) and a local GitHub API on loopback, the action's own run() against them, and every
// email that arrived written out as .eml (and .html or .txt), and the issue opened as issue.md, into the
// folder it names. With --graph the email goes through Microsoft Graph instead: a local Entra tenant and
// Graph over https, the app signing in with the job's GitHub OIDC token from a local Actions OIDC
// service, and what Graph received written out the same way. State is kept in <out>/state.json, so a
// second run tells only what is new since the first; --fresh forgets it. With --respond (which starts
// fresh, so that an issue is opened), a security lead then comments `/etd quarantine` on the issue, the
// action runs as on issue_comment, moves its messages still in the inbox in the simulator, and the issue
// is updated and closed: written out as issue-after.md with its comments.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { certificate } from '../src/simulator/certificate.js'
import { generateMessages } from '../src/simulator/data.js'
import { startGitHubApi } from '../src/simulator/github-api.js'
import { startMailSink } from '../src/simulator/mail-sink.js'
import { startActionsOidc, startMicrosoft } from '../src/simulator/microsoft.js'
import { startWebhookReceiver } from '../src/simulator/webhook-receiver.js'
import { startSimulator } from '../src/simulator/server.js'
import { phoneView } from './phone-view.js'

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'demo-output' },
    seed: { type: 'string', default: '2026' },
    'dry-run': { type: 'boolean', default: false },
    fresh: { type: 'boolean', default: false },
    graph: { type: 'boolean', default: false },
    respond: { type: 'boolean', default: false }
  }
})
const out = resolve(values.out!)
const now = Date.now()
const DAY = 86_400_000
const SMTP_USER = { user: 'demo', pass: 'demo-app-password' }

await rm(join(out, 'emails'), { recursive: true, force: true })
await rm(join(out, 'webhooks'), { recursive: true, force: true })
if (values.fresh || values.respond) await rm(join(out, 'state.json'), { force: true })
await mkdir(join(out, 'emails'), { recursive: true })
const sim = await startSimulator({
  messages: generateMessages({ seed: Number(values.seed), count: 250, start: now - 3 * DAY, end: now - 60_000 })
})
const sink = await startMailSink({ auth: SMTP_USER })
// The security lead may write to the repository: enough for /etd quarantine (release needs admin).
const LEAD = 'security-lead'
const github = await startGitHubApi({ permissions: { [LEAD]: 'write' } })
const oidc = await startActionsOidc()
const tenant = { tenantId: '7a1c0de5-0000-4000-8000-000000000001', clientId: '7a1c0de5-0000-4000-8000-000000000002' }
const cloud = await startMicrosoft({ ...tenant, oidcToken: () => oidc.token })
const emailInputs: Record<string, string> = values.graph
  ? {
      'graph-tenant-id': tenant.tenantId,
      'graph-client-id': tenant.clientId,
      'graph-cloud': `${cloud.url} ${cloud.url}`
    }
  : { 'smtp-url': `smtp://${SMTP_USER.user}:${SMTP_USER.pass}@127.0.0.1:${sink.port}` }
const hooks = await startWebhookReceiver()
const FORMATS = ['teams', 'webex', 'slack', 'json']

const inputs: Record<string, string> = {
  'etd-region': sim.url,
  'etd-api-key': sim.apiKey,
  'etd-client-id': sim.clientId,
  'etd-client-secret': sim.clientSecret,
  mailboxes: 'ceo@example.com, cfo@example.com, payroll@example.com\n*@subsidiary.example.org',
  verdicts: 'bec,scam,phishing,malicious',
  backfill: '3d',
  notify: 'email, issue, webhook',
  'github-token': github.token,
  'issue-assignees': 'security-lead',
  ...emailInputs,
  'email-from': 'ETD Verdict Watch <etd-watch@example.com>',
  'email-to': 'soc@example.com',
  'owner-notices': 'include-domains',
  'webhook-url': FORMATS.map((format) => `${format}=${hooks.url}/${format}`).join('\n'),
  'dry-run': String(values['dry-run']),
  'state-path': join(out, 'state.json')
}
for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value
process.env.GITHUB_API_URL = github.url
// The report (and a dry run's files) go under RUNNER_TEMP/etd-verdict-watch, as on a runner.
process.env.RUNNER_TEMP = out
// A run of its own, as the runner names one: the issue and the digest link to it.
process.env.GITHUB_SERVER_URL = 'https://github.example'
process.env.GITHUB_REPOSITORY = `${github.owner}/${github.repo}`
process.env.GITHUB_RUN_ID = '1'
Object.assign(process.env, oidc.env)
process.env.GITHUB_OUTPUT = join(out, 'outputs.txt')
process.env.GITHUB_STEP_SUMMARY = join(out, 'summary.html')
await writeFile(process.env.GITHUB_OUTPUT, '')
await writeFile(process.env.GITHUB_STEP_SUMMARY, '')

console.log(
  `ETD simulator on ${sim.url} (${sim.messages.length} messages over 3 days), ` +
    (values.graph
      ? `Entra and Graph on ${cloud.url} (sign-in with the job's OIDC token from ${oidc.env.ACTIONS_ID_TOKEN_REQUEST_URL.split('/token')[0]})`
      : `SMTP on 127.0.0.1:${sink.port}`) +
    `, GitHub API on ${github.url}, webhooks on ${hooks.url}\n`
)
const { run } = await import('../src/main.js')
let responded: string | undefined
try {
  await run({ env: process.env, emailCa: (await certificate()).cert })
  if (values.respond) responded = await respondOnIssue()
} finally {
  await cloud.close()
  await oidc.close()
  await sim.close()
  await sink.close()
  await github.close()
  await hooks.close()
}

const outputs = await readFile(join(out, 'outputs.txt'), 'utf8')
const output = (name: string) => new RegExp(`^${name}<<(.+)\\n([^]*?)\\n\\1$`, 'm').exec(outputs)?.[2] ?? '?'
const files: string[] = []
let digestHtml: string | undefined
const arrived = values.graph
  ? cloud.received.map(({ raw, mail }) => ({
      raw,
      mail,
      to: mail.to && !Array.isArray(mail.to) ? mail.to.value[0].address! : ''
    }))
  : sink.received.map(({ raw, mail, envelopeTo }) => ({ raw, mail, to: envelopeTo[0] }))
for (const [i, { raw, mail, to }] of arrived.entries()) {
  const base = join(out, 'emails', `${String(i + 1).padStart(2, '0')}-${to.replace(/[^a-z0-9@.-]/gi, '_')}`)
  await writeFile(`${base}.eml`, raw)
  if (mail.html) await writeFile(`${base}.html`, mail.html)
  if (mail.html && digestHtml === undefined) digestHtml = mail.html
  else await writeFile(`${base}.txt`, mail.text ?? '')
  files.push(`${base}.eml  (${mail.subject})`)
}
console.log(
  `\n${output('matched-count')} convictions matched in the window, ${output('new-count')} new since the last run` +
    ` (state ${output('state-restored') === 'true' ? 'restored from' : 'started in'} ${join(out, 'state.json')}).`
)
console.log(`\nDemo output in ${out}:`)
console.log(`  etd-verdict-watch/report.json, summary.html, outputs.txt`)
await rm(join(out, 'issue.md'), { force: true })
for (const issue of github.issues) {
  await writeFile(join(out, 'issue.md'), `# ${issue.title}\n\n${issue.body}`)
  console.log(`  ${join(out, 'issue.md')}  (#${issue.number} ${issue.title})`)
}
for (const file of files) console.log(`  ${file}`)
await rm(join(out, 'digest-420.png'), { force: true })
if (digestHtml !== undefined) console.log(`  ${await phoneView(digestHtml, join(out, 'digest-420.png'))}`)
if (hooks.received.length > 0) await mkdir(join(out, 'webhooks'), { recursive: true })
for (const { path, body } of hooks.received) {
  const file = join(out, 'webhooks', `${path.slice(1)}.json`)
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`)
  console.log(`  ${file}  (posted to the local ${path.slice(1)} webhook receiver)`)
}
if (responded) console.log(`\n${responded}`)
if (files.length === 0 && !values['dry-run'])
  console.log('  no email: nothing new since the last run (npm run demo -- --fresh starts over)')

/**
 * The security lead's `/etd quarantine` on the issue the watch opened, answered by the action as a
 * workflow on issue_comment would run it; the issue after it written out with its comments.
 */
async function respondOnIssue(): Promise<string> {
  const issue = github.issues.find((i) => i.labels.includes('action-needed'))
  if (!issue) return 'No issue with messages still in the inbox (or a dry run): nothing to respond to.'
  const comment = github.addComment(issue.number, '/etd quarantine\nThese are ours to clean up.', LEAD)
  const event = {
    action: 'created',
    comment: { id: comment.id, body: comment.body, user: comment.user },
    issue: { number: issue.number, user: { login: issue.user }, locked: false },
    repository: { full_name: `${github.owner}/${github.repo}`, private: true }
  }
  process.env.GITHUB_EVENT_NAME = 'issue_comment'
  process.env.GITHUB_EVENT_PATH = join(out, 'event.json')
  process.env.GITHUB_OUTPUT = join(out, 'respond-outputs.txt')
  await writeFile(process.env.GITHUB_EVENT_PATH, JSON.stringify(event, null, 2))
  await writeFile(process.env.GITHUB_OUTPUT, '')
  const { respond } = await import('../src/respond.js')
  await respond({ env: process.env })
  const thread = github.comments
    .filter((c) => c.issue === issue.number)
    .map((c) => `---\n\n**${c.user.login}** commented:\n\n${c.body}\n`)
  const file = join(out, 'issue-after.md')
  await writeFile(file, [`# ${issue.title} (${issue.state})`, '', issue.body, '', ...thread].join('\n'))
  const reactions = github.reactions.filter((r) => r.comment === comment.id).map((r) => r.content)
  return (
    `${LEAD} commented /etd quarantine on #${issue.number}: reactions ${reactions.join(', ')}; ` +
    `the issue is now ${issue.state} with labels ${issue.labels.join(', ')}. See ${file} (and respond-outputs.txt).`
  )
}
