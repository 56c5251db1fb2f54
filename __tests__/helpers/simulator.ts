import { EtdClient, type EtdClientOptions } from '../../src/etd/client.js'
import { unpacedLimiter } from '../../src/common/rate-limiter.js'
import { generateMessages } from '../../src/simulator/data.js'
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/server.js'

export const HOUR = 3_600_000
export const DAY = 24 * HOUR

/** A simulator over `count` seeded messages spread over the last `days` days. */
export function simulatorWith(
  count: number,
  options: Partial<SimulatorOptions> & { seed?: number; days?: number; now?: number } = {}
): Promise<Simulator> {
  const now = options.now ?? Date.now()
  const messages =
    options.messages ??
    generateMessages({ seed: options.seed ?? 7, count, start: now - (options.days ?? 1) * DAY, end: now - 10 * 60_000 })
  return startSimulator({ ...options, messages })
}

/** The inputs that point the action at `sim` with its credentials; a test spreads its own after them. */
export function etdInputs(
  sim: Pick<Simulator, 'url' | 'apiKey' | 'clientId' | 'clientSecret'>
): Record<string, string> {
  return {
    'etd-region': sim.url,
    'etd-api-key': sim.apiKey,
    'etd-client-id': sim.clientId,
    'etd-client-secret': sim.clientSecret
  }
}

/** A client of a hand-made ETD server at `url` (a loopback listener's, with its trailing slash), unpaced. */
export function clientOfServer(url: string, options: Partial<EtdClientOptions> = {}): EtdClient {
  return new EtdClient({
    baseUrl: url.slice(0, -1),
    apiKey: 'k',
    clientId: 'i',
    clientSecret: 's',
    limiter: unpacedLimiter(),
    ...options
  })
}
