import { run } from '../../src/main.js'

// One watch run at the test's clock, as the bundle's entry point runs it.
const at = Number(process.env.ETD_TEST_NOW)
await run({ env: process.env, now: () => at })
