import type { Clean } from '../etd/clean.js'
import { escapeHtml } from './escape.js'

const ZWSP = '\u200b'

/**
 * Makes attacker text inert in GitHub markdown: no HTML, no markdown syntax (links, images, emphasis,
 * table breaks), no @mentions that ping people or teams, no #123 or GH-123 cross-references. The text
 * must be cleaned first (one line, URLs defanged): see clean.ts.
 */
export function inertMarkdown(text: Clean): string {
  // References are found in the rendered text, so they are broken before escaping adds backslashes.
  const unreferenced = text
    .replace(/@/g, `@${ZWSP}`)
    .replace(/#(?=\d)/g, `#${ZWSP}`)
    .replace(/\bGH-(?=\d)/gi, (m) => `${m.slice(0, 2)}${ZWSP}-`)
  return escapeHtml(unreferenced).replace(/[\\`*_{}[\]()#+\-.!|~]/g, (c) => `\\${c}`)
}

/**
 * A code span, for ids: nothing in it renders once the backtick that would end it and the pipe
 * that would end a table cell are gone.
 */
export function inertCode(text: Clean): string {
  return `\`${text.replace(/[`|]/g, '')}\``
}
