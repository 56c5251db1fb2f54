import { parseArgs } from 'node:util'
import { generateMessages } from './data.js'
import { startSimulator } from './server.js'

// Serves a seeded ETD tenant on loopback until interrupted, for trying the action by hand.
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    seed: { type: 'string', default: '1' },
    count: { type: 'string', default: '500' },
    days: { type: 'string', default: '3' }
  }
})
const now = Date.now()
const days = Number(values.days)
const sim = await startSimulator({
  port: Number(values.port),
  messages: generateMessages({
    seed: Number(values.seed),
    count: Number(values.count),
    start: now - days * 86_400_000,
    end: now
  })
})
console.log(`ETD simulator on ${sim.url} with ${sim.messages.length} messages over ${days} days`)
console.log(`INPUT_ETD-BASE-URL=${sim.url}`)
console.log(`INPUT_ETD-API-KEY=${sim.apiKey}`)
console.log(`INPUT_ETD-CLIENT-ID=${sim.clientId}`)
console.log(`INPUT_ETD-CLIENT-SECRET=${sim.clientSecret}`)
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => void sim.close().then(() => process.exit(0)))
