export const id = 105;
export const ids = [105];
export const modules = {

/***/ 3950:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Z: () => (/* binding */ isStateKey)
/* harmony export */ });
// The cache keys of the state, apart from the cache client: pruning checks them too.
const RUN_SUFFIX = /^\d{1,20}-\d{1,10}$/;
/** Whether `key` has exactly the shape this action writes: `<state-key>/<run id>-<attempt>`. */
function isStateKey(stateKey, key) {
    return key.startsWith(`${stateKey}/`) && RUN_SUFFIX.test(key.slice(stateKey.length + 1));
}


/***/ }),

/***/ 105:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   StateEntries: () => (/* binding */ StateEntries)
/* harmony export */ });
/* unused harmony export prunable */
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2270);
/* harmony import */ var _common_log_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1095);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9735);
/* harmony import */ var _key_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3950);
/* harmony import */ var _common_redact_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6800);





/** How many state entries pruning keeps: the newest, and a few before it should that one be unreadable. */
const KEEP_NEWEST = 3;
const PAGE_SIZE = 100;
/** Of this watch's entries (as `list` gives them), the ones to delete: all but the newest `keep`. */
function prunable(entries, keep = KEEP_NEWEST) {
    return [...entries].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id).slice(keep);
}
const statusOf = (error) => error.status;
function explain(error, doing, permission) {
    const status = statusOf(error);
    const message = error.response?.data?.message;
    const detail = `${status ?? ''} ${(0,_common_redact_js__WEBPACK_IMPORTED_MODULE_2__/* .redactReply */ .g)(message ?? error.message)}`.trim();
    return status === 403
        ? `GitHub refused ${doing} (${detail}): the workflow's token needs the ${permission} permission; add it to the job's permissions block`
        : `GitHub failed ${doing} (${detail})`;
}
/** This watch's state entries in the repository's Actions cache, through the REST API. */
class StateEntries {
    access;
    stateKey;
    octokit;
    constructor(access, stateKey) {
        this.access = access;
        this.stateKey = stateKey;
        this.octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(access.token, { baseUrl: access.apiUrl, log: _common_log_js__WEBPACK_IMPORTED_MODULE_1__/* .octokitLog */ .GU }, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_3__/* .retry */ .L);
    }
    /** This watch's entries on this branch, of the exact key shape under `<state-key>/`; needs `actions: read`. */
    list() {
        return this.fetch('actions: read');
    }
    async fetch(permission) {
        try {
            const caches = await this.octokit.paginate(this.octokit.rest.actions.getActionsCacheList, {
                owner: this.access.owner,
                repo: this.access.repo,
                key: `${this.stateKey}/`,
                ...(this.access.ref ? { ref: this.access.ref } : {}),
                sort: 'created_at',
                direction: 'desc',
                per_page: PAGE_SIZE
            });
            return caches
                .map((c) => ({
                id: c.id ?? 0,
                key: c.key ?? '',
                createdAt: Date.parse(c.created_at ?? '') || 0,
                bytes: c.size_in_bytes ?? 0
            }))
                .filter((e) => (0,_key_js__WEBPACK_IMPORTED_MODULE_4__/* .isStateKey */ .Z)(this.stateKey, e.key));
        }
        catch (error) {
            throw new Error(explain(error, 'listing cache entries', permission), { cause: error });
        }
    }
    /** Deletes the older state entries, keeping the newest few; never anything of another shape. */
    async prune() {
        const entries = await this.fetch('actions: write');
        const doomed = prunable(entries);
        for (const entry of doomed) {
            try {
                await this.octokit.rest.actions.deleteActionsCacheById({
                    owner: this.access.owner,
                    repo: this.access.repo,
                    cache_id: entry.id
                });
            }
            catch (error) {
                // Already gone (evicted, or another run pruned it): what was wanted.
                if (statusOf(error) !== 404)
                    throw new Error(explain(error, 'deleting cache entries', 'actions: write'), { cause: error });
            }
        }
        const gone = new Set(doomed.map((e) => e.id));
        return { deleted: doomed, kept: entries.filter((e) => !gone.has(e.id)) };
    }
}


/***/ })

};
