export const id = 175;
export const ids = [175];
export const modules = {

/***/ 9175:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deliverEmail: () => (/* binding */ deliverEmail),
  emailLine: () => (/* binding */ emailLine)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/notify/email/digest.ts
var email_digest = __webpack_require__(5572);
// EXTERNAL MODULE: ./src/notify/email/mail.ts
var email_mail = __webpack_require__(1143);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 6 modules
var core = __webpack_require__(6251);
// EXTERNAL MODULE: ./src/common/retry.ts
var retry = __webpack_require__(9183);
// EXTERNAL MODULE: ./src/notify/email/https.ts
var https = __webpack_require__(4123);
// EXTERNAL MODULE: ./src/common/redact.ts
var redact = __webpack_require__(6800);
// EXTERNAL MODULE: ./src/common/time.ts
var time = __webpack_require__(292);
;// CONCATENATED MODULE: ./src/notify/email/graph.ts





/**
 * Graph takes at most 4 MB in one request; a MIME sendMail's body is the message in base64, a third
 * larger than the message itself.
 */
const GRAPH_REQUEST_LIMIT_BYTES = 4 * 1024 * 1024;
const MAX_MIME_BYTES = Math.floor(GRAPH_REQUEST_LIMIT_BYTES / 4) * 3;
const DEFAULT_GRAPH_RETRY = { maxAttempts: 4, baseDelayMs: 2000, maxDelayMs: 30000 };
/** A Retry-After longer than two minutes is not waited for: the next scheduled run retries instead. */
const RETRY_AFTER_CAP = { maxMs: 2 * time/* MINUTE */.pY, longer: 'give-up' };
class GraphFailure extends Error {
    status;
    code;
    detail;
    retryAfterMs;
    constructor(status, code, detail, retryAfterMs) {
        super(`${status} ${code}`);
        this.status = status;
        this.code = code;
        this.detail = detail;
        this.retryAfterMs = retryAfterMs;
    }
}
/** Graph's own words from an error body, on one short line. */
function graphError(body) {
    try {
        const { error } = JSON.parse(body);
        const words = (value) => (typeof value === 'string' ? (0,redact/* redactReply */.g)(value) : '');
        return { code: words(error?.code) || 'no code', detail: words(error?.message) };
    }
    catch {
        return { code: 'no code', detail: '' };
    }
}
function isTransient(error) {
    if (error instanceof GraphFailure) {
        return error.status === 429 || error.status >= 500;
    }
    return ['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN'].includes(error.code ?? '');
}
/** What failed and what to change, naming the mailbox Graph sends as. */
function explain(error, mailbox) {
    if (!(error instanceof GraphFailure))
        return `Graph sendMail as ${mailbox} failed: ${(0,redact/* redactReply */.g)(error.message)}.`;
    const said = `${error.status} ${error.code}${error.detail ? `: ${error.detail}` : ''}`;
    switch (error.status) {
        case 401:
            return `Graph did not accept the app's token (${said}): check graph-tenant-id, graph-client-id and graph-cloud.`;
        case 403:
            return (`Graph refused to send as ${mailbox} (${said}). The Entra app needs the Mail.Send application permission ` +
                `with admin consent, and Exchange must let it send as ${mailbox}: add ${mailbox} to the app's ` +
                `management scope (RBAC for Applications) or to the group of its application access policy (README, Microsoft 365).`);
        case 404:
            return `Graph found no mailbox ${mailbox} (${said}): email-from must be a mailbox (a user or shared mailbox) in the app's tenant.`;
        case 413:
            return `Graph refused the email as too large (${said}): it takes at most ${GRAPH_REQUEST_LIMIT_BYTES / 1048576} MB per request.`;
        case 429:
            return `Graph kept throttling sendMail as ${mailbox} (${said}); the next run retries.`;
        default:
            return `Graph sendMail as ${mailbox} failed (${said}).`;
    }
}
/** Sends rendered mail as `mailbox` through Graph's MIME sendMail, retrying throttling and 5xx. */
class GraphTransport {
    endpoint;
    mailbox;
    accessToken;
    options;
    maxMimeBytes = MAX_MIME_BYTES;
    constructor(endpoint, mailbox, accessToken, options = {}) {
        this.endpoint = endpoint;
        this.mailbox = mailbox;
        this.accessToken = accessToken;
        this.options = options;
    }
    async send(mail) {
        const url = `${this.endpoint}/v1.0/users/${encodeURIComponent(this.mailbox)}/sendMail`;
        const body = mail.eml.toString('base64');
        const attempt = async () => {
            const res = await (0,https/* httpsRequest */.L)(url, {
                method: 'POST',
                headers: { Authorization: `Bearer ${await this.accessToken()}`, 'Content-Type': 'text/plain' },
                body
            }, { ca: this.options.ca, timeoutMs: this.options.timeoutMs ?? 30000 });
            if (res.status === 202 || res.status === 200)
                return;
            const { code, detail } = graphError(res.body);
            throw new GraphFailure(res.status, code, detail, (0,retry/* parseRetryAfter */.mu)(res.headers['retry-after'] ?? null));
        };
        try {
            await (0,retry/* withRetry */.bD)(attempt, {
                policy: this.options.retry ?? DEFAULT_GRAPH_RETRY,
                isTransient,
                askedDelayMs: (error) => (error instanceof GraphFailure ? error.retryAfterMs : undefined),
                askedDelayCap: RETRY_AFTER_CAP,
                onRetry: (error, n, delayMs) => this.options.onRetry?.(explain(error, this.mailbox), n, delayMs)
            });
        }
        catch (error) {
            if (error instanceof email_mail/* EmailError */.v)
                throw error;
            throw new email_mail/* EmailError */.v(explain(error, this.mailbox));
        }
    }
    close() { }
}

// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
// EXTERNAL MODULE: ./node_modules/nodemailer/dist/esm/nodemailer.js + 37 modules
var nodemailer = __webpack_require__(199);
;// CONCATENATED MODULE: ./src/notify/email/smtp.ts





const DEFAULT_EMAIL_RETRY = { maxAttempts: 4, baseDelayMs: 2000, maxDelayMs: 20000 };
function transportOptions(smtp, options, accessToken) {
    const timeoutMs = options.timeoutMs ?? 30000;
    return {
        host: smtp.host,
        port: smtp.port,
        secure: smtp.security === 'tls',
        // A server that does not offer STARTTLS must not get the credentials in plain text.
        requireTLS: smtp.security === 'starttls',
        ignoreTLS: smtp.security === 'none',
        auth: accessToken !== undefined
            ? { type: 'OAuth2', user: smtp.username, accessToken }
            : smtp.username !== undefined
                ? { user: smtp.username, pass: smtp.password }
                : undefined,
        tls: {
            rejectUnauthorized: true,
            minVersion: 'TLSv1.2',
            ...(options.ca ? { ca: [...external_node_tls_.rootCertificates, options.ca] } : {})
        },
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs * 2,
        logger: false,
        debug: false
    };
}
/** An untrusted, expired or misnamed certificate: the same on every attempt. A server's reply is not one. */
function isCertificateFailure(e) {
    if (e.responseCode !== undefined)
        return false;
    return (/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME/.test(e.originalCode ?? '') ||
        /certificate|self[- ]signed|unable to verify/i.test(e.message ?? ''));
}
/** 4xx replies and dropped connections pass; authentication, 5xx, TLS set-up and certificates do not. */
function isTransientSmtpFailure(error) {
    const e = error;
    if (e.code === 'EAUTH' || e.code === 'ETLS' || isCertificateFailure(e) || misconfiguration(e) !== undefined)
        return false;
    if (e.responseCode !== undefined)
        return e.responseCode >= 400 && e.responseCode < 500;
    return ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNRESET', 'EDNS'].includes(e.code ?? '');
}
function misconfiguration(e) {
    const text = `${e.message ?? ''} ${e.response ?? ''}`;
    if (/wrong version number|WRONG_VERSION_NUMBER|packet length too long|unknown protocol/i.test(text)) {
        return 'the server does not speak implicit TLS on this port; for port 587 or 25 use smtp://';
    }
    if (/Greeting never received/i.test(text)) {
        return 'no SMTP greeting arrived; the server may expect implicit TLS: for port 465 use smtps://';
    }
    return undefined;
}
// Exchange Online's replies once SMTP AUTH Basic is off for the tenant (MC786329).
const BASIC_AUTH_RETIRED = /5\.7\.30|5\.7\.139|Basic authentication is not supported|SmtpClientAuthentication is disabled/i;
const MODERN_AUTH_FIX = "remove smtp-url and set graph-tenant-id and graph-client-id (Graph sendMail; the job's OIDC token signs in), or add ?auth=oauth2 to smtp-url with the same Entra app; see the README, Microsoft 365";
/** One line that says what failed and what to change; the server's own reply where it gave one. */
function explainSmtpError(error, smtp) {
    const e = error;
    const where = `${smtp.host}:${smtp.port}`;
    const reply = (0,redact/* redactReply */.g)(e.response ?? e.message ?? String(error));
    const wrongPairing = misconfiguration(e);
    if (wrongPairing)
        return `Email via ${where} failed: ${wrongPairing}.`;
    if (BASIC_AUTH_RETIRED.test(reply) && !smtp.oauth2) {
        return `Email via ${where} failed: ${reply}. Microsoft 365 has retired passwords (Basic authentication) for SMTP: ${MODERN_AUTH_FIX}.`;
    }
    if (e.code === 'EAUTH' && smtp.oauth2) {
        return `SMTP XOAUTH2 login as ${smtp.username} failed at ${where}: ${reply}. The Entra app needs the SMTP.SendAsApp application permission, and Exchange a service principal for it with FullAccess to ${smtp.username} (README, Microsoft 365).`;
    }
    if (e.code === 'EAUTH') {
        return `SMTP authentication failed at ${where}: ${reply}. Check the user name and password in smtp-url (an app password where the provider still offers them; Microsoft 365 needs Graph or OAuth2, see the README).`;
    }
    if (e.code === 'ETLS' || e.command === 'STARTTLS') {
        return `Email via ${where} failed: the server did not complete STARTTLS (${reply}), and smtp:// never falls back to plain text.`;
    }
    if (isCertificateFailure(e)) {
        return `Email via ${where} failed: the server's certificate is not trusted (${reply}); not retried, as it would fail the same way. For a private or self-signed CA, set NODE_EXTRA_CA_CERTS on the step to its PEM file.`;
    }
    if (e.responseCode !== undefined)
        return `The SMTP server at ${where} refused the email: ${reply}`;
    return `Email via ${where} failed: ${reply}`;
}
/** Sends rendered mail through one SMTP server, retrying what is transient. */
class SmtpTransport {
    smtp;
    options;
    transport;
    retry;
    /** `accessToken` logs in with XOAUTH2 instead of the password. */
    constructor(smtp, options = {}, accessToken) {
        this.smtp = smtp;
        this.options = options;
        this.transport = nodemailer/* default.createTransport */.Ay.createTransport(transportOptions(smtp, options, accessToken));
        this.retry = options.retry ?? DEFAULT_EMAIL_RETRY;
    }
    /** nodemailer resolves when any recipient took the mail, and lists the others in `rejectedErrors`. */
    async send(mail) {
        try {
            const info = await (0,retry/* withRetry */.bD)(() => this.transport.sendMail({ envelope: mail.envelope, raw: mail.eml }), {
                policy: this.retry,
                isTransient: isTransientSmtpFailure,
                onRetry: (error, attempt, delayMs) => this.options.onRetry?.(explainSmtpError(error, this.smtp), attempt, delayMs)
            });
            return (info.rejectedErrors ?? []).map((e) => ({
                address: e.recipient ?? '',
                reply: (0,redact/* redactReply */.g)(e.response ?? e.message)
            }));
        }
        catch (error) {
            const e = error;
            // A refused recipient, or a permanent refusal of this mail: the server is there for the next one.
            throw new email_mail/* EmailError */.v(explainSmtpError(error, this.smtp), e.command === 'RCPT TO' || (e.responseCode ?? 0) >= 500);
        }
    }
    close() {
        this.transport.close();
    }
}

;// CONCATENATED MODULE: ./src/notify/email/transport.ts



/** The transport the config asks for, with its Entra token where it needs one. */
async function openTransport(config, options) {
    if (config.transport === 'smtp' && !config.smtp.oauth2)
        return new SmtpTransport(config.smtp, options);
    // msal is loaded only by those who sign in with an Entra app.
    const { EntraTokens, EXCHANGE_SMTP_SCOPE, graphScope } = await Promise.all(/* import() */[__webpack_require__.e(88), __webpack_require__.e(94), __webpack_require__.e(162)]).then(__webpack_require__.bind(__webpack_require__, 4162));
    const tokens = new EntraTokens(config.entra, {
        ca: options.ca,
        timeoutMs: options.timeoutMs ?? 30000,
        maskSecret: options.maskSecret ?? ((value) => core/* setSecret */.Pq(value)),
        getIdToken: options.getIdToken ?? ((audience) => core/* getIDToken */.V9(audience))
    });
    if (config.transport === 'smtp')
        return new SmtpTransport(config.smtp, options, await tokens.token(EXCHANGE_SMTP_SCOPE));
    // One token for the run's emails: it lives an hour, and each federated sign-in asks for an OIDC token.
    let token;
    const accessToken = () => (token ??= tokens.token(graphScope(config.graphEndpoint)));
    return new GraphTransport(config.graphEndpoint, config.fromAddress, accessToken, options);
}

// EXTERNAL MODULE: ./src/common/format.ts
var format = __webpack_require__(6950);
// EXTERNAL MODULE: ./src/notify/text/rows.ts
var text_rows = __webpack_require__(2116);
;// CONCATENATED MODULE: ./src/notify/email/owner-notice.ts


/** What ETD did, said to the person the message was aimed at. */
function sentence(verdict, remediation) {
    const article = /^[aeiou]/i.test(verdict) ? 'an' : 'a';
    return `identified as ${article} ${verdict} threat and ${remediation === 'no action taken' ? 'not yet removed' : remediation}`;
}
/** A notice lists at most this many of the owner's messages; the rest are counted. */
const OWNER_NOTICE_MAX_ROWS = 25;
function whomToAsk(options) {
    if (options.contact)
        return `Questions: ${options.contact}`;
    return options.replyTo ? 'Questions: reply to this email.' : 'Questions: ask your security team.';
}
/** The first line and the subject when messages are still in the inbox: the truth first, then what to do. */
function inboxWarning(inInbox) {
    const one = inInbox === 1;
    const them = one ? 'it' : 'them';
    return {
        subject: `[ETD] ${(0,format/* plural */.LS)(inInbox, 'dangerous message')} ${one ? 'is' : 'are'} still in your inbox — do not open ${them}`,
        first: `${one ? 'A dangerous message addressed to you is' : `${(0,format/* count */.U9)(inInbox)} dangerous messages addressed to you are`} still in your inbox. ` +
            `Do not open ${them}, do not reply, and do not follow links or open attachments: delete ${them}, or report ${them} as phishing.`
    };
}
/**
 * Said before any list: the sender and subject are the attacker's words, which a notice from the
 * security team must not seem to vouch for.
 */
const CLAIMED = 'The sender and subject below are what each message said about itself: whoever sent it wrote them, not your security team.';
/** The rows, and a count of those of `of` that are not among them. */
function listRows(lines, rows, of, where = '') {
    for (const r of rows) {
        lines.push(`- Received ${r.received}`);
        lines.push(`  The message said it came from: ${r.sender}`);
        lines.push(`  Its subject said: ${r.subject}`);
        lines.push(`  It was ${sentence(r.verdict, r.remediation)}.`);
        lines.push('');
    }
    if (of > rows.length)
        lines.push(`${(0,format/* plural */.LS)(of - rows.length, 'more message')}${where} not listed here.`, '');
}
const stopped = (n, also) => `Cisco Secure Email Threat Defense ${also ? 'also ' : ''}stopped ${n === 1 ? 'a' : `${(0,format/* count */.U9)(n)}${also ? ' more' : ''}`} dangerous message${n === 1 ? '' : 's'} addressed to you:`;
/**
 * One short plain-text email per monitored mailbox, listing only that mailbox's own messages: those still
 * in the inbox first, and then the subject and first line say so. The subject carries no attacker text.
 * With `totals`, every mailbox it counts gets a notice with its full counts, even when the run kept none
 * of its rows.
 */
function buildOwnerNotices(convictions, rule, timeZone, totals, options = {}) {
    const kept = new Map((0,text_rows/* groupByMailbox */.t$)(convictions, rule).map((g) => [g.address, g.messages]));
    const counts = totals?.mailboxes ?? new Map([...kept].map(([address, messages]) => [address, messages.length]));
    return [...counts]
        .filter(([address]) => address.includes('@'))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([address, total]) => {
        const messages = kept.get(address) ?? [];
        const inInbox = totals?.mailboxesActionNeeded.get(address) ?? messages.filter(text_rows/* needsAction */.U$).length;
        const listed = messages.slice(0, OWNER_NOTICE_MAX_ROWS);
        const rows = listed.map((m) => (0,text_rows/* toRow */.IL)(m, timeZone));
        const movedRows = rows.filter((r) => !r.actionNeeded);
        const lines = [];
        let subject = `[ETD] ${(0,format/* plural */.LS)(total, 'dangerous message')} to you ${total === 1 ? 'was' : 'were'} stopped`;
        if (inInbox > 0) {
            const warning = inboxWarning(inInbox);
            subject = warning.subject;
            lines.push(warning.first, whomToAsk(options), '', CLAIMED, '', `Still in your inbox (${(0,format/* count */.U9)(inInbox)}):`, '');
            listRows(lines, rows.filter((r) => r.actionNeeded), inInbox, ' still in your inbox,');
            if (total > inInbox) {
                lines.push(stopped(total - inInbox, true), '');
                listRows(lines, movedRows, total - inInbox);
            }
        }
        else {
            lines.push('Hello,', '', CLAIMED, '', stopped(total, false), '');
            listRows(lines, movedRows, total);
        }
        lines.push('Do not reply to the sender, open its attachments or follow its links. If you were expecting one of these', 'messages, or if the sender asked you for money, credentials or urgency, contact your security team.', ...(inInbox > 0 ? [] : [whomToAsk(options)]), '', 'This notice was sent automatically by ETD verdict watch.');
        return { to: address, subject, text: `${lines.join('\n')}\n`, total, inInbox, listed };
    });
}

// EXTERNAL MODULE: ./src/etd/clean.ts
var clean = __webpack_require__(2482);
// EXTERNAL MODULE: ./node_modules/nodemailer/dist/esm/addressparser/index.js
var addressparser = __webpack_require__(2844);
;// CONCATENATED MODULE: ./src/notify/email/owner-recipient.ts


/** RFC 5321's limit on a path. */
const MAX_ADDRESS = 254;
// A dot-atom local part and a dotted domain, letters of any script allowed: no space, quote, comma,
// angle bracket, colon, semicolon or control character, so nothing that a header parser splits or groups.
const PLAIN_ADDRESS = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+$/u;
/** One address of the plain shape: no quote, comment, space, list or group that a parser could read apart. */
const isPlainAddress = (mailbox) => mailbox.length <= MAX_ADDRESS && PLAIN_ADDRESS.test(mailbox);
/** A mailbox for a log line or a note: a plain address as it is, anything else cleaned like all ETD text. */
const shownMailbox = (mailbox) => (isPlainAddress(mailbox) ? mailbox : (0,clean/* clean */.uH)(mailbox));
/**
 * The one address an owner notice about `mailbox` (ETD text, or a pending notice from the restored
 * state) may go to, or `undefined`: it must be one plain address, read as exactly itself by the mail
 * library's own parser (so no list, group or display name), and a watched mailbox at the time of sending:
 * listed in `mailboxes`, or with `include-domains` inside a listed `*@domain`. With no `mailboxes` (every
 * mailbox of the tenant) no address qualifies.
 */
function ownerRecipient(mailbox, mailboxes, scope) {
    if (mailbox.length > MAX_ADDRESS)
        return undefined;
    // The parser decides what a mail library would make of the string: exactly this one mailbox, or no notice.
    const [only, ...more] = (0,addressparser/* default */.A)(mailbox);
    const one = more.length === 0 && only?.group === undefined && only?.name === '' && only.address === mailbox;
    // And, stricter than RFC 5322, nothing quoted, commented or spaced that another client might read apart.
    if (!one || !PLAIN_ADDRESS.test(mailbox))
        return undefined;
    const address = mailbox.toLowerCase();
    const domain = address.slice(address.indexOf('@'));
    const watched = mailboxes.some((pattern) => pattern.startsWith('*@') ? scope === 'include-domains' && pattern.slice(1) === domain : pattern === address);
    return watched ? { name: '', address } : undefined;
}

// EXTERNAL MODULE: ./src/state/pending-notices.ts
var pending_notices = __webpack_require__(8914);
;// CONCATENATED MODULE: ./src/notify/email/deliver.ts











const REPORT_NAME = 'etd-verdict-watch-report.json';
function digestMail(config, batch) {
    const digest = (0,email_digest/* buildDigest */.PW)({
        ...batch,
        maxRows: config.maxRows,
        reportName: batch.reportJson === undefined ? undefined : REPORT_NAME
    });
    return {
        to: config.to,
        replyTo: config.replyTo,
        subject: `${batch.test ? '[TEST] ' : ''}${digest.subject}`,
        text: digest.text,
        html: digest.html,
        attachments: batch.convictions.length > 0 && batch.reportJson !== undefined
            ? [{ filename: REPORT_NAME, content: batch.reportJson, contentType: 'application/json' }]
            : []
    };
}
/**
 * This run's owner notices, each to a watched address. `refused` says why others are not sent: one line
 * when `mailboxes` is empty (no owner is watched), else one per mailbox that is not a plain address (ETD
 * text, cleaned). A plain address outside the scope is left out without a word, as any unwatched mailbox.
 */
function ownerNotices(config, batch) {
    const scope = config.ownerNotices;
    if (scope === undefined || batch.test)
        return { addressed: [], refused: [] };
    if (batch.rule.mailboxes.length === 0) {
        return {
            addressed: [],
            refused: [
                "No owner notices: input 'mailboxes' is empty (every mailbox of the tenant), so no mailbox is a watched owner."
            ]
        };
    }
    const addressed = [];
    const refused = [];
    const notices = buildOwnerNotices(batch.convictions, batch.rule, batch.timeZone, batch.totals, noticeOptions(config));
    for (const notice of notices) {
        const recipient = ownerRecipient(notice.to, batch.rule.mailboxes, scope);
        if (recipient)
            addressed.push({ notice, recipient });
        else if (!isPlainAddress(notice.to)) {
            refused.push(`No owner notice to ${(0,clean/* clean */.uH)(notice.to)}: ETD names it as a mailbox, but it is not one plain address.`);
        }
    }
    return { addressed, refused };
}
const noticeOptions = (config) => ({ contact: config.ownerContact, replyTo: config.replyTo !== undefined });
const ownerMail = (config, { notice, recipient }) => ({
    to: [recipient],
    replyTo: config.replyTo,
    subject: notice.subject,
    text: notice.text
});
/** An earlier run's notice built again, or none when its recipient is not a watched owner's one address now. */
function retryNotice(config, batch, pending) {
    const scope = config.ownerNotices;
    const recipient = scope && ownerRecipient(pending.to, batch.rule.mailboxes, scope);
    if (!recipient || batch.test)
        return undefined;
    const totals = {
        ...(0,text_rows/* emptyTotals */.Tf)(),
        total: pending.total,
        actionNeeded: pending.inbox,
        mailboxes: new Map([[pending.to, pending.total]]),
        mailboxesActionNeeded: new Map(pending.inbox > 0 ? [[pending.to, pending.inbox]] : [])
    };
    const [notice] = buildOwnerNotices((0,pending_notices/* convictionsOf */.xJ)(pending), batch.rule, batch.timeZone, totals, noticeOptions(config));
    return { notice, recipient };
}
/** Sends one owner notice on its own: `undefined` when delivered, else why not (naming no one else). */
async function sendNotice(config, transport, addressed) {
    try {
        await transport.send(await (0,email_mail/* renderEml */.Z)(config.from, ownerMail(config, addressed), 'windows'));
        return undefined;
    }
    catch (error) {
        if (!(error instanceof email_mail/* EmailError */.v))
            throw error;
        return { reason: /[.!?]$/.test(error.message) ? error.message : `${error.message}.`, answered: error.answered };
    }
}
/** The ids a given-up notice was about (state text, so cleaned), and how many more it counted. */
function convictionList(pending) {
    const more = pending.total - pending.messages.length;
    return `${pending.messages.map((m) => (0,clean/* clean */.uH)(m.id)).join(', ')}${more > 0 ? ` and ${(0,format/* count */.U9)(more)} more` : ''}`;
}
/** A dry run writes each email as an .eml file beside the report instead of sending it. */
async function writeDryRun(config, mails, reportPath) {
    const dir = (0,external_node_path_.join)((0,external_node_path_.dirname)(reportPath), 'emails');
    await (0,promises_.mkdir)(dir, { recursive: true });
    const paths = [];
    for (const [i, mail] of mails.entries()) {
        const to = mail.to[0];
        const name = (typeof to === 'string' ? to : to.address).replace(/[^a-z0-9@.-]/gi, '_');
        const path = (0,external_node_path_.join)(dir, i === 0 ? 'digest.eml' : `owner-${i}-${name}.eml`);
        await (0,promises_.writeFile)(path, (await (0,email_mail/* renderEml */.Z)(config.from, mail)).eml);
        paths.push(path);
    }
    return paths[0];
}
const megabytes = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
/**
 * The digest as MIME, within the transport's size limit: over it, the digest is rendered again without
 * the JSON report and with a note saying where every conviction is; rows are capped at 200.
 */
async function fitted(config, batch, transport) {
    const rendered = await (0,email_mail/* renderEml */.Z)(config.from, digestMail(config, batch), 'windows');
    const limit = transport.maxMimeBytes;
    if (limit === undefined || rendered.eml.length <= limit)
        return { mail: rendered };
    // The report file goes with the runner: the run's page is what outlives the job.
    const where = batch.runUrl
        ? `Instead, ${(0,text_rows/* runListsAll */.wS)('every conviction')}: ${batch.runUrl}.`
        : `The report at ${batch.reportPath} lists every conviction.`;
    const note = `The JSON report was left out: with it this email would be ${megabytes(rendered.eml.length)}, over the ${megabytes(limit)} the email transport takes. ${where}`;
    const digest = digestMail(config, { ...batch, reportJson: undefined });
    const trimmed = await (0,email_mail/* renderEml */.Z)(config.from, {
        ...digest,
        text: `${note}\n\n${digest.text}`,
        html: digest.html?.replace(/<body[^>]*>/, (body) => `${body}<p><strong>${note}</strong></p>`)
    }, 'windows');
    if (trimmed.eml.length > limit) {
        throw new email_mail/* EmailError */.v(`The digest is ${megabytes(trimmed.eml.length)} even without the JSON report, over the ${megabytes(limit)} the email transport takes.`);
    }
    return { mail: trimmed, note: ' without the JSON report, which made it too large' };
}
/**
 * The administrator's digest and, when asked, a notice to each mailbox owner, each sent on its own. The
 * digest failing fails the channel before any owner is written to (the next run sends it all again). An
 * owner notice failing does not: it is named in a warning and kept in `pending`, so that later runs send
 * it to that owner alone, up to MAX_DELIVERY_ATTEMPTS runs; a refused digest recipient is named too.
 */
async function deliverEmail(config, batch, options = {}) {
    const retries = batch.pendingNotices ?? [];
    const digestDue = batch.convictions.length > 0 || config.whenEmpty;
    const quiet = { warnings: [], pending: { earlier: [...retries], fresh: [] } };
    if (!digestDue && (retries.length === 0 || batch.dryRun)) {
        return {
            sent: false,
            ownerNotices: 0,
            description: 'Nothing new, so no email (heartbeat is not every-run).',
            ...quiet
        };
    }
    const owners = ownerNotices(config, batch);
    if (batch.dryRun) {
        const mails = [digestMail(config, batch), ...owners.addressed.map((addressed) => ownerMail(config, addressed))];
        const emlPath = await writeDryRun(config, mails, batch.reportPath);
        return {
            sent: false,
            emlPath,
            ownerNotices: 0,
            description: `Dry run: the digest was written to ${emlPath}, not sent.`,
            ...quiet
        };
    }
    const transport = await openTransport(config, options);
    try {
        const warnings = [...owners.refused];
        const said = [];
        let messageId;
        if (digestDue) {
            const { mail, note } = await fitted(config, batch, transport);
            const refused = (await transport.send(mail)) ?? [];
            messageId = mail.messageId;
            said.push(`Digest emailed to ${config.to.join(', ')}${note ?? ''}`);
            for (const { address, reply } of refused) {
                warnings.push(`The digest was refused for ${address}: ${reply}. It is not sent there again: check email-to.`);
            }
        }
        // Once the server stops answering, the rest are not tried: each would wait out its retries to fail alike.
        let down;
        const send = async (addressed) => {
            if (down !== undefined)
                return `Not tried after an earlier one failed: ${down}`;
            const failure = await sendNotice(config, transport, addressed);
            if (failure && !failure.answered)
                down = failure.reason;
            return failure?.reason;
        };
        let delivered = 0;
        const fresh = [];
        for (const addressed of owners.addressed) {
            const { notice, recipient } = addressed;
            const failure = await send(addressed);
            if (failure === undefined)
                delivered++;
            else {
                fresh.push((0,pending_notices/* pendingNotice */.cX)(recipient.address, notice.listed, notice.total, notice.inInbox));
                warnings.push(`The owner notice to ${recipient.address} was not delivered: ${failure} It is sent again next run (attempt 1 of ${pending_notices/* MAX_DELIVERY_ATTEMPTS */.N}).`);
            }
        }
        const earlier = [];
        for (const pending of retries) {
            const addressed = retryNotice(config, batch, pending);
            if (addressed === undefined) {
                warnings.push(`An undelivered notice to ${shownMailbox(pending.to)} was dropped: it is not one plain, watched address with owner-notices on. Not told: convictions ${convictionList(pending)}.`);
                continue;
            }
            const failure = await send(addressed);
            if (failure === undefined) {
                delivered++;
                continue;
            }
            const next = (0,pending_notices/* afterFailure */.HP)(pending);
            if (next)
                earlier.push(next);
            warnings.push(next
                ? `The owner notice to ${addressed.recipient.address} was not delivered again: ${failure} It is sent again next run (attempt ${next.attempts} of ${pending_notices/* MAX_DELIVERY_ATTEMPTS */.N}).`
                : `Gave up notifying ${addressed.recipient.address} after ${pending_notices/* MAX_DELIVERY_ATTEMPTS */.N} attempts: ${failure} Not told: convictions ${convictionList(pending)}.`);
        }
        if (delivered > 0)
            said.push(`${(0,format/* plural */.LS)(delivered, 'mailbox owner notice')} delivered`);
        const undelivered = fresh.length + earlier.length;
        if (undelivered > 0)
            said.push(`${(0,format/* plural */.LS)(undelivered, 'owner notice')} to send again next run`);
        return {
            sent: messageId !== undefined || delivered > 0,
            messageId,
            ownerNotices: delivered,
            description: [`${said.join('; ') || 'No email delivered'}.`, ...warnings].join(' '),
            warnings,
            pending: { earlier, fresh }
        };
    }
    finally {
        transport.close();
    }
}
/** One mail of the watch's own to the digest's recipients: the line as its subject, or a subject and bodies. */
async function emailLine(config, line, options = {}, content = { subject: `[ETD] ${line}`, text: line }) {
    const transport = await openTransport(config, options);
    try {
        await transport.send(await (0,email_mail/* renderEml */.Z)(config.from, { to: config.to, ...content }, 'windows'));
    }
    finally {
        transport.close();
    }
    return `Email: "${line}" sent to ${config.to.join(', ')}.`;
}


/***/ }),

/***/ 5572:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Om: () => (/* binding */ linkLines),
/* harmony export */   PW: () => (/* binding */ buildDigest),
/* harmony export */   ey: () => (/* binding */ emailPage)
/* harmony export */ });
/* harmony import */ var _text_colors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6981);
/* harmony import */ var _text_html_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8468);
/* harmony import */ var _common_format_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6950);
/* harmony import */ var _text_format_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4482);
/* harmony import */ var _text_rows_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(2116);





/** Where every message is, when the digest leaves some out: the attachment, else the run's page, else (outside Actions) the file. */
function wholeList(input) {
    if (input.reportName)
        return `the attached ${input.reportName} lists every message`;
    if (input.runUrl)
        return `${(0,_text_rows_js__WEBPACK_IMPORTED_MODULE_4__/* .runListsAll */ .wS)()}: ${input.runUrl} (the report was too large to attach)`;
    return `the report at ${input.reportPath} lists every message (it was too large to attach)`;
}
/** Counts only, never attacker text; those still in the inbox first, since someone must act on them. */
function digestSubject(totals) {
    if (totals.total === 0)
        return '[ETD] All clear: no new convictions';
    const inbox = totals.actionNeeded > 0 ? `${(0,_common_format_js__WEBPACK_IMPORTED_MODULE_2__/* .count */ .U9)(totals.actionNeeded)} still in the inbox · ` : '';
    return `[ETD] ${inbox}${(0,_text_format_js__WEBPACK_IMPORTED_MODULE_3__/* .batchHeadline */ .N)(totals)}: ${(0,_text_format_js__WEBPACK_IMPORTED_MODULE_3__/* .verdictCounts */ .U)(totals)}`;
}
/** Our links (the issue, the run) as label and URL, for either part of an email. */
const linkLines = (links) => [
    ...(links?.issue ? [['Issue', links.issue]] : []),
    ...(links?.run ? [['Workflow run', links.run]] : [])
];
/**
 * The page every email of the watch is, around its content: one narrow column that reads the same at
 * 420 px as on a desktop, our links under the heading.
 */
function emailPage(heading, links, content) {
    const linked = linkLines(links)
        .map(([label, url]) => `${label}: <a href="${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_1__/* .inertHtml */ .y)(url)}">${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_1__/* .inertHtml */ .y)(url)}</a>`)
        .join('<br>');
    return ('<!doctype html><html><head><meta charset="utf-8">' +
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>' +
        '<body style="margin:0;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#111827">' +
        '<div style="max-width:640px;margin:0 auto;padding:12px;font-size:14px;overflow-wrap:anywhere;word-break:break-word">' +
        heading +
        (linked ? `<p>${linked}</p>` : '') +
        content +
        '</div></body></html>');
}
/**
 * Those still in the inbox first, then the rest grouped by mailbox, cut after `maxRows` rows in all; what
 * is left out is counted from `totals`, the whole batch.
 */
function limitedSections(input, totals) {
    const { inbox, rest } = (0,_text_rows_js__WEBPACK_IMPORTED_MODULE_4__/* .splitActionNeeded */ ._Y)(input.convictions);
    const inboxRows = inbox.slice(0, input.maxRows).map((m) => (0,_text_rows_js__WEBPACK_IMPORTED_MODULE_4__/* .toRow */ .IL)(m, input.timeZone));
    let budget = input.maxRows - inboxRows.length;
    let shown = 0;
    const groups = [];
    for (const { address, label, messages } of (0,_text_rows_js__WEBPACK_IMPORTED_MODULE_4__/* .groupByMailbox */ .t$)(rest, input.rule)) {
        if (budget <= 0)
            break;
        const rows = messages.slice(0, budget).map((m) => (0,_text_rows_js__WEBPACK_IMPORTED_MODULE_4__/* .toRow */ .IL)(m, input.timeZone));
        groups.push({ label, count: (0,_text_rows_js__WEBPACK_IMPORTED_MODULE_4__/* .movedInMailbox */ .NY)(totals, address), rows });
        budget -= rows.length;
        shown += rows.length;
    }
    const restTotal = [...totals.mailboxes.keys()].reduce((sum, mailbox) => sum + (0,_text_rows_js__WEBPACK_IMPORTED_MODULE_4__/* .movedInMailbox */ .NY)(totals, mailbox), 0);
    const inboxLeftOut = totals.actionNeeded - inboxRows.length;
    return { inbox: inboxRows, groups, leftOut: inboxLeftOut + restTotal - shown, inboxLeftOut };
}
const badge = (row) => `<span style="background:${_text_colors_js__WEBPACK_IMPORTED_MODULE_0__/* .VERDICT_COLORS */ .ZT.get(row.verdict) ?? _text_colors_js__WEBPACK_IMPORTED_MODULE_0__/* .OTHER_COLOR */ .XB};color:#fff;padding:1px 6px;border-radius:3px">${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_1__/* .inertHtml */ .y)(row.verdict)}</span>` +
    (row.retro ? ' <em>retro</em>' : '') +
    (row.previousVerdict ? ` <em>was ${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_1__/* .inertHtml */ .y)(row.previousVerdict)}</em>` : '');
const MUTED = 'color:#6b7280';
/**
 * One block per conviction, a label and a value a line: it reads the same at 420 px as on a desktop,
 * where a table of six columns showed three. `withMailboxes` for the leading section, whose rows are in
 * no mailbox group.
 */
function convictionHtml(r, withMailboxes) {
    const lines = [
        ['Received', r.received],
        ...(withMailboxes ? [['Mailboxes', r.mailboxes]] : []),
        ['From', r.sender],
        ['Techniques', r.techniqueSeverities],
        ['URLs', r.urls],
        ['Remediation', r.remediation]
    ];
    return (`<div style="border:1px solid #e5e7eb;border-left:4px solid ${_text_colors_js__WEBPACK_IMPORTED_MODULE_0__/* .VERDICT_COLORS */ .ZT.get(r.verdict) ?? _text_colors_js__WEBPACK_IMPORTED_MODULE_0__/* .OTHER_COLOR */ .XB};border-radius:4px;padding:8px 12px;margin:8px 0">` +
        `<div style="font-weight:600">${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_1__/* .inertHtml */ .y)(r.subject)}</div>` +
        `<div style="margin:4px 0">${badge(r)}</div>` +
        lines
            .filter(([, value]) => value)
            .map(([label, value]) => `<div><span style="${MUTED}">${label}:</span> ${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_1__/* .inertHtml */ .y)(value)}</div>`)
            .join('') +
        `<div style="${MUTED};font-size:12px">ETD id ${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_1__/* .inertHtml */ .y)(r.id)}</div></div>`);
}
const blocksHtml = (rows, withMailboxes) => rows.map((r) => convictionHtml(r, withMailboxes)).join('');
function html(input, totals, { inbox, groups, leftOut, inboxLeftOut }) {
    const action = (0,_text_rows_js__WEBPACK_IMPORTED_MODULE_4__/* .actionNeededLine */ .In)(totals);
    const moved = (0,_text_rows_js__WEBPACK_IMPORTED_MODULE_4__/* .movedLine */ .av)(totals);
    const sections = groups.map(({ label, count, rows }) => `<h3 style="margin:16px 0 4px">${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_1__/* .inertHtml */ .y)(label)} (${count})</h3>` + blocksHtml(rows, false));
    const body = totals.total === 0
        ? '<p>All clear: no new convictions in the watched mailboxes.</p>'
        : (action
            ? `<h2 style="margin:16px 0 4px;color:#b91c1c">${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_1__/* .inertHtml */ .y)(action)}</h2>` + blocksHtml(inbox, true)
            : '') +
            `<p>Cisco Secure Email Threat Defense in the watched mailboxes: ${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_1__/* .inertHtml */ .y)((0,_text_format_js__WEBPACK_IMPORTED_MODULE_3__/* .batchHeadline */ .N)(totals))} (${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_1__/* .inertHtml */ .y)((0,_text_format_js__WEBPACK_IMPORTED_MODULE_3__/* .verdictCounts */ .U)(totals))}).</p>` +
            (moved && groups.length > 0 ? `<h2 style="margin:16px 0 4px">${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_1__/* .inertHtml */ .y)(moved)}</h2>` : '') +
            sections.join('') +
            (leftOut > 0 ? `<p>${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_1__/* .inertHtml */ .y)(`${(0,_text_rows_js__WEBPACK_IMPORTED_MODULE_4__/* .leftOutCount */ .fk)(leftOut, inboxLeftOut)}; ${wholeList(input)}`)}.</p>` : '');
    return emailPage(`<h2 style="margin:0 0 8px">ETD verdict watch</h2><p style="color:#4b5563">Window ${(0,_common_format_js__WEBPACK_IMPORTED_MODULE_2__/* .formatWindow */ .A4)(input.window, input.timeZone)}</p>`, { issue: input.issueUrl, run: input.runUrl }, body);
}
function textRows(lines, rows, withMailboxes) {
    for (const r of rows) {
        lines.push(`- ${r.received}  ${(0,_text_rows_js__WEBPACK_IMPORTED_MODULE_4__/* .verdictNote */ .gG)(r)}  from ${r.sender}`);
        if (withMailboxes)
            lines.push(`  To: ${r.mailboxes}`);
        lines.push(`  Subject: ${r.subject}`);
        if (r.techniqueSeverities)
            lines.push(`  Techniques: ${r.techniqueSeverities}`);
        if (r.urls)
            lines.push(`  URLs: ${r.urls}`);
        lines.push(`  Remediation: ${r.remediation}`);
        lines.push(`  ETD id: ${r.id}`);
    }
    lines.push('');
}
function text(input, totals, { inbox, groups, leftOut, inboxLeftOut }) {
    const lines = [
        'ETD verdict watch',
        `Window ${(0,_common_format_js__WEBPACK_IMPORTED_MODULE_2__/* .formatWindow */ .A4)(input.window, input.timeZone)}`,
        ...linkLines({ issue: input.issueUrl, run: input.runUrl }).map(([label, url]) => `${label}: ${url}`),
        ''
    ];
    if (totals.total === 0)
        return [...lines, 'All clear: no new convictions in the watched mailboxes.', ''].join('\n');
    const action = (0,_text_rows_js__WEBPACK_IMPORTED_MODULE_4__/* .actionNeededLine */ .In)(totals);
    if (action) {
        lines.push(`== ${action}`);
        textRows(lines, inbox, true);
    }
    lines.push(`${(0,_text_format_js__WEBPACK_IMPORTED_MODULE_3__/* .batchHeadline */ .N)(totals)}: ${(0,_text_format_js__WEBPACK_IMPORTED_MODULE_3__/* .verdictCounts */ .U)(totals)}`, '');
    const moved = (0,_text_rows_js__WEBPACK_IMPORTED_MODULE_4__/* .movedLine */ .av)(totals);
    if (moved && groups.length > 0)
        lines.push(`== ${moved}`, '');
    for (const { label, count, rows } of groups) {
        lines.push(`== ${label} (${count})`);
        textRows(lines, rows, false);
    }
    if (leftOut > 0)
        lines.push(`${(0,_text_rows_js__WEBPACK_IMPORTED_MODULE_4__/* .leftOutCount */ .fk)(leftOut, inboxLeftOut)}; ${wholeList(input)}.`, '');
    return lines.join('\n');
}
/** The administrator's digest: HTML with every message string escaped, and a plain-text twin. */
function buildDigest(input) {
    const { totals } = input;
    const sections = limitedSections(input, totals);
    return { subject: digestSubject(totals), html: html(input, totals, sections), text: text(input, totals, sections) };
}


/***/ }),

/***/ 4123:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   L: () => (/* binding */ httpsRequest),
/* harmony export */   b: () => (/* binding */ msalNetworkClient)
/* harmony export */ });
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4708);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_https__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1692);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_tls__WEBPACK_IMPORTED_MODULE_1__);


/**
 * One https request, for Entra and Graph alike. node:https rather than fetch because it takes a CA per
 * request; no redirects are followed, so a bearer token never travels to another host.
 */
function httpsRequest(url, init, options) {
    return new Promise((resolve, reject) => {
        const req = (0,node_https__WEBPACK_IMPORTED_MODULE_0__.request)(url, {
            method: init.method,
            headers: init.body !== undefined ? { ...init.headers, 'Content-Length': Buffer.byteLength(init.body) } : init.headers,
            ca: options.ca ? [...node_tls__WEBPACK_IMPORTED_MODULE_1__.rootCertificates, options.ca] : undefined,
            minVersion: 'TLSv1.2',
            timeout: options.timeoutMs
        }, (res) => {
            const chunks = [];
            res.on('data', (chunk) => chunks.push(chunk));
            res.on('error', reject);
            res.on('end', () => {
                // Header names come from the server: defined as own properties, never through Object.prototype.
                const headers = Object.fromEntries(Object.entries(res.headers).flatMap(([name, value]) => value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]]));
                resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
            });
        });
        req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
        req.on('error', reject);
        req.end(init.body);
    });
}
/** msal's network client over the same requests, so that Entra gets the same trust and timeouts as Graph. */
function msalNetworkClient(options) {
    const send = async (method, url, headers, body) => {
        const res = await httpsRequest(url, { method, headers, body }, options);
        let parsed;
        try {
            parsed = JSON.parse(res.body);
        }
        catch {
            // msal reads the status first and reports a body it cannot use as a server error.
            parsed = {};
        }
        return { status: res.status, headers: res.headers, body: parsed };
    };
    return {
        sendGetRequestAsync: (url, options) => send('GET', url, options?.headers),
        sendPostRequestAsync: (url, options) => send('POST', url, options?.headers, options?.body)
    };
}


/***/ }),

/***/ 1143:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Z: () => (/* binding */ renderEml),
/* harmony export */   v: () => (/* binding */ EmailError)
/* harmony export */ });
/* harmony import */ var nodemailer__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(199);

/** A failure to send, worded for the workflow log: what happened and what to change. */
class EmailError extends Error {
    answered;
    /** `answered`: the server refused this mail or a recipient of it, and may still take other mails. */
    constructor(message, answered = false) {
        super(message);
        this.answered = answered;
        this.name = 'EmailError';
    }
}
// Nothing a message names may be fetched or read from disk: its content is attacker-influenced.
const SAFE_CONTENT = { disableFileAccess: true, disableUrlAccess: true };
/** The email as MIME, CRLF as SMTP and Graph take it; `unix` newlines for .eml files of a dry run. */
async function renderEml(from, mail, newline = 'unix') {
    const transport = nodemailer__WEBPACK_IMPORTED_MODULE_0__/* ["default"].createTransport */ .Ay.createTransport({ streamTransport: true, buffer: true, newline });
    const info = await transport.sendMail({ from, ...mail, ...SAFE_CONTENT });
    return { eml: info.message, messageId: info.messageId, envelope: info.envelope };
}


/***/ })

};
