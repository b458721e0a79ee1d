export const id = 316;
export const ids = [316];
export const modules = {

/***/ 82316:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  publish: () => (/* binding */ publish)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sts/dist-cjs/index.js
var dist_cjs = __webpack_require__(71695);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/text.ts
var src_text = __webpack_require__(48992);
;// CONCATENATED MODULE: ./src/aws/aws-error.ts
// What an SDK or network failure means for the user: one table from error code (or errno, or HTTP
// status) to an ActionError kind and a hint that says what to do. Every failure that leaves src/aws/
// goes through awsError(), so the same code always reads the same way.


/** The error code of an SDK error (`name`), or of a network failure (errno `code`). */
function errorCode(e) {
    if (e && typeof e === 'object') {
        const o = e;
        // An errno code (ECONNREFUSED) is more telling than the wrapper's name (AggregateError, Error).
        if (typeof o.code === 'string' && /^E[A-Z0-9_]+$/.test(o.code))
            return o.code;
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
/** How many attempts the SDK made before giving up with this error (1 when it did not retry). */
function sdkAttempts(e) {
    const m = e?.$metadata;
    return m?.attempts ?? 1;
}
/** Failures after which the server may or may not have done what was asked. */
const AMBIGUOUS = new Set([
    'InternalServerError',
    'InternalFailure',
    'InternalError',
    'ServiceUnavailable',
    'TimeoutError',
    'RequestTimeout',
    'RequestTimeoutException',
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
]);
/** A failure after which the server may or may not have done what was asked (5xx, reset, timeout). */
function isAmbiguous(e) {
    const status = httpStatus(e);
    if (status !== undefined && status >= 500)
        return true;
    return AMBIGUOUS.has(errorCode(e)) || /socket hang up/i.test((0,errors/* errorText */.kc)(e));
}
/** Whether `e` came from the SDK or the network (as opposed to a bug of this tool). */
function fromAws(e) {
    if (!e || typeof e !== 'object')
        return false;
    const o = e;
    if (o.$metadata !== undefined || o.$fault !== undefined)
        return true;
    if (typeof o.code === 'string' && /^E[A-Z0-9_]+$/.test(o.code))
        return true;
    return ['CredentialsProviderError', 'TimeoutError', 'AbortError'].includes(String(o.name));
}
/**
 * Text a server sent (an error message, a code, a StatusInformation) as this tool may print it: the
 * credentials of `env` replaced by `***` (an endpoint can echo the request's headers), on one line, and cut
 * to a readable length.
 */
function serverText(text, env = process.env, max = 1000) {
    const line = (0,src_text/* oneLine */.T)((0,errors/* scrubSecrets */.Zg)(text, env).replace(/\s*(?:\r\n|[\r\n\u2028\u2029])\s*/g, ' '));
    return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
// ---------------------------------------------------------------- the table
const CREDENTIALS_HINT = 'Add an aws-actions/configure-aws-credentials step before this one (with `permissions: id-token: write` for OIDC), ' +
    'or check the role it assumes and that its credentials have not expired (re-run to get fresh ones).';
const service = (call) => call.action.split(':')[0].toUpperCase();
const operation = (call) => call.operation ?? call.action.split(':')[1] ?? call.action;
/** First matching rule wins: credential codes before the 403 they often come with. */
const RULES = [
    {
        kind: 'credentials',
        codes: [
            'CredentialsProviderError',
            'ExpiredToken',
            'ExpiredTokenException',
            'TokenRefreshRequired',
            'UnrecognizedClientException',
            'InvalidClientTokenId',
            'InvalidAccessKeyId',
            'InvalidSignatureException',
            'SignatureDoesNotMatch',
            'IncompleteSignature',
            'MissingAuthenticationToken',
            'MissingAuthenticationTokenException',
            'AuthFailure',
        ],
        hint: () => CREDENTIALS_HINT,
    },
    {
        kind: 'permission',
        codes: [
            'AccessDenied',
            'AccessDeniedException',
            'Forbidden',
            'UnauthorizedOperation',
            'AuthorizationError',
        ],
        statuses: [403],
        hint: (call) => permissionHint(call.action),
    },
    {
        kind: 'network',
        codes: [
            'ECONNREFUSED',
            'ENOTFOUND',
            'EAI_AGAIN',
            'ECONNRESET',
            'ECONNABORTED',
            'EPIPE',
            'EHOSTUNREACH',
            'ENETUNREACH',
            'ENETDOWN',
            'ETIMEDOUT',
            'EPROTO',
            'ERR_SOCKET_CONNECTION_TIMEOUT',
        ],
        hint: (call) => `Check that this runner can reach the ${service(call)} endpoint: AWS_ENDPOINT_URL_${service(call)} or AWS_ENDPOINT_URL (if set) must point at a reachable endpoint, ` +
            'a proxy needs HTTPS_PROXY (and NO_PROXY for what bypasses it), and the `region` input must name a real region.',
    },
    {
        kind: 'throttled',
        codes: [
            'ThrottlingException',
            'Throttling',
            'ThrottledException',
            'TooManyRequestsException',
            'RequestLimitExceeded',
            'SlowDown',
            'TooManyUpdates',
        ],
        statuses: [429],
        hint: (call, code) => code === 'TooManyUpdates'
            ? 'Other updates of this document kept running: let one publisher at a time change a package (a concurrency group), then re-run.'
            : `${service(call)} kept throttling ${operation(call)} after the retries: re-run later, or publish fewer packages at once.`,
    },
    {
        kind: 'timeout',
        codes: ['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError'],
        statuses: [408, 504],
        hint: () => 'The request did not complete in time: re-run (publishing resumes where it stopped), or raise request-timeout-seconds on a slow network.',
    },
    {
        kind: 'conflict',
        codes: [
            'PreconditionFailed',
            'ConditionalRequestConflict',
            'DocumentAlreadyExists',
            'DuplicateDocumentVersionName',
            'DuplicateDocumentContent',
            'OperationAborted',
        ],
        statuses: [409, 412],
        hint: () => 'Another writer changed the same thing at the same time: re-run to converge, or publish a new version.',
    },
    {
        kind: 'limit',
        codes: [
            'DocumentVersionLimitExceeded',
            'MaxDocumentSizeExceeded',
            'DocumentLimitExceeded',
            'TooManyTagsError',
            'DocumentPermissionLimit',
            'EntityTooLarge',
        ],
        hint: (_call, code) => LIMIT_HINTS[code] ?? 'A service quota is reached: remove what is no longer needed, then re-run.',
    },
    {
        kind: 'not-found',
        codes: [
            'NoSuchBucket',
            'NoSuchKey',
            'NotFound',
            'InvalidDocument',
            'InvalidDocumentVersion',
            'InvalidResourceId',
        ],
        statuses: [404],
        hint: (_call, code) => code === 'NoSuchBucket'
            ? 'Check `s3-bucket`: the bucket must exist in the publishing account and partition.'
            : 'Check the name and version; a re-run looks everything up again.',
    },
    {
        kind: 'input',
        codes: [
            'ValidationException',
            'InvalidDocumentContent',
            'InvalidDocumentSchemaVersion',
            'InvalidDocumentType',
            'InvalidParameterValueException',
            'InvalidBucketName',
            'PermanentRedirect',
            'AuthorizationHeaderMalformed',
            'IllegalLocationConstraintException',
        ],
        statuses: [301],
        hint: (_call, code) => ['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException'].includes(code)
            ? 'The bucket is in another region than `region`: use a bucket in the publishing region, or set `region` to the bucket’s.'
            : 'SSM rejected the request: check the package name, version and tags against the SSM limits and run mode: validate for the manifest.',
    },
    {
        kind: 'service',
        codes: ['BadDigest', 'InvalidDigest', 'XAmzContentSHA256Mismatch'],
        hint: () => 'S3 received other bytes than were hashed: a file changed during the upload, or the network corrupted it. Re-run.',
    },
];
const LIMIT_HINTS = {
    DocumentVersionLimitExceeded: 'Delete old versions that are neither the default nor installed anywhere (aws ssm delete-document --name <name> --version-name <old>), then re-run.',
    MaxDocumentSizeExceeded: 'The manifest is over the 64 KB document limit: fewer targets or shorter file names.',
    DocumentLimitExceeded: 'The account holds the most SSM documents it may: delete unused ones, or ask for a higher quota.',
    TooManyTagsError: 'A document holds at most 50 tags: remove some from the `tags` input or from the document.',
    EntityTooLarge: 'The file is larger than S3 accepts in one upload.',
};
function permissionHint(action) {
    const base = `Grant ${action} to the role that publishes (see "IAM policy" in the README).`;
    if (action === 's3:GetObject')
        return `${base} Also grant s3:ListBucket on the bucket: without it S3 answers 403 instead of 404 for an object that is not there yet.`;
    if (action === 's3:PutObject')
        return `${base} For an SSE-KMS bucket also kms:GenerateDataKey and kms:Decrypt.`;
    return base;
}
const STATUS_NAMES = {
    400: 'BadRequest',
    403: 'Forbidden',
    404: 'NotFound',
    409: 'Conflict',
    412: 'PreconditionFailed',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
};
/** The rule for a code and status, if any. */
function ruleFor(code, status) {
    return (RULES.find((r) => r.codes.includes(code)) ??
        (status === undefined ? undefined : RULES.find((r) => r.statuses?.includes(status))));
}
/**
 * Any failure of an AWS call as an ActionError: ActionErrors pass through, SDK and network errors get
 * their kind, hint and code from the table (unknown codes are `service`), anything else is a bug (`internal`).
 */
function awsError(e, call) {
    if (e instanceof errors/* ActionError */.lZ)
        return e;
    if (!fromAws(e))
        return (0,errors/* toActionError */.ie)(e);
    const status = httpStatus(e);
    // A response without a body (HEAD) has no error code: name it after its status.
    const bodyless = ['Unknown', 'UnknownError'].includes(errorCode(e));
    const code = serverText(bodyless && status !== undefined ? (STATUS_NAMES[status] ?? `HTTP${status}`) : errorCode(e), process.env, 100);
    const rule = ruleFor(code, status);
    const subject = call.subject ? ` ${(0,src_text/* oneLine */.T)(call.subject)}` : '';
    const text = bodyless ? '' : serverText((0,errors/* errorText */.kc)(e).trim());
    const message = `${operation(call)}${subject} failed: ${code}${status ? ` (HTTP ${status})` : ''}${text && text !== code ? `: ${text}` : ''}`;
    return new errors/* ActionError */.lZ(rule?.kind ?? 'service', message, {
        hint: rule?.hint(call, code) ??
            `${service(call)} reported ${code}; re-run, and if it persists check the AWS Health Dashboard.`,
        code,
        action: rule?.kind === 'permission' ? call.action : undefined,
        cause: e,
    });
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-s3/dist-cjs/index.js
var client_s3_dist_cjs = __webpack_require__(53711);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ssm/dist-cjs/index.js
var client_ssm_dist_cjs = __webpack_require__(34736);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(57975);
// EXTERNAL MODULE: ./node_modules/@smithy/node-http-handler/dist-cjs/index.js
var node_http_handler_dist_cjs = __webpack_require__(61279);
;// CONCATENATED MODULE: ./src/aws/retry.ts
// The one retry helper of the AWS layer: bounded attempts, exponential backoff with full jitter, and
// sleep, clock and randomness passed in (so callers and tests decide how time passes). Also the same
// backoff as an SDK retry strategy, so the SDK's own retries wait through the same injected sleep.
/** The real sleep: a timer, cancelled by the signal. */
const realSleep = (ms, signal) => new Promise((resolve, reject) => {
    if (signal?.aborted) {
        reject(signal.reason);
        return;
    }
    const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
    };
    const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
});
const realTiming = { now: Date.now, sleep: realSleep, random: Math.random };
/** Full jitter: a delay drawn uniformly from [0, min(cap, base·2^retry)]. */
function backoffDelay(retry, b, random) {
    const ceiling = Math.min(b.maxDelayMs, b.baseDelayMs * 2 ** Math.max(0, retry));
    return Math.floor(random() * ceiling);
}
/**
 * Calls `fn` until it succeeds, a failure is not `retryable`, the attempts are used up or the deadline
 * would pass during the wait; then the last failure is thrown as it is.
 */
async function retry(fn, o) {
    const attempts = Math.max(1, Math.floor(o.attempts));
    for (let attempt = 1;; attempt++) {
        try {
            return await fn(attempt);
        }
        catch (error) {
            if (o.signal?.aborted || attempt >= attempts || !o.retryable(error, attempt))
                throw error;
            const delayMs = backoffDelay(attempt - 1, o, o.timing.random);
            if (o.deadline !== undefined && o.timing.now() + delayMs > o.deadline)
                throw o.onDeadline ? o.onDeadline(error) : error;
            o.onRetry?.({ error, attempt, attempts, delayMs });
            await o.timing.sleep(delayMs, o.signal);
        }
    }
}
/** The SDK's defaults in standard mode: 3 attempts, 50 ms transient / 1 s throttling base, 20 s cap. */
const SDK_RETRY_DEFAULTS = {
    attempts: 3,
    baseDelayMs: 50,
    throttlingBaseDelayMs: 1000,
    maxDelayMs: 20_000,
};
/**
 * A retry strategy for the SDK clients (`retryStrategy`) that retries what the SDK's standard mode
 * retries (throttling and transient failures) with full-jitter backoff, waiting through `timing.sleep`.
 * The wait happens here, so the token handed back to the SDK carries no further delay.
 */
class SdkRetryStrategy {
    o;
    timing;
    signal;
    mode = 'standard';
    constructor(o, timing, 
    /** Ends a wait early (the run's deadline); the SDK then stops retrying. */
    signal) {
        this.o = o;
        this.timing = timing;
        this.signal = signal;
    }
    acquireInitialRetryToken() {
        return Promise.resolve(token(0));
    }
    async refreshRetryTokenForRetry(t, info) {
        const retries = t.getRetryCount();
        const retryable = info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT';
        if (!retryable || retries + 1 >= this.o.attempts)
            throw new Error('No retry token available');
        const base = info.errorType === 'THROTTLING' ? this.o.throttlingBaseDelayMs : this.o.baseDelayMs;
        let delay = backoffDelay(retries, { baseDelayMs: base, maxDelayMs: this.o.maxDelayMs }, this.timing.random);
        if (info.retryAfterHint instanceof Date) {
            const asked = info.retryAfterHint.getTime() - this.timing.now();
            delay = Math.max(delay, Math.min(asked, this.o.maxDelayMs));
        }
        await this.timing.sleep(delay, this.signal);
        return token(retries + 1);
    }
    recordSuccess() { }
}
const token = (count) => ({ getRetryCount: () => count, getRetryDelay: () => 0 });

;// CONCATENATED MODULE: ./src/aws/clients.ts
// SSM, S3 and STS clients with the settings every call needs: region, retries that wait through the
// run's sleep (and stop at its deadline), a request timeout that really fails the call, and a user
// agent naming this action.






const ACTION_NAME = 'ssm-distributor-action';
function createClients(o) {
    const handler = () => new node_http_handler_dist_cjs.NodeHttpHandler({
        requestTimeout: o.requestTimeoutMs,
        connectionTimeout: Math.min(o.requestTimeoutMs, 10_000),
        throwOnRequestTimeout: true,
    });
    const retry = { ...SDK_RETRY_DEFAULTS, ...o.retry };
    const quiet = () => undefined;
    const warn = (...args) => {
        const text = args
            .map((a) => (typeof a === 'string' ? a : (0,external_node_util_.inspect)(a, { depth: 3, breakLength: Infinity })))
            .join(' ');
        // Said of every failed upload; uploads are retried with a fresh stream here (s3.ts), and logged.
        if (/non-retryable streaming request/.test(text))
            return;
        o.log?.(`AWS SDK: ${text}`);
    };
    // `error` is the SDK logging every failed command (a 404 that is expected included): aws-error.ts reports those.
    const logger = { trace: quiet, debug: quiet, info: quiet, warn, error: quiet };
    const common = () => ({
        region: o.region,
        maxAttempts: retry.attempts,
        retryStrategy: new SdkRetryStrategy(retry, o.timing, o.signal),
        customUserAgent: [[ACTION_NAME, o.version]],
        requestHandler: handler(),
        logger,
    });
    const ssm = new client_ssm_dist_cjs/* SSMClient */.jBj(common());
    // A custom S3 endpoint (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL: MinIO, LocalStack, ...) is addressed path-style.
    const customS3 = Boolean(o.env.AWS_ENDPOINT_URL_S3 || o.env.AWS_ENDPOINT_URL);
    const s3 = new client_s3_dist_cjs/* S3Client */.YxF({ ...common(), forcePathStyle: customS3 });
    const sts = new dist_cjs/* STSClient */.iM(common());
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

;// CONCATENATED MODULE: ./src/aws/context.ts


/** Our own retries, on top of the SDK's: what each one is for decides how long it may keep trying. */
const BACKOFF = {
    /** TooManyUpdates (another update of the document is in flight) and lost answers of a create. */
    update: { attempts: 10, baseDelayMs: 1000, maxDelayMs: 8000 },
    /** A PUT the SDK cannot repeat itself (its body is a file stream). */
    upload: { attempts: 4, baseDelayMs: 400, maxDelayMs: 3200 },
};
/** The failure of an SSM call on this document as an ActionError. */
function ssmError(ctx, op, e) {
    return awsError(e, { action: `ssm:${op}`, subject: ctx.name });
}
/** Retries `fn` (one mutating call on the document) while SSM answers TooManyUpdates. */
function whileBusy(ctx, call, fn) {
    return retry(fn, {
        ...BACKOFF.update,
        retryable: (e) => errorCode(e) === 'TooManyUpdates',
        onRetry: (r) => ctx.log(`TooManyUpdates: another update of ${ctx.name} is in progress; ${call.action} again in ${r.delayMs} ms (${r.attempt}/${r.attempts - 1})`),
        timing: ctx.timing,
        signal: ctx.signal,
        deadline: ctx.deadline,
        onDeadline: ctx.deadlineError,
    });
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/aws/versions.ts
// Reading package versions: the list, one version with its content and attachments, and the
// canonical form of a manifest by which "the same version" is recognised.





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
/** All versions (paginated), oldest first, or undefined when the document does not exist. */
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
        throw ssmError(ctx, 'ListDocumentVersions', e);
    }
    return all.sort((a, b) => Number(a.DocumentVersion) - Number(b.DocumentVersion));
}
/** One version by name or number, or undefined when there is no such version (or document). */
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
        throw ssmError(ctx, 'GetDocument', e);
    }
}
/** The newest of the last ten versions whose manifest is `canonical`, if any. */
async function findSameContent(ctx, canonical) {
    const versions = (await listVersions(ctx)) ?? [];
    for (const v of versions.slice(-10).reverse()) {
        const got = await getVersion(ctx, { documentVersion: v.DocumentVersion ?? '' });
        if (got && canonicalJson(got.content ?? '') === canonical)
            return got;
    }
    return undefined;
}
/** Our version name is taken by another manifest. */
function versionConflict(name, versionName, found, ours, code) {
    return new errors/* ActionError */.lZ('conflict', `Version ${versionName} of ${name} already exists (document version ${found.documentVersion}) with a different manifest: published sha256 ${sha256Hex(found.content ?? '')}, this build's ${sha256Hex(ours)}.`, { hint: 'A version name can be used only once: bump the version (e.g. push a new tag).', code });
}

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
        return await retry(() => createOnce(ctx, input, state), {
            ...BACKOFF.update,
            // Everything final is an ActionError by now; what is left is worth another attempt.
            retryable: (e) => !(e instanceof errors/* ActionError */.lZ),
            onRetry: (r) => ctx.log(`${errorCode(r.error)} from SSM while creating ${input.versionName}: ${retryReason(errorCode(r.error))}; again in ${r.delayMs} ms (${r.attempt}/${r.attempts - 1})`),
            timing: ctx.timing,
            signal: ctx.signal,
            deadline: ctx.deadline,
            onDeadline: ctx.deadlineError,
        });
    }
    catch (e) {
        throw ssmError(ctx, state.exists ? 'UpdateDocument' : 'CreateDocument', e);
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
        return { documentVersion: v, versionCreated: true, documentCreated: true, tagsSet: true };
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
    return { documentVersion: v, versionCreated: true, documentCreated: false, tagsSet: false };
}
/** Decides after a failed create: a result, an ActionError (final), or the raw error (worth another attempt). */
async function reconcile(ctx, input, state, e) {
    const code = errorCode(e);
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
        throw new errors/* ActionError */.lZ('conflict', ssmError(ctx, op, e).message, {
            hint: 'SSM did not accept $LATEST as the version to update: another writer is changing this document. Re-run once it is done.',
            code,
            cause: e,
        });
    }
    // A 5xx, reset or timeout, or a definite answer to a request the SDK had already sent before.
    const lost = isAmbiguous(e) || sdkAttempts(e) > 1;
    if (lost) {
        state.lost = true;
        state.lostCreate ||= !state.exists;
    }
    if (!lost && !RECONCILE.has(code))
        throw ssmError(ctx, op, e);
    const found = await getVersion(ctx, { versionName: input.versionName });
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
    throw ssmError(ctx, op, e);
}
function ours(ctx, input, state, found, code) {
    if (canonicalJson(found.content ?? '') !== input.canonical)
        throw versionConflict(ctx.name, input.versionName, found, input.content, code);
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
    const versions = await listVersions(ctx).catch(() => undefined);
    return new errors/* ActionError */.lZ('limit', `${ctx.name} has ${versions?.length ?? 'too many'} versions, the most SSM allows for a package.`, {
        hint: `Delete old versions that are neither the default nor installed anywhere (aws ssm delete-document --name ${ctx.name} --version-name <old>), then re-run.`,
        code: 'DocumentVersionLimitExceeded',
        cause: e,
    });
}
async function duplicateContent(ctx, input, e) {
    const same = await findSameContent(ctx, input.canonical);
    const where = same
        ? ` as version ${same.documentVersion} (version name ${same.versionName ?? 'none'})`
        : '';
    return new errors/* ActionError */.lZ('conflict', `SSM already holds this exact manifest${where}; a new version needs different content.`, {
        hint: `Publish it under that version name, or change the package and bump the version (${input.versionName} is free).`,
        code: 'DuplicateDocumentContent',
        cause: e,
    });
}

;// CONCATENATED MODULE: ./src/aws/default.ts
// The document's default version: read it, and move it to a version (read back, so a lost answer or
// another writer is noticed), never back to an older one.




async function describeDefault(ctx) {
    try {
        const r = await ctx.ssm.send(new client_ssm_dist_cjs/* DescribeDocumentCommand */.QO({ Name: ctx.name }), {
            abortSignal: ctx.signal,
        });
        return {
            defaultVersion: r.Document?.DefaultVersion ?? '',
            defaultVersionName: r.Document?.VersionName,
            latestVersion: r.Document?.LatestVersion ?? '',
        };
    }
    catch (e) {
        throw ssmError(ctx, 'DescribeDocument', e);
    }
}
/** Document versions are numbered from 1 up; a lower number is an older version. */
const older = (a, b) => /^\d+$/.test(a) && /^\d+$/.test(b) && Number(a) < Number(b);
/**
 * Makes `documentVersion` the default (only call it for an Active version) and reads it back, unless
 * the default is a newer version: publish never moves the default back (a re-run of an old release's
 * workflow would roll every host back); that is a deliberate rollback's job.
 */
async function setDefault(ctx, documentVersion) {
    const before = await describeDefault(ctx);
    if (before.defaultVersion === documentVersion)
        return { previous: before.defaultVersion, changed: false };
    if (older(documentVersion, before.defaultVersion)) {
        ctx.log(`Default version of ${ctx.name} stays ${before.defaultVersion} (${before.defaultVersionName ?? 'no version name'}): it is newer than ${documentVersion}`);
        return {
            previous: before.defaultVersion,
            changed: false,
            kept: { documentVersion: before.defaultVersion, versionName: before.defaultVersionName },
        };
    }
    const call = { action: 'ssm:UpdateDocumentDefaultVersion', subject: ctx.name };
    try {
        await whileBusy(ctx, call, () => ctx.ssm.send(new client_ssm_dist_cjs/* UpdateDocumentDefaultVersionCommand */.hR_({ Name: ctx.name, DocumentVersion: documentVersion }), {
            abortSignal: ctx.signal,
        }));
    }
    catch (e) {
        // A lost answer after the change: the read-back below decides.
        if (!isAmbiguous(e) || ctx.signal.aborted)
            throw ssmError(ctx, 'UpdateDocumentDefaultVersion', e);
    }
    const after = await describeDefault(ctx);
    if (after.defaultVersion !== documentVersion) {
        throw new errors/* ActionError */.lZ('conflict', `The default version of ${ctx.name} is ${after.defaultVersion} after setting it to ${documentVersion}: another run changed it.`, {
            hint: "Let one release pipeline at a time set the default (the workflow's concurrency group), then re-run.",
        });
    }
    ctx.log(`Default version of ${ctx.name}: ${before.defaultVersion} → ${documentVersion}`);
    return { previous: before.defaultVersion, changed: true };
}

// EXTERNAL MODULE: ./src/aws/progress.ts
var aws_progress = __webpack_require__(82830);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
;// CONCATENATED MODULE: ./src/aws/s3.ts
// Checksum-verified, skip-if-identical uploads of the built files to s3://bucket/prefix/name/version/, a
// few at a time, and of the manifest to prefix/name/manifests/version.json once they are all in place.






/** How many files are uploaded at a time. */
const UPLOAD_CONCURRENCY = 4;
const keyOf = (...parts) => parts.filter((p) => p !== '').join('/');
/** `prefix/name/version` without leading/trailing slashes (an empty prefix is left out). */
function versionPrefix(prefix, name, version) {
    return keyOf(prefix.replace(/^\/+|\/+$/g, ''), name, version);
}
/**
 * Where a version's manifest.json goes: `prefix/name/manifests/version.json`, outside the version's
 * folder (the SourceUrl), so that a service attaching every object under the SourceUrl finds only the
 * files the manifest lists.
 */
function manifestKey(prefix, name, version) {
    return keyOf(prefix.replace(/^\/+|\/+$/g, ''), name, 'manifests', `${version}.json`);
}
const hexToBase64 = (hex) => Buffer.from(hex, 'hex').toString('base64');
const base64ToHex = (b64) => Buffer.from(b64, 'base64').toString('hex');
const s3Error = (e, action, uri, operation) => awsError(e, { action, subject: uri, operation });
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
        // HeadObject needs s3:GetObject (and s3:ListBucket for a clean 404).
        throw s3Error(e, 's3:GetObject', `s3://${ctx.bucket}/${key}`, 'HeadObject');
    }
}
/**
 * Uploads `files`, at most `concurrency` at a time, then `last` (the manifest) once every one of them is
 * stored and read back. Objects already there with the same sha256 are skipped; a key holding different
 * content is a conflict: another build of the same version got there first. Every object is read back
 * (HeadObject with the caller's identity, as SSM will read it) and its checksum compared, before SSM is
 * asked to ingest anything. After a failure no new upload starts; those under way end (and are
 * reported to `stored`) before the first failure is thrown.
 */
async function uploadAll(ctx, files, last, concurrency = UPLOAD_CONCURRENCY) {
    const results = await bounded(files, concurrency, (f) => uploadOne(ctx, f));
    if (last)
        results.push(await uploadOne(ctx, last));
    return results;
}
/** `fn` over `items`, at most `limit` at a time, results in item order; stops starting new ones after a failure. */
async function bounded(items, limit, fn) {
    const out = [];
    let next = 0;
    let failure;
    const worker = async () => {
        while (failure === undefined && next < items.length) {
            const i = next++;
            try {
                out[i] = await fn(items[i]);
            }
            catch (error) {
                failure ??= { error };
            }
        }
    };
    const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
    await Promise.all(Array.from({ length: workers }, worker));
    if (failure)
        throw failure.error;
    return out;
}
async function uploadOne(ctx, f) {
    const uri = `s3://${ctx.bucket}/${f.key}`;
    let action = 'present';
    const before = await head(ctx, f.key);
    if (before.exists) {
        checkSame(before, f, uri);
        ctx.log(`= ${uri} already holds this file (sha256 ${f.sha256}); not uploaded again`);
    }
    else {
        action = await put(ctx, f.key, f, uri);
    }
    // Read back with the caller's identity: SSM fetches the object with the same credentials.
    const after = await head(ctx, f.key);
    if (!after.exists) {
        throw new errors/* ActionError */.lZ('not-found', `${uri} is missing right after the upload.`, {
            hint: "Check the bucket's lifecycle rules (nothing may expire or delete objects under the prefix), then re-run.",
        });
    }
    checkSame(after, f, uri, action === 'uploaded');
    const done = { ...f, action };
    ctx.stored?.(done);
    return done;
}
/**
 * Whether the folder `keyPrefix/` holds every one of `files` with its sha256: true when it does, false
 * when one is missing or differs, undefined when S3 could not be asked (the reason is logged).
 */
async function holdsAll(ctx, keyPrefix, files) {
    try {
        const found = await bounded(files, UPLOAD_CONCURRENCY, async (f) => {
            const h = await head(ctx, `${keyPrefix}/${f.name}`);
            return h.exists && h.sha256 === f.sha256.toLowerCase();
        });
        return found.every(Boolean);
    }
    catch (e) {
        if (ctx.signal.aborted)
            throw e;
        ctx.log(`Could not check s3://${ctx.bucket}/${keyPrefix}/: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
    }
}
/** Transient failures worth another attempt (the SDK cannot retry a PUT whose body is a consumed file stream). */
function isTransient(e) {
    const status = httpStatus(e);
    return ((status !== undefined && status >= 500) ||
        isAmbiguous(e) ||
        ['SlowDown', 'RequestTimeout', 'Unknown'].includes(errorCode(e)));
}
/** One conditional PUT, with a fresh stream per attempt, retried while it fails transiently. */
async function put(ctx, key, f, uri) {
    try {
        return await retry(() => putOnce(ctx, key, f, uri), {
            ...BACKOFF.upload,
            retryable: (e) => !(e instanceof errors/* ActionError */.lZ),
            onRetry: (r) => ctx.log(`PutObject ${uri} failed (${errorCode(r.error)}); again in ${r.delayMs} ms (${r.attempt}/${r.attempts - 1})`),
            timing: ctx.timing,
            signal: ctx.signal,
            deadline: ctx.deadline,
            onDeadline: ctx.deadlineError,
        });
    }
    catch (e) {
        throw s3Error(e, 's3:PutObject', uri);
    }
}
/**
 * After a failure that may or may not have stored the object (5xx, reset, timeout), or a lost race for
 * the key (412/409), what S3 holds decides: the same checksum is success. Throws the raw error to retry.
 */
async function putOnce(ctx, key, f, uri) {
    try {
        await ctx.s3.send(new client_s3_dist_cjs/* PutObjectCommand */.wKZ({
            Bucket: ctx.bucket,
            Key: key,
            Body: (0,external_node_fs_.createReadStream)(f.path),
            ContentLength: f.size,
            ContentType: f.name.endsWith('.json') ? 'application/json' : 'application/zip',
            // Both: the algorithm header is what makes some servers (and Object Lock buckets) keep the value;
            // with a checksum header present the SDK computes none of its own and streams the body as is.
            ChecksumAlgorithm: 'SHA256',
            ChecksumSHA256: hexToBase64(f.sha256),
            IfNoneMatch: '*',
        }), { abortSignal: ctx.signal, requestTimeout: ctx.putTimeoutMs(f.size) });
        ctx.log(`↑ ${uri} (${f.size} bytes, sha256 ${f.sha256})`);
        return 'uploaded';
    }
    catch (e) {
        const code = errorCode(e);
        const raced = code === 'PreconditionFailed' || code === 'ConditionalRequestConflict' || httpStatus(e) === 412;
        if ((!raced && !isTransient(e)) || ctx.signal.aborted)
            throw s3Error(e, 's3:PutObject', uri);
        const now = await head(ctx, key);
        if (now.exists) {
            checkSame(now, f, uri);
            ctx.log(`= ${uri} is in place (${raced ? 'written by a concurrent run' : 'stored before the answer was lost'})`);
            return raced ? 'present' : 'uploaded';
        }
        if (raced)
            throw s3Error(e, 's3:PutObject', uri);
        throw e;
    }
}
function checkSame(h, f, uri, ours = false) {
    if (h.sha256 === f.sha256 && (h.size === undefined || h.size === f.size))
        return;
    if (ours) {
        throw new errors/* ActionError */.lZ('service', `${uri} holds other bytes right after this run uploaded it (sha256 ${h.sha256 ?? 'not reported'}, this build's ${f.sha256}).`, {
            hint: 'S3 stored something else than was sent: delete the object and re-run; nothing was published.',
        });
    }
    if (h.sha256 === undefined) {
        throw new errors/* ActionError */.lZ('conflict', `${uri} exists but S3 reports no SHA-256 checksum for it (it was not uploaded by this action), so it cannot be verified.`, { hint: 'Delete it, or publish under a new version.' });
    }
    throw new errors/* ActionError */.lZ('conflict', `${uri} already holds different content (sha256 ${h.sha256}, this build's ${f.sha256}): another build of this version uploaded it.`, { hint: `Publish a new version, or delete ${uri} if that build was never published.` });
}

;// CONCATENATED MODULE: ./src/aws/tags.ts
// The document's tags: add or update the given ones, leave the others alone, and read back after a
// lost answer.



async function listTags(ctx) {
    try {
        const r = await ctx.ssm.send(new client_ssm_dist_cjs/* ListTagsForResourceCommand */.a_e({ ResourceType: 'Document', ResourceId: ctx.name }), {
            abortSignal: ctx.signal,
        });
        return r.TagList ?? [];
    }
    catch (e) {
        throw ssmError(ctx, 'ListTagsForResource', e);
    }
}
function tagsToAdd(current, wanted) {
    const have = new Map(current.map((t) => [t.Key, t.Value ?? '']));
    return wanted.filter((t) => have.get(t.Key) !== (t.Value ?? ''));
}
/** Adds or updates the given tags (tags SSM holds that are not given are left alone). Returns the keys changed. */
async function ensureTags(ctx, tags) {
    if (tags.length === 0)
        return [];
    const missing = tagsToAdd(await listTags(ctx), tags);
    if (missing.length === 0)
        return [];
    const call = { action: 'ssm:AddTagsToResource', subject: ctx.name };
    try {
        await whileBusy(ctx, call, () => ctx.ssm.send(new client_ssm_dist_cjs/* AddTagsToResourceCommand */.X3P({ ResourceType: 'Document', ResourceId: ctx.name, Tags: missing }), {
            abortSignal: ctx.signal,
        }));
    }
    catch (e) {
        // The answer was lost: the tags SSM holds now decide.
        if (!isAmbiguous(e) || ctx.signal.aborted)
            throw ssmError(ctx, 'AddTagsToResource', e);
        if (tagsToAdd(await listTags(ctx), tags).length > 0)
            throw ssmError(ctx, 'AddTagsToResource', e);
    }
    return missing.map((t) => t.Key ?? '');
}

;// CONCATENATED MODULE: ./src/aws/verify.ts
// Checking what SSM stored for a version against what this run built: version name, manifest, and
// each listed attachment's name, size and sha256. Attachments the manifest does not list (other objects
// under the SourceUrl folder, for a service that attaches them all) are reported, not refused: nothing
// installs them.


/** Throws a `service` error naming every difference between what SSM stored and what was sent. */
async function verifyStored(ctx, documentVersion, versionName, canonical, files) {
    const got = await getVersion(ctx, { documentVersion });
    if (!got) {
        throw new errors/* ActionError */.lZ('conflict', `Version ${documentVersion} of ${ctx.name} disappeared after it became Active.`, {
            hint: 'Someone deleted it meanwhile: re-run to publish it again.',
        });
    }
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
            const r = await ctx.ssm.send(new client_ssm_dist_cjs/* DescribeDocumentCommand */.QO({ Name: ctx.name, DocumentVersion: documentVersion }), {
                abortSignal: ctx.signal,
            });
            status = r.Document?.Status;
            info =
                r.Document?.StatusInformation === undefined ? undefined : serverText(r.Document.StatusInformation);
        }
        catch (e) {
            throw ssmError(ctx, 'DescribeDocument', e);
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
    const timing = {
        now: o.now ?? Date.now,
        sleep: o.sleep ?? realSleep,
        random: o.random ?? Math.random,
    };
    const controller = new AbortController();
    const deadlineHint = 'Re-run: publishing resumes where it stopped. If the run needs more time, raise timeout-seconds.';
    const reached = new errors/* ActionError */.lZ('timeout', 'The run reached its deadline (timeout-seconds).', {
        hint: deadlineHint,
    });
    const deadlineError = (last) => {
        if (last === reached)
            return reached;
        const what = last instanceof errors/* ActionError */.lZ ? last.message : `${errorCode(last)}: ${(0,errors/* errorText */.kc)(last)}`;
        return new errors/* ActionError */.lZ('timeout', `The run reached its deadline (timeout-seconds) while talking to AWS (last error: ${what.replace(/\.$/, '')}).`, { hint: deadlineHint, code: last instanceof errors/* ActionError */.lZ ? last.code : errorCode(last), cause: last });
    };
    const timer = setTimeout(() => controller.abort(reached), Math.max(o.deadline - timing.now(), 0));
    const clients = createClients({
        region: o.region,
        requestTimeoutMs: o.requestTimeoutMs,
        retry: o.sdkRetry,
        version: o.actionVersion,
        env: o.env,
        timing,
        signal: controller.signal,
        log: o.log,
    });
    const base = {
        signal: controller.signal,
        deadline: o.deadline,
        timing,
        log: o.log,
        deadlineError,
    };
    try {
        return await run(o, clients, base);
    }
    catch (e) {
        if (controller.signal.aborted)
            throw deadlineError(e);
        throw (0,errors/* toActionError */.ie)(e);
    }
    finally {
        clearTimeout(timer);
        clients.destroy();
    }
}
/** Who are we? Also gives the document ARN; needs no permission, so a failure is about credentials or the endpoint. */
async function whoAmI(o, sts, ctx) {
    try {
        const id = await sts.send(new dist_cjs/* GetCallerIdentityCommand */.zI({}), { abortSignal: ctx.signal });
        const partition = id.Arn?.split(':')[1] ?? 'aws';
        o.log(`Publishing as ${id.Arn} to ${o.region}`);
        return { arn: `arn:${partition}:ssm:${o.region}:${id.Account}:document/${o.name}`, partition };
    }
    catch (e) {
        throw awsError(e, { action: 'sts:GetCallerIdentity' });
    }
}
async function lookUp(o, ctx, canonical) {
    const versions = await listVersions(ctx);
    const defaultVersion = versions?.find((v) => v.IsDefaultVersion)?.DocumentVersion;
    const found = { exists: versions !== undefined, defaultVersion, published: undefined };
    if (!versions?.some((v) => v.VersionName === o.version))
        return found;
    const stored = await getVersion(ctx, { versionName: o.version });
    if (!stored) {
        throw new errors/* ActionError */.lZ('conflict', `Version ${o.version} of ${o.name} is listed but cannot be read.`, {
            hint: 'It was probably deleted meanwhile: re-run.',
        });
    }
    const content = o.manifestBytes.toString('utf8');
    if (canonicalJson(stored.content ?? '') !== canonical)
        throw versionConflict(o.name, o.version, stored, content);
    if (o.onExistingVersion === 'fail') {
        throw new errors/* ActionError */.lZ('conflict', `Version ${o.version} of ${o.name} is already published (document version ${stored.documentVersion}, same manifest) and on-existing-version is fail.`, { hint: 'Bump the version, or set on-existing-version: skip-if-identical to accept a re-run.' });
    }
    o.log(`Version ${o.version} is already published as document version ${stored.documentVersion} with this manifest (sha256 ${sha256Hex(o.manifestBytes)}): nothing to create.`);
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
    const keyPrefix = versionPrefix(o.prefix, o.name, o.version);
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
        sha256: sha256Hex(o.manifestBytes),
        key: manifestKey(o.prefix, o.name, o.version),
    };
    progress.s3Uri = s3Uri;
    const s3Ctx = {
        ...s3CtxOf(o, clients, ctx),
        stored: (u) => {
            if (u.action === 'uploaded')
                progress.uploaded++;
        },
    };
    const uploads = await uploadAll(s3Ctx, zips, manifest, o.uploadConcurrency);
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
    const canonical = canonicalJson(o.manifestBytes.toString('utf8'));
    if (canonical === undefined)
        throw new Error('publish() was given a manifest that is not JSON');
    const progress = o.progress ?? (0,aws_progress/* noProgress */.n)();
    const identity = await whoAmI(o, clients.sts, ctx);
    // 1. What does SSM hold? Our version name decides everything.
    const found = await lookUp(o, ctx, canonical);
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
        const tagged = await ensureTags(ctx, o.tags);
        if (tagged.length)
            o.log(`Tagged ${o.name}: ${tagged.join(', ')}`);
        if (!progress.documentCreated)
            progress.tagsChanged = tagged;
    }
    const moved = o.setDefault ? await setDefault(ctx, documentVersion) : undefined;
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
        : (await describeDefault(ctx)).defaultVersion;
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
    };
}
/** Where a failed version stands (best effort: without the list, the hint names the usual delete). */
async function placeOf(ctx, documentVersion) {
    const versions = await listVersions(ctx).catch(() => undefined);
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
    const keyPrefix = versionPrefix(o.prefix, o.name, o.version);
    const uri = `s3://${o.bucket}/${keyPrefix}`;
    const holds = await holdsAll(s3CtxOf(o, clients, ctx), keyPrefix, o.files);
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
