import { afterEach, describe, expect, it } from '@jest/globals'
import * as core from '@actions/core'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generate } from 'selfsigned'
import { SMTPServer } from 'smtp-server'
import type { AddressInfo } from 'node:net'
import { parseEmailConfig, type EmailConfig } from '../src/config/email.js'
import { normalizeMessage } from '../src/etd/message.js'
import type { EtdMessage } from '../src/etd/types.js'
import { matches, type MatchRule } from '../src/match/matcher.js'
import { deliverEmail } from '../src/notify/email/channel.js'
import type { EmailOptions } from '../src/notify/email/mail.js'
import { EXCHANGE_SMTP_SCOPE, OIDC_AUDIENCE } from '../src/notify/email/entra.js'
import { GRAPH_REQUEST_LIMIT_BYTES } from '../src/notify/email/graph.js'
import { run } from '../src/main.js'
import { certificate } from '../src/simulator/certificate.js'
import type { Simulator } from '../src/simulator/server.js'
import { runAction } from './helpers/action-run.js'
import { simulatorWith, etdInputs } from './helpers/simulator.js'
import { generateMessages, renderMessage } from '../src/simulator/data.js'
import { startMailSink, type MailSink } from '../src/simulator/mail-sink.js'
import { startActionsOidc, startMicrosoft, type ActionsOidc, type MicrosoftCloud } from '../src/simulator/microsoft.js'
import { closedAfter, tempDir } from './helpers/servers.js'
import { emailBatch } from './helpers/fixtures.js'

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0)
const RULE: MatchRule = {
  mailboxes: ['ceo@example.com', '*@subsidiary.example.org'],
  verdicts: ['bec', 'phishing', 'malicious', 'scam'],
  techniques: []
}
const TENANT = '11111111-2222-3333-4444-555555555555'
const CLIENT = '66666666-7777-8888-9999-000000000000'
const SECRET = 'Xy8Q~client-secret-that-must-never-show'
const FAST = { retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 }, timeoutMs: 5000 }

let cloud: MicrosoftCloud | undefined
let oidc: ActionsOidc | undefined
let smtp: MailSink | undefined
let sim: Simulator | undefined
const masked: string[] = []
afterEach(() => {
  masked.length = 0
})

function convictions(count: number): EtdMessage[] {
  const all = generateMessages({ seed: 13, count: 1500, start: NOW - 2 * 86_400_000, end: NOW - 60_000 })
  const matched = all
    .map((sim) => renderMessage(sim, NOW))
    .map((raw) => raw && normalizeMessage(raw))
    .flatMap((r) => (r && r.ok && matches(r.message, RULE) ? [r.message] : []))
  return matched.slice(0, count)
}

const batch = (matched: EtdMessage[], reportJson = JSON.stringify({ messages: matched })) =>
  emailBatch(matched, RULE, NOW, { reportJson })

/** The config as the action's inputs give it, over the local cloud. */
function graphConfig(inputs: Record<string, string>): EmailConfig {
  const all: Record<string, string> = {
    'graph-tenant-id': TENANT,
    'graph-client-id': CLIENT,
    'graph-cloud': `${cloud!.url} ${cloud!.url}`,
    'email-from': 'ETD Watch <etd-watch@example.com>',
    'email-to': 'soc@example.com, ciso@example.com',
    ...inputs
  }
  return parseEmailConfig((name) => all[name] ?? '')
}

async function options(extra: Partial<EmailOptions> = {}): Promise<EmailOptions> {
  return { ...FAST, ca: (await certificate()).cert, maskSecret: (v) => masked.push(v), ...extra }
}

/** What sending `count` convictions with `config` fails with; the test fails if the send succeeds. */
async function sendFailure(config: EmailConfig, count: number, extra: Partial<EmailOptions> = {}): Promise<Error> {
  const sending = deliverEmail(config, await batch(convictions(count)), await options(extra))
  return sending.then(
    () => {
      throw new Error('the send succeeded')
    },
    (error: Error) => error
  )
}

/** Every request reached the local cloud, and only the ones a client-credentials send needs. */
function expectOnlyLocalRequests() {
  expect(cloud!.requests[0]).toBe(`GET /${TENANT}/v2.0/.well-known/openid-configuration`)
  for (const request of cloud!.requests) {
    expect(request).toMatch(
      new RegExp(
        `^(GET /${TENANT}/v2\\.0/\\.well-known/openid-configuration|POST /${TENANT}/oauth2/v2\\.0/token|POST /v1\\.0/users/etd-watch%40example\\.com/sendMail)$`
      )
    )
  }
}

/** An RSA certificate and its key in one PEM, as graph-certificate takes it. */
async function clientCertificate(): Promise<{ pem: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: 'etd-verdict-watch' }], {
    keySize: 2048,
    algorithm: 'sha256'
  })
  return { pem: `${pems.cert}\n${pems.private}`, cert: pems.cert }
}

describe('Graph sendMail with an Entra app', () => {
  it('gets a token with a client secret and sends the same digest the SMTP path sends', async () => {
    cloud = closedAfter(await startMicrosoft({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET }))
    smtp = closedAfter(await startMailSink())
    const matched = convictions(9)
    const outcome = await deliverEmail(
      graphConfig({ 'graph-client-secret': SECRET }),
      await batch(matched),
      await options()
    )
    expect(outcome.sent).toBe(true)
    expect(cloud.received).toHaveLength(1)
    expect(cloud.issued.get(`${cloud.url}/.default`)).toHaveLength(1)
    expectOnlyLocalRequests()

    const viaSmtp = await deliverEmail(
      {
        ...graphConfig({ 'graph-client-secret': SECRET }),
        transport: 'smtp',
        smtp: { host: '127.0.0.1', port: smtp.port, security: 'starttls' }
      },
      await batch(matched),
      { ...FAST, ca: (await certificate()).cert }
    )
    expect(viaSmtp.sent).toBe(true)
    const graph = cloud.received[0]
    const mail = smtp.received[0].mail
    expect(graph.mailbox).toBe('etd-watch@example.com')
    expect(graph.mail.messageId).toBe(outcome.messageId)
    expect(graph.mail.subject).toMatch(/^\[ETD\] (\d+ still in the inbox · )?9 new convictions: /)
    expect(graph.mail.subject).toBe(mail.subject)
    expect(graph.mail.from?.text).toBe('"ETD Watch" <etd-watch@example.com>')
    expect(graph.mail.to).toEqual(mail.to)
    expect((graph.mail.to as { text: string }).text).toBe('soc@example.com, ciso@example.com')
    expect(graph.mail.text).toBe(mail.text)
    expect(graph.mail.html).toBe(mail.html)
    for (const m of matched) expect(graph.mail.text).toContain(`ETD id: ${m.id}`)
    expect(graph.mail.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual(
      mail.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])
    )
    expect(graph.mail.attachments[0].content.toString()).toBe(JSON.stringify({ messages: matched }))
    // The access token was masked before it was used.
    expect(masked).toEqual(cloud.issued.get(`${cloud.url}/.default`))
  })

  it('gets a token with a certificate: the assertion is signed by the key and names the thumbprint', async () => {
    const { pem, cert } = await clientCertificate()
    cloud = closedAfter(await startMicrosoft({ tenantId: TENANT, clientId: CLIENT, certificate: cert }))
    const outcome = await deliverEmail(
      graphConfig({ 'graph-certificate': pem }),
      await batch(convictions(2)),
      await options()
    )
    expect(outcome.sent).toBe(true)
    expect(cloud.received).toHaveLength(1)
    expectOnlyLocalRequests()

    // Another key for the same app is refused, and the error says which input to fix.
    const other = await clientCertificate()
    const error = await sendFailure(graphConfig({ 'graph-certificate': other.pem }), 2)
    expect(error.message).toMatch(
      /^No Entra token for app 6666\S+ in tenant 1111\S+ \(AADSTS700027: Client assertion failed signature validation\.\): graph-certificate does not match a certificate uploaded to the app's Certificates & secrets\.$/
    )
    expect(cloud.received).toHaveLength(1)
  })

  it('exchanges the job OIDC token, fetched the way the Actions runtime serves it, for a token (federated)', async () => {
    oidc = closedAfter(await startActionsOidc())
    cloud = closedAfter(await startMicrosoft({ tenantId: TENANT, clientId: CLIENT, oidcToken: () => oidc!.token }))
    const saved = { ...process.env }
    Object.assign(process.env, oidc.env)
    try {
      const outcome = await deliverEmail(
        graphConfig({ 'owner-notices': 'true' }),
        await batch(convictions(3)),
        await options({ getIdToken: (audience) => core.getIDToken(audience) })
      )
      expect(outcome.sent).toBe(true)
    } finally {
      for (const key of Object.keys(oidc.env)) if (!(key in saved)) delete process.env[key]
    }
    // One OIDC token and one access token serve the digest and every owner notice.
    expect(oidc.audiences).toEqual([OIDC_AUDIENCE])
    expect(cloud.issued.get(`${cloud.url}/.default`)).toHaveLength(1)
    expect(cloud.received.length).toBeGreaterThan(1)
    expect(cloud.received.map((r) => r.mail.subject).slice(1)).toEqual(
      cloud.received
        .slice(1)
        .map(() =>
          expect.stringMatching(/dangerous messages? (to you (was|were) stopped|(is|are) still in your inbox)/)
        )
    )
    expect(masked).toContain(oidc.token)
    expectOnlyLocalRequests()
  })

  it('explains a federated run without id-token: write', async () => {
    cloud = closedAfter(await startMicrosoft({ tenantId: TENANT, clientId: CLIENT, oidcToken: () => 'never' }))
    const error = await sendFailure(graphConfig({}), 1, { getIdToken: (audience) => core.getIDToken(audience) })
    expect(error.message).toMatch(
      /^No GitHub OIDC token for the Entra app without a secret or certificate \(.*ACTIONS_ID_TOKEN_REQUEST_URL.*\): the job needs permissions: id-token: write\.$/
    )
  })

  it('waits the Retry-After of a 429 and retries; a 503 is retried too', async () => {
    cloud = closedAfter(await startMicrosoft({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET }))
    cloud.graphReplies.push(
      {
        status: 429,
        headers: { 'Retry-After': '1' },
        body: { error: { code: 'ApplicationThrottled', message: 'Too many requests' } }
      },
      { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'busy' } } }
    )
    const retries: Array<[string, number]> = []
    const started = Date.now()
    const outcome = await deliverEmail(
      graphConfig({ 'graph-client-secret': SECRET }),
      await batch(convictions(2)),
      await options({ onRetry: (reason, _n, delayMs) => retries.push([reason, delayMs]) })
    )
    expect(outcome.sent).toBe(true)
    expect(cloud.received).toHaveLength(1)
    expect(retries[0]).toEqual([expect.stringContaining('429 ApplicationThrottled'), 1000])
    expect(retries[1][0]).toContain('503 ServiceUnavailable')
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
  })

  it('does not wait for a Retry-After over two minutes: it fails at once and leaves it to the next run', async () => {
    cloud = closedAfter(await startMicrosoft({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET }))
    cloud.graphReplies.push({
      status: 429,
      headers: { 'Retry-After': '121' },
      body: { error: { code: 'ApplicationThrottled', message: 'Too many requests' } }
    })
    const retries: string[] = []
    const started = Date.now()
    const error = await sendFailure(graphConfig({ 'graph-client-secret': SECRET }), 2, {
      onRetry: (reason) => retries.push(reason)
    })
    expect(error.message).toContain('429 ApplicationThrottled')
    expect(retries).toEqual([])
    expect(cloud.requests.filter((r) => r.includes('sendMail'))).toHaveLength(1)
    expect(cloud.received).toEqual([])
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('explains a 403: the permission and the mailbox scope, naming the mailbox, without retrying', async () => {
    cloud = closedAfter(await startMicrosoft({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET }))
    cloud.graphReplies.push({
      status: 403,
      body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' } }
    })
    const error = await sendFailure(graphConfig({ 'graph-client-secret': SECRET }), 2)
    expect(error.message).toBe(
      'Graph refused to send as etd-watch@example.com (403 ErrorAccessDenied: Access is denied. Check credentials and try again.). ' +
        'The Entra app needs the Mail.Send application permission with admin consent, and Exchange must let it send as etd-watch@example.com: ' +
        "add etd-watch@example.com to the app's management scope (RBAC for Applications) or to the group of its application access policy (README, Microsoft 365)."
    )
    expect(cloud.requests.filter((r) => r.endsWith('/sendMail'))).toHaveLength(1)
  })

  it('explains a wrong client secret without showing it', async () => {
    cloud = closedAfter(await startMicrosoft({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET }))
    const wrong = 'wrong-secret-value-123'
    const error = await sendFailure(graphConfig({ 'graph-client-secret': wrong }), 1)
    expect(error.message).toMatch(/AADSTS7000215.*graph-client-secret is wrong or expired: create a new one\.$/)
    expect(error.message).not.toContain(wrong)
  })

  it('explains an authority that cannot be reached, naming it', async () => {
    cloud = closedAfter(await startMicrosoft({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET }))
    const gone = cloud.url
    await cloud.close()
    cloud = closedAfter(await startMicrosoft({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET }))
    const config = graphConfig({ 'graph-client-secret': SECRET, 'graph-cloud': `${gone} ${cloud.url}` })
    const error = await sendFailure(config, 1)
    expect(error.message).toMatch(
      new RegExp(
        `^No Entra token for app .*: ${gone.replace(/\./g, '\\.')} (gave no sign-in metadata|could not be reached)`
      )
    )
    expect(cloud.received).toHaveLength(0)
  })

  it(`leaves out the JSON report, saying so, when the email would pass Graph's ${GRAPH_REQUEST_LIMIT_BYTES / 1048576} MB`, async () => {
    cloud = closedAfter(await startMicrosoft({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET }))
    const matched = convictions(3)
    const huge = JSON.stringify({ messages: matched, padding: 'x'.repeat(3_500_000) })
    const outcome = await deliverEmail(
      graphConfig({ 'graph-client-secret': SECRET }),
      await batch(matched, huge),
      await options()
    )
    expect(outcome.description).toContain('without the JSON report')
    const { mail } = cloud.received[0]
    expect(mail.attachments).toHaveLength(0)
    expect(mail.text).toMatch(
      /^The JSON report was left out: with it this email would be 4\.\d MB, over the 3\.0 MB the email transport takes\. The report at \S+report\.json lists every conviction\.\n/
    )
    expect(mail.html).toContain('The JSON report was left out')
    // In Actions the report file goes with the runner: the note points to the run instead.
    const run = 'https://github.com/acme/watch/actions/runs/42'
    await deliverEmail(
      graphConfig({ 'graph-client-secret': SECRET }),
      { ...(await batch(matched, huge)), links: { run } },
      await options()
    )
    expect(cloud.received[1].mail.text).toContain(
      ` the email transport takes. Instead, the workflow run lists every conviction (its summary, and the report among its artifacts): ${run}.\n`
    )
  })
})

describe('SMTP with OAuth2 (XOAUTH2) and the retired Basic auth', () => {
  it('logs in with an Entra token for Exchange Online SMTP, as the sending mailbox', async () => {
    cloud = closedAfter(await startMicrosoft({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET }))
    const logins: string[] = []
    smtp = closedAfter(
      await startMailSink({
        oauth2: (user, token) => {
          logins.push(user)
          return (cloud!.issued.get(EXCHANGE_SMTP_SCOPE) ?? []).includes(token)
        }
      })
    )
    const config = graphConfig({
      'smtp-url': `smtp://127.0.0.1:${smtp.port}?auth=oauth2`,
      'graph-client-secret': SECRET
    })
    expect(config.transport).toBe('smtp')
    const outcome = await deliverEmail(config, await batch(convictions(2)), await options())
    expect(outcome.sent).toBe(true)
    expect(logins).toEqual(['etd-watch@example.com'])
    expect(smtp.received).toHaveLength(1)
    expect(masked).toEqual(cloud.issued.get(EXCHANGE_SMTP_SCOPE))
  })

  it('says that Basic auth is retired and names the Graph or OAuth2 setup on 550 5.7.30', async () => {
    const { key, cert } = await certificate()
    const server = new SMTPServer({
      key,
      cert,
      logger: false,
      onAuth: (_auth, _session, callback) =>
        callback(
          Object.assign(new Error('5.7.30 Basic authentication is not supported for Client Submission.'), {
            responseCode: 550
          })
        )
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const port = (server.server.address() as AddressInfo).port
      const config = parseEmailConfig(
        (name) =>
          ({
            'smtp-url': `smtp://etd@example.com:app-password@127.0.0.1:${port}`,
            'email-from': 'etd@example.com',
            'email-to': 'soc@example.com'
          })[name] ?? ''
      )
      const error = await deliverEmail(config, await batch(convictions(1)), { ...FAST, ca: cert }).catch(
        (e: Error) => e
      )
      expect((error as Error).message).toMatch(
        /5\.7\.30 .*Microsoft 365 has retired passwords \(Basic authentication\) for SMTP: remove smtp-url and set graph-tenant-id and graph-client-id .*add \?auth=oauth2 to smtp-url/
      )
      expect((error as Error).message).not.toContain('app-password')
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})

describe('run() with Graph: nothing secret anywhere', () => {
  /** Every file the run left, every output, the summary, and the log bar its masking commands. */
  async function everything(dir: string, result: Awaited<ReturnType<typeof runAction>>): Promise<string> {
    const files = await readdir(dir, { recursive: true, withFileTypes: true })
    const contents = await Promise.all(
      files.filter((f) => f.isFile()).map((f) => readFile(join(f.parentPath, f.name), 'utf8'))
    )
    const log = result.log
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n')
    return [log, result.summary, JSON.stringify(result.outputs), ...contents].join('\n')
  }

  it('sends with each credential, masks the secret, the key, the tokens and the OIDC token, and shows none', async () => {
    const { pem, cert } = await clientCertificate()
    const keyLines = pem
      .split('\n')
      .filter((line) => line.length > 40 && !line.startsWith('-----'))
      .slice(-3)
    oidc = closedAfter(await startActionsOidc())
    sim = closedAfter(await simulatorWith(400, { days: 2, seed: 21 }))
    const credentials: Array<[Record<string, string>, Parameters<typeof startMicrosoft>[0]]> = [
      [{ 'graph-client-secret': SECRET }, { tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET }],
      [{ 'graph-certificate': pem }, { tenantId: TENANT, clientId: CLIENT, certificate: cert }],
      [{}, { tenantId: TENANT, clientId: CLIENT, oidcToken: () => oidc!.token }]
    ]
    for (const [inputs, app] of credentials) {
      cloud = closedAfter(await startMicrosoft(app))
      const dir = await tempDir('etd-graph-run-')
      const result = await runAction(
        async ({ env }) => run({ env, emailCa: (await certificate()).cert }),
        {
          ...etdInputs(sim),
          mailboxes: 'ceo@example.com, cfo@example.com',
          backfill: '2d',
          notify: 'email',
          'graph-tenant-id': TENANT,
          'graph-client-id': CLIENT,
          'graph-cloud': `${cloud.url} ${cloud.url}`,
          'email-from': 'ETD Watch <etd-watch@example.com>',
          'email-to': 'soc@example.com',
          'state-path': join(dir, 'state.json'),
          ...inputs
        },
        { dir, env: oidc.env }
      )
      expect(result.failed).toBe(false)
      expect(cloud.received).toHaveLength(1)
      expect(result.outputs['email-message-id']).toBe(cloud.received[0].mail.messageId)
      expect(result.summary).toContain('Digest emailed to soc@example.com.')
      const given = inputs['graph-client-secret'] ? [SECRET] : inputs['graph-certificate'] ? keyLines : [oidc.token!]
      const tokens = [...cloud.issued.values()].flat()
      expect(tokens).toHaveLength(1)
      for (const secret of [...given, ...tokens]) expect(result.log).toContain(`::add-mask::${secret}`)
      const shown = await everything(dir, result)
      for (const secret of [SECRET, ...keyLines, ...tokens, ...given]) expect(shown).not.toContain(secret)
    }
  })
})
