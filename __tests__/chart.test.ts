import { describe, expect, it } from '@jest/globals'
import { batchCharts, MAX_CHART_SLICES } from '../src/notify/text/chart.js'
import { emptyTotals } from '../src/notify/text/rows.js'

describe('batchCharts', () => {
  it('draws a pie by verdict and one by mailbox, most first, the tail summed as others', () => {
    const totals = {
      ...emptyTotals(),
      total: 40,
      verdicts: new Map([
        ['phishing', 10],
        ['BEC', 30]
      ]),
      mailboxes: new Map(
        Array.from({ length: 12 }, (_, i) => [`user${String(i).padStart(2, '0')}@example.com`, 12 - i])
      )
    }
    const charts = batchCharts(totals)
    expect(charts.split('\n').slice(0, 5)).toEqual([
      '```mermaid',
      'pie showData title Convictions by verdict',
      '    "BEC" : 30',
      '    "phishing" : 10',
      '```'
    ])
    const mailboxPie = charts.split('\n\n')[1].split('\n')
    expect(mailboxPie[1]).toBe('pie showData title Convictions by mailbox')
    expect(mailboxPie[2]).toBe('    "user00@example[.]com" : 12')
    expect(mailboxPie).toHaveLength(2 + MAX_CHART_SLICES + 1 + 1)
    expect(mailboxPie.at(-2)).toBe('    "others" : 3')
  })

  it('keeps attacker text from closing a label or the block', () => {
    const hostile = 'x" : 1\n```\n<img src=x>#quot;; click "here'
    const charts = batchCharts({
      ...emptyTotals(),
      total: 1,
      verdicts: new Map([['bec', 1]]),
      mailboxes: new Map([[hostile, 1]])
    })
    const lines = charts.split('\n')
    expect(lines.filter((line) => line === '```')).toHaveLength(2)
    const slices = lines.filter((l) => l.startsWith('    '))
    // One slice in each pie: the verdict and the hostile mailbox, neither dropped.
    expect(slices).toHaveLength(2)
    for (const line of slices) expect(line).toMatch(/^ {4}"[^"#;<>`]*" : \d+$/)
  })

  it('draws nothing for an empty batch', () => {
    expect(batchCharts(emptyTotals())).toBe('')
  })
})
