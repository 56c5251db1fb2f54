import * as core from '@actions/core'
import { readFile } from 'node:fs/promises'
import { log } from './common/log.js'
import type { Clock } from './common/rate-limiter.js'
import type { Config } from './config/config.js'
import { readConfig } from './config/read.js'
import { parseRespondConfig, type RespondConfig } from './config/respond.js'
import { etdClient } from './convictions.js'
import { totalRequests } from './etd/client.js'
import { issueOctokit } from './notify/issue/octokit.js'
import { OUTPUT, setOutput, writeSummary } from './outputs.js'
import { carryOut, planMoves } from './respond/act.js'
import { ignoredBecause, parseCommentEvent, type CommentEvent } from './respond/event.js'
import { describeCommand, parseCommand, type Command, type Parsed } from './respond/parse.js'
import { refusal } from './respond/permission.js'
import { issueRecord } from './respond/record.js'
import { applyTrail, planTrail } from './notify/issue/trail.js'
import { dryRunReply, outcomeLine, outcomeOf, refusalReply, resultReply, type Outcome } from './respond/reply.js'
import { selectMessages } from './respond/selection.js'
import { summaryOf } from './respond/summary.js'
import { IssueThread, replyMarker, type Reaction } from './respond/thread.js'
import { restoreState, stateStore } from './state/restore.js'
import { addRequests, usedToday } from './state/tally.js'

export interface RespondOptions {
  env: NodeJS.ProcessEnv
  now?: () => number
  etdClock?: Clock
}

/** How the run ended, for the outputs, the summary and the log. */
interface Ended {
  outcome: Outcome
  line: string
  command?: Command
  commenter: string
  requests?: number
  /** What makes the job fail after the reply: ETD stopped the command, or the issue could not be updated. */
  failure?: string
}

async function readEvent(env: NodeJS.ProcessEnv): Promise<CommentEvent> {
  const path = env.GITHUB_EVENT_PATH
  if (!path) throw new Error('GITHUB_EVENT_PATH is not set: commands from comments run only in GitHub Actions.')
  let json: unknown
  try {
    json = JSON.parse(await readFile(path, 'utf8'))
  } catch {
    throw new Error(`The event file GITHUB_EVENT_PATH names could not be read as JSON.`)
  }
  const event = parseCommentEvent(json)
  if (typeof event === 'string') throw new Error(event)
  return event
}

/**
 * A command from a comment on one of the watch's issues: read, allowed, limited to the issue's own
 * messages, carried out in ETD, confirmed, recorded on the issue, answered; the state's daily tally
 * gets its requests. Anything that is no command for it is left alone.
 */
async function handle(
  event: CommentEvent,
  parsed: Exclude<Parsed, { kind: 'none' }>,
  config: Config,
  settings: RespondConfig,
  options: RespondOptions
): Promise<Ended> {
  const now = options.now ?? Date.now
  const commenter = event.comment.login
  const ignored = ignoredBecause(event, settings.issue.author)
  if (ignored) return leftAlone(event, ignored)
  if (event.private !== true) {
    throw new Error(
      'Commands from comments run only in a private repository: anyone can comment in a public one. Remove the responding workflow from this repository.'
    )
  }
  const { issue: issueConfig } = settings
  const repository = { owner: issueConfig.owner, repo: issueConfig.repo }
  const octokit = issueOctokit(issueConfig, (reason) => log.info(reason))
  const thread = new IssueThread(octokit, repository, event.issue.number)
  const commentId = event.comment.id
  const marker = replyMarker(commentId)
  const command = parsed.kind === 'command' ? parsed.command : undefined
  const base = { command, commenter }
  if (await thread.answered(commentId, issueConfig.author)) {
    return {
      ...base,
      outcome: 'answered-before',
      line: `Comment ${commentId} was answered before: nothing done again.`
    }
  }
  await thread.react(commentId, 'eyes')
  const refuse = async (reason: string, reaction: Reaction): Promise<Ended> => {
    await thread.reply(refusalReply(marker, command, commenter, reason))
    await thread.react(commentId, reaction)
    return { ...base, outcome: 'refused', line: `Refused: ${reason}` }
  }
  if (parsed.kind === 'invalid') return refuse(parsed.reason, 'confused')
  const asked = parsed.command

  const needs = asked.verb === 'release' ? settings.releasePermission : settings.movePermission
  const denied = refusal(commenter, { has: await thread.permission(commenter), needs, logins: settings.logins })
  if (denied) return refuse(denied, '-1')

  const issue = await thread.issue()
  const record = issueRecord(issue.body)
  const selection = selectMessages(asked, record.recorded, record.inInbox, settings.max)
  if (selection.kind === 'refused') return refuse(selection.reason, 'confused')
  const planned = planMoves(asked, selection.messages)
  if (asked.dryRun || config.dryRun) {
    await thread.reply(dryRunReply(marker, asked, commenter, planned))
    await thread.react(commentId, '+1')
    return { ...base, outcome: 'dry-run', line: `Dry run: ${planned.length} would be moved; nothing was moved.` }
  }

  const store = await stateStore(config, now())
  const newest = async () => (await restoreState(store, undefined, now(), config.timeZone)).state
  const left = config.dailyRequestBudget - usedToday(await newest(), now())
  if (left <= 0) {
    return refuse(
      `The watch's daily-request-budget (${config.dailyRequestBudget}) is spent for today (UTC); try again tomorrow.`,
      '-1'
    )
  }
  const client = etdClient(config, options.etdClock, left)
  const carried = await carryOut(client, planned)
  const requests = totalRequests(client.requests)
  // Only what ETD confirmed is recorded on the issue; a move still queued is seen by a later watch run.
  const sightings = carried.results.flatMap((r) =>
    r.confirmed ? [{ id: r.id, folder: r.confirmed.folder, at: now(), by: `${commenter} with /etd ${asked.verb}` }] : []
  )
  const update = planTrail(issue, sightings, { timeZone: config.timeZone, runUrl: config.runUrl })
  let issueNote: string | undefined
  let issueFailure: string | undefined
  try {
    issueNote = update && (await applyTrail(octokit, repository, update))
  } catch (error) {
    issueFailure = `The issue could not be brought up to date: ${(error as Error).message}`
  }
  const saved = await addRequests(store, newest, requests, now())
  log.info(saved.note)
  await thread.reply(resultReply(marker, asked, commenter, carried, issueFailure ?? issueNote))
  const outcome = outcomeOf(carried)
  await thread.react(commentId, outcome === 'moved' ? '+1' : '-1')
  return { ...base, outcome, line: outcomeLine(carried), requests, failure: carried.stopped ?? issueFailure }
}

const leftAlone = (event: CommentEvent, why: string): Ended => ({
  outcome: 'ignored',
  commenter: event.comment.login,
  line: `Comment ${event.comment.id} left alone: ${why}.`
})

/** The respond flow: run on `issue_comment` by index.ts. */
export async function respond(options: RespondOptions): Promise<void> {
  try {
    const event = await readEvent(options.env)
    const parsed = parseCommand(event.comment.body)
    // Most comments are conversation: they end here, before any input is read.
    const ended =
      parsed.kind === 'none'
        ? leftAlone(event, 'it is no /etd command')
        : await (async () => {
            const config = await core.group('Inputs', async () => readConfig(options.env))
            const settings = parseRespondConfig((name) => core.getInput(name), options.env)
            const result = await core.group('Command', () => handle(event, parsed, config, settings, options))
            if (result.outcome !== 'ignored') await writeSummary(config.runner.summaryPath, summaryOf(result))
            return result
          })()
    setOutput(OUTPUT.respondCommand, ended.command ? describeCommand(ended.command) : '')
    setOutput(OUTPUT.respondCommenter, ended.commenter)
    setOutput(OUTPUT.respondOutcome, ended.outcome)
    setOutput(OUTPUT.etdRequests, ended.requests ?? 0)
    log.info(ended.line)
    if (ended.failure) throw new Error(ended.failure)
  } catch (error) {
    if (error instanceof Error && error.stack) log.debug(error.stack)
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
