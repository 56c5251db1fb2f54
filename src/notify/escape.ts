const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c])
}

/**
 * Makes attacker URLs unclickable everywhere they are shown, even where a mail client or renderer would
 * auto-link plain text: `https://evil.example/x` becomes `hxxps://evil[.]example/x`.
 */
export function defang(text: string): string {
  return text
    .replace(
      /\b(h)tt(ps?):\/\/([^\s/?#<>"'`]+)/gi,
      (_, h: string, rest: string, host: string) => `${h}xx${rest}://${host.replace(/\./g, '[.]')}`
    )
    .replace(/\bwww\.([^\s/?#<>"'`]+)/gi, (_, host: string) => `www[.]${host.replace(/\./g, '[.]')}`)
}
