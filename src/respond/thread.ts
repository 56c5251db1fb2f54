import { log } from '../common/log.js'
import { explain, type Repository } from '../notify/issue/errors.js'
import type { GitHub } from '../notify/issue/octokit.js'

/** The watch's issue as it is now: what the command may act on is read from here, not from the event. */
export interface ThreadIssue {
  number: number
  body: string
  labels: string[]
  open: boolean
}

/** GitHub's reactions that the flow gives: read, done, refused, and could not be done. */
export type Reaction = 'eyes' | '+1' | '-1' | 'confused'

const MARKER = (commentId: number) => `<!-- etd-verdict-watch reply ${commentId} -->`
const PAGE = 100

/** The marker that makes a reply the answer to one comment: a re-run finds it and does nothing again. */
export const replyMarker = MARKER

/** One issue's conversation with the flow: the issue, its comments, reactions, replies, who may act. */
export class IssueThread {
  constructor(
    private readonly octokit: GitHub,
    private readonly repository: Repository,
    readonly number: number
  ) {}

  private async call<T>(doing: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request()
    } catch (error) {
      throw explain(error, doing, this.repository)
    }
  }

  async issue(): Promise<ThreadIssue> {
    const { data } = await this.call(`reading issue #${this.number}`, () =>
      this.octokit.rest.issues.get({ ...this.repository, issue_number: this.number })
    )
    return {
      number: data.number,
      body: data.body ?? '',
      labels: data.labels.map((label) => (typeof label === 'string' ? label : (label.name ?? ''))),
      open: data.state === 'open'
    }
  }

  /** Whether `author` (the watch's identity; nobody else's reply counts) already answered the comment. */
  async answered(commentId: number, author: string): Promise<boolean> {
    const marker = MARKER(commentId)
    const comments = await this.call(`reading the comments of issue #${this.number}`, () =>
      this.octokit.paginate(this.octokit.rest.issues.listComments, {
        ...this.repository,
        issue_number: this.number,
        per_page: PAGE
      })
    )
    return comments.some((c) => c.user?.login.toLowerCase() === author.toLowerCase() && c.body?.includes(marker))
  }

  /** The commenter's permission on the repository now, as GitHub answers it. */
  async permission(login: string): Promise<string> {
    const { data } = await this.call(`looking up the permission of ${login}`, () =>
      this.octokit.rest.repos.getCollaboratorPermissionLevel({ ...this.repository, username: login })
    )
    return data.permission
  }

  /** A reaction is an acknowledgement, not the record: when it fails, the reply still says everything. */
  async react(commentId: number, content: Reaction): Promise<void> {
    try {
      await this.call(`reacting to comment ${commentId}`, () =>
        this.octokit.rest.reactions.createForIssueComment({ ...this.repository, comment_id: commentId, content })
      )
    } catch (error) {
      log.warning((error as Error).message)
    }
  }

  async reply(body: string): Promise<void> {
    await this.call(`replying on issue #${this.number}`, () =>
      this.octokit.rest.issues.createComment({ ...this.repository, issue_number: this.number, body })
    )
  }
}
