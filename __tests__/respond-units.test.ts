import { describe, expect, it } from '@jest/globals'
import { parseRespondConfig } from '../src/config/respond.js'
import { clean } from '../src/etd/clean.js'
import type { MessageResult } from '../src/respond/act.js'
import { planMoves } from '../src/respond/act.js'
import { ignoredBecause, parseCommentEvent, type CommentEvent } from '../src/respond/event.js'
import { describeCommand, parseCommand, type Command } from '../src/respond/parse.js'
import { refusal } from '../src/respond/permission.js'
import { outcomeOf, refusalReply, resultReply } from '../src/respond/reply.js'
import { selectMessages } from '../src/respond/selection.js'
import { inputParser } from './helpers/inputs.js'

const command = (body: string): Command => {
  const parsed = parseCommand(body)
  if (parsed.kind !== 'command') throw new Error(`not a command: ${JSON.stringify(parsed)}`)
  return parsed.command
}
const reason = (body: string): string => {
  const parsed = parseCommand(body)
  if (parsed.kind !== 'invalid') throw new Error(`not refused: ${body}`)
  return parsed.reason
}

describe('parseCommand: the first line of a comment', () => {
  it('reads the verb, ids, rows and --dry-run, whatever the case and separators', () => {
    expect(command('/etd quarantine')).toEqual({ verb: 'quarantine', targets: [], dryRun: false })
    expect(command('  /ETD Trash 3, 710ccc7c-fd18 --Dry-Run\r\nwhy: see above')).toEqual({
      verb: 'trash',
      targets: [{ row: 3 }, { id: '710ccc7c-fd18' }],
      dryRun: true
    })
    expect(command('\uFEFF/etd release a.b:c_d')).toEqual({
      verb: 'release',
      targets: [{ id: 'a.b:c_d' }],
      dryRun: false
    })
    expect(describeCommand(command('/etd junk 2,x --dry-run'))).toBe('/etd junk 2 x --dry-run')
  })

  it('is no command unless /etd starts the first line', () => {
    for (const body of ['', 'Thanks!\n/etd quarantine', '/etdquarantine', 'please /etd quarantine', '> /etd trash'])
      expect(parseCommand(body)).toEqual({ kind: 'none' })
  })

  it('refuses what cannot run, in its own words without quoting the comment', () => {
    expect(reason('/etd')).toMatch(/^No command given: use \/etd quarantine/)
    expect(reason('/etd delete everything')).toMatch(/^Unknown command: /)
    expect(reason('/etd quarantine --force')).toBe('Unknown option: only --dry-run is known.')
    expect(reason('/etd trash <img src=x>')).toMatch(/^Not an ETD id or a row number: /)
    expect(reason('/etd trash @ceo')).not.toContain('@ceo')
    expect(reason('/etd release')).toMatch(/^Release needs the ids/)
    expect(reason('/etd release --dry-run')).toMatch(/^Release needs the ids/)
    expect(reason(`/etd trash ${'a '.repeat(6000)}`)).toBe('The command line is too long.')
  })
})

const RECORDED = [
  { id: 'one', verdict: 'bec' },
  { id: 'two', verdict: 'phishing' },
  { id: 'three', verdict: 'bec' },
  { id: 'two', verdict: 'phishing' }
]
const INBOX = new Set(['one', 'three'])

describe('selectMessages: only what the issue records', () => {
  it('takes those still in the inbox for a bare command, with their rows', () => {
    expect(selectMessages(command('/etd trash'), RECORDED, INBOX, 10)).toEqual({
      kind: 'selected',
      messages: [
        { id: 'one', verdict: 'bec', row: 1 },
        { id: 'three', verdict: 'bec', row: 3 }
      ]
    })
  })

  it('takes rows and ids named, once each, in the order named', () => {
    const selected = selectMessages(command('/etd junk 2 one 1 two'), RECORDED, INBOX, 10)
    expect(selected).toEqual({
      kind: 'selected',
      messages: [
        { id: 'two', verdict: 'phishing', row: 2 },
        { id: 'one', verdict: 'bec', row: 1 }
      ]
    })
  })

  it('refuses the whole command for a foreign id or a row out of range, naming them', () => {
    expect(selectMessages(command('/etd trash one other 9'), RECORDED, INBOX, 10)).toEqual({
      kind: 'refused',
      reason: 'Not recorded in this issue: other. No such row: 9 (this issue has rows 1 to 3). Nothing was moved.'
    })
    const many = Array.from({ length: 12 }, (_, i) => `x${i}`).join(' ')
    expect(selectMessages(command(`/etd trash ${many}`), RECORDED, INBOX, 100)).toMatchObject({
      reason: expect.stringContaining('x9 and 2 more.')
    })
  })

  it('refuses nothing to move, more than respond-max, and an issue without a marker', () => {
    expect(selectMessages(command('/etd trash'), RECORDED, new Set(), 10)).toMatchObject({
      kind: 'refused',
      reason: expect.stringMatching(/^Nothing to move: /)
    })
    expect(selectMessages(command('/etd trash 1 2 3'), RECORDED, INBOX, 2)).toEqual({
      kind: 'refused',
      reason: '3 messages, more than respond-max (2) allows in one command: name fewer by id or row.'
    })
    expect(selectMessages(command('/etd trash 1 2'), RECORDED, INBOX, 2).kind).toBe('selected')
    expect(selectMessages(command('/etd trash'), [], INBOX, 2).kind).toBe('refused')
  })
})

describe('refusal: the commenter’s permission', () => {
  const logins = ['alice']
  it('allows at or above the level needed, or a listed login whatever its permission', () => {
    expect(refusal('bob', { has: 'write', needs: 'write', logins })).toBeUndefined()
    expect(refusal('bob', { has: 'admin', needs: 'maintain', logins })).toBeUndefined()
    expect(refusal('Alice', { has: 'none', needs: 'admin', logins })).toBeUndefined()
  })

  it('refuses below it, and counts an unknown permission as none', () => {
    expect(refusal('bob', { has: 'triage', needs: 'write', logins })).toBe(
      'This command needs write permission on the repository; the commenter has triage permission.'
    )
    expect(refusal('bob', { has: 'maintain', needs: 'admin', logins })).toMatch(/has maintain permission/)
    expect(refusal('bob', { has: 'superuser', needs: 'read', logins })).toMatch(/has an unknown permission\.$/)
  })
})

describe('the issue_comment event', () => {
  const raw = {
    action: 'created',
    comment: { id: 7, body: '/etd trash', user: { login: 'bob', type: 'User' } },
    issue: { number: 3, user: { login: 'github-actions[bot]' }, locked: false },
    repository: { private: true }
  }
  const event = parseCommentEvent(raw) as CommentEvent

  it('is read strictly: who wrote the comment, not who sent the event', () => {
    expect(parseCommentEvent({ ...raw, sender: { login: 'mallory' } })).toEqual({
      action: 'created',
      comment: { id: 7, body: '/etd trash', login: 'bob', bot: false },
      issue: { number: 3, author: 'github-actions[bot]', locked: false, pullRequest: false },
      private: true
    })
    expect(parseCommentEvent({ ...raw, repository: {} })).not.toHaveProperty('private')
    expect(parseCommentEvent({ action: 'created' })).toMatch(/no issue_comment event/)
    expect(parseCommentEvent({ ...raw, comment: { ...raw.comment, id: '7' } })).toMatch(/lacks the comment's id/)
    expect(parseCommentEvent({ ...raw, comment: { id: 7 } })).toMatch(/lacks the comment's id or author/)
    expect(parseCommentEvent({ ...raw, issue: { number: 3 } })).toMatch(/or the issue's number or author\.$/)
    // What the flow can do without is read as absent: no action is no `created`, no body is no command.
    const bare = parseCommentEvent({
      comment: { id: 7, user: { login: 'bob' } },
      issue: { number: 3, user: { login: 'a' } },
      repository: []
    }) as CommentEvent
    expect(bare).toEqual({
      action: '',
      comment: { id: 7, body: '', login: 'bob', bot: false },
      issue: { number: 3, author: 'a', locked: false, pullRequest: false }
    })
    expect(ignoredBecause(bare, 'a')).toBe('the comment was changed, not created')
  })

  it('ignores edits, bots (by type or by name), pull requests, locked issues and others’ issues', () => {
    const author = 'github-actions[bot]'
    expect(ignoredBecause(event, author)).toBeUndefined()
    expect(ignoredBecause(event, 'GitHub-Actions[bot]')).toBeUndefined()
    expect(ignoredBecause({ ...event, action: 'edited' }, author)).toBe('the comment was edited, not created')
    const bot = parseCommentEvent({ ...raw, comment: { ...raw.comment, user: { login: 'x[bot]' } } }) as CommentEvent
    expect(ignoredBecause(bot, author)).toBe("it is a bot's comment")
    expect(ignoredBecause({ ...event, issue: { ...event.issue, pullRequest: true } }, author)).toBe(
      'it is on a pull request'
    )
    expect(ignoredBecause({ ...event, issue: { ...event.issue, locked: true } }, author)).toBe('the issue is locked')
    expect(ignoredBecause(event, 'my-app[bot]')).toMatch(/^issue #3 is not one of the watch's/)
  })
})

describe('parseRespondConfig', () => {
  const { parsed, errorOf } = inputParser((input) => parseRespondConfig(input, { GITHUB_REPOSITORY: 'acme/w' }), {
    'github-token': 't'
  })

  it('defaults to write for moving out, admin for release, 25 messages, no logins', () => {
    expect(parsed({})).toMatchObject({ movePermission: 'write', releasePermission: 'admin', logins: [], max: 25 })
    expect(parsed({ 'respond-logins': '@Alice, bob\nalice' }).logins).toEqual(['alice', 'bob'])
  })

  it('names each bad input, all at once', () => {
    expect(errorOf({ 'respond-permission': 'none' })).toBe(
      "Input 'respond-permission' is 'none'; expected one of read, triage, write, maintain, admin."
    )
    const all = errorOf({ 'release-permission': 'root', 'respond-logins': 'org/team', 'respond-max': '0' })
    expect(all.split('\n')).toEqual([
      '3 problems with the inputs:',
      "Input 'release-permission' is 'root'; expected one of read, triage, write, maintain, admin.",
      "Input 'respond-logins' has 'org/team'; expected GitHub logins of people such as octocat (no bots, no teams).",
      "Input 'respond-max' is '0'; expected a whole number from 1 to 500."
    ])
  })
})

describe('the reply', () => {
  const asked = command('/etd quarantine')
  const base = planMoves(asked, [
    { id: 'one', verdict: 'bec', row: 1 },
    { id: 'two', verdict: 'bec', row: 2 }
  ])

  it('escapes ETD’s reasons and folders, and the commenter, like ETD text', () => {
    const hostile = clean('gone\n@ceo [x](https://evil.example) <b>')
    const results: MessageResult[] = [
      { ...base[0], answer: { id: clean('one'), queueSuccess: false, reason: hostile } },
      {
        ...base[1],
        answer: { id: clean('two'), queueSuccess: true },
        confirmed: {
          folder: clean('<i>quarantine</i>'),
          initiator: clean('@api'),
          status: clean('ok'),
          byThisClient: false
        }
      }
    ]
    const reply = resultReply('<!-- m -->', asked, 'bob', { results })
    expect(reply).toContain('not queued: gone @\u200bceo \\[x\\]\\(hxxps\\://evil\\[\\.\\]example\\) \\<b\\> |')
    expect(reply).not.toMatch(/\]\(|<b>|<i>|https:/)
    expect(reply).toContain('| \\<i\\>quarantine\\</i\\> | @\u200bapi |')
    expect(outcomeOf({ results })).toBe('partial')
    // An id ETD's answer left out, and a status without an initiator, are said as such.
    const sparse = resultReply('<!-- m -->', asked, 'bob', {
      results: [
        { ...base[0] },
        {
          ...base[1],
          answer: { id: clean('two'), queueSuccess: true },
          confirmed: { ...results[1].confirmed!, initiator: clean('') }
        }
      ]
    })
    expect(sparse).toContain('| `one` | to quarantine, verdict bec kept | no answer for this id | – | – |')
    expect(sparse).toContain('| queued | \\<i\\>quarantine\\</i\\> | unknown |')
    expect(outcomeOf({ results: [{ ...base[0] }] })).toBe('failed')
    expect(refusalReply('<!-- m -->', undefined, 'bob', 'No command given.')).toBe(
      '<!-- m -->\nThis /etd command from `bob` was not run: No command given\\.\n'
    )
  })

  it('keeps the verdict for a move out and sends neutral for a release', () => {
    expect(base.map((r) => [r.folder, r.verdictSent])).toEqual([
      ['quarantine', 'bec'],
      ['quarantine', 'bec']
    ])
    expect(planMoves(command('/etd release 1'), [{ id: 'one', verdict: 'bec', row: 1 }])).toEqual([
      { id: 'one', verdict: 'bec', row: 1, folder: 'inbox', verdictSent: 'neutral' }
    ])
  })
})
