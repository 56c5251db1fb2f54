/**
 * The one place where text from ETD (every string of a message is attacker text) becomes a value safe to
 * show: one line, no control, bidi or invisible characters, URLs and domains defanged so that no mail
 * client or markdown renderer turns them into live links, and clipped. Channels still escape for their
 * format (HTML, markdown) on top; the report keeps the raw values.
 */

declare const CLEAN: unique symbol
/** Text that went through `clean`: renderers take this type, so that raw ETD text cannot reach them. */
export type Clean = string & { readonly [CLEAN]: true }

/** `T` with every string, however deep, cleaned: the display view of a message. */
export type Cleaned<T> = T extends string
  ? Clean
  : T extends ReadonlyArray<infer U>
    ? Cleaned<U>[]
    : T extends object
      ? { [K in keyof T]: Cleaned<T[K]> }
      : T

const MAX_CLEAN_LENGTH = 200

// Line breaks of every kind (C0 and C1 controls such as U+0085 and DEL, U+2028, U+2029) become spaces.
const BREAKING = /[\p{Cc}\u2028\u2029]+/gu
// Bidi overrides and isolates, zero-width and other format characters, lone surrogates: removed. They
// reorder or hide text, or split a domain so that it escapes defanging. ZWNJ and ZWJ stay: scripts and
// emoji need them.
const INVISIBLE = /(?![\u200c\u200d])[\p{Cf}\p{Cs}]/gu
const SPACES = /\s+/gu

// A scheme makes a link on its own; a dotted name (evil.example, login.evil.example, 10.0.0.1) is
// auto-linked by many mail clients even without one. Browsers read the ideographic and full-width full
// stops as dots too.
const SCHEME = /\b(h)tt(ps?):\/\//giu
const DOTTED_NAME = /[\p{L}\p{N}_-]+(?:[.\u3002\uff0e\uff61][\p{L}\p{N}_-]+)+/gu
const DOT = /[.\u3002\uff0e\uff61]/gu
const TOP_LEVEL = /[.\u3002\uff0e\uff61]\p{L}[\p{L}\p{N}-]+$/u
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/

/** Makes URLs and domains unclickable: `https://login.evil.example/x` becomes `hxxps://login[.]evil[.]example/x`. */
function defang(text: string): string {
  return text
    .replace(SCHEME, (_, h: string, rest: string) => `${h}xx${rest}://`)
    .replace(DOTTED_NAME, (name) => (TOP_LEVEL.test(name) || IPV4.test(name) ? name.replace(DOT, '[.]') : name))
}

/** Attacker text as a one-line, link-free display value, clipped to `max` characters (not UTF-16 units). */
export function clean(text: string, max = MAX_CLEAN_LENGTH): Clean {
  // Cut before any pattern runs: the dotted-name pattern is quadratic on a long run of letters, so it
  // never sees more than 4 × max units. Four times leaves room for what cleaning removes. A surrogate
  // pair cut in two leaves a lone half, which INVISIBLE removes.
  const cut = text.length > 4 * max
  const raw = cut ? text.slice(0, 4 * max) : text
  const flat = defang(raw.replace(BREAKING, ' ').replace(INVISIBLE, '').replace(SPACES, ' ').trim())
  const chars = [...flat]
  return (chars.length > max ? `${chars.slice(0, max).join('')}…` : cut ? `${flat}…` : flat) as Clean
}

/** Every string in `value` cleaned; new fields of a message are cleaned without anyone remembering to. */
export function cleanAll<T>(value: T): Cleaned<T> {
  if (typeof value === 'string') return clean(value) as Cleaned<T>
  if (Array.isArray(value)) return value.map(cleanAll) as Cleaned<T>
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanAll(v)])) as Cleaned<T>
  }
  return value as Cleaned<T>
}

/** Our own words around cleaned values, as in display`${name} <${address}>`: as clean as its parts. */
export function display(words: TemplateStringsArray, ...values: Clean[]): Clean {
  return words.reduce((text, word, i) => `${text}${values[i - 1]}${word}`) as Clean
}

/** Cleaned values in a list, such as `Malicious URL, QR code`. */
export function joinClean(values: readonly Clean[]): Clean {
  return values.join(', ') as Clean
}
