// The document's default version: read it, and move it to a version (read back, so a lost answer or
// another writer is noticed), never back to an older one.
import { DescribeDocumentCommand, UpdateDocumentDefaultVersionCommand } from '@aws-sdk/client-ssm';
import { ActionError } from '../errors.js';
import { isAmbiguous } from './aws-error.js';
import { type SsmCtx, ssmError, whileBusy } from './context.js';

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

export interface DefaultMoved {
  /** The default before (equal to the version when it already was the default). */
  previous: string;
  /** Whether this call moved it. */
  changed: boolean;
  /** Set when the default is a newer version than `documentVersion`, which it therefore stays. */
  kept?: { documentVersion: string; versionName: string | undefined };
}

/** Document versions are numbered from 1 up; a lower number is an older version. */
const older = (a: string, b: string) => /^\d+$/.test(a) && /^\d+$/.test(b) && Number(a) < Number(b);

/**
 * Makes `documentVersion` the default (only call it for an Active version) and reads it back, unless
 * the default is a newer version: publish never moves the default back (a re-run of an old release's
 * workflow would roll every host back); that is a deliberate rollback's job.
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
  const call = { action: 'ssm:UpdateDocumentDefaultVersion', subject: ctx.name };
  try {
    await whileBusy(ctx, call, () =>
      ctx.ssm.send(
        new UpdateDocumentDefaultVersionCommand({ Name: ctx.name, DocumentVersion: documentVersion }),
        {
          abortSignal: ctx.signal,
        },
      ),
    );
  } catch (e) {
    // A lost answer after the change: the read-back below decides.
    if (!isAmbiguous(e) || ctx.signal.aborted) throw ssmError(ctx, 'UpdateDocumentDefaultVersion', e);
  }
  const after = await describeDefault(ctx);
  if (after.defaultVersion !== documentVersion) {
    throw new ActionError(
      'conflict',
      `The default version of ${ctx.name} is ${after.defaultVersion} after setting it to ${documentVersion}: another run changed it.`,
      {
        hint: "Let one release pipeline at a time set the default (the workflow's concurrency group), then re-run.",
      },
    );
  }
  ctx.log(`Default version of ${ctx.name}: ${before.defaultVersion} → ${documentVersion}`);
  return { previous: before.defaultVersion, changed: true };
}
