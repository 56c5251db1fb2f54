import { describe, expect, it } from '@jest/globals'
import { chunkWindow, MAX_AGE_MS, MAX_CHUNK_MS, planWindow } from '../src/window/plan.js'

const NOW = Date.UTC(2026, 10, 27, 11, 7, 30, 250)
const HOUR = 3_600_000
const DAY = 24 * HOUR

describe('planWindow', () => {
  it('ends settle-delay before now and spans lookback, in whole seconds', () => {
    const window = planWindow(NOW, HOUR, 5 * 60_000)
    expect(new Date(window.end).toISOString()).toBe('2026-11-27T11:02:30.000Z')
    expect(new Date(window.start).toISOString()).toBe('2026-11-27T10:02:30.000Z')
    expect(window.clampedFrom).toBeUndefined()
  })

  it('clamps a start beyond 90 days and says where it wanted to start', () => {
    const window = planWindow(NOW, 120 * DAY, 0)
    expect(window.clampedFrom).toBe(Math.floor(NOW / 1000) * 1000 - 120 * DAY)
    expect(window.start).toBeGreaterThan(NOW - 90 * DAY)
    expect(window.start).toBeLessThanOrEqual(NOW - MAX_AGE_MS + 1000)
    expect(window.start % 1000).toBe(0)
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
