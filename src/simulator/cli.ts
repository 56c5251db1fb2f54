import { parseArgs } from 'node:util'
import { generateMessages } from './data.js'
import { startSimulator } from './server.js'
import { DAY } from '../common/time.js'

const USAGE = `Usage: npm run simulator -- [options]

Serves a seeded ETD tenant on loopback until interrupted, and prints the INPUT_* values to use.

  --port N    port to listen on (default 8787; 0 picks a free one)
  --seed N    seed of the generated traffic (default 1)
  --count N   how many messages (default 500)
  --days N    spread over how many days before now (default 3)
  -h, --help  print this help`

// Serves a seeded ETD tenant on loopback until interrupted, for trying the action by hand.
function readArgs() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '8787' },
        seed: { type: 'string', default: '1' },
        count: { type: 'string', default: '500' },
        days: { type: 'string', default: '3' },
        help: { type: 'boolean', short: 'h' }
      }
    }).values
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`)
    process.exit(2)
  }
}
const values = readArgs()
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}
const numbers = {
  port: Number(values.port),
  seed: Number(values.seed),
  count: Number(values.count),
  days: Number(values.days)
}
const bad = Object.entries(numbers).find(([, n]) => !Number.isFinite(n) || n < 0)
if (bad) {
  console.error(`--${bad[0]} is '${values[bad[0] as keyof typeof numbers]}'; expected a number.\n\n${USAGE}`)
  process.exit(2)
}
const now = Date.now()
const sim = await startSimulator({
  port: numbers.port,
  messages: generateMessages({
    seed: numbers.seed,
    count: numbers.count,
    start: now - numbers.days * DAY,
    end: now
  })
})
console.log(`ETD simulator on ${sim.url} with ${sim.messages.length} messages over ${numbers.days} days`)
console.log(`INPUT_ETD-BASE-URL=${sim.url}`)
console.log(`INPUT_ETD-API-KEY=${sim.apiKey}`)
console.log(`INPUT_ETD-CLIENT-ID=${sim.clientId}`)
console.log(`INPUT_ETD-CLIENT-SECRET=${sim.clientSecret}`)
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => void sim.close().then(() => process.exit(0)))
