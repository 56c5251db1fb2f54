import { describe, expect, it } from '@jest/globals'
import { defang, escapeHtml } from '../src/notify/escape.js'

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;'
    )
  })
})

describe('defang', () => {
  it('breaks http and https links in any case, host only', () => {
    expect(defang('see https://evil.example/login.php?u=a.b and http://a.b.c/x.y')).toBe(
      'see hxxps://evil[.]example/login.php?u=a.b and hxxp://a[.]b[.]c/x.y'
    )
    expect(defang('HTTPS://Evil.Example')).toBe('HxxPS://Evil[.]Example')
  })

  it('ends the host at whitespace, quotes, brackets, query and fragment', () => {
    expect(defang('https://a.b c.d')).toBe('hxxps://a[.]b c.d')
    expect(defang('https://a.b?c.d https://e.f#g.h "https://i.j"k.l')).toBe(
      'hxxps://a[.]b?c.d hxxps://e[.]f#g.h "hxxps://i[.]j"k.l'
    )
  })

  it('breaks bare www. hosts too', () => {
    expect(defang('visit www.evil.example/pay.now or WWW.x.y today')).toBe(
      'visit www[.]evil[.]example/pay.now or www[.]x[.]y today'
    )
  })

  it('leaves text without links alone', () => {
    expect(defang('Invoice 2026.11 attached')).toBe('Invoice 2026.11 attached')
  })
})
