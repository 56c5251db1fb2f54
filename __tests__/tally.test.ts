import { describe, expect, it } from '@jest/globals'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { FileStateStore } from '../src/state/store.js'
import { STATE_VERSION, type WatchState } from '../src/state/state.js'
import { addedTo, addRequests, usedToday } from '../src/state/tally.js'
import { T } from './helpers/fixtures.js'
import { tempDir } from './helpers/servers.js'

const state = (count: number, day = '2026-11-27'): WatchState => ({
  version: STATE_VERSION,
  horizon: T - 3_600_000,
  watermark: T - 300_000,
  notified: new Map(),
  requests: { day, count }
})

describe('the day’s request tally, for requests made outside the watch', () => {
  it('counts only the UTC day of now, and starts a new day from zero', () => {
    expect(usedToday(state(40), T)).toBe(40)
    expect(usedToday(state(40, '2026-11-26'), T)).toBe(0)
    expect(usedToday(undefined, T)).toBe(0)
    expect(addedTo(state(40).requests, T, 4)).toEqual({ day: '2026-11-27', count: 44 })
    expect(addedTo(state(40, '2026-11-26').requests, T, 4)).toEqual({ day: '2026-11-27', count: 4 })
  })

  it('adds to the state it reads just before writing, and changes nothing else', async () => {
    const store = new FileStateStore(join(await tempDir('etd-tally-'), 'state.json'))
    const newest = { ...state(40), watermark: T - 60_000 }
    const saved = await addRequests(store, async () => newest, 4, T)
    expect(saved).toMatchObject({ ok: true, note: expect.stringContaining('with 4 more ETD requests: 44 today.') })
    const loaded = await store.load()
    expect(loaded.kind === 'restored' && loaded.state).toMatchObject({ watermark: T - 60_000, requests: { count: 44 } })
  })

  it('writes nothing without requests or without a state, and says why; a failed write is said too', async () => {
    const dir = await tempDir('etd-tally-')
    const store = new FileStateStore(join(dir, 'state.json'))
    expect(await addRequests(store, async () => state(1), 0, T)).toEqual({
      ok: false,
      note: 'No ETD request made, so the state was left as it was.'
    })
    expect((await addRequests(store, async () => undefined, 3, T)).note).toBe(
      "No state of the watch was restored, so its daily tally does not count these 3 requests: give this workflow the watch's state-key."
    )
    expect((await store.load()).kind).toBe('none')
    // A file where its folder would be: no state can be written there.
    await writeFile(join(dir, 'blocker'), '')
    const nowhere = new FileStateStore(join(dir, 'blocker', 'state.json'))
    expect((await addRequests(nowhere, async () => state(1), 3, T)).note).toMatch(
      /^State not saved: the state file .* could not be written .*\. Today's tally misses 3 requests\.$/
    )
  })
})
