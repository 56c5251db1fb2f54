/**
 * The `issue_comment` event as the runner hands it over (the file at GITHUB_EVENT_PATH), read strictly:
 * every field the flow relies on checked, anything else ignored. Pure.
 */

export interface CommentEvent {
  /** `created`, `edited` or `deleted`. */
  action: string
  comment: {
    id: number
    body: string
    /** `comment.user`: who wrote the comment, not the event's `sender`. */
    login: string
    bot: boolean
  }
  issue: {
    number: number
    /** Who opened it. */
    author: string
    locked: boolean
    pullRequest: boolean
  }
  /** `repository.private`; undefined when the event does not say. */
  private?: boolean
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isId = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0
const text = (value: unknown) => (typeof value === 'string' ? value : undefined)

/** The event, or one line saying what it lacks. */
export function parseCommentEvent(json: unknown): CommentEvent | string {
  if (!isObject(json) || !isObject(json.comment) || !isObject(json.issue)) {
    return 'The event is no issue_comment event: it has no comment or no issue.'
  }
  const { comment, issue } = json
  const user = isObject(comment.user) ? comment.user : {}
  const login = text(user.login)
  const author = isObject(issue.user) ? text(issue.user.login) : undefined
  if (!isId(comment.id) || !isId(issue.number) || login === undefined || author === undefined) {
    return "The issue_comment event lacks the comment's id or author, or the issue's number or author."
  }
  const repository = isObject(json.repository) ? json.repository : {}
  return {
    action: text(json.action) ?? '',
    comment: {
      id: comment.id,
      body: text(comment.body) ?? '',
      login,
      bot: user.type === 'Bot' || login.toLowerCase().endsWith('[bot]')
    },
    issue: {
      number: issue.number,
      author,
      locked: issue.locked === true,
      pullRequest: issue.pull_request !== undefined && issue.pull_request !== null
    },
    ...(typeof repository.private === 'boolean' ? { private: repository.private } : {})
  }
}

/**
 * Why the flow leaves the comment alone, or undefined when it is a command to read: only new comments
 * by people, on the watch's own open issues. Nothing is replied to these: a reply to a bot could loop.
 */
export function ignoredBecause(event: CommentEvent, issueAuthor: string): string | undefined {
  if (event.action !== 'created') return `the comment was ${event.action || 'changed'}, not created`
  if (event.comment.bot) return "it is a bot's comment"
  if (event.issue.pullRequest) return 'it is on a pull request'
  if (event.issue.locked) return 'the issue is locked'
  if (event.issue.author.toLowerCase() !== issueAuthor.toLowerCase()) {
    return `issue #${event.issue.number} is not one of the watch's (opened by ${event.issue.author}, not by issue-author ${issueAuthor})`
  }
  return undefined
}
