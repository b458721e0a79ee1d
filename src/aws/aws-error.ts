// What an SDK or network failure means for the user: one table from error code (or errno, or HTTP
// status) to an ActionError kind and a hint that says what to do. Every failure that leaves src/aws/
// goes through awsError(), so the same code always reads the same way.
import { ActionError, type ErrorKind, errorText, scrubSecrets, toActionError } from '../errors.js';
import { oneLine } from '../text.js';

/** One AWS call, for the message and the hint. */
export interface AwsCall {
  /** The IAM action the call needs: `ssm:UpdateDocument`, `s3:PutObject`, `sts:GetCallerIdentity`. */
  action: string;
  /** What it was about (`s3://bucket/key`, a document name), shown after the operation. */
  subject?: string | undefined;
  /** The API operation when it is not the action's name (HeadObject is authorised by s3:GetObject). */
  operation?: string | undefined;
}

/** The error code of an SDK error (`name`), or of a network failure (errno `code`). */
export function errorCode(e: unknown): string {
  if (e && typeof e === 'object') {
    const o = e as { name?: unknown; code?: unknown; Code?: unknown };
    // An errno code (ECONNREFUSED) is more telling than the wrapper's name (AggregateError, Error).
    if (typeof o.code === 'string' && /^E[A-Z0-9_]+$/.test(o.code)) return o.code;
    if (typeof o.name === 'string' && o.name !== 'Error') return o.name;
    if (typeof o.Code === 'string') return o.Code;
    if (typeof o.code === 'string') return o.code;
  }
  return 'Error';
}

export function httpStatus(e: unknown): number | undefined {
  const m = (e as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata;
  return m?.httpStatusCode;
}

/** How many attempts the SDK made before giving up with this error (1 when it did not retry). */
export function sdkAttempts(e: unknown): number {
  const m = (e as { $metadata?: { attempts?: number } } | undefined)?.$metadata;
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
export function isAmbiguous(e: unknown): boolean {
  const status = httpStatus(e);
  if (status !== undefined && status >= 500) return true;
  return AMBIGUOUS.has(errorCode(e)) || /socket hang up/i.test(errorText(e));
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
export const isNetworkError = (e: unknown): boolean => /^E[A-Z0-9_]+$/.test(errorCode(e));

/** Throttled, or lost on the way (5xx, reset, timeout, network): the same call may be sent again. */
export function isTransient(e: unknown): boolean {
  return THROTTLE_CODES.includes(errorCode(e)) || isAmbiguous(e) || isNetworkError(e);
}

/** Whether `e` came from the SDK or the network (as opposed to a bug of this tool). */
function fromAws(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const o = e as { $metadata?: unknown; $fault?: unknown; code?: unknown; name?: unknown };
  if (o.$metadata !== undefined || o.$fault !== undefined) return true;
  if (typeof o.code === 'string' && /^E[A-Z0-9_]+$/.test(o.code)) return true;
  return ['CredentialsProviderError', 'TimeoutError', 'AbortError'].includes(String(o.name));
}

/**
 * Text a server sent (an error message, a code, a StatusInformation) as this tool may print it: the
 * credentials of `env` replaced by `***` (an endpoint can echo the request's headers), on one line, and cut
 * to a readable length.
 */
export function serverText(
  text: string,
  env: Record<string, string | undefined> = process.env,
  max = 1000,
): string {
  const line = oneLine(scrubSecrets(text, env).replace(/\s*(?:\r\n|[\r\n\u2028\u2029])\s*/g, ' '));
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

// ---------------------------------------------------------------- the table

const CREDENTIALS_HINT =
  'Add an aws-actions/configure-aws-credentials step before this one (with `permissions: id-token: write` for OIDC), ' +
  'or check the role it assumes and that its credentials have not expired (re-run to get fresh ones).';

const service = (call: AwsCall) => call.action.split(':')[0]!.toUpperCase();
const operation = (call: AwsCall) => call.operation ?? call.action.split(':')[1] ?? call.action;

interface Rule {
  kind: ErrorKind;
  codes: readonly string[];
  statuses?: readonly number[];
  hint: (call: AwsCall, code: string) => string;
}

/** First matching rule wins: credential codes before the 403 they often come with. */
export const RULES: readonly Rule[] = [
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
    hint: (call) =>
      `Check that this runner can reach the ${service(call)} endpoint: AWS_ENDPOINT_URL_${service(call)} or AWS_ENDPOINT_URL (if set) must point at a reachable endpoint, ` +
      'a proxy needs HTTPS_PROXY (and NO_PROXY for what bypasses it), and the `region` input must name a real region.',
  },
  {
    kind: 'throttled',
    codes: [...THROTTLE_CODES, 'TooManyUpdates'],
    statuses: [429],
    hint: (call, code) =>
      code === 'TooManyUpdates'
        ? 'Other updates of this document kept running: let one publisher at a time change a package (a concurrency group), then re-run.'
        : `${service(call)} kept throttling ${operation(call)} after the retries: re-run later, or publish fewer packages at once.`,
  },
  {
    kind: 'timeout',
    codes: ['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError'],
    statuses: [408, 504],
    hint: () =>
      'The request did not complete in time: re-run (publishing resumes where it stopped), or raise request-timeout-seconds on a slow network.',
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
    hint: () =>
      'Another writer changed the same thing at the same time: re-run to converge, or publish a new version.',
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
    hint: (_call, code) =>
      LIMIT_HINTS[code] ?? 'A service quota is reached: remove what is no longer needed, then re-run.',
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
    hint: (_call, code) =>
      code === 'NoSuchBucket'
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
    hint: (_call, code) =>
      ['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException'].includes(
        code,
      )
        ? 'The bucket is in another region than `region`: use a bucket in the publishing region, or set `region` to the bucket’s.'
        : 'SSM rejected the request: check the package name, version and tags against the SSM limits and run mode: validate for the manifest.',
  },
  {
    kind: 'service',
    codes: ['BadDigest', 'InvalidDigest', 'XAmzContentSHA256Mismatch'],
    hint: () =>
      'S3 received other bytes than were hashed: a file changed during the upload, or the network corrupted it. Re-run.',
  },
];

const LIMIT_HINTS: Record<string, string> = {
  DocumentVersionLimitExceeded:
    'Delete old versions that are neither the default nor installed anywhere (aws ssm delete-document --name <name> --version-name <old>), then re-run.',
  MaxDocumentSizeExceeded:
    'The manifest is over the 64 KB document limit: fewer targets or shorter file names.',
  DocumentLimitExceeded:
    'The account holds the most SSM documents it may: delete unused ones, or ask for a higher quota.',
  TooManyTagsError:
    'A document holds at most 50 tags: remove some from the `tags` input or from the document.',
  EntityTooLarge: 'The file is larger than S3 accepts in one upload.',
};

function permissionHint(action: string): string {
  const base = `Grant ${action} to the role that publishes (see "IAM policy" in the README).`;
  if (action === 's3:GetObject')
    return `${base} Also grant s3:ListBucket on the bucket: without it S3 answers 403 instead of 404 for an object that is not there yet.`;
  if (action === 's3:PutObject')
    return `${base} For an SSE-KMS bucket also kms:GenerateDataKey and kms:Decrypt.`;
  return base;
}

const STATUS_NAMES: Record<number, string> = {
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
export function ruleFor(code: string, status: number | undefined): Rule | undefined {
  return (
    RULES.find((r) => r.codes.includes(code)) ??
    (status === undefined ? undefined : RULES.find((r) => r.statuses?.includes(status)))
  );
}

/**
 * Any failure of an AWS call as an ActionError: ActionErrors pass through, SDK and network errors get
 * their kind, hint and code from the table (unknown codes are `service`), anything else is a bug (`internal`).
 */
export function awsError(e: unknown, call: AwsCall): ActionError {
  if (e instanceof ActionError) return e;
  if (!fromAws(e)) return toActionError(e);
  const status = httpStatus(e);
  // A response without a body (HEAD) has no error code: name it after its status.
  const bodyless = ['Unknown', 'UnknownError'].includes(errorCode(e));
  const code = serverText(
    bodyless && status !== undefined ? (STATUS_NAMES[status] ?? `HTTP${status}`) : errorCode(e),
    process.env,
    100,
  );
  const rule = ruleFor(code, status);
  const subject = call.subject ? ` ${oneLine(call.subject)}` : '';
  const text = bodyless ? '' : serverText(errorText(e).trim());
  const message = `${operation(call)}${subject} failed: ${code}${status ? ` (HTTP ${status})` : ''}${text && text !== code ? `: ${text}` : ''}`;
  return new ActionError(rule?.kind ?? 'service', message, {
    hint:
      rule?.hint(call, code) ??
      `${service(call)} reported ${code}; re-run, and if it persists check the AWS Health Dashboard.`,
    code,
    action: rule?.kind === 'permission' ? call.action : undefined,
    cause: e,
  });
}
