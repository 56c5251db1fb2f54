import type { Clean } from '../../etd/clean.js'
import type { WebhookFormat } from '../../config/webhook.js'
import { inertMarkdown } from '../text/markdown.js'
import { jsonLine } from './json.js'
import { inertSlack } from './slack.js'
import { ADAPTIVE_CARD_VERSION } from './teams.js'

/** One line of the watch's own (the daily heartbeat) as each platform takes a message. */
export const LINE_RENDERERS: Record<WebhookFormat, (text: string) => unknown> = {
  teams: (text) => ({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: ADAPTIVE_CARD_VERSION,
          body: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text }] }]
        }
      }
    ]
  }),
  webex: (text) => ({ markdown: inertMarkdown(text as Clean) }),
  slack: (text) => ({ text: inertSlack(text) }),
  json: jsonLine
}
