import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedPost {
  /** The path posted to: `/teams`, `/webex`, `/slack`, `/json`, or any other. */
  path: string
  contentType: string
  body: unknown
  bytes: number
}

export interface ScriptedReply {
  status: number
  body?: string
  headers?: Record<string, string>
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:port`: post to `${url}/teams` and so on. */
  url: string
  /** Every post that was accepted, in order. */
  received: ReceivedPost[]
  /** Every post, accepted or not. */
  attempts: Array<{ path: string; status: number }>
  /** Replies given, once each, to the next posts to a path, before it accepts again. */
  replyNext: Map<string, ScriptedReply[]>
  close(): Promise<void>
}

/**
 * The platforms' own refusals of what is too large, as they word them (Teams: 413; Webex: 400 with a
 * message; Slack: 400 `invalid_blocks`), so that a payload over a limit fails the test as it would fail
 * in production.
 */
function refusal(path: string, body: unknown, bytes: number): ScriptedReply | undefined {
  if (path.startsWith('/teams') && bytes > 28 * 1024) return { status: 413, body: 'Request Entity Too Large' }
  const markdown = (body as { markdown?: unknown }).markdown
  if (path.startsWith('/webex') && (typeof markdown !== 'string' || Buffer.byteLength(markdown) > 7439)) {
    return { status: 400, body: JSON.stringify({ message: 'Message exceeds the maximum length of 7439 bytes.' }) }
  }
  const blocks = (body as { blocks?: Array<{ text?: { text?: string } }> }).blocks
  if (path.startsWith('/slack') && (!Array.isArray(blocks) || blocks.length > 50)) {
    return { status: 400, body: 'invalid_blocks' }
  }
  if (path.startsWith('/slack') && blocks!.some((b) => (b.text?.text?.length ?? 0) > 3000)) {
    return { status: 400, body: 'invalid_blocks' }
  }
  return undefined
}

async function read(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function answer(res: ServerResponse, reply: ScriptedReply): void {
  res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8', ...reply.headers })
  res.end(reply.body ?? '')
}

/** A webhook receiver on loopback for Teams, Webex, Slack and JSON posts: the demo and the tests post to it. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedPost[] = []
  const attempts: WebhookReceiver['attempts'] = []
  const replyNext = new Map<string, ScriptedReply[]>()
  const server = createServer((req, res) => {
    void (async () => {
      const path = req.url ?? '/'
      const raw = await read(req)
      const reply = (r: ScriptedReply) => {
        attempts.push({ path, status: r.status })
        answer(res, r)
      }
      const scripted = replyNext.get(path)?.shift()
      if (scripted) return reply(scripted)
      if (req.method !== 'POST') return reply({ status: 405, body: 'Method Not Allowed' })
      let body: unknown
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch {
        return reply({ status: 400, body: 'Bad JSON' })
      }
      const refused = refusal(path, body, raw.length)
      if (refused) return reply(refused)
      received.push({ path, contentType: req.headers['content-type'] ?? '', body, bytes: raw.length })
      // Slack answers `ok`, Teams Workflows 202, Webex 204: any 2xx is success.
      reply({ status: 200, body: 'ok' })
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    attempts,
    replyNext,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
