import { describe, expect, it } from '@jest/globals'
import { clean } from '../src/etd/clean.js'

/** The length of every string a regular expression is run on while `work` runs. */
function patternInputs(work: () => void): number[] {
  const seen: number[] = []
  const proto = RegExp.prototype as unknown as Record<
    PropertyKey,
    (this: RegExp, s: string, ...r: unknown[]) => unknown
  >
  const originals = new Map<PropertyKey, (typeof proto)[PropertyKey]>()
  for (const key of [Symbol.replace, Symbol.match, Symbol.matchAll, Symbol.split, 'exec', 'test'] as PropertyKey[]) {
    const original = proto[key]
    originals.set(key, original)
    proto[key] = function (this: RegExp, s: string, ...rest: unknown[]) {
      seen.push(String(s).length)
      return original.call(this, s, ...rest)
    }
  }
  try {
    work()
  } finally {
    for (const [key, original] of originals) proto[key] = original
  }
  return seen
}

describe('clean is linear: the clip comes before any pattern', () => {
  it.each([5_000, 1_000_000])('never runs a pattern on more than 800 characters of a %d-character field', (size) => {
    // A run of letters with no dot is the dotted-name pattern's quadratic case.
    const seen = patternInputs(() => clean(`${'a'.repeat(size)}.example`))
    expect(seen.length).toBeGreaterThan(0)
    expect(Math.max(...seen)).toBeLessThanOrEqual(800)
  })

  it('cleans a 1 MB field of every hostile shape in well under a second', () => {
    const fields = ['a', 'a.', 'x\u200b', ' \n', '💸'].map((unit) => unit.repeat(Math.ceil(1_000_000 / unit.length)))
    const started = performance.now()
    for (const field of fields) clean(field)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('says the text was cut, even when what is left after cleaning is short', () => {
    expect(clean(`${' '.repeat(799)}x${'y'.repeat(10)}`)).toBe('x…')
    expect(clean('word '.repeat(10_000))).toBe(`${'word '.repeat(40)}…`)
  })

  it('keeps a character whose surrogate pair the cut splits out of the text', () => {
    expect(clean(`${'a'.repeat(799)}💸 more`)).toBe(`${'a'.repeat(200)}…`)
    expect(clean(`${' '.repeat(799)}💸 more`)).toBe('…')
  })
})
