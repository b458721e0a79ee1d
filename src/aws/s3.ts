// Checksum-verified, skip-if-identical uploads of the built files to s3://bucket/prefix/name/version/.
import { createReadStream } from 'node:fs';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { errorCode, errorMessage, httpStatus, isAmbiguous } from './clients.js';

export interface UploadFile {
  name: string;
  path: string;
  size: number;
  /** Lowercase hex. */
  sha256: string;
}

export interface UploadedFile extends UploadFile {
  key: string;
  /** `uploaded`: written now; `present`: already there with the same sha256. */
  action: 'uploaded' | 'present';
}

export class PublishError extends Error {
  override name = 'PublishError';
}

/** `prefix/name/version` without leading/trailing slashes (an empty prefix is left out). */
export function versionPrefix(prefix: string, name: string, version: string): string {
  const parts = [prefix.replace(/^\/+|\/+$/g, ''), name, version].filter((p) => p !== '');
  return parts.join('/');
}

export const hexToBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
export const base64ToHex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');

interface Ctx {
  s3: S3Client;
  bucket: string;
  signal: AbortSignal;
  log: (line: string) => void;
  /** ms a PUT may take before it is abandoned and retried: generous, scaled by size. */
  putTimeoutMs: (size: number) => number;
}

type Head = { exists: false } | { exists: true; sha256: string | undefined; size: number | undefined };

async function head(ctx: Ctx, key: string): Promise<Head> {
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
    throw explainS3(e, `HeadObject s3://${ctx.bucket}/${key}`);
  }
}

/** Turns S3 failures into messages that say what to do. */
export function explainS3(e: unknown, what: string): Error {
  const code = errorCode(e);
  const status = httpStatus(e);
  let hint = '';
  if (code === 'AccessDenied' || code === 'Forbidden' || status === 403) {
    hint =
      ' The publishing role needs s3:PutObject, s3:GetObject (SSM reads the files with your identity) and s3:ListBucket (so missing objects answer 404, not 403) on this bucket and prefix; see "IAM policy" in the README.';
  } else if (code === 'NoSuchBucket') {
    hint = ' Check `s3-bucket` (and that it is in the same account and partition).';
  } else if (code === 'PermanentRedirect' || code === 'AuthorizationHeaderMalformed' || status === 301) {
    hint = ' The bucket is in another region than `region`; use a bucket in the publishing region.';
  } else if (code === 'BadDigest' || code === 'InvalidDigest' || code === 'XAmzContentSHA256Mismatch') {
    hint =
      ' S3 received different bytes than were hashed: the file changed during upload or the network corrupted it. Re-run.';
  }
  return new PublishError(
    `${what} failed: ${code}${status ? ` (HTTP ${status})` : ''}: ${errorMessage(e)}.${hint}`,
  );
}

/**
 * Uploads each file under `keyPrefix/`, skipping objects already there with the same sha256.
 * A key holding different content is a conflict: another build of the same version got there first.
 * Every object is read back (HeadObject with the caller's identity, as SSM will read it) and its
 * checksum compared, before SSM is asked to ingest anything.
 */
export async function uploadAll(
  ctx: Ctx,
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
      throw new PublishError(
        `${uri} is missing right after the upload; check the bucket's lifecycle rules and re-run.`,
      );
    }
    checkSame(after, f, uri);
    results.push({ ...f, key, action });
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

/**
 * One conditional PUT with a fresh stream per attempt. After a failure that may or may not have
 * stored the object (5xx, reset, timeout), what S3 holds decides: the same checksum is success.
 */
async function put(ctx: Ctx, key: string, f: UploadFile, uri: string): Promise<UploadedFile['action']> {
  for (let attempt = 1; ; attempt++) {
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
      // 412: someone wrote the key meanwhile; 409: a concurrent conditional write. Decide from what is there.
      const raced =
        code === 'PreconditionFailed' || code === 'ConditionalRequestConflict' || httpStatus(e) === 412;
      if (!raced && !isTransient(e)) throw explainS3(e, `PutObject ${uri}`);
      if (ctx.signal.aborted) throw e;
      const now = await head(ctx, key);
      if (now.exists) {
        checkSame(now, f, uri);
        ctx.log(
          `= ${uri} is in place (${raced ? 'written by a concurrent run' : 'stored before the answer was lost'})`,
        );
        return raced ? 'present' : 'uploaded';
      }
      if (raced || attempt >= 4) throw explainS3(e, `PutObject ${uri}`);
      ctx.log(`PutObject ${uri} failed (${code}); retrying (${attempt}/3)`);
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    }
  }
}

function checkSame(h: Extract<Head, { exists: true }>, f: UploadFile, uri: string): void {
  if (h.sha256 === f.sha256 && (h.size === undefined || h.size === f.size)) return;
  if (h.sha256 === undefined) {
    throw new PublishError(
      `${uri} exists but S3 reports no SHA-256 checksum for it (it was not uploaded by this action), so it cannot be verified. Delete it, or publish under a new version.`,
    );
  }
  throw new PublishError(
    `${uri} already holds different content (sha256 ${h.sha256}, this build's ${f.sha256}): another build of this version uploaded it. Publish a new version, or delete ${uri} if that build was never published.`,
  );
}
