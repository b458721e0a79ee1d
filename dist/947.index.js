export const id = 947;
export const ids = [947];
export const modules = {

/***/ 51947:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  publish: () => (/* binding */ publish)
});

// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(58500);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sts/dist-cjs/index.js
var dist_cjs = __webpack_require__(71695);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-s3/dist-cjs/index.js
var client_s3_dist_cjs = __webpack_require__(53711);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ssm/dist-cjs/index.js
var client_ssm_dist_cjs = __webpack_require__(34736);
// EXTERNAL MODULE: ./node_modules/@smithy/node-http-handler/dist-cjs/index.js
var node_http_handler_dist_cjs = __webpack_require__(61279);
;// CONCATENATED MODULE: ./src/aws/clients.ts
// SSM, S3 and STS clients with the settings every call needs: region, standard retries, a request
// timeout that really fails the call, the run's deadline, and a user agent naming this action.




const ACTION_NAME = 'ssm-distributor-action';
function createClients(o) {
    const handler = () => new node_http_handler_dist_cjs.NodeHttpHandler({
        requestTimeout: o.requestTimeoutMs,
        connectionTimeout: Math.min(o.requestTimeoutMs, 10_000),
        throwOnRequestTimeout: true,
    });
    const common = {
        region: o.region,
        maxAttempts: o.maxAttempts,
        retryMode: 'standard',
        customUserAgent: [[ACTION_NAME, o.version]],
    };
    const ssm = new client_ssm_dist_cjs/* SSMClient */.jBj({ ...common, requestHandler: handler() });
    // A custom S3 endpoint (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL: MinIO, LocalStack, ...) is addressed path-style.
    const customS3 = Boolean(o.env.AWS_ENDPOINT_URL_S3 || o.env.AWS_ENDPOINT_URL);
    const s3 = new client_s3_dist_cjs/* S3Client */.YxF({ ...common, requestHandler: handler(), forcePathStyle: customS3 });
    const sts = new dist_cjs/* STSClient */.iM({ ...common, requestHandler: handler() });
    return {
        ssm,
        s3,
        sts,
        region: o.region,
        destroy() {
            ssm.destroy();
            s3.destroy();
            sts.destroy();
        },
    };
}
/** The error code of an SDK error (`name`), or of a network failure (`code`). */
function errorCode(e) {
    if (e && typeof e === 'object') {
        const o = e;
        if (typeof o.name === 'string' && o.name !== 'Error')
            return o.name;
        if (typeof o.Code === 'string')
            return o.Code;
        if (typeof o.code === 'string')
            return o.code;
    }
    return 'Error';
}
function httpStatus(e) {
    const m = e?.$metadata;
    return m?.httpStatusCode;
}
function errorMessage(e) {
    return e instanceof Error ? e.message : String(e);
}
/** A failure after which the server may or may not have done what was asked. */
function isAmbiguous(e) {
    const code = errorCode(e);
    const status = httpStatus(e);
    if (status !== undefined && status >= 500)
        return true;
    return [
        'InternalServerError',
        'ServiceUnavailable',
        'TimeoutError',
        'RequestTimeout',
        'ECONNRESET',
        'EPIPE',
        'ETIMEDOUT',
        'ECONNREFUSED',
        'socket hang up',
    ].includes(code);
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
;// CONCATENATED MODULE: ./src/aws/s3.ts
// Checksum-verified, skip-if-identical uploads of the built files to s3://bucket/prefix/name/version/.



class PublishError extends Error {
    name = 'PublishError';
}
/** `prefix/name/version` without leading/trailing slashes (an empty prefix is left out). */
function versionPrefix(prefix, name, version) {
    const parts = [prefix.replace(/^\/+|\/+$/g, ''), name, version].filter((p) => p !== '');
    return parts.join('/');
}
const hexToBase64 = (hex) => Buffer.from(hex, 'hex').toString('base64');
const base64ToHex = (b64) => Buffer.from(b64, 'base64').toString('hex');
async function head(ctx, key) {
    try {
        const r = await ctx.s3.send(new client_s3_dist_cjs/* HeadObjectCommand */.l81({ Bucket: ctx.bucket, Key: key, ChecksumMode: 'ENABLED' }), {
            abortSignal: ctx.signal,
        });
        return {
            exists: true,
            sha256: r.ChecksumSHA256 ? base64ToHex(r.ChecksumSHA256) : undefined,
            size: r.ContentLength,
        };
    }
    catch (e) {
        const code = errorCode(e);
        if (code === 'NotFound' || code === 'NoSuchKey' || httpStatus(e) === 404)
            return { exists: false };
        throw explainS3(e, `HeadObject s3://${ctx.bucket}/${key}`);
    }
}
/** Turns S3 failures into messages that say what to do. */
function explainS3(e, what) {
    const code = errorCode(e);
    const status = httpStatus(e);
    let hint = '';
    if (code === 'AccessDenied' || code === 'Forbidden' || status === 403) {
        hint =
            ' The publishing role needs s3:PutObject, s3:GetObject (SSM reads the files with your identity) and s3:ListBucket (so missing objects answer 404, not 403) on this bucket and prefix; see "IAM policy" in the README.';
    }
    else if (code === 'NoSuchBucket') {
        hint = ' Check `s3-bucket` (and that it is in the same account and partition).';
    }
    else if (code === 'PermanentRedirect' || code === 'AuthorizationHeaderMalformed' || status === 301) {
        hint = ' The bucket is in another region than `region`; use a bucket in the publishing region.';
    }
    else if (code === 'BadDigest' || code === 'InvalidDigest' || code === 'XAmzContentSHA256Mismatch') {
        hint =
            ' S3 received different bytes than were hashed: the file changed during upload or the network corrupted it. Re-run.';
    }
    return new PublishError(`${what} failed: ${code}${status ? ` (HTTP ${status})` : ''}: ${errorMessage(e)}.${hint}`);
}
/**
 * Uploads each file under `keyPrefix/`, skipping objects already there with the same sha256.
 * A key holding different content is a conflict: another build of the same version got there first.
 * Every object is read back (HeadObject with the caller's identity, as SSM will read it) and its
 * checksum compared, before SSM is asked to ingest anything.
 */
async function uploadAll(ctx, keyPrefix, files) {
    const results = [];
    for (const f of files) {
        const key = `${keyPrefix}/${f.name}`;
        const uri = `s3://${ctx.bucket}/${key}`;
        let action = 'present';
        const before = await head(ctx, key);
        if (before.exists) {
            checkSame(before, f, uri);
            ctx.log(`= ${uri} already holds this file (sha256 ${f.sha256}); not uploaded again`);
        }
        else {
            action = await put(ctx, key, f, uri);
        }
        // Read back with the caller's identity: SSM fetches the object with the same credentials.
        const after = await head(ctx, key);
        if (!after.exists) {
            throw new PublishError(`${uri} is missing right after the upload; check the bucket's lifecycle rules and re-run.`);
        }
        checkSame(after, f, uri);
        results.push({ ...f, key, action });
    }
    return results;
}
/** Transient failures worth another attempt (the SDK cannot retry a PUT whose body is a consumed file stream). */
function isTransient(e) {
    const status = httpStatus(e);
    return ((status !== undefined && status >= 500) ||
        isAmbiguous(e) ||
        ['SlowDown', 'RequestTimeout', 'Unknown'].includes(errorCode(e)));
}
/**
 * One conditional PUT with a fresh stream per attempt. After a failure that may or may not have
 * stored the object (5xx, reset, timeout), what S3 holds decides: the same checksum is success.
 */
async function put(ctx, key, f, uri) {
    for (let attempt = 1;; attempt++) {
        try {
            await ctx.s3.send(new client_s3_dist_cjs/* PutObjectCommand */.wKZ({
                Bucket: ctx.bucket,
                Key: key,
                Body: (0,external_node_fs_.createReadStream)(f.path),
                ContentLength: f.size,
                ContentType: f.name.endsWith('.json') ? 'application/json' : 'application/zip',
                ChecksumSHA256: hexToBase64(f.sha256),
                IfNoneMatch: '*',
            }), { abortSignal: ctx.signal, requestTimeout: ctx.putTimeoutMs(f.size) });
            ctx.log(`↑ ${uri} (${f.size} bytes, sha256 ${f.sha256})`);
            return 'uploaded';
        }
        catch (e) {
            const code = errorCode(e);
            // 412: someone wrote the key meanwhile; 409: a concurrent conditional write. Decide from what is there.
            const raced = code === 'PreconditionFailed' || code === 'ConditionalRequestConflict' || httpStatus(e) === 412;
            if (!raced && !isTransient(e))
                throw explainS3(e, `PutObject ${uri}`);
            if (ctx.signal.aborted)
                throw e;
            const now = await head(ctx, key);
            if (now.exists) {
                checkSame(now, f, uri);
                ctx.log(`= ${uri} is in place (${raced ? 'written by a concurrent run' : 'stored before the answer was lost'})`);
                return raced ? 'present' : 'uploaded';
            }
            if (raced || attempt >= 4)
                throw explainS3(e, `PutObject ${uri}`);
            ctx.log(`PutObject ${uri} failed (${code}); retrying (${attempt}/3)`);
            await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
        }
    }
}
function checkSame(h, f, uri) {
    if (h.sha256 === f.sha256 && (h.size === undefined || h.size === f.size))
        return;
    if (h.sha256 === undefined) {
        throw new PublishError(`${uri} exists but S3 reports no SHA-256 checksum for it (it was not uploaded by this action), so it cannot be verified. Delete it, or publish under a new version.`);
    }
    throw new PublishError(`${uri} already holds different content (sha256 ${h.sha256}, this build's ${f.sha256}): another build of this version uploaded it. Publish a new version, or delete ${uri} if that build was never published.`);
}

;// CONCATENATED MODULE: ./src/aws/documents.ts
// Package document versions: read, create/update with reconciliation, wait, verify, tags, default.




/** JSON with sorted keys at every level: two manifests are the same when their canonical forms are. */
function canonicalJson(text) {
    try {
        return JSON.stringify(sortKeys(JSON.parse(text)));
    }
    catch {
        return undefined;
    }
}
function sortKeys(v) {
    if (Array.isArray(v))
        return v.map(sortKeys);
    if (v && typeof v === 'object') {
        return Object.fromEntries(Object.keys(v)
            .sort()
            .map((k) => [k, sortKeys(v[k])]));
    }
    return v;
}
const sha256Hex = (s) => (0,external_node_crypto_.createHash)('sha256').update(s).digest('hex');
/** All versions (paginated), or undefined when the document does not exist. */
async function listVersions(ctx) {
    const all = [];
    let token;
    try {
        do {
            const r = await ctx.ssm.send(new client_ssm_dist_cjs/* ListDocumentVersionsCommand */.mF0({
                Name: ctx.name,
                MaxResults: 50,
                ...(token ? { NextToken: token } : {}),
            }), { abortSignal: ctx.signal });
            all.push(...(r.DocumentVersions ?? []));
            token = r.NextToken || undefined;
        } while (token);
    }
    catch (e) {
        if (errorCode(e) === 'InvalidDocument')
            return undefined;
        throw explainSsm(e, 'ListDocumentVersions');
    }
    return all.sort((a, b) => Number(a.DocumentVersion) - Number(b.DocumentVersion));
}
async function getVersion(ctx, by) {
    try {
        const r = await ctx.ssm.send(new client_ssm_dist_cjs/* GetDocumentCommand */.ppd({
            Name: ctx.name,
            ...('versionName' in by ? { VersionName: by.versionName } : { DocumentVersion: by.documentVersion }),
        }), { abortSignal: ctx.signal });
        return {
            documentVersion: r.DocumentVersion ?? '',
            versionName: r.VersionName,
            status: r.Status,
            statusInformation: r.StatusInformation,
            content: r.Content,
            attachments: r.AttachmentsContent ?? [],
        };
    }
    catch (e) {
        const code = errorCode(e);
        if (code === 'InvalidDocument' || code === 'InvalidDocumentVersion')
            return undefined;
        throw explainSsm(e, 'GetDocument');
    }
}
/**
 * CreateDocument or UpdateDocument($LATEST) with the attachments, converging after any ambiguous outcome:
 * after a 5xx/timeout, DocumentAlreadyExists, DuplicateDocumentVersionName or DuplicateDocumentContent,
 * what SSM holds decides: our version with our content is success; another content is a conflict.
 */
async function createVersion(ctx, input) {
    let exists = input.exists;
    const attachments = [{ Key: 'SourceUrl', Values: [input.sourceUrl] }];
    let delay = 1000;
    for (let attempt = 1;; attempt++) {
        if (Date.now() > input.deadline)
            throw new PublishError('The run reached its deadline while creating the version.');
        try {
            if (!exists) {
                const r = await ctx.ssm.send(new client_ssm_dist_cjs/* CreateDocumentCommand */.dk2({
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
                return { documentVersion: v, createdHere: true, documentCreated: true };
            }
            const r = await ctx.ssm.send(new client_ssm_dist_cjs/* UpdateDocumentCommand */.gym({
                Name: ctx.name,
                Content: input.content,
                DocumentFormat: 'JSON',
                DocumentVersion: '$LATEST',
                VersionName: input.versionName,
                Attachments: attachments,
            }), { abortSignal: ctx.signal });
            const v = r.DocumentDescription?.DocumentVersion ?? '';
            ctx.log(`Created version ${v} (${input.versionName}) of ${ctx.name}`);
            return { documentVersion: v, createdHere: true, documentCreated: false };
        }
        catch (e) {
            const code = errorCode(e);
            if (code === 'TooManyUpdates' || code === 'InvalidDocumentVersion') {
                // Another update is in flight (or $LATEST moved under us): wait and try again.
                ctx.log(`${code}: another update of ${ctx.name} is in progress; retrying in ${Math.round(delay / 1000)} s`);
                await ctx.sleep(delay);
                delay = Math.min(delay * 2, 8000);
                continue;
            }
            if (code === 'DocumentVersionLimitExceeded') {
                const versions = await listVersions(ctx).catch(() => undefined);
                throw new PublishError(`${ctx.name} has ${versions?.length ?? 'too many'} versions, the most SSM allows for a package. Delete old versions that are neither the default nor installed anywhere (aws ssm delete-document --name ${ctx.name} --version-name <old>), then re-run.`);
            }
            if (code === 'InvalidDocument' && exists) {
                exists = false; // deleted since we looked
                continue;
            }
            const reconcilable = code === 'DocumentAlreadyExists' ||
                code === 'DuplicateDocumentVersionName' ||
                code === 'DuplicateDocumentContent' ||
                isAmbiguous(e);
            if (!reconcilable)
                throw explainSsm(e, exists ? 'UpdateDocument' : 'CreateDocument');
            const found = await getVersion(ctx, { versionName: input.versionName });
            if (found) {
                if (canonicalJson(found.content ?? '') !== input.canonical) {
                    throw conflict(ctx.name, input.versionName, found, input.content);
                }
                const why = code === 'DocumentAlreadyExists' || code.startsWith('Duplicate')
                    ? 'an earlier attempt of this request had already succeeded'
                    : `the answer was lost (${code})`;
                ctx.log(`Version ${found.documentVersion} (${input.versionName}) holds our manifest (${why}): continuing with it`);
                return { documentVersion: found.documentVersion, createdHere: false, documentCreated: false };
            }
            if (code === 'DocumentAlreadyExists') {
                exists = true;
                continue;
            }
            if (code === 'DuplicateDocumentContent') {
                const versions = (await listVersions(ctx)) ?? [];
                const same = await findSameContent(ctx, versions, input.canonical);
                throw new PublishError(`SSM already holds this exact manifest${same ? ` as version ${same.documentVersion} (version name ${same.versionName ?? 'none'})` : ''}; a new version needs different content. Bump the version.`);
            }
            if (attempt >= 6)
                throw explainSsm(e, exists ? 'UpdateDocument' : 'CreateDocument');
            ctx.log(`${code} from SSM and the version is not there: retrying (${attempt}/5)`);
            await ctx.sleep(delay);
            delay = Math.min(delay * 2, 8000);
        }
    }
}
async function findSameContent(ctx, versions, canonical) {
    for (const v of versions.slice(-10).reverse()) {
        const got = await getVersion(ctx, { documentVersion: v.DocumentVersion ?? '' });
        if (got && canonicalJson(got.content ?? '') === canonical)
            return got;
    }
    return undefined;
}
function conflict(name, versionName, found, ours) {
    return new PublishError(`Version ${versionName} of ${name} already exists (document version ${found.documentVersion}) with a different manifest: published sha256 ${sha256Hex(found.content ?? '')}, this build's ${sha256Hex(ours)}. A version name can be used only once: bump the version (e.g. push a new tag).`);
}
/** Polls the given version until Active or Failed, with backoff capped at `maxDelayMs`. */
async function waitForVersion(ctx, documentVersion, opts) {
    const started = Date.now();
    let delay = Math.min(1000, opts.maxDelayMs);
    let last;
    for (;;) {
        let status;
        let info;
        try {
            const r = await ctx.ssm.send(new client_ssm_dist_cjs/* DescribeDocumentCommand */.QO({ Name: ctx.name, DocumentVersion: documentVersion }), {
                abortSignal: ctx.signal,
            });
            status = r.Document?.Status;
            info = r.Document?.StatusInformation;
        }
        catch (e) {
            throw explainSsm(e, 'DescribeDocument');
        }
        const elapsed = Math.round((Date.now() - started) / 1000);
        ctx.log(`version ${documentVersion}: ${status ?? 'unknown'}${info ? ` (${info})` : ''} after ${elapsed} s`);
        last = status ?? 'unknown';
        if (status === 'Active' || status === 'Failed')
            return { status, statusInformation: info };
        if (Date.now() - started + delay > opts.timeoutMs) {
            throw new PublishError(`Version ${documentVersion} of ${ctx.name} was still ${last} after ${elapsed} s (wait-timeout-seconds). It may still become Active: re-run to resume waiting (the version is not created again), or raise wait-timeout-seconds.`);
        }
        await ctx.sleep(delay);
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
/** Checks that SSM stored exactly our files and manifest for this version. */
async function verifyStored(ctx, documentVersion, versionName, canonical, files) {
    const got = await getVersion(ctx, { documentVersion });
    if (!got)
        throw new PublishError(`Version ${documentVersion} of ${ctx.name} disappeared after it became Active.`);
    const problems = [];
    if (got.versionName !== versionName)
        problems.push(`version name is ${got.versionName ?? 'empty'}, expected ${versionName}`);
    if (canonicalJson(got.content ?? '') !== canonical)
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
    const extra = [...byName.keys()].filter((n) => !files.some((f) => f.name === n));
    if (extra.length)
        problems.push(`unexpected attachments: ${extra.join(', ')}`);
    if (problems.length) {
        throw new PublishError(`SSM stored something else for ${ctx.name} version ${documentVersion}: ${problems.join('; ')}.`);
    }
}
/** Adds or updates the given tags (tags SSM holds that are not given are left alone). Returns the keys changed. */
async function ensureTags(ctx, tags) {
    if (tags.length === 0)
        return [];
    let current;
    try {
        const r = await ctx.ssm.send(new client_ssm_dist_cjs/* ListTagsForResourceCommand */.a_e({ ResourceType: 'Document', ResourceId: ctx.name }), {
            abortSignal: ctx.signal,
        });
        current = r.TagList ?? [];
    }
    catch (e) {
        throw explainSsm(e, 'ListTagsForResource');
    }
    const missing = tagsToAdd(current, tags);
    if (missing.length === 0)
        return [];
    try {
        await whileBusy(ctx, () => ctx.ssm.send(new client_ssm_dist_cjs/* AddTagsToResourceCommand */.X3P({ ResourceType: 'Document', ResourceId: ctx.name, Tags: missing }), { abortSignal: ctx.signal }));
    }
    catch (e) {
        if (!isAmbiguous(e))
            throw explainSsm(e, 'AddTagsToResource');
        // The answer was lost: the tags SSM holds now decide.
        let after;
        try {
            const r = await ctx.ssm.send(new client_ssm_dist_cjs/* ListTagsForResourceCommand */.a_e({ ResourceType: 'Document', ResourceId: ctx.name }), {
                abortSignal: ctx.signal,
            });
            after = r.TagList ?? [];
        }
        catch (e2) {
            throw explainSsm(e2, 'ListTagsForResource');
        }
        if (tagsToAdd(after, tags).length > 0)
            throw explainSsm(e, 'AddTagsToResource');
    }
    return missing.map((t) => t.Key ?? '');
}
async function describeDefault(ctx) {
    try {
        const r = await ctx.ssm.send(new client_ssm_dist_cjs/* DescribeDocumentCommand */.QO({ Name: ctx.name }), {
            abortSignal: ctx.signal,
        });
        return {
            defaultVersion: r.Document?.DefaultVersion ?? '',
            latestVersion: r.Document?.LatestVersion ?? '',
        };
    }
    catch (e) {
        throw explainSsm(e, 'DescribeDocument');
    }
}
/** Runs a mutating call, retrying TooManyUpdates (another update of the document is in flight). */
async function whileBusy(ctx, fn) {
    let delay = 500;
    for (;;) {
        try {
            return await fn();
        }
        catch (e) {
            if (errorCode(e) !== 'TooManyUpdates')
                throw e;
            ctx.log(`TooManyUpdates: another update of ${ctx.name} is in progress; retrying in ${delay} ms`);
            await ctx.sleep(delay);
            delay = Math.min(delay * 2, 8000);
        }
    }
}
function tagsToAdd(current, wanted) {
    const have = new Map(current.map((t) => [t.Key, t.Value ?? '']));
    return wanted.filter((t) => have.get(t.Key) !== (t.Value ?? ''));
}
/** Makes `documentVersion` the default (only call it for an Active version) and reads it back. */
async function setDefault(ctx, documentVersion) {
    const before = await describeDefault(ctx);
    if (before.defaultVersion === documentVersion)
        return { previous: before.defaultVersion, changed: false };
    try {
        await whileBusy(ctx, () => ctx.ssm.send(new client_ssm_dist_cjs/* UpdateDocumentDefaultVersionCommand */.hR_({ Name: ctx.name, DocumentVersion: documentVersion }), { abortSignal: ctx.signal }));
    }
    catch (e) {
        // A lost response after the change: the read-back below decides.
        if (!isAmbiguous(e))
            throw explainSsm(e, 'UpdateDocumentDefaultVersion');
    }
    const after = await describeDefault(ctx);
    if (after.defaultVersion !== documentVersion) {
        throw new PublishError(`The default version of ${ctx.name} is ${after.defaultVersion} after setting it to ${documentVersion}: another run changed it. Check the release pipeline's concurrency group.`);
    }
    ctx.log(`Default version of ${ctx.name}: ${before.defaultVersion} → ${documentVersion}`);
    return { previous: before.defaultVersion, changed: true };
}
function explainSsm(e, op) {
    if (e instanceof PublishError)
        return e;
    const code = errorCode(e);
    const status = httpStatus(e);
    let hint = '';
    if (code === 'AccessDeniedException')
        hint = ` Grant ssm:${op} on the document to the publishing role (see "IAM policy" in the README).`;
    else if (code === 'ThrottlingException')
        hint = ' SSM kept throttling after the SDK retries; re-run later.';
    else if (code === 'ValidationException')
        hint = ' Check the package name, version and tags against the SSM limits (run mode: validate).';
    else if (code === 'MaxDocumentSizeExceeded')
        hint = ' The manifest is over 64 KB.';
    else if (code === 'InvalidDocumentContent')
        hint = ' SSM rejected the manifest; run mode: validate to see why.';
    else if (code === 'TimeoutError' || code === 'AbortError')
        hint = ' The request did not complete in time; re-run (publishing resumes where it stopped).';
    else if (code === 'UnrecognizedClientException' ||
        code === 'InvalidSignatureException' ||
        code === 'ExpiredTokenException')
        hint = ' The AWS credentials are invalid or expired; check the configure-aws-credentials step.';
    return new PublishError(`${op} failed: ${code}${status ? ` (HTTP ${status})` : ''}: ${errorMessage(e)}.${hint}`);
}

;// CONCATENATED MODULE: ./src/aws/publish.ts
// mode: publish — every step safe to repeat after a failure at any point. The version name is the
// idempotency key: our version with our manifest is success (changed=false), another manifest a conflict.





async function publish(o) {
    const controller = new AbortController();
    const remaining = o.deadline - Date.now();
    const timer = setTimeout(() => controller.abort(new PublishError('The run reached its deadline (timeout-seconds).')), Math.max(remaining, 0));
    const clients = createClients({
        region: o.region,
        requestTimeoutMs: o.requestTimeoutMs,
        maxAttempts: 3,
        version: o.actionVersion,
        env: o.env,
    });
    try {
        return await run(o, clients, controller.signal);
    }
    catch (e) {
        if (controller.signal.aborted) {
            throw new PublishError(`The run reached its deadline (timeout-seconds) while talking to AWS (last error: ${errorCode(e)}: ${errorMessage(e)}). Re-run: publishing resumes where it stopped.`);
        }
        throw e;
    }
    finally {
        clearTimeout(timer);
        clients.destroy();
    }
}
async function run(o, clients, signal) {
    const sleep = (ms) => (0,promises_.setTimeout)(ms, undefined, { signal });
    const ctx = { ssm: clients.ssm, name: o.name, signal, log: o.log, sleep };
    const content = o.manifestBytes.toString('utf8');
    const canonical = canonicalJson(content);
    const ourSha = sha256Hex(o.manifestBytes);
    // 0. Who are we? (also gives the document ARN; needs no permission)
    let arn;
    let partition;
    try {
        const id = await clients.sts.send(new dist_cjs/* GetCallerIdentityCommand */.zI({}), { abortSignal: signal });
        partition = id.Arn?.split(':')[1] ?? 'aws';
        arn = `arn:${partition}:ssm:${o.region}:${id.Account}:document/${o.name}`;
        o.log(`Publishing as ${id.Arn} to ${o.region}`);
    }
    catch (e) {
        throw new PublishError(`Cannot use the AWS credentials (sts:GetCallerIdentity: ${errorCode(e)}: ${errorMessage(e)}). Add an aws-actions/configure-aws-credentials step before this one, with \`permissions: id-token: write\` for OIDC.`);
    }
    // 1. What does SSM hold? Our version name decides everything.
    const versions = await listVersions(ctx);
    const existingVersion = versions?.find((v) => v.VersionName === o.version);
    let documentVersion;
    let changed = false;
    let documentCreated = false;
    const keyPrefix = versionPrefix(o.prefix, o.name, o.version);
    const s3Uri = `s3://${o.bucket}/${keyPrefix}`;
    let uploads = [];
    if (existingVersion) {
        const stored = await getVersion(ctx, { versionName: o.version });
        if (!stored)
            throw new PublishError(`Version ${o.version} of ${o.name} is listed but cannot be read; re-run.`);
        if (canonicalJson(stored.content ?? '') !== canonical)
            throw conflict(o.name, o.version, stored, content);
        if (o.onExistingVersion === 'fail') {
            throw new PublishError(`Version ${o.version} of ${o.name} is already published (document version ${stored.documentVersion}, same manifest) and on-existing-version is fail.`);
        }
        documentVersion = stored.documentVersion;
        o.log(`Version ${o.version} is already published as document version ${documentVersion} with this manifest (sha256 ${ourSha}): nothing to create.`);
    }
    else {
        // 2. Upload (skipping what is already there), then read back with our identity, as SSM will.
        const files = [
            ...o.files.map((f) => ({ name: f.name, path: f.path, size: f.size, sha256: f.sha256 })),
            { name: 'manifest.json', path: o.manifestPath, size: o.manifestBytes.length, sha256: ourSha },
        ];
        uploads = await uploadAll({
            s3: clients.s3,
            bucket: o.bucket,
            signal,
            log: o.log,
            putTimeoutMs: (size) => o.requestTimeoutMs + Math.ceil(size / (1024 * 1024)) * 1000,
        }, keyPrefix, files);
        // 3. Create the version (or recognise it after an ambiguous failure).
        const created = await createVersion(ctx, {
            content,
            versionName: o.version,
            sourceUrl: s3Uri,
            tags: o.tags,
            exists: versions !== undefined,
            canonical,
            deadline: o.deadline,
        });
        documentVersion = created.documentVersion;
        changed = created.createdHere;
        documentCreated = created.documentCreated;
    }
    // 4. Wait for ingestion to end.
    const waited = await waitForVersion(ctx, documentVersion, {
        timeoutMs: Math.min(o.waitTimeoutMs, o.deadline - Date.now()),
        maxDelayMs: o.maxPollDelayMs,
    });
    if (waited.status === 'Failed') {
        throw new PublishError(`Version ${documentVersion} (${o.version}) of ${o.name} failed in SSM: ${waited.statusInformation ?? 'no reason given'}. ${failureHint(waited.statusInformation)} The version name ${o.version} stays taken by the failed version: publish a new version, or delete it first (aws ssm delete-document --name ${o.name} --version-name ${o.version}).`);
    }
    // 5. Verify what SSM stored against what we built.
    await verifyStored(ctx, documentVersion, o.version, canonical, o.files);
    // 6. Tags, then the default version (only now that the version is Active).
    if (!documentCreated) {
        const changedTags = await ensureTags(ctx, o.tags);
        if (changedTags.length)
            o.log(`Tagged ${o.name}: ${changedTags.join(', ')}`);
    }
    let defaultVersion;
    if (o.setDefault) {
        await setDefault(ctx, documentVersion);
        defaultVersion = documentVersion;
    }
    else {
        defaultVersion = (await describeDefault(ctx)).defaultVersion;
    }
    const consoleUrl = partition === 'aws'
        ? `https://${o.region}.console.aws.amazon.com/systems-manager/documents/${encodeURIComponent(o.name)}/description?region=${o.region}`
        : undefined;
    return {
        documentName: o.name,
        documentArn: arn,
        documentVersion,
        versionName: o.version,
        defaultVersion,
        status: waited.status,
        changed,
        s3Uri,
        uploads,
        consoleUrl,
    };
}


/***/ })

};
