// Package document versions: read, create/update with reconciliation, wait, verify, tags, default.
import { createHash } from 'node:crypto';
import {
  AddTagsToResourceCommand,
  CreateDocumentCommand,
  DescribeDocumentCommand,
  type DocumentVersionInfo,
  GetDocumentCommand,
  type GetDocumentCommandOutput,
  ListDocumentVersionsCommand,
  ListTagsForResourceCommand,
  type SSMClient,
  type Tag,
  UpdateDocumentCommand,
  UpdateDocumentDefaultVersionCommand,
} from '@aws-sdk/client-ssm';
import { errorCode, errorMessage, httpStatus, isAmbiguous } from './clients.js';
import { PublishError } from './s3.js';

export interface SsmCtx {
  ssm: SSMClient;
  name: string;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Sleeps, aborting with the run's deadline. */
  sleep: (ms: number) => Promise<void>;
}

export interface StoredVersion {
  documentVersion: string;
  versionName: string | undefined;
  status: string | undefined;
  statusInformation: string | undefined;
  content: string | undefined;
  attachments: NonNullable<GetDocumentCommandOutput['AttachmentsContent']>;
}

/** JSON with sorted keys at every level: two manifests are the same when their canonical forms are. */
export function canonicalJson(text: string): string | undefined {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return undefined;
  }
}
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
export const sha256Hex = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** All versions (paginated), or undefined when the document does not exist. */
export async function listVersions(ctx: SsmCtx): Promise<DocumentVersionInfo[] | undefined> {
  const all: DocumentVersionInfo[] = [];
  let token: string | undefined;
  try {
    do {
      const r = await ctx.ssm.send(
        new ListDocumentVersionsCommand({
          Name: ctx.name,
          MaxResults: 50,
          ...(token ? { NextToken: token } : {}),
        }),
        { abortSignal: ctx.signal },
      );
      all.push(...(r.DocumentVersions ?? []));
      token = r.NextToken || undefined;
    } while (token);
  } catch (e) {
    if (errorCode(e) === 'InvalidDocument') return undefined;
    throw explainSsm(e, 'ListDocumentVersions');
  }
  return all.sort((a, b) => Number(a.DocumentVersion) - Number(b.DocumentVersion));
}

export async function getVersion(
  ctx: SsmCtx,
  by: { versionName: string } | { documentVersion: string },
): Promise<StoredVersion | undefined> {
  try {
    const r = await ctx.ssm.send(
      new GetDocumentCommand({
        Name: ctx.name,
        ...('versionName' in by ? { VersionName: by.versionName } : { DocumentVersion: by.documentVersion }),
      }),
      { abortSignal: ctx.signal },
    );
    return {
      documentVersion: r.DocumentVersion ?? '',
      versionName: r.VersionName,
      status: r.Status,
      statusInformation: r.StatusInformation,
      content: r.Content,
      attachments: r.AttachmentsContent ?? [],
    };
  } catch (e) {
    const code = errorCode(e);
    if (code === 'InvalidDocument' || code === 'InvalidDocumentVersion') return undefined;
    throw explainSsm(e, 'GetDocument');
  }
}

export interface CreateInput {
  content: string;
  versionName: string;
  sourceUrl: string;
  tags: Tag[];
  /** Whether the document existed when we looked. */
  exists: boolean;
  /** Canonical form of our manifest, to recognise our version after an ambiguous failure. */
  canonical: string;
  deadline: number;
}

export interface Created {
  documentVersion: string;
  /** false when the version turned out to be there already (a retry after commit, or a concurrent identical run). */
  createdHere: boolean;
  /** true when the document was created by this call (tags were applied with it). */
  documentCreated: boolean;
}

/**
 * CreateDocument or UpdateDocument($LATEST) with the attachments, converging after any ambiguous outcome:
 * after a 5xx/timeout, DocumentAlreadyExists, DuplicateDocumentVersionName or DuplicateDocumentContent,
 * what SSM holds decides: our version with our content is success; another content is a conflict.
 */
export async function createVersion(ctx: SsmCtx, input: CreateInput): Promise<Created> {
  let exists = input.exists;
  const attachments = [{ Key: 'SourceUrl' as const, Values: [input.sourceUrl] }];
  let delay = 1000;
  for (let attempt = 1; ; attempt++) {
    if (Date.now() > input.deadline)
      throw new PublishError('The run reached its deadline while creating the version.');
    try {
      if (!exists) {
        const r = await ctx.ssm.send(
          new CreateDocumentCommand({
            Name: ctx.name,
            Content: input.content,
            DocumentType: 'Package',
            DocumentFormat: 'JSON',
            VersionName: input.versionName,
            Attachments: attachments,
            ...(input.tags.length ? { Tags: input.tags } : {}),
          }),
          { abortSignal: ctx.signal },
        );
        const v = r.DocumentDescription?.DocumentVersion ?? '1';
        ctx.log(`Created document ${ctx.name}, version ${v} (${input.versionName})`);
        return { documentVersion: v, createdHere: true, documentCreated: true };
      }
      const r = await ctx.ssm.send(
        new UpdateDocumentCommand({
          Name: ctx.name,
          Content: input.content,
          DocumentFormat: 'JSON',
          DocumentVersion: '$LATEST',
          VersionName: input.versionName,
          Attachments: attachments,
        }),
        { abortSignal: ctx.signal },
      );
      const v = r.DocumentDescription?.DocumentVersion ?? '';
      ctx.log(`Created version ${v} (${input.versionName}) of ${ctx.name}`);
      return { documentVersion: v, createdHere: true, documentCreated: false };
    } catch (e) {
      const code = errorCode(e);
      if (code === 'TooManyUpdates' || code === 'InvalidDocumentVersion') {
        // Another update is in flight (or $LATEST moved under us): wait and try again.
        ctx.log(
          `${code}: another update of ${ctx.name} is in progress; retrying in ${Math.round(delay / 1000)} s`,
        );
        await ctx.sleep(delay);
        delay = Math.min(delay * 2, 8000);
        continue;
      }
      if (code === 'DocumentVersionLimitExceeded') {
        const versions = await listVersions(ctx).catch(() => undefined);
        throw new PublishError(
          `${ctx.name} has ${versions?.length ?? 'too many'} versions, the most SSM allows for a package. Delete old versions that are neither the default nor installed anywhere (aws ssm delete-document --name ${ctx.name} --version-name <old>), then re-run.`,
        );
      }
      if (code === 'InvalidDocument' && exists) {
        exists = false; // deleted since we looked
        continue;
      }
      const reconcilable =
        code === 'DocumentAlreadyExists' ||
        code === 'DuplicateDocumentVersionName' ||
        code === 'DuplicateDocumentContent' ||
        isAmbiguous(e);
      if (!reconcilable) throw explainSsm(e, exists ? 'UpdateDocument' : 'CreateDocument');
      const found = await getVersion(ctx, { versionName: input.versionName });
      if (found) {
        if (canonicalJson(found.content ?? '') !== input.canonical) {
          throw conflict(ctx.name, input.versionName, found, input.content);
        }
        const why =
          code === 'DocumentAlreadyExists' || code.startsWith('Duplicate')
            ? 'an earlier attempt of this request had already succeeded'
            : `the answer was lost (${code})`;
        ctx.log(
          `Version ${found.documentVersion} (${input.versionName}) holds our manifest (${why}): continuing with it`,
        );
        return { documentVersion: found.documentVersion, createdHere: false, documentCreated: false };
      }
      if (code === 'DocumentAlreadyExists') {
        exists = true;
        continue;
      }
      if (code === 'DuplicateDocumentContent') {
        const versions = (await listVersions(ctx)) ?? [];
        const same = await findSameContent(ctx, versions, input.canonical);
        throw new PublishError(
          `SSM already holds this exact manifest${same ? ` as version ${same.documentVersion} (version name ${same.versionName ?? 'none'})` : ''}; a new version needs different content. Bump the version.`,
        );
      }
      if (attempt >= 6) throw explainSsm(e, exists ? 'UpdateDocument' : 'CreateDocument');
      ctx.log(`${code} from SSM and the version is not there: retrying (${attempt}/5)`);
      await ctx.sleep(delay);
      delay = Math.min(delay * 2, 8000);
    }
  }
}

async function findSameContent(ctx: SsmCtx, versions: DocumentVersionInfo[], canonical: string) {
  for (const v of versions.slice(-10).reverse()) {
    const got = await getVersion(ctx, { documentVersion: v.DocumentVersion ?? '' });
    if (got && canonicalJson(got.content ?? '') === canonical) return got;
  }
  return undefined;
}

export function conflict(
  name: string,
  versionName: string,
  found: StoredVersion,
  ours: string,
): PublishError {
  return new PublishError(
    `Version ${versionName} of ${name} already exists (document version ${found.documentVersion}) with a different manifest: published sha256 ${sha256Hex(found.content ?? '')}, this build's ${sha256Hex(ours)}. A version name can be used only once: bump the version (e.g. push a new tag).`,
  );
}

export interface WaitResult {
  status: string;
  statusInformation: string | undefined;
}

/** Polls the given version until Active or Failed, with backoff capped at `maxDelayMs`. */
export async function waitForVersion(
  ctx: SsmCtx,
  documentVersion: string,
  opts: { timeoutMs: number; maxDelayMs: number },
): Promise<WaitResult> {
  const started = Date.now();
  let delay = Math.min(1000, opts.maxDelayMs);
  let last: string;
  for (;;) {
    let status: string | undefined;
    let info: string | undefined;
    try {
      const r = await ctx.ssm.send(
        new DescribeDocumentCommand({ Name: ctx.name, DocumentVersion: documentVersion }),
        {
          abortSignal: ctx.signal,
        },
      );
      status = r.Document?.Status;
      info = r.Document?.StatusInformation;
    } catch (e) {
      throw explainSsm(e, 'DescribeDocument');
    }
    const elapsed = Math.round((Date.now() - started) / 1000);
    ctx.log(
      `version ${documentVersion}: ${status ?? 'unknown'}${info ? ` (${info})` : ''} after ${elapsed} s`,
    );
    last = status ?? 'unknown';
    if (status === 'Active' || status === 'Failed') return { status, statusInformation: info };
    if (Date.now() - started + delay > opts.timeoutMs) {
      throw new PublishError(
        `Version ${documentVersion} of ${ctx.name} was still ${last} after ${elapsed} s (wait-timeout-seconds). It may still become Active: re-run to resume waiting (the version is not created again), or raise wait-timeout-seconds.`,
      );
    }
    await ctx.sleep(delay);
    delay = Math.min(delay * 2, opts.maxDelayMs);
  }
}

/** What a `Failed` StatusInformation usually means, and what to do. */
export function failureHint(info: string | undefined): string {
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

export interface VerifyFile {
  name: string;
  size: number;
  sha256: string;
}

/** Checks that SSM stored exactly our files and manifest for this version. */
export async function verifyStored(
  ctx: SsmCtx,
  documentVersion: string,
  versionName: string,
  canonical: string,
  files: readonly VerifyFile[],
): Promise<void> {
  const got = await getVersion(ctx, { documentVersion });
  if (!got)
    throw new PublishError(`Version ${documentVersion} of ${ctx.name} disappeared after it became Active.`);
  const problems: string[] = [];
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
  if (extra.length) problems.push(`unexpected attachments: ${extra.join(', ')}`);
  if (problems.length) {
    throw new PublishError(
      `SSM stored something else for ${ctx.name} version ${documentVersion}: ${problems.join('; ')}.`,
    );
  }
}

/** Adds or updates the given tags (tags SSM holds that are not given are left alone). Returns the keys changed. */
export async function ensureTags(ctx: SsmCtx, tags: readonly Tag[]): Promise<string[]> {
  if (tags.length === 0) return [];
  let current: Tag[];
  try {
    const r = await ctx.ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: ctx.name }),
      {
        abortSignal: ctx.signal,
      },
    );
    current = r.TagList ?? [];
  } catch (e) {
    throw explainSsm(e, 'ListTagsForResource');
  }
  const missing = tagsToAdd(current, tags);
  if (missing.length === 0) return [];
  try {
    await whileBusy(ctx, () =>
      ctx.ssm.send(
        new AddTagsToResourceCommand({ ResourceType: 'Document', ResourceId: ctx.name, Tags: missing }),
        { abortSignal: ctx.signal },
      ),
    );
  } catch (e) {
    if (!isAmbiguous(e)) throw explainSsm(e, 'AddTagsToResource');
    // The answer was lost: the tags SSM holds now decide.
    let after: Tag[];
    try {
      const r = await ctx.ssm.send(
        new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: ctx.name }),
        {
          abortSignal: ctx.signal,
        },
      );
      after = r.TagList ?? [];
    } catch (e2) {
      throw explainSsm(e2, 'ListTagsForResource');
    }
    if (tagsToAdd(after, tags).length > 0) throw explainSsm(e, 'AddTagsToResource');
  }
  return missing.map((t) => t.Key ?? '');
}

export async function describeDefault(
  ctx: SsmCtx,
): Promise<{ defaultVersion: string; latestVersion: string }> {
  try {
    const r = await ctx.ssm.send(new DescribeDocumentCommand({ Name: ctx.name }), {
      abortSignal: ctx.signal,
    });
    return {
      defaultVersion: r.Document?.DefaultVersion ?? '',
      latestVersion: r.Document?.LatestVersion ?? '',
    };
  } catch (e) {
    throw explainSsm(e, 'DescribeDocument');
  }
}

/** Runs a mutating call, retrying TooManyUpdates (another update of the document is in flight). */
async function whileBusy<T>(ctx: SsmCtx, fn: () => Promise<T>): Promise<T> {
  let delay = 500;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (errorCode(e) !== 'TooManyUpdates') throw e;
      ctx.log(`TooManyUpdates: another update of ${ctx.name} is in progress; retrying in ${delay} ms`);
      await ctx.sleep(delay);
      delay = Math.min(delay * 2, 8000);
    }
  }
}

function tagsToAdd(current: readonly Tag[], wanted: readonly Tag[]): Tag[] {
  const have = new Map(current.map((t) => [t.Key, t.Value ?? '']));
  return wanted.filter((t) => have.get(t.Key) !== (t.Value ?? ''));
}

/** Makes `documentVersion` the default (only call it for an Active version) and reads it back. */
export async function setDefault(
  ctx: SsmCtx,
  documentVersion: string,
): Promise<{ previous: string; changed: boolean }> {
  const before = await describeDefault(ctx);
  if (before.defaultVersion === documentVersion) return { previous: before.defaultVersion, changed: false };
  try {
    await whileBusy(ctx, () =>
      ctx.ssm.send(
        new UpdateDocumentDefaultVersionCommand({ Name: ctx.name, DocumentVersion: documentVersion }),
        { abortSignal: ctx.signal },
      ),
    );
  } catch (e) {
    // A lost response after the change: the read-back below decides.
    if (!isAmbiguous(e)) throw explainSsm(e, 'UpdateDocumentDefaultVersion');
  }
  const after = await describeDefault(ctx);
  if (after.defaultVersion !== documentVersion) {
    throw new PublishError(
      `The default version of ${ctx.name} is ${after.defaultVersion} after setting it to ${documentVersion}: another run changed it. Check the release pipeline's concurrency group.`,
    );
  }
  ctx.log(`Default version of ${ctx.name}: ${before.defaultVersion} → ${documentVersion}`);
  return { previous: before.defaultVersion, changed: true };
}

export function explainSsm(e: unknown, op: string): Error {
  if (e instanceof PublishError) return e;
  const code = errorCode(e);
  const status = httpStatus(e);
  let hint = '';
  if (code === 'AccessDeniedException')
    hint = ` Grant ssm:${op} on the document to the publishing role (see "IAM policy" in the README).`;
  else if (code === 'ThrottlingException') hint = ' SSM kept throttling after the SDK retries; re-run later.';
  else if (code === 'ValidationException')
    hint = ' Check the package name, version and tags against the SSM limits (run mode: validate).';
  else if (code === 'MaxDocumentSizeExceeded') hint = ' The manifest is over 64 KB.';
  else if (code === 'InvalidDocumentContent')
    hint = ' SSM rejected the manifest; run mode: validate to see why.';
  else if (code === 'TimeoutError' || code === 'AbortError')
    hint = ' The request did not complete in time; re-run (publishing resumes where it stopped).';
  else if (
    code === 'UnrecognizedClientException' ||
    code === 'InvalidSignatureException' ||
    code === 'ExpiredTokenException'
  )
    hint = ' The AWS credentials are invalid or expired; check the configure-aws-credentials step.';
  return new PublishError(
    `${op} failed: ${code}${status ? ` (HTTP ${status})` : ''}: ${errorMessage(e)}.${hint}`,
  );
}
