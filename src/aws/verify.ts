// Checking what SSM stored for a version against what this run built: version name, manifest, and
// each listed attachment's name, size and sha256. Attachments the manifest does not list (other objects
// under the SourceUrl folder, for a service that attaches them all) are reported, not refused: nothing
// installs them.
import { ActionError } from '../errors.js';
import type { SsmCtx } from './context.js';
import { canonicalJson, getVersion } from './versions.js';

export interface VerifyFile {
  name: string;
  size: number;
  sha256: string;
}

export interface Verified {
  /** Names of stored attachments that are not among the files sent (and so not in the manifest). */
  extra: string[];
}

/** Throws a `service` error naming every difference between what SSM stored and what was sent. */
export async function verifyStored(
  ctx: SsmCtx,
  documentVersion: string,
  versionName: string,
  canonical: string,
  files: readonly VerifyFile[],
): Promise<Verified> {
  const got = await getVersion(ctx, { documentVersion });
  if (!got) {
    throw new ActionError(
      'conflict',
      `Version ${documentVersion} of ${ctx.name} disappeared after it became Active.`,
      {
        hint: 'Someone deleted it meanwhile: re-run to publish it again.',
      },
    );
  }
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
  const extra = [...byName.keys()].filter((n) => !files.some((f) => f.name === n)).sort();
  if (problems.length) {
    throw new ActionError(
      'service',
      `SSM stored something else for ${ctx.name} version ${documentVersion}: ${problems.join('; ')}.`,
      {
        hint: 'Publish a new version; if it happens again, compare the S3 objects under the version prefix with the build.',
      },
    );
  }
  return { extra };
}
