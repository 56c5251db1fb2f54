import { describe, expect, it } from '@jest/globals'
import type { Conviction } from '../src/etd/types.js'
import { issueLedger, webhookKey, type LedgerRecord, type RecordStore } from '../src/notify/ledger.js'
import { batchFor, conviction as fixture, T } from './helpers/fixtures.js'

const RULE = { mailboxes: [], verdicts: ['bec', 'phishing'], techniques: [] }

const conviction = (id: string, verdict = 'bec'): Conviction =>
  fixture(id, { receivedAt: new Date(T).toISOString(), toAddresses: [], verdict, techniques: [] })

const batchOf = (convictions: Conviction[]) => batchFor(convictions, RULE)

const marked = (c: Conviction) => ({ id: c.id, verdict: c.verdict, receivedAt: c.receivedAt })

/** Records in memory; `rewrites` lists what was written, `opened` is this run's issue. */
function store(records: LedgerRecord[], options: { opened?: number; fail?: string } = {}) {
  const rewrites: Array<{ number: number; owes: string[]; notes: readonly string[] }> = []
  const s: RecordStore = {
    recordedBatches: async () => {
      if (options.fail === 'read') throw new Error('GitHub is down.')
      return records
    },
    rewrite: async (record, owes, notes) => {
      if (options.fail === 'write') throw new Error('GitHub refused the edit.')
      rewrites.push({ number: record.number, owes, notes })
      record.owes = owes
    },
    openedNow: (record) => record.number === options.opened
  }
  return { store: s, rewrites }
}

const A = conviction('a-1')
const B = conviction('b-2', 'phishing')
const EMAIL = { key: 'email', name: 'Email' }

describe('issueLedger', () => {
  it('leaves out what a channel has by a record, and counts it out of the totals', async () => {
    const { store: s } = store([{ number: 1, convictions: [marked(A)], owes: ['webhook:0123456789ab'] }])
    const given = await issueLedger(s).owedTo('email', batchOf([A, B]))
    expect(given.convictions.map((c) => c.id)).toEqual(['b-2'])
    expect(given.totals.total).toBe(1)
    expect(given.totals.verdicts.get('bec') ?? 0).toBe(0)
  })

  it('a changed verdict is not had: the record names the old one', async () => {
    const { store: s } = store([{ number: 1, convictions: [marked(A)], owes: [] }])
    const changed = conviction('a-1', 'phishing')
    expect((await issueLedger(s).owedTo('email', batchOf([changed]))).convictions).toEqual([changed])
  })

  it('gives the whole batch when the records cannot be read: told again rather than never', async () => {
    const { store: s } = store([], { fail: 'read' })
    const batch = batchOf([A, B])
    expect(await issueLedger(s).owedTo('email', batch)).toBe(batch)
  })

  it('strikes a channel only from the records whose every conviction it was given', async () => {
    const { store: s, rewrites } = store([
      { number: 2, convictions: [marked(A)], owes: ['email', 'webhook:0123456789ab'] },
      { number: 1, convictions: [marked(A), marked(B)], owes: ['email'] }
    ])
    expect(await issueLedger(s).after(EMAIL, batchOf([A]), ['Digest emailed.'])).toBeUndefined()
    expect(rewrites).toEqual([{ number: 2, owes: ['webhook:0123456789ab'], notes: ['Digest emailed.'] }])
  })

  it('after a failure the channel stays owed; only the issue opened now is rewritten, for its notes', async () => {
    const { store: s, rewrites } = store(
      [
        { number: 2, convictions: [marked(A)], owes: ['email'] },
        { number: 1, convictions: [marked(B)], owes: ['email'] }
      ],
      { opened: 2 }
    )
    await issueLedger(s).after(EMAIL, undefined, ['Email failed: refused.'])
    expect(rewrites).toEqual([{ number: 2, owes: ['email'], notes: ['Email failed: refused.'] }])
  })

  it('says, naming the channel, when the record could not be written', async () => {
    const { store: s } = store([{ number: 1, convictions: [marked(A)], owes: ['email'] }], { fail: 'write' })
    expect(await issueLedger(s).after(EMAIL, batchOf([A]), [])).toBe(
      'The issue could not record that Email has the batch: GitHub refused the edit. The next run may send it there again.'
    )
  })
})

describe('webhookKey', () => {
  it('names a webhook by its URL without showing any of it', () => {
    const url = 'https://hooks.slack.com/services/T000/B000/s3cr3tT0ken'
    expect(webhookKey(url)).toMatch(/^webhook:[0-9a-f]{12}$/)
    expect(webhookKey(url)).toBe(webhookKey(url))
    expect(webhookKey(url)).not.toBe(webhookKey(`${url}x`))
    expect(webhookKey(url)).not.toMatch(/s3cr3t|slack|T000/)
  })
})
