import { describe, expect, it } from '@jest/globals'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { generate } from 'selfsigned'
import { parseEmailConfig } from '../src/config/email.js'
import { inputParser } from './helpers/inputs.js'
import { certificate } from '../src/simulator/certificate.js'

const BASE = { 'email-from': 'ETD Watch <etd@example.com>', 'email-to': 'soc@example.com' }

const { parsed: email, errorOf } = inputParser(parseEmailConfig, BASE)

/** The SMTP settings of a URL without credentials: no username or password at all, not empty ones. */
const noLogin = (host: string, port: number, security: string) => ({
  host,
  port,
  security,
  username: undefined,
  password: undefined
})

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
      password: 'p@ss'
    })
    expect(email({ 'smtp-url': 'smtps://u:p@mail.example.com' }).smtp).toMatchObject({ port: 465, security: 'tls' })
    expect(email({ 'smtp-url': 'smtp://mail.example.com:2525' }).smtp).toMatchObject({
      port: 2525,
      security: 'starttls'
    })
  })

  it('reads an smtp:// URL without credentials as none', () => {
    expect(email({ 'smtp-url': 'smtp://mail.example.com' }).smtp).toEqual(noLogin('mail.example.com', 587, 'starttls'))
    expect(email({ 'smtp-url': 'smtp://mail.example.com' }).smtp).not.toHaveProperty('username', '')
  })

  it('parses recipient lists with names, commas and newlines', () => {
    const config = email({
      'smtp-url': 'smtp://h',
      'email-to': 'SOC <soc@example.com>, ciso@example.com\nit@example.com'
    })
    expect(config.to).toEqual(['"SOC" <soc@example.com>', 'ciso@example.com', 'it@example.com'])
    expect(config.from).toBe('"ETD Watch" <etd@example.com>')
  })

  it('refuses the classic port and security mix-ups with an explanation', () => {
    expect(errorOf({ 'smtp-url': 'smtp://h:465' })).toBe(
      "Input 'smtp-url' asks for STARTTLS on port 465, which speaks implicit TLS: use smtps:// for port 465, or port 587 for STARTTLS."
    )
    expect(errorOf({ 'smtp-url': 'smtps://h:587' })).toBe(
      "Input 'smtp-url' asks for implicit TLS on port 587, which speaks STARTTLS: use smtp:// for port 587, or port 465 for implicit TLS."
    )
  })

  it('reads tls=none as plain text on port 25, and refuses credentials there unless insecure-auth=true', () => {
    expect(email({ 'smtp-url': 'smtp://relay.internal?tls=none' }).smtp).toEqual(noLogin('relay.internal', 25, 'none'))
    expect(errorOf({ 'smtp-url': 'smtp://u:p@h?tls=none' })).toBe(
      "Input 'smtp-url' asks for tls=none while credentials are set: they would cross the network in plain text. Use TLS, or add &insecure-auth=true."
    )
    expect(email({ 'smtp-url': 'smtp://u:p@h:2525?tls=NONE&insecure-auth=true' }).smtp).toMatchObject({
      security: 'none',
      port: 2525,
      username: 'u'
    })
    expect(errorOf({ 'smtp-url': 'smtps://h?tls=none' })).toBe(
      "Input 'smtp-url' asks for implicit TLS (smtps://) and tls=none; use smtp:// with tls=none."
    )
    expect(errorOf({ 'smtp-url': 'smtp://u@h' })).toBe(
      "Input 'smtp-url' has a user name without a password, or the reverse; give both or neither."
    )
  })

  it('never echoes a password from smtp-url in an error', () => {
    for (const url of ['ftp://u:s3cr3t@h', 'smtp://u:s3cr3t@', 'smtp://u:s3cr3t@[bad']) {
      expect(errorOf({ 'smtp-url': url })).not.toContain('s3cr3t')
    }
  })

  it('refuses a path, fragment or unknown query, which an unencoded / ? # in the password makes, naming nothing of it', () => {
    const encode = 'percent-encode / ? # @ : and % in the user name and password (as %2F %3F %23 %40 %3A %25).'
    const refusal = `Input 'smtp-url' has a path or fragment, which it never needs: ${encode}`
    const query = `Input 'smtp-url' has a query that it does not take: expected ?tls=none, &insecure-auth=true or ?auth=oauth2, and ${encode}`
    // Each would otherwise have sent mail to host "alerts", port 31337, without credentials.
    for (const [url, expected] of [
      ['smtp://alerts:31337/s3cr3t@mail.example.com', refusal],
      ['smtp://alerts:31337?s3cr3t@mail.example.com', query],
      ['smtp://alerts:31337?tls=s3cr3t@mail.example.com', query],
      ['smtp://alerts:31337#s3cr3t@mail.example.com', refusal],
      ['smtp://alerts:31337#@mail.example.com', refusal],
      ['smtp://mail.example.com:587/x', refusal]
    ]) {
      expect(errorOf({ 'smtp-url': url })).toBe(expected)
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

  it('names each missing or malformed input, all at once', () => {
    expect(errorOf({})).toBe(
      'notify includes email, which needs smtp-url (an SMTP server) or graph-tenant-id and graph-client-id (Microsoft Graph sendMail).'
    )
    expect(errorOf({ 'smtp-url': 'smtp://h', 'email-to': '' })).toBe(
      "Input 'email-to' is required: who receives the digest, one or more addresses."
    )
    expect(errorOf({ 'smtp-url': 'smtp://h', 'email-to': 'soc@example.com, nobody' })).toBe(
      "Input 'email-to' has 'nobody'; expected addresses like security@example.com."
    )
    expect(errorOf({ 'smtp-url': 'smtp://h:70000' })).toMatch(/^Input 'smtp-url' is not a URL;/)
    expect(errorOf({ 'email-from': '', 'email-to': 'nobody', 'owner-notices': 'yes' })).toBe(
      [
        '4 problems with the inputs:',
        'notify includes email, which needs smtp-url (an SMTP server) or graph-tenant-id and graph-client-id (Microsoft Graph sendMail).',
        "Input 'email-from' is required: the sender address of notification emails.",
        "Input 'email-to' has 'nobody'; expected addresses like security@example.com.",
        "Input 'owner-notices' is 'yes'; expected one of false, true, include-domains."
      ].join('\n')
    )
  })

  it('reads owner-notices, and a Reply-To that the owner notices name as whom to ask', () => {
    expect(email({ 'smtp-url': 'smtp://h' })).not.toHaveProperty('ownerNotices')
    expect(email({ 'smtp-url': 'smtp://h' })).toMatchObject({
      replyTo: undefined,
      ownerContact: undefined,
      whenEmpty: false,
      maxRows: 200
    })
    expect(email({ 'smtp-url': 'smtp://h', 'owner-notices': 'TRUE' })).toMatchObject({
      ownerNotices: 'exact'
    })
    expect(email({ 'smtp-url': 'smtp://h', 'owner-notices': 'include-domains' })).toMatchObject({
      ownerNotices: 'include-domains'
    })
    expect(email({ 'smtp-url': 'smtp://h', 'email-reply-to': 'SOC <soc@example.com>' })).toMatchObject({
      replyTo: '"SOC" <soc@example.com>',
      ownerContact: '"SOC" <soc@example.com>'
    })
    expect(errorOf({ 'smtp-url': 'smtp://h', 'email-reply-to': 'the SOC' })).toBe(
      "Input 'email-reply-to' has 'the SOC'; expected addresses like security@example.com."
    )
    expect(
      parseEmailConfig((name) => ({ ...BASE, 'smtp-url': 'smtp://h' })[name] ?? '', { whenEmpty: true }).whenEmpty
    ).toBe(true)
  })
})

describe('parseEmailConfig for Microsoft 365 (Graph and SMTP OAuth2)', () => {
  const APP = {
    'graph-tenant-id': 'contoso.onmicrosoft.com',
    'graph-client-id': '11111111-2222-3333-4444-555555555555'
  }

  it('chooses Graph when its app is set and no SMTP server is, signing in by OIDC without a secret', () => {
    const config = email(APP)
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
    expect(email({ 'smtp-url': 'smtp://h' }).transport).toBe('smtp')
  })

  it('refuses two email transports at once, naming both', () => {
    const both =
      "Inputs 'smtp-url' and 'graph-tenant-id' are both set: two email transports. Keep smtp-url (SMTP) or the graph-* inputs (Graph sendMail), or add ?auth=oauth2 to smtp-url to sign in to SMTP with the Entra app."
    expect(errorOf({ ...APP, 'smtp-url': 'smtp://mail.example.com' })).toBe(both)
    expect(errorOf({ ...APP, 'graph-client-secret': 's', 'smtp-url': 'smtps://u:p@mail.example.com' })).toBe(both)
    // Blank is not given.
    expect(email({ ...APP, 'smtp-url': ' ' }).transport).toBe('graph')
    expect(email({ 'graph-tenant-id': ' ', 'smtp-url': 'smtp://h' }).transport).toBe('smtp')
  })

  it('names every problem of the Entra app at once', () => {
    expect(errorOf({ 'graph-tenant-id': '../common', 'graph-client-secret': 's', 'graph-certificate': 'x' })).toBe(
      [
        '3 problems with the inputs:',
        "Input 'graph-tenant-id' is not an Entra ID; expected a GUID such as 00000000-0000-0000-0000-000000000000.",
        "Input 'graph-client-id' is required: the Entra app's application (client) ID (Graph sendMail).",
        "Inputs 'graph-client-secret' and 'graph-certificate' are both set; set one credential for the Entra app (or neither, for the job's GitHub OIDC token)."
      ].join('\n')
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

  it('takes a client secret alone', () => {
    expect(email({ ...APP, 'graph-client-secret': ' s3cret ' }).entra!.credential).toEqual({
      kind: 'secret',
      secret: 's3cret'
    })
  })

  it.each([
    ['a leading dot', '.contoso.com'],
    ['a path after it', 'contoso.com/../common'],
    ['a space', 'contoso com'],
    ['an underscore', 'contoso_tenant']
  ])('refuses a tenant ID with %s', (_case, tenant) => {
    expect(errorOf({ ...APP, 'graph-tenant-id': tenant })).toBe(
      "Input 'graph-tenant-id' is not an Entra ID; expected a GUID such as 00000000-0000-0000-0000-000000000000."
    )
  })

  it('takes tenant and client IDs of letters, digits, dots and hyphens', () => {
    const entra = email({ ...APP, 'graph-tenant-id': 'Contoso-1.onmicrosoft.com', 'graph-client-id': '0' }).entra!
    expect([entra.tenantId, entra.clientId]).toEqual(['Contoso-1.onmicrosoft.com', '0'])
  })

  it.each([
    ['usgov', 'https://login.microsoftonline.us', 'https://graph.microsoft.us'],
    ['USGov-DoD', 'https://login.microsoftonline.us', 'https://dod-graph.microsoft.us'],
    ['china', 'https://login.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn'],
    [' global ', 'https://login.microsoftonline.com', 'https://graph.microsoft.com'],
    ['https://login.example/ \n https://Graph.Example//v1// ', 'https://login.example', 'https://graph.example//v1']
  ])('reads graph-cloud %p as its sign-in and Graph endpoints', (cloud, authority, graph) => {
    const config = email({ ...APP, 'graph-cloud': cloud })
    expect([config.entra!.authority, config.graphEndpoint]).toEqual([authority, graph])
  })

  it.each([
    'mars',
    'https://login.example',
    'http://login.example https://graph.example',
    'https://u:p@login.example https://graph.example',
    'https://login.example https://graph.example/?x=1',
    'https://login.example https://graph.example https://third.example'
  ])('refuses graph-cloud %p', (cloud) => {
    const message = errorOf({ ...APP, 'graph-cloud': cloud })
    expect(message).not.toContain('u:p')
    expect(message).toMatch(
      /^Input 'graph-cloud' is ('.*'|not a cloud); expected one of global, usgov, usgov-dod, china, or two https URLs "authority graph"\.$/
    )
  })

  it('refuses OAuth2 over plain text, and more than one sender', () => {
    const oauth = { ...APP, 'smtp-url': 'smtp://h?auth=oauth2' }
    expect(errorOf({ ...oauth, 'smtp-url': 'smtp://h?auth=oauth2&tls=none' })).toBe(
      "Input 'smtp-url' asks for auth=oauth2, which needs TLS: remove tls=none."
    )
    expect(errorOf({ ...oauth, 'email-from': 'a@example.com, b@example.com' })).toBe(
      "Input 'email-from' has 2 addresses; expected one."
    )
  })

  it('logs in to SMTP with XOAUTH2 as the sender, and never with a password besides', () => {
    const oauth = { ...APP, 'smtp-url': 'smtp://smtp.office365.com?auth=oauth2' }
    expect(email(oauth).transport).toBe('smtp')
    expect(email(oauth).smtp).toMatchObject({ oauth2: true, username: 'etd@example.com', port: 587 })
    expect(email(oauth).entra).toMatchObject({ credential: { kind: 'federated' } })
    expect(
      email({ ...oauth, 'smtp-url': 'smtp://alerts%40example.com@smtp.office365.com?auth=oauth2' }).smtp!.username
    ).toBe('alerts@example.com')
    expect(errorOf({ ...oauth, 'smtp-url': 'smtp://u:p@smtp.office365.com?auth=oauth2' })).toBe(
      "Input 'smtp-url' asks for auth=oauth2, which needs no password: remove it from the URL."
    )
    expect(errorOf({ 'smtp-url': 'smtp://smtp.office365.com?auth=oauth2' })).toBe(
      [
        '2 problems with the inputs:',
        "Input 'graph-tenant-id' is required: the Entra tenant's ID or domain (smtp-url auth=oauth2).",
        "Input 'graph-client-id' is required: the Entra app's application (client) ID (smtp-url auth=oauth2)."
      ].join('\n')
    )
  })
})

describe('parseEmailConfig edges', () => {
  const { parsed: withSmtp, errorOf: withSmtpError } = inputParser(parseEmailConfig, {
    'email-from': 'etd@example.com',
    'email-to': 'soc@example.com',
    'smtp-url': 'smtp://smtp.example.com'
  })
  const viaUrl = (url: string) => ({ 'smtp-url': url })

  it('reads address groups, and keeps display names free of quotes', () => {
    expect(withSmtp({ 'email-to': 'SOC: a@example.com, b@example.com;' }).to).toEqual([
      'a@example.com',
      'b@example.com'
    ])
    expect(withSmtp({ 'email-to': '"Sec \\"Ops\\"" <sec@example.com>' }).to).toEqual(['"Sec Ops" <sec@example.com>'])
  })

  it('names what is not an address list', () => {
    for (const [given, named] of [
      [',', ','],
      ['a@b@example.com', 'a@b@example.com']
    ]) {
      expect(withSmtpError({ 'email-to': given })).toBe(
        `Input 'email-to' has '${named}'; expected addresses like security@example.com.`
      )
    }
    expect(withSmtpError({ 'email-from': '' })).toBe(
      "Input 'email-from' is required: the sender address of notification emails."
    )
    expect(withSmtpError({ 'email-from': 'a@example.com, b@example.com' })).toBe(
      "Input 'email-from' has 2 addresses; expected one."
    )
    expect(withSmtpError({ 'owner-notices': 'domains' })).toBe(
      "Input 'owner-notices' is 'domains'; expected one of false, true, include-domains."
    )
  })

  it('explains a bad smtp-url in one line', () => {
    expect(withSmtpError(viaUrl('not a url'))).toBe(
      "Input 'smtp-url' is not a URL; expected smtp://user:password@host:587 or smtps://user:password@host:465, and percent-encode / ? # @ : and % in the user name and password (as %2F %3F %23 %40 %3A %25)."
    )
    expect(withSmtpError(viaUrl('https://mail.example.com'))).toBe(
      "Input 'smtp-url' starts with 'https://'; expected smtp:// (STARTTLS) or smtps:// (implicit TLS)."
    )
    expect(withSmtpError(viaUrl('smtp://'))).toBe(
      "Input 'smtp-url' has no host; expected smtp://user:password@host:587."
    )
  })

  it('trims smtp-url and reads an IPv6 host', () => {
    expect(withSmtp({ 'smtp-url': ' smtp://[::1]:2525 ' }).smtp).toMatchObject({
      host: '::1',
      port: 2525
    })
  })

  it('explains the port and security mix-ups', () => {
    expect(withSmtpError(viaUrl('smtp://mail.example.com:465'))).toBe(
      "Input 'smtp-url' asks for STARTTLS on port 465, which speaks implicit TLS: use smtps:// for port 465, or port 587 for STARTTLS."
    )
    expect(withSmtpError(viaUrl('smtps://mail.example.com:587'))).toBe(
      "Input 'smtp-url' asks for implicit TLS on port 587, which speaks STARTTLS: use smtp:// for port 587, or port 465 for implicit TLS."
    )
  })
})
