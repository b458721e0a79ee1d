export const id = 478;
export const ids = [478];
export const modules = {

/***/ 26257:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   L$: () => (/* binding */ namesPackage),
/* harmony export */   TH: () => (/* binding */ idOf),
/* harmony export */   U4: () => (/* binding */ findAssociations),
/* harmony export */   oT: () => (/* binding */ CONFIGURE_PACKAGE),
/* harmony export */   rc: () => (/* binding */ MAX_ID)
/* harmony export */ });
/* unused harmony export MAX_ASSOCIATIONS */
/* harmony import */ var _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(34736);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _aws_error_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(24931);
/* harmony import */ var _context_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(37510);
/* harmony import */ var _s3_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(91075);
// The AWS-ConfigureAWSPackage associations of one package: ListAssociations (whose answer carries no
// parameters) of every page, then DescribeAssociation of each for its `name` and `version` parameters.
// One without a `version` (or an empty one) follows the default version; one with a version pins it. Used
// by the rollout (which starts the followers) and by pruning (which keeps the pinned versions). Everything
// read back is hostile: odd shapes are skipped, texts are bounded.





/** The State Manager document that installs Distributor packages. */
const CONFIGURE_PACKAGE = 'AWS-ConfigureAWSPackage';
/** Associations examined at most (ListAssociations of AWS-ConfigureAWSPackage, every package's). */
const MAX_ASSOCIATIONS = 5000;
/** DescribeAssociation calls in flight at once. */
const DESCRIBE_CONCURRENCY = 5;
/** ListAssociations pages read at most (50 each, so MAX_ASSOCIATIONS fit with room for short pages). */
const MAX_PAGES = 400;
/** Lengths of what is kept of server texts. */
const MAX_ID = 128;
const MAX_NAME = 256;
const MAX_TARGETS_TEXT = 300;
/** The associations whose `name` parameter `names` accepts, split into those following the default and the pinned. */
async function findAssociations(ctx, names) {
    const ids = [];
    const known = new Set();
    let token;
    let pages = 0;
    const tokens = new Set();
    try {
        do {
            const r = await ctx.ssm.send(new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_4__/* .ListAssociationsCommand */ .IOv({
                AssociationFilterList: [{ key: 'Name', value: CONFIGURE_PACKAGE }],
                MaxResults: 50,
                ...(token ? { NextToken: token } : {}),
            }), { abortSignal: ctx.signal });
            const items = r.Associations;
            for (const a of Array.isArray(items) ? items : []) {
                const id = idOf(a?.AssociationId);
                if (id === undefined || known.has(id.toLowerCase()))
                    continue;
                known.add(id.toLowerCase());
                ids.push(id);
            }
            if (ids.length > MAX_ASSOCIATIONS) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ('limit', `More than ${MAX_ASSOCIATIONS} AWS-ConfigureAWSPackage associations in this account and region: too many to examine for ${ctx.name}.`, {
                    hint: 'Start the associations of this package yourself (aws ssm start-associations-once) and set start-associations: false.',
                });
            }
            token = typeof r.NextToken === 'string' && r.NextToken !== '' ? r.NextToken : undefined;
            // Pages that never end (empty pages, or a token that comes back) stop here, said as what they are.
            if (token !== undefined && (tokens.has(token) || ++pages > MAX_PAGES))
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ('service', `ListAssociations of ${CONFIGURE_PACKAGE} did not end: ${pages} pages read (${ids.length} associations), ${tokens.has(token) ? 'and a page token came back again' : `more than ${MAX_PAGES} pages`}.`, {
                    hint: 'Re-run; if it persists, start the associations yourself (aws ssm start-associations-once) and set start-associations: false.',
                });
            if (token !== undefined)
                tokens.add(token);
        } while (token);
    }
    catch (e) {
        if (e instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ)
            throw e;
        throw (0,_context_js__WEBPACK_IMPORTED_MODULE_2__/* .ssmError */ .ei)(ctx, 'ListAssociations', e);
    }
    const described = await (0,_s3_js__WEBPACK_IMPORTED_MODULE_3__/* .bounded */ .Mm)(ids, DESCRIBE_CONCURRENCY, (id) => describe(ctx, id, names));
    const out = { following: [], pinned: [] };
    for (const d of described) {
        if (!d)
            continue;
        if (d.version === undefined)
            out.following.push(d);
        else
            out.pinned.push({ ...d, version: d.version });
    }
    return out;
}
/** One association, when it installs this package (its `name` parameter accepted by `names`). */
async function describe(ctx, id, names) {
    let desc;
    try {
        const r = await ctx.ssm.send(new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_4__/* .DescribeAssociationCommand */ .Ooe({ AssociationId: id }), {
            abortSignal: ctx.signal,
        });
        desc = r.AssociationDescription;
    }
    catch (e) {
        if ((0,_aws_error_js__WEBPACK_IMPORTED_MODULE_1__/* .errorCode */ .CA)(e) === 'AssociationDoesNotExist')
            return undefined; // deleted meanwhile
        throw (0,_aws_error_js__WEBPACK_IMPORTED_MODULE_1__/* .awsError */ .es)(e, { action: 'ssm:DescribeAssociation', subject: id });
    }
    if (!desc || typeof desc !== 'object')
        return undefined;
    const d = desc;
    if (d.Name !== undefined && d.Name !== CONFIGURE_PACKAGE)
        return undefined;
    const name = firstParam(d.Parameters, 'name');
    if (name === undefined || !names(name))
        return undefined;
    const version = firstParam(d.Parameters, 'version')?.trim();
    return {
        associationId: id,
        associationName: typeof d.AssociationName === 'string'
            ? (0,_aws_error_js__WEBPACK_IMPORTED_MODULE_1__/* .serverText */ .Tn)(d.AssociationName, process.env, MAX_NAME)
            : undefined,
        targets: targetsText(d.Targets),
        version: version ? (0,_aws_error_js__WEBPACK_IMPORTED_MODULE_1__/* .serverText */ .Tn)(version, process.env, MAX_NAME) : undefined,
    };
}
/** The first value of a parameter (`Parameters` maps names to lists of strings), when it has that shape. */
function firstParam(params, key) {
    if (!params || typeof params !== 'object' || Array.isArray(params))
        return undefined;
    if (!Object.hasOwn(params, key))
        return undefined;
    const v = params[key];
    if (!Array.isArray(v) || v.length === 0)
        return undefined;
    return typeof v[0] === 'string' ? v[0] : undefined;
}
/** An id from the service, when it can be one (a bounded run of id characters). */
function idOf(v) {
    return typeof v === 'string' && v.length <= MAX_ID && /^[A-Za-z0-9-]+$/.test(v) ? v : undefined;
}
/** Targets as text: `tag:Role=web; InstanceIds=i-1,i-2`, bounded. */
function targetsText(targets) {
    if (!Array.isArray(targets))
        return '';
    const parts = targets.slice(0, 10).map((t) => {
        const o = (t && typeof t === 'object' ? t : {});
        const key = typeof o.Key === 'string' ? o.Key : '?';
        const values = Array.isArray(o.Values)
            ? o.Values.slice(0, 50).filter((v) => typeof v === 'string')
            : [];
        return `${key}=${values.join(',')}`;
    });
    return (0,_aws_error_js__WEBPACK_IMPORTED_MODULE_1__/* .serverText */ .Tn)(parts.join('; '), process.env, MAX_TARGETS_TEXT);
}
/** Whether an AWS-ConfigureAWSPackage `name` parameter names this package (by name, or an ARN ending in it). */
function namesPackage(param, name) {
    if (param === name)
        return true;
    const m = /^arn:[^:]+:ssm:[^:]*:[^:]*:(?:document|package)\/(.+)$/.exec(param);
    return m?.[1] === name;
}


/***/ }),

/***/ 24931:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CA: () => (/* binding */ errorCode),
/* harmony export */   TX: () => (/* binding */ isNetworkError),
/* harmony export */   Tn: () => (/* binding */ serverText),
/* harmony export */   X2: () => (/* binding */ isAmbiguous),
/* harmony export */   dg: () => (/* binding */ isTransient),
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
/** Codes of a call refused for now: the same call may be sent again after a pause. */
const THROTTLE_CODES = [
    'ThrottlingException',
    'Throttling',
    'ThrottledException',
    'TooManyRequestsException',
    'RequestLimitExceeded',
    'SlowDown',
];
/** A failure before any answer from the service (an errno code: refused, reset, unreachable). */
const isNetworkError = (e) => /^E[A-Z0-9_]+$/.test(errorCode(e));
/** Throttled, or lost on the way (5xx, reset, timeout, network): the same call may be sent again. */
function isTransient(e) {
    return THROTTLE_CODES.includes(errorCode(e)) || isAmbiguous(e) || isNetworkError(e);
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
        codes: [...THROTTLE_CODES, 'TooManyUpdates'],
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
/* harmony export */   lr: () => (/* binding */ whileBusy),
/* harmony export */   n: () => (/* binding */ readAgain)
/* harmony export */ });
/* harmony import */ var _aws_error_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(24931);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(22495);


/** Our own retries, on top of the SDK's: what each one is for decides how long it may keep trying. */
const BACKOFF = {
    /** TooManyUpdates (another update of the document is in flight) and lost answers of a create. */
    update: { attempts: 10, baseDelayMs: 1000, maxDelayMs: 8000 },
    /** A PUT the SDK cannot repeat itself (its body is a file stream). */
    upload: { attempts: 4, baseDelayMs: 400, maxDelayMs: 3200 },
    /** A read, on top of the SDK's own retries (a read may be repeated freely). */
    read: { attempts: 4, baseDelayMs: 500, maxDelayMs: 4000 },
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
/** A read, sent again (after the SDK's retries) while it fails transiently, within the run's deadline. */
function readAgain(ctx, fn, worth = _aws_error_js__WEBPACK_IMPORTED_MODULE_0__/* .isTransient */ .dg) {
    return (0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .retry */ .L5)(fn, {
        ...BACKOFF.read,
        retryable: worth,
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

/***/ 16367:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   W: () => (/* binding */ whoAmI)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_sts__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(71695);
/* harmony import */ var _aws_error_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(24931);
// Who the run acts as, and the ARN of the package document in that account and region (what other
// accounts, associations and commands may name it by).


/** GetCallerIdentity needs no permission, so a failure is about credentials or the endpoint. */
async function whoAmI(sts, ctx, region, name) {
    try {
        const id = await sts.send(new _aws_sdk_client_sts__WEBPACK_IMPORTED_MODULE_1__/* .GetCallerIdentityCommand */ .zI({}), { abortSignal: ctx.signal });
        const partition = id.Arn?.split(':')[1] ?? 'aws';
        return {
            arn: `arn:${partition}:ssm:${region}:${id.Account}:document/${name}`,
            partition,
            caller: id.Arn ?? '',
        };
    }
    catch (e) {
        throw (0,_aws_error_js__WEBPACK_IMPORTED_MODULE_0__/* .awsError */ .es)(e, { action: 'sts:GetCallerIdentity' });
    }
}


/***/ }),

/***/ 23373:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Ag: () => (/* binding */ canaryHeld),
  p3: () => (/* binding */ canaryStep),
  Ab: () => (/* binding */ rolloutStep)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ssm/dist-cjs/index.js
var dist_cjs = __webpack_require__(34736);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/aws/associations.ts
var associations = __webpack_require__(26257);
// EXTERNAL MODULE: ./src/aws/aws-error.ts
var aws_error = __webpack_require__(24931);
// EXTERNAL MODULE: ./src/aws/context.ts
var context = __webpack_require__(37510);
// EXTERNAL MODULE: ./src/aws/retry.ts
var retry = __webpack_require__(22495);
;// CONCATENATED MODULE: ./src/aws/rollout-types.ts
// What a rollout did: the canary group's Run Command and the State Manager associations started after the
// default moved. Plain data, no SDK code, so the renderer can import it; filled in as the run goes, so a
// failure part-way still says what happened.
/** The failed targets listed per association or canary; the rest are counted. */
const FAILURES_LISTED = 50;
const OUTPUT_TAIL_CHARS = 1000;

;// CONCATENATED MODULE: ./src/aws/canary.ts
// The canary group: install one version of the package, pinned by its name, on a few instances by Run
// Command (SendCommand of AWS-ConfigureAWSPackage), exactly once even when an answer is lost, and wait
// for every instance. Also what pruning must keep: the versions Run Commands are installing right now.








/** Command and invocation statuses that are final. */
const FINAL = new Set(['Success', 'Cancelled', 'Failed', 'TimedOut']);
const SEND_BACKOFF = { attempts: 5, baseDelayMs: 500, maxDelayMs: 8000 };
/** Invocation pages read per poll (50 each), and instances a report holds. */
const MAX_PAGES = 40;
const MAX_INSTANCES = 2000;
const targetsText = (t) => 'instanceIds' in t
    ? t.instanceIds.join(', ')
    : t.tags.map((x) => `tag:${x.key}=${x.values.join(',')}`).join(' and ');
function newCanaryReport(documentName, version, o) {
    return {
        documentName,
        versionName: version.versionName,
        documentVersion: version.documentVersion,
        targets: targetsText(o.targets),
        installationType: o.installationType,
        commandId: undefined,
        status: undefined,
        instances: [],
        succeeded: 0,
        failed: 0,
        pending: 0,
        timedOut: false,
        ok: false,
    };
}
const canary_text = (v, max) => typeof v === 'string' ? (0,aws_error/* serverText */.Tn)(v, undefined, max) : '';
/** Installs the version on the canary group and waits for every instance; fills `report` as it goes. */
async function runCanary(ctx, o, report) {
    const token = (0,external_node_crypto_.randomBytes)(8).toString('hex');
    const comment = `ssm-distributor-action ${ctx.name} ${report.versionName}`.slice(0, 82) + ` ${token}`;
    const end = Math.min(ctx.timing.now() + o.timeoutMs, ctx.deadline);
    report.commandId = await send(ctx, o, report, comment);
    ctx.log(`Canary: Run Command ${report.commandId} sent`);
    let delay = 250;
    let lastLine = '';
    for (;;) {
        const done = await look(ctx, report);
        const line = `Canary: ${report.succeeded} succeeded, ${report.failed} failed, ${report.pending} pending`;
        if (line !== lastLine)
            ctx.log(line);
        lastLine = line;
        if (done)
            break;
        if (ctx.timing.now() + delay > end) {
            report.timedOut = true;
            break;
        }
        await ctx.timing.sleep(delay, ctx.signal);
        delay = Math.min(delay * 2, o.maxPollDelayMs);
    }
    report.ok = !report.timedOut && report.instances.length > 0 && report.succeeded === report.instances.length;
    await failedOutputs(ctx, report);
    return report;
}
/** SendCommand once: after a failure that may have sent it, look for our comment before sending again. */
async function send(ctx, o, report, comment) {
    const since = new Date(ctx.timing.now() - 5 * 60_000);
    const input = {
        DocumentName: associations/* CONFIGURE_PACKAGE */.oT,
        Comment: comment,
        Parameters: {
            action: ['Install'],
            name: [ctx.name],
            version: [report.versionName],
            installationType: [o.installationType],
        },
        MaxConcurrency: o.maxConcurrency,
        MaxErrors: o.maxErrors,
        TimeoutSeconds: Math.max(30, Math.min(2_592_000, Math.ceil(o.timeoutMs / 1000))),
        ...('instanceIds' in o.targets
            ? { InstanceIds: o.targets.instanceIds }
            : { Targets: o.targets.tags.map((t) => ({ Key: `tag:${t.key}`, Values: t.values })) }),
    };
    let last;
    for (let attempt = 1; attempt <= SEND_BACKOFF.attempts; attempt++) {
        if (attempt > 1) {
            const found = await sentBefore(ctx, comment, since);
            if (found) {
                ctx.log(`Canary: the lost answer had sent Run Command ${found}; not sending it again`);
                return found;
            }
        }
        try {
            const r = await ctx.ssmOnce.send(new dist_cjs/* SendCommandCommand */.VWR(input), { abortSignal: ctx.signal });
            const id = canary_text(r.Command?.CommandId, 64);
            if (!id)
                throw new errors/* ActionError */.lZ('service', 'SendCommand answered without a CommandId, so the canary cannot be followed.', {
                    hint: 'Look for the command in Systems Manager > Run Command (its comment names this package and version); re-run once it has ended.',
                });
            return id;
        }
        catch (e) {
            if (e instanceof errors/* ActionError */.lZ || !(0,aws_error/* isTransient */.dg)(e) || ctx.signal.aborted)
                throw sendError(e);
            last = e;
            const wait = (0,retry/* backoffDelay */.EY)(attempt - 1, SEND_BACKOFF, ctx.timing.random);
            if (ctx.timing.now() + wait > ctx.deadline)
                throw ctx.deadlineError(e);
            ctx.log(`Canary: SendCommand failed (${(0,aws_error/* errorCode */.CA)(e)}); checking whether it was sent, in ${wait} ms`);
            await ctx.timing.sleep(wait, ctx.signal);
        }
    }
    const found = await sentBefore(ctx, comment, since);
    if (found)
        return found;
    throw sendError(last);
}
function sendError(e) {
    if (e instanceof errors/* ActionError */.lZ)
        return e;
    const code = (0,aws_error/* errorCode */.CA)(e);
    if (code === 'InvalidInstanceId')
        return new errors/* ActionError */.lZ('not-found', `Run Command refused the canary targets (InvalidInstanceId): ${canary_text(e.message, 300)}. Nothing was installed and the default was not changed.`, {
            hint: 'Check canary-targets: the instances must exist in this region, be running and be managed by Systems Manager (SSM Agent online, an instance profile with AmazonSSMManagedInstanceCore).',
            code,
            cause: e,
        });
    return (0,aws_error/* awsError */.es)(e, { action: 'ssm:SendCommand', subject: associations/* CONFIGURE_PACKAGE */.oT });
}
/** The AWS-ConfigureAWSPackage commands matching one more filter, newest first, page by page (bounded). */
async function* configurePackageCommands(ctx, filter) {
    let next;
    for (let page = 0; page < MAX_PAGES; page++) {
        const r = await (0,context/* readAgain */.n)(ctx, () => ctx.ssm.send(new dist_cjs/* ListCommandsCommand */.I$q({
            Filters: [{ key: 'DocumentName', value: associations/* CONFIGURE_PACKAGE */.oT }, filter],
            MaxResults: 50,
            NextToken: next,
        }), { abortSignal: ctx.signal })).catch((e) => {
            throw (0,aws_error/* awsError */.es)(e, { action: 'ssm:ListCommands', subject: associations/* CONFIGURE_PACKAGE */.oT });
        });
        yield* Array.isArray(r.Commands) ? r.Commands : [];
        next = r.NextToken;
        if (!next)
            return;
    }
}
/** The command with our comment, sent since `since`, if any (a lost answer). */
async function sentBefore(ctx, comment, since) {
    for await (const c of configurePackageCommands(ctx, { key: 'InvokedAfter', value: since.toISOString() }))
        if (c.Comment === comment && c.CommandId)
            return canary_text(c.CommandId, 64);
    return undefined;
}
/** Reads the command and its invocations once; true when everything is final. */
async function look(ctx, report) {
    const id = report.commandId;
    const listed = await (0,context/* readAgain */.n)(ctx, () => ctx.ssm.send(new dist_cjs/* ListCommandsCommand */.I$q({ CommandId: id }), { abortSignal: ctx.signal })).catch((e) => {
        throw (0,aws_error/* awsError */.es)(e, { action: 'ssm:ListCommands', subject: id });
    });
    const cmd = listed.Commands?.[0];
    report.status = canary_text(cmd?.Status, 40) || report.status;
    const invocations = [];
    let next;
    for (let page = 0; page < MAX_PAGES && invocations.length < MAX_INSTANCES; page++) {
        const r = await (0,context/* readAgain */.n)(ctx, () => ctx.ssm.send(new dist_cjs/* ListCommandInvocationsCommand */.mdT({ CommandId: id, Details: true, MaxResults: 50, NextToken: next }), {
            abortSignal: ctx.signal,
        })).catch((e) => {
            throw (0,aws_error/* awsError */.es)(e, { action: 'ssm:ListCommandInvocations', subject: id });
        });
        invocations.push(...(Array.isArray(r.CommandInvocations) ? r.CommandInvocations : []));
        next = r.NextToken;
        if (!next)
            break;
    }
    const byId = new Map();
    for (const inv of invocations) {
        const instanceId = canary_text(inv?.InstanceId, 64);
        if (!instanceId)
            continue;
        const plugin = Array.isArray(inv.CommandPlugins) ? inv.CommandPlugins[0] : undefined;
        const output = typeof plugin?.Output === 'string' ? plugin.Output : '';
        byId.set(instanceId, {
            instanceId,
            status: canary_text(inv.Status, 40) || 'Pending',
            statusDetails: canary_text(inv.StatusDetails, 200),
            responseCode: typeof plugin?.ResponseCode === 'number' ? plugin.ResponseCode : undefined,
            outputTail: tail(output),
        });
    }
    report.instances = [...byId.values()].sort((a, b) => a.instanceId.localeCompare(b.instanceId));
    report.succeeded = report.instances.filter((i) => i.status === 'Success').length;
    report.failed = report.instances.filter((i) => i.status !== 'Success' && FINAL.has(i.status)).length;
    report.pending = report.instances.length - report.succeeded - report.failed;
    return cmd !== undefined && FINAL.has(report.status ?? '') && report.pending === 0;
}
/** Failed instances whose output is read in full (stdout and stderr), for the tail the summary shows. */
const OUTPUTS_READ = 10;
/**
 * ListCommandInvocations gives the start of each output only (2,500 characters) and no stderr; for the
 * first failed instances, GetCommandInvocation gives both (24,000 characters each): the tail comes from there.
 * Best effort: a failure to read one keeps what the list gave.
 */
async function failedOutputs(ctx, report) {
    const id = report.commandId;
    if (!id)
        return;
    const failed = report.instances.filter((i) => i.status !== 'Success' && i.status !== 'InProgress');
    for (const i of failed.slice(0, OUTPUTS_READ)) {
        try {
            const r = await ctx.ssm.send(new dist_cjs/* GetCommandInvocationCommand */.ryN({ CommandId: id, InstanceId: i.instanceId }), {
                abortSignal: ctx.signal,
            });
            const out = [r.StandardOutputContent, r.StandardErrorContent]
                .filter((x) => typeof x === 'string' && x !== '')
                .join('\n');
            if (out)
                i.outputTail = tail(out);
        }
        catch (e) {
            if (ctx.signal.aborted)
                throw ctx.deadlineError(e);
            ctx.log(`Canary: could not read the output of ${i.instanceId} (${(0,aws_error/* errorCode */.CA)(e)}); the summary shows what the list gave`);
        }
    }
}
/** The end of an output, at most OUTPUT_TAIL_CHARS characters, control characters but line feeds removed. */
function tail(s) {
    const end = s.length > OUTPUT_TAIL_CHARS * 4 ? s.slice(-OUTPUT_TAIL_CHARS * 4) : s;
    const clean = end.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
    return clean.length > OUTPUT_TAIL_CHARS ? clean.slice(-OUTPUT_TAIL_CHARS) : clean;
}
/** The failure a finished canary means, or undefined when every instance succeeded. */
function canaryFailure(r, firstVersion = false) {
    if (r.ok)
        return undefined;
    // A package's first version is its default from the start: there was no other to keep.
    const kept = firstVersion
        ? `${r.versionName} is the package's first version, so it is its default version already (no association was started; those that follow the default install it at their next run).`
        : 'The default version was not changed and no association was started.';
    if (r.instances.length === 0)
        return new errors/* ActionError */.lZ('rollout', `The canary command reached no instance (targets ${r.targets}${r.timedOut ? '; canary-timeout-seconds ended the wait' : ''}). ${kept}`, {
            hint: 'Check canary-targets: the tag (or instance ids) must match running instances in this region that Systems Manager manages.',
            code: 'canary-no-targets',
        });
    const bad = r.instances.filter((i) => i.status !== 'Success');
    const named = bad
        .slice(0, 5)
        .map((i) => `${i.instanceId} (${i.status}${i.responseCode === undefined ? '' : `, response code ${i.responseCode}`})`)
        .join(', ');
    const more = bad.length > 5 ? ` and ${bad.length - 5} more` : '';
    const list = named ? `: ${named}${more}` : '';
    const what = r.timedOut
        ? `The canary did not finish within canary-timeout-seconds: ${r.pending} of ${r.instances.length} instances still running`
        : `The canary failed on ${r.failed} of ${r.instances.length} instances`;
    return new errors/* ActionError */.lZ('rollout', `${what}${list}. ${kept}`, {
        hint: r.timedOut
            ? 'Raise canary-timeout-seconds (and timeout-seconds), or look at the instances in Systems Manager > Run Command.'
            : `The job summary shows the end of each failed instance output; fix the package and publish a new version.${firstVersion ? ` As the only version it cannot be deleted on its own: aws ssm delete-document --name ${r.documentName} removes the package.` : ''}`,
        code: r.timedOut ? 'canary-timeout' : 'canary-failed',
    });
}
/**
 * The version names that Run Commands of AWS-ConfigureAWSPackage still running are installing of this
 * package (pinned; a canary in progress), with the reason pruning keeps them.
 */
async function canaryHolds(ctx) {
    const out = new Map();
    for (const status of ['Pending', 'InProgress']) {
        for await (const c of configurePackageCommands(ctx, { key: 'Status', value: status })) {
            const name = c.Parameters?.name?.[0];
            const version = c.Parameters?.version?.[0];
            const ours = typeof name === 'string' && (0,associations/* namesPackage */.L$)(name, ctx.name);
            if (ours && typeof version === 'string' && version !== '' && !out.has(version))
                out.set(version, `a Run Command (${canary_text(c.CommandId, 64)}) is installing it right now`);
        }
    }
    return [...out].map(([versionName, reason]) => ({ versionName, reason }));
}

// EXTERNAL MODULE: ./src/aws/s3.ts
var s3 = __webpack_require__(91075);
;// CONCATENATED MODULE: ./src/aws/rollout-executions.ts
// The executions of the associations a rollout starts: reading an association's newest executions (to know
// which existed before a start, and which one a start created), with retries of their own, and the shapes
// the service answers read as hostile (odd items skipped, texts bounded). Shared by starting and following.





/** StartAssociationsOnce takes at most 10 ids per call. */
const BATCH = 10;
/** DescribeAssociationExecutions calls in flight at once. */
const DESCRIBE_CONCURRENCY = 5;
/** Executions read per association to know which ones existed before the start. */
const BASELINE_EXECUTIONS = 10;
/** Attempts of one StartAssociationsOnce batch, and their backoff. */
const START_BACKOFF = { attempts: 6, baseDelayMs: 500, maxDelayMs: 8000 };
/** Consecutive failed polls of one association before the wait gives up. */
const POLL_FAILURES = 6;
/** Pages of execution targets read per execution (50 each). */
const TARGET_PAGES = 400;
/** Lengths of what the report keeps of server texts. */
const MAX_STATUS = 100;
const MAX_DETAIL = 500;
/** Execution and target statuses that are not final. */
const RUNNING = new Set(['Pending', 'InProgress']);
/** Marks an association that no longer exists (deleted after it was listed): reported, not a failure. */
function deleted(ctx, row) {
    row.status = 'Deleted';
    row.detailedStatus = 'The association was deleted before it could be started.';
    ctx.log(`Association ${row.associationId} no longer exists (deleted meanwhile): not started.`);
}
function executionsOf(items) {
    if (!Array.isArray(items))
        return [];
    const out = [];
    for (const x of items) {
        if (!x || typeof x !== 'object')
            continue;
        const o = x;
        const executionId = (0,associations/* idOf */.TH)(o.ExecutionId);
        if (executionId === undefined)
            continue;
        out.push({
            executionId,
            status: typeof o.Status === 'string' ? (0,aws_error/* serverText */.Tn)(o.Status, process.env, MAX_STATUS) : undefined,
            detailedStatus: typeof o.DetailedStatus === 'string'
                ? (0,aws_error/* serverText */.Tn)(o.DetailedStatus, process.env, MAX_DETAIL)
                : undefined,
        });
    }
    return out;
}
/** A read, sent again while it fails transiently (a deleted association is an answer, not a failure). */
const reading = (ctx, fn) => (0,context/* readAgain */.n)(ctx, fn, (e) => (0,aws_error/* errorCode */.CA)(e) !== 'AssociationDoesNotExist' && (0,aws_error/* isTransient */.dg)(e));
/** The newest executions of an association (newest first); undefined when the association is gone. */
async function newestExecutions(ctx, row) {
    try {
        const r = await reading(ctx, () => ctx.ssm.send(new dist_cjs/* DescribeAssociationExecutionsCommand */.nh2({
            AssociationId: row.associationId,
            MaxResults: BASELINE_EXECUTIONS,
        }), { abortSignal: ctx.signal }));
        return executionsOf(r.AssociationExecutions);
    }
    catch (e) {
        if (e instanceof errors/* ActionError */.lZ)
            throw e;
        if ((0,aws_error/* errorCode */.CA)(e) === 'AssociationDoesNotExist')
            return undefined;
        throw (0,aws_error/* awsError */.es)(e, { action: 'ssm:DescribeAssociationExecutions', subject: row.associationId });
    }
}
/** The execution ids an association has before the start (undefined, and the row marked, when it is gone). */
async function executionIds(ctx, row) {
    const list = await newestExecutions(ctx, row);
    if (!list) {
        deleted(ctx, row);
        return undefined;
    }
    return new Set(list.map((x) => x.executionId));
}
/** The execution the start created: the oldest of the newest ones that did not exist before. */
async function newExecution(ctx, row, seen) {
    const list = await newestExecutions(ctx, row);
    if (!list)
        return 'gone';
    const fresh = list.filter((x) => !seen.has(x.executionId));
    return fresh[fresh.length - 1];
}

;// CONCATENATED MODULE: ./src/aws/rollout-follow.ts
// Following a rollout (wait-for-rollout): each started association's new execution is found and polled
// until it is final, then its targets are counted (succeeded, failed with their ids, pending), until the
// rollout ends, rollout-timeout-seconds or the run's deadline.







// ====================================================================== following
const isFinal = (status) => status !== undefined && !RUNNING.has(status);
/** Polls every started association's new execution until it is final, the timeout or the deadline. */
async function follow(ctx, o, report, seen) {
    const end = Math.min(ctx.timing.now() + Math.max(0, o.timeoutMs), ctx.deadline);
    const open = new Set(report.following.filter((r) => r.started));
    const failures = new Map();
    const maxDelay = Math.max(1, o.maxPollDelayMs);
    let delay = Math.min(250, maxDelay);
    let lastSaid = '';
    while (open.size) {
        await (0,s3/* bounded */.Mm)([...open], DESCRIBE_CONCURRENCY, async (row) => {
            try {
                if (await poll(ctx, row, seen.get(row)))
                    open.delete(row);
                failures.delete(row);
            }
            catch (e) {
                const n = (failures.get(row) ?? 0) + 1;
                failures.set(row, n);
                if (ctx.signal.aborted)
                    throw ctx.deadlineError(e);
                const cause = e instanceof errors/* ActionError */.lZ ? e.cause : e;
                if (!(0,aws_error/* isTransient */.dg)(cause) || n >= POLL_FAILURES)
                    throw e;
            }
        });
        tally(report);
        const said = `Rollout of ${ctx.name}: ${report.following.length - open.size - notStarted(report)}/${report.following.length - notStarted(report)} executions finished; targets ${report.totals.succeeded} succeeded, ${report.totals.failed} failed, ${report.totals.pending} pending.`;
        if (said !== lastSaid)
            ctx.log(said);
        lastSaid = said;
        if (!open.size)
            return;
        if (ctx.timing.now() + delay > end) {
            await Promise.all([...open].map((row) => lastLook(ctx, row)));
            report.timedOut = true;
            return;
        }
        await ctx.timing.sleep(delay, ctx.signal);
        delay = Math.min(maxDelay, delay * 2);
    }
}
const notStarted = (r) => r.following.filter((a) => !a.started).length;
/** One look at an association's execution; true when it is final and its targets were counted. */
async function poll(ctx, row, seen) {
    if (row.executionId === undefined) {
        const x = await newExecution(ctx, row, seen);
        if (x === 'gone') {
            row.status = 'Deleted';
            row.detailedStatus = 'The association was deleted while it ran.';
            return true;
        }
        if (!x)
            return false;
        row.executionId = x.executionId;
    }
    let items;
    try {
        const executionId = row.executionId;
        const r = await reading(ctx, () => ctx.ssm.send(new dist_cjs/* DescribeAssociationExecutionsCommand */.nh2({
            AssociationId: row.associationId,
            Filters: [{ Key: 'ExecutionId', Value: executionId, Type: 'EQUAL' }],
        }), { abortSignal: ctx.signal }));
        items = r.AssociationExecutions;
    }
    catch (e) {
        if (e instanceof errors/* ActionError */.lZ)
            throw e;
        if ((0,aws_error/* errorCode */.CA)(e) === 'AssociationDoesNotExist') {
            row.status = 'Deleted';
            row.detailedStatus = 'The association was deleted while it ran.';
            return true;
        }
        throw (0,aws_error/* awsError */.es)(e, { action: 'ssm:DescribeAssociationExecutions', subject: row.associationId });
    }
    const x = executionsOf(items).find((e) => e.executionId === row.executionId);
    if (!x)
        return false;
    row.status = x.status;
    row.detailedStatus = x.detailedStatus;
    if (!isFinal(x.status))
        return false;
    await countTargets(ctx, row);
    ctx.log(`Association ${row.associationName ?? row.associationId}: ${x.status} (${row.succeeded} succeeded, ${row.failed} failed${row.pending ? `, ${row.pending} pending` : ''}).`);
    return true;
}
/** When the wait ends: the targets of an unfinished execution as they stand (pending = not finished). */
async function lastLook(ctx, row) {
    if (row.executionId === undefined)
        return;
    try {
        await countTargets(ctx, row);
    }
    catch {
        // The counts of the last successful look stay; the failure is the timeout itself.
    }
}
/** Pages the execution's targets and counts them on the row. */
async function countTargets(ctx, row) {
    let succeeded = 0;
    let failed = 0;
    let pending = 0;
    let omitted = 0;
    const failures = [];
    const ids = new Set();
    let token;
    let pages = 0;
    do {
        let r;
        try {
            const page = token;
            r = await reading(ctx, () => ctx.ssm.send(new dist_cjs/* DescribeAssociationExecutionTargetsCommand */.Cwd({
                AssociationId: row.associationId,
                ExecutionId: row.executionId,
                MaxResults: 50,
                ...(page ? { NextToken: page } : {}),
            }), { abortSignal: ctx.signal }));
        }
        catch (e) {
            if (e instanceof errors/* ActionError */.lZ)
                throw e;
            throw (0,aws_error/* awsError */.es)(e, { action: 'ssm:DescribeAssociationExecutionTargets', subject: row.associationId });
        }
        const items = r.AssociationExecutionTargets;
        for (const t of Array.isArray(items) ? items : []) {
            if (!t || typeof t !== 'object')
                continue;
            const o = t;
            const id = typeof o.ResourceId === 'string' ? (0,aws_error/* serverText */.Tn)(o.ResourceId, process.env, associations/* MAX_ID */.rc) : '?';
            if (ids.has(id))
                continue; // the same target twice (a page repeated): counted once
            ids.add(id);
            const status = typeof o.Status === 'string' ? (0,aws_error/* serverText */.Tn)(o.Status, process.env, MAX_STATUS) : '';
            if (status === 'Success')
                succeeded++;
            else if (status === '' || RUNNING.has(status))
                pending++;
            else {
                failed++;
                if (failures.length < FAILURES_LISTED) {
                    const detail = typeof o.DetailedStatus === 'string' ? (0,aws_error/* serverText */.Tn)(o.DetailedStatus, process.env, MAX_DETAIL) : '';
                    failures.push({ instanceId: id, status, detailedStatus: detail || status });
                }
                else
                    omitted++;
            }
        }
        token = typeof r.NextToken === 'string' && r.NextToken !== '' ? r.NextToken : undefined;
    } while (token && ++pages < TARGET_PAGES);
    if (token)
        ctx.log(`Association ${row.associationId}: more than ${TARGET_PAGES * 50} targets; the rest are not counted.`);
    Object.assign(row, { succeeded, failed, pending, failures, failuresOmitted: omitted });
}
/** The totals and the threshold, from the rows. */
function tally(report) {
    const t = { targets: 0, succeeded: 0, failed: 0, pending: 0 };
    for (const r of report.following) {
        t.succeeded += r.succeeded;
        t.failed += r.failed;
        t.pending += r.pending;
    }
    t.targets = t.succeeded + t.failed + t.pending;
    report.totals = t;
    report.exceeded = report.waited && exceedsLimit(report.maxFailed, t.failed, t.targets);
    return report;
}
/** Whether `failed` of `targets` is more than the limit allows. */
function exceedsLimit(limit, failed, targets) {
    return limit.kind === 'count' ? failed > limit.value : failed * 100 > limit.value * targets;
}

;// CONCATENATED MODULE: ./src/aws/rollout-start.ts
// Starting the associations that follow the default, exactly once even when an answer is lost: batches of
// 10 through the client without SDK retries; after a failure that leaves it open whether a batch started,
// each association is looked at (a new execution means it started) and only the others are sent again.







// ====================================================================== starting, exactly once
/**
 * StartAssociationsOnce of one batch through the client without SDK retries. After a failure that leaves
 * it open whether the call took effect, each association is looked at first: one that has an execution
 * not seen before was started, and only the others are sent again.
 */
async function startBatch(ctx, batch, seen) {
    let todo = [...batch];
    let last;
    for (let attempt = 1; todo.length; attempt++) {
        if (attempt > 1)
            todo = await unstarted(ctx, todo, seen, (0,aws_error/* isAmbiguous */.X2)(last) || (0,aws_error/* isNetworkError */.TX)(last));
        if (!todo.length)
            return;
        try {
            await ctx.ssmOnce.send(new dist_cjs/* StartAssociationsOnceCommand */.RJR({ AssociationIds: todo.map((r) => r.associationId) }), {
                abortSignal: ctx.signal,
            });
            for (const r of todo)
                r.started = true;
            return;
        }
        catch (e) {
            if (ctx.signal.aborted)
                throw ctx.deadlineError(e);
            if ((0,aws_error/* errorCode */.CA)(e) === 'AssociationDoesNotExist') {
                // The whole call is refused: find the ones deleted meanwhile and start the rest.
                const gone = await missing(ctx, todo);
                if (!gone.length)
                    throw (0,context/* ssmError */.ei)(ctx, 'StartAssociationsOnce', e);
                for (const r of gone)
                    deleted(ctx, r);
                todo = todo.filter((r) => !gone.includes(r));
                attempt = 0;
                last = undefined;
                continue;
            }
            if (!(0,aws_error/* isTransient */.dg)(e) || attempt >= START_BACKOFF.attempts)
                throw (0,context/* ssmError */.ei)(ctx, 'StartAssociationsOnce', e);
            last = e;
            const delayMs = (0,retry/* backoffDelay */.EY)(attempt - 1, START_BACKOFF, ctx.timing.random);
            if (ctx.timing.now() + delayMs > ctx.deadline)
                throw ctx.deadlineError(e);
            ctx.log(`StartAssociationsOnce failed (${(0,aws_error/* serverText */.Tn)((0,aws_error/* errorCode */.CA)(e), process.env, 100)}); checking which associations started, then again in ${delayMs} ms (${attempt}/${START_BACKOFF.attempts - 1})`);
            await ctx.timing.sleep(delayMs, ctx.signal);
        }
    }
}
/**
 * The rows of `todo` that did not get a new execution (the rest are marked started). After an answer lost
 * in transit (`lost`) an execution may show up a moment late, so a row without one is looked at twice.
 */
async function unstarted(ctx, todo, seen, lost) {
    let left = todo;
    for (let look = 0; look < (lost ? 2 : 1) && left.length; look++) {
        if (look > 0)
            await ctx.timing.sleep(Math.min(1000, START_BACKOFF.baseDelayMs), ctx.signal);
        const found = await (0,s3/* bounded */.Mm)(left, DESCRIBE_CONCURRENCY, (r) => newExecution(ctx, r, seen.get(r)));
        left = left.filter((r, i) => {
            const x = found[i];
            if (x === 'gone') {
                deleted(ctx, r);
                return false;
            }
            if (!x)
                return true;
            r.started = true;
            r.executionId = x.executionId;
            r.status = x.status;
            r.detailedStatus = x.detailedStatus;
            ctx.log(`Association ${r.associationId} was started (execution ${x.executionId}); not starting it again.`);
            return false;
        });
    }
    return left;
}
/** The rows whose association no longer exists. */
async function missing(ctx, rows) {
    const gone = await (0,s3/* bounded */.Mm)(rows, DESCRIBE_CONCURRENCY, async (r) => {
        try {
            await reading(ctx, () => ctx.ssm.send(new dist_cjs/* DescribeAssociationCommand */.Ooe({ AssociationId: r.associationId }), {
                abortSignal: ctx.signal,
            }));
            return false;
        }
        catch (e) {
            if (e instanceof errors/* ActionError */.lZ)
                throw e;
            if ((0,aws_error/* errorCode */.CA)(e) === 'AssociationDoesNotExist')
                return true;
            throw (0,aws_error/* awsError */.es)(e, { action: 'ssm:DescribeAssociation', subject: r.associationId });
        }
    });
    return rows.filter((_, i) => gone[i]);
}

;// CONCATENATED MODULE: ./src/aws/rollout.ts
// The State Manager rollout after the default version moved: the AWS-ConfigureAWSPackage associations of
// this package that follow the default (no `version` parameter) are started once, exactly once even when an
// answer is lost, and with wait-for-rollout their executions are followed to the end, counting the targets
// that succeeded and failed against max-failed-targets. Associations that pin a version are listed, not
// started. Everything read back is treated as hostile: odd shapes are skipped, texts are bounded.







function newRolloutReport(documentName, o) {
    return {
        documentName,
        following: [],
        pinned: [],
        waited: o.wait,
        timedOut: false,
        totals: { targets: 0, succeeded: 0, failed: 0, pending: 0 },
        maxFailed: o.maxFailed,
        exceeded: false,
    };
}
/**
 * Finds, starts (batches of 10) and, with o.wait, follows the associations; fills `report` as it goes.
 * Throws ActionError on AWS failures.
 */
async function rollOut(ctx, o, report) {
    const found = await (0,associations/* findAssociations */.U4)(ctx, (n) => n === ctx.name || n === ctx.documentArn);
    report.pinned.push(...found.pinned);
    const rows = found.following.map(newRow);
    report.following.push(...rows);
    const pinned = found.pinned.length ? `; ${found.pinned.length} pinned to a version (not started)` : '';
    ctx.log(`State Manager: ${rows.length} AWS-ConfigureAWSPackage association${rows.length === 1 ? '' : 's'} of ${ctx.name} follow${rows.length === 1 ? 's' : ''} the default version${pinned}.`);
    if (!rows.length)
        return report;
    const seen = new Map();
    await (0,s3/* bounded */.Mm)(rows, DESCRIBE_CONCURRENCY, async (row) => {
        const ids = await executionIds(ctx, row);
        if (ids)
            seen.set(row, ids);
    });
    const live = rows.filter((r) => seen.has(r));
    for (let i = 0; i < live.length; i += BATCH) {
        const batch = live.slice(i, i + BATCH);
        ctx.log(`StartAssociationsOnce ${i / BATCH + 1}/${Math.ceil(live.length / BATCH)}: ${batch.map((r) => r.associationId).join(', ')}`);
        await startBatch(ctx, batch, seen);
    }
    if (o.wait)
        await follow(ctx, o, report, seen);
    return tally(report);
}
/** The step failure a finished report means (threshold exceeded; timed out with pending targets), else undefined. */
function rolloutFailure(r) {
    const t = r.totals;
    const which = (rows) => {
        const shown = rows.slice(0, 5).map((a) => a.associationName ?? a.associationId);
        return shown.join(', ') + (rows.length > shown.length ? ` and ${rows.length - shown.length} more` : '');
    };
    if (r.exceeded) {
        const failing = r.following.filter((a) => a.failed > 0);
        return new errors/* ActionError */.lZ('rollout', `${t.failed} of ${t.targets} targets failed to install ${r.documentName} through State Manager, more than max-failed-targets (${r.maxFailed.text}) allows (association${failing.length === 1 ? '' : 's'} ${which(failing)}).`, {
            hint: 'The rollout report lists the failed instances with their status; their output is in the association execution history (Systems Manager > State Manager). ' +
                'The default version stays where it was moved: to go back, run this action with `mode: promote` and `rollback: true`.',
            code: 'max-failed-targets',
        });
    }
    if (r.timedOut) {
        const open = r.following.filter((a) => a.started && (a.pending > 0 || !isFinal(a.status)));
        return new errors/* ActionError */.lZ('timeout', `The State Manager rollout of ${r.documentName} did not end in time (rollout-timeout-seconds, or the run's timeout-seconds): ${t.pending} target${t.pending === 1 ? '' : 's'} still pending (${t.succeeded} succeeded, ${t.failed} failed) in association${open.length === 1 ? '' : 's'} ${which(open)}.`, {
            hint: 'The associations keep running: follow them in Systems Manager > State Manager, or raise rollout-timeout-seconds (and timeout-seconds) to wait longer.',
            code: 'rollout-timeout',
        });
    }
    if (r.waited && t.pending > 0) {
        const open = r.following.filter((a) => a.pending > 0);
        return new errors/* ActionError */.lZ('service', `State Manager ended the executions of ${r.documentName} with ${t.pending} target${t.pending === 1 ? '' : 's'} not reported as finished (${t.succeeded} succeeded, ${t.failed} failed) in association${open.length === 1 ? '' : 's'} ${which(open)}: the rollout cannot be confirmed.`, {
            hint: 'Look at those targets in Systems Manager > State Manager (execution history); re-run when they are done, or roll back with `mode: promote` and `rollback: true`.',
            code: 'rollout-unconfirmed',
        });
    }
    return undefined;
}
// ====================================================================== finding
function newRow(d) {
    return {
        associationId: d.associationId,
        associationName: d.associationName,
        targets: d.targets,
        started: false,
        executionId: undefined,
        status: undefined,
        detailedStatus: undefined,
        succeeded: 0,
        failed: 0,
        pending: 0,
        failures: [],
        failuresOmitted: 0,
    };
}

;// CONCATENATED MODULE: ./src/aws/release.ts


/** Installs the version on the canary group; throws (kind `rollout`) unless every instance succeeded. */
async function canaryStep(ctx, o, version, progress, 
/** The package's first version (created by this run): it is the default already. */
firstVersion = false) {
    const report = newCanaryReport(ctx.name, version, o);
    progress.canary = report;
    ctx.log(`Canary: installing ${ctx.name} ${version.versionName} on ${report.targets} by Run Command`);
    await runCanary(ctx, o, report);
    const failure = canaryFailure(report, firstVersion);
    if (failure)
        throw failure;
    ctx.log(`Canary: ${report.succeeded} of ${report.instances.length} instances installed ${version.versionName}`);
    return report;
}
/** Starts the associations that follow the default and, when asked, follows them; throws past max-failed-targets. */
async function rolloutStep(ctx, o, progress) {
    const report = newRolloutReport(ctx.name, o);
    progress.rollout = report;
    await rollOut(ctx, o, report);
    const failure = rolloutFailure(report);
    if (failure)
        throw failure;
    return report;
}
/** The versions that Run Commands still installing this package pin (a canary in progress): pruning keeps them. */
async function canaryHeld(ctx, versions) {
    const holds = await canaryHolds(ctx);
    const out = [];
    for (const h of holds) {
        const v = versions.find((x) => x.VersionName === h.versionName);
        if (v?.DocumentVersion)
            out.push({ documentVersion: v.DocumentVersion, reason: h.reason });
    }
    return out;
}


/***/ }),

/***/ 22495:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A0: () => (/* binding */ SdkRetryStrategy),
/* harmony export */   EY: () => (/* binding */ backoffDelay),
/* harmony export */   L5: () => (/* binding */ retry),
/* harmony export */   Pv: () => (/* binding */ SDK_RETRY_DEFAULTS),
/* harmony export */   uk: () => (/* binding */ realSleep)
/* harmony export */ });
/* unused harmony export realTiming */
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

/***/ 91075:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   J9: () => (/* binding */ versionPrefix),
/* harmony export */   Mm: () => (/* binding */ bounded),
/* harmony export */   Rn: () => (/* binding */ manifestKey),
/* harmony export */   dl: () => (/* binding */ uploadAll),
/* harmony export */   mA: () => (/* binding */ holdsAll)
/* harmony export */ });
/* unused harmony exports UPLOAD_CONCURRENCY, hexToBase64, base64ToHex */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _aws_sdk_client_s3__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(53711);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83916);
/* harmony import */ var _aws_error_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(24931);
/* harmony import */ var _context_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(37510);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(22495);
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
const s3Error = (e, action, uri, operation) => (0,_aws_error_js__WEBPACK_IMPORTED_MODULE_2__/* .awsError */ .es)(e, { action, subject: uri, operation });
async function head(ctx, key) {
    try {
        const r = await ctx.s3.send(new _aws_sdk_client_s3__WEBPACK_IMPORTED_MODULE_5__/* .HeadObjectCommand */ .l81({ Bucket: ctx.bucket, Key: key, ChecksumMode: 'ENABLED' }), {
            abortSignal: ctx.signal,
        });
        return {
            exists: true,
            sha256: r.ChecksumSHA256 ? base64ToHex(r.ChecksumSHA256) : undefined,
            size: r.ContentLength,
        };
    }
    catch (e) {
        const code = (0,_aws_error_js__WEBPACK_IMPORTED_MODULE_2__/* .errorCode */ .CA)(e);
        if (code === 'NotFound' || code === 'NoSuchKey' || (0,_aws_error_js__WEBPACK_IMPORTED_MODULE_2__/* .httpStatus */ .nG)(e) === 404)
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
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ('not-found', `${uri} is missing right after the upload.`, {
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
    const status = (0,_aws_error_js__WEBPACK_IMPORTED_MODULE_2__/* .httpStatus */ .nG)(e);
    return ((status !== undefined && status >= 500) ||
        (0,_aws_error_js__WEBPACK_IMPORTED_MODULE_2__/* .isAmbiguous */ .X2)(e) ||
        ['SlowDown', 'RequestTimeout', 'Unknown'].includes((0,_aws_error_js__WEBPACK_IMPORTED_MODULE_2__/* .errorCode */ .CA)(e)));
}
/** One conditional PUT, with a fresh stream per attempt, retried while it fails transiently. */
async function put(ctx, key, f, uri) {
    try {
        return await (0,_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .retry */ .L5)(() => putOnce(ctx, key, f, uri), {
            ..._context_js__WEBPACK_IMPORTED_MODULE_3__/* .BACKOFF */ .hH.upload,
            retryable: (e) => !(e instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ),
            onRetry: (r) => ctx.log(`PutObject ${uri} failed (${(0,_aws_error_js__WEBPACK_IMPORTED_MODULE_2__/* .errorCode */ .CA)(r.error)}); again in ${r.delayMs} ms (${r.attempt}/${r.attempts - 1})`),
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
        await ctx.s3.send(new _aws_sdk_client_s3__WEBPACK_IMPORTED_MODULE_5__/* .PutObjectCommand */ .wKZ({
            Bucket: ctx.bucket,
            Key: key,
            Body: (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.createReadStream)(f.path),
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
        const code = (0,_aws_error_js__WEBPACK_IMPORTED_MODULE_2__/* .errorCode */ .CA)(e);
        const raced = code === 'PreconditionFailed' || code === 'ConditionalRequestConflict' || (0,_aws_error_js__WEBPACK_IMPORTED_MODULE_2__/* .httpStatus */ .nG)(e) === 412;
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
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ('service', `${uri} holds other bytes right after this run uploaded it (sha256 ${h.sha256 ?? 'not reported'}, this build's ${f.sha256}).`, {
            hint: 'S3 stored something else than was sent: delete the object and re-run; nothing was published.',
        });
    }
    if (h.sha256 === undefined) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ('conflict', `${uri} exists but S3 reports no SHA-256 checksum for it (it was not uploaded by this action), so it cannot be verified.`, { hint: 'Delete it, or publish under a new version.' });
    }
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ('conflict', `${uri} already holds different content (sha256 ${h.sha256}, this build's ${f.sha256}): another build of this version uploaded it.`, { hint: `Publish a new version, or delete ${uri} if that build was never published.` });
}


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
    const ssmOnce = new client_ssm_dist_cjs/* SSMClient */.jBj({
        ...common(),
        maxAttempts: 1,
        retryStrategy: new aws_retry/* SdkRetryStrategy */.A0({ ...retry, attempts: 1 }, o.timing, o.signal),
    });
    // A custom S3 endpoint (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL: MinIO, LocalStack, ...) is addressed path-style.
    const customS3 = Boolean(o.env.AWS_ENDPOINT_URL_S3 || o.env.AWS_ENDPOINT_URL);
    const s3 = new dist_cjs/* S3Client */.YxF({ ...common(), forcePathStyle: customS3 });
    const sts = new client_sts_dist_cjs/* STSClient */.iM(common());
    return {
        ssm,
        ssmOnce,
        s3,
        sts,
        region: o.region,
        destroy() {
            ssm.destroy();
            ssmOnce.destroy();
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
/* unused harmony export MAX_VERSION_PAGES */
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
/** Pages of versions read at most (50 each: far more than the 1,000 versions SSM keeps of a document). */
const MAX_VERSION_PAGES = 100;
async function listVersions(ctx) {
    const all = [];
    let token;
    const seen = new Set();
    try {
        do {
            if (seen.size >= MAX_VERSION_PAGES || (token !== undefined && seen.has(token)))
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ('service', `ListDocumentVersions of ${ctx.name} did not end: ${seen.size} pages read, ${token !== undefined && seen.has(token) ? 'and a page token came back again' : 'more than a document can hold'}.`, {
                    hint: 'Re-run; if it persists, the SSM endpoint answers pages that never end (check AWS_ENDPOINT_URL_SSM).',
                });
            if (token !== undefined)
                seen.add(token);
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
        if (e instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ)
            throw e;
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
