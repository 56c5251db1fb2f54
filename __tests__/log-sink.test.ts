import { describe, expect, it, jest } from '@jest/globals'
import { inert, log, octokitLog } from '../src/common/log.js'
import { forgedCommands, HOSTILE_COMMANDS, runnerLines } from './helpers/hostile.js'

/** What `work` wrote to stdout, as the runner would read it. */
function stdout(work: () => void): string {
  const chunks: string[] = []
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return true
  })
  try {
    work()
  } finally {
    spy.mockRestore()
  }
  return chunks.join('')
}

const CHANNELS = ['info', 'debug', 'warning', 'error'] as const

describe('the log sink', () => {
  it.each(CHANNELS)('%s: no hostile text starts a command, at a line start or inside a line', (channel) => {
    const out = stdout(() => {
      for (const text of HOSTILE_COMMANDS) {
        log[channel](text)
        log[channel](`The owner notice to ${text} was not delivered.`)
        log[channel](`Skipped: ${inert(text)}`)
      }
    })
    expect(forgedCommands(out)).toEqual([])
    const lines = runnerLines(out).filter((line) => line !== '')
    if (channel === 'info') {
      // Every line is shown, inert, and none is a command at all.
      expect(lines.some((line) => line.includes('error title=Forged::owned'))).toBe(true)
      expect(lines.filter((line) => line.trimStart().startsWith('::'))).toEqual([])
    } else {
      // One command per message: the toolkit escapes the line breaks in its data.
      expect(lines).toHaveLength(3 * HOSTILE_COMMANDS.length)
      for (const line of lines) expect(line.startsWith(`::${channel}::`)).toBe(true)
    }
  })

  it("the action's own multi-line messages keep their lines; only a line that would start a command changes", () => {
    const out = stdout(() => log.info('first line\n  second line\n::endgroup::'))
    expect(runnerLines(out)).toEqual(['first line', '  second line', ':\u200b:endgroup::', ''])
  })

  it('inert makes outside text one line that cannot start a command', () => {
    for (const text of HOSTILE_COMMANDS) {
      const line = inert(text)
      expect(runnerLines(line)).toHaveLength(1)
      expect(forgedCommands(line)).toEqual([])
    }
    expect(inert('a\r\nb\u0085c\u2029d')).toBe('a b c d')
  })

  it("Octokit's logger goes through the sink", () => {
    const out = stdout(() => {
      for (const text of HOSTILE_COMMANDS) {
        octokitLog.warn(`[@octokit/request] "GET /x" is deprecated. ${text}`)
        octokitLog.info(text)
      }
    })
    expect(forgedCommands(out)).toEqual([])
    expect(runnerLines(out).filter((line) => line.startsWith('::warning::'))).toHaveLength(HOSTILE_COMMANDS.length)
  })
})
