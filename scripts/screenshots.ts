// The README's pictures of what arrives, from a demo's output: the digest as a phone shows it, the issue
// as GitHub renders it (GFM, by marked) and the Teams card as Teams renders it (Microsoft's adaptivecards),
// each laid out by a headless Chromium and saved as PNG into docs/images/.
//   npm run demo -- --fresh --out demo-output && npx tsx scripts/screenshots.ts demo-output
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { marked } from 'marked'
import { chromium, phoneView } from './phone-view.js'

const demo = resolve(process.argv[2] ?? 'demo-output')
const images = resolve('docs/images')
const dir = await mkdtemp(join(tmpdir(), 'etd-screenshots-'))

/** A screenshot of `html` (a whole page) in a window of `size`. */
async function shoot(html: string, png: string, size: { width: number; height: number }): Promise<void> {
  const page = join(dir, 'page.html')
  await writeFile(page, html)
  await chromium(['--virtual-time-budget=5000', `--screenshot=${png}`, `file://${page}`], size)
}

const PAGE_STYLE =
  'body{margin:0;padding:16px 20px;font:14px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2328}' +
  'table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d1d9e0;padding:4px 8px;text-align:left}' +
  'th{background:#f6f8fa}code{font-size:12px;background:#eff1f3;padding:1px 4px;border-radius:4px}' +
  'h1{font-size:22px;font-weight:600;border-bottom:1px solid #d1d9e0;padding-bottom:6px}h2{font-size:18px}' +
  'blockquote{margin:0;border-left:4px solid #9a6700;padding:0 12px;color:#59636e}'

try {
  const digest = await readFile(join(demo, 'emails', '01-soc@example.com.html'), 'utf8')
  console.log(await phoneView(digest, join(images, 'digest-phone.png')))

  // The issue's hidden marker and its charts (GitHub draws mermaid; marked shows code) are left out.
  const issue = (await readFile(join(demo, 'issue.md'), 'utf8'))
    .replace(/<!--[^]*?-->\n?/g, '')
    .replace(/```mermaid[^]*?```\n?/g, '')
  const body = await marked.parse(issue, { gfm: true })
  await shoot(`<!doctype html><meta charset="utf-8"><style>${PAGE_STYLE}</style>${body}`, join(images, 'issue.png'), {
    width: 1100,
    height: 620
  })
  console.log(`the issue: ${join(images, 'issue.png')}`)

  const teams = JSON.parse(await readFile(join(demo, 'webhooks', 'teams.json'), 'utf8')) as {
    attachments: Array<{ content: unknown }>
  }
  const library = createRequire(import.meta.url).resolve('adaptivecards/dist/adaptivecards.js')
  const card = JSON.stringify(teams.attachments[0].content).replace(/</g, '\\u003c')
  await shoot(
    '<!doctype html><meta charset="utf-8"><style>body{margin:0;padding:12px;background:#f5f5f5;' +
      'font-family:"Segoe UI",Helvetica,Arial,sans-serif}#card{background:#fff;border-radius:6px;' +
      `box-shadow:0 1px 3px #0003}</style><div id="card"></div><script src="file://${library}"></script>` +
      `<script>const card = new AdaptiveCards.AdaptiveCard(); card.parse(${card});` +
      'document.getElementById("card").appendChild(card.render())</script>',
    join(images, 'teams-card.png'),
    { width: 560, height: 760 }
  )
  console.log(`the Teams card: ${join(images, 'teams-card.png')}`)
} finally {
  await rm(dir, { recursive: true, force: true })
}
