export const id = 277;
export const ids = [277];
export const modules = {

/***/ 13277:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  publish: () => (/* binding */ publish)
});

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ssm/dist-cjs/index.js
var dist_cjs = __webpack_require__(34736);
// EXTERNAL MODULE: ./src/aws/aws-error.ts
var aws_error = __webpack_require__(24931);
// EXTERNAL MODULE: ./src/aws/context.ts
var context = __webpack_require__(37510);
// EXTERNAL MODULE: ./src/aws/retry.ts
var retry = __webpack_require__(22495);
// EXTERNAL MODULE: ./src/aws/versions.ts
var aws_versions = __webpack_require__(82128);
;// CONCATENATED MODULE: ./src/aws/create.ts
// Creating the package version: CreateDocument (first version) or UpdateDocument($LATEST), converging
// after any answer that leaves the outcome open. What SSM holds under our version name decides: our
// manifest is success, another manifest a conflict.






/** Codes after which what SSM holds decides (a retry of ours, or a concurrent run, got there first). */
const RECONCILE = new Set([
    'DocumentAlreadyExists',
    'DuplicateDocumentVersionName',
    'DuplicateDocumentContent',
]);
async function createVersion(ctx, input) {
    const state = { exists: input.exists, lost: false, lostCreate: false };
    try {
        return await (0,retry/* retry */.L5)(() => createOnce(ctx, input, state), {
            ...context/* BACKOFF */.hH.update,
            // Everything final is an ActionError by now; what is left is worth another attempt.
            retryable: (e) => !(e instanceof errors/* ActionError */.lZ),
            onRetry: (r) => ctx.log(`${(0,aws_error/* errorCode */.CA)(r.error)} from SSM while creating ${input.versionName}: ${retryReason((0,aws_error/* errorCode */.CA)(r.error))}; again in ${r.delayMs} ms (${r.attempt}/${r.attempts - 1})`),
            timing: ctx.timing,
            signal: ctx.signal,
            deadline: ctx.deadline,
            onDeadline: ctx.deadlineError,
        });
    }
    catch (e) {
        throw (0,context/* ssmError */.ei)(ctx, state.exists ? 'UpdateDocument' : 'CreateDocument', e);
    }
}
function retryReason(code) {
    if (code === 'TooManyUpdates')
        return 'another update of the document is in progress';
    if (code === 'DocumentAlreadyExists')
        return 'the document appeared meanwhile, so the version is added to it';
    if (code === 'InvalidDocument')
        return 'the document was deleted meanwhile, so it is created again';
    return 'the version is not there';
}
async function createOnce(ctx, input, state) {
    try {
        return await send(ctx, input, state.exists);
    }
    catch (e) {
        if (ctx.signal.aborted)
            throw e;
        return await reconcile(ctx, input, state, e);
    }
}
async function send(ctx, input, exists) {
    const attachments = [{ Key: 'SourceUrl', Values: [input.sourceUrl] }];
    if (!exists) {
        const r = await ctx.ssm.send(new dist_cjs/* CreateDocumentCommand */.dk2({
            Name: ctx.name,
            Content: input.content,
            DocumentType: 'Package',
            DocumentFormat: 'JSON',
            VersionName: input.versionName,
            Attachments: attachments,
            ...(input.tags.length ? { Tags: input.tags } : {}),
        }), { abortSignal: ctx.signal });
        const v = r.DocumentDescription?.DocumentVersion ?? '1';
        ctx.log(`Created document ${ctx.name}, version ${v} (${input.versionName})`);
        return { documentVersion: v, versionCreated: true, documentCreated: true, tagsSet: true };
    }
    const r = await ctx.ssm.send(new dist_cjs/* UpdateDocumentCommand */.gym({
        Name: ctx.name,
        Content: input.content,
        DocumentFormat: 'JSON',
        DocumentVersion: '$LATEST',
        VersionName: input.versionName,
        Attachments: attachments,
    }), { abortSignal: ctx.signal });
    const v = r.DocumentDescription?.DocumentVersion ?? '';
    ctx.log(`Created version ${v} (${input.versionName}) of ${ctx.name}`);
    return { documentVersion: v, versionCreated: true, documentCreated: false, tagsSet: false };
}
/** Decides after a failed create: a result, an ActionError (final), or the raw error (worth another attempt). */
async function reconcile(ctx, input, state, e) {
    const code = (0,aws_error/* errorCode */.CA)(e);
    const op = state.exists ? 'UpdateDocument' : 'CreateDocument';
    if (code === 'TooManyUpdates')
        throw e;
    if (code === 'InvalidDocument' && state.exists) {
        state.exists = false; // deleted since this run looked
        throw e;
    }
    if (code === 'DocumentVersionLimitExceeded')
        throw await versionLimit(ctx, e);
    if (code === 'InvalidDocumentVersion' && state.exists) {
        throw new errors/* ActionError */.lZ('conflict', (0,context/* ssmError */.ei)(ctx, op, e).message, {
            hint: 'SSM did not accept $LATEST as the version to update: another writer is changing this document. Re-run once it is done.',
            code,
            cause: e,
        });
    }
    // A 5xx, reset or timeout, or a definite answer to a request the SDK had already sent before.
    const lost = (0,aws_error/* isAmbiguous */.X2)(e) || (0,aws_error/* sdkAttempts */.zp)(e) > 1;
    if (lost) {
        state.lost = true;
        state.lostCreate ||= !state.exists;
    }
    if (!lost && !RECONCILE.has(code))
        throw (0,context/* ssmError */.ei)(ctx, op, e);
    const found = await (0,aws_versions/* getVersion */.HF)(ctx, { versionName: input.versionName });
    if (found)
        return ours(ctx, input, state, found, code);
    if (code === 'DocumentAlreadyExists') {
        state.exists = true;
        throw e;
    }
    if (code === 'DuplicateDocumentContent')
        throw await duplicateContent(ctx, input, e);
    if (lost)
        throw e;
    throw (0,context/* ssmError */.ei)(ctx, op, e);
}
function ours(ctx, input, state, found, code) {
    if ((0,aws_versions/* canonicalJson */.dj)(found.content ?? '') !== input.canonical)
        throw (0,aws_versions/* versionConflict */.n7)(ctx.name, input.versionName, found, input.content, code);
    const why = state.lost
        ? 'this run created it; the answer to its request was lost'
        : 'another run published the same manifest under this name first';
    ctx.log(`Version ${found.documentVersion} (${input.versionName}) holds our manifest (${why}): continuing with it`);
    return {
        documentVersion: found.documentVersion,
        versionCreated: state.lost,
        documentCreated: state.lost && state.lostCreate,
        tagsSet: false,
    };
}
async function versionLimit(ctx, e) {
    const versions = await (0,aws_versions/* listVersions */.yO)(ctx).catch(() => undefined);
    return new errors/* ActionError */.lZ('limit', `${ctx.name} has ${versions?.length ?? 'too many'} versions, the most SSM allows for a package.`, {
        hint: `Delete old versions that are neither the default nor installed anywhere (aws ssm delete-document --name ${ctx.name} --version-name <old>), then re-run.`,
        code: 'DocumentVersionLimitExceeded',
        cause: e,
    });
}
async function duplicateContent(ctx, input, e) {
    const same = await (0,aws_versions/* findSameContent */.hI)(ctx, input.canonical);
    const where = same
        ? ` as version ${same.documentVersion} (version name ${same.versionName ?? 'none'})`
        : '';
    return new errors/* ActionError */.lZ('conflict', `SSM already holds this exact manifest${where}; a new version needs different content.`, {
        hint: `Publish it under that version name, or change the package and bump the version (${input.versionName} is free).`,
        code: 'DuplicateDocumentContent',
        cause: e,
    });
}

// EXTERNAL MODULE: ./src/aws/identity.ts
var identity = __webpack_require__(16367);
// EXTERNAL MODULE: ./src/aws/default.ts
var aws_default = __webpack_require__(4344);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-s3/dist-cjs/index.js
var client_s3_dist_cjs = __webpack_require__(53711);
// EXTERNAL MODULE: ./src/aws/associations.ts
var associations = __webpack_require__(26257);
// EXTERNAL MODULE: ./src/aws/s3.ts
var s3 = __webpack_require__(91075);
;// CONCATENATED MODULE: ./src/aws/lifecycle.ts
// The version lifecycle of a package: the version limit, checked before anything is uploaded, and
// keep-versions pruning. planPrune() is pure (the property test drives it); the rest reads what SSM holds
// (versions, the associations that pin a version) and deletes by document version, reading back after any
// answer that leaves the outcome open.









/**
 * Versions a package may hold: "Each package is held to a maximum of 25 versions" (the Distributor user
 * guide). The general SSM document quota is higher (1,000), and which of the two the service enforces for
 * Package documents is not settled (ssm-api.md §6, §12.1), so a document that already holds more than 25
 * versions proves the higher one applies to it: the check then steps aside and the service's
 * DocumentVersionLimitExceeded (create.ts) is the signal.
 */
const VERSION_LIMIT = 25;
/** The document AWS-ConfigureAWSPackage installs packages with; its associations carry `name` and `version`. */
/** Statuses a version may be deleted in: anything else is still changing (Creating, Updating, Deleting). */
const DELETABLE_STATUS = new Set(['Active', 'Failed']);
const num = (v) => (/^\d+$/.test(v) ? Number(v) : Number.POSITIVE_INFINITY);
const named = (v) => v.versionName === undefined
    ? { documentVersion: v.documentVersion }
    : { documentVersion: v.documentVersion, versionName: v.versionName };
/** Why `v` may never be deleted, or an empty list. */
function protections(v, input) {
    const why = [];
    if (v.isDefault)
        why.push('the default version');
    if (input.published !== undefined && v.documentVersion === input.published)
        why.push('the version this run published');
    const pins = input.pins
        .filter((p) => p.version === v.documentVersion || (v.versionName !== undefined && p.version === v.versionName))
        .map((p) => p.associationId);
    if (pins.length) {
        const ids = [...new Set(pins)].sort();
        why.push(`pinned by association${ids.length > 1 ? 's' : ''} ${ids.join(', ')}`);
    }
    if (!DELETABLE_STATUS.has(v.status ?? 'Active'))
        why.push(`status ${v.status} (still changing)`);
    for (const h of input.held ?? [])
        if (h.documentVersion === v.documentVersion)
            why.push(h.reason);
    return why;
}
/**
 * Which versions keep-versions deletes: as many as the versions beyond `keep`, the oldest first, skipping
 * every protected one (the default, the one just published, any an association pins, any not Active or
 * Failed, any held). Protected versions count toward `keep`; when too few can be deleted, all that can be
 * are, and `short` says how many over `keep` remain. The order of `versions` does not matter.
 */
function planPrune(input) {
    const seen = new Set();
    const versions = [...input.versions]
        .sort((a, b) => num(a.documentVersion) - num(b.documentVersion) || (a.documentVersion < b.documentVersion ? -1 : 1))
        .filter((v) => !seen.has(v.documentVersion) && seen.add(v.documentVersion));
    const keep = Math.max(0, Math.floor(input.keep));
    let excess = Math.max(0, versions.length - keep);
    const plan = { delete: [], kept: [], short: 0 };
    for (const v of versions) {
        const why = protections(v, input);
        if (excess > 0 && why.length === 0) {
            plan.delete.push(named(v));
            excess--;
        }
        else {
            plan.kept.push({ ...named(v), reason: why.length ? why.join('; ') : `within keep-versions (${keep})` });
        }
    }
    plan.short = excess;
    return plan;
}
const planVersions = (list) => list.map((v) => ({
    documentVersion: v.DocumentVersion ?? '',
    versionName: v.VersionName,
    status: v.Status,
    isDefault: v.IsDefaultVersion === true,
}));
const label = (v) => `${v.documentVersion}${v.versionName === undefined ? '' : ` (${v.versionName})`}`;
/** The AWS CLI command that deletes one version. */
const deleteCommand = (name, v) => v.versionName === undefined
    ? `aws ssm delete-document --name ${name} --document-version ${v.documentVersion}`
    : `aws ssm delete-document --name ${name} --version-name ${v.versionName}`;
// ====================================================================== associations
/** The associations that pin a version of this package (by name, or an ARN ending in it): pruning keeps those versions. */
async function readPins(ctx) {
    const found = await (0,associations/* findAssociations */.U4)(ctx, (n) => (0,associations/* namesPackage */.L$)(n.trim(), ctx.name));
    return found.pinned.map((p) => ({ associationId: p.associationId, version: p.version }));
}
/**
 * Before anything is uploaded: whether the new version fits under the limit. Returns the versions to
 * delete first (keep-versions set, not a dry run: the minimum that makes room, among the deletable
 * oldest), or throws a `limit` ActionError with the count and the fix.
 */
async function makeRoom(ctx, input) {
    const limit = input.limit ?? VERSION_LIMIT;
    const count = input.versions.length;
    if (count < limit)
        return [];
    if (count > limit) {
        ctx.log(`${ctx.name} holds ${count} versions, more than the ${limit} the Distributor guide allows a package: the higher SSM quota applies to it, so SSM decides.`);
        return [];
    }
    const versions = planVersions(input.versions);
    const head = `${ctx.name} holds ${count} versions, the most SSM allows a package (${limit}); publishing ${input.versionName} would make ${count + 1}. Nothing was uploaded.`;
    const need = count + 1 - limit;
    if (!input.prune) {
        const candidates = planPrune({ versions, keep: limit - need, pins: [] }).delete;
        const commands = candidates.map((v) => deleteCommand(ctx.name, v)).join('; ');
        throw new errors/* ActionError */.lZ('limit', head, {
            hint: candidates.length
                ? `Set keep-versions (e.g. keep-versions: ${limit - 5}) to delete the oldest versions (never the default or a pinned one), or delete the oldest yourself after checking that no association pins it: ${commands}. Then re-run.`
                : 'Every version is the default or still changing: wait for them to end, move the default, then delete old versions (aws ssm delete-document --name <name> --version-name <old>) and re-run.',
            code: 'version-limit',
        });
    }
    const pins = await readPins(ctx);
    const plan = planPrune({ versions, keep: limit - need, pins });
    if (plan.delete.length < need) {
        const why = plan.kept.map((k) => `${label(k)}: ${k.reason}`).join('; ');
        throw new errors/* ActionError */.lZ('limit', `${head} keep-versions cannot make room: no version can be deleted (${why}).`, {
            hint: 'Unpin an old version (the version parameter of its AWS-ConfigureAWSPackage association) or wait for versions still changing, then re-run.',
            code: 'version-limit',
        });
    }
    if (input.prune.dryRun) {
        const list = plan.delete.map(label).join(', ');
        throw new errors/* ActionError */.lZ('limit', `${head} With prune-dry-run nothing is deleted; keep-versions would first delete document version ${list}.`, {
            hint: `Run without prune-dry-run to let keep-versions make room, or delete it yourself: ${plan.delete.map((v) => deleteCommand(ctx.name, v)).join('; ')}. Then re-run.`,
            code: 'version-limit',
        });
    }
    ctx.log(`${ctx.name} holds ${count} of ${limit} versions: keep-versions deletes document version ${plan.delete.map(label).join(', ')} first, to make room`);
    return plan.delete;
}
/** The S3 keys this action wrote for a version: its manifest's files in its folder, and its manifest. */
async function versionKeys(ctx, v, prefix) {
    if (v.versionName === undefined)
        return [];
    const stored = await (0,aws_versions/* getVersion */.HF)(ctx, { documentVersion: v.documentVersion });
    if (!stored)
        return [];
    let files;
    try {
        const doc = JSON.parse(stored.content ?? '');
        if (!doc.files || typeof doc.files !== 'object' || Array.isArray(doc.files))
            throw new Error('no files');
        files = Object.keys(doc.files);
    }
    catch {
        ctx.log(`Version ${label(v)}: its manifest cannot be read, so its S3 objects are left alone`);
        return [];
    }
    const folder = (0,s3/* versionPrefix */.J9)(prefix, ctx.name, v.versionName);
    return [
        ...files.filter((f) => /^[a-zA-Z0-9_\-.]{3,128}$/.test(f)).map((f) => `${folder}/${f}`),
        (0,s3/* manifestKey */.Rn)(prefix, ctx.name, v.versionName),
    ];
}
/** Deletes one version by number. `undefined`: it is gone; a string: SSM refused, and why (it stays). */
async function deleteVersion(ctx, v) {
    const call = { action: 'ssm:DeleteDocument', subject: ctx.name };
    try {
        await (0,context/* whileBusy */.lr)(ctx, call, () => ctx.ssm.send(new dist_cjs/* DeleteDocumentCommand */.SiM({ Name: ctx.name, DocumentVersion: v.documentVersion }), {
            abortSignal: ctx.signal,
        }));
        return undefined;
    }
    catch (e) {
        if (ctx.signal.aborted)
            throw (0,context/* ssmError */.ei)(ctx, 'DeleteDocument', e);
        const code = (0,aws_error/* errorCode */.CA)(e);
        // The service's protections (the default version, a shared document, installed nodes): it stays.
        if (code === 'InvalidDocumentOperation' || code === 'AssociatedInstances')
            return `SSM refused to delete it: ${code}: ${(0,aws_error/* serverText */.Tn)((0,errors/* errorText */.kc)(e))}`;
        // A lost answer, or an answer to a retry of a call that may have committed: what SSM holds decides.
        if ((0,aws_error/* isAmbiguous */.X2)(e) || (0,aws_error/* sdkAttempts */.zp)(e) > 1 || code === 'InvalidDocumentVersion') {
            const still = await (0,aws_versions/* getVersion */.HF)(ctx, { documentVersion: v.documentVersion });
            if (!still)
                return undefined;
        }
        throw (0,context/* ssmError */.ei)(ctx, 'DeleteDocument', e);
    }
}
async function deleteObject(ctx, t, key) {
    try {
        await t.s3.send(new client_s3_dist_cjs/* DeleteObjectCommand */.k4j({ Bucket: t.bucket, Key: key }), { abortSignal: ctx.signal });
    }
    catch (e) {
        throw (0,aws_error/* awsError */.es)(e, { action: 's3:DeleteObject', subject: `s3://${t.bucket}/${key}` });
    }
}
/**
 * Deletes `versions` oldest first (or, dry, only lists them), each one's S3 objects after it (prune-s3),
 * recording each step in `report` as it happens.
 */
async function deleteVersions(ctx, versions, report, s3) {
    for (const v of versions) {
        const keys = s3 ? await versionKeys(ctx, v, s3.prefix) : [];
        if (report.dryRun) {
            report.deleted.push(v);
            report.s3Deleted.push(...keys);
            continue;
        }
        const refused = await deleteVersion(ctx, v);
        if (refused !== undefined) {
            ctx.log(`Kept version ${label(v)}: ${refused}`);
            report.kept.push({ ...v, reason: refused });
            continue;
        }
        report.deleted.push(v);
        ctx.log(`Deleted version ${label(v)} of ${ctx.name}`);
        for (const key of keys) {
            await deleteObject(ctx, s3, key);
            report.s3Deleted.push(key);
            ctx.log(`✗ s3://${s3.bucket}/${key}`);
        }
    }
}
/** The previous default recorded in the document's tags (promote's rollback target), held from pruning. */
async function rollbackHold(ctx) {
    try {
        const r = await ctx.ssm.send(new dist_cjs/* ListTagsForResourceCommand */.a_e({ ResourceType: 'Document', ResourceId: ctx.name }), { abortSignal: ctx.signal });
        const rec = (0,aws_default/* rollbackRecord */.Ci)(r.TagList ?? []);
        return rec
            ? [
                {
                    documentVersion: rec.previous.documentVersion,
                    reason: 'the recorded previous default (rollback target)',
                },
            ]
            : [];
    }
    catch (e) {
        throw (0,context/* ssmError */.ei)(ctx, 'ListTagsForResource', e);
    }
}
/** keep-versions after a successful publish: plan against what SSM holds now, then delete (unless dry). */
async function pruneAfterPublish(ctx, input, report) {
    const pins = await readPins(ctx);
    const held = [...input.held, ...(await rollbackHold(ctx))];
    const plan = planPrune({
        versions: planVersions(input.versions),
        keep: input.keep,
        published: input.published,
        pins,
        held,
    });
    report.kept = plan.kept;
    if (plan.delete.length === 0) {
        ctx.log(`keep-versions ${input.keep}: ${ctx.name} holds ${input.versions.length} versions; nothing to delete`);
    }
    else {
        ctx.log(`keep-versions ${input.keep}: ${input.dryRun ? 'would delete' : 'deleting'} document version ${plan.delete.map(label).join(', ')} of ${ctx.name}`);
    }
    if (plan.short > 0)
        ctx.log(`keep-versions ${input.keep}: ${plan.short} more versions stay, as they are protected`);
    await deleteVersions(ctx, plan.delete, report, input.s3);
}

// EXTERNAL MODULE: ./src/aws/session.ts + 1 modules
var session = __webpack_require__(28270);
// EXTERNAL MODULE: ./src/aws/progress.ts
var aws_progress = __webpack_require__(82830);
// EXTERNAL MODULE: ./src/aws/release.ts + 6 modules
var release = __webpack_require__(23373);
;// CONCATENATED MODULE: ./src/aws/sharing.ts
// Sharing the package with other accounts (ModifyDocumentPermission): read who has access and at which
// shared version, add only the missing accounts (or re-send those at another shared version), in batches
// of 20, and remove only the accounts `unshare-accounts` names. A re-run changes nothing.





/** Accounts per ModifyDocumentPermission call (AccountIdsToAdd / AccountIdsToRemove hold at most 20). */
const SHARE_BATCH = 20;
/** Who has access now: account id (lowercase `all` for public) → its SharedDocumentVersion. */
async function describeSharing(ctx) {
    const out = new Map();
    let token;
    do {
        let r;
        try {
            r = await ctx.ssm.send(new dist_cjs/* DescribeDocumentPermissionCommand */.vC6({
                Name: ctx.name,
                PermissionType: 'Share',
                MaxResults: 200,
                NextToken: token,
            }), { abortSignal: ctx.signal });
        }
        catch (e) {
            throw (0,context/* ssmError */.ei)(ctx, 'DescribeDocumentPermission', e);
        }
        for (const a of r.AccountIds ?? [])
            if (!out.has(a.toLowerCase()))
                out.set(a.toLowerCase(), '$DEFAULT');
        for (const i of r.AccountSharingInfoList ?? [])
            if (i.AccountId)
                out.set(i.AccountId.toLowerCase(), i.SharedDocumentVersion ?? '$DEFAULT');
        token = r.NextToken || undefined;
    } while (token);
    return out;
}
/**
 * The SharedDocumentVersion for the input: the API shares `$DEFAULT`, `$LATEST` or `$ALL`, never one fixed
 * version, so a version name is shared as `$DEFAULT` or `$LATEST` when it is that version now, else refused.
 */
async function resolveShared(ctx, wanted) {
    if (wanted === '$DEFAULT' || wanted === '$LATEST' || wanted === '$ALL')
        return { value: wanted };
    const versions = (await (0,aws_versions/* listVersions */.yO)(ctx)) ?? [];
    const v = versions.find((x) => x.VersionName === wanted);
    if (!v?.DocumentVersion) {
        throw new errors/* ActionError */.lZ('not-found', `shared-version: ${ctx.name} has no version named ${wanted}.`, {
            hint: 'Set shared-version to $DEFAULT, $LATEST, $ALL or the name of a published version.',
        });
    }
    const n = v.DocumentVersion;
    const latest = String(Math.max(...versions.map((x) => Number(x.DocumentVersion))));
    if (v.IsDefaultVersion)
        return { value: '$DEFAULT', documentVersion: n };
    if (n === latest)
        return { value: '$LATEST', documentVersion: n };
    throw new errors/* ActionError */.lZ('input', `shared-version: ${wanted} is document version ${n}, neither the default nor the latest version of ${ctx.name}; SSM shares only $DEFAULT, $LATEST or $ALL, not one fixed version.`, {
        hint: `Make ${wanted} the default first (set-default, or mode: promote), or share $ALL so other accounts can install document version ${n} by the ARN.`,
    });
}
const batches = (xs) => Array.from({ length: Math.ceil(xs.length / SHARE_BATCH) }, (_, i) => xs.slice(i * SHARE_BATCH, (i + 1) * SHARE_BATCH));
const apiId = (a) => (a.toLowerCase() === 'all' ? 'All' : a);
async function modify(ctx, req, landed) {
    const call = { action: 'ssm:ModifyDocumentPermission', subject: ctx.name };
    try {
        await (0,context/* whileBusy */.lr)(ctx, call, () => ctx.ssm.send(new dist_cjs/* ModifyDocumentPermissionCommand */.QCi({
            Name: ctx.name,
            PermissionType: 'Share',
            ...(req.add ? { AccountIdsToAdd: req.add.map(apiId), SharedDocumentVersion: req.shared } : {}),
            ...(req.remove ? { AccountIdsToRemove: req.remove.map(apiId) } : {}),
        }), { abortSignal: ctx.signal }));
    }
    catch (e) {
        // The answer was lost: who has access now decides.
        if (!(0,aws_error/* isAmbiguous */.X2)(e) || ctx.signal.aborted)
            throw (0,context/* ssmError */.ei)(ctx, 'ModifyDocumentPermission', e);
        if (!landed(await describeSharing(ctx)))
            throw (0,context/* ssmError */.ei)(ctx, 'ModifyDocumentPermission', e);
    }
}
/** Shares the document as asked; `report` is filled as it goes (a failure part-way still says). */
async function ensureSharing(ctx, o, report) {
    const shared = await resolveShared(ctx, o.sharedVersion);
    report.sharedVersion = shared.value;
    report.sharedDocumentVersion = shared.documentVersion;
    const now = await describeSharing(ctx);
    const wanted = [...new Set(o.accounts.map((a) => a.toLowerCase()))];
    const add = wanted.filter((a) => now.get(a) !== shared.value);
    const remove = [...new Set(o.unshare.map((a) => a.toLowerCase()))].filter((a) => now.has(a));
    for (const batch of batches(add)) {
        await modify(ctx, { add: batch, shared: shared.value }, (m) => batch.every((a) => m.get(a) === shared.value));
        for (const a of batch)
            now.set(a, shared.value);
        report.added.push(...batch);
        ctx.log(`Shared ${ctx.name} (${shared.value}) with ${batch.join(', ')}`);
    }
    for (const batch of batches(remove)) {
        await modify(ctx, { remove: batch }, (m) => batch.every((a) => !m.has(a)));
        for (const a of batch)
            now.delete(a);
        report.removed.push(...batch);
        ctx.log(`Stopped sharing ${ctx.name} with ${batch.join(', ')}`);
    }
    report.public = now.has('all');
    report.accounts = [...now.keys()].filter((a) => a !== 'all').sort();
}

// EXTERNAL MODULE: ./src/aws/tags.ts
var tags = __webpack_require__(99580);
;// CONCATENATED MODULE: ./src/aws/verify.ts
// Checking what SSM stored for a version against what this run built: version name, manifest, and
// each listed attachment's name, size and sha256. Attachments the manifest does not list (other objects
// under the SourceUrl folder, for a service that attaches them all) are reported, not refused: nothing
// installs them.


/** Throws a `service` error naming every difference between what SSM stored and what was sent. */
async function verifyStored(ctx, documentVersion, versionName, canonical, files) {
    const got = await (0,aws_versions/* getVersion */.HF)(ctx, { documentVersion });
    if (!got) {
        throw new errors/* ActionError */.lZ('conflict', `Version ${documentVersion} of ${ctx.name} disappeared after it became Active.`, {
            hint: 'Someone deleted it meanwhile: re-run to publish it again.',
        });
    }
    const problems = [];
    if (got.versionName !== versionName)
        problems.push(`version name is ${got.versionName ?? 'empty'}, expected ${versionName}`);
    if ((0,aws_versions/* canonicalJson */.dj)(got.content ?? '') !== canonical)
        problems.push('the stored manifest differs from the one sent');
    const byName = new Map(got.attachments.map((a) => [a.Name ?? '', a]));
    for (const f of files) {
        const a = byName.get(f.name);
        if (!a) {
            problems.push(`attachment ${f.name} is missing`);
            continue;
        }
        if (a.Size !== undefined && a.Size !== f.size)
            problems.push(`${f.name} has ${a.Size} bytes, expected ${f.size}`);
        if (a.Hash && a.Hash.toLowerCase() !== f.sha256)
            problems.push(`${f.name} has sha256 ${a.Hash}, expected ${f.sha256}`);
    }
    const extra = [...byName.keys()].filter((n) => !files.some((f) => f.name === n)).sort();
    if (problems.length) {
        throw new errors/* ActionError */.lZ('service', `SSM stored something else for ${ctx.name} version ${documentVersion}: ${problems.join('; ')}.`, {
            hint: 'Publish a new version; if it happens again, compare the S3 objects under the version prefix with the build.',
        });
    }
    return { extra };
}

;// CONCATENATED MODULE: ./src/aws/wait.ts
// Waiting for SSM to ingest a version: poll its status until Active or Failed, within a time limit,
// with a backoff capped low (ingestion takes seconds to minutes; the log shows each state).




/** The first pause between polls; each later one doubles, up to `maxDelayMs`. */
const FIRST_POLL_DELAY_MS = 250;
/** Polls the given version until Active or Failed; a version still in progress after `timeoutMs` is a `timeout`. */
async function waitForVersion(ctx, documentVersion, opts) {
    const { now, sleep } = ctx.timing;
    const started = now();
    let delay = Math.min(FIRST_POLL_DELAY_MS, opts.maxDelayMs);
    for (;;) {
        let status;
        let info;
        try {
            const r = await ctx.ssm.send(new dist_cjs/* DescribeDocumentCommand */.QO({ Name: ctx.name, DocumentVersion: documentVersion }), {
                abortSignal: ctx.signal,
            });
            status = r.Document?.Status;
            info =
                r.Document?.StatusInformation === undefined ? undefined : (0,aws_error/* serverText */.Tn)(r.Document.StatusInformation);
        }
        catch (e) {
            throw (0,context/* ssmError */.ei)(ctx, 'DescribeDocument', e);
        }
        const elapsed = Math.round((now() - started) / 1000);
        ctx.log(`version ${documentVersion}: ${status ?? 'unknown'}${info ? ` (${info})` : ''} after ${elapsed} s`);
        if (status === 'Active' || status === 'Failed')
            return { status, statusInformation: info };
        if (now() - started + delay > opts.timeoutMs) {
            throw new errors/* ActionError */.lZ('timeout', `Version ${documentVersion} of ${ctx.name} was still ${status ?? 'unknown'} after ${elapsed} s (wait-timeout-seconds).`, {
                hint: 'It may still become Active: re-run to resume waiting (the version is not created again), or raise wait-timeout-seconds.',
            });
        }
        await sleep(delay, ctx.signal);
        delay = Math.min(delay * 2, opts.maxDelayMs);
    }
}
/** What a `Failed` StatusInformation usually means, and what to do. */
function failureHint(info) {
    const s = info ?? '';
    if (/access denied|403|AccessDenied/i.test(s)) {
        return 'SSM reads the attachments from S3 with the identity that called CreateDocument/UpdateDocument: grant that role s3:GetObject on the bucket/prefix (and kms:Decrypt for SSE-KMS buckets).';
    }
    if (/bucket doesn't exist|NoSuchBucket/i.test(s))
        return 'Check `s3-bucket` and that the bucket is in the publishing account and region.';
    if (/not found|NoSuchKey|does not exist/i.test(s))
        return 'An attachment is missing under the version prefix; check bucket lifecycle rules and re-run.';
    if (/checksum|hash|sha256/i.test(s))
        return 'An object in S3 does not match the manifest checksum; it was changed after upload. Publish a new version.';
    if (/install|uninstall/i.test(s))
        return 'A ZIP lacks install/uninstall scripts at its root; run mode: validate to see which.';
    return 'Fix the cause above, then publish a new version (the failed version keeps its version name).';
}
/** How to free the failed version's name: the delete that SSM accepts for it. */
function deleteHint(name, versionName, place) {
    const keep = `The version name ${versionName} stays taken by the failed version: publish a new version, or`;
    if (place?.only) {
        // DeleteDocument refuses the default version by name or number; the only version is the default.
        return `${keep} delete the document first, as the failed version is its only version and so its default, which SSM does not delete on its own (aws ssm delete-document --name ${name}).`;
    }
    const byName = `aws ssm delete-document --name ${name} --version-name ${versionName}`;
    if (place?.isDefault) {
        return `${keep} make another version the default (aws ssm update-document-default-version --name ${name} --document-version <number>) and then delete it (${byName}).`;
    }
    return `${keep} delete it first (${byName}).`;
}
/** A version that ended Failed: the service's StatusInformation, what it means, and how to go on. */
function failedVersion(ctx, documentVersion, versionName, info, place) {
    return new errors/* ActionError */.lZ('service', `Version ${documentVersion} (${versionName}) of ${ctx.name} failed in SSM: ${info ?? 'no reason given'}`, { hint: `${failureHint(info)} ${deleteHint(ctx.name, versionName, place)}` });
}

;// CONCATENATED MODULE: ./src/aws/publish.ts














async function publish(o) {
    return (0,session/* withSession */.f)(o, 'Re-run: publishing resumes where it stopped. If the run needs more time, raise timeout-seconds.', (clients, ctx) => run(o, clients, ctx));
}
async function identify(o, sts, ctx) {
    const id = await (0,identity/* whoAmI */.W)(sts, ctx, o.region, o.name);
    o.log(`Publishing as ${id.caller} to ${o.region}`);
    return id;
}
async function lookUp(o, ctx, canonical) {
    const versions = await (0,aws_versions/* listVersions */.yO)(ctx);
    const defaultVersion = versions?.find((v) => v.IsDefaultVersion)?.DocumentVersion;
    const found = {
        exists: versions !== undefined,
        defaultVersion,
        published: undefined,
        versions: versions ?? [],
    };
    if (!versions?.some((v) => v.VersionName === o.version))
        return found;
    const stored = await (0,aws_versions/* getVersion */.HF)(ctx, { versionName: o.version });
    if (!stored) {
        throw new errors/* ActionError */.lZ('conflict', `Version ${o.version} of ${o.name} is listed but cannot be read.`, {
            hint: 'It was probably deleted meanwhile: re-run.',
        });
    }
    const content = o.manifestBytes.toString('utf8');
    if ((0,aws_versions/* canonicalJson */.dj)(stored.content ?? '') !== canonical)
        throw (0,aws_versions/* versionConflict */.n7)(o.name, o.version, stored, content);
    if (o.onExistingVersion === 'fail') {
        throw new errors/* ActionError */.lZ('conflict', `Version ${o.version} of ${o.name} is already published (document version ${stored.documentVersion}, same manifest) and on-existing-version is fail.`, { hint: 'Bump the version, or set on-existing-version: skip-if-identical to accept a re-run.' });
    }
    o.log(`Version ${o.version} is already published as document version ${stored.documentVersion} with this manifest (sha256 ${(0,aws_versions/* sha256Hex */.fg)(o.manifestBytes)}): nothing to create.`);
    return { ...found, published: stored.documentVersion };
}
const s3CtxOf = (o, clients, ctx) => ({
    ...ctx,
    s3: clients.s3,
    bucket: o.bucket,
    putTimeoutMs: (size) => o.requestTimeoutMs + Math.ceil(size / 1024),
});
/** Steps 2 and 3: upload (skipping what is there), then create the version. */
async function uploadAndCreate(o, clients, ctx, found, canonical, progress) {
    const keyPrefix = (0,s3/* versionPrefix */.J9)(o.prefix, o.name, o.version);
    const s3Uri = `s3://${o.bucket}/${keyPrefix}`;
    const zips = o.files.map((f) => ({
        name: f.name,
        path: f.path,
        size: f.size,
        sha256: f.sha256,
        key: `${keyPrefix}/${f.name}`,
    }));
    const manifest = {
        name: 'manifest.json',
        path: o.manifestPath,
        size: o.manifestBytes.length,
        sha256: (0,aws_versions/* sha256Hex */.fg)(o.manifestBytes),
        key: (0,s3/* manifestKey */.Rn)(o.prefix, o.name, o.version),
    };
    progress.s3Uri = s3Uri;
    const s3Ctx = {
        ...s3CtxOf(o, clients, ctx),
        stored: (u) => {
            if (u.action === 'uploaded')
                progress.uploaded++;
        },
    };
    const uploads = await (0,s3/* uploadAll */.dl)(s3Ctx, zips, manifest, o.uploadConcurrency);
    const created = await createVersion(ctx, {
        content: o.manifestBytes.toString('utf8'),
        versionName: o.version,
        sourceUrl: s3Uri,
        tags: o.tags,
        exists: found.exists,
        canonical,
    });
    progress.documentVersion = created.documentVersion;
    progress.versionCreated = created.versionCreated;
    progress.documentCreated = created.documentCreated;
    if (created.documentCreated) {
        // The first version of a new document is its default, and the tags came with it.
        progress.defaultChanged = true;
        progress.defaultVersion = created.documentVersion;
        progress.tagsChanged = o.tags.map((t) => t.Key ?? '');
    }
    return { uploads, created, s3Uri };
}
async function run(o, clients, base) {
    const ctx = { ...base, ssm: clients.ssm, name: o.name };
    const canonical = (0,aws_versions/* canonicalJson */.dj)(o.manifestBytes.toString('utf8'));
    if (canonical === undefined)
        throw new Error('publish() was given a manifest that is not JSON');
    const progress = o.progress ?? (0,aws_progress/* noProgress */.n)();
    const identity = await identify(o, clients.sts, ctx);
    // 1. What does SSM hold? Our version name decides everything.
    const found = await lookUp(o, ctx, canonical);
    const s3Target = o.prune?.s3
        ? { s3: clients.s3, bucket: o.bucket, prefix: o.prefix }
        : undefined;
    const pruned = () => (progress.pruned ??= { dryRun: o.prune?.dryRun ?? false, deleted: [], kept: [], s3Deleted: [] });
    // 1b. The version limit, before anything is uploaded (keep-versions may first delete the minimum).
    if (found.published === undefined && found.exists) {
        const room = await makeRoom(ctx, { versions: found.versions, versionName: o.version, prune: o.prune });
        if (room.length)
            await deleteVersions(ctx, room, pruned(), s3Target);
    }
    // 2, 3. Upload and create, unless the version is already there.
    const made = found.published === undefined
        ? await uploadAndCreate(o, clients, ctx, found, canonical, progress)
        : undefined;
    const documentVersion = made?.created.documentVersion ?? found.published;
    progress.documentVersion = documentVersion;
    progress.previousDefaultVersion = progress.documentCreated ? undefined : found.defaultVersion;
    const notices = [];
    // 4. Wait for ingestion to end; 5. verify what SSM stored against what we built.
    const waited = await waitForVersion(ctx, documentVersion, {
        timeoutMs: Math.min(o.waitTimeoutMs, o.deadline - ctx.timing.now()),
        maxDelayMs: o.maxPollDelayMs,
    });
    if (waited.status === 'Failed') {
        const place = await placeOf(ctx, documentVersion);
        throw failedVersion(ctx, documentVersion, o.version, waited.statusInformation, place);
    }
    const verified = await verifyStored(ctx, documentVersion, o.version, canonical, o.files);
    if (verified.extra.length > 0) {
        notices.push(`SSM attached ${verified.extra.length === 1 ? 'a file' : 'files'} the manifest does not list: ${verified.extra.join(', ')} (other objects in the version's S3 folder). The listed files are as built, and the agent installs only those; keep the folder to the built files to avoid this.`);
    }
    if (!made)
        progress.s3Uri = await storedFolder(o, clients, ctx, notices);
    // 6. Tags, then the default version (only now that the version is Active).
    if (!made?.created.tagsSet) {
        const tagged = await (0,tags/* ensureTags */.s)(ctx, o.tags);
        if (tagged.length)
            o.log(`Tagged ${o.name}: ${tagged.join(', ')}`);
        if (!progress.documentCreated)
            progress.tagsChanged = tagged;
    }
    const rctx = { ...ctx, ssmOnce: clients.ssmOnce, documentArn: identity.arn };
    // 6a. The canary group installs this version (pinned) before the default moves; a failure stops here.
    // A new document's first version is its default from the start.
    if (progress.documentCreated)
        progress.defaultVersion = documentVersion;
    // A re-run after the default already moved to this version does not install it on the canaries again.
    if (o.canary && !made && found.defaultVersion === documentVersion)
        notices.push(`canary-targets: ${o.version} (document version ${documentVersion}) is already the default version, so the canary group was not run again.`);
    else if (o.canary)
        await (0,release/* canaryStep */.p3)(rctx, o.canary, { versionName: o.version, documentVersion }, progress, progress.documentCreated);
    const moved = o.setDefault ? await (0,aws_default/* setDefault */.mW)(ctx, documentVersion) : undefined;
    if (moved?.changed) {
        progress.defaultChanged = true;
        progress.previousDefaultVersion = moved.previous;
    }
    if (moved?.kept) {
        const k = moved.kept;
        notices.push(`set-default: the default version stays ${k.documentVersion} (${k.versionName ?? 'no version name'}), which is newer than document version ${documentVersion} (${o.version}); publish never moves the default back to an older version. To roll back to ${o.version} deliberately, use a promote/rollback step: aws ssm update-document-default-version --name ${o.name} --document-version ${documentVersion}, or the Systems Manager console.`);
    }
    progress.defaultVersion = moved
        ? (moved.kept?.documentVersion ?? documentVersion)
        : (await (0,aws_default/* describeDefault */.ZA)(ctx)).defaultVersion;
    // 6b. Sharing with other accounts (they install by the document ARN), now that the version is Active.
    if (o.sharing) {
        progress.sharing = {
            added: [],
            removed: [],
            sharedVersion: o.sharing.sharedVersion,
            accounts: [],
            public: false,
        };
        await ensureSharing(ctx, o.sharing, progress.sharing);
    }
    // 7. keep-versions, now that the publish succeeded (a failure here fails the step; the version stays published).
    if (o.prune) {
        const held = moved?.changed && moved.previous !== documentVersion
            ? [
                {
                    documentVersion: moved.previous,
                    reason: 'the previous default version (what a rollback returns to)',
                },
            ]
            : [];
        const versions = (await (0,aws_versions/* listVersions */.yO)(ctx)) ?? [];
        held.push(...(await (0,release/* canaryHeld */.Ag)(ctx, versions)));
        await pruneAfterPublish(ctx, {
            keep: o.prune.keep,
            dryRun: o.prune.dryRun,
            published: documentVersion,
            versions,
            held,
            s3: s3Target,
        }, pruned());
    }
    // 8. The fleet: start the associations that follow the default (now this version) and follow them.
    if (o.rollout && o.setDefault)
        await (0,release/* rolloutStep */.Ab)(rctx, o.rollout, progress);
    for (const n of notices)
        o.log(`Notice: ${n}`);
    const uploads = made?.uploads ?? [];
    return {
        documentName: o.name,
        documentArn: identity.arn,
        documentVersion,
        versionName: o.version,
        defaultVersion: progress.defaultVersion ?? documentVersion,
        previousDefaultVersion: progress.previousDefaultVersion,
        status: waited.status,
        changed: (0,aws_progress/* changedAnything */.B)(progress),
        versionCreated: progress.versionCreated,
        documentCreated: progress.documentCreated,
        defaultChanged: progress.defaultChanged,
        tagsChanged: progress.tagsChanged,
        uploaded: uploads.filter((u) => u.action === 'uploaded').length,
        s3Uri: progress.s3Uri ?? '',
        uploads,
        consoleUrl: identity.partition === 'aws'
            ? `https://${o.region}.console.aws.amazon.com/systems-manager/documents/${encodeURIComponent(o.name)}/description?region=${o.region}`
            : undefined,
        notices,
        ...(progress.pruned ? { pruned: progress.pruned } : {}),
        ...(progress.sharing ? { sharing: progress.sharing } : {}),
        ...(progress.canary ? { canary: progress.canary } : {}),
        ...(progress.rollout ? { rollout: progress.rollout } : {}),
    };
}
/** Where a failed version stands (best effort: without the list, the hint names the usual delete). */
async function placeOf(ctx, documentVersion) {
    const versions = await (0,aws_versions/* listVersions */.yO)(ctx).catch(() => undefined);
    if (!versions)
        return undefined;
    const isDefault = versions.some((v) => v.DocumentVersion === documentVersion && v.IsDefaultVersion);
    return { only: versions.length === 1 && versions[0]?.DocumentVersion === documentVersion, isDefault };
}
/**
 * The S3 folder of a version published before: SSM does not say which SourceUrl a version came from,
 * so the folder this run's inputs name counts only when it holds every file with its sha256.
 */
async function storedFolder(o, clients, ctx, notices) {
    const keyPrefix = (0,s3/* versionPrefix */.J9)(o.prefix, o.name, o.version);
    const uri = `s3://${o.bucket}/${keyPrefix}`;
    const holds = await (0,s3/* holdsAll */.mA)(s3CtxOf(o, clients, ctx), keyPrefix, o.files);
    if (holds)
        return uri;
    const why = holds === false
        ? `${uri}/ does not hold its files (it was published from another s3-bucket or s3-prefix, or they were deleted since)`
        : `${uri}/ could not be checked for its files`;
    notices.push(`Version ${o.version} was already published, but ${why}, so the s3-uri output is empty. Nothing needs uploading: SSM keeps its own copy of a version's files.`);
    return '';
}


/***/ })

};
