import { request } from 'node:https'
import { rootCertificates } from 'node:tls'
import type { INetworkModule, NetworkResponse } from '@azure/msal-node'

export interface HttpsResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface HttpsOptions {
  /** PEM of a CA to trust besides the system's (a private cloud's, or a test's). */
  ca?: string
  timeoutMs: number
}

/**
 * One https request, for Entra and Graph alike. node:https rather than fetch because it takes a CA per
 * request; no redirects are followed, so a bearer token never travels to another host.
 */
export function httpsRequest(
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
  options: HttpsOptions
): Promise<HttpsResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: init.method,
        headers:
          init.body !== undefined ? { ...init.headers, 'Content-Length': Buffer.byteLength(init.body) } : init.headers,
        ca: options.ca ? [...rootCertificates, options.ca] : undefined,
        minVersion: 'TLSv1.2',
        timeout: options.timeoutMs
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          // Header names come from the server: defined as own properties, never through Object.prototype.
          const headers: Record<string, string> = Object.fromEntries(
            Object.entries(res.headers).flatMap(([name, value]) =>
              value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]]
            )
          )
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') })
        })
      }
    )
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' }))
    )
    req.on('error', reject)
    req.end(init.body)
  })
}

/** msal's network client over the same requests, so that Entra gets the same trust and timeouts as Graph. */
export function msalNetworkClient(options: HttpsOptions): INetworkModule {
  const send = async <T>(method: 'GET' | 'POST', url: string, headers?: Record<string, string>, body?: string) => {
    const res = await httpsRequest(url, { method, headers, body }, options)
    let parsed: unknown
    try {
      parsed = JSON.parse(res.body)
    } catch {
      // msal reads the status first and reports a body it cannot use as a server error.
      parsed = {}
    }
    return { status: res.status, headers: res.headers, body: parsed as T } satisfies NetworkResponse<T>
  }
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options?.headers),
    sendPostRequestAsync: (url, options) => send('POST', url, options?.headers, options?.body)
  }
}
