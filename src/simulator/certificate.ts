import { generate } from 'selfsigned'

let cached: Promise<{ key: string; cert: string }> | undefined

/** A self-signed certificate for 127.0.0.1 and localhost, made once per process. */
export function certificate(): Promise<{ key: string; cert: string }> {
  cached ??= generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' }
        ]
      }
    ]
  }).then((pems) => ({ key: pems.private, cert: pems.cert }))
  return cached
}
