// Proves the committed bundle starts and works: runs `node dist/index.js` as the runner would, under the
// Node binary given with --node, against the ETD simulator. Prints "smoke: N passed, N failed".
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { generateMessages } from '../src/simulator/data.js'
import { expectedMatches } from '../src/simulator/oracle.js'
import { startSimulator } from '../src/simulator/server.js'
import { certificate } from '../src/simulator/certificate.js'
import { startMailSink } from '../src/simulator/mail-sink.js'
import { startGitHubApi } from '../src/simulator/github-api.js'
import { parseMarker } from '../src/notify/issue/marker.js'

const { values } = parseArgs({ options: { node: { type: 'string', default: process.execPath } } })
const node = values.node!
// A hung bundle must fail the smoke test, not hang CI: the bundle's run takes seconds.
const TIMEOUT_MS = 120_000
const dir = await mkdtemp(join(tmpdir(), 'etd-smoke-'))
let passed = 0
let failed = 0

function check(name: string, ok: boolean, detail = ''): void {
  if (ok) passed++
  else failed++
  console.log(`${ok ? 'ok' : 'FAIL'} - ${name}${ok || !detail ? '' : `\n${detail}`}`)
}

async function action(
  inputs: Record<string, string>,
  extraEnv: Record<string, string> = {}
): Promise<{ code: number | null; stdout: string; outputs: string }> {
  const outputFile = join(dir, `output-${Date.now()}`)
  await writeFile(outputFile, '')
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!/^(INPUT_|GITHUB_)/.test(key)) env[key] = value
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  env.GITHUB_OUTPUT = outputFile
  env.RUNNER_TEMP = dir
  Object.assign(env, extraEnv)
  const child = spawn(node, ['dist/index.js'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: TIMEOUT_MS,
    killSignal: 'SIGKILL'
  })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  if (code === null) stdout += `\n(killed: no exit within ${TIMEOUT_MS / 1000}s)`
  return { code, stdout, outputs: await readFile(outputFile, 'utf8') }
}

const version = await new Promise<string>((resolve) => {
  const child = spawn(node, ['--version'], { timeout: TIMEOUT_MS, killSignal: 'SIGKILL' })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.on('close', () => resolve(out.trim()))
})
console.log(`dist/index.js under Node ${version}`)

const bare = await action({})
check(
  'with no inputs it fails with the missing-input message',
  bare.code === 1 && /^::error::.*Input 'etd-api-key' is required/m.test(bare.stdout),
  bare.stdout
)

const now = Date.now()
const sim = await startSimulator({
  messages: generateMessages({ seed: 42, count: 400, start: now - 2 * 86_400_000, end: now })
})
const sink = await startMailSink({ auth: { user: 'smoke', pass: 'smoke-pass' } })
const github = await startGitHubApi()
// The mail sink's CA, trusted as a workflow trusts a private one: NODE_EXTRA_CA_CERTS on the step.
const caFile = join(dir, 'ca.pem')
await writeFile(caFile, (await certificate()).cert)
const githubEnv = {
  GITHUB_API_URL: github.url,
  GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
  NODE_EXTRA_CA_CERTS: caFile
}
try {
  const inputs = {
    'etd-region': sim.url,
    'etd-api-key': sim.apiKey,
    'etd-client-id': sim.clientId,
    'etd-client-secret': sim.clientSecret,
    mailboxes: 'ceo@example.com, cfo@example.com, *@subsidiary.example.org',
    backfill: '2d',
    notify: 'email, issue',
    'github-token': github.token,
    'smtp-url': `smtp://smoke:smoke-pass@127.0.0.1:${sink.port}`,
    'email-from': 'etd-watch@example.com',
    'email-to': 'soc@example.com',
    'state-path': join(dir, 'state.json')
  }
  const run = await action(inputs, githubEnv)
  check('against the simulator it succeeds', run.code === 0, run.stdout)
  const outputOf = (outputs: string, name: string) =>
    new RegExp(`^${name}<<(.+)\\n([^]*?)\\n\\1$`, 'm').exec(outputs)?.[2] ?? ''
  const output = (name: string) => outputOf(run.outputs, name)
  const reportPath = output('report-path')
  const report = reportPath
    ? (JSON.parse(await readFile(reportPath, 'utf8')) as { messages: Array<{ id: string }> })
    : { messages: [] }
  const expected = expectedMatches(sim.messages, Date.now(), {
    start: Date.parse(output('window-start')),
    end: Date.parse(output('window-end')),
    mailboxes: ['ceo@example.com', 'cfo@example.com', '*@subsidiary.example.org'],
    verdicts: ['bec', 'scam', 'phishing', 'malicious'],
    techniques: []
  })
  const got = report.messages.map((m) => m.id).sort()
  check(
    `the report holds exactly the ${expected.length} expected matches`,
    expected.length > 0 &&
      JSON.stringify(got) === JSON.stringify(expected) &&
      output('matched-count') === String(expected.length),
    `outputs:\n${run.outputs}`
  )
  const digest = sink.received[0]?.mail
  const inbox = Number(output('action-needed-count'))
  const inboxFirst = inbox > 0 ? `${inbox} still in the inbox · ` : ''
  check(
    'the digest arrived over STARTTLS with every match',
    sink.received.length === 1 &&
      digest.subject?.startsWith(`[ETD] ${inboxFirst}${expected.length} new convictions: `) === true &&
      expected.every((id) => digest.text?.includes(`ETD id: ${id}`)),
    `received ${sink.received.length} emails: ${sink.received.map((r) => r.mail.subject).join('; ')}`
  )

  check(
    'exactly one issue records the batch',
    github.issues.length === 1 &&
      JSON.stringify(
        parseMarker(github.issues[0].body)
          .map((c) => c.id)
          .sort()
      ) === JSON.stringify(expected),
    `issues: ${github.issues.map((i) => i.title).join('; ')}`
  )
  const again = await action(inputs, githubEnv)
  check(
    'run again with the same state-path, it tells nothing twice',
    again.code === 0 &&
      outputOf(again.outputs, 'new-count') === '0' &&
      outputOf(again.outputs, 'state-restored') === 'true' &&
      sink.received.length === 1 &&
      github.issues.length === 1,
    again.stdout
  )
} finally {
  await github.close()
  await sink.close()
  await sim.close()
  await rm(dir, { recursive: true, force: true })
}

console.log(`smoke: ${passed} passed, ${failed} failed`)
process.exitCode = failed === 0 ? 0 : 1
