// The AWS steps of mode: promote: read the versions and the default, choose the target (a version name,
// or for a rollback the previous default this action recorded, else the version history), refuse one
// that is not Active, move the default, read it back and record where it was. SSM only: no S3, no STS.
import type { DocumentVersionInfo } from '@aws-sdk/client-ssm';
import { ActionError } from '../errors.js';
import { serverText } from './aws-error.js';
import type { SsmCtx } from './context.js';
import {
  type DefaultInfo,
  describeDefault,
  moveDefault,
  ROLLBACK_TAGS,
  rollbackRecord,
  type VersionRef,
} from './default.js';
import type { Clients } from './clients.js';
import type { RolloutCtx } from './context.js';
import { whoAmI } from './identity.js';
import {
  type CanaryOptions,
  canaryStep,
  type ReleaseProgress,
  type RolloutOptions,
  rolloutStep,
} from './release.js';
import type { CanaryReport, RolloutReport } from './rollout-types.js';
import { type SessionOptions, withSession } from './session.js';
import { listTags } from './tags.js';
import { listVersions } from './versions.js';

export type { VersionRef } from './default.js';

export interface PromoteOptions extends SessionOptions {
  name: string;
  target: { versionName: string } | { rollback: true };
  /** Filled in as the run learns and changes things, so a failure still says where the default stood. */
  progress?: PromoteProgress | undefined;
  /** canary-targets: install the target version on a canary group before the default moves. */
  canary?: CanaryOptions | undefined;
  /** start-associations: start the associations that follow the default, then follow them. */
  rollout?: RolloutOptions | undefined;
}

/** How the target was chosen: named by `version`, the recorded previous default, or the version history. */
export type TargetSource = 'version' | 'recorded' | 'history';

export interface PromoteResult {
  documentName: string;
  /** Whether this was `rollback: true`. */
  rollback: boolean;
  target: VersionRef;
  source: TargetSource;
  /** Why this target, in one sentence (for a rollback: which record or which history rule chose it). */
  reason: string;
  /** The default before the run. */
  before: VersionRef;
  /** The default after the run (read back). */
  after: VersionRef;
  /** This run moved the default (false: the target already was the default). */
  changed: boolean;
  /** The rollback record was written to the document tags (false when nothing moved or writing it failed). */
  recorded: boolean;
  notices: string[];
  consoleUrl: string | undefined;
  /** canary-targets: the canary group's results. */
  canary?: CanaryReport | undefined;
  /** start-associations: the associations started and, with wait-for-rollout, how their targets ended. */
  rollout?: RolloutReport | undefined;
}

/** What a promote that failed part-way knew: the default before, and whether it moved. */
export interface PromoteProgress extends ReleaseProgress {
  documentName: string;
  before: VersionRef | undefined;
  target: VersionRef | undefined;
  /** UpdateDocumentDefaultVersion was sent (it may have taken effect even when the run then failed). */
  updateSent: boolean;
  /** The default read back once the move was done (or found already done): a later step may still fail. */
  after?: VersionRef | undefined;
  /** Whether this run moved it (with `after`). */
  changed?: boolean | undefined;
}

/** Version names listed in a not-found message, newest first. */
export const NAMES_LISTED = 20;

export async function promote(o: PromoteOptions): Promise<PromoteResult> {
  return withSession(
    o,
    'Re-run: promote checks where the default is first. If it needs more time, raise timeout-seconds.',
    (clients, ctx) => run(o, { ...ctx, ssm: clients.ssm, name: o.name }, clients),
  );
}

const ref = (v: DocumentVersionInfo): VersionRef => ({
  documentVersion: v.DocumentVersion ?? '',
  versionName: v.VersionName,
});
const refOf = (d: DefaultInfo): VersionRef => ({
  documentVersion: d.defaultVersion,
  versionName: d.defaultVersionName,
});
/** `1.2.0 (document version 7)`, or `document version 7` for a version without a name. */
export const said = (v: VersionRef): string =>
  v.versionName
    ? `${v.versionName} (document version ${v.documentVersion})`
    : `document version ${v.documentVersion}`;

async function run(o: PromoteOptions, ctx: SsmCtx, clients: Clients): Promise<PromoteResult> {
  const progress: PromoteProgress = o.progress ?? {
    documentName: o.name,
    before: undefined,
    target: undefined,
    updateSent: false,
  };
  const versions = await listVersions(ctx);
  if (!versions) {
    throw new ActionError('not-found', `There is no package ${o.name} in ${o.region}.`, {
      hint: 'Check `name` and `region` (or AWS_REGION): promote moves the default of a package that publish created.',
      code: 'InvalidDocument',
    });
  }
  const current = await describeDefault(ctx);
  const before = refOf(current);
  progress.before = before;
  const rollback = 'rollback' in o.target;
  const chosen =
    'versionName' in o.target
      ? byName(o.name, versions, o.target.versionName)
      : await previousDefault(ctx, versions, current);
  const target = chosen.version;
  progress.target = ref(target);
  o.log(`Target: ${said(ref(target))}. ${chosen.reason}`);
  refuseInactive(o.name, target);
  const notices: string[] = [];
  // The document ARN only when a release step needs it (associations may name the package by it).
  const rctx: RolloutCtx | undefined =
    o.canary || o.rollout
      ? {
          ...ctx,
          ssmOnce: clients.ssmOnce,
          documentArn: (await whoAmI(clients.sts, ctx, o.region, o.name)).arn,
        }
      : undefined;
  const isDefault = before.documentVersion === target.DocumentVersion;
  if (o.canary && rctx) {
    if (isDefault)
      notices.push(
        `canary-targets: ${said(ref(target))} is already the default version, so the canary group was not run; the associations that follow the default install it already.`,
      );
    else if (!target.VersionName)
      throw new ActionError(
        'input',
        `${said(ref(target))} has no version name, and AWS-ConfigureAWSPackage installs a pinned version by its name; the canary group was not run and the default was not changed.`,
        {
          hint: 'Promote a version published with a version name (publish always gives one), or remove canary-targets.',
        },
      );
    else
      await canaryStep(
        rctx,
        o.canary,
        { versionName: target.VersionName, documentVersion: target.DocumentVersion ?? '' },
        progress,
      );
  }
  let after = before;
  let changed = false;
  let recorded = false;
  if (isDefault) {
    o.log(`${said(ref(target))} is already the default version of ${o.name}: nothing to change.`);
  } else {
    progress.updateSent = true;
    const moved = await moveDefault(ctx, ref(target), current);
    after = refOf(moved.after);
    changed = moved.changed;
    recorded = moved.changed && moved.recordProblem === undefined;
    if (moved.recordProblem) notices.push(moved.recordProblem);
  }
  progress.after = after;
  progress.changed = changed;
  if (o.rollout && rctx) await rolloutStep(rctx, o.rollout, progress);
  return {
    documentName: o.name,
    rollback,
    target: ref(target),
    source: chosen.source,
    reason: chosen.reason,
    before,
    after,
    changed,
    recorded,
    notices,
    consoleUrl: consoleUrl(o.name, o.region),
    ...(progress.canary ? { canary: progress.canary } : {}),
    ...(progress.rollout ? { rollout: progress.rollout } : {}),
  };
}

function consoleUrl(name: string, region: string): string | undefined {
  if (/^(cn|us-gov|us-iso)/.test(region)) return undefined;
  return `https://${region}.console.aws.amazon.com/systems-manager/documents/${encodeURIComponent(name)}/description?region=${region}`;
}

interface Chosen {
  version: DocumentVersionInfo;
  source: TargetSource;
  reason: string;
}

function byName(name: string, versions: readonly DocumentVersionInfo[], versionName: string): Chosen {
  const v = versions.find((x) => x.VersionName === versionName);
  if (v) return { version: v, source: 'version', reason: 'Named by the `version` input.' };
  const names = versions
    .slice()
    .reverse()
    .map((x) => x.VersionName)
    .filter((n): n is string => n !== undefined);
  const shown = names.slice(0, NAMES_LISTED).map((n) => serverText(n, undefined, 128));
  const more = names.length > shown.length ? `, and ${names.length - shown.length} more` : '';
  const known =
    shown.length > 0
      ? `Its versions, newest first: ${shown.join(', ')}${more}.`
      : 'It has no named versions.';
  throw new ActionError('not-found', `${name} has no version named ${versionName}. ${known}`, {
    hint: 'Set `version` to one of the published version names (publish it first if it is new).',
    code: 'VersionNameNotFound',
  });
}

/**
 * The rollback target: the previous default this action recorded when it last moved the default, if that
 * record still describes the current default and names a version that exists; else the newest Active
 * version older than the current default. The reason says which and why.
 */
async function previousDefault(
  ctx: SsmCtx,
  versions: readonly DocumentVersionInfo[],
  current: DefaultInfo,
): Promise<Chosen> {
  const record = rollbackRecord(await listTags(ctx));
  let why: string;
  if (!record) why = `the document has no rollback record (tag ${ROLLBACK_TAGS.previous})`;
  else if (record.setTo !== undefined && record.setTo !== current.defaultVersion)
    why = `the rollback record is stale: it was written when document version ${record.setTo} became the default, and the default is ${current.defaultVersion} now (moved by something else)`;
  else if (record.previous.documentVersion === current.defaultVersion)
    why = `the recorded previous default is the current default (${current.defaultVersion})`;
  else {
    const v = versions.find((x) => x.DocumentVersion === record.previous.documentVersion);
    if (v)
      return {
        version: v,
        source: 'recorded',
        reason: `Rollback: the previous default, recorded (tag ${ROLLBACK_TAGS.previous}) when document version ${current.defaultVersion} became the default.`,
      };
    why = `the recorded previous default (document version ${record.previous.documentVersion}${record.previous.versionName ? `, ${record.previous.versionName}` : ''}) no longer exists`;
  }
  const n = Number(current.defaultVersion);
  const older = versions.filter((v) => Number(v.DocumentVersion) < n && v.Status === 'Active');
  const pick = older.at(-1);
  if (!pick) {
    throw new ActionError(
      'not-found',
      `Nothing to roll back to: ${why}, and ${ctx.name} has no Active version older than its default, document version ${current.defaultVersion}.`,
      { hint: 'Name the version to make the default with `version` instead of `rollback: true`.' },
    );
  }
  return {
    version: pick,
    source: 'history',
    reason: `Rollback: ${why}, so the target is the newest Active version older than the current default (document version ${current.defaultVersion}).`,
  };
}

/** Only an Active version may become the default: the agent refuses to install any other. */
function refuseInactive(name: string, v: DocumentVersionInfo): void {
  const status = v.Status ?? 'unknown';
  if (status === 'Active') return;
  const info = v.StatusInformation
    ? `: ${serverText(v.StatusInformation).replace(/\.$/, '')}`
    : ' (no StatusInformation)';
  const hint =
    status === 'Creating' || status === 'Updating'
      ? 'AWS is still ingesting it: wait until it is Active (the publish step waits for that), then re-run.'
      : status === 'Failed'
        ? 'A Failed version never becomes Active: publish a fixed version under a new version name and promote that.'
        : 'Promote an Active version.';
  throw new ActionError(
    'conflict',
    `${said(ref(v))} of ${name} is ${status}, not Active${info}. The default was not changed.`,
    { hint, code: `Status${status}` },
  );
}
