import { describe, expect, it } from '@jest/globals'
import { marked } from 'marked'
import { buildIssue } from '../src/notify/issue/body.js'
import { formatMarker, readMarker } from '../src/notify/issue/marker.js'
import { getOctokit } from '@actions/github'
import { applyTrail, planTrail, recordedInInbox, type TrailIssue, type TrailUpdate } from '../src/notify/issue/trail.js'
import { startGitHubApi } from '../src/simulator/github-api.js'
import { closedAfter } from './helpers/servers.js'
import { batchFor, conviction, T } from './helpers/fixtures.js'

const HOUR = 3_600_000
const INBOX = { remediation: undefined }
const rule = { mailboxes: [], verdicts: ['bec', 'phishing'], techniques: [] }
const ID = { a: 'aaaa-0001', b: 'bbbb-0002', c: 'cccc-0003' }

/** An issue as the watch opens it: a and b still in the inbox, c quarantined by ETD. */
function opened(inInbox = [ID.a, ID.b]): TrailIssue {
  const convictions = [ID.a, ID.b, ID.c].map((id) =>
    conviction(id, { subject: `About ${id}`, ...(inInbox.includes(id) ? INBOX : {}) })
  )
  const { body } = buildIssue({ ...batchFor(convictions, rule, { window: { start: T - HOUR, end: T } }), notes: [] })
  return {
    number: 7,
    body,
    labels: inInbox.length > 0 ? ['etd-verdict-watch', 'action-needed'] : ['etd-verdict-watch'],
    open: true
  }
}

/** The issue after `update`, as GitHub would list it next. */
const after = (issue: TrailIssue, update: TrailUpdate): TrailIssue => ({
  ...issue,
  body: update.body,
  labels: [...issue.labels.filter((l) => !update.removeLabels.includes(l)), ...update.addLabels],
  open: !update.close
})

const rowOf = (body: string, id: string) => body.split('\n').find((line) => line.endsWith(`| \`${id}\` |`))
const UTC = { timeZone: 'UTC' }

describe('planTrail', () => {
  it('records a message that left the inbox: its row, the count, the marker, one comment', () => {
    const issue = opened()
    const before = rowOf(issue.body, ID.a)!
    expect(before).toMatch(/ \| no action taken \| `aaaa-0001` \|$/)
    const update = planTrail(issue, [{ id: ID.a, folder: 'quarantine', at: T + HOUR, by: 'an administrator' }], {
      ...UTC,
      runUrl: 'https://github.example/acme/etd-watch/actions/runs/9'
    })!
    expect(update.changes).toEqual([
      { id: ID.a, kind: 'left', folder: 'quarantine', at: T + HOUR, by: 'an administrator' }
    ])
    expect(update.inInbox).toBe(1)
    expect(update.close).toBe(false)
    expect(update.addLabels).toEqual([])
    expect(update.removeLabels).toEqual([])
    // Only the Remediation cell of that row changes; b's row is as it was.
    expect(rowOf(update.body, ID.a)).toBe(
      before.replace('| no action taken |', '| **now in quarantine** (2026-11-27 11:00 UTC, by an administrator) |')
    )
    expect(rowOf(update.body, ID.b)).toBe(rowOf(issue.body, ID.b))
    expect(update.body).toContain('\n## Still in the inbox: 1 — act on these\n')
    expect(update.body).not.toContain('## Still in the inbox: 2')
    expect([...readMarker(update.body).places]).toEqual([[ID.a, 'quarantine']])
    expect(readMarker(update.body).convictions).toEqual(readMarker(issue.body).convictions)
    expect(update.comment).toBe(
      [
        '**1 change seen by the watch**',
        '',
        '- `aaaa-0001` left the inbox: now in quarantine (2026-11-27 11:00 UTC, by an administrator).',
        '',
        'Still in the inbox: 1.',
        '',
        'Workflow run: https://github.example/acme/etd-watch/actions/runs/9'
      ].join('\n')
    )
    expect(update.description).toBe('Issue #7: 1 left the inbox; 1 still in the inbox.')
  })

  it('tells a change once: the same sighting against the updated body changes nothing', () => {
    const issue = opened()
    const sighting = { id: ID.a, folder: 'quarantine', at: T + HOUR }
    const first = planTrail(issue, [sighting], UTC)!
    expect(planTrail(after(issue, first), [sighting], UTC)).toBeUndefined()
    // Nor does a move from one folder out of the inbox to another.
    expect(planTrail(after(issue, first), [{ ...sighting, folder: 'trash' }], UTC)).toBeUndefined()
  })

  it('closes the issue, takes action-needed off and says so when the last one leaves', () => {
    let issue = opened()
    issue = after(issue, planTrail(issue, [{ id: ID.a, folder: 'quarantine', at: T + HOUR }], UTC)!)
    const last = planTrail(issue, [{ id: ID.b, folder: 'trash', at: T + 2 * HOUR, by: 'the watch' }], UTC)!
    expect(last.close).toBe(true)
    expect(last.inInbox).toBe(0)
    expect(last.removeLabels).toEqual(['action-needed'])
    expect(last.comment).toContain(
      '- `bbbb-0002` left the inbox: now in deleted items (2026-11-27 12:00 UTC, by the watch).\n\nEvery message of this issue is out of the inbox, so the watch closes it.'
    )
    expect(last.body).toContain(
      '\n## Still in the inbox: none\n\n> [!NOTE]\n> Every message of this issue has left the inbox'
    )
    expect(last.description).toBe('Issue #7: 1 left the inbox; closed.')
    // Both rows keep their place in the table: nothing is removed or renumbered.
    const table = last.body.split('\n').filter((line) => line.startsWith('| '))
    expect(table.findIndex((l) => l.endsWith('`aaaa-0001` |'))).toBe(
      issue.body
        .split('\n')
        .filter((line) => line.startsWith('| '))
        .findIndex((l) => l.endsWith('`aaaa-0001` |'))
    )
    expect(planTrail({ ...after(issue, last) }, [{ id: ID.a, folder: 'inbox', at: T + 3 * HOUR }], UTC)).toBeUndefined()
  })

  it('records one that came back, and labels the issue again', () => {
    let issue = opened([ID.a])
    issue = after(issue, planTrail(issue, [{ id: ID.a, folder: 'junk', at: T + HOUR }], UTC)!)
    expect(issue.labels).toEqual(['etd-verdict-watch'])
    // Closed by the first update: reopen it as a person would, to see the return recorded.
    const back = planTrail({ ...issue, open: true }, [{ id: ID.a, folder: 'INBOX', at: T + 2 * HOUR }], UTC)!
    expect(back.changes.map((c) => c.kind)).toEqual(['back'])
    expect(back.addLabels).toEqual(['action-needed'])
    expect(back.close).toBe(false)
    expect(rowOf(back.body, ID.a)).toContain('| **back in the inbox** (2026-11-27 12:00 UTC) |')
    expect(back.comment).toContain('- `aaaa-0001` is back in the inbox (2026-11-27 12:00 UTC).')
    expect(readMarker(back.body).places.get(ID.a)).toBe('inbox')
  })

  it('lists one that came back without a row in the section under it, and makes the section when there was none', () => {
    const issue = opened([])
    expect(issue.body).not.toContain('Still in the inbox')
    const update = planTrail(issue, [{ id: ID.c, folder: 'inbox', at: T + HOUR }], UTC)!
    expect(update.inInbox).toBe(1)
    expect(update.body).toContain(
      '\n## Still in the inbox: 1 — act on these\n\n> [!WARNING]\n> 1 message of this issue is still in the inbox: someone must act on it.'
    )
    expect(update.body).toContain(
      '\n\nAlso back in the inbox (listed below under their mailbox): `cccc-0003`\n\nCisco Secure'
    )
    const html = marked.parse(update.body, { async: false })
    // The section renders under the headline, before the intro, as a heading of its own.
    expect(html.indexOf('<h2>Still in the inbox: 1')).toBeGreaterThan(html.indexOf('<h2>3 new convictions'))
    expect(html.indexOf('<h2>Still in the inbox: 1')).toBeLessThan(html.indexOf('Cisco Secure'))
    // When it leaves again, the line goes and the section stays.
    const again = planTrail(after(issue, update), [{ id: ID.c, folder: 'trash', at: T + 2 * HOUR }], UTC)!
    expect(again.body).not.toContain('Also back in the inbox')
    expect(again.body.match(/## Still in the inbox/g)).toHaveLength(1)
    expect(again.close).toBe(true)
  })

  it('keeps the table a table: each row keeps its cells, and the moved cell renders bold', () => {
    const issue = opened()
    const update = planTrail(issue, [{ id: ID.a, folder: 'quarantine', at: T + HOUR }], UTC)!
    const cells = (body: string) =>
      marked
        .parse(body, { async: false })
        .split('<tr>')
        .slice(1)
        .map((row) => row.split('<td>').length)
    expect(cells(update.body)).toEqual(cells(issue.body))
    expect(marked.parse(update.body, { async: false })).toContain(
      '<td><strong>now in quarantine</strong> (2026-11-27 11:00 UTC)</td>'
    )
  })

  it('escapes ETD text in the row and the comment, and keeps the marker to plain folder words', () => {
    const issue = opened()
    const update = planTrail(
      issue,
      [{ id: ID.a, folder: '[x](https://evil.example) @ceo', at: T + HOUR, by: '<img src=x> #12' }],
      UTC
    )!
    const hostile = '\\[x\\]\\(hxxps\\://evil\\[\\.\\]example\\) @\u200bceo'
    expect(update.comment).toContain(`now in ${hostile} (2026-11-27 11:00 UTC, by \\<img src=x\\> \\#\u200b12).`)
    expect(rowOf(update.body, ID.a)).toContain(`| **now in ${hostile}** (`)
    expect(readMarker(update.body).places.get(ID.a)).toBe('other')
  })

  it('finds cells past escaped pipes and backslashes, and reads a long hostile line in one pass', () => {
    const issue = opened()
    const row = rowOf(issue.body, ID.a)!
    // A subject of pipes and backslashes, as inertMarkdown escapes it, in place of the plain one.
    const hostile = row.replace('About aaaa\\-0001', 'a \\| b \\\\| c')
    expect(hostile).not.toBe(row)
    const long = `| ${'x \\| '.repeat(20_000)}`
    const body = issue.body.replace(row, `${hostile}\n${long}`)
    const started = Date.now()
    const update = planTrail({ ...issue, body }, [{ id: ID.a, folder: 'trash', at: T }], UTC)!
    expect(Date.now() - started).toBeLessThan(1000)
    expect(rowOf(update.body, ID.a)).toBe(
      hostile.replace('| no action taken |', '| **now in deleted items** (2026-11-27 10:00 UTC) |')
    )
    expect(update.body).toContain(`\n${long}\n`)
    // A folder with a pipe in its name leaves an escaped pipe in the cell the next change replaces.
    const piped = planTrail(issue, [{ id: ID.a, folder: 'x|y', at: T }], UTC)!
    expect(rowOf(piped.body, ID.a)).toContain('| **now in x\\|y** (2026-11-27 10:00 UTC) |')
    const back = planTrail(after(issue, piped), [{ id: ID.a, folder: 'inbox', at: T + HOUR }], UTC)!
    expect(rowOf(back.body, ID.a)).toBe(
      row.replace('| no action taken |', '| **back in the inbox** (2026-11-27 11:00 UTC) |')
    )
  })

  it('ignores ids the marker does not record, closed issues, and issues without a marker', () => {
    const issue = opened()
    const stranger = [{ id: 'dddd-0004', folder: 'quarantine', at: T }]
    expect(planTrail(issue, stranger, UTC)).toBeUndefined()
    expect(planTrail({ ...issue, open: false }, [{ id: ID.a, folder: 'trash', at: T }], UTC)).toBeUndefined()
    expect(planTrail({ ...issue, body: 'no marker' }, [{ id: ID.a, folder: 'trash', at: T }], UTC)).toBeUndefined()
    // c was out of the inbox when the issue was written: seen out again, nothing changed.
    expect(planTrail(issue, [{ id: ID.c, folder: 'quarantine', at: T }], UTC)).toBeUndefined()
  })

  it('says once that a message is no longer followed, keeps the issue open and labelled', () => {
    let issue = opened()
    const lost = planTrail(issue, [{ id: ID.a, folder: 'trash', at: T + HOUR }], { ...UTC, unfollowed: [ID.b, ID.c] })!
    // c was never in the inbox: only b needed following.
    expect(lost.changes.map((c) => [c.id, c.kind])).toEqual([
      [ID.a, 'left'],
      [ID.b, 'unfollowed']
    ])
    expect(lost.close).toBe(false)
    expect(lost.removeLabels).toEqual([])
    expect(lost.unfollowed).toBe(1)
    expect(rowOf(lost.body, ID.b)).toContain('| **no longer followed by the watch** |')
    expect(lost.body).toContain('## Still in the inbox: none known (1 no longer followed)')
    expect(lost.comment).toContain("- `bbbb-0002` is no longer followed: it is older than the watch's rescan range")
    expect(lost.comment).toContain('look each up in ETD, then close this issue.')
    expect(readMarker(lost.body).places.get(ID.b)).toBe('-')
    issue = after(issue, lost)
    expect(planTrail(issue, [], { ...UTC, unfollowed: [ID.b] })).toBeUndefined()
    // Seen again later: the watch does not take it up again.
    expect(planTrail(issue, [{ id: ID.b, folder: 'quarantine', at: T + 2 * HOUR }], UTC)).toBeUndefined()
  })

  it('reads a body whose lines GitHub turned into CRLF', () => {
    const issue = opened()
    const update = planTrail(
      { ...issue, body: issue.body.replace(/\n/g, '\r\n') },
      [{ id: ID.b, folder: 'quarantine', at: T }],
      UTC
    )!
    expect(update.inInbox).toBe(1)
    expect(rowOf(update.body, ID.b)).toContain('**now in quarantine**')
  })
})

describe('recordedInInbox', () => {
  it('reads what is in the inbox as planTrail does: rows of the section, then place lines', () => {
    const issue = opened()
    expect(recordedInInbox(issue.body)).toEqual(new Set([ID.a, ID.b]))
    const update = planTrail(
      issue,
      [
        { id: ID.a, folder: 'trash', at: T },
        { id: ID.c, folder: 'inbox', at: T }
      ],
      UTC
    )!
    expect(recordedInInbox(update.body)).toEqual(new Set([ID.b, ID.c]))
    expect(recordedInInbox('no marker')).toEqual(new Set())
  })
})

describe('place lines in the marker', () => {
  const A = { id: 'a-1', verdict: 'bec', receivedAt: '2026-11-27T10:00:00.000Z' }

  it('round-trip after the conviction lines, and keep only plain folders and ids', () => {
    const places = new Map([
      ['a-1', 'quarantine'],
      ['b-2', '-'],
      ['bad id', 'trash'],
      ['c-3', 'Inbox']
    ])
    const marker = formatMarker([A], Infinity, [], places)
    expect(marker).toBe(
      '<!-- etd-verdict-watch batch v1\na-1 bec 2026-11-27T10:00:00.000Z\nplace a-1 quarantine\nplace b-2 -\n-->'
    )
    expect(readMarker(marker)).toEqual({
      convictions: [A],
      owes: [],
      places: new Map([
        ['a-1', 'quarantine'],
        ['b-2', '-']
      ])
    })
  })

  it('count against the budget after every conviction line', () => {
    const full = '<!-- etd-verdict-watch batch v1\na-1 bec 2026-11-27T10:00:00.000Z\n-->'
    expect(formatMarker([A], full.length, [], new Map([['a-1', 'trash']]))).toBe(full)
  })
})

describe('applyTrail, through Octokit against the local GitHub API', () => {
  async function served(issue: TrailIssue) {
    const github = closedAfter(await startGitHubApi({ labels: ['etd-verdict-watch', 'action-needed'] }))
    github.issues.push({
      number: issue.number,
      title: 'ETD: 3 new convictions',
      body: issue.body,
      labels: [...issue.labels],
      assignees: [],
      created_at: new Date(T).toISOString(),
      html_url: `https://github.example/acme/etd-watch/issues/${issue.number}`,
      user: 'github-actions[bot]'
    })
    const octokit = getOctokit(github.token, { baseUrl: github.url })
    return { github, octokit, repository: { owner: github.owner, repo: github.repo } }
  }

  it('edits the body, comments once, takes the label off and closes, in that order', async () => {
    const issue = opened([ID.a])
    const { github, octokit, repository } = await served(issue)
    const update = planTrail(issue, [{ id: ID.a, folder: 'quarantine', at: T + HOUR }], UTC)!
    expect(await applyTrail(octokit, repository, update)).toBe('Issue #7: 1 left the inbox; closed.')
    expect(github.requests).toEqual([
      'PATCH /repos/acme/etd-watch/issues/7',
      'POST /repos/acme/etd-watch/issues/7/comments',
      'DELETE /repos/acme/etd-watch/issues/7/labels/action-needed',
      'PATCH /repos/acme/etd-watch/issues/7'
    ])
    const [served7] = github.issues
    expect(served7).toMatchObject({
      body: update.body,
      labels: ['etd-verdict-watch'],
      state: 'closed',
      state_reason: 'completed'
    })
    expect(github.comments.map((c) => [c.issue, c.body])).toEqual([[7, update.comment]])
  })

  it('adds the label back when one returns, and bears a label someone took off already', async () => {
    const { github, octokit, repository } = await served({ ...opened([ID.a]), labels: ['etd-verdict-watch'] })
    const back = planTrail({ ...opened([]), number: 7 }, [{ id: ID.c, folder: 'inbox', at: T }], UTC)!
    await applyTrail(octokit, repository, back)
    expect(github.issues[0].labels).toEqual(['etd-verdict-watch', 'action-needed'])
    // Listed with the label, which a person removed before the update reached it.
    github.issues[0].labels = ['etd-verdict-watch']
    const gone = planTrail({ ...opened([ID.a]), number: 7 }, [{ id: ID.a, folder: 'trash', at: T }], UTC)!
    await expect(applyTrail(octokit, repository, gone)).resolves.toBe('Issue #7: 1 left the inbox; closed.')
    expect(github.issues[0].state).toBe('closed')
  })

  it('stops at the step that failed, naming it, with what was done left done', async () => {
    const issue = opened()
    const { github, octokit, repository } = await served(issue)
    github.failRequests.push({ request: 'POST /repos/acme/etd-watch/issues/7/comments', status: 500 })
    const update = planTrail(issue, [{ id: ID.a, folder: 'quarantine', at: T }], UTC)!
    await expect(applyTrail(octokit, repository, update)).rejects.toThrow(
      'GitHub failed commenting on issue #7 in acme/etd-watch (500 Server Error).'
    )
    // The body holds the change: the next update will not tell it again.
    expect(github.issues[0].body).toBe(update.body)
    expect(github.comments).toEqual([])
    const last = planTrail(after(issue, update), [{ id: ID.b, folder: 'quarantine', at: T }], UTC)!
    github.failRequests.push({ request: 'DELETE /repos/acme/etd-watch/issues/7/labels/action-needed', status: 500 })
    await expect(applyTrail(octokit, repository, last)).rejects.toThrow(
      'GitHub failed unlabelling issue #7 in acme/etd-watch (500 Server Error).'
    )
    expect(github.issues[0].state).not.toBe('closed')
  })
})
