// Sharing the package with other accounts (ModifyDocumentPermission): read who has access and at which
// shared version, add only the missing accounts (or re-send those at another shared version), in batches
// of 20, and remove only the accounts `unshare-accounts` names. A re-run changes nothing.
import { DescribeDocumentPermissionCommand, ModifyDocumentPermissionCommand } from '@aws-sdk/client-ssm';
import { ActionError } from '../errors.js';
import { isAmbiguous } from './aws-error.js';
import { type SsmCtx, ssmError, whileBusy } from './context.js';
import type { SharingReport } from './progress.js';
import { listVersions } from './versions.js';

/** Accounts per ModifyDocumentPermission call (AccountIdsToAdd / AccountIdsToRemove hold at most 20). */
export const SHARE_BATCH = 20;
/** The SharedDocumentVersion values the API takes. */
export type SharedVersion = '$DEFAULT' | '$LATEST' | '$ALL';

export interface SharingOptions {
  /** 12-digit account ids, or `all` (public). */
  accounts: readonly string[];
  /** `$DEFAULT`, `$LATEST`, `$ALL`, or a version name of the document. */
  sharedVersion: string;
  /** Accounts to remove (or `all`: stop sharing publicly). */
  unshare: readonly string[];
}

/** Who has access now: account id (lowercase `all` for public) → its SharedDocumentVersion. */
export async function describeSharing(ctx: SsmCtx): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let token: string | undefined;
  do {
    let r;
    try {
      r = await ctx.ssm.send(
        new DescribeDocumentPermissionCommand({
          Name: ctx.name,
          PermissionType: 'Share',
          MaxResults: 200,
          NextToken: token,
        }),
        { abortSignal: ctx.signal },
      );
    } catch (e) {
      throw ssmError(ctx, 'DescribeDocumentPermission', e);
    }
    for (const a of r.AccountIds ?? []) if (!out.has(a.toLowerCase())) out.set(a.toLowerCase(), '$DEFAULT');
    for (const i of r.AccountSharingInfoList ?? [])
      if (i.AccountId) out.set(i.AccountId.toLowerCase(), i.SharedDocumentVersion ?? '$DEFAULT');
    token = r.NextToken || undefined;
  } while (token);
  return out;
}

/**
 * The SharedDocumentVersion for the input: the API shares `$DEFAULT`, `$LATEST` or `$ALL`, never one fixed
 * version, so a version name is shared as `$DEFAULT` or `$LATEST` when it is that version now, else refused.
 */
async function resolveShared(
  ctx: SsmCtx,
  wanted: string,
): Promise<{ value: SharedVersion; documentVersion?: string | undefined }> {
  if (wanted === '$DEFAULT' || wanted === '$LATEST' || wanted === '$ALL') return { value: wanted };
  const versions = (await listVersions(ctx)) ?? [];
  const v = versions.find((x) => x.VersionName === wanted);
  if (!v?.DocumentVersion) {
    throw new ActionError('not-found', `shared-version: ${ctx.name} has no version named ${wanted}.`, {
      hint: 'Set shared-version to $DEFAULT, $LATEST, $ALL or the name of a published version.',
    });
  }
  const n = v.DocumentVersion;
  const latest = String(Math.max(...versions.map((x) => Number(x.DocumentVersion))));
  if (v.IsDefaultVersion) return { value: '$DEFAULT', documentVersion: n };
  if (n === latest) return { value: '$LATEST', documentVersion: n };
  throw new ActionError(
    'input',
    `shared-version: ${wanted} is document version ${n}, neither the default nor the latest version of ${ctx.name}; SSM shares only $DEFAULT, $LATEST or $ALL, not one fixed version.`,
    {
      hint: `Make ${wanted} the default first (set-default, or mode: promote), or share $ALL so other accounts can install document version ${n} by the ARN.`,
    },
  );
}

const batches = <T>(xs: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(xs.length / SHARE_BATCH) }, (_, i) =>
    xs.slice(i * SHARE_BATCH, (i + 1) * SHARE_BATCH),
  );
const apiId = (a: string) => (a.toLowerCase() === 'all' ? 'All' : a);

async function modify(
  ctx: SsmCtx,
  req: { add?: string[]; remove?: string[]; shared?: SharedVersion },
  landed: (now: Map<string, string>) => boolean,
): Promise<void> {
  const call = { action: 'ssm:ModifyDocumentPermission', subject: ctx.name };
  try {
    await whileBusy(ctx, call, () =>
      ctx.ssm.send(
        new ModifyDocumentPermissionCommand({
          Name: ctx.name,
          PermissionType: 'Share',
          ...(req.add ? { AccountIdsToAdd: req.add.map(apiId), SharedDocumentVersion: req.shared } : {}),
          ...(req.remove ? { AccountIdsToRemove: req.remove.map(apiId) } : {}),
        }),
        { abortSignal: ctx.signal },
      ),
    );
  } catch (e) {
    // The answer was lost: who has access now decides.
    if (!isAmbiguous(e) || ctx.signal.aborted) throw ssmError(ctx, 'ModifyDocumentPermission', e);
    if (!landed(await describeSharing(ctx))) throw ssmError(ctx, 'ModifyDocumentPermission', e);
  }
}

/** Shares the document as asked; `report` is filled as it goes (a failure part-way still says). */
export async function ensureSharing(ctx: SsmCtx, o: SharingOptions, report: SharingReport): Promise<void> {
  const shared = await resolveShared(ctx, o.sharedVersion);
  report.sharedVersion = shared.value;
  report.sharedDocumentVersion = shared.documentVersion;
  const now = await describeSharing(ctx);
  const wanted = [...new Set(o.accounts.map((a) => a.toLowerCase()))];
  const add = wanted.filter((a) => now.get(a) !== shared.value);
  const remove = [...new Set(o.unshare.map((a) => a.toLowerCase()))].filter((a) => now.has(a));
  for (const batch of batches(add)) {
    await modify(ctx, { add: batch, shared: shared.value }, (m) =>
      batch.every((a) => m.get(a) === shared.value),
    );
    for (const a of batch) now.set(a, shared.value);
    report.added.push(...batch);
    ctx.log(`Shared ${ctx.name} (${shared.value}) with ${batch.join(', ')}`);
  }
  for (const batch of batches(remove)) {
    await modify(ctx, { remove: batch }, (m) => batch.every((a) => !m.has(a)));
    for (const a of batch) now.delete(a);
    report.removed.push(...batch);
    ctx.log(`Stopped sharing ${ctx.name} with ${batch.join(', ')}`);
  }
  report.public = now.has('all');
  report.accounts = [...now.keys()].filter((a) => a !== 'all').sort();
}
