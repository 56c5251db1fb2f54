// The ETD requests a day of scheduled runs makes, by conviction volume and cron interval (see
// scripts/bench/requests-per-day.ts). Prints a markdown table for the README and writes the figures as JSON.
//   npm run bench:requests [-- --out bench-output/requests-per-day.json]
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { measureRequestsPerDay, requestsTable } from './bench/requests-per-day.js'

const { values } = parseArgs({ options: { out: { type: 'string', default: 'bench-output/requests-per-day.json' } } })
const days = await measureRequestsPerDay()
console.log(requestsTable(days))
await mkdir(dirname(values.out!), { recursive: true })
await writeFile(values.out!, `${JSON.stringify(days, null, 2)}\n`)
console.log(
  `\nRequests per day with the default inputs (rescan 24h, rescan-every 8h, daily-request-budget 2000); ${values.out}`
)
