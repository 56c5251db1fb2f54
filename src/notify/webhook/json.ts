import { clean } from '../../etd/clean.js'
import { jsonBytes, renderFitting, type Rendered, type Shown, type WebhookBatch } from './content.js'

/** A SOAR or ticketing system takes a large body, but not an unbounded one. */
export const MAX_JSON_PAYLOAD_BYTES = 1024 * 1024

const cleanCounts = (counts: Map<string, number>) => Object.fromEntries([...counts].map(([key, n]) => [clean(key), n]))

/**
 * The batch as plain data: those still in the inbox first (`actionNeeded`: how many, the ones that fit,
 * how many of them were left out), then counts of all of it, the other convictions that fit, and how
 * many convictions were left out in all. Values are the cleaned ones every channel shows; the report keeps
 * the raw.
 */
export function renderJson(batch: WebhookBatch): Rendered {
  const { totals } = batch
  return renderFitting(
    batch,
    (shown: Shown) => ({
      actionNeeded: { count: totals.actionNeeded, convictions: shown.inbox, omitted: shown.inboxOmitted },
      source: 'etd-verdict-watch',
      window: { start: new Date(batch.window.start).toISOString(), end: new Date(batch.window.end).toISOString() },
      totals: {
        total: totals.total,
        changes: totals.changes,
        actionNeeded: totals.actionNeeded,
        verdicts: cleanCounts(totals.verdicts),
        mailboxes: cleanCounts(totals.mailboxes)
      },
      convictions: shown.moved,
      omitted: shown.omitted,
      ...(batch.test ? { test: true } : {}),
      runUrl: batch.runUrl ?? null,
      reportPath: batch.reportPath
    }),
    jsonBytes,
    MAX_JSON_PAYLOAD_BYTES
  )
}
