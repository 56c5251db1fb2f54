// webhook-url: which platform each line is, and the refusals that never show the URL.
import { describe, expect, it } from '@jest/globals'
import { detectFormat, parseWebhooks } from '../src/config/webhook.js'

describe('webhook-url', () => {
  const secret = 'sig=TOPSECRET'
  const parse = (url: string) => parseWebhooks((name) => (name === 'webhook-url' ? url : ''))

  it('detects the platform from the host, or takes it from the prefix of the line', () => {
    expect(
      parse(
        [
          `https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?${secret}`,
          `https://default1234.56.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/x?${secret}`,
          'https://webexapis.com/v1/webhooks/incoming/Y2lzY29zcGFyazovL3Vz',
          'https://hooks.slack.com/services/T000/B000/XXXX',
          'json=https://soar.example.com/hooks/etd',
          'slack=http://127.0.0.1:8080/slack'
        ].join('\n')
      ).map((t) => [t.format, t.label])
    ).toEqual([
      ['teams', 'Teams webhook 1'],
      ['teams', 'Teams webhook 2'],
      ['webex', 'Webex webhook 3'],
      ['slack', 'Slack webhook 4'],
      ['json', 'JSON webhook 5'],
      ['slack', 'Slack webhook 6']
    ])
  })

  it.each([
    [`https://acme.webhook.office.com/webhookb2/x/IncomingWebhook/${secret}`, /line 1 is a retired .*Workflows/],
    [`http://soar.example.com/x?${secret}`, /line 1 is not https/],
    [`https://soar.example.com/x?${secret}`, /line 1 is not a Teams Workflows, Webex or Slack .*json=/],
    [`https://user:${secret}@[bad`, /line 1 is not a URL/]
  ])('refuses %s in one line that never shows the URL', (url, message) => {
    let error: Error | undefined
    try {
      parse(url)
    } catch (e) {
      error = e as Error
    }
    expect(error?.message).toMatch(message)
    expect(error?.message).not.toContain('TOPSECRET')
    expect(error?.message).not.toContain('\n')
  })

  it('reads line prefixes in any case, and skips blank lines', () => {
    expect(parse('')).toEqual([])
    expect(
      parse('\n   \n  Webex=https://soar.example.com/a  \n\t\n json= https://soar.example.com/b\n').map((t) => [
        t.format,
        t.url,
        t.label
      ])
    ).toEqual([
      ['webex', 'https://soar.example.com/a', 'Webex webhook 1'],
      ['json', 'https://soar.example.com/b', 'JSON webhook 2']
    ])
  })

  it('lets a line prefix win over the host', () => {
    expect(parse('teams=https://hooks.slack.com/services/T000/B000/XXXX')[0].format).toBe('teams')
  })

  it('names every bad line at once, and none of their URLs', () => {
    expect(() =>
      parse(`http://soar.example.com/${'TOPSECRET'}\nhttps://hooks.slack.com/services/x\nhttps://soar.example.com/x`)
    ).toThrow(
      [
        '2 problems with the inputs:',
        "Input 'webhook-url' line 1 is not https; webhooks take https only (http only for loopback).",
        "Input 'webhook-url' line 3 is not a Teams Workflows, Webex or Slack webhook host; start the line with its format: json= (any JSON endpoint), teams=, webex= or slack=."
      ].join('\n')
    )
  })

  it.each([
    ['logic.azure.com', 'https://logic.azure.com/workflows/x', 'teams'],
    ['a host in capitals', 'https://HOOKS.Slack.COM/services/x', 'slack'],
    ['a subdomain of powerautomate.com', 'https://eu.powerautomate.com/x', 'teams'],
    ['powerplatform.com itself', 'https://powerplatform.com/x', 'teams'],
    ['a host that only ends in logic.azure.com', 'https://evillogic.azure.com/x', undefined],
    ['a host that ends in powerautomate.com.evil', 'https://powerautomate.com.evil.example/x', undefined],
    ['webexapis.com outside incoming webhooks', 'https://webexapis.com/v1/messages/x', undefined],
    ['a subdomain of webexapis.com', 'https://x.webexapis.com/v1/webhooks/incoming/x', undefined],
    ['a subdomain of hooks.slack.com', 'https://x.hooks.slack.com/services/x', undefined],
    ['slack.com itself', 'https://slack.com/services/x', undefined]
  ])('tells the format of %s', (_case, url, format) => {
    expect(detectFormat(new URL(url))).toBe(format)
  })

  it.each([
    ['a prefix with text before it', 'xjson=https://soar.example.com/x', /line 1 is not a URL/],
    [
      'a retired connector host itself',
      'https://webhook.office.com/webhookb2/x',
      "Input 'webhook-url' line 1 is a retired Office 365 connector URL (webhook.office.com); in Teams, open the channel's Workflows, add 'Send webhook alerts to a channel', and use the URL it gives."
    ],
    ['plain http to a host that is not loopback', 'json=http://10.0.0.1/x', /line 1 is not https/],
    ['another scheme on loopback', 'json=ftp://127.0.0.1/x', /line 1 is not https/],
    [
      'the second line',
      'https://hooks.slack.com/services/x\nhttps://soar.example.com/x',
      /^Input 'webhook-url' line 2 is not a Teams Workflows, Webex or Slack webhook host; start the line with its format: json= \(any JSON endpoint\), teams=, webex= or slack=\.$/
    ]
  ])('refuses %s', (_case, url, message) => {
    expect(() => parse(url)).toThrow(message)
  })
})
