import { describe, expect, it } from '@jest/globals'
import { redactReply } from '../src/common/redact.js'

describe('redactReply: a server reply reduced to words, by shape', () => {
  it.each([
    ['Cannot POST /json/hook/b81c0f?token=S3CR3T', 'Cannot POST (path)'],
    ['<pre>Cannot POST /json/hook/x?token=S3CR3T</pre>', '<pre>Cannot POST (path)</pre>'],
    [
      'Invalid signature for https://prod-42.westeurope.logic.azure.com/workflows/x?sig=S3CR3T',
      'Invalid signature for (url)'
    ],
    ['no such hook: ?token=S3CR3T&x=1', 'no such hook: (query)'],
    [
      'password=S3CR3T; client_secret: S3CR3T, sig=S3CR3T',
      'password=(redacted); client_secret: (redacted), sig=(redacted)'
    ],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x1 refused', 'Authorization: Bearer (redacted) refused'],
    ['invalid key xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy', 'invalid key (redacted)'],
    ['Trace ID: 3f2a1b4c-1234-4abc-9def-0123456789ab', 'Trace ID: (redacted)'],
    ['line one\r\n::error title=Forged::x\u2028three\u0000', 'line one ::error title=Forged::x three']
  ])('%j', (reply, expected) => {
    expect(redactReply(reply)).toBe(expected)
  })

  it.each([
    '550 5.1.1 <cfo@example.com>: Recipient address rejected: mailbox unavailable',
    'Token expired, generate new token to proceed',
    'Message exceeds the maximum length of 7439 bytes.',
    'Basic authentication is disabled for this tenant',
    'rate_limited',
    'Paid on 11/27/2026 and/or later'
  ])('keeps the words of %j', (reply) => {
    expect(redactReply(reply)).toBe(reply)
  })

  it('clips a long reply, and reads no more than it quotes', () => {
    expect(redactReply('x'.repeat(1000))).toBe(`${'x'.repeat(300)}…`)
    expect(redactReply(`${' '.repeat(5000)}/path?token=S3CR3T`)).toBe('…')
  })
})
