// What the entry masks: each secret input as given (and each line of a PEM or a list), and what the
// parsed config holds in another form: the decoded SMTP password and each webhook URL.
import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../src/config/config.js'
import { secretsOf, secretsOfInput } from '../src/config/secrets.js'

describe('secretsOfInput', () => {
  it('a one-line value whole, nothing for an empty one', () => {
    expect(secretsOfInput('s3cr3t')).toEqual(['s3cr3t'])
    expect(secretsOfInput('')).toEqual([])
  })

  it('a PEM whole and each line of its body, not the armour lines nor short ones', () => {
    const pem =
      '-----BEGIN PRIVATE KEY-----\r\nMIIEvQIBADANBgkqhkiG\nabc\n  w0BAQEFAASCBKcw  \n-----END PRIVATE KEY-----'
    expect(secretsOfInput(pem)).toEqual([pem, 'MIIEvQIBADANBgkqhkiG', 'w0BAQEFAASCBKcw'])
  })
})

describe('secretsOf', () => {
  it('the decoded SMTP password and each webhook URL without its format', () => {
    const inputs: Record<string, string> = {
      'etd-api-key': 'k',
      'etd-client-id': 'id',
      'etd-client-secret': 's',
      notify: 'email,webhook',
      'smtp-url': 'smtp://alerts%40example.com:p%40ss%2Fw0rd@mail.example.com:587',
      'email-from': 'etd@example.com',
      'email-to': 'soc@example.com',
      'webhook-url': 'json=https://soar.example.com/hook/abc\nhttps://hooks.slack.com/services/T1/B2/xyz'
    }
    const config = parseConfig((name) => inputs[name] ?? '', {})
    expect(secretsOf(config)).toEqual([
      'p@ss/w0rd',
      'https://soar.example.com/hook/abc',
      'https://hooks.slack.com/services/T1/B2/xyz'
    ])
  })

  it('nothing without email or webhooks', () => {
    const config = parseConfig(
      (name) => ({ 'etd-api-key': 'k', 'etd-client-id': 'id', 'etd-client-secret': 's', notify: 'none' })[name] ?? '',
      {}
    )
    expect(secretsOf(config)).toEqual([])
  })
})
