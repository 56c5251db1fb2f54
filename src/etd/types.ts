/** ETD's wire format, as loose as the API is: every field may be missing or of another type. */
export interface RawTechnique {
  type?: unknown
  severity?: unknown
  description?: unknown
}

export interface RawVerdict {
  category?: unknown
  originalVerdict?: unknown
  latestVerdict?: unknown
  isRetroVerdict?: unknown
  isManualVerdict?: unknown
  timestamp?: unknown
  techniques?: unknown
}

export interface RawMessage {
  id?: unknown
  internetMessageId?: unknown
  timestamp?: unknown
  subject?: unknown
  direction?: unknown
  fromAddress?: unknown
  senderName?: unknown
  toAddresses?: unknown
  mailboxes?: unknown
  verdict?: RawVerdict | unknown
  action?: unknown
  [field: string]: unknown
}

export interface SearchResponse {
  totalSize?: number
  nextPageToken?: string
  data?: { messages?: RawMessage[] }
}

/** A message as the rest of the action sees it: validated, normalised, verdict resolved. */
export interface Technique {
  type: string
  severity?: string
  description?: string
}

export interface Remediation {
  type?: string
  folder?: string
  automatic?: boolean
  at?: string
  /** This run moved it (auto-remediate); ETD has queued the move. */
  byWatch?: boolean
}

export interface EtdMessage {
  id: string
  internetMessageId?: string
  /** When the message arrived, ISO-8601 UTC with millisecond precision. */
  receivedAt: string
  subject: string
  direction?: string
  fromAddress: string
  senderName: string
  toAddresses: string[]
  /** The monitored mailboxes the message sits in, lower-cased. */
  mailboxes: string[]
  /** `latestVerdict || category || originalVerdict`, lower-cased. */
  verdict: string
  originalVerdict?: string
  verdictAt?: string
  retro: boolean
  manual: boolean
  techniques: Technique[]
  remediation?: Remediation
}

/** A conviction to tell people about; `previousVerdict` marks a verdict change of one told before. */
export interface Conviction extends EtdMessage {
  previousVerdict?: string
}
