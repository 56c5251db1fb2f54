import { describe, expect, it } from '@jest/globals'
import { entriesFromMarkers, formatMarker, parseMarker, readMarker, replaceMarker } from '../src/notify/issue/marker.js'

const OPEN = '<!-- etd-verdict-watch batch v1'
const A = { id: 'a-1', verdict: 'bec', receivedAt: '2026-11-27T10:00:00.000Z' }
const B = { id: 'b-2', verdict: 'phishing', receivedAt: '2026-11-27T11:30:00Z' }
const LINE_A = 'a-1 bec 2026-11-27T10:00:00.000Z'
const LINE_B = 'b-2 phishing 2026-11-27T11:30:00Z'

describe('formatMarker', () => {
  it('writes one line per conviction between the comment delimiters', () => {
    expect(formatMarker([])).toBe(`${OPEN}\n-->`)
    expect(formatMarker([A, B])).toBe(`${OPEN}\n${LINE_A}\n${LINE_B}\n-->`)
  })

  it('leaves out what is not a conviction line, without spending the budget on it', () => {
    const bad = { id: 'bad id', verdict: 'bec', receivedAt: A.receivedAt }
    const full = `${OPEN}\n${LINE_A}\n-->`
    expect(formatMarker([bad, A], full.length)).toBe(full)
  })

  it('fills its budget exactly, and not one character over', () => {
    const both = `${OPEN}\n${LINE_A}\n${LINE_B}\n-->`
    expect(formatMarker([A, B], both.length)).toBe(both)
    expect(formatMarker([A, B], both.length - 1)).toBe(`${OPEN}\n${LINE_A}\n-->`)
  })
})

describe('parseMarker', () => {
  it('reads only inside the marker', () => {
    expect(parseMarker(`${LINE_B}\n${OPEN}\n${LINE_A}\n-->\n${LINE_B}`)).toEqual([A])
  })

  it('reads a body whose lines GitHub turned into CRLF', () => {
    expect(parseMarker(`intro\r\n${OPEN}\r\n${LINE_A}\r\n${LINE_B}\r\n-->\r\n`)).toEqual([A, B])
  })

  it('finds nothing without an opening, or without a closing', () => {
    expect(parseMarker(`${'x'.repeat(40)}\n${LINE_A}\n-->`)).toEqual([])
    expect(parseMarker(`${OPEN}\n${LINE_A}\n`)).toEqual([])
    expect(parseMarker(undefined)).toEqual([])
    expect(parseMarker('')).toEqual([])
  })

  it('ignores lines that carry more than a conviction, or a malformed time', () => {
    const lines = [`${LINE_A} extra`, 'c-3 bec 2026-11-27T10:00:00.1Z', `x ${LINE_A}`, 'd-4 BEC 2026-11-27T10:00:00Z']
    expect(parseMarker(`${OPEN}\n${lines.join('\n')}\n-->`)).toEqual([])
  })
})

describe('the owes line', () => {
  const HOOK = 'webhook:0123456789ab'

  it('names the channels still owed right after the opening, and none when nothing is owed', () => {
    expect(formatMarker([A], Infinity, ['email', HOOK])).toBe(`${OPEN}\nowes email ${HOOK}\n${LINE_A}\n-->`)
    expect(formatMarker([A], Infinity, [])).toBe(`${OPEN}\n${LINE_A}\n-->`)
  })

  it('counts against the budget, so that a marker that owes never grows past it', () => {
    const full = `${OPEN}\nowes email\n${LINE_A}\n-->`
    expect(formatMarker([A, B], full.length, ['email'])).toBe(full)
  })

  it('is read back, and a marker without one owes nothing', () => {
    expect(readMarker(formatMarker([A, B], Infinity, ['email', HOOK]))).toEqual({
      convictions: [A, B],
      owes: ['email', HOOK],
      places: new Map()
    })
    expect(readMarker(`${OPEN}\n${LINE_A}\n-->`)).toEqual({ convictions: [A], owes: [], places: new Map() })
  })

  it('keeps only channel names of its own shape', () => {
    const body = `${OPEN}\nowes email webhook:https://hook.example/x EMAIL ${HOOK}\n${LINE_A}\n-->`
    expect(readMarker(body).owes).toEqual(['email', HOOK])
    expect(formatMarker([], Infinity, ['email', 'webhook:short', 'a b'])).toBe(`${OPEN}\nowes email\n-->`)
  })

  it('is replaced in place, the rest of the body kept; a body without a marker is left alone', () => {
    const body = `# title\n${formatMarker([A], Infinity, ['email'])}\ntable`
    expect(replaceMarker(body, formatMarker([A]))).toBe(`# title\n${OPEN}\n${LINE_A}\n-->\ntable`)
    expect(replaceMarker('no marker here', formatMarker([A]))).toBeUndefined()
  })
})

describe('entriesFromMarkers', () => {
  const record = (owes: string[]) => ({ createdAt: 1_000, convictions: [A], owes })

  it('counts a batch as told only when it owes none of the configured channels', () => {
    expect([...entriesFromMarkers([record(['email'])], ['email']).keys()]).toEqual([])
    expect([...entriesFromMarkers([record(['email'])], ['webhook:0123456789ab']).keys()]).toEqual(['a-1'])
    expect([...entriesFromMarkers([record([])], ['email']).keys()]).toEqual(['a-1'])
  })
})
