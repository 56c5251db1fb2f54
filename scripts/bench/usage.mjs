// Preloaded into the benchmarked action (`node --import`): on exit, writes the process's own peak RSS and
// CPU time to the file named by ETD_BENCH_USAGE_FILE. Plain JavaScript: it runs before any loader.
import { writeFileSync } from 'node:fs'
import process from 'node:process'

const file = process.env.ETD_BENCH_USAGE_FILE
if (file) {
  process.on('exit', () => {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage()
    writeFileSync(file, JSON.stringify({ maxRSS, userCPUTime, systemCPUTime }))
  })
}
