// An email as a phone or a desktop shows it, for the demo and the tests: a headless Chromium (Debian's
// `chromium`) lays it out 420 px (or 1200 px) wide, says whether anything is wider than that, and takes a
// screenshot. Desktop Chromium lays out no page narrower than 500 px, so the email is shown in a frame.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { escapeHtml } from '../src/notify/text/escape.js'

const run = promisify(execFile)
const WIDTH = 420
const HEIGHT = 900

/**
 * Headless Chromium with `args`, in a window of `size` (the phone's by default); its stdout. Each run has a
 * profile of its own, so that runs side by side (the tests, the demo) do not share one, and reaches for
 * nothing on the network but what the page loads.
 */
export async function chromium(args: string[], size = { width: WIDTH, height: HEIGHT }): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), 'etd-chromium-'))
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
    `--window-size=${size.width},${size.height}`
  ]
  try {
    const { stdout } = await run('chromium', [...flags, ...args], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 })
    return stdout
  } finally {
    await rm(profile, { recursive: true, force: true })
  }
}

/**
 * What a page's script wrote as JSON into its `<pre id="out">`, read from Chromium's --dump-dom; `failed`
 * when it wrote nothing (the page ran out of time, or its script threw).
 */
export function pageOutput(dom: string, failed: string): unknown {
  const out = /<pre id="out">([^]*?)<\/pre>/.exec(dom)?.[1] ?? ''
  if (!out) throw new Error(failed)
  return JSON.parse(
    out
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
  )
}

/** How an email lays out in a frame of some width: its document's width, and the elements that leave the frame. */
export interface Layout {
  width: number
  /** Each element whose box ends right of the frame or starts left of it: its tag and the start of its text. */
  offScreen: string[]
}

/**
 * Lays `html` out in Chromium in a frame `width` px wide (420 for a phone, 1200 for a desktop), and takes
 * a screenshot when given a path. Throws when Chromium is missing or fails.
 */
export async function layout(html: string, width = WIDTH, pngPath?: string): Promise<Layout> {
  const dir = await mkdtemp(join(tmpdir(), 'etd-phone-'))
  try {
    const frame = join(dir, 'frame.html')
    await writeFile(
      frame,
      '<!doctype html><html><head><style>body{margin:0}iframe{border:0;display:block}</style></head><body>' +
        `<iframe id="digest" width="${width}" height="${HEIGHT}" srcdoc="${escapeHtml(html)}"></iframe><pre id="out"></pre>` +
        '<script>onload = () => { const doc = digest.contentDocument; const off = [];' +
        ' for (const el of doc.body.querySelectorAll("*")) { const r = el.getBoundingClientRect();' +
        `  if (r.width > 0 && (r.right > ${width} + 0.5 || r.left < -0.5)) off.push(el.tagName + " " + el.textContent.slice(0, 40)) }` +
        ' out.textContent = JSON.stringify({ width: doc.documentElement.scrollWidth, offScreen: off }) }</script>' +
        '</body></html>'
    )
    const size = { width: Math.max(width, WIDTH), height: HEIGHT }
    const dom = await chromium(['--virtual-time-budget=5000', '--dump-dom', `file://${frame}`], size)
    if (pngPath) await chromium(['--virtual-time-budget=5000', `--screenshot=${pngPath}`, `file://${frame}`], size)
    return pageOutput(dom, 'Chromium laid out nothing') as Layout
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** One line for the demo's output: how wide the digest lays out at 420 px, and where the screenshot is. */
export async function phoneView(html: string, pngPath: string): Promise<string> {
  try {
    const { width } = await layout(html, WIDTH, pngPath)
    const fits = width <= WIDTH ? 'fits, nothing wider than the screen' : `is ${width} px wide: it scrolls sideways`
    return `the digest at ${WIDTH} px ${fits}; screenshot ${pngPath}`
  } catch (error) {
    // The demo's point is the run: without a Chromium it says so and goes on.
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? 'no phone-width check: Chromium is not installed (apt-get install chromium)'
      : `no phone-width check: Chromium failed (${(error as Error).message.split('\n')[0]})`
  }
}
