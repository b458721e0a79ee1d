// Checksum-verified, skip-if-identical uploads of the built files to s3://bucket/prefix/name/version/.
import { createReadStream } from 'node:fs';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ActionError } from '../errors.js';
import { awsError, errorCode, httpStatus, isAmbiguous } from './aws-error.js';
import { BACKOFF, type StepCtx } from './context.js';
import { retry } from './retry.js';

export interface UploadFile {
  name: string;
  path: string;
  size: number;
  /** Lowercase hex. */
  sha256: string;
}

export interface UploadedFile extends UploadFile {
  key: string;
  /** `uploaded`: written by this run; `present`: already there with the same sha256. */
  action: 'uploaded' | 'present';
}

/** `prefix/name/version` without leading/trailing slashes (an empty prefix is left out). */
export function versionPrefix(prefix: string, name: string, version: string): string {
  const parts = [prefix.replace(/^\/+|\/+$/g, ''), name, version].filter((p) => p !== '');
  return parts.join('/');
}

export const hexToBase64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
export const base64ToHex = (b64: string): string => Buffer.from(b64, 'base64').toString('hex');

export interface S3Ctx extends StepCtx {
  s3: S3Client;
  bucket: string;
  /** ms a PUT may take before it is abandoned and retried: generous, scaled by size. */
  putTimeoutMs: (size: number) => number;
  /** Told of each object as soon as it is stored and read back, so a later failure still knows. */
  stored?: ((f: UploadedFile) => void) | undefined;
}

type Head = { exists: false } | { exists: true; sha256: string | undefined; size: number | undefined };

const s3Error = (e: unknown, action: string, uri: string, operation?: string) =>
  awsError(e, { action, subject: uri, operation });

async function head(ctx: S3Ctx, key: string): Promise<Head> {
  try {
    const r = await ctx.s3.send(
      new HeadObjectCommand({ Bucket: ctx.bucket, Key: key, ChecksumMode: 'ENABLED' }),
      {
        abortSignal: ctx.signal,
      },
    );
    return {
      exists: true,
      sha256: r.ChecksumSHA256 ? base64ToHex(r.ChecksumSHA256) : undefined,
      size: r.ContentLength,
    };
  } catch (e) {
    const code = errorCode(e);
    if (code === 'NotFound' || code === 'NoSuchKey' || httpStatus(e) === 404) return { exists: false };
    // HeadObject needs s3:GetObject (and s3:ListBucket for a clean 404).
    throw s3Error(e, 's3:GetObject', `s3://${ctx.bucket}/${key}`, 'HeadObject');
  }
}

/**
 * Uploads each file under `keyPrefix/`, skipping objects already there with the same sha256.
 * A key holding different content is a conflict: another build of the same version got there first.
 * Every object is read back (HeadObject with the caller's identity, as SSM will read it) and its
 * checksum compared, before SSM is asked to ingest anything.
 */
export async function uploadAll(
  ctx: S3Ctx,
  keyPrefix: string,
  files: readonly UploadFile[],
): Promise<UploadedFile[]> {
  const results: UploadedFile[] = [];
  for (const f of files) {
    const key = `${keyPrefix}/${f.name}`;
    const uri = `s3://${ctx.bucket}/${key}`;
    let action: UploadedFile['action'] = 'present';
    const before = await head(ctx, key);
    if (before.exists) {
      checkSame(before, f, uri);
      ctx.log(`= ${uri} already holds this file (sha256 ${f.sha256}); not uploaded again`);
    } else {
      action = await put(ctx, key, f, uri);
    }
    // Read back with the caller's identity: SSM fetches the object with the same credentials.
    const after = await head(ctx, key);
    if (!after.exists) {
      throw new ActionError('not-found', `${uri} is missing right after the upload.`, {
        hint: "Check the bucket's lifecycle rules (nothing may expire or delete objects under the prefix), then re-run.",
      });
    }
    checkSame(after, f, uri, action === 'uploaded');
    const done: UploadedFile = { ...f, key, action };
    results.push(done);
    ctx.stored?.(done);
  }
  return results;
}

/** Transient failures worth another attempt (the SDK cannot retry a PUT whose body is a consumed file stream). */
function isTransient(e: unknown): boolean {
  const status = httpStatus(e);
  return (
    (status !== undefined && status >= 500) ||
    isAmbiguous(e) ||
    ['SlowDown', 'RequestTimeout', 'Unknown'].includes(errorCode(e))
  );
}

/** One conditional PUT, with a fresh stream per attempt, retried while it fails transiently. */
async function put(ctx: S3Ctx, key: string, f: UploadFile, uri: string): Promise<UploadedFile['action']> {
  try {
    return await retry(() => putOnce(ctx, key, f, uri), {
      ...BACKOFF.upload,
      retryable: (e) => !(e instanceof ActionError),
      onRetry: (r) =>
        ctx.log(
          `PutObject ${uri} failed (${errorCode(r.error)}); again in ${r.delayMs} ms (${r.attempt}/${r.attempts - 1})`,
        ),
      timing: ctx.timing,
      signal: ctx.signal,
      deadline: ctx.deadline,
      onDeadline: ctx.deadlineError,
    });
  } catch (e) {
    throw s3Error(e, 's3:PutObject', uri);
  }
}

/**
 * After a failure that may or may not have stored the object (5xx, reset, timeout), or a lost race for
 * the key (412/409), what S3 holds decides: the same checksum is success. Throws the raw error to retry.
 */
async function putOnce(ctx: S3Ctx, key: string, f: UploadFile, uri: string): Promise<UploadedFile['action']> {
  try {
    await ctx.s3.send(
      new PutObjectCommand({
        Bucket: ctx.bucket,
        Key: key,
        Body: createReadStream(f.path),
        ContentLength: f.size,
        ContentType: f.name.endsWith('.json') ? 'application/json' : 'application/zip',
        ChecksumSHA256: hexToBase64(f.sha256),
        IfNoneMatch: '*',
      }),
      { abortSignal: ctx.signal, requestTimeout: ctx.putTimeoutMs(f.size) },
    );
    ctx.log(`↑ ${uri} (${f.size} bytes, sha256 ${f.sha256})`);
    return 'uploaded';
  } catch (e) {
    const code = errorCode(e);
    const raced =
      code === 'PreconditionFailed' || code === 'ConditionalRequestConflict' || httpStatus(e) === 412;
    if ((!raced && !isTransient(e)) || ctx.signal.aborted) throw s3Error(e, 's3:PutObject', uri);
    const now = await head(ctx, key);
    if (now.exists) {
      checkSame(now, f, uri);
      ctx.log(
        `= ${uri} is in place (${raced ? 'written by a concurrent run' : 'stored before the answer was lost'})`,
      );
      return raced ? 'present' : 'uploaded';
    }
    if (raced) throw s3Error(e, 's3:PutObject', uri);
    throw e;
  }
}

function checkSame(h: Extract<Head, { exists: true }>, f: UploadFile, uri: string, ours = false): void {
  if (h.sha256 === f.sha256 && (h.size === undefined || h.size === f.size)) return;
  if (ours) {
    throw new ActionError(
      'service',
      `${uri} holds other bytes right after this run uploaded it (sha256 ${h.sha256 ?? 'not reported'}, this build's ${f.sha256}).`,
      {
        hint: 'S3 stored something else than was sent: delete the object and re-run; nothing was published.',
      },
    );
  }
  if (h.sha256 === undefined) {
    throw new ActionError(
      'conflict',
      `${uri} exists but S3 reports no SHA-256 checksum for it (it was not uploaded by this action), so it cannot be verified.`,
      { hint: 'Delete it, or publish under a new version.' },
    );
  }
  throw new ActionError(
    'conflict',
    `${uri} already holds different content (sha256 ${h.sha256}, this build's ${f.sha256}): another build of this version uploaded it.`,
    { hint: `Publish a new version, or delete ${uri} if that build was never published.` },
  );
}
