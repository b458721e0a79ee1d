// Checksum-verified, skip-if-identical uploads of the built files to s3://bucket/prefix/name/version/, a
// few at a time, and of the manifest to prefix/name/manifests/version.json once they are all in place.
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

/** A file and the key it goes to. */
export interface UploadTarget extends UploadFile {
  key: string;
}

export interface UploadedFile extends UploadTarget {
  /** `uploaded`: written by this run; `present`: already there with the same sha256. */
  action: 'uploaded' | 'present';
}

/** How many files are uploaded at a time. */
export const UPLOAD_CONCURRENCY = 4;

const keyOf = (...parts: string[]) => parts.filter((p) => p !== '').join('/');

/** `prefix/name/version` without leading/trailing slashes (an empty prefix is left out). */
export function versionPrefix(prefix: string, name: string, version: string): string {
  return keyOf(prefix.replace(/^\/+|\/+$/g, ''), name, version);
}

/**
 * Where a version's manifest.json goes: `prefix/name/manifests/version.json`, outside the version's
 * folder (the SourceUrl), so that a service attaching every object under the SourceUrl finds only the
 * files the manifest lists.
 */
export function manifestKey(prefix: string, name: string, version: string): string {
  return keyOf(prefix.replace(/^\/+|\/+$/g, ''), name, 'manifests', `${version}.json`);
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
 * Uploads `files`, at most `concurrency` at a time, then `last` (the manifest) once every one of them is
 * stored and read back. Objects already there with the same sha256 are skipped; a key holding different
 * content is a conflict: another build of the same version got there first. Every object is read back
 * (HeadObject with the caller's identity, as SSM will read it) and its checksum compared, before SSM is
 * asked to ingest anything. After a failure no new upload starts; those under way end (and are
 * reported to `stored`) before the first failure is thrown.
 */
export async function uploadAll(
  ctx: S3Ctx,
  files: readonly UploadTarget[],
  last: UploadTarget | undefined,
  concurrency = UPLOAD_CONCURRENCY,
): Promise<UploadedFile[]> {
  const results = await bounded(files, concurrency, (f) => uploadOne(ctx, f));
  if (last) results.push(await uploadOne(ctx, last));
  return results;
}

/** `fn` over `items`, at most `limit` at a time, results in item order; stops starting new ones after a failure. */
export async function bounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure) throw failure.error;
  return out;
}

async function uploadOne(ctx: S3Ctx, f: UploadTarget): Promise<UploadedFile> {
  const uri = `s3://${ctx.bucket}/${f.key}`;
  let action: UploadedFile['action'] = 'present';
  const before = await head(ctx, f.key);
  if (before.exists) {
    checkSame(before, f, uri);
    ctx.log(`= ${uri} already holds this file (sha256 ${f.sha256}); not uploaded again`);
  } else {
    action = await put(ctx, f.key, f, uri);
  }
  // Read back with the caller's identity: SSM fetches the object with the same credentials.
  const after = await head(ctx, f.key);
  if (!after.exists) {
    throw new ActionError('not-found', `${uri} is missing right after the upload.`, {
      hint: "Check the bucket's lifecycle rules (nothing may expire or delete objects under the prefix), then re-run.",
    });
  }
  checkSame(after, f, uri, action === 'uploaded');
  const done: UploadedFile = { ...f, action };
  ctx.stored?.(done);
  return done;
}

/**
 * Whether the folder `keyPrefix/` holds every one of `files` with its sha256: true when it does, false
 * when one is missing or differs, undefined when S3 could not be asked (the reason is logged).
 */
export async function holdsAll(
  ctx: S3Ctx,
  keyPrefix: string,
  files: readonly { name: string; sha256: string }[],
): Promise<boolean | undefined> {
  try {
    const found = await bounded(files, UPLOAD_CONCURRENCY, async (f) => {
      const h = await head(ctx, `${keyPrefix}/${f.name}`);
      return h.exists && h.sha256 === f.sha256.toLowerCase();
    });
    return found.every(Boolean);
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    ctx.log(
      `Could not check s3://${ctx.bucket}/${keyPrefix}/: ${e instanceof Error ? e.message : String(e)}`,
    );
    return undefined;
  }
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
        // Both: the algorithm header is what makes some servers (and Object Lock buckets) keep the value;
        // with a checksum header present the SDK computes none of its own and streams the body as is.
        ChecksumAlgorithm: 'SHA256',
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
