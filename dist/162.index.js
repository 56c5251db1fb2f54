export const id = 162;
export const ids = [162];
export const modules = {

/***/ 4162:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EXCHANGE_SMTP_SCOPE: () => (/* binding */ EXCHANGE_SMTP_SCOPE),
/* harmony export */   EntraTokens: () => (/* binding */ EntraTokens),
/* harmony export */   graphScope: () => (/* binding */ graphScope)
/* harmony export */ });
/* unused harmony export OIDC_AUDIENCE */
/* harmony import */ var _azure_msal_node__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6094);
/* harmony import */ var _mail_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1143);
/* harmony import */ var _https_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4123);
/* harmony import */ var _common_redact_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6800);




/** The audience Entra expects in a GitHub OIDC token it exchanges (a federated identity credential). */
const OIDC_AUDIENCE = 'api://AzureADTokenExchange';
/** Exchange Online's SMTP AUTH XOAUTH2 resource. */
const EXCHANGE_SMTP_SCOPE = 'https://outlook.office365.com/.default';
const graphScope = (graphEndpoint) => `${graphEndpoint}/.default`;
/** Why Entra said no, and what to change: the AADSTS code picks the hint. */
function explain(entra, error) {
    const raw = error instanceof _azure_msal_node__WEBPACK_IMPORTED_MODULE_0__/* .AuthError */ .lR ? `${error.errorCode}: ${error.errorMessage}` : error.message;
    // msal wraps Entra's words in "Error(s): … - Description: AADSTS…: words - Correlation ID: …".
    const described = /Description: (.*?)(?: - Correlation ID|$)/.exec(raw.replace(/\s+/g, ' '))?.[1];
    const reply = (0,_common_redact_js__WEBPACK_IMPORTED_MODULE_3__/* .redactReply */ .g)(described ?? raw);
    const app = `app ${entra.clientId} in tenant ${entra.tenantId}`;
    const kind = entra.credential.kind;
    let hint = 'check graph-tenant-id, graph-client-id and the credential';
    if (/endpoints_resolution_error/.test(raw))
        hint = `${entra.authority} gave no sign-in metadata for tenant ${entra.tenantId}: check graph-tenant-id and graph-cloud, and that the runner reaches it`;
    else if (/network_error|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET/.test(raw))
        hint = `${entra.authority} could not be reached: check graph-cloud and the runner's network`;
    else if (/AADSTS700016/.test(raw))
        hint = `graph-client-id names no app in tenant ${entra.tenantId}`;
    else if (/AADSTS90002|AADSTS900023/.test(raw))
        hint = 'graph-tenant-id names no tenant';
    else if (kind === 'federated' && /AADSTS700213|AADSTS70021\b|AADSTS700211|AADSTS700212|AADSTS7000215/.test(raw))
        hint =
            "no federated credential of the app matches this job's OIDC token: add one with issuer https://token.actions.githubusercontent.com and subject repo:OWNER/REPO:ref:refs/heads/BRANCH (or repo:OWNER/REPO:environment:NAME)";
    else if (kind === 'certificate' && /AADSTS700027|AADSTS700023|AADSTS7000274|AADSTS7000215/.test(raw))
        hint = "graph-certificate does not match a certificate uploaded to the app's Certificates & secrets";
    else if (kind === 'secret' && /AADSTS7000215|AADSTS7000222/.test(raw))
        hint = 'graph-client-secret is wrong or expired: create a new one';
    return `No Entra token for ${app} (${reply}): ${hint}.`;
}
/** Access tokens for the Entra app, through Microsoft's msal, cached for the run. */
class EntraTokens {
    entra;
    options;
    app;
    constructor(entra, options) {
        this.entra = entra;
        this.options = options;
        const { credential } = entra;
        const auth = {
            clientId: entra.clientId,
            authority: `${entra.authority}/${entra.tenantId}`,
            // A known authority is trusted as given: msal asks it for its metadata and never runs instance
            // discovery against login.microsoftonline.com, which a national or private cloud cannot answer.
            knownAuthorities: [new URL(entra.authority).host]
        };
        if (credential.kind === 'secret')
            auth.clientSecret = credential.secret;
        else if (credential.kind === 'certificate') {
            auth.clientCertificate = { thumbprintSha256: credential.thumbprintSha256, privateKey: credential.privateKey };
        }
        else
            auth.clientAssertion = () => this.oidcToken();
        this.app = new _azure_msal_node__WEBPACK_IMPORTED_MODULE_0__/* .ConfidentialClientApplication */ .WR({
            auth,
            system: { networkClient: (0,_https_js__WEBPACK_IMPORTED_MODULE_2__/* .msalNetworkClient */ .b)(options), loggerOptions: { piiLoggingEnabled: false } }
        });
    }
    async oidcToken() {
        let token;
        try {
            token = await this.options.getIdToken(OIDC_AUDIENCE);
        }
        catch (error) {
            throw new _mail_js__WEBPACK_IMPORTED_MODULE_1__/* .EmailError */ .v(`No GitHub OIDC token for the Entra app without a secret or certificate (${(0,_common_redact_js__WEBPACK_IMPORTED_MODULE_3__/* .redactReply */ .g)(error.message)}): the job needs permissions: id-token: write.`);
        }
        this.options.maskSecret(token);
        return token;
    }
    /** Resolves to an access token for `scope`; rejects with an EmailError that says what to change. */
    async token(scope) {
        let accessToken;
        try {
            accessToken = (await this.app.acquireTokenByClientCredential({ scopes: [scope] }))?.accessToken;
        }
        catch (error) {
            if (error instanceof _mail_js__WEBPACK_IMPORTED_MODULE_1__/* .EmailError */ .v)
                throw error;
            throw new _mail_js__WEBPACK_IMPORTED_MODULE_1__/* .EmailError */ .v(explain(this.entra, error));
        }
        if (!accessToken)
            throw new _mail_js__WEBPACK_IMPORTED_MODULE_1__/* .EmailError */ .v(`Entra gave no access token for ${scope}.`);
        this.options.maskSecret(accessToken);
        return accessToken;
    }
}


/***/ })

};
