// The mapping from SDK and network failures to ActionError kinds, hints and IAM actions.
import { describe, expect, it } from 'vitest';
import { awsError, errorCode, isAmbiguous, RULES, sdkAttempts, serverText } from '../src/aws/aws-error.js';
import { ActionError, credentialValues, ERROR_KINDS, scrubSecrets } from '../src/errors.js';

/** An error shaped like the SDK's service exceptions: `name` is the code, `$metadata` the HTTP status. */
const sdkError = (code: string, status: number, message = `${code} happened`) =>
  Object.assign(new Error(message), {
    name: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });

/** An errno error as Node's sockets raise it (the SDK passes it through with $metadata). */
const errnoError = (code: string, message: string) =>
  Object.assign(new Error(message), { code, $metadata: {} });

const CREDENTIALS = /configure-aws-credentials/;
const ENDPOINT = /AWS_ENDPOINT_URL_SSM.*proxy|proxy.*AWS_ENDPOINT_URL_SSM/is;

// [error, IAM action of the call, kind, hint pattern, action recorded]
const TABLE: [Error, string, string, RegExp, string | undefined][] = [
  [
    Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    }),
    'sts:GetCallerIdentity',
    'credentials',
    CREDENTIALS,
    undefined,
  ],
  [sdkError('ExpiredToken', 400), 'sts:GetCallerIdentity', 'credentials', CREDENTIALS, undefined],
  [sdkError('ExpiredTokenException', 400), 'ssm:GetDocument', 'credentials', CREDENTIALS, undefined],
  [sdkError('UnrecognizedClientException', 400), 'ssm:GetDocument', 'credentials', CREDENTIALS, undefined],
  [sdkError('InvalidClientTokenId', 403), 'sts:GetCallerIdentity', 'credentials', CREDENTIALS, undefined],
  [sdkError('InvalidSignatureException', 400), 'ssm:UpdateDocument', 'credentials', CREDENTIALS, undefined],
  [sdkError('SignatureDoesNotMatch', 403), 's3:PutObject', 'credentials', CREDENTIALS, undefined],
  [sdkError('InvalidAccessKeyId', 403), 's3:PutObject', 'credentials', CREDENTIALS, undefined],
  [
    sdkError('AccessDeniedException', 400),
    'ssm:UpdateDocument',
    'permission',
    /Grant ssm:UpdateDocument/,
    'ssm:UpdateDocument',
  ],
  [sdkError('AccessDenied', 403), 's3:PutObject', 'permission', /Grant s3:PutObject.*kms/s, 's3:PutObject'],
  [
    sdkError('AccessDenied', 403),
    'sts:GetCallerIdentity',
    'permission',
    /Grant sts:GetCallerIdentity/,
    'sts:GetCallerIdentity',
  ],
  [
    sdkError('Forbidden', 403, ''),
    's3:GetObject',
    'permission',
    /Grant s3:GetObject.*s3:ListBucket/s,
    's3:GetObject',
  ],
  [
    sdkError('SomethingNew', 403),
    'ssm:AddTagsToResource',
    'permission',
    /Grant ssm:AddTagsToResource/,
    'ssm:AddTagsToResource',
  ],
  [
    errnoError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'),
    'ssm:ListDocumentVersions',
    'network',
    ENDPOINT,
    undefined,
  ],
  [
    errnoError('ENOTFOUND', 'getaddrinfo ENOTFOUND ssm.nowhere-1.amazonaws.com'),
    'ssm:ListDocumentVersions',
    'network',
    ENDPOINT,
    undefined,
  ],
  [
    errnoError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN ssm.us-east-1.amazonaws.com'),
    'ssm:ListDocumentVersions',
    'network',
    ENDPOINT,
    undefined,
  ],
  [errnoError('ECONNRESET', 'socket hang up'), 'ssm:ListDocumentVersions', 'network', ENDPOINT, undefined],
  [
    errnoError('EHOSTUNREACH', 'connect EHOSTUNREACH 10.0.0.1:443'),
    'ssm:ListDocumentVersions',
    'network',
    ENDPOINT,
    undefined,
  ],
  [
    errnoError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'),
    'sts:GetCallerIdentity',
    'network',
    /AWS_ENDPOINT_URL_STS/,
    undefined,
  ],
  [
    sdkError('ThrottlingException', 400, 'Rate exceeded'),
    'ssm:DescribeDocument',
    'throttled',
    /kept throttling DescribeDocument/,
    undefined,
  ],
  [sdkError('SlowDown', 503), 's3:PutObject', 'throttled', /S3 kept throttling PutObject/, undefined],
  [sdkError('Throttling', 400), 'sts:GetCallerIdentity', 'throttled', /STS kept throttling/, undefined],
  [sdkError('TooManyUpdates', 400), 'ssm:UpdateDocument', 'throttled', /one publisher at a time/, undefined],
  [
    Object.assign(new Error('Connection timed out after 400 ms'), { name: 'TimeoutError', $metadata: {} }),
    'ssm:GetDocument',
    'timeout',
    /request-timeout-seconds/,
    undefined,
  ],
  [sdkError('RequestTimeout', 400), 's3:PutObject', 'timeout', /re-run/i, undefined],
  [sdkError('PreconditionFailed', 412), 's3:PutObject', 'conflict', /Another writer/, undefined],
  [
    sdkError('DuplicateDocumentVersionName', 400),
    'ssm:UpdateDocument',
    'conflict',
    /Another writer/,
    undefined,
  ],
  [
    sdkError('DocumentVersionLimitExceeded', 400),
    'ssm:UpdateDocument',
    'limit',
    /delete-document/,
    undefined,
  ],
  [sdkError('MaxDocumentSizeExceeded', 400), 'ssm:UpdateDocument', 'limit', /64 KB/, undefined],
  [sdkError('NoSuchBucket', 404), 's3:PutObject', 'not-found', /s3-bucket/, undefined],
  [sdkError('InvalidDocument', 400), 'ssm:DescribeDocument', 'not-found', /name/, undefined],
  [sdkError('ValidationException', 400), 'ssm:CreateDocument', 'input', /SSM limits/, undefined],
  [sdkError('InvalidDocumentContent', 400), 'ssm:CreateDocument', 'input', /mode: validate/, undefined],
  [sdkError('PermanentRedirect', 301), 's3:PutObject', 'input', /another region/, undefined],
  [sdkError('BadDigest', 400), 's3:PutObject', 'service', /other bytes/, undefined],
  [
    sdkError('InternalServerError', 500),
    'ssm:GetDocument',
    'service',
    /SSM reported InternalServerError/,
    undefined,
  ],
  [
    sdkError('BrandNewException', 400),
    'ssm:GetDocument',
    'service',
    /SSM reported BrandNewException/,
    undefined,
  ],
];

describe('awsError(): the mapping table', () => {
  for (const [e, action, kind, hint, iamAction] of TABLE) {
    it(`${errorCode(e)} from ${action} → ${kind}`, () => {
      const a = awsError(e, { action, subject: 'the-subject' });
      expect(a).toBeInstanceOf(ActionError);
      expect(a.kind).toBe(kind);
      expect(a.hint).toMatch(hint);
      expect(a.action).toBe(iamAction);
      expect(a.code).toBe(errorCode(e));
      expect(a.cause).toBe(e);
      // The message names the operation, the subject, the code and the service's text.
      expect(a.message).toContain(action.split(':')[1]);
      expect(a.message).toContain('the-subject');
      expect(a.message).toContain(errorCode(e));
      if (e.message) expect(a.message).toContain(e.message);
      if (kind !== 'credentials') expect(a.hint).not.toMatch(CREDENTIALS);
    });
  }

  it('every kind a rule gives is a known kind, and no code is in two rules', () => {
    const seen = new Set<string>();
    for (const r of RULES) {
      expect(ERROR_KINDS).toContain(r.kind);
      for (const c of r.codes) {
        expect(seen.has(c), c).toBe(false);
        seen.add(c);
      }
    }
  });

  it('an ActionError passes through unchanged', () => {
    const e = new ActionError('conflict', 'taken', { hint: 'bump it' });
    expect(awsError(e, { action: 'ssm:UpdateDocument' })).toBe(e);
  });

  it('an error that is neither from the SDK nor the network is an internal bug, not a service failure', () => {
    const e = new TypeError("Cannot read properties of undefined (reading 'x')");
    const a = awsError(e, { action: 'ssm:GetDocument' });
    expect(a.kind).toBe('internal');
    expect(a.cause).toBe(e);
  });

  it('the errno code wins over a wrapper name (AggregateError of a refused dual-stack connect)', () => {
    const e = Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED', $metadata: {} });
    expect(errorCode(e)).toBe('ECONNREFUSED');
    expect(awsError(e, { action: 's3:GetObject' }).kind).toBe('network');
  });

  it('shows the HTTP status with the code', () => {
    expect(awsError(sdkError('NoSuchBucket', 404), { action: 's3:PutObject' }).message).toContain(
      'NoSuchBucket (HTTP 404)',
    );
  });
});

describe('isAmbiguous() and sdkAttempts()', () => {
  it('5xx, resets and timeouts leave the outcome open; refused connections and 4xx do not', () => {
    expect(isAmbiguous(sdkError('InternalServerError', 500))).toBe(true);
    expect(isAmbiguous(sdkError('ServiceUnavailable', 503))).toBe(true);
    expect(isAmbiguous(errnoError('ECONNRESET', 'read ECONNRESET'))).toBe(true);
    expect(isAmbiguous(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isAmbiguous(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe(true);
    expect(isAmbiguous(errnoError('ECONNREFUSED', 'connect ECONNREFUSED'))).toBe(false);
    expect(isAmbiguous(sdkError('ValidationException', 400))).toBe(false);
    expect(isAmbiguous(sdkError('DuplicateDocumentVersionName', 400))).toBe(false);
  });

  it('reads how many attempts the SDK made', () => {
    expect(sdkAttempts(Object.assign(new Error('x'), { $metadata: { attempts: 3 } }))).toBe(3);
    expect(sdkAttempts(new Error('x'))).toBe(1);
  });
});

describe('server text: credentials scrubbed, one line', () => {
  const env = {
    AWS_ACCESS_KEY_ID: 'AKIAECHOEDKEYID00001',
    AWS_SECRET_ACCESS_KEY: 'echoed/secret+key=',
    AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEchoedSessionToken/+=',
  };
  const echo = (v: Record<string, string>) =>
    `Denied.\r\nAuthorization: AWS4-HMAC-SHA256 Credential=${v.AWS_ACCESS_KEY_ID}/20260101/us-east-1/ssm\n` +
    `X-Amz-Security-Token: ${v.AWS_SESSION_TOKEN}\n::add-mask::x\u2028key=${encodeURIComponent(v.AWS_SECRET_ACCESS_KEY!)}`;

  it('replaces every credential of the environment, as is and URL-encoded, by ***', () => {
    const text = serverText(echo(env), env);
    for (const v of Object.values(env)) {
      expect(text).not.toContain(v);
      expect(text).not.toContain(encodeURIComponent(v));
    }
    expect(text).toContain('Credential=***/20260101');
    expect(text).not.toMatch(/[\r\n\u2028]/);
    expect(text).toContain('Denied. Authorization:');
  });
  it('an SDK error that echoes the request headers reaches the message scrubbed and on one line', () => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const e = awsError(sdkError('AccessDeniedException', 400, echo(env)), { action: 'ssm:GetDocument' });
      for (const v of Object.values(env)) expect(e.message).not.toContain(v);
      expect(e.message.split('\n')).toHaveLength(1);
    } finally {
      for (const k of Object.keys(env)) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });
  it('registers only the credentials that are set, longest first; blank ones are skipped', () => {
    expect(
      credentialValues({
        AWS_ACCESS_KEY_ID: 'AKIA1',
        AWS_SESSION_TOKEN: ' ',
        AWS_SECRET_ACCESS_KEY: 'longer-secret',
      }),
    ).toEqual(['longer-secret', 'AKIA1']);
    expect(scrubSecrets('no credentials here', {})).toBe('no credentials here');
  });
});
