import { describe, expect, it } from '@jest/globals'
import { inertHtml } from '../src/notify/text/html.js'

describe('inertHtml', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    expect(inertHtml(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;'
    )
  })
})
