export const id = 161;
export const ids = [161];
export const modules = {

/***/ 1161:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  issueChannel: () => (/* binding */ issueChannel)
});

// UNUSED EXPORTS: notYetRecorded

// EXTERNAL MODULE: ./src/notify/issue/body.ts
var issue_body = __webpack_require__(7337);
// EXTERNAL MODULE: ./src/notify/text/weekly-markdown.ts
var weekly_markdown = __webpack_require__(502);
// EXTERNAL MODULE: ./src/notify/text/weekly.ts
var weekly = __webpack_require__(826);
;// CONCATENATED MODULE: ./src/notify/issue/weekly.ts


/** The label of the weekly report's issues: apart from the convictions', whose markers are the record. */
const WEEKLY_LABEL = 'etd-weekly-report';
/** GitHub's limit on issue bodies, in characters. */
const MAX_BODY = 65_536;
/** The weekly report as an issue: counts-only title, the markdown report (charts included) as body. */
function buildWeeklyIssue(report, input = {}) {
    const maxLength = input.maxLength ?? MAX_BODY;
    return {
        title: (0,weekly/* weeklyTitle */.u_)(report),
        body: (0,weekly_markdown/* weeklyMarkdown */.x)(report, {
            fits: (body) => body.length <= maxLength,
            links: input.runUrl ? [`Workflow run: ${input.runUrl}`] : []
        })
    };
}

// EXTERNAL MODULE: ./src/notify/ledger.ts
var ledger = __webpack_require__(6888);
// EXTERNAL MODULE: ./src/notify/issue/marker.ts
var marker = __webpack_require__(6783);
// EXTERNAL MODULE: ./src/notify/text/rows.ts
var rows = __webpack_require__(2116);
// EXTERNAL MODULE: ./src/notify/issue/errors.ts
var errors = __webpack_require__(9266);
// EXTERNAL MODULE: ./src/notify/issue/octokit.ts + 1 modules
var octokit = __webpack_require__(5051);
// EXTERNAL MODULE: ./src/notify/issue/trail.ts
var trail = __webpack_require__(5921);
;// CONCATENATED MODULE: ./src/notify/issue/channel.ts








/** How many recent batches are checked for duplicates and, without state, for what was told. */
const RECENT_ISSUES = 100;
const LABEL_COLOR = 'b60205';
const key = (c) => `${c.id} ${c.verdict}`;
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
        this.octokit = (0,octokit/* issueOctokit */.r)(config, (reason) => this.options.onRetry?.(reason));
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
            body: issue.body ?? '',
            labels: issue.labels.map((label) => (typeof label === 'string' ? label : (label.name ?? ''))),
            open: issue.state === 'open'
        })))
            .catch((error) => {
            this.recent = undefined;
            throw (0,errors/* explain */.W)(error, 'listing recent issues', this.config);
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
                    throw (0,errors/* explain */.W)(error, `reading label '${name}'`, this.config);
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
                        throw (0,errors/* explain */.W)(createError, `creating label '${name}'`, this.config);
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
        const labels = totals.actionNeeded > 0 ? [...new Set([...this.config.labels, trail/* ACTION_NEEDED_LABEL */.CO])] : this.config.labels;
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
            body: content.body,
            labels,
            open: true
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
    /** Opens an issue of the watch's own under `label` alone (the weekly report): no marker, no ledger. */
    async openReport(content, label) {
        await this.ensureLabels([label]);
        const { data } = await this.create({
            owner: this.config.owner,
            repo: this.config.repo,
            ...content,
            labels: [label]
        });
        return { number: data.number, url: data.html_url };
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
            : (0,marker/* replaceMarker */.ti)(record.body, (0,marker/* formatMarker */.gJ)(record.convictions, Infinity, owes, record.places));
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
            throw (0,errors/* explain */.W)(error, `recording the channels in issue #${record.number}`, this.config);
        }
        Object.assign(record, { owes, body });
    }
    /**
     * The audit trail: records the sightings and the convictions no longer followed on each open issue that
     * records them, one comment per issue. Says what it did, and which convictions' issues could not be
     * updated (a later run tries those again); throws only when the issues cannot be listed.
     */
    async follow(sightings, unfollowed, timeZone) {
        const ids = new Set([...sightings.map((s) => s.id), ...unfollowed]);
        const result = { notes: [], errors: [], failed: new Set() };
        for (const record of await this.recordedBatches()) {
            if (!record.open || !record.convictions.some((c) => ids.has(c.id)))
                continue;
            const update = (0,trail/* planTrail */.cW)(record, sightings, { timeZone, unfollowed, runUrl: this.options.runUrl });
            if (!update)
                continue;
            try {
                result.notes.push(await (0,trail/* applyTrail */.P$)(this.octokit, this.config, update));
                const labels = [...record.labels.filter((l) => !update.removeLabels.includes(l)), ...update.addLabels];
                Object.assign(record, { ...(0,marker/* readMarker */.t7)(update.body), body: update.body, labels, open: !update.close });
            }
            catch (error) {
                result.errors.push(error.message);
                for (const c of record.convictions)
                    if (ids.has(c.id))
                        result.failed.add(c.id);
            }
        }
        return result;
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
                throw (0,errors/* explain */.W)(error, 'opening the issue', this.config);
            let data;
            try {
                ;
                ({ data } = await this.octokit.rest.issues.create(issue));
            }
            catch (retryError) {
                throw (0,errors/* explain */.W)(retryError, 'opening the issue', this.config);
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
        follow: (sightings, unfollowed, timeZone) => issues.follow(sightings, unfollowed, timeZone),
        async deliver(batch, notes) {
            return delivered(await issues.open({ ...batch, notes: [...notes], owes: options.owes }));
        },
        async weekly(report) {
            const opened = await issues.openReport(buildWeeklyIssue(report, { runUrl: options.runUrl }), WEEKLY_LABEL);
            return { note: `Weekly report issue #${opened.number} opened: ${opened.url}.`, url: opened.url };
        }
    };
}


/***/ })

};
