import { setFlagsFromString } from 'node:v8'
import { run } from './main.js'
import { respond } from './respond.js'

// The run waits on the network, not on the CPU: a heap grown only as far as it must keeps memory flat at any
// window size (118 MB at 100,000 matches instead of 195 MB; `npm run bench`) for a little more GC time.
// V8 reads this flag whenever it sizes the heap, so setting it after start takes effect.
setFlagsFromString('--optimize-for-size')

// The one place besides the config that touches the environment: everything below gets it passed in.
// A comment on an issue is a command for the respond flow; every other event runs the watch.
if (process.env.GITHUB_EVENT_NAME === 'issue_comment') await respond({ env: process.env })
else await run({ env: process.env })
