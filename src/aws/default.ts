// The document's default version: read it, move it (read back, so a lost answer or another writer is
// noticed) and record where it was in the document tags, for a rollback. publish's set-default never
// moves it back to an older version; promote moves it wherever it is asked to.
import { DescribeDocumentCommand, type Tag, UpdateDocumentDefaultVersionCommand } from '@aws-sdk/client-ssm';
import { ActionError, toActionError } from '../errors.js';
import { isAmbiguous } from './aws-error.js';
import { type SsmCtx, ssmError, whileBusy } from './context.js';
import { ensureTags } from './tags.js';

export interface DefaultInfo {
  defaultVersion: string;
  /** The default version's version name (DescribeDocument without a version describes the default). */
  defaultVersionName: string | undefined;
  latestVersion: string;
}

export async function describeDefault(ctx: SsmCtx): Promise<DefaultInfo> {
  try {
    const r = await ctx.ssm.send(new DescribeDocumentCommand({ Name: ctx.name }), {
      abortSignal: ctx.signal,
    });
    return {
      defaultVersion: r.Document?.DefaultVersion ?? '',
      defaultVersionName: r.Document?.VersionName,
      latestVersion: r.Document?.LatestVersion ?? '',
    };
  } catch (e) {
    throw ssmError(ctx, 'DescribeDocument', e);
  }
}

/** The tags by which this action remembers, on the document, where the default was before it moved it. */
export const ROLLBACK_TAGS = {
  /** Document version of the default before the move. */
  previous: 'distributor:previous-default',
  /** Its version name (empty when it has none). */
  previousName: 'distributor:previous-default-name',
  /** The version the move made the default: a record whose default has moved on since is stale. */
  setTo: 'distributor:default-set-to',
} as const;

/** One version, as the default-version steps name it. */
export interface VersionRef {
  documentVersion: string;
  versionName: string | undefined;
}

/** What the rollback record in the tags says, if the document holds one. */
export interface RollbackRecord {
  previous: VersionRef;
  /** The version that then became the default (undefined for a record without it). */
  setTo: string | undefined;
}

/** The rollback record among a document's tags. */
export function rollbackRecord(tags: readonly Tag[]): RollbackRecord | undefined {
  const get = (k: string) => tags.find((t) => t.Key === k)?.Value;
  const previous = get(ROLLBACK_TAGS.previous);
  if (!previous || !/^[1-9]\d*$/.test(previous)) return undefined;
  return {
    previous: { documentVersion: previous, versionName: get(ROLLBACK_TAGS.previousName) || undefined },
    setTo: get(ROLLBACK_TAGS.setTo) || undefined,
  };
}

export interface Moved {
  /** Whether this call moved the default (false: `to` already was the default). */
  changed: boolean;
  /** The default after the move, as read back. */
  after: DefaultInfo;
  /** Set when the rollback record could not be written: why, and what that means (the move itself stands). */
  recordProblem?: string | undefined;
}

/**
 * Moves the default from `before` to `to` (any version, older or newer: the caller decides), reads it
 * back, and records `before` in the document tags for a later rollback. A lost answer of the update is
 * settled by the read-back; a default that is not `to` after it means another writer moved it (conflict).
 */
export async function moveDefault(ctx: SsmCtx, to: VersionRef, before: DefaultInfo): Promise<Moved> {
  if (before.defaultVersion === to.documentVersion) return { changed: false, after: before };
  const call = { action: 'ssm:UpdateDocumentDefaultVersion', subject: ctx.name };
  try {
    await whileBusy(ctx, call, () =>
      ctx.ssm.send(
        new UpdateDocumentDefaultVersionCommand({ Name: ctx.name, DocumentVersion: to.documentVersion }),
        { abortSignal: ctx.signal },
      ),
    );
  } catch (e) {
    // A lost answer after the change: the read-back below decides.
    if (!isAmbiguous(e) || ctx.signal.aborted) throw ssmError(ctx, 'UpdateDocumentDefaultVersion', e);
  }
  const after = await describeDefault(ctx);
  if (after.defaultVersion !== to.documentVersion) {
    throw new ActionError(
      'conflict',
      `The default version of ${ctx.name} is ${after.defaultVersion} (${after.defaultVersionName ?? 'no version name'}) right after setting it to ${to.documentVersion} (${to.versionName ?? 'no version name'}): another writer changed it.`,
      {
        hint: "Let one release pipeline at a time move the default (the workflow's concurrency group), check which version should be the default, then re-run.",
      },
    );
  }
  ctx.log(
    `Default version of ${ctx.name}: ${before.defaultVersion} (${before.defaultVersionName ?? 'no version name'}) → ${to.documentVersion} (${after.defaultVersionName ?? to.versionName ?? 'no version name'})`,
  );
  const recordProblem = await recordPrevious(ctx, before, to.documentVersion);
  return { changed: true, after, recordProblem };
}

/** Writes the rollback record; a failure is returned as a sentence (the default has moved already). */
async function recordPrevious(ctx: SsmCtx, before: DefaultInfo, setTo: string): Promise<string | undefined> {
  const tags: Tag[] = [
    { Key: ROLLBACK_TAGS.previous, Value: before.defaultVersion },
    { Key: ROLLBACK_TAGS.previousName, Value: before.defaultVersionName ?? '' },
    { Key: ROLLBACK_TAGS.setTo, Value: setTo },
  ];
  try {
    await ensureTags(ctx, tags);
    return undefined;
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    const err = toActionError(e);
    const problem =
      `The default moved, but the previous default (${before.defaultVersion}) could not be recorded in the document tags (${err.message.replace(/\.$/, '')}), so a later \`rollback: true\` falls back to the version history. ${err.hint ?? ''}`.trim();
    ctx.log(`Notice: ${problem}`);
    return problem;
  }
}

export interface DefaultMoved {
  /** The default before (equal to the version when it already was the default). */
  previous: string;
  /** Whether this call moved it. */
  changed: boolean;
  /** Set when the default is a newer version than `documentVersion`, which it therefore stays. */
  kept?: { documentVersion: string; versionName: string | undefined };
  /** Set when the rollback record could not be written (see Moved). */
  recordProblem?: string | undefined;
}

/** Document versions are numbered from 1 up; a lower number is an older version. */
const older = (a: string, b: string) => /^\d+$/.test(a) && /^\d+$/.test(b) && Number(a) < Number(b);

/**
 * publish's set-default: makes `documentVersion` the default (only call it for an Active version), reads
 * it back and records the previous default for a rollback, unless the default is a newer version:
 * publish never moves the default back (a re-run of an old release's workflow would roll every host
 * back); that is a deliberate rollback's job (mode: promote).
 */
export async function setDefault(ctx: SsmCtx, documentVersion: string): Promise<DefaultMoved> {
  const before = await describeDefault(ctx);
  if (before.defaultVersion === documentVersion) return { previous: before.defaultVersion, changed: false };
  if (older(documentVersion, before.defaultVersion)) {
    ctx.log(
      `Default version of ${ctx.name} stays ${before.defaultVersion} (${before.defaultVersionName ?? 'no version name'}): it is newer than ${documentVersion}`,
    );
    return {
      previous: before.defaultVersion,
      changed: false,
      kept: { documentVersion: before.defaultVersion, versionName: before.defaultVersionName },
    };
  }
  const moved = await moveDefault(ctx, { documentVersion, versionName: undefined }, before);
  return { previous: before.defaultVersion, changed: moved.changed, recordProblem: moved.recordProblem };
}
