// The digest as a phone shows it, for the demo: a headless Chromium (Debian's `chromium`, when installed)
// lays it out 420 px wide, says whether anything is wider than that, and takes a screenshot. Desktop
// Chromium lays out no page narrower than 500 px, so the digest is shown in a 420 px frame.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { inertHtml } from '../src/notify/text/html.js'

const run = promisify(execFile)
const WIDTH = 420
const HEIGHT = 900

/** Headless Chromium with `args`, in a window of `size` (the phone's by default); its stdout. */
export async function chromium(args: string[], size = { width: WIDTH, height: HEIGHT }): Promise<string> {
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    `--window-size=${size.width},${size.height}`
  ]
  const { stdout } = await run('chromium', [...flags, ...args], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

/** One line for the demo's output: how wide the digest lays out at 420 px, and where the screenshot is. */
export async function phoneView(html: string, pngPath: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'etd-phone-'))
  try {
    const frame = join(dir, 'frame.html')
    await writeFile(
      frame,
      '<!doctype html><html><head><style>body{margin:0}iframe{border:0;display:block}</style></head><body>' +
        `<iframe id="digest" width="${WIDTH}" height="${HEIGHT}" srcdoc="${inertHtml(html)}"></iframe>` +
        '<script>onload = () => { document.title = "width " + digest.contentDocument.documentElement.scrollWidth }</script>' +
        '</body></html>'
    )
    try {
      const dom = await chromium(['--virtual-time-budget=5000', '--dump-dom', `file://${frame}`])
      const width = Number(/<title>width (\d+)<\/title>/.exec(dom)?.[1])
      await chromium(['--virtual-time-budget=5000', `--screenshot=${pngPath}`, `file://${frame}`])
      const fits = Number.isNaN(width)
        ? 'could not be measured'
        : width <= WIDTH
          ? 'fits, nothing wider than the screen'
          : `is ${width} px wide: it scrolls sideways`
      return `the digest at ${WIDTH} px ${fits}; screenshot ${pngPath}`
    } catch (error) {
      // The demo's point is the run: without a Chromium it says so and goes on.
      return (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no phone-width check: Chromium is not installed (apt-get install chromium)'
        : `no phone-width check: Chromium failed (${(error as Error).message.split('\n')[0]})`
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
