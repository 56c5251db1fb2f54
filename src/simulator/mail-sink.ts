import { simpleParser, type ParsedMail } from 'mailparser'
import type { AddressInfo } from 'node:net'
import { SMTPServer, type SMTPServerOptions } from 'smtp-server'
import { certificate } from './certificate.js'

export interface Received {
  raw: string
  mail: ParsedMail
  envelopeTo: string[]
}

export interface MailSink {
  port: number
  received: Received[]
  /** Reply codes to refuse the next connections with, one each (421 for "try again later"). */
  refuseConnections: number[]
  /** Addresses refused at RCPT TO with 550, as a mail server refuses an unknown or blocked mailbox. */
  rejectRecipients: string[]
  connections: number
  /** Awaited once a message is kept, before the server answers it: a test kills the sender there. */
  beforeReply?: () => Promise<void> | void
  close(): Promise<void>
}

export interface MailSinkSetup {
  /** Implicit TLS from the first byte (port 465 style); otherwise plain with STARTTLS. */
  implicitTls?: boolean
  offerStartTls?: boolean
  auth?: { user: string; pass: string }
  /** Allow AUTH without TLS, for smtp-url's `?tls=none`. */
  plainAuth?: boolean
  /** XOAUTH2 only, as Exchange Online: whether this access token may send as this user. */
  oauth2?: (user: string, accessToken: string) => boolean
}

/**
 * The mail side of the simulator: a real SMTP server on loopback (STARTTLS or implicit TLS, AUTH) with a
 * self-signed certificate, keeping and parsing what it receives. The demo and the tests send to it.
 */
export async function startMailSink(setup: MailSinkSetup = {}): Promise<MailSink> {
  const { key, cert } = await certificate()
  const state: Omit<MailSink, 'port' | 'close'> = {
    received: [],
    refuseConnections: [],
    rejectRecipients: [],
    connections: 0,
    beforeReply: undefined
  }
  const options: SMTPServerOptions = {
    secure: setup.implicitTls === true,
    key,
    cert,
    logger: false,
    disabledCommands: setup.offerStartTls === false ? ['STARTTLS'] : [],
    authOptional: setup.auth === undefined && setup.oauth2 === undefined,
    authMethods: setup.oauth2 ? ['XOAUTH2'] : undefined,
    allowInsecureAuth: setup.plainAuth === true,
    onConnect(_session, callback) {
      state.connections++
      const code = state.refuseConnections.shift()
      if (code === undefined) return callback()
      callback(Object.assign(new Error('Service not available, try again later'), { responseCode: code }))
    },
    onAuth(auth, _session, callback) {
      if (setup.oauth2 && auth.method === 'XOAUTH2') {
        if (setup.oauth2(auth.username ?? '', auth.accessToken ?? '')) return callback(null, { user: auth.username })
        return callback(null, {
          data: { status: '401', schemes: 'bearer', scope: 'https://outlook.office365.com/.default' }
        })
      }
      if (setup.auth && auth.username === setup.auth.user && auth.password === setup.auth.pass) {
        return callback(null, { user: auth.username })
      }
      callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }))
    },
    onRcptTo(address, _session, callback) {
      if (!state.rejectRecipients.includes(address.address.toLowerCase())) return callback()
      callback(
        Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: mailbox unavailable`), {
          responseCode: 550
        })
      )
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        simpleParser(raw)
          .then((mail) => {
            state.received.push({ raw, mail, envelopeTo: session.envelope.rcptTo.map((r) => r.address) })
            return state.beforeReply?.()
          })
          .then(() => callback())
          .catch(callback)
      })
    }
  }
  const server = new SMTPServer(options)
  // Failed handshakes are what tests provoke on purpose; the client's side of them is what matters.
  server.on('error', () => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return Object.assign(state, {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  })
}
