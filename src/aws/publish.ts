// The AWS steps of publish mode, each safe to repeat after a failure at any point. The version name is
// the idempotency key: our version with our manifest is success, another manifest a conflict.
import type { DocumentVersionInfo, Tag } from '@aws-sdk/client-ssm';
import type { STSClient } from '@aws-sdk/client-sts';
import { ActionError } from '../errors.js';
import type { BuiltFile } from '../package/types.js';
import type { Clients } from './clients.js';
import type { RolloutCtx, SsmCtx, StepCtx } from './context.js';
import { type Created, createVersion } from './create.js';
import { type Identity, whoAmI } from './identity.js';
import { describeDefault, setDefault } from './default.js';
import { deleteVersions, type Hold, makeRoom, pruneAfterPublish, type S3Target } from './lifecycle.js';
import { type SessionOptions, withSession } from './session.js';
import {
  changedAnything,
  noProgress,
  type PruneReport,
  type PublishProgress,
  type SharingReport,
} from './progress.js';
import {
  holdsAll,
  manifestKey,
  type S3Ctx,
  type UploadedFile,
  type UploadTarget,
  uploadAll,
  versionPrefix,
} from './s3.js';
import { type CanaryOptions, canaryHeld, canaryStep, type RolloutOptions, rolloutStep } from './release.js';
import type { CanaryReport, RolloutReport } from './rollout-types.js';
import { ensureSharing, type SharingOptions } from './sharing.js';
import { ensureTags } from './tags.js';
import { verifyStored } from './verify.js';
import { canonicalJson, getVersion, listVersions, sha256Hex, versionConflict } from './versions.js';
import { type FailedPlace, failedVersion, waitForVersion } from './wait.js';

export type { PublishProgress } from './progress.js';

export interface PublishOptions extends SessionOptions {
  name: string;
  version: string;
  /** The built ZIPs (manifest.json is uploaded too, after them, outside their folder). */
  files: readonly BuiltFile[];
  manifestPath: string;
  manifestBytes: Buffer;
  bucket: string;
  prefix: string;
  setDefault: boolean;
  onExistingVersion: 'skip-if-identical' | 'fail';
  tags: Tag[];
  /** How long to wait for the new version to become Active. */
  waitTimeoutMs: number;
  /** The longest pause between two status polls. */
  maxPollDelayMs: number;
  /** Timeout of each request (uploads get 1 ms more per KiB). */
  requestTimeoutMs: number;
  /** Filled in as AWS changes, so that a run that fails part-way still says what it changed. */
  progress?: PublishProgress | undefined;
  /** ZIPs uploaded at a time (default 4). */
  uploadConcurrency?: number | undefined;
  /** keep-versions / prune-dry-run / prune-s3; undefined: no pruning. */
  prune?: { keep: number; dryRun: boolean; s3: boolean } | undefined;
  /** share-with-accounts / shared-version / unshare-accounts; undefined: sharing is left as it is. */
  sharing?: SharingOptions | undefined;
  /** canary-targets: install the new version on a canary group before the default moves. */
  canary?: CanaryOptions | undefined;
  /** start-associations (with set-default): start the associations that follow the default, then follow them. */
  rollout?: RolloutOptions | undefined;
}

export interface PublishResult {
  documentName: string;
  documentArn: string;
  documentVersion: string;
  versionName: string;
  /** The default version after this run. */
  defaultVersion: string;
  /** The default version before this run; undefined when this run created the document. */
  previousDefaultVersion: string | undefined;
  status: string;
  /** This run changed something in AWS: uploaded an object, created the version, moved the default or changed tags. */
  changed: boolean;
  /** This run created the version (also when the answer to its request was lost and the read-back found it). */
  versionCreated: boolean;
  /** This run created the document (with its first version). */
  documentCreated: boolean;
  /** This run moved the default version (or created the document, whose first version is the default). */
  defaultChanged: boolean;
  /** Tag keys this run added or updated. */
  tagsChanged: string[];
  /** How many objects this run uploaded (the others were already there with the same sha256). */
  uploaded: number;
  /**
   * The folder holding the version's files (its SourceUrl). For a version published before, the folder
   * of this run's bucket and prefix when it holds them all, else empty (see `notices`).
   */
  s3Uri: string;
  uploads: UploadedFile[];
  consoleUrl: string | undefined;
  /** What the user should know although nothing failed, one sentence pair each. */
  notices?: string[];
  /** keep-versions: what pruning deleted (or, with prune-dry-run, would delete); undefined without it. */
  pruned?: PruneReport | undefined;
  /** share-with-accounts / unshare-accounts: what sharing did and who has access now; undefined without them. */
  sharing?: SharingReport | undefined;
  /** canary-targets: the canary group's results. */
  canary?: CanaryReport | undefined;
  /** start-associations: the associations started and, with wait-for-rollout, how their targets ended. */
  rollout?: RolloutReport | undefined;
}

export async function publish(o: PublishOptions): Promise<PublishResult> {
  return withSession(
    o,
    'Re-run: publishing resumes where it stopped. If the run needs more time, raise timeout-seconds.',
    (clients, ctx) => run(o, clients, ctx),
  );
}

async function identify(o: PublishOptions, sts: STSClient, ctx: StepCtx): Promise<Identity> {
  const id = await whoAmI(sts, ctx, o.region, o.name);
  o.log(`Publishing as ${id.caller} to ${o.region}`);
  return id;
}

/** What this run found before changing anything. */
interface Found {
  /** The document exists. */
  exists: boolean;
  /** Its default version then. */
  defaultVersion: string | undefined;
  /** Our version, already published with our manifest. */
  published: string | undefined;
  /** Every version then, oldest first (empty when the document does not exist). */
  versions: DocumentVersionInfo[];
}

async function lookUp(o: PublishOptions, ctx: SsmCtx, canonical: string): Promise<Found> {
  const versions = await listVersions(ctx);
  const defaultVersion = versions?.find((v) => v.IsDefaultVersion)?.DocumentVersion;
  const found: Found = {
    exists: versions !== undefined,
    defaultVersion,
    published: undefined,
    versions: versions ?? [],
  };
  if (!versions?.some((v) => v.VersionName === o.version)) return found;
  const stored = await getVersion(ctx, { versionName: o.version });
  if (!stored) {
    throw new ActionError('conflict', `Version ${o.version} of ${o.name} is listed but cannot be read.`, {
      hint: 'It was probably deleted meanwhile: re-run.',
    });
  }
  const content = o.manifestBytes.toString('utf8');
  if (canonicalJson(stored.content ?? '') !== canonical)
    throw versionConflict(o.name, o.version, stored, content);
  if (o.onExistingVersion === 'fail') {
    throw new ActionError(
      'conflict',
      `Version ${o.version} of ${o.name} is already published (document version ${stored.documentVersion}, same manifest) and on-existing-version is fail.`,
      { hint: 'Bump the version, or set on-existing-version: skip-if-identical to accept a re-run.' },
    );
  }
  o.log(
    `Version ${o.version} is already published as document version ${stored.documentVersion} with this manifest (sha256 ${sha256Hex(o.manifestBytes)}): nothing to create.`,
  );
  return { ...found, published: stored.documentVersion };
}

const s3CtxOf = (o: PublishOptions, clients: Clients, ctx: SsmCtx): S3Ctx => ({
  ...ctx,
  s3: clients.s3,
  bucket: o.bucket,
  putTimeoutMs: (size: number) => o.requestTimeoutMs + Math.ceil(size / 1024),
});

/** Steps 2 and 3: upload (skipping what is there), then create the version. */
async function uploadAndCreate(
  o: PublishOptions,
  clients: Clients,
  ctx: SsmCtx,
  found: Found,
  canonical: string,
  progress: PublishProgress,
): Promise<{ uploads: UploadedFile[]; created: Created; s3Uri: string }> {
  const keyPrefix = versionPrefix(o.prefix, o.name, o.version);
  const s3Uri = `s3://${o.bucket}/${keyPrefix}`;
  const zips: UploadTarget[] = o.files.map((f) => ({
    name: f.name,
    path: f.path,
    size: f.size,
    sha256: f.sha256,
    key: `${keyPrefix}/${f.name}`,
  }));
  const manifest: UploadTarget = {
    name: 'manifest.json',
    path: o.manifestPath,
    size: o.manifestBytes.length,
    sha256: sha256Hex(o.manifestBytes),
    key: manifestKey(o.prefix, o.name, o.version),
  };
  progress.s3Uri = s3Uri;
  const s3Ctx: S3Ctx = {
    ...s3CtxOf(o, clients, ctx),
    stored: (u: UploadedFile) => {
      if (u.action === 'uploaded') progress.uploaded++;
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

async function run(o: PublishOptions, clients: Clients, base: StepCtx): Promise<PublishResult> {
  const ctx: SsmCtx = { ...base, ssm: clients.ssm, name: o.name };
  const canonical = canonicalJson(o.manifestBytes.toString('utf8'));
  if (canonical === undefined) throw new Error('publish() was given a manifest that is not JSON');
  const progress = o.progress ?? noProgress();
  const identity = await identify(o, clients.sts, ctx);
  // 1. What does SSM hold? Our version name decides everything.
  const found = await lookUp(o, ctx, canonical);
  const s3Target: S3Target | undefined = o.prune?.s3
    ? { s3: clients.s3, bucket: o.bucket, prefix: o.prefix }
    : undefined;
  const pruned = (): PruneReport =>
    (progress.pruned ??= { dryRun: o.prune?.dryRun ?? false, deleted: [], kept: [], s3Deleted: [] });
  // 1b. The version limit, before anything is uploaded (keep-versions may first delete the minimum).
  if (found.published === undefined && found.exists) {
    const room = await makeRoom(ctx, { versions: found.versions, versionName: o.version, prune: o.prune });
    if (room.length) await deleteVersions(ctx, room, pruned(), s3Target);
  }
  // 2, 3. Upload and create, unless the version is already there.
  const made =
    found.published === undefined
      ? await uploadAndCreate(o, clients, ctx, found, canonical, progress)
      : undefined;
  const documentVersion = made?.created.documentVersion ?? found.published!;
  progress.documentVersion = documentVersion;
  progress.previousDefaultVersion = progress.documentCreated ? undefined : found.defaultVersion;
  const notices: string[] = [];
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
    notices.push(
      `SSM attached ${verified.extra.length === 1 ? 'a file' : 'files'} the manifest does not list: ${verified.extra.join(', ')} (other objects in the version's S3 folder). The listed files are as built, and the agent installs only those; keep the folder to the built files to avoid this.`,
    );
  }
  if (!made) progress.s3Uri = await storedFolder(o, clients, ctx, notices);
  // 6. Tags, then the default version (only now that the version is Active).
  if (!made?.created.tagsSet) {
    const tagged = await ensureTags(ctx, o.tags);
    if (tagged.length) o.log(`Tagged ${o.name}: ${tagged.join(', ')}`);
    if (!progress.documentCreated) progress.tagsChanged = tagged;
  }
  const rctx: RolloutCtx = { ...ctx, ssmOnce: clients.ssmOnce, documentArn: identity.arn };
  // 6a. The canary group installs this version (pinned) before the default moves; a failure stops here.
  // A new document's first version is its default from the start.
  if (progress.documentCreated) progress.defaultVersion = documentVersion;
  // A re-run after the default already moved to this version does not install it on the canaries again.
  if (o.canary && !made && found.defaultVersion === documentVersion)
    notices.push(
      `canary-targets: ${o.version} (document version ${documentVersion}) is already the default version, so the canary group was not run again.`,
    );
  else if (o.canary)
    await canaryStep(
      rctx,
      o.canary,
      { versionName: o.version, documentVersion },
      progress,
      progress.documentCreated,
    );
  const moved = o.setDefault ? await setDefault(ctx, documentVersion) : undefined;
  if (moved?.changed) {
    progress.defaultChanged = true;
    progress.previousDefaultVersion = moved.previous;
  }
  if (moved?.kept) {
    const k = moved.kept;
    notices.push(
      `set-default: the default version stays ${k.documentVersion} (${k.versionName ?? 'no version name'}), which is newer than document version ${documentVersion} (${o.version}); publish never moves the default back to an older version. To roll back to ${o.version} deliberately, use a promote/rollback step: aws ssm update-document-default-version --name ${o.name} --document-version ${documentVersion}, or the Systems Manager console.`,
    );
  }
  progress.defaultVersion = moved
    ? (moved.kept?.documentVersion ?? documentVersion)
    : (await describeDefault(ctx)).defaultVersion;
  // 6b. Sharing with other accounts (they install by the document ARN), now that the version is Active.
  if (o.sharing) {
    progress.sharing = {
      added: [],
      removed: [],
      sharedVersion: o.sharing.sharedVersion,
      accounts: [],
      public: false,
    };
    await ensureSharing(ctx, o.sharing, progress.sharing);
  }
  // 7. keep-versions, now that the publish succeeded (a failure here fails the step; the version stays published).
  if (o.prune) {
    const held: Hold[] =
      moved?.changed && moved.previous !== documentVersion
        ? [
            {
              documentVersion: moved.previous,
              reason: 'the previous default version (what a rollback returns to)',
            },
          ]
        : [];
    const versions = (await listVersions(ctx)) ?? [];
    held.push(...(await canaryHeld(ctx, versions)));
    await pruneAfterPublish(
      ctx,
      {
        keep: o.prune.keep,
        dryRun: o.prune.dryRun,
        published: documentVersion,
        versions,
        held,
        s3: s3Target,
      },
      pruned(),
    );
  }
  // 8. The fleet: start the associations that follow the default (now this version) and follow them.
  if (o.rollout && o.setDefault) await rolloutStep(rctx, o.rollout, progress);
  for (const n of notices) o.log(`Notice: ${n}`);
  const uploads = made?.uploads ?? [];
  return {
    documentName: o.name,
    documentArn: identity.arn,
    documentVersion,
    versionName: o.version,
    defaultVersion: progress.defaultVersion ?? documentVersion,
    previousDefaultVersion: progress.previousDefaultVersion,
    status: waited.status,
    changed: changedAnything(progress),
    versionCreated: progress.versionCreated,
    documentCreated: progress.documentCreated,
    defaultChanged: progress.defaultChanged,
    tagsChanged: progress.tagsChanged,
    uploaded: uploads.filter((u) => u.action === 'uploaded').length,
    s3Uri: progress.s3Uri ?? '',
    uploads,
    consoleUrl:
      identity.partition === 'aws'
        ? `https://${o.region}.console.aws.amazon.com/systems-manager/documents/${encodeURIComponent(o.name)}/description?region=${o.region}`
        : undefined,
    notices,
    ...(progress.pruned ? { pruned: progress.pruned } : {}),
    ...(progress.sharing ? { sharing: progress.sharing } : {}),
    ...(progress.canary ? { canary: progress.canary } : {}),
    ...(progress.rollout ? { rollout: progress.rollout } : {}),
  };
}

/** Where a failed version stands (best effort: without the list, the hint names the usual delete). */
async function placeOf(ctx: SsmCtx, documentVersion: string): Promise<FailedPlace | undefined> {
  const versions = await listVersions(ctx).catch(() => undefined);
  if (!versions) return undefined;
  const isDefault = versions.some((v) => v.DocumentVersion === documentVersion && v.IsDefaultVersion);
  return { only: versions.length === 1 && versions[0]?.DocumentVersion === documentVersion, isDefault };
}

/**
 * The S3 folder of a version published before: SSM does not say which SourceUrl a version came from,
 * so the folder this run's inputs name counts only when it holds every file with its sha256.
 */
async function storedFolder(
  o: PublishOptions,
  clients: Clients,
  ctx: SsmCtx,
  notices: string[],
): Promise<string> {
  const keyPrefix = versionPrefix(o.prefix, o.name, o.version);
  const uri = `s3://${o.bucket}/${keyPrefix}`;
  const holds = await holdsAll(s3CtxOf(o, clients, ctx), keyPrefix, o.files);
  if (holds) return uri;
  const why =
    holds === false
      ? `${uri}/ does not hold its files (it was published from another s3-bucket or s3-prefix, or they were deleted since)`
      : `${uri}/ could not be checked for its files`;
  notices.push(
    `Version ${o.version} was already published, but ${why}, so the s3-uri output is empty. Nothing needs uploading: SSM keeps its own copy of a version's files.`,
  );
  return '';
}
