// Issue 21, item 1: one rejected field in a failed owner notice used to throw the whole state away, every run.
import { describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { SimMessage } from '../src/simulator/data.js'
import { type MailSink } from '../src/simulator/mail-sink.js'
import { billing, T } from './helpers/fixtures.js'
import { smtpInputs, startSmtp, WatchAt } from './helpers/watch-run.js'

const MINUTE = 60_000
const T0 = T

const message = billing

interface StateFile {
  version: number
  notified: Record<string, unknown>
  pending?: Array<{ to: string; attempts: number; messages: Array<Record<string, unknown>> }>
}

describe('a failed owner notice with text the state limits, to an SMTP server that refuses the owner', () => {
  let smtp: MailSink | undefined
  const watch = new WatchAt(T0, () => ({
    mailboxes: '*@example.com',
    notify: 'email',
    'owner-notices': 'include-domains',
    ...smtpInputs(smtp!)
  }))
  const { runAt } = watch

  async function setUp(refused: SimMessage, refusedAddress: string): Promise<void> {
    await watch.start('etd-state-entries-', [message('m-ceo', 'ceo@example.com', 40), refused])
    smtp = await startSmtp()
    smtp.rejectRecipients = [refusedAddress]
  }

  const recipients = () => smtp!.received.map((r) => r.envelopeTo.join(','))
  const stateFile = async () => JSON.parse(await readFile(join(watch.dir, 'state.json'), 'utf8')) as StateFile

  /** Two runs: the second restores the whole state, tells no one again, and retries the refused owner alone. */
  async function expectKeptAcrossRuns(): Promise<StateFile> {
    const first = await runAt(T0)
    expect(first.failed).toBe(false)
    expect(first.outputs['new-count']).toBe('2')
    expect(first.outputs['state-saved']).toBe('true')
    const told = recipients()
    expect(told).toEqual(['soc@example.com', 'ceo@example.com'])
    const second = await runAt(T0 + 10 * MINUTE)
    expect(second.failed).toBe(false)
    expect(second.outputs['state-restored']).toBe('true')
    expect(second.log).not.toContain('No state restored')
    expect(second.outputs['new-count']).toBe('0')
    // Neither the digest nor the other owner is told again.
    expect(recipients().slice(0, 2)).toEqual(told)
    expect(recipients().filter((r) => r === 'soc@example.com' || r === 'ceo@example.com')).toHaveLength(2)
    const saved = await stateFile()
    expect(saved.version).toBe(3)
    expect(Object.keys(saved.notified)).toHaveLength(2)
    expect(Object.keys(saved.notified)).toContain('m-ceo')
    return saved
  }

  it('keeps a notice with a 2,080-character subject, clipped to 2,000, and tries it again', async () => {
    const subject = `Wire ${'x'.repeat(2070)} done`
    await setUp(message('m-cfo', 'cfo@example.com', 30, { subject }), 'cfo@example.com')
    const saved = await expectKeptAcrossRuns()
    expect(saved.pending).toHaveLength(1)
    expect(saved.pending![0]).toMatchObject({ to: 'cfo@example.com', attempts: 2 })
    expect(saved.pending![0].messages[0].subject).toBe(subject.slice(0, 2000))
  })

  it('keeps a notice about a message whose folder is over 100 characters, clipped to 100', async () => {
    const folder = `f${'o'.repeat(119)}`
    await setUp(message('m-cfo', 'cfo@example.com', 30, { folder }), 'cfo@example.com')
    const saved = await expectKeptAcrossRuns()
    expect(saved.pending![0]).toMatchObject({ to: 'cfo@example.com', attempts: 2 })
    expect(saved.pending![0].messages[0].remediation).toEqual({ folder: folder.slice(0, 100), automatic: true })
  })

  it('remembers a conviction whose ETD id is over 200 characters, and keeps its notice', async () => {
    const id = `m-${'9'.repeat(250)}`
    await setUp(message(id, 'cfo@example.com', 30), 'cfo@example.com')
    const saved = await expectKeptAcrossRuns()
    expect(JSON.stringify(saved)).not.toContain(id)
    // Remembered under a fixed-length digest of the id; the notice shows its first 200 characters.
    expect(Object.keys(saved.notified).find((key) => key !== 'm-ceo')).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(saved.pending![0].messages[0].id).toBe(id.slice(0, 200))
  })

  it('keeps the rest of the state when the refused mailbox contains a space, and not that notice', async () => {
    // The mail library would read 'c fo@example.com' as a name and an address, and the server refuses that.
    await setUp(message('m-odd', 'c fo@example.com', 30), 'fo@example.com')
    const first = await runAt(T0)
    expect(first.failed).toBe(false)
    expect(first.outputs['state-saved']).toBe('true')
    // Refused before it is sent, so never kept for a retry (the writer's own check: state-fuzz.test.ts).
    expect(first.log).toContain(
      '::warning::No owner notice to c fo@example[.]com: ETD names it as a mailbox, but it is not one plain address.'
    )
    expect(first.log).not.toContain('Not saved with the state')
    const second = await runAt(T0 + 10 * MINUTE)
    expect(second.outputs['state-restored']).toBe('true')
    expect(second.log).not.toContain('No state restored')
    expect(second.outputs['new-count']).toBe('0')
    // Told once each; the refused notice is not tried again.
    expect(recipients()).toEqual(['soc@example.com', 'ceo@example.com'])
    const saved = await stateFile()
    expect(Object.keys(saved.notified).sort()).toEqual(['m-ceo', 'm-odd'])
    expect(saved.pending).toBeUndefined()
  })

  it('restores a state with malformed parts without them, naming each, and tells only what it does not hold', async () => {
    await setUp(message('m-cfo', 'cfo@example.com', 30), 'cfo@example.com')
    const told = { v: 'bec', r: '2026-11-27T09:20:00.000Z', n: '2026-11-27T09:21:00.000Z' }
    const notice = { to: 'cto@example.com', attempts: 1, total: 1, inbox: 0, messages: [] }
    await watch.plantState({
      version: 2,
      horizon: '2026-11-27T08:00:00.000Z',
      watermark: '2026-11-27T09:25:00.000Z',
      deepScanAt: '2026-11-27T09:25:00.000Z',
      ratePerHour: 'many',
      pending: [{ ...notice, to: 'x@evil.example, cto@example.com' }, notice],
      notified: {
        'm-ceo': told,
        'm-cfo': { ...told, v: 'constructor' },
        'm-later': { ...told, n: '2026-11-28T00:00:00.000Z' }
      }
    })
    const result = await runAt(T0)
    expect(result.failed).toBe(false)
    expect(result.outputs['state-restored']).toBe('true')
    const from = join(watch.dir, 'state.json')
    expect(result.log.split('\n').filter((l) => l.includes('Dropped from the state'))).toEqual(
      [
        'its message rate (malformed)',
        'pending notice 1 (its recipient is not one plain address)',
        'notified entry 2 "m-cfo" (malformed)',
        'notified entry 2 "m-later" (a time in the future)'
      ].map((part) => `::warning::Dropped from the state from ${from}, the rest restored: ${part}.`)
    )
    // m-ceo was told before: only m-cfo is told, and the kept notice is tried again.
    expect(result.outputs['new-count']).toBe('1')
    expect(recipients()).toEqual(['soc@example.com', 'cto@example.com'])
    expect(Object.keys((await stateFile()).notified).sort()).toEqual(['m-ceo', 'm-cfo'])
  })
})
