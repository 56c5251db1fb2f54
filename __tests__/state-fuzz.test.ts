/**
 * Property: whatever text ETD sends, a run whose owner notices fail writes a state that loads back whole,
 * every conviction remembered and every notice kept (its text clipped to what the state reads), or, for a
 * recipient that is not one address, left out by name.
 *
 * Runs are few so that the suite stays fast: FUZZ_RUNS=<n> runs more. fast-check prints the seed and path
 * of a failure; FUZZ_SEED=<seed> npm test -- state-fuzz runs the same examples again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EtdMessage, RawMessage } from '../src/etd/types.js'
import { run } from '../src/main.js'
import { certificate } from '../src/simulator/certificate.js'
import { startMailSink, type MailSink } from '../src/simulator/mail-sink.js'
import { startSimulator, type Simulator } from '../src/simulator/server.js'
import { pendingNotice } from '../src/state/pending-notices.js'
import { Dropped } from '../src/state/rules.js'
import { parseState, serializeState, type NotifiedEntry } from '../src/state/state.js'
import { runAction } from './helpers/action-run.js'
import { etdInputs } from './helpers/simulator.js'

const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED)
const runs = (modest: number) => ({ seed, numRuns: Number(process.env.FUZZ_RUNS ?? modest) })

const MINUTE = 60_000
const T0 = Date.UTC(2026, 10, 27, 10, 0, 0)
const WATCHED = ['bec', 'scam', 'phishing', 'malicious']
/** The owners the SMTP server refuses: plain addresses, so their notices must be kept. */
const REFUSED = ['o1@example.com', 'o2@example.com', 'o3@example.com']

/** Text made to break whatever reads it: workflow commands, prototype names, odd Unicode, the limits' edges. */
const HOSTILE = [
  'x\n::error title=Forged::owned\n@',
  '%0A::add-mask::secret',
  'constructor',
  '__proto__',
  'hasOwnProperty',
  'a b',
  'attacker@evil.example, x',
  'g: a@x.example; b',
  '"quoted"',
  '<script>alert(1)</script>',
  '\u202eexe.pdf',
  '\u2028\u2029\u0085',
  '\ud800 lone \udfff',
  '💸'.repeat(1001),
  `Wire ${'x'.repeat(2070)} done`,
  `${'s'.repeat(1999)}😀`
]

// Often past the limits that the state clips to (200, 2,000 and 100 characters), and across them.
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...HOSTILE),
  // Long text is not shrunk: that would take minutes, and its length is what matters.
  fc.noShrink(fc.string({ unit: 'grapheme', minLength: 90, maxLength: 130 })),
  { arbitrary: fc.noShrink(fc.string({ minLength: 1990, maxLength: 2100 })), weight: 2 }
)
const id = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  fc.constantFrom('constructor', '__proto__', 'toString'),
  fc.noShrink(fc.string({ minLength: 195, maxLength: 260 }))
)

interface Sent {
  id: string
  owner: string
  verdict: string
  minutesBefore: number
  subject: string
  fromAddress: string
  senderName: string
  folder: string | null
}

const sent = fc.record({
  id,
  owner: fc.oneof(
    fc.constantFrom(...REFUSED),
    text.map((t) => `${t}@example.com`)
  ),
  verdict: fc.constantFrom(...WATCHED, 'spam', 'constructor', '__proto__'),
  minutesBefore: fc.integer({ min: 6, max: 60 }),
  subject: text,
  fromAddress: text,
  senderName: text,
  folder: fc.option(text)
})
/** What issue 21 reported: each of these, in a refused owner's notice, threw the whole state away. */
const REPORTED: Sent[] = [
  { subject: `Wire ${'x'.repeat(2070)} done`, folder: 'quarantine' },
  { subject: 'Invoice', folder: `f${'o'.repeat(119)}` },
  { id: `m-${'9'.repeat(250)}`, subject: 'Invoice', folder: null },
  { owner: 'c fo@example.com', subject: 'Invoice', folder: null }
].map((m, i) => ({
  id: `reported-${i}`,
  owner: REFUSED[0],
  verdict: 'bec',
  minutesBefore: 10 + i,
  fromAddress: 'billing@evil.example',
  senderName: 'Billing',
  ...m
}))

const batch = fc.uniqueArray(sent, { minLength: 1, maxLength: 6, selector: (m) => m.id })

function raw(m: Sent): RawMessage {
  const at = new Date(T0 - m.minutesBefore * MINUTE).toISOString()
  return {
    id: m.id,
    timestamp: at,
    subject: m.subject,
    fromAddress: m.fromAddress,
    senderName: m.senderName,
    toAddresses: [m.owner],
    mailboxes: [m.owner],
    verdict: { category: m.verdict, latestVerdict: m.verdict, originalVerdict: m.verdict, timestamp: at },
    ...(m.folder === null ? {} : { action: { type: 'move', folder: m.folder, isAutoRemediated: true, timestamp: at } })
  }
}

/** The key the state must remember an id by: the id, or past 200 characters its SHA-256 in hex. */
const keyOf = (id: string) => (id.length <= 200 ? id : `sha256:${createHash('sha256').update(id).digest('hex')}`)

/** `kept` is `original` cut to at most `max` UTF-16 units, and no more than one unit shorter than that. */
function expectClipped(kept: string, original: string, max: number): void {
  expect(original.startsWith(kept)).toBe(true)
  expect(kept.length).toBeLessThanOrEqual(max)
  expect(kept.length).toBeGreaterThanOrEqual(Math.min(original.length, max - 1))
}

describe('the state written after failed owner notices, with random and hostile ETD text', () => {
  let sim: Simulator
  let smtp: MailSink
  let clock = T0

  beforeAll(async () => {
    sim = await startSimulator({ messages: [], clock: () => clock, rateLimit: false })
    smtp = await startMailSink({ auth: { user: 'alerts', pass: 'pw' } })
    // 'c fo@example.com' reaches the server as fo@example.com.
    smtp.rejectRecipients = [...REFUSED, 'fo@example.com']
  })
  afterAll(async () => {
    await sim.close()
    await smtp.close()
  })

  it('always loads back whole in the next run, which tells no one again', async () => {
    const ca = (await certificate()).cert
    await fc.assert(
      fc.asyncProperty(batch, async (messages) => {
        const dir = await mkdtemp(join(tmpdir(), 'etd-state-fuzz-'))
        try {
          sim.faults.extraMessages = messages.map(raw)
          const runAt = (at: number) => {
            clock = at
            return runAction(
              ({ env }) => run({ env, now: () => clock, emailCa: ca }),
              {
                ...etdInputs(sim),
                mailboxes: '*@example.com',
                notify: 'email',
                'owner-notices': 'include-domains',
                'smtp-url': `smtp://alerts:pw@127.0.0.1:${smtp.port}`,
                'email-from': 'etd@example.com',
                'email-to': 'soc@example.com',
                'state-path': join(dir, 'state.json')
              },
              { dir }
            )
          }
          const told = messages.filter((m) => WATCHED.includes(m.verdict))
          const first = await runAt(T0)
          expect(first.outputs['state-saved']).toBe('true')
          // What could not be written is only a notice to something that is not one address, named by place.
          for (const line of first.log.split('\n').filter((l) => l.includes('Not saved with the state'))) {
            expect(line).toMatch(
              /^::warning::Not saved with the state: pending notice \d+ \(its recipient is not one plain address\)\.$/
            )
          }
          const parsed = parseState(await readFile(join(dir, 'state.json'), 'utf8'))
          if (!parsed.ok) throw new Error(parsed.reason)
          expect(parsed.dropped).toBeUndefined()
          const { notified, pending = [] } = parsed.state
          expect(new Map([...notified].map(([key, e]) => [key, [e.verdict, e.receivedAt]]))).toEqual(
            new Map(told.map((m) => [keyOf(m.id), [m.verdict, T0 - m.minutesBefore * MINUTE]]))
          )
          // Every refused owner's notice is kept whole, its text clipped; no notice to anyone not told.
          const owners = new Set(told.map((m) => m.owner.toLowerCase()))
          for (const notice of pending) expect(owners.has(notice.to)).toBe(true)
          for (const owner of REFUSED.filter((o) => owners.has(o))) {
            const theirs = told.filter((m) => m.owner === owner)
            const notice = pending.find((p) => p.to === owner)
            expect(notice).toMatchObject({ attempts: 1, total: theirs.length })
            expect(notice!.messages).toHaveLength(theirs.length)
            for (const kept of notice!.messages) {
              const original = theirs.find(
                (m) => m.id.startsWith(kept.id) && kept.id.length >= Math.min(m.id.length, 199)
              )
              expect(original).toBeDefined()
              expectClipped(kept.id, original!.id, 200)
              expectClipped(kept.subject, original!.subject, 2000)
              expectClipped(kept.fromAddress, original!.fromAddress, 2000)
              expectClipped(kept.senderName, original!.senderName, 2000)
              if (original!.folder === null || original!.folder === '') expect(kept.remediation).toBeUndefined()
              else expectClipped(kept.remediation!.folder!, original!.folder.toLowerCase(), 100)
            }
          }

          const second = await runAt(T0 + 10 * MINUTE)
          expect(second.outputs['state-restored']).toBe('true')
          expect(second.log).not.toContain('Dropped from the state')
          expect(second.outputs['new-count']).toBe('0')
        } finally {
          await rm(dir, { recursive: true, force: true })
        }
      }),
      // Each example is two runs of the action: a failure is reported as found, not shrunk. The cases
      // reported in issue 21 run first, then random ones.
      { ...runs(2), endOnFailure: true, examples: [[REPORTED]] }
    )
  })
})

describe('the state document round trip, with random and hostile text in every field', () => {
  const message = (m: Sent, i: number): EtdMessage => ({
    id: m.id,
    receivedAt: new Date(T0 - i * MINUTE).toISOString(),
    subject: m.subject,
    fromAddress: m.fromAddress,
    senderName: m.senderName,
    toAddresses: [],
    mailboxes: [],
    verdict: WATCHED[i % WATCHED.length],
    retro: false,
    manual: false,
    techniques: [],
    ...(m.folder === null ? {} : { remediation: { folder: m.folder, automatic: i % 2 === 0 } })
  })

  it('reads back every entry and every notice that was written, and names what was left out', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(fc.emailAddress(), text), batch), { maxLength: 4 }), (notices) => {
        const notified = new Map<string, NotifiedEntry>()
        for (const [, messages] of notices) {
          for (const m of messages) notified.set(keyOf(m.id), { verdict: 'bec', receivedAt: T0, notifiedAt: T0 })
        }
        const pending = notices.map(([to, messages]) => pendingNotice(to, messages.map(message), messages.length, 0))
        const dropped = new Dropped()
        const written = [
          ...serializeState({ version: 3, horizon: T0, watermark: T0, pending, notified }, dropped)
        ].join('')
        const plain = (to: string) => /^[^\s@",;:<>()[\]\\\p{Cc}]+@[^\s@",;:<>()[\]\\\p{Cc}]+$/u.test(to)
        expect(dropped.lines()).toEqual(
          pending.flatMap((p, i) =>
            plain(p.to) ? [] : [`pending notice ${i + 1} (its recipient is not one plain address)`]
          )
        )
        const parsed = parseState(written)
        if (!parsed.ok) throw new Error(parsed.reason)
        expect(parsed.dropped).toBeUndefined()
        expect(parsed.state.notified).toEqual(notified)
        const kept = notices.filter(([to]) => plain(to))
        expect(parsed.state.pending?.map((p) => p.to) ?? []).toEqual(kept.map(([to]) => to))
        for (const [i, notice] of (parsed.state.pending ?? []).entries()) {
          expect(notice.messages).toHaveLength(kept[i][1].length)
          for (const [j, m] of notice.messages.entries()) {
            const original = kept[i][1][j]
            expectClipped(m.id, original.id, 200)
            expectClipped(m.subject, original.subject, 2000)
            expectClipped(m.fromAddress, original.fromAddress, 2000)
            expectClipped(m.senderName, original.senderName, 2000)
            if (original.folder === null) expect(m.remediation).toBeUndefined()
            else expectClipped(m.remediation!.folder!, original.folder, 100)
          }
        }
      }),
      runs(60)
    )
  })
})
