import { describe, expect, it } from '@jest/globals'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { generate } from 'selfsigned'
import { parseEmailConfig } from '../src/config/email.js'
import { inputParser } from './helpers/inputs.js'
import { certificate } from '../src/simulator/certificate.js'

const BASE = { 'email-from': 'ETD Watch <etd@example.com>', 'email-to': 'soc@example.com' }

const { parsed: email, errorOf } = inputParser(parseEmailConfig, BASE)

// An RSA key takes a second or more to make: one certificate for the tests that need one.
let rsaCertificate: ReturnType<typeof generate> | undefined
const rsa = () => (rsaCertificate ??= generate(undefined, { keySize: 2048 }))

describe('parseEmailConfig', () => {
  it('reads smtp:// as STARTTLS and smtps:// as implicit TLS, with decoded credentials', () => {
    expect(email({ 'smtp-url': 'smtp://alerts%40example.com:p%40ss@mail.example.com' }).smtp).toEqual({
      host: 'mail.example.com',
      port: 587,
      security: 'starttls',
      username: 'alerts@example.com',
      password: 'p@ss',
      ca: undefined
    })
    expect(email({ 'smtp-url': 'smtps://u:p@mail.example.com' }).smtp).toMatchObject({ port: 465, security: 'tls' })
    expect(email({ 'smtp-url': 'smtp://mail.example.com:2525' }).smtp).toMatchObject({
      port: 2525,
      security: 'starttls'
    })
  })

  it('reads an smtp:// URL without credentials as none', () => {
    expect(email({ 'smtp-url': 'smtp://mail.example.com' }).smtp).toEqual({
      host: 'mail.example.com',
      port: 587,
      security: 'starttls',
      username: undefined,
      password: undefined,
      ca: undefined
    })
    expect(email({ 'smtp-url': 'smtp://mail.example.com' }).smtp).not.toHaveProperty('username', '')
  })

  it('reads the separate fields, with the port following the security', () => {
    expect(
      email({ 'smtp-host': 'mail.example.com', 'smtp-security': 'tls', 'smtp-username': 'u', 'smtp-password': 'p' })
        .smtp
    ).toEqual({
      host: 'mail.example.com',
      port: 465,
      security: 'tls',
      username: 'u',
      password: 'p',
      ca: undefined
    })
    expect(email({ 'smtp-host': 'relay.internal', 'smtp-security': 'none' }).smtp!.port).toBe(25)
  })

  it('parses recipient lists with names, commas and newlines', () => {
    const config = email({ 'smtp-host': 'h', 'email-to': 'SOC <soc@example.com>, ciso@example.com\nit@example.com' })
    expect(config.to).toEqual(['"SOC" <soc@example.com>', 'ciso@example.com', 'it@example.com'])
    expect(config.from).toBe('"ETD Watch" <etd@example.com>')
  })

  it('refuses the classic port and security mix-ups with an explanation', () => {
    expect(errorOf({ 'smtp-host': 'h', 'smtp-port': '465' })).toBe(
      "Input 'smtp-security' asks for STARTTLS on port 465, which speaks implicit TLS: use smtp-security: tls for port 465, or port 587 for STARTTLS."
    )
    expect(errorOf({ 'smtp-url': 'smtps://h:587' })).toBe(
      "Input 'smtp-url' asks for implicit TLS on port 587, which speaks STARTTLS: use smtp:// for port 587, or port 465 for implicit TLS."
    )
  })

  it('refuses credentials in plain text unless explicitly allowed', () => {
    const plain = { 'smtp-host': 'h', 'smtp-security': 'none', 'smtp-username': 'u', 'smtp-password': 'p' }
    expect(errorOf(plain)).toMatch(/^Input 'smtp-security' is none while credentials are set/)
    expect(email({ ...plain, 'smtp-allow-insecure-auth': 'true' }).smtp!.security).toBe('none')
  })

  it('never echoes a password from smtp-url in an error', () => {
    for (const url of ['ftp://u:s3cr3t@h', 'smtp://u:s3cr3t@', 'smtp://u:s3cr3t@[bad']) {
      expect(errorOf({ 'smtp-url': url })).not.toContain('s3cr3t')
    }
  })

  it('refuses a path, query or fragment, which an unencoded / ? # in the password makes, naming nothing of it', () => {
    const refusal =
      "Input 'smtp-url' has a path, query or fragment, which it never needs: percent-encode / ? # @ : and % in the user name and password (as %2F %3F %23 %40 %3A %25)."
    // Each would otherwise have sent mail to host "alerts", port 31337, without credentials.
    for (const url of [
      'smtp://alerts:31337/s3cr3t@mail.example.com',
      'smtp://alerts:31337?s3cr3t@mail.example.com',
      'smtp://alerts:31337#s3cr3t@mail.example.com',
      'smtp://alerts:31337#@mail.example.com',
      'smtp://mail.example.com:587/x'
    ]) {
      expect(errorOf({ 'smtp-url': url })).toBe(refusal)
    }
    const unparsable = errorOf({ 'smtp-url': 'smtp://alerts:pa/s3cr3t@mail.example.com' })
    expect(unparsable).toMatch(/^Input 'smtp-url' is not a URL; .* percent-encode \/ \? # @ :/)
    expect(unparsable).not.toMatch(/alerts|s3cr3t/)
  })

  it('treats a bad percent-escape in the user-info as an input error that shows none of it', () => {
    for (const url of ['smtp://alerts:s3cr3t%ZZ@mail.example.com', 'smtp://s3cr3t%E0%A4%A@mail.example.com']) {
      const message = errorOf({ 'smtp-url': url })
      expect(message).toMatch(/^Input 'smtp-url' has a user name or password that is not valid percent-encoding; /)
      expect(message).not.toMatch(/s3cr3t|%ZZ|alerts/)
    }
  })

  it('checks smtp-ca is a certificate', async () => {
    const { cert } = await certificate()
    expect(email({ 'smtp-host': 'h', 'smtp-ca': cert }).smtp!.ca).toBe(cert.trim())
    expect(errorOf({ 'smtp-host': 'h', 'smtp-ca': 'not a pem' })).toBe(
      "Input 'smtp-ca' is not a PEM certificate; expected text starting with -----BEGIN CERTIFICATE-----."
    )
  })

  it('names each missing or malformed input', () => {
    expect(errorOf({})).toBe(
      "Input 'smtp-host' is required: the SMTP server for email notifications (or set smtp-url)."
    )
    expect(errorOf({ 'smtp-host': 'h', 'email-to': '' })).toBe(
      "Input 'email-to' is required: who receives the digest, one or more addresses."
    )
    expect(errorOf({ 'smtp-host': 'h', 'email-to': 'soc@example.com, nobody' })).toBe(
      "Input 'email-to' has 'nobody'; expected addresses like security@example.com."
    )
    expect(errorOf({ 'smtp-host': 'h', 'smtp-url': 'smtp://h' })).toBe(
      "Inputs 'smtp-url' and 'smtp-host' are both set; set one of them."
    )
    expect(errorOf({ 'smtp-host': 'h', 'smtp-username': 'u' })).toBe(
      "Inputs 'smtp-username' and 'smtp-password' go together; set both or neither."
    )
    expect(errorOf({ 'smtp-host': 'h', 'smtp-port': '70000' })).toBe(
      "Input 'smtp-port' is '70000'; expected a whole number from 1 to 65535."
    )
    expect(errorOf({ 'smtp-host': 'h', 'email-when-empty': 'yes' })).toBe(
      "Input 'email-when-empty' is 'yes'; expected true or false."
    )
  })

  it('reads a Reply-To and a contact for owner notices, refusing what is not an address or not one line', () => {
    expect(email({ 'smtp-host': 'h' })).toMatchObject({ replyTo: undefined, ownerContact: undefined })
    expect(
      email({ 'smtp-host': 'h', 'email-reply-to': 'SOC <soc@example.com>', 'owner-notice-contact': ' IT desk, x4444 ' })
    ).toMatchObject({ replyTo: '"SOC" <soc@example.com>', ownerContact: 'IT desk, x4444' })
    expect(errorOf({ 'smtp-host': 'h', 'email-reply-to': 'the SOC' })).toBe(
      "Input 'email-reply-to' has 'the SOC'; expected addresses like security@example.com."
    )
    const oneLine =
      'Input \'owner-notice-contact\' must be one line of at most 200 printable characters, such as security@example.com or "the IT desk, extension 4444".'
    expect(errorOf({ 'smtp-host': 'h', 'owner-notice-contact': 'Call us\nBcc: all@example.com' })).toBe(oneLine)
    expect(errorOf({ 'smtp-host': 'h', 'owner-notice-contact': 'x'.repeat(201) })).toBe(oneLine)
    expect(errorOf({ 'smtp-host': 'h', 'owner-notice-contact': 'ask \u202eusrever' })).toBe(oneLine)
  })
})

describe('parseEmailConfig for Microsoft 365 (Graph and SMTP OAuth2)', () => {
  const APP = {
    'graph-tenant-id': 'contoso.onmicrosoft.com',
    'graph-client-id': '11111111-2222-3333-4444-555555555555'
  }

  it('chooses Graph when its app is set and no SMTP server is, with the public cloud by default', () => {
    const config = email({ ...APP, 'graph-federated': 'true' })
    expect(config.transport).toBe('graph')
    expect(config.smtp).toBeUndefined()
    expect(config.fromAddress).toBe('etd@example.com')
    expect(config.graphEndpoint).toBe('https://graph.microsoft.com')
    expect(config.entra).toEqual({
      tenantId: 'contoso.onmicrosoft.com',
      clientId: '11111111-2222-3333-4444-555555555555',
      credential: { kind: 'federated' },
      authority: 'https://login.microsoftonline.com'
    })
    expect(email({ ...APP, 'graph-federated': 'true', 'smtp-host': 'h' }).transport).toBe('smtp')
    expect(email({ 'smtp-host': 'h' }).transport).toBe('smtp')
  })

  it('takes exactly one credential', () => {
    expect(errorOf({ ...APP, 'email-transport': 'graph' })).toBe(
      "One of 'graph-federated: true' (GitHub OIDC), 'graph-client-secret' or 'graph-certificate' is required (email-transport is graph)."
    )
    expect(errorOf({ ...APP, 'graph-federated': 'true', 'graph-client-secret': 's3cret' })).toBe(
      "Inputs 'graph-client-secret' and 'graph-federated' are both set; set one credential for the Entra app."
    )
    expect(errorOf({ 'email-transport': 'graph', 'graph-federated': 'true' })).toBe(
      "Input 'graph-tenant-id' is required: the Entra tenant's ID or domain (email-transport is graph)."
    )
    expect(errorOf({ ...APP, 'graph-tenant-id': '../common', 'graph-federated': 'true' })).toMatch(
      /^Input 'graph-tenant-id' is not an Entra ID/
    )
  })

  it('reads a certificate with its key: the SHA-256 thumbprint, and an RSA key that belongs to it', async () => {
    const ec = await certificate()
    expect(errorOf({ ...APP, 'graph-certificate': `${ec.cert}\n${ec.key}` })).toMatch(
      /^Input 'graph-certificate' has a key of type ec, and Entra takes RSA only;/
    )
    const { cert, private: key } = await rsa()
    const config = email({ ...APP, 'graph-certificate': `${cert}\n${key}` })
    expect(config.entra!.credential).toMatchObject({
      kind: 'certificate',
      thumbprintSha256: new X509Certificate(cert).fingerprint256.replace(/:/g, '').toLowerCase()
    })
    expect(errorOf({ ...APP, 'graph-certificate': cert })).toMatch(/^Input 'graph-certificate' has no private key;/)
    const other = await generate(undefined, { keySize: 2048 })
    const mismatch = errorOf({ ...APP, 'graph-certificate': `${cert}\n${other.private}` })
    expect(mismatch).toMatch(/^Input 'graph-certificate' has a private key that does not belong to its certificate;/)
    expect(mismatch).not.toContain('PRIVATE KEY-----\n')
    // Nor any line of the key's body.
    const keyBody = other.private.split('\n').filter((line) => line.length > 8 && !line.startsWith('-----'))
    expect(keyBody.length).toBeGreaterThan(10)
    for (const line of keyBody) expect(mismatch).not.toContain(line)
  })

  it('takes the key in PKCS#1 form after the certificate, and hands it on as PKCS#8', async () => {
    const { cert, private: key } = await rsa()
    const pkcs1 = createPrivateKey(key).export({ type: 'pkcs1', format: 'pem' }).toString()
    expect(pkcs1).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/)
    const credential = email({ ...APP, 'graph-certificate': `intro\n${pkcs1}\n${cert}\ntrailer` }).entra!.credential
    expect(credential).toMatchObject({ kind: 'certificate' })
    const { privateKey } = credential as { privateKey: string }
    expect(privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n$/)
    expect(createPrivateKey(privateKey).export({ type: 'pkcs1', format: 'pem' }).toString()).toBe(pkcs1)
    expect(errorOf({ ...APP, 'graph-certificate': pkcs1 })).toBe(
      "Input 'graph-certificate' has no certificate; expected the PEM certificate and its private key (-----BEGIN PRIVATE KEY-----) together."
    )
    const garbled = `-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n${pkcs1}`
    expect(errorOf({ ...APP, 'graph-certificate': garbled })).toMatch(/^Input 'graph-certificate' is not readable;/)
  })

  it('takes a client secret alone, and refuses two credentials by name', () => {
    expect(email({ ...APP, 'graph-client-secret': ' s3cret ' }).entra!.credential).toEqual({
      kind: 'secret',
      secret: 's3cret'
    })
    expect(errorOf({ ...APP, 'graph-client-secret': 's3cret', 'graph-certificate': 'x' })).toBe(
      "Inputs 'graph-client-secret' and 'graph-certificate' are both set; set one credential for the Entra app."
    )
    expect(errorOf({ ...APP, 'graph-certificate': 'x', 'graph-federated': 'true' })).toBe(
      "Inputs 'graph-certificate' and 'graph-federated' are both set; set one credential for the Entra app."
    )
  })

  it.each([
    ['a leading dot', '.contoso.com'],
    ['a path after it', 'contoso.com/../common'],
    ['a space', 'contoso com'],
    ['an underscore', 'contoso_tenant']
  ])('refuses a tenant ID with %s', (_case, tenant) => {
    expect(errorOf({ ...APP, 'graph-tenant-id': tenant, 'graph-federated': 'true' })).toBe(
      "Input 'graph-tenant-id' is not an Entra ID; expected a GUID such as 00000000-0000-0000-0000-000000000000."
    )
  })

  it('takes tenant and client IDs of letters, digits, dots and hyphens', () => {
    const entra = email({
      ...APP,
      'graph-tenant-id': 'Contoso-1.onmicrosoft.com',
      'graph-client-id': '0',
      'graph-federated': 'true'
    }).entra!
    expect([entra.tenantId, entra.clientId]).toEqual(['Contoso-1.onmicrosoft.com', '0'])
  })

  it('chooses SMTP whenever an SMTP server is set, and Graph only with a tenant', () => {
    const app = { ...APP, 'graph-federated': 'true' }
    expect(email({ ...app, 'smtp-url': 'smtp://mail.example.com' }).transport).toBe('smtp')
    expect(email({ ...app, 'graph-tenant-id': ' ', 'email-transport': '', 'smtp-host': 'h' }).transport).toBe('smtp')
    expect(errorOf({ 'graph-tenant-id': ' ', 'graph-federated': 'true' })).toMatch(/^Input 'smtp-host' is required/)
    expect(email({ ...app, 'smtp-host': 'h', 'email-transport': 'graph' }).transport).toBe('graph')
  })

  it.each([
    ['a query', 'https://graph.microsoft.us/?x=1', 'https://graph.microsoft.us'],
    ['a fragment', 'https://graph.microsoft.us/#x', 'https://graph.microsoft.us'],
    ['a user name', 'https://u@graph.microsoft.us', 'https://graph.microsoft.us'],
    ['a password', 'https://:p@graph.microsoft.us', 'https://graph.microsoft.us'],
    ['no URL', 'graph.microsoft.us', 'graph.microsoft.us']
  ])('refuses a Graph endpoint with %s, naming no more than its origin', (_case, given, shown) => {
    expect(errorOf({ ...APP, 'graph-federated': 'true', 'graph-endpoint': given })).toBe(
      `Input 'graph-endpoint' is '${shown}'; expected an https URL without credentials or query, such as https://graph.microsoft.com.`
    )
  })

  it('keeps the path of an endpoint, without trailing slashes', () => {
    const app = { ...APP, 'graph-federated': 'true' }
    expect(email({ ...app, 'graph-endpoint': ' https://Graph.Microsoft.us//v1// ' }).graphEndpoint).toBe(
      'https://graph.microsoft.us//v1'
    )
    expect(email({ ...app, 'graph-authority': 'https://login.example' }).entra!.authority).toBe('https://login.example')
  })

  it('treats blank inputs as not given', () => {
    const app = { ...APP, 'graph-federated': 'true' }
    const config = email({ ...app, 'smtp-url': ' ', 'smtp-host': ' ', 'graph-certificate': ' ', 'graph-endpoint': ' ' })
    expect(config.transport).toBe('graph')
    expect(config.entra!.credential).toEqual({ kind: 'federated' })
    expect(config.graphEndpoint).toBe('https://graph.microsoft.com')
    expect(errorOf({ 'graph-tenant-id': 'contoso', 'graph-federated': 'true', 'email-transport': 'graph' })).toBe(
      "Input 'graph-client-id' is required: the Entra app's application (client) ID (email-transport is graph)."
    )
  })

  it('refuses OAuth2 over plain text, and more than one sender', () => {
    const oauth = { ...APP, 'graph-federated': 'true', 'smtp-host': 'h', 'smtp-auth': 'oauth2' }
    expect(errorOf({ ...oauth, 'smtp-security': 'none' })).toBe(
      "Input 'smtp-auth' is oauth2, which needs starttls or tls."
    )
    expect(errorOf({ ...oauth, 'email-from': 'a@example.com, b@example.com' })).toBe(
      "Input 'email-from' has 2 addresses; expected one."
    )
  })

  it('takes only https for the authority and the Graph endpoint', () => {
    const app = { ...APP, 'graph-federated': 'true' }
    expect(email({ ...app, 'graph-authority': 'https://login.microsoftonline.us/' }).entra!.authority).toBe(
      'https://login.microsoftonline.us'
    )
    expect(errorOf({ ...app, 'graph-endpoint': 'http://graph.microsoft.com' })).toBe(
      "Input 'graph-endpoint' is 'http://graph.microsoft.com'; expected an https URL without credentials or query, such as https://graph.microsoft.com."
    )
    expect(errorOf({ ...app, 'graph-authority': 'https://u:p@login.example' })).not.toContain('u:p')
  })

  it('logs in to SMTP with XOAUTH2 as the sender, and never with a password besides', () => {
    const oauth = { ...APP, 'graph-federated': 'true', 'smtp-host': 'smtp.office365.com', 'smtp-auth': 'oauth2' }
    expect(email(oauth).smtp).toMatchObject({ oauth2: true, username: 'etd@example.com', port: 587 })
    expect(email({ ...oauth, 'smtp-username': 'alerts@example.com' }).smtp!.username).toBe('alerts@example.com')
    expect(errorOf({ ...oauth, 'smtp-password': 'p' })).toMatch(/^Input 'smtp-auth' is oauth2, which needs no password/)
    expect(errorOf({ ...oauth, 'graph-federated': '' })).toMatch(/\(smtp-auth is oauth2\)\.$/)
  })
})
