import { describe, expect, it } from '@jest/globals'
import { chunkWindow, MAX_CHUNK_MS, planWindow } from '../src/window/plan.js'

const NOW = Date.UTC(2026, 10, 27, 11, 7, 30, 250)
const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * ETD refuses a start more than 90 days back (the spec), and a clamped window should lose little of what
 * it still keeps: at most a couple of days of margin.
 */
function expectWithinEtdRetention(start: number): void {
  expect(start).toBeGreaterThanOrEqual(NOW - 90 * DAY)
  expect(start).toBeLessThanOrEqual(NOW - 88 * DAY)
}

describe('planWindow', () => {
  it('ends settle-delay before now and spans lookback, in whole seconds', () => {
    const window = planWindow(NOW, { lookbackMs: HOUR, rescanMs: DAY, settleDelayMs: 5 * 60_000 })
    expect(new Date(window.end).toISOString()).toBe('2026-11-27T11:02:30.000Z')
    expect(new Date(window.start).toISOString()).toBe('2026-11-27T10:02:30.000Z')
    expect(window.clampedFrom).toBeUndefined()
  })

  it('clamps a start beyond 90 days and says where it wanted to start', () => {
    const window = planWindow(NOW, { lookbackMs: 120 * DAY, rescanMs: DAY, settleDelayMs: 0 })
    expect(window.clampedFrom).toBe(Math.floor(NOW / 1000) * 1000 - 120 * DAY)
    expectWithinEtdRetention(window.start)
    expect(window.start % 1000).toBe(0)
  })
})

describe('planWindow after earlier runs', () => {
  const settings = { lookbackMs: HOUR, rescanMs: DAY, settleDelayMs: 5 * 60_000 }

  it('starts rescan before the watermark, however long ago it was', () => {
    const watermark = Date.UTC(2026, 10, 27, 10, 2, 30)
    expect(planWindow(NOW, settings, watermark)).toEqual({
      start: watermark - DAY,
      end: Date.UTC(2026, 10, 27, 11, 2, 30)
    })
    const weekAgo = watermark - 7 * DAY
    expect(planWindow(NOW, settings, weekAgo).start).toBe(weekAgo - DAY)
  })

  it('clamps a gap beyond 90 days', () => {
    const window = planWindow(NOW, settings, NOW - 100 * DAY)
    expect(window.clampedFrom).toBe(Math.floor((NOW - 100 * DAY) / 1000) * 1000 - DAY)
    expectWithinEtdRetention(window.start)
  })

  it('never starts after it ends, even with a watermark in the future', () => {
    const window = planWindow(NOW, { ...settings, rescanMs: 0 }, NOW + HOUR)
    expect(window.start).toBe(window.end)
  })
})

describe('chunkWindow', () => {
  it('keeps a short window whole', () => {
    expect(chunkWindow({ start: 0, end: HOUR })).toEqual([[0, HOUR]])
  })

  it('splits long windows into adjacent spans ETD accepts', () => {
    const chunks = chunkWindow({ start: 0, end: 80 * DAY })
    expect(chunks).toEqual([
      [0, MAX_CHUNK_MS],
      [MAX_CHUNK_MS, 2 * MAX_CHUNK_MS],
      [2 * MAX_CHUNK_MS, 80 * DAY]
    ])
    for (const [start, end] of chunks) expect(end - start).toBeLessThan(32 * DAY)
  })

  it('has nothing to search in an empty window', () => {
    expect(chunkWindow({ start: HOUR, end: HOUR })).toEqual([])
  })
})
