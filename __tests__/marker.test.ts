import { describe, expect, it } from '@jest/globals'
import { formatMarker, parseMarker } from '../src/notify/marker.js'

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
