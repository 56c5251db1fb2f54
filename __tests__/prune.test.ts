import { describe, expect, it } from '@jest/globals'
import { isStateKey } from '../src/state/key.js'
import { prunable } from '../src/state/prune.js'

describe('the state key shape', () => {
  it.each(['w/1-1', 'w/9164826017-2', 'w/0-10'])('accepts %p', (key) => expect(isStateKey('w', key)).toBe(true))

  it.each(['w/evil', 'w/../x', 'w/1-1/x', 'w/1-1x', 'w/-1', 'w/1-', 'w-2/1-1', 'x/w/1-1', 'w/1_1', 'w/1-1\n', 'w/'])(
    'refuses %p',
    (key) => expect(isStateKey('w', key)).toBe(false)
  )
})

describe('prunable', () => {
  const entry = (id: number, createdAt: number) => ({ id, key: `w/${id}-1`, createdAt, bytes: 1 })

  it('keeps the three newest by creation, the higher id first on a tie', () => {
    const entries = [entry(1, 10), entry(5, 50), entry(2, 20), entry(4, 40), entry(3, 40)]
    expect(prunable(entries).map((e) => e.id)).toEqual([2, 1])
    expect(prunable(entries.slice(0, 3))).toEqual([])
  })
})
