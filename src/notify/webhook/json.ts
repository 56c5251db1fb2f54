import { clean } from '../../etd/clean.js'
import type { Row } from '../rows.js'
import { jsonBytes, renderFitting, type Rendered, type WebhookBatch } from './content.js'

/** A SOAR or ticketing system takes a large body, but not an unbounded one. */
export const MAX_JSON_PAYLOAD_BYTES = 1024 * 1024

const cleanCounts = (counts: Map<string, number>) => Object.fromEntries([...counts].map(([key, n]) => [clean(key), n]))

/**
 * The batch as plain data: counts of all of it, the convictions that fit (those still in the inbox first),
 * and how many were left out. Values are the cleaned ones every channel shows; the report keeps the raw.
 */
export function renderJson(batch: WebhookBatch): Rendered {
  const { totals } = batch
  return renderFitting(
    batch,
    (rows: Row[], omitted: number) => ({
      source: 'etd-verdict-watch',
      window: { start: new Date(batch.window.start).toISOString(), end: new Date(batch.window.end).toISOString() },
      totals: {
        total: totals.total,
        changes: totals.changes,
        actionNeeded: totals.actionNeeded,
        verdicts: cleanCounts(totals.verdicts),
        mailboxes: cleanCounts(totals.mailboxes)
      },
      convictions: rows,
      omitted,
      ...(batch.test ? { test: true } : {}),
      runUrl: batch.runUrl ?? null,
      reportPath: batch.reportPath
    }),
    jsonBytes,
    MAX_JSON_PAYLOAD_BYTES
  )
}
