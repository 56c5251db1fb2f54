import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { WebhookFormat } from '../src/config/webhook.js'
import { PLATFORMS } from '../src/notify/webhook/channel.js'
import { LARGE, LINES, SMALL } from './helpers/webhook-cases.js'

// What each platform posts, held as it was posted before issue 22 redrew the platforms: a chat client,
// a flow or a SOAR reading these messages sees the same bytes. A change meant for users updates the
// fixtures (or hashes) in the same commit, on purpose.

const FORMATS: WebhookFormat[] = ['teams', 'webex', 'slack', 'json']

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/webhook/${name}.json`, import.meta.url), 'utf8')) as Record<
    WebhookFormat,
    unknown
  >

/** The body posted: compact JSON, as postWebhook sends it. */
const body = (value: unknown) => JSON.stringify(value)

describe.each(Object.keys(SMALL))('the %s batch (__tests__/fixtures/webhook/)', (name) => {
  const expected = fixture(name)
  it.each(FORMATS)('renders for %s what it posted before, byte for byte', (format) => {
    const rendered = PLATFORMS[format].render(SMALL[name])
    expect(rendered).toEqual(expected[format])
    expect(body(rendered)).toBe(body(expected[format]))
  })
})

describe('the heartbeat line', () => {
  const expected = JSON.parse(readFileSync(new URL('./fixtures/webhook/lines.json', import.meta.url), 'utf8'))
  it.each(FORMATS)('is for %s what it posted before, byte for byte', (format) => {
    for (const [i, text] of LINES.entries()) expect(body(PLATFORMS[format].line(text))).toBe(body(expected[i][format]))
  })
})

// Batches over the limits make payloads of tens of kilobytes (the JSON one a mebibyte): held as the
// SHA-256 of the body posted, with how many convictions were left out and the body's size in bytes.
const LARGE_BODIES: Array<[string, WebhookFormat, number, number, string]> = [
  ['over-limits-run', 'teams', 97, 26852, '30f52a49c81e00910e757a1b88055a38eb242ec61f42d925c2a0df78a3d27a3a'],
  ['over-limits-run', 'webex', 106, 8335, '222d32054a931a5dc9751ec7bf6e464310b4e74cc79d80f941867777aacf9999'],
  ['over-limits-run', 'slack', 75, 26689, 'c7fceea57c89b18f945fc288edfa0acf50ee62aa0feeb684b95574a215b354a7'],
  ['over-limits-run', 'json', 0, 81118, '65f61cc7d270b4dd94fed02814891455be3a0c8ca411633d45039b6007735b14'],
  ['over-limits-report', 'teams', 97, 26464, '623d8403fc8159977d7f7d417a9d33aff2a36d1a672a63ae4def64b80b517705'],
  ['over-limits-report', 'webex', 106, 8334, '55ac6277e427604b467fe7810c73430a5e40e25c036c78eed1b1d33d48f6663e'],
  ['over-limits-report', 'slack', 73, 25750, '3f5e5177f347e52652589ee814de3659910232065e12ed40db1cd28f90cca058'],
  ['over-limits-report', 'json', 0, 81433, '24b74d21eaa070feb72857e60fe547622fa3c2c68661d2120c3d44d24fce1385'],
  ['json-over-1mib', 'json', 2, 1025140, 'cafe4f5947e3a130db56b856151c20b8bca27b692333f8970caaf29ed1ed8eea']
]

describe('a batch over the limits', () => {
  it.each(LARGE_BODIES)(
    '%s for %s leaves out %d and posts %d bytes, as before',
    (name, format, omitted, bytes, sha) => {
      const rendered = PLATFORMS[format].render(LARGE[name])
      const posted = body(rendered.payload)
      expect([rendered.omitted, Buffer.byteLength(posted), createHash('sha256').update(posted).digest('hex')]).toEqual([
        omitted,
        bytes,
        sha
      ])
    }
  )
})
