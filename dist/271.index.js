export const id = 271;
export const ids = [271];
export const modules = {

/***/ 7271:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deliverEmail: () => (/* binding */ deliverEmail)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/notify/escape.ts
var notify_escape = __webpack_require__(3242);
// EXTERNAL MODULE: ./src/notify/rows.ts
var notify_rows = __webpack_require__(796);
;// CONCATENATED MODULE: ./src/notify/digest.ts


const BADGE_COLORS = {
    BEC: '#8b0000',
    scam: '#b45309',
    phishing: '#c2410c',
    malicious: '#7f1d1d',
    spam: '#4b5563',
    graymail: '#6b7280',
    neutral: '#15803d'
};
const windowText = (w) => `${new Date(w.start).toISOString().replace('.000Z', 'Z')} to ${new Date(w.end).toISOString().replace('.000Z', 'Z')}`;
const reportPlace = (input) => input.reportName ? `the attached ${input.reportName}` : "the run's JSON report (too large to attach)";
function digestSubject(totals) {
    if (totals.total === 0)
        return '[ETD] All clear: no new convictions';
    return `[ETD] ${(0,notify_rows/* batchHeadline */.NV)(totals)}: ${(0,notify_rows/* verdictCounts */.US)(totals)}`;
}
/** Rows grouped by mailbox, cut after `maxRows` rows in all; `total` counts every row of the batch. */
function limitedGroups(input, totals) {
    const total = [...totals.mailboxes.values()].reduce((sum, n) => sum + n, 0);
    let budget = input.maxRows;
    let shown = 0;
    const groups = [];
    for (const { address, label, messages } of (0,notify_rows/* groupByMailbox */.t$)(input.convictions, input.rule)) {
        if (budget <= 0)
            break;
        const rows = messages.slice(0, budget).map(notify_rows/* toRow */.IL);
        groups.push({ label, count: totals.mailboxes.get(address) ?? messages.length, rows });
        budget -= rows.length;
        shown += rows.length;
    }
    return { groups, shown, total };
}
function html(input, totals, groups, leftOut) {
    const action = (0,notify_rows/* actionNeededLine */.In)(totals);
    const cell = 'style="padding:4px 8px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top"';
    const header = ['Received', 'From', 'Subject', 'Verdict', 'Techniques', 'Remediation'];
    const badge = (row) => `<span style="background:${BADGE_COLORS[row.verdict] ?? '#374151'};color:#fff;padding:1px 6px;border-radius:3px">${(0,notify_escape/* escapeHtml */.Z)(row.verdict)}</span>` +
        (row.retro ? ' <em>retro</em>' : '') +
        (row.previousVerdict ? ` <em>was ${(0,notify_escape/* escapeHtml */.Z)(row.previousVerdict)}</em>` : '');
    const sections = groups.map(({ label, count, rows }) => `<h3 style="margin:16px 0 4px">${(0,notify_escape/* escapeHtml */.Z)(label)} (${count})</h3>` +
        `<table style="border-collapse:collapse;font-size:13px"><tr>${header.map((h) => `<th ${cell}>${h}</th>`).join('')}</tr>` +
        rows
            .map((r) => `<tr>${[
            (0,notify_escape/* escapeHtml */.Z)(r.received),
            (0,notify_escape/* escapeHtml */.Z)(r.sender),
            `${(0,notify_escape/* escapeHtml */.Z)(r.subject)}<br><small style="color:#6b7280">ETD id ${(0,notify_escape/* escapeHtml */.Z)(r.id)}</small>`,
            badge(r),
            (0,notify_escape/* escapeHtml */.Z)(r.techniques),
            (0,notify_escape/* escapeHtml */.Z)(r.remediation)
        ]
            .map((v) => `<td ${cell}>${v}</td>`)
            .join('')}</tr>`)
            .join('') +
        '</table>');
    const body = totals.total === 0
        ? '<p>All clear: no new convictions in the watched mailboxes.</p>'
        : `<p>Cisco Secure Email Threat Defense in the watched mailboxes: ${(0,notify_escape/* escapeHtml */.Z)((0,notify_rows/* batchHeadline */.NV)(totals))} (${(0,notify_escape/* escapeHtml */.Z)((0,notify_rows/* verdictCounts */.US)(totals))}).</p>` +
            (action ? `<p style="color:#b91c1c"><strong>${(0,notify_escape/* escapeHtml */.Z)(action)}</strong>: listed first.</p>` : '') +
            sections.join('') +
            (leftOut > 0
                ? `<p>${(0,notify_rows/* plural */.LS)(leftOut, 'more row')} not shown; ${(0,notify_escape/* escapeHtml */.Z)(reportPlace(input))} lists every message.</p>`
                : '');
    return ('<!doctype html><html><head><meta charset="utf-8"></head>' +
        '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#111827">' +
        `<h2 style="margin:0 0 8px">ETD verdict watch</h2><p style="color:#4b5563">Window ${windowText(input.window)}</p>` +
        body +
        '</body></html>');
}
function digest_text(input, totals, groups, leftOut) {
    const lines = ['ETD verdict watch', `Window ${windowText(input.window)}`, ''];
    if (totals.total === 0)
        return [...lines, 'All clear: no new convictions in the watched mailboxes.', ''].join('\n');
    lines.push(`${(0,notify_rows/* batchHeadline */.NV)(totals)}: ${(0,notify_rows/* verdictCounts */.US)(totals)}`, '');
    const action = (0,notify_rows/* actionNeededLine */.In)(totals);
    if (action)
        lines.push(`${action}: listed first.`, '');
    for (const { label, count, rows } of groups) {
        lines.push(`== ${label} (${count})`);
        for (const r of rows) {
            lines.push(`- ${r.received}  ${(0,notify_rows/* verdictNote */.gG)(r)}  from ${r.sender}`);
            lines.push(`  Subject: ${r.subject}`);
            if (r.techniques)
                lines.push(`  Techniques: ${r.techniques}`);
            lines.push(`  Remediation: ${r.remediation}`);
            lines.push(`  ETD id: ${r.id}`);
        }
        lines.push('');
    }
    if (leftOut > 0)
        lines.push(`${(0,notify_rows/* plural */.LS)(leftOut, 'more row')} not shown; ${reportPlace(input)} lists every message.`, '');
    return lines.join('\n');
}
/** The administrator's digest: HTML with every message string escaped, and a plain-text twin. */
function buildDigest(input) {
    const totals = input.totals ?? (0,notify_rows/* totalsOf */.vA)(input.convictions, input.rule);
    const { groups, shown, total } = limitedGroups(input, totals);
    return {
        subject: digestSubject(totals),
        html: html(input, totals, groups, total - shown),
        text: digest_text(input, totals, groups, total - shown)
    };
}

// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
// EXTERNAL MODULE: ./node_modules/nodemailer/dist/esm/nodemailer.js + 37 modules
var nodemailer = __webpack_require__(199);
// EXTERNAL MODULE: ./src/common/retry.ts
var retry = __webpack_require__(9183);
;// CONCATENATED MODULE: ./src/notify/email.ts



/** A failure to send, worded for the workflow log: what happened and what to change. */
class EmailError extends Error {
    constructor(message) {
        super(message);
        this.name = 'EmailError';
    }
}
const DEFAULT_EMAIL_RETRY = { maxAttempts: 4, baseDelayMs: 2000, maxDelayMs: 20000 };
// Nothing a message names may be fetched or read from disk: its content is attacker-influenced.
const SAFE_CONTENT = { disableFileAccess: true, disableUrlAccess: true };
function transportOptions(smtp, timeoutMs) {
    return {
        host: smtp.host,
        port: smtp.port,
        secure: smtp.security === 'tls',
        // A server that does not offer STARTTLS must not get the credentials in plain text.
        requireTLS: smtp.security === 'starttls',
        ignoreTLS: smtp.security === 'none',
        auth: smtp.username !== undefined ? { user: smtp.username, pass: smtp.password } : undefined,
        tls: {
            rejectUnauthorized: true,
            minVersion: 'TLSv1.2',
            ...(smtp.ca ? { ca: [...external_node_tls_.rootCertificates, smtp.ca] } : {})
        },
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs * 2,
        logger: false,
        debug: false,
        ...SAFE_CONTENT
    };
}
/** 4xx replies and dropped connections pass; authentication, 5xx and TLS set-up do not. */
function isTransientSmtpFailure(error) {
    const e = error;
    if (e.code === 'EAUTH' || e.code === 'ETLS' || misconfiguration(e) !== undefined)
        return false;
    if (e.responseCode !== undefined)
        return e.responseCode >= 400 && e.responseCode < 500;
    return ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNRESET', 'EDNS'].includes(e.code ?? '');
}
function misconfiguration(e) {
    const text = `${e.message ?? ''} ${e.response ?? ''}`;
    if (/wrong version number|WRONG_VERSION_NUMBER|packet length too long|unknown protocol/i.test(text)) {
        return 'the server does not speak implicit TLS on this port; for port 587 or 25 use smtp-security: starttls (smtp://)';
    }
    if (/Greeting never received/i.test(text)) {
        return 'no SMTP greeting arrived; the server may expect implicit TLS: for port 465 use smtp-security: tls (smtps://)';
    }
    return undefined;
}
/** One line that says what failed and what to change; the server's own reply where it gave one. */
function explainSmtpError(error, smtp) {
    const e = error;
    const where = `${smtp.host}:${smtp.port}`;
    const reply = (e.response ?? e.message ?? String(error)).replace(/\s+/g, ' ').trim();
    const wrongPairing = misconfiguration(e);
    if (wrongPairing)
        return `Email via ${where} failed: ${wrongPairing}.`;
    if (e.code === 'EAUTH') {
        return `SMTP authentication failed at ${where}: ${reply}. Check smtp-username and smtp-password (Gmail and Microsoft 365 need an app password).`;
    }
    if (e.code === 'ETLS' || e.command === 'STARTTLS') {
        return `Email via ${where} failed: the server did not complete STARTTLS (${reply}), and smtp-security: starttls never falls back to plain text.`;
    }
    if (/certificate|self[- ]signed|CERT_|unable to verify/i.test(reply)) {
        return `Email via ${where} failed: the server's certificate is not trusted (${reply}). For a private CA, pass its PEM as smtp-ca.`;
    }
    if (e.responseCode !== undefined)
        return `The SMTP server at ${where} refused the email: ${reply}`;
    return `Email via ${where} failed: ${reply}`;
}
/** Sends mail through one SMTP server, retrying what is transient. */
class EmailSender {
    smtp;
    from;
    options;
    transport;
    retry;
    constructor(smtp, from, options = {}) {
        this.smtp = smtp;
        this.from = from;
        this.options = options;
        this.transport = nodemailer/* default.createTransport */.Ay.createTransport(transportOptions(smtp, options.timeoutMs ?? 30000));
        this.retry = options.retry ?? DEFAULT_EMAIL_RETRY;
    }
    /** Resolves to the Message-ID; rejects with an EmailError that explains the failure. */
    async send(mail) {
        try {
            const info = await (0,retry/* withRetry */.bD)(() => this.transport.sendMail({ from: this.from, ...mail, ...SAFE_CONTENT }), {
                policy: this.retry,
                isTransient: isTransientSmtpFailure,
                onRetry: (error, attempt, delayMs) => this.options.onRetry?.(explainSmtpError(error, this.smtp), attempt, delayMs)
            });
            return info.messageId;
        }
        catch (error) {
            throw new EmailError(explainSmtpError(error, this.smtp));
        }
    }
    close() {
        this.transport.close();
    }
}
/** The email exactly as it would be sent, as an .eml file's bytes, for dry runs. */
async function renderEml(from, mail) {
    const transport = nodemailer/* default.createTransport */.Ay.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    const info = await transport.sendMail({ from, ...mail, ...SAFE_CONTENT });
    return { eml: info.message, messageId: info.messageId };
}

;// CONCATENATED MODULE: ./src/notify/owner-notice.ts

/** What ETD did, said to the person the message was aimed at. */
function sentence(verdict, remediation) {
    const article = /^[aeiou]/i.test(verdict) ? 'an' : 'a';
    return `identified as ${article} ${verdict} threat and ${remediation === 'no action taken' ? 'not yet removed' : remediation}`;
}
/** A notice lists at most this many of the owner's messages; the rest are counted. */
const OWNER_NOTICE_MAX_ROWS = 25;
/**
 * One short plain-text email per monitored mailbox, listing only that mailbox's own messages. The
 * subject carries no attacker text. With `totals`, every mailbox it counts gets a notice with its full
 * count, even when the run kept none of its rows.
 */
function buildOwnerNotices(convictions, rule, totals) {
    const kept = new Map((0,notify_rows/* groupByMailbox */.t$)(convictions, rule).map((g) => [g.address, g.messages]));
    const counts = totals?.mailboxes ?? new Map([...kept].map(([address, messages]) => [address, messages.length]));
    return [...counts]
        .filter(([address]) => address.includes('@'))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([address, count]) => {
        const rows = (kept.get(address) ?? []).slice(0, OWNER_NOTICE_MAX_ROWS).map(notify_rows/* toRow */.IL);
        const lines = [
            'Hello,',
            '',
            count === 1
                ? 'Cisco Secure Email Threat Defense stopped a dangerous message addressed to you:'
                : `Cisco Secure Email Threat Defense stopped ${count} dangerous messages addressed to you:`,
            ''
        ];
        const inInbox = rows.filter((r) => r.actionNeeded).length;
        if (inInbox > 0) {
            lines.push(inInbox === 1
                ? 'The first one below is still in your inbox: delete it without opening it.'
                : `The first ${inInbox} below are still in your inbox: delete them without opening them.`, '');
        }
        for (const r of rows) {
            lines.push(`- Received ${r.received} from ${r.sender}`);
            lines.push(`  Subject: ${r.subject}`);
            lines.push(`  It was ${sentence(r.verdict, r.remediation)}.`);
            lines.push('');
        }
        if (count > rows.length)
            lines.push(`${(0,notify_rows/* plural */.LS)(count - rows.length, 'more message')} not listed here.`, '');
        lines.push('Do not reply to the sender, open its attachments or follow its links. If you were expecting one of these', 'messages, or if the sender asked you for money, credentials or urgency, contact your security team.', '', 'This notice was sent automatically by ETD verdict watch.');
        return {
            to: address,
            subject: `[ETD] ${(0,notify_rows/* plural */.LS)(count, 'dangerous message')} to you ${count === 1 ? 'was' : 'were'} stopped`,
            text: `${lines.join('\n')}\n`
        };
    });
}

;// CONCATENATED MODULE: ./src/notify/email-channel.ts





const REPORT_NAME = 'etd-verdict-watch-report.json';
function digestMail(config, batch) {
    const digest = buildDigest({
        convictions: batch.convictions,
        totals: batch.totals,
        rule: batch.rule,
        window: batch.window,
        maxRows: config.maxRows,
        reportName: batch.reportJson === undefined ? undefined : REPORT_NAME
    });
    return {
        to: config.to,
        subject: digest.subject,
        text: digest.text,
        html: digest.html,
        attachments: batch.convictions.length > 0 && batch.reportJson !== undefined
            ? [{ filename: REPORT_NAME, content: batch.reportJson, contentType: 'application/json' }]
            : []
    };
}
function ownerMails(config, batch) {
    if (!config.notifyOwners)
        return [];
    return buildOwnerNotices(batch.convictions, batch.rule, batch.totals).map((n) => ({
        to: [n.to],
        subject: n.subject,
        text: n.text
    }));
}
/** A dry run writes each email as an .eml file beside the report instead of sending it. */
async function writeDryRun(config, mails, reportPath) {
    const dir = (0,external_node_path_.join)((0,external_node_path_.dirname)(reportPath), 'emails');
    await (0,promises_.mkdir)(dir, { recursive: true });
    const paths = [];
    for (const [i, mail] of mails.entries()) {
        const path = (0,external_node_path_.join)(dir, i === 0 ? 'digest.eml' : `owner-${i}-${mail.to[0].replace(/[^a-z0-9@.-]/gi, '_')}.eml`);
        await (0,promises_.writeFile)(path, (await renderEml(config.from, mail)).eml);
        paths.push(path);
    }
    return paths[0];
}
/** The administrator's digest and, when asked, a notice to each mailbox owner. */
async function deliverEmail(config, batch, options = {}) {
    if (batch.convictions.length === 0 && !config.whenEmpty) {
        return { sent: false, ownerNotices: 0, description: 'Nothing new, so no email (email-when-empty is false).' };
    }
    const digest = digestMail(config, batch);
    const owners = ownerMails(config, batch);
    if (batch.dryRun) {
        const emlPath = await writeDryRun(config, [digest, ...owners], batch.reportPath);
        return {
            sent: false,
            emlPath,
            ownerNotices: 0,
            description: `Dry run: the digest was written to ${emlPath}, not sent.`
        };
    }
    const sender = new EmailSender(config.smtp, config.from, options);
    try {
        const messageId = await sender.send(digest);
        for (const mail of owners)
            await sender.send(mail);
        const notices = owners.length > 0 ? ` and ${owners.length} mailbox owner notice${owners.length === 1 ? '' : 's'}` : '';
        return {
            sent: true,
            messageId,
            ownerNotices: owners.length,
            description: `Digest emailed to ${config.to.join(', ')}${notices}.`
        };
    }
    finally {
        sender.close();
    }
}


/***/ })

};
