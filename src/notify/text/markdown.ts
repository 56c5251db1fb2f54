import type { Clean } from '../../etd/clean.js'

const ZWSP = '\u200b'

/**
 * Breaks what GitHub finds in rendered text, where no escape reaches: @mentions (an `@` that starts a
 * word), #123 and GH-123 references, and :emoji: codes. A zero-width space shows nothing. For attacker
 * text in markdown and in the HTML that GitHub renders (the job summary).
 */
export function unreferenced(text: string): string {
  return text
    .replace(/(?<![\p{L}\p{N}_])@/gu, `@${ZWSP}`)
    .replace(/#(?=\d)/g, `#${ZWSP}`)
    .replace(/\bGH-(?=\d)/gi, (m) => `${m.slice(0, 2)}${ZWSP}-`)
    .replace(/:(?=[\w+-]+:)/g, `:${ZWSP}`)
}

/**
 * Makes attacker text inert in CommonMark/GFM (the issue, Webex), and shows it as written: every
 * character that could start markup, a link, an autolink (`<`, `:` of a scheme, `www.`), HTML or an entity
 * (`&`) is backslash-escaped, which renders as the character itself. No HTML entity is used: inside
 * markdown an escaped entity shows as `&#39;`. The text must be cleaned first (one line, URLs defanged):
 * see clean.ts.
 */
export function inertMarkdown(text: Clean): string {
  // References are found in the rendered text, so they are broken before escaping adds backslashes; every
  // `@`, since GFM links an e-mail address in text too.
  return unreferenced(text)
    .replace(/@(?!\u200b)/g, `@${ZWSP}`)
    .replace(/[\\`*_{}[\]()<>&#+\-.!|~:]/g, (c) => `\\${c}`)
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
