import { EtdError, type EtdClient } from '../../etd/client.js'
import type { TenantAnswers } from './build.js'
import type { WeeklyReport } from './types.js'

/** A period's span as ETD takes it: its end is inclusive, so the last second of the period. */
const inclusive = (span: { start: number; end: number }) => ({ start: span.start, end: span.end - 1000 })

/**
 * The tenant's week from ETD's report endpoints, four requests: convictions by verdict over both weeks
 * (for the trend), retro verdicts, top targets and top threat senders of this week. A request ETD refuses
 * is named and the rest goes on; only a failure that is not ETD's answer (a bug) is thrown.
 */
export async function askTenant(
  client: EtdClient,
  periods: Pick<WeeklyReport, 'period' | 'previous'>
): Promise<TenantAnswers> {
  const answers: TenantAnswers = { failed: [] }
  const week = inclusive(periods.period)
  const ask = async <K extends keyof Omit<TenantAnswers, 'failed'>>(
    key: K,
    request: () => Promise<TenantAnswers[K]>
  ) => {
    try {
      answers[key] = await request()
    } catch (error) {
      if (!(error instanceof EtdError)) throw error
      answers.failed.push(`${key}: ${error.message}`)
    }
  }
  await ask('verdicts', () =>
    client.report({ ...inclusive({ start: periods.previous.start, end: periods.period.end }), aggregateBy: 'verdicts' })
  )
  await ask('retroVerdicts', () => client.report({ ...week, aggregateBy: 'retroVerdicts' }))
  await ask('targets', () => client.top({ ...week, reportType: 'targets' }))
  await ask('threatSenders', () => client.top({ ...week, reportType: 'threatSenders' }))
  return answers
}
