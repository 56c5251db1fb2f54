import { simpleParser, type ParsedMail } from 'mailparser'
import type { AddressInfo } from 'node:net'
import { SMTPServer, type SMTPServerOptions } from 'smtp-server'
import { testCertificate } from './certificate.js'

export interface Received {
  raw: string
  mail: ParsedMail
  envelopeTo: string[]
}

export interface TestSmtpServer {
  port: number
  received: Received[]
  /** Reply codes to refuse the next connections with, one each (421 for "try again later"). */
  refuseConnections: number[]
  connections: number
  close(): Promise<void>
}

export interface SmtpServerSetup {
  /** Implicit TLS from the first byte (port 465 style); otherwise plain with STARTTLS. */
  implicitTls?: boolean
  offerStartTls?: boolean
  auth?: { user: string; pass: string }
  /** Allow AUTH without TLS, for the `smtp-security: none` case. */
  plainAuth?: boolean
}

/** A real SMTP server on loopback with a self-signed certificate; it parses what it receives. */
export async function startSmtpServer(setup: SmtpServerSetup = {}): Promise<TestSmtpServer> {
  const { key, cert } = await testCertificate()
  const state: Omit<TestSmtpServer, 'port' | 'close'> = { received: [], refuseConnections: [], connections: 0 }
  const options: SMTPServerOptions = {
    secure: setup.implicitTls === true,
    key,
    cert,
    logger: false,
    disabledCommands: setup.offerStartTls === false ? ['STARTTLS'] : [],
    authOptional: setup.auth === undefined,
    allowInsecureAuth: setup.plainAuth === true,
    onConnect(_session, callback) {
      state.connections++
      const code = state.refuseConnections.shift()
      if (code === undefined) return callback()
      callback(Object.assign(new Error('Service not available, try again later'), { responseCode: code }))
    },
    onAuth(auth, _session, callback) {
      if (setup.auth && auth.username === setup.auth.user && auth.password === setup.auth.pass) {
        return callback(null, { user: auth.username })
      }
      callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        simpleParser(raw)
          .then((mail) => {
            state.received.push({ raw, mail, envelopeTo: session.envelope.rcptTo.map((r) => r.address) })
            callback()
          })
          .catch(callback)
      })
    }
  }
  const server = new SMTPServer(options)
  // Failed handshakes are what several tests provoke; the client's side of them is what they check.
  server.on('error', () => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return Object.assign(state, {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  })
}
