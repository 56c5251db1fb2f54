import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { octokitLog } from '../../common/log.js'

export type GitHub = ReturnType<typeof getOctokit>

/**
 * The REST client of every flow that writes to issues: GitHub's rate limits waited out as told (a few
 * times for secondary limits, once and only when the reset is near for primary ones), 5xx retried.
 */
export function issueOctokit(access: { token: string; apiUrl: string }, onRetry?: (reason: string) => void): GitHub {
  return getOctokit(
    access.token,
    {
      baseUrl: access.apiUrl,
      log: octokitLog,
      throttle: {
        onSecondaryRateLimit: (after: number, _options: unknown, _octokit: unknown, retryCount: number) => {
          onRetry?.(`GitHub's secondary rate limit; retrying in ${after}s`)
          return retryCount < 3
        },
        onRateLimit: (after: number, _options: unknown, _octokit: unknown, retryCount: number) => {
          onRetry?.(`GitHub's rate limit; retrying in ${after}s`)
          return retryCount < 1 && after <= 60
        }
      }
    },
    retry,
    throttling
  )
}
