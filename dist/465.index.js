export const id = 465;
export const ids = [465];
export const modules = {

/***/ 74465:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   promote: () => (/* binding */ promote)
/* harmony export */ });
/* unused harmony exports NAMES_LISTED, said */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _aws_error_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(24931);
/* harmony import */ var _default_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4344);
/* harmony import */ var _identity_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(16367);
/* harmony import */ var _release_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(23373);
/* harmony import */ var _session_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(28270);
/* harmony import */ var _tags_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(99580);
/* harmony import */ var _versions_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(82128);








/** Version names listed in a not-found message, newest first. */
const NAMES_LISTED = 20;
async function promote(o) {
    return (0,_session_js__WEBPACK_IMPORTED_MODULE_5__/* .withSession */ .f)(o, 'Re-run: promote checks where the default is first. If it needs more time, raise timeout-seconds.', (clients, ctx) => run(o, { ...ctx, ssm: clients.ssm, name: o.name }, clients));
}
const ref = (v) => ({
    documentVersion: v.DocumentVersion ?? '',
    versionName: v.VersionName,
});
const refOf = (d) => ({
    documentVersion: d.defaultVersion,
    versionName: d.defaultVersionName,
});
/** `1.2.0 (document version 7)`, or `document version 7` for a version without a name. */
const said = (v) => v.versionName
    ? `${v.versionName} (document version ${v.documentVersion})`
    : `document version ${v.documentVersion}`;
async function run(o, ctx, clients) {
    const progress = o.progress ?? {
        documentName: o.name,
        before: undefined,
        target: undefined,
        updateSent: false,
    };
    const versions = await (0,_versions_js__WEBPACK_IMPORTED_MODULE_7__/* .listVersions */ .yO)(ctx);
    if (!versions) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ('not-found', `There is no package ${o.name} in ${o.region}.`, {
            hint: 'Check `name` and `region` (or AWS_REGION): promote moves the default of a package that publish created.',
            code: 'InvalidDocument',
        });
    }
    const current = await (0,_default_js__WEBPACK_IMPORTED_MODULE_2__/* .describeDefault */ .ZA)(ctx);
    const before = refOf(current);
    progress.before = before;
    const rollback = 'rollback' in o.target;
    const chosen = 'versionName' in o.target
        ? byName(o.name, versions, o.target.versionName)
        : await previousDefault(ctx, versions, current);
    const target = chosen.version;
    progress.target = ref(target);
    o.log(`Target: ${said(ref(target))}. ${chosen.reason}`);
    refuseInactive(o.name, target);
    const notices = [];
    // The document ARN only when a release step needs it (associations may name the package by it).
    const rctx = o.canary || o.rollout
        ? {
            ...ctx,
            ssmOnce: clients.ssmOnce,
            documentArn: (await (0,_identity_js__WEBPACK_IMPORTED_MODULE_3__/* .whoAmI */ .W)(clients.sts, ctx, o.region, o.name)).arn,
        }
        : undefined;
    const isDefault = before.documentVersion === target.DocumentVersion;
    if (o.canary && rctx) {
        if (isDefault)
            notices.push(`canary-targets: ${said(ref(target))} is already the default version, so the canary group was not run; the associations that follow the default install it already.`);
        else if (!target.VersionName)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ('input', `${said(ref(target))} has no version name, and AWS-ConfigureAWSPackage installs a pinned version by its name; the canary group was not run and the default was not changed.`, {
                hint: 'Promote a version published with a version name (publish always gives one), or remove canary-targets.',
            });
        else
            await (0,_release_js__WEBPACK_IMPORTED_MODULE_4__/* .canaryStep */ .p3)(rctx, o.canary, { versionName: target.VersionName, documentVersion: target.DocumentVersion ?? '' }, progress);
    }
    let after = before;
    let changed = false;
    let recorded = false;
    if (isDefault) {
        o.log(`${said(ref(target))} is already the default version of ${o.name}: nothing to change.`);
    }
    else {
        progress.updateSent = true;
        const moved = await (0,_default_js__WEBPACK_IMPORTED_MODULE_2__/* .moveDefault */ .$P)(ctx, ref(target), current);
        after = refOf(moved.after);
        changed = moved.changed;
        recorded = moved.changed && moved.recordProblem === undefined;
        if (moved.recordProblem)
            notices.push(moved.recordProblem);
    }
    progress.after = after;
    progress.changed = changed;
    if (o.rollout && rctx)
        await (0,_release_js__WEBPACK_IMPORTED_MODULE_4__/* .rolloutStep */ .Ab)(rctx, o.rollout, progress);
    return {
        documentName: o.name,
        rollback,
        target: ref(target),
        source: chosen.source,
        reason: chosen.reason,
        before,
        after,
        changed,
        recorded,
        notices,
        consoleUrl: consoleUrl(o.name, o.region),
        ...(progress.canary ? { canary: progress.canary } : {}),
        ...(progress.rollout ? { rollout: progress.rollout } : {}),
    };
}
function consoleUrl(name, region) {
    if (/^(cn|us-gov|us-iso)/.test(region))
        return undefined;
    return `https://${region}.console.aws.amazon.com/systems-manager/documents/${encodeURIComponent(name)}/description?region=${region}`;
}
function byName(name, versions, versionName) {
    const v = versions.find((x) => x.VersionName === versionName);
    if (v)
        return { version: v, source: 'version', reason: 'Named by the `version` input.' };
    const names = versions
        .slice()
        .reverse()
        .map((x) => x.VersionName)
        .filter((n) => n !== undefined);
    const shown = names.slice(0, NAMES_LISTED).map((n) => (0,_aws_error_js__WEBPACK_IMPORTED_MODULE_1__/* .serverText */ .Tn)(n, undefined, 128));
    const more = names.length > shown.length ? `, and ${names.length - shown.length} more` : '';
    const known = shown.length > 0
        ? `Its versions, newest first: ${shown.join(', ')}${more}.`
        : 'It has no named versions.';
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ('not-found', `${name} has no version named ${versionName}. ${known}`, {
        hint: 'Set `version` to one of the published version names (publish it first if it is new).',
        code: 'VersionNameNotFound',
    });
}
/**
 * The rollback target: the previous default this action recorded when it last moved the default, if that
 * record still describes the current default and names a version that exists; else the newest Active
 * version older than the current default. The reason says which and why.
 */
async function previousDefault(ctx, versions, current) {
    const record = (0,_default_js__WEBPACK_IMPORTED_MODULE_2__/* .rollbackRecord */ .Ci)(await (0,_tags_js__WEBPACK_IMPORTED_MODULE_6__/* .listTags */ .c)(ctx));
    let why;
    if (!record)
        why = `the document has no rollback record (tag ${_default_js__WEBPACK_IMPORTED_MODULE_2__/* .ROLLBACK_TAGS */ .Xc.previous})`;
    else if (record.setTo !== undefined && record.setTo !== current.defaultVersion)
        why = `the rollback record is stale: it was written when document version ${record.setTo} became the default, and the default is ${current.defaultVersion} now (moved by something else)`;
    else if (record.previous.documentVersion === current.defaultVersion)
        why = `the recorded previous default is the current default (${current.defaultVersion})`;
    else {
        const v = versions.find((x) => x.DocumentVersion === record.previous.documentVersion);
        if (v)
            return {
                version: v,
                source: 'recorded',
                reason: `Rollback: the previous default, recorded (tag ${_default_js__WEBPACK_IMPORTED_MODULE_2__/* .ROLLBACK_TAGS */ .Xc.previous}) when document version ${current.defaultVersion} became the default.`,
            };
        why = `the recorded previous default (document version ${record.previous.documentVersion}${record.previous.versionName ? `, ${record.previous.versionName}` : ''}) no longer exists`;
    }
    const n = Number(current.defaultVersion);
    const older = versions.filter((v) => Number(v.DocumentVersion) < n && v.Status === 'Active');
    const pick = older.at(-1);
    if (!pick) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ('not-found', `Nothing to roll back to: ${why}, and ${ctx.name} has no Active version older than its default, document version ${current.defaultVersion}.`, { hint: 'Name the version to make the default with `version` instead of `rollback: true`.' });
    }
    return {
        version: pick,
        source: 'history',
        reason: `Rollback: ${why}, so the target is the newest Active version older than the current default (document version ${current.defaultVersion}).`,
    };
}
/** Only an Active version may become the default: the agent refuses to install any other. */
function refuseInactive(name, v) {
    const status = v.Status ?? 'unknown';
    if (status === 'Active')
        return;
    const info = v.StatusInformation
        ? `: ${(0,_aws_error_js__WEBPACK_IMPORTED_MODULE_1__/* .serverText */ .Tn)(v.StatusInformation).replace(/\.$/, '')}`
        : ' (no StatusInformation)';
    const hint = status === 'Creating' || status === 'Updating'
        ? 'AWS is still ingesting it: wait until it is Active (the publish step waits for that), then re-run.'
        : status === 'Failed'
            ? 'A Failed version never becomes Active: publish a fixed version under a new version name and promote that.'
            : 'Promote an Active version.';
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ('conflict', `${said(ref(v))} of ${name} is ${status}, not Active${info}. The default was not changed.`, { hint, code: `Status${status}` });
}


/***/ })

};
