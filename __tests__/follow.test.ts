import { describe, expect, it } from '@jest/globals'
import { Follower, followUp, type TrailOutcome } from '../src/notify/issue/follow.js'
import type { Sighting } from '../src/notify/issue/trail.js'
import { parseState, serializeState, STATE_VERSION, type NotifiedEntry, type WatchState } from '../src/state/state.js'
import { conviction, T } from './helpers/fixtures.js'

const HOUR = 3_600_000
const entry = (inbox: boolean | undefined, receivedAt = T - HOUR): NotifiedEntry => ({
  verdict: 'bec',
  receivedAt,
  notifiedAt: T - HOUR,
  ...(inbox === undefined ? {} : { inbox })
})
const quarantined = { folder: 'quarantine', automatic: false, at: '2026-11-27T10:30:00.000Z' }

describe('Follower', () => {
  it('sees a told conviction that left the inbox, or came back, and nothing else', () => {
    const known = new Map([
      ['in', entry(true)],
      ['out', entry(false)],
      ['still', entry(true)],
      ['unflagged', entry(undefined)]
    ])
    const follower = new Follower(known, T, T - 24 * HOUR)
    for (const id of known.keys()) {
      const remediation = id === 'out' ? { folder: 'inbox', automatic: true } : id === 'still' ? undefined : quarantined
      follower.see(conviction(id, { remediation }), 'already-notified', undefined)
    }
    expect([...follower.sightings.values()]).toEqual([
      { id: 'in', folder: 'quarantine', at: Date.UTC(2026, 10, 27, 10, 30), by: 'hand or an API client' },
      // No action time from ETD: the time of the run.
      { id: 'out', folder: 'inbox', at: T, by: 'ETD (automatic remediation)' }
    ])
    // Back with no action at all: in the inbox, at the run's time, by nobody ETD names.
    const back = new Follower(new Map([['x', entry(false)]]), T, T - 24 * HOUR)
    back.see(conviction('x', { remediation: undefined }), 'already-notified', undefined)
    expect([...back.sightings.values()]).toEqual([{ id: 'x', folder: 'inbox', at: T }])
  })

  it('remembers where a conviction told now is, and leaves a silent change as it was', () => {
    const follower = new Follower(new Map(), T, T - 24 * HOUR)
    const told = { verdict: 'bec', receivedAt: T - HOUR, notifiedAt: T }
    expect(follower.see(conviction('a', { remediation: undefined }), 'new', told)).toEqual({ ...told, inbox: true })
    expect(follower.see(conviction('b'), 'verdict-change', told)).toEqual({ ...told, inbox: false })
    expect(follower.see(conviction('c'), 'already-notified', told)).toEqual(told)
    expect(follower.see(conviction('d'), 'already-notified', undefined)).toBeUndefined()
    // Told by a backfill from before what the next state keeps: never seen again, so not followed.
    const old = { ...told, receivedAt: T - 25 * HOUR }
    expect(follower.see(conviction('e', { remediation: undefined }), 'new', old)).toEqual(old)
  })

  it('counts as lost what the next state drops and what the search passed without returning it', () => {
    const known = new Map([
      ['old', entry(true, T - 30 * HOUR)],
      ['released', entry(true, T - HOUR)],
      ['outside', entry(true, T - 5 * HOUR)],
      ['seen', entry(true, T - HOUR)],
      ['moved', entry(false, T - 30 * HOUR)]
    ])
    const follower = new Follower(known, T, T - 24 * HOUR)
    follower.see(conviction('seen', { remediation: undefined }), 'already-notified', undefined)
    const next = new Map([...known].filter(([id]) => id !== 'old' && id !== 'moved'))
    expect(follower.unfollowed(next, { start: T - 2 * HOUR, end: T })).toEqual(['old', 'released'])
  })
})

describe('followUp', () => {
  const store = (outcome: TrailOutcome | Error) => {
    const calls: Array<[Sighting[], string[]]> = []
    return {
      calls,
      follow: async (sightings: Sighting[], unfollowed: string[]) => {
        calls.push([sightings, unfollowed])
        if (outcome instanceof Error) throw outcome
        return outcome
      }
    }
  }
  const known = () =>
    new Map([
      ['a', entry(true)],
      ['b', entry(true)],
      ['c', entry(true, T - 30 * HOUR)]
    ])

  it('asks the issues nothing when nothing moved', async () => {
    const issues = store({ notes: [], errors: [], failed: new Set() })
    const next = known()
    expect(await followUp(issues, new Follower(next, T, T - 24 * HOUR), next, { start: T, end: T }, 'UTC')).toEqual([])
    expect(issues.calls).toEqual([])
  })

  it('moves the flags of what was recorded, keeps those of a failed issue, drops the flag of the lost', async () => {
    const seen = known()
    const next = new Map(seen)
    const follower = new Follower(seen, T, T - 24 * HOUR)
    follower.see(conviction('a'), 'already-notified', undefined)
    follower.see(conviction('b'), 'already-notified', undefined)
    // c is older than what the next state keeps; d was searched over and not returned.
    next.delete('c')
    next.set('d', entry(true, T - HOUR))
    seen.set('d', entry(true, T - HOUR))
    const issues = store({
      notes: ['Issue #1: 1 left the inbox; closed.'],
      errors: ['GitHub failed'],
      failed: new Set(['b'])
    })
    const notes = await followUp(issues, follower, next, { start: T - 2 * HOUR, end: T }, 'UTC')
    expect(notes).toEqual(['Issue #1: 1 left the inbox; closed.', 'GitHub failed'])
    expect(issues.calls[0][1]).toEqual(['c', 'd'])
    expect(next.get('a')).toEqual(entry(false))
    expect(next.get('b')).toEqual(entry(true))
    expect(next.get('d')).toEqual(entry(undefined))
    expect(next.has('c')).toBe(false)
  })

  it('keeps every flag, and says so, when the issues cannot be read', async () => {
    const next = known()
    const follower = new Follower(next, T, T - 24 * HOUR)
    follower.see(conviction('a'), 'already-notified', undefined)
    const notes = await followUp(
      store(new Error('GitHub failed listing recent issues (503).')),
      follower,
      next,
      { start: T, end: T },
      'UTC'
    )
    expect(notes).toEqual([
      'The audit trail could not read the issues: GitHub failed listing recent issues (503). A later run tries again.'
    ])
    expect(next.get('a')?.inbox).toBe(true)
  })
})

describe('the state keeps where a told conviction was', () => {
  it('writes the flag as i, reads it back, and reads entries without it as not followed', () => {
    const state: WatchState = {
      version: STATE_VERSION,
      horizon: T - HOUR,
      watermark: T,
      notified: new Map([
        ['a', entry(true)],
        ['b', entry(false)],
        ['c', entry(undefined)]
      ])
    }
    const text = [...serializeState(state)].join('')
    expect(JSON.parse(text).notified).toEqual({
      a: { v: 'bec', r: '2026-11-27T09:00:00.000Z', n: '2026-11-27T09:00:00.000Z', i: true },
      b: { v: 'bec', r: '2026-11-27T09:00:00.000Z', n: '2026-11-27T09:00:00.000Z', i: false },
      c: { v: 'bec', r: '2026-11-27T09:00:00.000Z', n: '2026-11-27T09:00:00.000Z' }
    })
    const parsed = parseState(text.replace('"i":false', '"i":"no"'))
    expect(parsed.ok && [...parsed.state.notified]).toEqual([
      ['a', entry(true)],
      ['b', entry(undefined)],
      ['c', entry(undefined)]
    ])
  })
})
