import { createRequire } from 'node:module'
import type { Node as SlackNode } from 'slack-message-parser'

// What the chat platforms' own models make of a payload: shared by every test that reads one.

// The package's ESM build imports without file extensions, which Node refuses; its UMD build loads.
export const AdaptiveCards = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void }
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } }
  TextRun: new () => { text: string; parse(json: unknown, context?: unknown): void }
}

/** What the Adaptive Card model finds wrong with a card: nothing for a valid one. */
export function cardErrors(card: unknown): string[] {
  const context = new AdaptiveCards.SerializationContext()
  new AdaptiveCards.AdaptiveCard().parse(card, context)
  return Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message)
}

/** The text of each TextRun of a card, as the Adaptive Card model reads it. */
export const textRuns = (card: unknown) =>
  elements(card, 'TextRun').map((json) => {
    const run = new AdaptiveCards.TextRun()
    run.parse(json)
    return run.text
  })

/** Every string anywhere in a JSON value. */
export function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(strings)
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings)
  return []
}

/** Every object with the given `type`, however deep. */
export function elements(value: unknown, type: string): Array<Record<string, unknown>> {
  if (Array.isArray(value)) return value.flatMap((v) => elements(v, type))
  if (!value || typeof value !== 'object') return []
  const own = (value as { type?: unknown }).type === type ? [value as Record<string, unknown>] : []
  return [...own, ...Object.values(value).flatMap((v) => elements(v, type))]
}

/** Every node of a parsed mrkdwn text. */
export function slackNodes(node: SlackNode): SlackNode[] {
  const children = 'children' in node ? node.children : 'label' in node && node.label ? node.label : []
  return [node, ...children.flatMap(slackNodes)]
}

/** The text a reader sees of rendered HTML: tags dropped, the entities marked writes read back. */
export const shownText = (html: string) =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\u200b/g, '')
