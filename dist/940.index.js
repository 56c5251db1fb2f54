export const id = 940;
export const ids = [940];
export const modules = {

/***/ 2940:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   IssueChannel: () => (/* binding */ IssueChannel)
/* harmony export */ });
/* unused harmony exports IssueError, ACTION_NEEDED_LABEL, notYetRecorded */
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1758);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6856);
/* harmony import */ var _issue_body_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2287);
/* harmony import */ var _marker_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6995);
/* harmony import */ var _rows_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(796);






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
    const reason = `${data?.message ?? e.message ?? String(error)}${details ? ` (${details})` : ''}`;
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
/** Issues as the audit trail: one per batch of convictions, never two for the same batch. */
class IssueChannel {
    config;
    octokit;
    recent;
    constructor(config, options = {}) {
        this.config = config;
        this.octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(config.token, {
            baseUrl: config.apiUrl,
            throttle: {
                // Secondary limits: wait as told, a few times; primary: only when the reset is near.
                onSecondaryRateLimit: (after, _options, _octokit, retryCount) => {
                    options.onRetry?.(`GitHub's secondary rate limit; retrying in ${after}s`);
                    return retryCount < 3;
                },
                onRateLimit: (after, _options, _octokit, retryCount) => {
                    options.onRetry?.(`GitHub's rate limit; retrying in ${after}s`);
                    return retryCount < 1 && after <= 60;
                }
            }
        }, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_3__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_4__/* .throttling */ .A);
    }
    /**
     * The batches recorded by recent issues with the first label, newest first; read once per run. Only
     * issues that the watch's own identity opened count: anyone who may open an issue could write a marker
     * that keeps convictions from being told.
     */
    recorded() {
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
            convictions: (0,_marker_js__WEBPACK_IMPORTED_MODULE_5__/* .parseMarker */ .gY)(issue.body)
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
        const { fresh, recordedHere, record } = notYetRecorded(batch.convictions, await this.recorded());
        if (record) {
            return {
                created: false,
                url: record.url,
                number: record.number,
                description: `Already recorded in issue #${record.number}, so no new issue.`
            };
        }
        const totals = batch.totals ? (0,_rows_js__WEBPACK_IMPORTED_MODULE_2__/* .totalsWithout */ .qv)(batch.totals, recordedHere, batch.rule) : (0,_rows_js__WEBPACK_IMPORTED_MODULE_2__/* .totalsOf */ .vA)(fresh, batch.rule);
        const labels = totals.actionNeeded > 0 ? [...new Set([...this.config.labels, ACTION_NEEDED_LABEL])] : this.config.labels;
        await this.ensureLabels(labels);
        const content = (0,_issue_body_js__WEBPACK_IMPORTED_MODULE_1__/* .buildIssue */ .yz)({ ...batch, convictions: fresh, totals, runUrl: this.config.runUrl });
        try {
            const { data } = await this.octokit.rest.issues.create({
                owner: this.config.owner,
                repo: this.config.repo,
                title: content.title,
                body: content.body,
                labels,
                ...(this.config.assignees.length > 0 ? { assignees: this.config.assignees } : {})
            });
            const omitted = content.omitted > 0 ? ` (${content.omitted} rows left out for GitHub's size limit)` : '';
            return {
                created: true,
                url: data.html_url,
                number: data.number,
                description: `Issue #${data.number} opened: ${data.html_url}${omitted}.`
            };
        }
        catch (error) {
            throw explain(error, 'opening the issue', this.config);
        }
    }
}


/***/ })

};
