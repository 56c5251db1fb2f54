export const id = 343;
export const ids = [343];
export const modules = {

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

/***/ 2343:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   buildWeeklyEmail: () => (/* binding */ buildWeeklyEmail)
/* harmony export */ });
/* harmony import */ var _common_format_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6950);
/* harmony import */ var _text_colors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6981);
/* harmony import */ var _text_html_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8468);
/* harmony import */ var _digest_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5572);
/* harmony import */ var _text_weekly_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(826);





const THIS_WEEK = '#1f2937';
const WEEK_BEFORE = '#9ca3af';
const MUTED = 'color:#6b7280';
/** Characters of the longest bar in the plain-text part. */
const TEXT_BAR = 30;
const percent = (n, of) => (of > 0 ? Math.max(1, Math.round((n / of) * 100)) : 0);
/** A table that lays out like a block in every client: presentation only, no gaps, fixed columns. */
const grid = (rows) => `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;table-layout:fixed">${rows}</table>`;
/**
 * A bar of coloured parts, `share` of the cell wide: Outlook reads the `width` and `bgcolor` attributes,
 * the others the style; a non-breaking space keeps an empty cell from collapsing.
 */
function bar(parts, share) {
    const total = parts.reduce((sum, p) => sum + p.n, 0);
    if (total === 0 || share === 0)
        return '&nbsp;';
    const shown = parts.filter((p) => p.n > 0);
    // Rounded shares, the last one taking what is left, so that the parts fill the bar exactly.
    const widths = shown.map((p) => percent(p.n, total));
    widths[widths.length - 1] = Math.max(1, 100 - widths.slice(0, -1).reduce((a, b) => a + b, 0));
    const cells = shown
        .map((p, i) => `<td width="${widths[i]}%" bgcolor="${p.color}" style="width:${widths[i]}%;background:${p.color};height:14px;font-size:1px;line-height:1px">&nbsp;</td>`)
        .join('');
    return `<table role="presentation" width="${share}%" cellpadding="0" cellspacing="0" border="0" style="width:${share}%;border-collapse:collapse"><tr>${cells}</tr></table>`;
}
const swatch = (color) => `<span style="display:inline-block;width:10px;height:10px;background:${color};margin-right:4px"></span>`;
const cell = (content, style = '') => `<td style="padding:2px 4px;vertical-align:middle;${style}">${content}</td>`;
const colorOf = (key) => (key === '' ? _text_colors_js__WEBPACK_IMPORTED_MODULE_1__/* .OTHER_COLOR */ .XB : (0,_text_colors_js__WEBPACK_IMPORTED_MODULE_1__/* .verdictColor */ .p6)(key));
function dayBarsHtml(series, report) {
    if (series.days.length === 0)
        return `<p>No day of the week is on record.</p>`;
    const max = Math.max(1, ...series.days.map((d) => d.total));
    const rows = series.days
        .map((d) => {
        const parts = d.counts.map((n, k) => ({ n, color: colorOf(series.keys[k]) }));
        return `<tr>${cell((0,_text_html_js__WEBPACK_IMPORTED_MODULE_2__/* .inertHtml */ .y)(d.label), 'width:76px;white-space:nowrap')}${cell(bar(parts, percent(d.total, max)))}${cell((0,_common_format_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(d.total), 'width:44px;text-align:right')}</tr>`;
    })
        .join('');
    const legend = series.keys
        .map((key, k) => `<span style="white-space:nowrap;margin-right:12px">${swatch(colorOf(key))}${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_2__/* .inertHtml */ .y)(series.names[k])}</span> `)
        .join('');
    const note = (0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .utcDaysNote */ .A4)(report).trim();
    return `${grid(rows)}<p style="${MUTED};font-size:12px">${legend}${note ? `<br>${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_2__/* .inertHtml */ .y)(note)}` : ''}</p>`;
}
/** This week beside the week before, each verdict a pair of bars on one scale. */
function weekBarsHtml(report) {
    const rows = (0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .verdictRows */ .Vt)(report.watched.byVerdict);
    if (rows.length === 0)
        return '';
    const max = Math.max(1, ...rows.map((r) => Math.max(r.trend.current, r.trend.previous ?? 0)));
    const body = rows
        .map(({ key, name, trend }) => {
        const before = trend.previous === null
            ? cell('not known', `${MUTED};font-size:12px`)
            : cell(bar([{ n: trend.previous, color: WEEK_BEFORE }], percent(trend.previous, max)));
        return (`<tr>${cell(`<strong>${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_2__/* .inertHtml */ .y)(name)}</strong> <span style="${MUTED}">${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_2__/* .inertHtml */ .y)((0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .trendWords */ .nv)(trend))}</span>`, '')}</tr>` +
            `<tr>${cell(grid(`<tr>${cell('this week', `width:96px;${MUTED};font-size:12px`)}${cell(bar([{ n: trend.current, color: (0,_text_colors_js__WEBPACK_IMPORTED_MODULE_1__/* .verdictColor */ .p6)(key) }], percent(trend.current, max)))}${cell((0,_common_format_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(trend.current), 'width:44px;text-align:right')}</tr>`))}</tr>` +
            `<tr>${cell(grid(`<tr>${cell('the week before', `width:96px;${MUTED};font-size:12px`)}${before}${cell(trend.previous === null ? '' : (0,_common_format_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(trend.previous), 'width:44px;text-align:right')}</tr>`))}</tr>`);
    })
        .join('');
    return `<h3 style="margin:16px 0 4px">This week and the week before</h3>${grid(body)}`;
}
/** A top list: each name on its own line (a long one wraps), its bar and count under it. */
function topHtml(list) {
    const heading = `<h3 style="margin:16px 0 4px">${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_2__/* .inertHtml */ .y)(list.title)}</h3>`;
    if (list.items.length === 0)
        return `${heading}<p>None this week.</p>`;
    const shown = list.items.slice(0, _text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_TOP_SHOWN */ .hT);
    const max = Math.max(1, ...shown.map((i) => i.count));
    const rows = shown
        .map((item) => `<tr>${cell((0,_text_html_js__WEBPACK_IMPORTED_MODULE_2__/* .inertHtml */ .y)(item.name), 'padding-top:6px')}</tr>` +
        `<tr>${cell(grid(`<tr>${cell(bar([{ n: item.count, color: THIS_WEEK }], percent(item.count, max)))}${cell((0,_common_format_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(item.count), 'width:44px;text-align:right')}</tr>`))}</tr>`)
        .join('');
    const cut = list.items.length - shown.length;
    return heading + grid(rows) + (cut > 0 ? `<p style="${MUTED}">${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_2__/* .inertHtml */ .y)((0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .notShown */ .d5)(cut))}</p>` : '');
}
const note = (text, color) => `<p style="border-left:4px solid ${color};background:#fffbeb;padding:8px 12px;margin:8px 0">${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_2__/* .inertHtml */ .y)(text)}</p>`;
function html(report, links) {
    const notes = (0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .recordNotes */ .Jy)(report);
    const missing = (0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .missingWords */ .y4)(report);
    const lists = (0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .topLists */ .R_)(report);
    const section = (title) => `<h2 style="margin:24px 0 8px;font-size:18px">${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_2__/* .inertHtml */ .y)(title)}</h2>`;
    const p = (text) => `<p>${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_2__/* .inertHtml */ .y)(text)}</p>`;
    return (0,_digest_js__WEBPACK_IMPORTED_MODULE_3__/* .emailPage */ .ey)(`<h2 style="margin:0 0 8px">ETD weekly report</h2><p><strong>${(0,_text_html_js__WEBPACK_IMPORTED_MODULE_2__/* .inertHtml */ .y)((0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .watchedHeadline */ .Dt)(report))}</strong></p>`, links, notes.map((text) => note(text, '#d97706')).join('') +
        `<h3 style="margin:16px 0 4px">Convictions by day</h3>` +
        dayBarsHtml((0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .daySeries */ .cr)(report.watched.days, report.watched.gaps), report) +
        weekBarsHtml(report) +
        lists.watched.map(topHtml).join('') +
        `<h3 style="margin:16px 0 4px">Still in an inbox when told</h3>` +
        p((0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .followWords */ .rV)(report)) +
        p((0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .laterWords */ .Ye)(report)) +
        section('The whole tenant') +
        p((0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .tenantHeadline */ .vP)(report)) +
        (missing ? note(missing, '#6b7280') : '') +
        dayBarsHtml((0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .daySeries */ .cr)(report.tenant.days), report) +
        lists.tenant.map(topHtml).join('') +
        section('The watch') +
        p((0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .healthWords */ .c9)(report)));
}
const textBar = (n, max) => '#'.repeat(n > 0 ? Math.max(1, Math.round((n / max) * TEXT_BAR)) : 0);
function textDays(series) {
    if (series.days.length === 0)
        return ['No day of the week is on record.'];
    const max = Math.max(1, ...series.days.map((d) => d.total));
    return [
        ...series.days.map((d) => `  ${d.label}  ${String(d.total).padStart(4)}  ${textBar(d.total, max)}`),
        ...(series.names.length > 0
            ? [`  (${series.names.map((n, k) => `${n} ${series.days.reduce((s, d) => s + d.counts[k], 0)}`).join(', ')})`]
            : [])
    ];
}
function textTop(list) {
    if (list.items.length === 0)
        return [`${list.title}: none this week.`, ''];
    const shown = list.items.slice(0, _text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_TOP_SHOWN */ .hT);
    const cut = list.items.length - shown.length;
    return [
        `${list.title}:`,
        ...shown.map((item) => `  ${String(item.count).padStart(4)}  ${item.name}`),
        ...(cut > 0 ? [`  ${(0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .notShown */ .d5)(cut)}`] : []),
        ''
    ];
}
function text(report, links) {
    const notes = (0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .recordNotes */ .Jy)(report);
    const missing = (0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .missingWords */ .y4)(report);
    const lists = (0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .topLists */ .R_)(report);
    const verdicts = (0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .verdictRows */ .Vt)(report.watched.byVerdict);
    const lines = [
        'ETD weekly report',
        (0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .watchedHeadline */ .Dt)(report),
        ...(0,_digest_js__WEBPACK_IMPORTED_MODULE_3__/* .linkLines */ .Om)(links).map(([label, url]) => `${label}: ${url}`),
        '',
        ...notes.flatMap((text) => [`Note: ${text}`, '']),
        'Convictions by day:',
        ...textDays((0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .daySeries */ .cr)(report.watched.days, report.watched.gaps)),
        ...((0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .utcDaysNote */ .A4)(report) ? [`  ${(0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .utcDaysNote */ .A4)(report).trim()}`] : []),
        '',
        'By verdict:',
        ...verdicts.map(({ name, trend }) => `  ${name}: ${(0,_common_format_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(trend.current)}, ${(0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .trendWords */ .nv)(trend)}`),
        '',
        ...lists.watched.flatMap(textTop),
        (0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .followWords */ .rV)(report),
        (0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .laterWords */ .Ye)(report),
        '',
        '== The whole tenant',
        (0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .tenantHeadline */ .vP)(report),
        ...(missing ? [missing] : []),
        ...textDays((0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .daySeries */ .cr)(report.tenant.days)),
        '',
        ...lists.tenant.flatMap(textTop),
        '== The watch',
        (0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .healthWords */ .c9)(report),
        ''
    ];
    return lines.join('\n');
}
/** The weekly email: a subject of counts only, HTML with every ETD name escaped, and a plain-text part. */
function buildWeeklyEmail(report, links = {}) {
    return { subject: `[ETD] ${(0,_text_weekly_js__WEBPACK_IMPORTED_MODULE_4__/* .weeklyTitle */ .u_)(report)}`, html: html(report, links), text: text(report, links) };
}


/***/ })

};
