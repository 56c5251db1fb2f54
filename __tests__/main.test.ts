import { afterEach, describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Report } from '../src/report/report.js'
import { run } from '../src/main.js'
import { expectedMatches } from '../src/simulator/oracle.js'
import type { SimMessage } from '../src/simulator/data.js'
import type { Simulator } from '../src/simulator/server.js'
import { runAction, type ActionResult } from './helpers/action-run.js'
import { simulatorWith, etdInputs } from './helpers/simulator.js'
import { githubEnv } from './helpers/watch-run.js'
import { certificate } from '../src/simulator/certificate.js'
import { startMailSink, type MailSink } from '../src/simulator/mail-sink.js'
import { startGitHubApi } from '../src/simulator/github-api.js'
import { BILLING, simMessage, to } from './helpers/fixtures.js'

let sim: Simulator | undefined
let smtp: MailSink | undefined

afterEach(async () => {
  await sim?.close()
  await smtp?.close()
  sim = undefined
  smtp = undefined
})

async function action(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionResult> {
  const emailCa = (await certificate()).cert
  return runAction(({ env }) => run({ env, emailCa }), { ...etdInputs(sim!), notify: 'none', ...inputs }, { env })
}

/** Log lines other than the masking commands, which carry the secrets by design. */
const visibleLog = (log: string) =>
  log
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')

describe('run() against the simulator', () => {
  it('reports exactly the messages the simulator says should match', async () => {
    sim = await simulatorWith(600, { days: 3 })
    const inputs = {
      mailboxes: 'CEO@example.com, cfo@example.com\n*@subsidiary.example.org',
      verdicts: 'bec,phishing,malicious',
      backfill: '3d'
    }
    const result = await action(inputs)
    expect(result.failed).toBe(false)

    const report = JSON.parse(await readFile(result.outputs['report-path'], 'utf8')) as Report
    const start = Date.parse(result.outputs['window-start'])
    const end = Date.parse(result.outputs['window-end'])
    const expected = expectedMatches(sim.messages, Date.now(), {
      start,
      end,
      mailboxes: ['ceo@example.com', 'cfo@example.com', '*@subsidiary.example.org'],
      verdicts: ['bec', 'phishing', 'malicious'],
      techniques: []
    })
    expect(expected.length).toBeGreaterThan(20)
    expect(report.messages.map((m) => m.id).sort()).toEqual(expected)
    expect(result.outputs['matched-count']).toBe(String(expected.length))
    expect(result.outputs['report-path']).toBe(join(result.dir, 'etd-verdict-watch', 'report.json'))
    expect(end - start).toBe(3 * 24 * 3_600_000)
    expect(report.window).toEqual({ start: result.outputs['window-start'], end: result.outputs['window-end'] })
  })

  it("counts an administrator's release sent with an emptied category as released, never as a conviction", async () => {
    const at = Date.now() - 3 * 3_600_000
    const message = (id: string, history: SimMessage['history']): SimMessage =>
      simMessage(id, at, { ...BILLING, subject: 'Invoice', ...to('cfo@example.com'), history, folder: undefined })
    sim = await simulatorWith(0, {
      messages: [
        message('released-1', [
          { at: at + 1000, verdict: 'phishing' },
          { at: at + 60_000, verdict: 'neutral', manual: true, emptied: true }
        ]),
        message('convicted-1', [{ at: at + 1000, verdict: 'bec' }])
      ]
    })
    const result = await action({ backfill: '1d', mailboxes: 'cfo@example.com' })
    const report = JSON.parse(await readFile(result.outputs['report-path'], 'utf8')) as Report
    expect(report.messages.map((m) => m.id)).toEqual(['convicted-1'])
    expect(result.summary).toContain('2 messages scanned, 1 matched, 1 released by an administrator (1 new).')
  })

  it('narrows by technique instead of widening', async () => {
    sim = await simulatorWith(600, { days: 2, seed: 11 })
    const result = await action({ backfill: '2d', techniques: 'sender name IMPERSONATION, QR code' })
    const report = JSON.parse(await readFile(result.outputs['report-path'], 'utf8')) as Report
    const expected = expectedMatches(sim.messages, Date.now(), {
      start: Date.parse(result.outputs['window-start']),
      end: Date.parse(result.outputs['window-end']),
      mailboxes: [],
      verdicts: ['bec', 'scam', 'phishing', 'malicious'],
      techniques: ['sender name impersonation', 'qr code']
    })
    expect(expected.length).toBeGreaterThan(5)
    expect(report.messages.map((m) => m.id).sort()).toEqual(expected)
  })

  it('writes a job summary with escaped attacker text', async () => {
    sim = await simulatorWith(800, { days: 2, seed: 5 })
    const result = await action({ backfill: '2d' })
    expect(result.summary).toContain('<h2>ETD verdict watch</h2>')
    expect(result.summary).toContain('&lt;script&gt;')
    expect(result.summary).not.toMatch(/<script|<img|<a /i)
  })

  it('skips unreadable messages with a warning that names them, and goes on', async () => {
    sim = await simulatorWith(50)
    sim.faults.extraMessages = [
      { timestamp: new Date().toISOString(), verdict: { category: 'bec' } },
      { id: 'no-verdict-1', timestamp: new Date(Date.now() - 3_600_000).toISOString() }
    ]
    const result = await action({ backfill: '1d' })
    expect(result.failed).toBe(false)
    expect(result.log).toContain('::warning::Skipped an unreadable message without an id')
    expect(result.log).toContain('::warning::Skipped an unreadable message no-verdict-1 has no verdict')
  })

  it('fails on a bad input with one line naming it, before any network call', async () => {
    sim = await simulatorWith(10)
    const result = await action({ verdicts: 'bec,virus' })
    expect(result.failed).toBe(true)
    expect(result.log).toContain(
      "::error::Input 'verdicts' has 'virus'; expected any of bec, scam, phishing, malicious, spam, graymail, neutral.\n"
    )
    expect(sim.stats.arrivals).toHaveLength(0)
    expect(result.outputs).toEqual({})
  })

  it("fails on ETD's refusal with its status and words, no stack trace and no secret", async () => {
    sim = await simulatorWith(10)
    const result = await action({ 'etd-client-secret': 'not-the-secret-4711' })
    expect(result.failed).toBe(true)
    const errors = result.log.split('\n').filter((line) => line.startsWith('::error::'))
    expect(errors).toEqual([
      '::error::ETD /v1/oauth/token answered 401: Unauthorized: invalid client credentials. ETD refused the credentials ' +
        `at ${new URL(sim.url).host} (etd-region): check etd-region as well as etd-client-id and etd-client-secret.`
    ])
    expect(result.log).toContain('::add-mask::not-the-secret-4711')
    const visible = visibleLog(result.log)
    expect(visible).not.toContain('not-the-secret-4711')
    expect(visible).not.toContain(sim.apiKey)
    expect(visible).not.toMatch(/\n\s+at /)
  })
})

describe('the log', () => {
  /** The `::group::` names in the order they opened, each closed before the next opened. */
  const groups = (log: string) => {
    const names: string[] = []
    let open: string | undefined
    for (const line of log.split('\n')) {
      if (line.startsWith('::group::')) {
        expect(open).toBeUndefined()
        open = line.slice('::group::'.length)
        names.push(open)
      } else if (line === '::endgroup::') {
        expect(open).toBeDefined()
        open = undefined
      }
    }
    expect(open).toBeUndefined()
    return names
  }

  it('puts each phase of a run in a group of its own', async () => {
    sim = await simulatorWith(50)
    const result = await action({ backfill: '1d' })
    expect(result.failed).toBe(false)
    expect(groups(result.log)).toEqual(['Inputs', 'State restore', 'Plan', 'ETD fetch', 'Notify', 'State save'])
    // What a phase says stands inside its group.
    const plan = result.log.slice(result.log.indexOf('::group::Plan'), result.log.indexOf('::group::ETD fetch'))
    expect(plan).toContain('Searching ETD for messages received ')
  })

  it('shows the resolved config at debug level without any secret', async () => {
    sim = await simulatorWith(10)
    const github = await startGitHubApi({ token: 'ghp_token4444' })
    const secrets = {
      'etd-api-key': 'etd-key-1111',
      'etd-client-id': 'etd-client-2222',
      'etd-client-secret': 'etd-secret-3333',
      'github-token': github.token,
      'smtp-url': 'smtps://alerts%40example.com:pass%2F5555@smtp.example.com:465',
      'webhook-url': 'json=https://hooks.example.com/secret-path-6666'
    }
    const result = await action(
      {
        ...secrets,
        notify: 'email, issue, webhook',
        'email-from': 'etd@example.com',
        'email-to': 'soc@example.com',
        mailboxes: 'ceo@example.com'
      },
      { ...githubEnv(github) }
    ).finally(() => github.close())
    // The simulator refuses these credentials: the config is shown before ETD is asked.
    expect(result.failed).toBe(true)
    const debug = result.log.split('\n').find((line) => line.startsWith('::debug::Resolved config: '))!
    const shown = JSON.parse(debug.slice('::debug::Resolved config: '.length).replace(/%0A/g, '\n')) as {
      rule: { mailboxes: string[] }
      etd: { apiKey: string }
      email: { smtp: { host: string; password: string } }
    }
    expect(shown.rule.mailboxes).toEqual(['ceo@example.com'])
    expect(shown.email.smtp.host).toBe('smtp.example.com')
    expect(shown.etd.apiKey).toBe('(hidden)')
    expect(shown.email.smtp.password).toBe('(hidden)')
    const visible = visibleLog(result.log)
    for (const secret of [...Object.values(secrets), 'pass/5555', 'https://hooks.example.com/secret-path-6666']) {
      expect(visible).not.toContain(secret)
    }
  })

  it('shows the stack of a failure at debug level only, never in the error line', async () => {
    sim = await simulatorWith(10)
    const result = await action({ 'etd-client-secret': 'wrong' })
    expect(result.failed).toBe(true)
    const lines = result.log.split('\n')
    const error = lines.filter((line) => line.startsWith('::error::'))
    expect(error).toHaveLength(1)
    expect(error[0]).not.toMatch(/%0A|\s+at .*:\d+:\d+/)
    // Commands carry newlines as %0A: the stack is one debug line naming the code it came through.
    const stack = lines.find((line) => line.startsWith('::debug::') && line.includes('answered 401'))
    expect(stack).toMatch(/%0A +at .*src\/etd\/client\.ts:\d+/)
  })
})

describe('run() with the email digest', () => {
  async function emailInputs(password = 'app-password-123'): Promise<Record<string, string>> {
    return {
      notify: 'email',
      'smtp-url': `smtp://alerts:${encodeURIComponent(password)}@127.0.0.1:${smtp!.port}`,
      'email-from': 'ETD Watch <etd@example.com>',
      'email-to': 'soc@example.com',
      mailboxes: 'ceo@example.com, cfo@example.com',
      backfill: '2d'
    }
  }

  it('emails the digest and says so in outputs and summary', async () => {
    sim = await simulatorWith(500, { days: 2, seed: 21 })
    smtp = await startMailSink({ auth: { user: 'alerts', pass: 'app-password-123' } })
    const result = await action(await emailInputs())
    expect(result.failed).toBe(false)
    expect(smtp.received).toHaveLength(1)
    const { mail } = smtp.received[0]
    expect(result.outputs.notified).toBe('true')
    expect(result.outputs['email-message-id']).toBe(mail.messageId)
    // The dry-run files are outputs only on a dry run.
    expect(result.outputs).not.toHaveProperty('email-path')
    expect(result.outputs).not.toHaveProperty('issue-path')
    expect(mail.subject).toMatch(
      new RegExp(
        `^\\[ETD\\] ${result.outputs['action-needed-count']} still in the inbox · ${result.outputs['matched-count']} new convictions: `
      )
    )
    expect(result.summary).toContain('Digest emailed to soc@example.com.')
  })

  it('fails on a 535 with the reason, keeps the report, and never shows the password', async () => {
    sim = await simulatorWith(500, { days: 2, seed: 21 })
    smtp = await startMailSink({ auth: { user: 'alerts', pass: 'app-password-123' } })
    const result = await action(await emailInputs('wr0ng/pa$$word'))
    expect(result.failed).toBe(true)
    expect(result.log).toMatch(/::error::SMTP authentication failed at 127\.0\.0\.1:\d+: .*535/)
    expect(result.outputs.notified).toBe('false')
    const report = JSON.parse(await readFile(result.outputs['report-path'], 'utf8')) as Report
    expect(report.messages.length).toBe(Number(result.outputs['matched-count']))
    expect(report.messages.length).toBeGreaterThan(0)
    expect(result.summary).toContain('Email failed: SMTP authentication failed')
    expect(result.log).toContain('::add-mask::wr0ng/pa$$word')
    const visible = visibleLog(result.log) + result.summary + JSON.stringify(result.outputs)
    expect(visible).not.toContain('wr0ng/pa$$word')
    expect(visible).not.toContain(encodeURIComponent('wr0ng/pa$$word'))
  })

  it('renders a dry run to .eml and sends nothing', async () => {
    sim = await simulatorWith(500, { days: 2, seed: 21 })
    smtp = await startMailSink({ auth: { user: 'alerts', pass: 'app-password-123' } })
    const result = await action({ ...(await emailInputs()), 'dry-run': 'true' })
    expect(result.failed).toBe(false)
    expect(smtp.connections).toBe(0)
    expect(result.outputs.notified).toBe('false')
    const eml = await readFile(result.outputs['email-path'], 'utf8')
    expect(eml).toMatch(/^Subject: =\?UTF-8\?Q\?=5BETD=5D_\d+_still_in_the_inbox/m)
    expect(result.summary).toContain('Dry run: the digest was written to')
  })
})
