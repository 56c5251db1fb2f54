import type { Clean } from '../../etd/clean.js'

/** One UTC day of the watched mailboxes' convictions. */
export interface DayCount {
  /** `YYYY-MM-DD`, UTC. */
  day: string
  /** Convictions first told that day, by effective verdict (`bec`, `phishing`, `scam`, `malicious`, …). */
  byVerdict: Record<string, number>
  total: number
}

/** A name and how often it came: a mailbox, a sender domain or a technique (ETD text, cleaned). */
export interface Ranked {
  name: Clean
  count: number
}

/** Two periods side by side: this one, and the one before it where known (`null` where the state has a gap). */
export interface Trend {
  current: number
  previous: number | null
}

/**
 * The week at a glance, as every channel renders it. Made by report/weekly from the state's daily aggregates
 * (the watched mailboxes) and ETD's report endpoints (the tenant); renderers are pure functions of it.
 */
export interface WeeklyReport {
  /** The 7 days reported, epoch ms, `end` exclusive; `previous` is the 7 days before. */
  period: { start: number; end: number }
  previous: { start: number; end: number }
  timeZone: string
  watched: {
    mailboxes: number
    /** One entry per day of the period, oldest first; a day the state has no record of is in `gaps`. */
    days: DayCount[]
    total: Trend
    byVerdict: Record<string, Trend>
    topTechniques: Ranked[]
    topMailboxes: Ranked[]
    topSenderDomains: Ranked[]
    /** Convictions still in an inbox when told. */
    inInboxWhenTold: number
    /** Of those, how many the watch later saw leave the inbox, and the median minutes until they did. */
    leftInbox: number
    medianMinutesToLeave: number | null
    /** In the inbox when told, and not followed further (older than the rescan range when last seen). */
    notFollowed: number
    /** Verdicts ETD gave or changed after the message was first seen (retro verdicts). */
    retroVerdicts: number
    /** Convictions an administrator later released (verdict neutral, back to the inbox). */
    releases: number
    /** Days of the period (and of the previous one) the state holds nothing for: said, never filled with zeros. */
    gaps: string[]
    /**
     * Days of both periods whose record a run without earlier state began (a first run, a lost cache): what
     * came before that run on the day is not counted. Absent when none.
     */
    partialDays?: string[]
  }
  /** From ETD's report endpoints, for the whole tenant; what ETD did not answer is named in `missing`. */
  tenant: {
    days: DayCount[]
    total: Trend
    retroVerdicts: number | null
    topTargets: Ranked[]
    topThreatSenders: Ranked[]
    missing: string[]
  }
  /** The watch's own health over the period. */
  health: {
    runs: number
    failures: number
    etdRequests: number
    /** `daily-request-budget` × days. */
    etdBudget: number
    deepScans: number
  }
}
