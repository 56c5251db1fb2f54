import { writeAtomically } from '../common/files.js'
import type { EtdMessage } from '../etd/types.js'
import type { Decision, Disposition } from '../state/dedupe.js'

export interface ReportedMessage extends EtdMessage {
  /** Whether this run told about it, and if not, why. */
  notice: Disposition
  previousVerdict?: string
}

export interface Report {
  generatedAt: string
  window: { start: string; end: string }
  matchedCount: number
  /** New convictions and verdict changes told by this run. */
  newCount: number
  messages: ReportedMessage[]
}

export function buildReport(
  now: number,
  window: { start: number; end: number },
  matched: EtdMessage[],
  decision: Decision
): Report {
  const previous = new Map(decision.notices.map((c) => [c.id, c.previousVerdict]))
  return {
    generatedAt: new Date(now).toISOString(),
    window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() },
    matchedCount: matched.length,
    newCount: decision.notices.length,
    messages: matched.map((m) => ({
      ...m,
      notice: decision.dispositions.get(m.id) ?? 'new',
      previousVerdict: previous.get(m.id)
    }))
  }
}

export async function writeReport(path: string, report: Report): Promise<void> {
  await writeAtomically(path, `${JSON.stringify(report, null, 2)}\n`)
}
