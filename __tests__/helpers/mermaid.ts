import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, pageOutput } from '../../scripts/phone-view.js'

const MERMAID = fileURLToPath(new URL('../../node_modules/mermaid/dist/mermaid.min.js', import.meta.url))

/** The mermaid blocks of a markdown text, as GitHub finds them: fenced with ```mermaid. */
export const mermaidBlocks = (markdown: string) =>
  [...markdown.matchAll(/^```mermaid\n([^]*?)\n```$/gm)].map((match) => match[1])

/** What mermaid made of one block: the diagram's type and the texts it drew, or its error. */
export interface Drawn {
  type?: string
  /** Every text element of the SVG, in order: titles, axis labels, slice labels. */
  texts?: string[]
  /** The fill colours of the bars drawn, in order. */
  fills?: string[]
  error?: string
}

/**
 * Renders each block with the real mermaid (the package's browser build) in headless Chromium, as GitHub
 * renders it in the browser; with mermaid's strict security, so that a label that sneaks in HTML shows.
 */
export async function drawMermaid(blocks: string[]): Promise<Drawn[]> {
  const dir = await mkdtemp(join(tmpdir(), 'etd-mermaid-'))
  try {
    const page = join(dir, 'page.html')
    await writeFile(
      page,
      `<!doctype html><html><head><meta charset="utf-8"><script src="file://${MERMAID}"></script></head><body><pre id="out"></pre><script>
      mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' })
      const blocks = ${JSON.stringify(blocks).replace(/</g, '\\u003c')}
      ;(async () => {
        const drawn = []
        for (const [i, text] of blocks.entries()) {
          try {
            const type = (await mermaid.parse(text)).diagramType
            const { svg } = await mermaid.render('d' + i, text)
            const doc = new DOMParser().parseFromString(svg, 'image/svg+xml')
            drawn.push({
              type,
              texts: [...doc.querySelectorAll('text')].map((t) => t.textContent),
              fills: [...doc.querySelectorAll('.bar-plot-0 rect, [class^=bar-plot] rect')].map((r) => r.getAttribute('fill'))
            })
          } catch (error) {
            drawn.push({ error: String(error && error.message || error) })
          }
        }
        document.getElementById('out').textContent = JSON.stringify(drawn)
      })()
      </script></body></html>`
    )
    const dom = await chromium([
      '--virtual-time-budget=20000',
      '--allow-file-access-from-files',
      '--dump-dom',
      `file://${page}`
    ])
    return pageOutput(dom, 'mermaid drew nothing: Chromium ended before the charts were rendered') as Drawn[]
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
