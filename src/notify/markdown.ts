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

/**
 * A mailbox that the workflow itself watches, as a code span: verbatim, so that the issue can be searched
 * for it, and inert, since GitHub neither mentions nor links inside a code span. Only an address equal to
 * a configured one counts (ETD's text is the attacker's), and only one that nothing could end the span
 * in: no backtick (valid in a local part), no space, control or invisible character. `undefined` else.
 */
export function ownAddress(mailbox: string, watched: readonly string[]): string | undefined {
  const ours = watched.find((address) => !address.startsWith('*@') && address === mailbox.toLowerCase())
  return ours !== undefined && /^[^\s`\p{C}]+$/u.test(ours) ? `\`${ours}\`` : undefined
}
