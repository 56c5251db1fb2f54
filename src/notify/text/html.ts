const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Makes text inert in HTML, element content and attribute values alike: it shows as written. */
export function inertHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c])
}
