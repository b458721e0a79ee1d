// The version lifecycle of a package: the version limit, checked before anything is uploaded, and
// keep-versions pruning. planPrune() is pure (the property test drives it); the rest reads what SSM holds
// (versions, the associations that pin a version) and deletes by document version, reading back after any
// answer that leaves the outcome open.
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  DeleteDocumentCommand,
  type DocumentVersionInfo,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-ssm';
import { ActionError, errorText } from '../errors.js';
import { awsError, errorCode, isAmbiguous, sdkAttempts, serverText } from './aws-error.js';
import { type SsmCtx, ssmError, whileBusy } from './context.js';
import { findAssociations, namesPackage } from './associations.js';
import { rollbackRecord } from './default.js';
import type { PruneReport, PrunedVersion } from './progress.js';
import { manifestKey, versionPrefix } from './s3.js';
import { getVersion } from './versions.js';

/**
 * Versions a package may hold: "Each package is held to a maximum of 25 versions" (the Distributor user
 * guide). The general SSM document quota is higher (1,000), and which of the two the service enforces for
 * Package documents is not settled (ssm-api.md §6, §12.1), so a document that already holds more than 25
 * versions proves the higher one applies to it: the check then steps aside and the service's
 * DocumentVersionLimitExceeded (create.ts) is the signal.
 */
export const VERSION_LIMIT = 25;

/** The document AWS-ConfigureAWSPackage installs packages with; its associations carry `name` and `version`. */

/** Statuses a version may be deleted in: anything else is still changing (Creating, Updating, Deleting). */
const DELETABLE_STATUS: ReadonlySet<string> = new Set(['Active', 'Failed']);

// ====================================================================== the plan (pure)

export interface PlanVersion {
  documentVersion: string;
  versionName?: string | undefined;
  status?: string | undefined;
  isDefault: boolean;
}

/** An association that pins a version of this package (its `version` parameter: a version name or number). */
export interface Pin {
  associationId: string;
  version: string;
}

/** A version something else holds for its own reason (the previous default; a running canary, later). */
export interface Hold {
  documentVersion: string;
  reason: string;
}

export interface PlanInput {
  versions: readonly PlanVersion[];
  /** Keep at most this many versions (≥ 0; the protected ones count). */
  keep: number;
  /** The version this run published: never deleted. */
  published?: string | undefined;
  pins: readonly Pin[];
  /**
   * Versions held for other reasons: those a Run Command of AWS-ConfigureAWSPackage is installing right now
   * (a canary in progress), and the default publish moved away from (the rollback target).
   */
  held?: readonly Hold[] | undefined;
}

export interface PrunePlan {
  /** What to delete, oldest first. */
  delete: PrunedVersion[];
  /** Every other version, oldest first, and why it stays. */
  kept: (PrunedVersion & { reason: string })[];
  /** How many versions beyond `keep` remain because they are protected (0 when `keep` is reached). */
  short: number;
}

const num = (v: string) => (/^\d+$/.test(v) ? Number(v) : Number.POSITIVE_INFINITY);

const named = (v: PlanVersion): PrunedVersion =>
  v.versionName === undefined
    ? { documentVersion: v.documentVersion }
    : { documentVersion: v.documentVersion, versionName: v.versionName };

/** Why `v` may never be deleted, or an empty list. */
export function protections(v: PlanVersion, input: PlanInput): string[] {
  const why: string[] = [];
  if (v.isDefault) why.push('the default version');
  if (input.published !== undefined && v.documentVersion === input.published)
    why.push('the version this run published');
  const pins = input.pins
    .filter(
      (p) => p.version === v.documentVersion || (v.versionName !== undefined && p.version === v.versionName),
    )
    .map((p) => p.associationId);
  if (pins.length) {
    const ids = [...new Set(pins)].sort();
    why.push(`pinned by association${ids.length > 1 ? 's' : ''} ${ids.join(', ')}`);
  }
  if (!DELETABLE_STATUS.has(v.status ?? 'Active')) why.push(`status ${v.status} (still changing)`);
  for (const h of input.held ?? []) if (h.documentVersion === v.documentVersion) why.push(h.reason);
  return why;
}

/**
 * Which versions keep-versions deletes: as many as the versions beyond `keep`, the oldest first, skipping
 * every protected one (the default, the one just published, any an association pins, any not Active or
 * Failed, any held). Protected versions count toward `keep`; when too few can be deleted, all that can be
 * are, and `short` says how many over `keep` remain. The order of `versions` does not matter.
 */
export function planPrune(input: PlanInput): PrunePlan {
  const seen = new Set<string>();
  const versions = [...input.versions]
    .sort(
      (a, b) =>
        num(a.documentVersion) - num(b.documentVersion) || (a.documentVersion < b.documentVersion ? -1 : 1),
    )
    .filter((v) => !seen.has(v.documentVersion) && seen.add(v.documentVersion));
  const keep = Math.max(0, Math.floor(input.keep));
  let excess = Math.max(0, versions.length - keep);
  const plan: PrunePlan = { delete: [], kept: [], short: 0 };
  for (const v of versions) {
    const why = protections(v, input);
    if (excess > 0 && why.length === 0) {
      plan.delete.push(named(v));
      excess--;
    } else {
      plan.kept.push({ ...named(v), reason: why.length ? why.join('; ') : `within keep-versions (${keep})` });
    }
  }
  plan.short = excess;
  return plan;
}

export const planVersions = (list: readonly DocumentVersionInfo[]): PlanVersion[] =>
  list.map((v) => ({
    documentVersion: v.DocumentVersion ?? '',
    versionName: v.VersionName,
    status: v.Status,
    isDefault: v.IsDefaultVersion === true,
  }));

const label = (v: PrunedVersion) =>
  `${v.documentVersion}${v.versionName === undefined ? '' : ` (${v.versionName})`}`;

/** The AWS CLI command that deletes one version. */
export const deleteCommand = (name: string, v: PrunedVersion): string =>
  v.versionName === undefined
    ? `aws ssm delete-document --name ${name} --document-version ${v.documentVersion}`
    : `aws ssm delete-document --name ${name} --version-name ${v.versionName}`;

// ====================================================================== associations

/** The associations that pin a version of this package (by name, or an ARN ending in it): pruning keeps those versions. */
export async function readPins(ctx: SsmCtx): Promise<Pin[]> {
  const found = await findAssociations(ctx, (n) => namesPackage(n.trim(), ctx.name));
  return found.pinned.map((p) => ({ associationId: p.associationId, version: p.version }));
}

// ====================================================================== the limit, before the upload

export interface RoomInput {
  versions: readonly DocumentVersionInfo[];
  versionName: string;
  prune: { keep: number; dryRun: boolean; s3: boolean } | undefined;
  limit?: number;
}

/**
 * Before anything is uploaded: whether the new version fits under the limit. Returns the versions to
 * delete first (keep-versions set, not a dry run: the minimum that makes room, among the deletable
 * oldest), or throws a `limit` ActionError with the count and the fix.
 */
export async function makeRoom(ctx: SsmCtx, input: RoomInput): Promise<PrunedVersion[]> {
  const limit = input.limit ?? VERSION_LIMIT;
  const count = input.versions.length;
  if (count < limit) return [];
  if (count > limit) {
    ctx.log(
      `${ctx.name} holds ${count} versions, more than the ${limit} the Distributor guide allows a package: the higher SSM quota applies to it, so SSM decides.`,
    );
    return [];
  }
  const versions = planVersions(input.versions);
  const head = `${ctx.name} holds ${count} versions, the most SSM allows a package (${limit}); publishing ${input.versionName} would make ${count + 1}. Nothing was uploaded.`;
  const need = count + 1 - limit;
  if (!input.prune) {
    const candidates = planPrune({ versions, keep: limit - need, pins: [] }).delete;
    const commands = candidates.map((v) => deleteCommand(ctx.name, v)).join('; ');
    throw new ActionError('limit', head, {
      hint: candidates.length
        ? `Set keep-versions (e.g. keep-versions: ${limit - 5}) to delete the oldest versions (never the default or a pinned one), or delete the oldest yourself after checking that no association pins it: ${commands}. Then re-run.`
        : 'Every version is the default or still changing: wait for them to end, move the default, then delete old versions (aws ssm delete-document --name <name> --version-name <old>) and re-run.',
      code: 'version-limit',
    });
  }
  const pins = await readPins(ctx);
  const plan = planPrune({ versions, keep: limit - need, pins });
  if (plan.delete.length < need) {
    const why = plan.kept.map((k) => `${label(k)}: ${k.reason}`).join('; ');
    throw new ActionError(
      'limit',
      `${head} keep-versions cannot make room: no version can be deleted (${why}).`,
      {
        hint: 'Unpin an old version (the version parameter of its AWS-ConfigureAWSPackage association) or wait for versions still changing, then re-run.',
        code: 'version-limit',
      },
    );
  }
  if (input.prune.dryRun) {
    const list = plan.delete.map(label).join(', ');
    throw new ActionError(
      'limit',
      `${head} With prune-dry-run nothing is deleted; keep-versions would first delete document version ${list}.`,
      {
        hint: `Run without prune-dry-run to let keep-versions make room, or delete it yourself: ${plan.delete.map((v) => deleteCommand(ctx.name, v)).join('; ')}. Then re-run.`,
        code: 'version-limit',
      },
    );
  }
  ctx.log(
    `${ctx.name} holds ${count} of ${limit} versions: keep-versions deletes document version ${plan.delete.map(label).join(', ')} first, to make room`,
  );
  return plan.delete;
}

// ====================================================================== deleting

export interface S3Target {
  s3: S3Client;
  bucket: string;
  prefix: string;
}

/** The S3 keys this action wrote for a version: its manifest's files in its folder, and its manifest. */
export async function versionKeys(ctx: SsmCtx, v: PrunedVersion, prefix: string): Promise<string[]> {
  if (v.versionName === undefined) return [];
  const stored = await getVersion(ctx, { documentVersion: v.documentVersion });
  if (!stored) return [];
  let files: string[];
  try {
    const doc = JSON.parse(stored.content ?? '') as { files?: unknown };
    if (!doc.files || typeof doc.files !== 'object' || Array.isArray(doc.files)) throw new Error('no files');
    files = Object.keys(doc.files);
  } catch {
    ctx.log(`Version ${label(v)}: its manifest cannot be read, so its S3 objects are left alone`);
    return [];
  }
  const folder = versionPrefix(prefix, ctx.name, v.versionName);
  return [
    ...files.filter((f) => /^[a-zA-Z0-9_\-.]{3,128}$/.test(f)).map((f) => `${folder}/${f}`),
    manifestKey(prefix, ctx.name, v.versionName),
  ];
}

/** Deletes one version by number. `undefined`: it is gone; a string: SSM refused, and why (it stays). */
async function deleteVersion(ctx: SsmCtx, v: PrunedVersion): Promise<string | undefined> {
  const call = { action: 'ssm:DeleteDocument', subject: ctx.name };
  try {
    await whileBusy(ctx, call, () =>
      ctx.ssm.send(new DeleteDocumentCommand({ Name: ctx.name, DocumentVersion: v.documentVersion }), {
        abortSignal: ctx.signal,
      }),
    );
    return undefined;
  } catch (e) {
    if (ctx.signal.aborted) throw ssmError(ctx, 'DeleteDocument', e);
    const code = errorCode(e);
    // The service's protections (the default version, a shared document, installed nodes): it stays.
    if (code === 'InvalidDocumentOperation' || code === 'AssociatedInstances')
      return `SSM refused to delete it: ${code}: ${serverText(errorText(e))}`;
    // A lost answer, or an answer to a retry of a call that may have committed: what SSM holds decides.
    if (isAmbiguous(e) || sdkAttempts(e) > 1 || code === 'InvalidDocumentVersion') {
      const still = await getVersion(ctx, { documentVersion: v.documentVersion });
      if (!still) return undefined;
    }
    throw ssmError(ctx, 'DeleteDocument', e);
  }
}

async function deleteObject(ctx: SsmCtx, t: S3Target, key: string): Promise<void> {
  try {
    await t.s3.send(new DeleteObjectCommand({ Bucket: t.bucket, Key: key }), { abortSignal: ctx.signal });
  } catch (e) {
    throw awsError(e, { action: 's3:DeleteObject', subject: `s3://${t.bucket}/${key}` });
  }
}

/**
 * Deletes `versions` oldest first (or, dry, only lists them), each one's S3 objects after it (prune-s3),
 * recording each step in `report` as it happens.
 */
export async function deleteVersions(
  ctx: SsmCtx,
  versions: readonly PrunedVersion[],
  report: PruneReport,
  s3: S3Target | undefined,
): Promise<void> {
  for (const v of versions) {
    const keys = s3 ? await versionKeys(ctx, v, s3.prefix) : [];
    if (report.dryRun) {
      report.deleted.push(v);
      report.s3Deleted.push(...keys);
      continue;
    }
    const refused = await deleteVersion(ctx, v);
    if (refused !== undefined) {
      ctx.log(`Kept version ${label(v)}: ${refused}`);
      report.kept.push({ ...v, reason: refused });
      continue;
    }
    report.deleted.push(v);
    ctx.log(`Deleted version ${label(v)} of ${ctx.name}`);
    for (const key of keys) {
      await deleteObject(ctx, s3!, key);
      report.s3Deleted.push(key);
      ctx.log(`✗ s3://${s3!.bucket}/${key}`);
    }
  }
}

// ====================================================================== after the publish

export interface PruneInput {
  keep: number;
  dryRun: boolean;
  /** The version this run published. */
  published: string;
  versions: readonly DocumentVersionInfo[];
  held: readonly Hold[];
  s3: S3Target | undefined;
}

/** The previous default recorded in the document's tags (promote's rollback target), held from pruning. */
async function rollbackHold(ctx: SsmCtx): Promise<Hold[]> {
  try {
    const r = await ctx.ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: ctx.name }),
      { abortSignal: ctx.signal },
    );
    const rec = rollbackRecord(r.TagList ?? []);
    return rec
      ? [
          {
            documentVersion: rec.previous.documentVersion,
            reason: 'the recorded previous default (rollback target)',
          },
        ]
      : [];
  } catch (e) {
    throw ssmError(ctx, 'ListTagsForResource', e);
  }
}

/** keep-versions after a successful publish: plan against what SSM holds now, then delete (unless dry). */
export async function pruneAfterPublish(ctx: SsmCtx, input: PruneInput, report: PruneReport): Promise<void> {
  const pins = await readPins(ctx);
  const held = [...input.held, ...(await rollbackHold(ctx))];
  const plan = planPrune({
    versions: planVersions(input.versions),
    keep: input.keep,
    published: input.published,
    pins,
    held,
  });
  report.kept = plan.kept;
  if (plan.delete.length === 0) {
    ctx.log(
      `keep-versions ${input.keep}: ${ctx.name} holds ${input.versions.length} versions; nothing to delete`,
    );
  } else {
    ctx.log(
      `keep-versions ${input.keep}: ${input.dryRun ? 'would delete' : 'deleting'} document version ${plan.delete.map(label).join(', ')} of ${ctx.name}`,
    );
  }
  if (plan.short > 0)
    ctx.log(`keep-versions ${input.keep}: ${plan.short} more versions stay, as they are protected`);
  await deleteVersions(ctx, plan.delete, report, input.s3);
}
