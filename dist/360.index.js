export const id = 360;
export const ids = [360];
export const modules = {

/***/ 24931:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CA: () => (/* binding */ errorCode),
/* harmony export */   Tn: () => (/* binding */ serverText),
/* harmony export */   X2: () => (/* binding */ isAmbiguous),
/* harmony export */   es: () => (/* binding */ awsError),
/* harmony export */   nG: () => (/* binding */ httpStatus),
/* harmony export */   zp: () => (/* binding */ sdkAttempts)
/* harmony export */ });
/* unused harmony exports RULES, ruleFor */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(48992);
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
    return AMBIGUOUS.has(errorCode(e)) || /socket hang up/i.test((0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorText */ .kc)(e));
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
    const line = (0,_text_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .T)((0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .scrubSecrets */ .Zg)(text, env).replace(/\s*(?:\r\n|[\r\n\u2028\u2029])\s*/g, ' '));
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
    if (e instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ)
        return e;
    if (!fromAws(e))
        return (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .toActionError */ .ie)(e);
    const status = httpStatus(e);
    // A response without a body (HEAD) has no error code: name it after its status.
    const bodyless = ['Unknown', 'UnknownError'].includes(errorCode(e));
    const code = serverText(bodyless && status !== undefined ? (STATUS_NAMES[status] ?? `HTTP${status}`) : errorCode(e), process.env, 100);
    const rule = ruleFor(code, status);
    const subject = call.subject ? ` ${(0,_text_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .T)(call.subject)}` : '';
    const text = bodyless ? '' : serverText((0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorText */ .kc)(e).trim());
    const message = `${operation(call)}${subject} failed: ${code}${status ? ` (HTTP ${status})` : ''}${text && text !== code ? `: ${text}` : ''}`;
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(rule?.kind ?? 'service', message, {
        hint: rule?.hint(call, code) ??
            `${service(call)} reported ${code}; re-run, and if it persists check the AWS Health Dashboard.`,
        code,
        action: rule?.kind === 'permission' ? call.action : undefined,
        cause: e,
    });
}


/***/ }),

/***/ 37510:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ei: () => (/* binding */ ssmError),
/* harmony export */   hH: () => (/* binding */ BACKOFF),
/* harmony export */   lr: () => (/* binding */ whileBusy)
/* harmony export */ });
/* harmony import */ var _aws_error_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(24931);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(22495);


/** Our own retries, on top of the SDK's: what each one is for decides how long it may keep trying. */
const BACKOFF = {
    /** TooManyUpdates (another update of the document is in flight) and lost answers of a create. */
    update: { attempts: 10, baseDelayMs: 1000, maxDelayMs: 8000 },
    /** A PUT the SDK cannot repeat itself (its body is a file stream). */
    upload: { attempts: 4, baseDelayMs: 400, maxDelayMs: 3200 },
};
/** The failure of an SSM call on this document as an ActionError. */
function ssmError(ctx, op, e) {
    return (0,_aws_error_js__WEBPACK_IMPORTED_MODULE_0__/* .awsError */ .es)(e, { action: `ssm:${op}`, subject: ctx.name });
}
/** Retries `fn` (one mutating call on the document) while SSM answers TooManyUpdates. */
function whileBusy(ctx, call, fn) {
    return (0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .retry */ .L5)(fn, {
        ...BACKOFF.update,
        retryable: (e) => (0,_aws_error_js__WEBPACK_IMPORTED_MODULE_0__/* .errorCode */ .CA)(e) === 'TooManyUpdates',
        onRetry: (r) => ctx.log(`TooManyUpdates: another update of ${ctx.name} is in progress; ${call.action} again in ${r.delayMs} ms (${r.attempt}/${r.attempts - 1})`),
        timing: ctx.timing,
        signal: ctx.signal,
        deadline: ctx.deadline,
        onDeadline: ctx.deadlineError,
    });
}


/***/ }),

/***/ 4344:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $P: () => (/* binding */ moveDefault),
/* harmony export */   Ci: () => (/* binding */ rollbackRecord),
/* harmony export */   Xc: () => (/* binding */ ROLLBACK_TAGS),
/* harmony export */   ZA: () => (/* binding */ describeDefault),
/* harmony export */   mW: () => (/* binding */ setDefault)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(34736);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _aws_error_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(24931);
/* harmony import */ var _context_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(37510);
/* harmony import */ var _tags_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(99580);
// The document's default version: read it, move it (read back, so a lost answer or another writer is
// noticed) and record where it was in the document tags, for a rollback. publish's set-default never
// moves it back to an older version; promote moves it wherever it is asked to.





async function describeDefault(ctx) {
    try {
        const r = await ctx.ssm.send(new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_4__/* .DescribeDocumentCommand */ .QO({ Name: ctx.name }), {
            abortSignal: ctx.signal,
        });
        return {
            defaultVersion: r.Document?.DefaultVersion ?? '',
            defaultVersionName: r.Document?.VersionName,
            latestVersion: r.Document?.LatestVersion ?? '',
        };
    }
    catch (e) {
        throw (0,_context_js__WEBPACK_IMPORTED_MODULE_2__/* .ssmError */ .ei)(ctx, 'DescribeDocument', e);
    }
}
/** The tags by which this action remembers, on the document, where the default was before it moved it. */
const ROLLBACK_TAGS = {
    /** Document version of the default before the move. */
    previous: 'distributor:previous-default',
    /** Its version name (empty when it has none). */
    previousName: 'distributor:previous-default-name',
    /** The version the move made the default: a record whose default has moved on since is stale. */
    setTo: 'distributor:default-set-to',
};
/** The rollback record among a document's tags. */
function rollbackRecord(tags) {
    const get = (k) => tags.find((t) => t.Key === k)?.Value;
    const previous = get(ROLLBACK_TAGS.previous);
    if (!previous || !/^[1-9]\d*$/.test(previous))
        return undefined;
    return {
        previous: { documentVersion: previous, versionName: get(ROLLBACK_TAGS.previousName) || undefined },
        setTo: get(ROLLBACK_TAGS.setTo) || undefined,
    };
}
/**
 * Moves the default from `before` to `to` (any version, older or newer: the caller decides), reads it
 * back, and records `before` in the document tags for a later rollback. A lost answer of the update is
 * settled by the read-back; a default that is not `to` after it means another writer moved it (conflict).
 */
async function moveDefault(ctx, to, before) {
    if (before.defaultVersion === to.documentVersion)
        return { changed: false, after: before };
    const call = { action: 'ssm:UpdateDocumentDefaultVersion', subject: ctx.name };
    try {
        await (0,_context_js__WEBPACK_IMPORTED_MODULE_2__/* .whileBusy */ .lr)(ctx, call, () => ctx.ssm.send(new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_4__/* .UpdateDocumentDefaultVersionCommand */ .hR_({ Name: ctx.name, DocumentVersion: to.documentVersion }), { abortSignal: ctx.signal }));
    }
    catch (e) {
        // A lost answer after the change: the read-back below decides.
        if (!(0,_aws_error_js__WEBPACK_IMPORTED_MODULE_1__/* .isAmbiguous */ .X2)(e) || ctx.signal.aborted)
            throw (0,_context_js__WEBPACK_IMPORTED_MODULE_2__/* .ssmError */ .ei)(ctx, 'UpdateDocumentDefaultVersion', e);
    }
    const after = await describeDefault(ctx);
    if (after.defaultVersion !== to.documentVersion) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ('conflict', `The default version of ${ctx.name} is ${after.defaultVersion} (${after.defaultVersionName ?? 'no version name'}) right after setting it to ${to.documentVersion} (${to.versionName ?? 'no version name'}): another writer changed it.`, {
            hint: "Let one release pipeline at a time move the default (the workflow's concurrency group), check which version should be the default, then re-run.",
        });
    }
    ctx.log(`Default version of ${ctx.name}: ${before.defaultVersion} (${before.defaultVersionName ?? 'no version name'}) → ${to.documentVersion} (${after.defaultVersionName ?? to.versionName ?? 'no version name'})`);
    const recordProblem = await recordPrevious(ctx, before, to.documentVersion);
    return { changed: true, after, recordProblem };
}
/** Writes the rollback record; a failure is returned as a sentence (the default has moved already). */
async function recordPrevious(ctx, before, setTo) {
    const tags = [
        { Key: ROLLBACK_TAGS.previous, Value: before.defaultVersion },
        { Key: ROLLBACK_TAGS.previousName, Value: before.defaultVersionName ?? '' },
        { Key: ROLLBACK_TAGS.setTo, Value: setTo },
    ];
    try {
        await (0,_tags_js__WEBPACK_IMPORTED_MODULE_3__/* .ensureTags */ .s)(ctx, tags);
        return undefined;
    }
    catch (e) {
        if (ctx.signal.aborted)
            throw e;
        const err = (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .toActionError */ .ie)(e);
        const problem = `The default moved, but the previous default (${before.defaultVersion}) could not be recorded in the document tags (${err.message.replace(/\.$/, '')}), so a later \`rollback: true\` falls back to the version history. ${err.hint ?? ''}`.trim();
        ctx.log(`Notice: ${problem}`);
        return problem;
    }
}
/** Document versions are numbered from 1 up; a lower number is an older version. */
const older = (a, b) => /^\d+$/.test(a) && /^\d+$/.test(b) && Number(a) < Number(b);
/**
 * publish's set-default: makes `documentVersion` the default (only call it for an Active version), reads
 * it back and records the previous default for a rollback, unless the default is a newer version:
 * publish never moves the default back (a re-run of an old release's workflow would roll every host
 * back); that is a deliberate rollback's job (mode: promote).
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
    const moved = await moveDefault(ctx, { documentVersion, versionName: undefined }, before);
    return { previous: before.defaultVersion, changed: moved.changed, recordProblem: moved.recordProblem };
}


/***/ }),

/***/ 22495:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A0: () => (/* binding */ SdkRetryStrategy),
/* harmony export */   L5: () => (/* binding */ retry),
/* harmony export */   Pv: () => (/* binding */ SDK_RETRY_DEFAULTS),
/* harmony export */   uk: () => (/* binding */ realSleep)
/* harmony export */ });
/* unused harmony exports realTiming, backoffDelay */
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


/***/ }),

/***/ 28270:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  f: () => (/* binding */ withSession)
});

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/aws/aws-error.ts
var aws_error = __webpack_require__(24931);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-s3/dist-cjs/index.js
var dist_cjs = __webpack_require__(53711);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ssm/dist-cjs/index.js
var client_ssm_dist_cjs = __webpack_require__(34736);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sts/dist-cjs/index.js
var client_sts_dist_cjs = __webpack_require__(71695);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(57975);
// EXTERNAL MODULE: ./node_modules/@smithy/node-http-handler/dist-cjs/index.js
var node_http_handler_dist_cjs = __webpack_require__(61279);
// EXTERNAL MODULE: ./src/aws/retry.ts
var aws_retry = __webpack_require__(22495);
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
    const retry = { ...aws_retry/* SDK_RETRY_DEFAULTS */.Pv, ...o.retry };
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
        retryStrategy: new aws_retry/* SdkRetryStrategy */.A0(retry, o.timing, o.signal),
        customUserAgent: [[ACTION_NAME, o.version]],
        requestHandler: handler(),
        logger,
    });
    const ssm = new client_ssm_dist_cjs/* SSMClient */.jBj(common());
    // A custom S3 endpoint (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL: MinIO, LocalStack, ...) is addressed path-style.
    const customS3 = Boolean(o.env.AWS_ENDPOINT_URL_S3 || o.env.AWS_ENDPOINT_URL);
    const s3 = new dist_cjs/* S3Client */.YxF({ ...common(), forcePathStyle: customS3 });
    const sts = new client_sts_dist_cjs/* STSClient */.iM(common());
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

;// CONCATENATED MODULE: ./src/aws/session.ts
// One run's AWS session, shared by publish and promote: the clock, the clients, the deadline that aborts
// every request, and the failure that names the last error when the deadline ends the run.




/**
 * Runs `fn` with the clients and the step context; `hint` is what to do when the deadline is reached.
 * Every failure comes out as an ActionError; the clients are closed whatever happens.
 */
async function withSession(o, hint, fn) {
    const timing = {
        now: o.now ?? Date.now,
        sleep: o.sleep ?? aws_retry/* realSleep */.uk,
        random: o.random ?? Math.random,
    };
    const controller = new AbortController();
    const reached = new errors/* ActionError */.lZ('timeout', 'The run reached its deadline (timeout-seconds).', { hint });
    const deadlineError = (last) => {
        if (last === reached)
            return reached;
        const what = last instanceof errors/* ActionError */.lZ ? last.message : `${(0,aws_error/* errorCode */.CA)(last)}: ${(0,errors/* errorText */.kc)(last)}`;
        return new errors/* ActionError */.lZ('timeout', `The run reached its deadline (timeout-seconds) while talking to AWS (last error: ${what.replace(/\.$/, '')}).`, { hint, code: last instanceof errors/* ActionError */.lZ ? last.code : (0,aws_error/* errorCode */.CA)(last), cause: last });
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
    const ctx = { signal: controller.signal, deadline: o.deadline, timing, log: o.log, deadlineError };
    try {
        return await fn(clients, ctx);
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


/***/ }),

/***/ 99580:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   c: () => (/* binding */ listTags),
/* harmony export */   s: () => (/* binding */ ensureTags)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(34736);
/* harmony import */ var _aws_error_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(24931);
/* harmony import */ var _context_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(37510);
// The document's tags: add or update the given ones, leave the others alone, and read back after a
// lost answer.



/** The document's tags. */
async function listTags(ctx) {
    try {
        const r = await ctx.ssm.send(new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_2__/* .ListTagsForResourceCommand */ .a_e({ ResourceType: 'Document', ResourceId: ctx.name }), {
            abortSignal: ctx.signal,
        });
        return r.TagList ?? [];
    }
    catch (e) {
        throw (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .ssmError */ .ei)(ctx, 'ListTagsForResource', e);
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
        await (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .whileBusy */ .lr)(ctx, call, () => ctx.ssm.send(new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_2__/* .AddTagsToResourceCommand */ .X3P({ ResourceType: 'Document', ResourceId: ctx.name, Tags: missing }), {
            abortSignal: ctx.signal,
        }));
    }
    catch (e) {
        // The answer was lost: the tags SSM holds now decide.
        if (!(0,_aws_error_js__WEBPACK_IMPORTED_MODULE_0__/* .isAmbiguous */ .X2)(e) || ctx.signal.aborted)
            throw (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .ssmError */ .ei)(ctx, 'AddTagsToResource', e);
        if (tagsToAdd(await listTags(ctx), tags).length > 0)
            throw (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .ssmError */ .ei)(ctx, 'AddTagsToResource', e);
    }
    return missing.map((t) => t.Key ?? '');
}


/***/ }),

/***/ 82128:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   HF: () => (/* binding */ getVersion),
/* harmony export */   dj: () => (/* binding */ canonicalJson),
/* harmony export */   fg: () => (/* binding */ sha256Hex),
/* harmony export */   hI: () => (/* binding */ findSameContent),
/* harmony export */   n7: () => (/* binding */ versionConflict),
/* harmony export */   yO: () => (/* binding */ listVersions)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(34736);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83916);
/* harmony import */ var _aws_error_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(24931);
/* harmony import */ var _context_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(37510);
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
const sha256Hex = (s) => (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(s).digest('hex');
/** All versions (paginated), oldest first, or undefined when the document does not exist. */
async function listVersions(ctx) {
    const all = [];
    let token;
    try {
        do {
            const r = await ctx.ssm.send(new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_4__/* .ListDocumentVersionsCommand */ .mF0({
                Name: ctx.name,
                MaxResults: 50,
                ...(token ? { NextToken: token } : {}),
            }), { abortSignal: ctx.signal });
            all.push(...(r.DocumentVersions ?? []));
            token = r.NextToken || undefined;
        } while (token);
    }
    catch (e) {
        if ((0,_aws_error_js__WEBPACK_IMPORTED_MODULE_2__/* .errorCode */ .CA)(e) === 'InvalidDocument')
            return undefined;
        throw (0,_context_js__WEBPACK_IMPORTED_MODULE_3__/* .ssmError */ .ei)(ctx, 'ListDocumentVersions', e);
    }
    return all.sort((a, b) => Number(a.DocumentVersion) - Number(b.DocumentVersion));
}
/** One version by name or number, or undefined when there is no such version (or document). */
async function getVersion(ctx, by) {
    try {
        const r = await ctx.ssm.send(new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_4__/* .GetDocumentCommand */ .ppd({
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
        const code = (0,_aws_error_js__WEBPACK_IMPORTED_MODULE_2__/* .errorCode */ .CA)(e);
        if (code === 'InvalidDocument' || code === 'InvalidDocumentVersion')
            return undefined;
        throw (0,_context_js__WEBPACK_IMPORTED_MODULE_3__/* .ssmError */ .ei)(ctx, 'GetDocument', e);
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
    return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ('conflict', `Version ${versionName} of ${name} already exists (document version ${found.documentVersion}) with a different manifest: published sha256 ${sha256Hex(found.content ?? '')}, this build's ${sha256Hex(ours)}.`, { hint: 'A version name can be used only once: bump the version (e.g. push a new tag).', code });
}


/***/ })

};
