export const id = 571;
export const ids = [571];
export const modules = {

/***/ 7571:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  issueChannel: () => (/* binding */ issueChannel)
});

// UNUSED EXPORTS: ACTION_NEEDED_LABEL, IssueError, notYetRecorded

// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js + 20 modules
var github = __webpack_require__(2270);
// EXTERNAL MODULE: ./src/common/log.ts
var log = __webpack_require__(1095);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-retry/dist-bundle/index.js
var dist_bundle = __webpack_require__(9735);
// EXTERNAL MODULE: ./node_modules/bottleneck/light.js
var light = __webpack_require__(3251);
;// CONCATENATED MODULE: ./node_modules/@octokit/plugin-throttling/dist-bundle/index.js
// pkg/dist-src/index.js


// pkg/dist-src/version.js
var VERSION = "0.0.0-development";

// pkg/dist-src/wrap-request.js
var noop = () => Promise.resolve();
function wrapRequest(state, request, options) {
  return state.retryLimiter.schedule(doRequest, state, request, options);
}
async function doRequest(state, request, options) {
  const { pathname } = new URL(options.url, "http://github.test");
  const isAuth = isAuthRequest(options.method, pathname);
  const isWrite = !isAuth && options.method !== "GET" && options.method !== "HEAD";
  const isSearch = options.method === "GET" && pathname.startsWith("/search/");
  const isGraphQL = pathname.startsWith("/graphql");
  const retryCount = ~~request.retryCount;
  const jobOptions = retryCount > 0 ? { priority: 0, weight: 0 } : {};
  if (state.clustering) {
    jobOptions.expiration = 1e3 * 60;
  }
  if (isWrite || isGraphQL) {
    await state.write.key(state.id).schedule(jobOptions, noop);
  }
  if (isWrite && state.triggersNotification(pathname)) {
    await state.notifications.key(state.id).schedule(jobOptions, noop);
  }
  if (isSearch) {
    await state.search.key(state.id).schedule(jobOptions, noop);
  }
  const req = (isAuth ? state.auth : state.global).key(state.id).schedule(jobOptions, request, options);
  if (isGraphQL) {
    const res = await req;
    if (res.data.errors != null && res.data.errors.some((error) => error.type === "RATE_LIMITED")) {
      const error = Object.assign(new Error("GraphQL Rate Limit Exceeded"), {
        response: res,
        data: res.data
      });
      throw error;
    }
  }
  return req;
}
function isAuthRequest(method, pathname) {
  return method === "PATCH" && // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-a-scoped-access-token
  /^\/applications\/[^/]+\/token\/scoped$/.test(pathname) || method === "POST" && // https://docs.github.com/en/rest/apps/oauth-applications?apiVersion=2022-11-28#reset-a-token
  (/^\/applications\/[^/]+\/token$/.test(pathname) || // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-an-installation-access-token-for-an-app
  /^\/app\/installations\/[^/]+\/access_tokens$/.test(pathname) || // https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
  pathname === "/login/oauth/access_token");
}

// pkg/dist-src/generated/triggers-notification-paths.js
var triggers_notification_paths_default = [
  "/orgs/{org}/invitations",
  "/orgs/{org}/invitations/{invitation_id}",
  "/orgs/{org}/teams/{team_slug}/discussions",
  "/orgs/{org}/teams/{team_slug}/discussions/{discussion_number}/comments",
  "/repos/{owner}/{repo}/collaborators/{username}",
  "/repos/{owner}/{repo}/commits/{commit_sha}/comments",
  "/repos/{owner}/{repo}/issues",
  "/repos/{owner}/{repo}/issues/{issue_number}/comments",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issue",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority",
  "/repos/{owner}/{repo}/pulls",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies",
  "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
  "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
  "/repos/{owner}/{repo}/releases",
  "/teams/{team_id}/discussions",
  "/teams/{team_id}/discussions/{discussion_number}/comments"
];

// pkg/dist-src/route-matcher.js
function routeMatcher(paths) {
  const regexes = paths.map(
    (path) => path.split("/").map((c) => c.startsWith("{") ? "(?:.+?)" : c).join("/")
  );
  const regex2 = `^(?:${regexes.map((r) => `(?:${r})`).join("|")})[^/]*$`;
  return new RegExp(regex2, "i");
}

// pkg/dist-src/index.js
var regex = routeMatcher(triggers_notification_paths_default);
var triggersNotification = regex.test.bind(regex);
var groups = {};
var createGroups = function(Bottleneck, common) {
  groups.global = new Bottleneck.Group({
    id: "octokit-global",
    maxConcurrent: 10,
    ...common
  });
  groups.auth = new Bottleneck.Group({
    id: "octokit-auth",
    maxConcurrent: 1,
    ...common
  });
  groups.search = new Bottleneck.Group({
    id: "octokit-search",
    maxConcurrent: 1,
    minTime: 2e3,
    ...common
  });
  groups.write = new Bottleneck.Group({
    id: "octokit-write",
    maxConcurrent: 1,
    minTime: 1e3,
    ...common
  });
  groups.notifications = new Bottleneck.Group({
    id: "octokit-notifications",
    maxConcurrent: 1,
    minTime: 3e3,
    ...common
  });
};
function throttling(octokit, octokitOptions) {
  const {
    enabled = true,
    Bottleneck = light,
    id = "no-id",
    timeout = 1e3 * 60 * 2,
    // Redis TTL: 2 minutes
    connection
  } = octokitOptions.throttle || {};
  if (!enabled) {
    return {};
  }
  const common = { timeout };
  if (typeof connection !== "undefined") {
    common.connection = connection;
  }
  const state = Object.assign(
    {
      clustering: connection != null,
      triggersNotification,
      fallbackSecondaryRateRetryAfter: 60,
      retryAfterBaseValue: 1e3,
      id
    },
    octokitOptions.throttle
  );
  if (typeof state.onSecondaryRateLimit !== "function" || typeof state.onRateLimit !== "function") {
    throw new Error(`octokit/plugin-throttling error:
        You must pass the onSecondaryRateLimit and onRateLimit error handlers.
        See https://octokit.github.io/rest.js/#throttling

        const octokit = new Octokit({
          throttle: {
            onSecondaryRateLimit: (retryAfter, options) => {/* ... */},
            onRateLimit: (retryAfter, options) => {/* ... */}
          }
        })
    `);
  }
  let initialized = false;
  const initializeBottleneck = () => {
    if (initialized) {
      return;
    }
    initialized = true;
    if (groups.global == null) {
      createGroups(Bottleneck, common);
    }
    state.global = state.global ?? groups.global;
    state.auth = state.auth ?? groups.auth;
    state.search = state.search ?? groups.search;
    state.write = state.write ?? groups.write;
    state.notifications = state.notifications ?? groups.notifications;
    state.retryLimiter = state.retryLimiter ?? new Bottleneck();
    const events = {};
    const emitter = new Bottleneck.Events(events);
    events.on("secondary-limit", state.onSecondaryRateLimit);
    events.on("rate-limit", state.onRateLimit);
    events.on(
      "error",
      (e) => octokit.log.warn("Error in throttling-plugin limit handler", e)
    );
    state.retryLimiter.on("failed", async function(error, info) {
      const [state2, request, options] = info.args;
      const { pathname } = new URL(options.url, "http://github.test");
      const shouldRetryGraphQL = pathname.startsWith("/graphql") && error.status !== 401;
      if (!(shouldRetryGraphQL || error.status === 403 || error.status === 429)) {
        return;
      }
      const retryCount = ~~request.retryCount;
      request.retryCount = retryCount;
      options.request.retryCount = retryCount;
      const { wantRetry, retryAfter = 0 } = await (async function() {
        if (/\bsecondary rate\b/i.test(error.message)) {
          const retryAfter2 = Number(error.response.headers["retry-after"]) || state2.fallbackSecondaryRateRetryAfter;
          const wantRetry2 = await emitter.trigger(
            "secondary-limit",
            retryAfter2,
            options,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        if (error.response.headers != null && error.response.headers["x-ratelimit-remaining"] === "0" || (error.response.data?.errors ?? []).some(
          (error2) => error2.type === "RATE_LIMITED"
        )) {
          const rateLimitReset = new Date(
            ~~error.response.headers["x-ratelimit-reset"] * 1e3
          ).getTime();
          const retryAfter2 = Math.max(
            // Add one second so we retry _after_ the reset time
            // https://docs.github.com/en/rest/overview/resources-in-the-rest-api?apiVersion=2022-11-28#exceeding-the-rate-limit
            Math.ceil((rateLimitReset - Date.now()) / 1e3) + 1,
            0
          );
          const wantRetry2 = await emitter.trigger(
            "rate-limit",
            retryAfter2,
            options,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        return {};
      })();
      if (wantRetry) {
        request.retryCount++;
        return retryAfter * state2.retryAfterBaseValue;
      }
    });
  };
  octokit.hook.wrap("request", (request, options) => {
    initializeBottleneck();
    return wrapRequest(state, request, options);
  });
  return {};
}
throttling.VERSION = VERSION;
throttling.triggersNotification = triggersNotification;


// EXTERNAL MODULE: ./src/notify/issue/body.ts
var issue_body = __webpack_require__(7337);
// EXTERNAL MODULE: ./src/notify/ledger.ts
var ledger = __webpack_require__(6888);
// EXTERNAL MODULE: ./src/notify/issue/marker.ts
var marker = __webpack_require__(6783);
// EXTERNAL MODULE: ./src/notify/text/rows.ts
var rows = __webpack_require__(2116);
// EXTERNAL MODULE: ./src/common/redact.ts
var redact = __webpack_require__(6800);
;// CONCATENATED MODULE: ./src/notify/issue/channel.ts









/** A failure of the GitHub API, worded for the workflow log. */
class IssueError extends Error {
    constructor(message) {
        super(message);
        this.name = 'IssueError';
    }
}
/** How many recent batches are checked for duplicates and, without state, for what was told. */
const RECENT_ISSUES = 100;
const LABEL_COLOR = 'b60205';
/** Added when any conviction is still in an inbox, so that a label filter finds what needs a person. */
const ACTION_NEEDED_LABEL = 'action-needed';
const key = (c) => `${c.id} ${c.verdict}`;
function explain(error, doing, config) {
    const e = error;
    const data = e.response?.data;
    const details = (data?.errors ?? []).map((d) => d.message ?? `${d.field} ${d.code}`).join('; ');
    const reason = (0,redact/* redactReply */.g)(`${data?.message ?? e.message ?? String(error)}${details ? ` (${details})` : ''}`);
    const repo = `${config.owner}/${config.repo}`;
    if (e.status === 401)
        return new IssueError(`GitHub rejected github-token while ${doing} (401 ${reason}).`);
    if (e.status === 403 && /not accessible by integration/i.test(reason)) {
        return new IssueError(`GitHub refused ${doing} in ${repo} (403 ${reason}): the workflow's token needs the issues: write permission; add it to the job's permissions block.`);
    }
    if (e.status === 404)
        return new IssueError(`GitHub found no repository ${repo}, or github-token cannot see it, while ${doing} (404).`);
    return new IssueError(`GitHub failed ${doing} in ${repo}${e.status ? ` (${e.status} ${reason})` : `: ${reason}`}.`);
}
/**
 * The logins a 422 names as not assignable (GitHub: `{field: 'assignees', code: 'invalid', value}`), or
 * every configured one when it names none; undefined for any other failure.
 */
function refusedAssignees(error, assignees) {
    const e = error;
    if (e.status !== 422 || assignees.length === 0)
        return undefined;
    const about = (e.response?.data?.errors ?? []).filter((d) => d.field === 'assignees' || d.field === 'assignee');
    if (about.length === 0)
        return undefined;
    const named = about.flatMap((d) => (typeof d.value === 'string' && assignees.includes(d.value) ? [d.value] : []));
    return named.length > 0 ? named : assignees;
}
/**
 * The convictions that no recent issue records (by id and verdict, so that a verdict change is new), and
 * those that one does. When every one is recorded, `record` is the issue that records the first.
 */
function notYetRecorded(convictions, recorded) {
    const seen = new Set(recorded.flatMap((r) => r.convictions.map(key)));
    const fresh = convictions.filter((c) => !seen.has(key(c)));
    const recordedHere = convictions.filter((c) => seen.has(key(c)));
    if (fresh.length > 0 || convictions.length === 0)
        return { fresh, recordedHere };
    const record = recorded.find((r) => r.convictions.some((c) => key(c) === key(convictions[0])));
    return { fresh, recordedHere, record };
}
/** The watch's issues in one repository: one per batch of convictions, never two for the same batch. */
class GitHubIssues {
    config;
    options;
    octokit;
    recent;
    /** The issue this run opened, and what it was built from: its notes are brought up to date. */
    opened;
    constructor(config, options) {
        this.config = config;
        this.options = options;
        this.octokit = (0,github/* getOctokit */.Q)(config.token, {
            baseUrl: config.apiUrl,
            log: log/* octokitLog */.GU,
            throttle: {
                // Secondary limits: wait as told, a few times; primary: only when the reset is near.
                onSecondaryRateLimit: (after, _options, _octokit, retryCount) => {
                    this.options.onRetry?.(`GitHub's secondary rate limit; retrying in ${after}s`);
                    return retryCount < 3;
                },
                onRateLimit: (after, _options, _octokit, retryCount) => {
                    this.options.onRetry?.(`GitHub's rate limit; retrying in ${after}s`);
                    return retryCount < 1 && after <= 60;
                }
            }
        }, dist_bundle/* retry */.L, throttling);
    }
    recordedBatches() {
        const author = this.config.author.toLowerCase();
        this.recent ??= this.octokit.rest.issues
            .listForRepo({
            owner: this.config.owner,
            repo: this.config.repo,
            labels: this.config.labels[0],
            state: 'all',
            sort: 'created',
            direction: 'desc',
            per_page: RECENT_ISSUES
        })
            .then(({ data }) => data
            .filter((issue) => issue.user?.login.toLowerCase() === author)
            .map((issue) => ({
            number: issue.number,
            url: issue.html_url,
            createdAt: Date.parse(issue.created_at),
            ...(0,marker/* readMarker */.t7)(issue.body),
            body: issue.body ?? ''
        })))
            .catch((error) => {
            this.recent = undefined;
            throw explain(error, 'listing recent issues', this.config);
        });
        return this.recent;
    }
    async ensureLabels(labels) {
        const { owner, repo } = this.config;
        for (const name of labels) {
            try {
                await this.octokit.rest.issues.getLabel({ owner, repo, name });
            }
            catch (error) {
                if (error.status !== 404)
                    throw explain(error, `reading label '${name}'`, this.config);
                try {
                    await this.octokit.rest.issues.createLabel({
                        owner,
                        repo,
                        name,
                        color: LABEL_COLOR,
                        description: 'Convictions found by ETD verdict watch'
                    });
                }
                catch (createError) {
                    // Another run may have created it in between.
                    if (createError.status !== 422)
                        throw explain(createError, `creating label '${name}'`, this.config);
                }
            }
        }
    }
    /** Opens the batch's issue, leaving out what recent issues already record; none when nothing is left. */
    async open(batch) {
        if (batch.convictions.length === 0)
            return { created: false, description: 'Nothing new, so no issue.' };
        const recent = await this.recordedBatches();
        const { fresh, recordedHere, record } = notYetRecorded(batch.convictions, recent);
        if (record) {
            return {
                created: false,
                url: record.url,
                number: record.number,
                description: `Already recorded in issue #${record.number}, so no new issue.`
            };
        }
        const totals = (0,rows/* totalsWithout */.qv)(batch.totals, recordedHere, batch.rule);
        const labels = totals.actionNeeded > 0 ? [...new Set([...this.config.labels, ACTION_NEEDED_LABEL])] : this.config.labels;
        await this.ensureLabels(labels);
        const input = { ...batch, convictions: fresh, totals };
        const content = (0,issue_body/* buildIssue */.y)(input);
        const issue = { owner: this.config.owner, repo: this.config.repo, title: content.title, body: content.body, labels };
        const { data, unassigned } = await this.create(issue);
        const opened = {
            number: data.number,
            url: data.html_url,
            createdAt: Date.parse(data.created_at),
            ...(0,marker/* readMarker */.t7)(content.body),
            body: content.body
        };
        this.opened = { record: opened, input };
        // The later channels' ledger reads it with the others.
        recent.unshift(opened);
        const omitted = content.omitted > 0 ? ` (${content.omitted} rows left out for GitHub's size limit)` : '';
        return {
            created: true,
            url: data.html_url,
            number: data.number,
            description: `Issue #${data.number} opened: ${data.html_url}${omitted}.${unassigned ? ` ${unassigned}` : ''}`
        };
    }
    openedNow(record) {
        return this.opened?.record.number === record.number;
    }
    /**
     * Records which channels the batch of `record` still `owes`: the marker edited in place, or, for the
     * issue this run opened, the body built again with the other channels' `notes` up to now.
     */
    async rewrite(record, owes, notes) {
        const input = this.openedNow(record) ? this.opened?.input : undefined;
        const body = input
            ? (0,issue_body/* buildIssue */.y)({ ...input, notes: [...input.notes, ...notes], owes }).body
            : (0,marker/* replaceMarker */.ti)(record.body, (0,marker/* formatMarker */.gJ)(record.convictions, Infinity, owes));
        if (body === undefined || body === record.body)
            return;
        try {
            await this.octokit.rest.issues.update({
                owner: this.config.owner,
                repo: this.config.repo,
                issue_number: record.number,
                body
            });
        }
        catch (error) {
            throw explain(error, `recording the channels in issue #${record.number}`, this.config);
        }
        Object.assign(record, { owes, body });
    }
    /**
     * Creates the issue with the assignees; when GitHub refuses one of them (422), creates it unassigned and
     * warns: a login that cannot be assigned must not cost the audit trail.
     */
    async create(issue) {
        const { assignees } = this.config;
        try {
            const { data } = await this.octokit.rest.issues.create({
                ...issue,
                ...(assignees.length > 0 ? { assignees } : {})
            });
            return { data };
        }
        catch (error) {
            const refused = refusedAssignees(error, assignees);
            if (refused === undefined)
                throw explain(error, 'opening the issue', this.config);
            let data;
            try {
                ;
                ({ data } = await this.octokit.rest.issues.create(issue));
            }
            catch (retryError) {
                throw explain(retryError, 'opening the issue', this.config);
            }
            const unassigned = `GitHub refused to assign it to ${refused.map((login) => `'${login}'`).join(', ')} (422), so it was opened ` +
                `unassigned: check issue-assignees (logins that may be assigned issues in ${issue.owner}/${issue.repo}).`;
            this.options.onWarning?.(`Issue #${data.number}: ${unassigned}`);
            return { data, unassigned };
        }
    }
}
/** The outputs and the link of an issue opened or found; none when there was nothing to record. */
function delivered(outcome) {
    const { url, number } = outcome;
    return {
        note: outcome.description,
        notified: outcome.created,
        ...(url !== undefined && number !== undefined
            ? { outputs: { 'issue-url': url, 'issue-number': String(number) }, links: [{ name: 'issue', url }] }
            : {})
    };
}
/**
 * The audit trail: it goes first, and its marker is the ledger of which channels still owe the batch
 * (ledger.ts), so the later channels link to it and the markers keep a run without state from telling
 * what recent issues record.
 */
function issueChannel(config, options) {
    const issues = new GitHubIssues(config, options);
    return {
        name: 'Issue',
        ledger: (0,ledger/* issueLedger */.vL)(issues),
        recordedBatches: () => issues.recordedBatches(),
        async deliver(batch, notes) {
            return delivered(await issues.open({ ...batch, notes: [...notes], owes: options.owes }));
        }
    };
}


/***/ })

};
