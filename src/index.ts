import { run } from './main.js'

// The one place besides the config that touches the environment: everything below gets it passed in.
await run({ env: process.env })
