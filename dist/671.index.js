export const id = 671;
export const ids = [671];
export const modules = {

/***/ 671:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CacheStateStore: () => (/* binding */ CacheStateStore)
/* harmony export */ });
/* unused harmony export CACHE_STATE_FILE */
/* harmony import */ var _actions_cache__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1691);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _common_files_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8994);
/* harmony import */ var _key_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(3950);
/* harmony import */ var _store_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6992);
/* harmony import */ var _common_redact_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6800);







/**
 * Relative to the workspace, because the cache version hashes the path list: an absolute path would
 * differ between runners with different work folders and never be found again.
 */
const CACHE_STATE_FILE = '.etd-verdict-watch/state.json';
const MODES = ['read', 'write', 'write-only', 'none'];
/** A key that anything may have written, clipped and made one line for the log. */
const shown = (key) => key.replace(/[^\x20-\x7e]/g, '?').slice(0, 120);
/**
 * State in the Actions cache. Each run saves under a key of its own and restores the newest entry by
 * prefix: no entry is ever overwritten or deleted, so no `actions: write` permission is needed, and a
 * failed save leaves the previous entry to be found, never a frozen one.
 */
class CacheStateStore {
    options;
    file;
    constructor(options) {
        this.options = options;
        this.file = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(options.workspace, CACHE_STATE_FILE);
    }
    get prefix() {
        return `${this.options.stateKey}/`;
    }
    modeForbids(access) {
        const mode = this.options.mode.trim().toLowerCase();
        if (!MODES.includes(mode))
            return undefined;
        const allowed = access === 'read' ? mode === 'read' || mode === 'write' : mode === 'write' || mode === 'write-only';
        return allowed
            ? undefined
            : `ACTIONS_CACHE_MODE '${mode}' does not allow cache ${access === 'read' ? 'reads' : 'writes'}`;
    }
    unavailable() {
        return _actions_cache__WEBPACK_IMPORTED_MODULE_0__/* .isFeatureAvailable */ .w3()
            ? undefined
            : 'the Actions cache service is not available here (outside GitHub Actions, set state-path instead)';
    }
    get ownKey() {
        return `${this.prefix}${this.options.runId}-${this.options.runAttempt}`;
    }
    /**
     * The key is looked up first (no download) and only a key of the exact shape this action writes is
     * restored, by that exact key: an entry that something else saved under the prefix is never extracted.
     */
    async load() {
        const blocked = this.modeForbids('read') ?? this.unavailable();
        if (blocked)
            return { kind: 'none', reason: blocked };
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(this.file), { recursive: true, force: true });
        try {
            return await this.restoreExactKey();
        }
        catch (error) {
            return {
                kind: 'none',
                reason: `the cache could not be read (${(0,_common_redact_js__WEBPACK_IMPORTED_MODULE_5__/* .redactReply */ .g)(error.message)})`,
                outage: 'certain'
            };
        }
        finally {
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(this.file), { recursive: true, force: true });
        }
    }
    async restoreExactKey() {
        const key = await _actions_cache__WEBPACK_IMPORTED_MODULE_0__/* .restoreCache */ .P3([CACHE_STATE_FILE], this.ownKey, [this.prefix], { lookupOnly: true });
        if (key === undefined) {
            return {
                kind: 'none',
                reason: `no cache entry starts with '${this.prefix}' (a first run, an entry unused for 7 days and evicted, or a cache service failure reported above)`,
                outage: 'possible'
            };
        }
        if (!(0,_key_js__WEBPACK_IMPORTED_MODULE_6__/* .isStateKey */ .Z)(this.options.stateKey, key)) {
            return {
                kind: 'invalid',
                reason: `the newest cache entry under '${this.prefix}' is '${shown(key)}', which is not a key this action writes ('${this.prefix}<run id>-<attempt>'), so it was not restored`
            };
        }
        // No restore keys: a prefix match here could be another entry than the one just checked.
        const restored = await _actions_cache__WEBPACK_IMPORTED_MODULE_0__/* .restoreCache */ .P3([CACHE_STATE_FILE], key);
        if (restored !== key) {
            return {
                kind: 'none',
                reason: `cache entry '${key}' was found but could not be restored (a cache service failure, reported above)`,
                outage: 'certain'
            };
        }
        let text;
        try {
            text = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)(this.file, 'utf8');
        }
        catch (error) {
            return {
                kind: 'invalid',
                reason: `cache entry '${key}' held no readable state (${(0,_common_redact_js__WEBPACK_IMPORTED_MODULE_5__/* .redactReply */ .g)(error.message)})`
            };
        }
        return (0,_store_js__WEBPACK_IMPORTED_MODULE_4__/* .loadedFrom */ .QX)(text, `cache entry '${key}'`);
    }
    async save(state) {
        const blocked = this.modeForbids('write') ?? this.unavailable();
        if (blocked)
            return { ok: false, reason: blocked };
        const key = this.ownKey;
        try {
            const written = await (0,_store_js__WEBPACK_IMPORTED_MODULE_4__/* .savedWith */ .gn)(state, `cache entry '${key}'`, (chunks) => (0,_common_files_js__WEBPACK_IMPORTED_MODULE_3__/* .writeAtomically */ .v)(this.file, chunks));
            const id = await _actions_cache__WEBPACK_IMPORTED_MODULE_0__/* .saveCache */ .Io([CACHE_STATE_FILE], key);
            // saveCache logs and returns -1 on everything but validation errors.
            return id === -1
                ? { ok: false, reason: `the cache did not take entry '${key}' (see the cache warning above)` }
                : written;
        }
        catch (error) {
            return { ok: false, reason: `cache entry '${key}' could not be saved (${(0,_common_redact_js__WEBPACK_IMPORTED_MODULE_5__/* .redactReply */ .g)(error.message)})` };
        }
        finally {
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(this.file), { recursive: true, force: true });
        }
    }
}


/***/ }),

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


/***/ })

};
