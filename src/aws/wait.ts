// Waiting for SSM to ingest a version: poll its status until Active or Failed, within a time limit,
// with a backoff capped low (ingestion takes seconds to minutes; the log shows each state).
import { DescribeDocumentCommand } from '@aws-sdk/client-ssm';
import { ActionError } from '../errors.js';
import { type SsmCtx, ssmError } from './context.js';
import { serverText } from './aws-error.js';

export interface WaitResult {
  status: 'Active' | 'Failed';
  statusInformation: string | undefined;
}

export interface WaitOptions {
  /** How long to wait in all (on `ctx.timing.now`). */
  timeoutMs: number;
  /** The longest pause between two polls. */
  maxDelayMs: number;
}

/** The first pause between polls; each later one doubles, up to `maxDelayMs`. */
const FIRST_POLL_DELAY_MS = 250;

/** Polls the given version until Active or Failed; a version still in progress after `timeoutMs` is a `timeout`. */
export async function waitForVersion(
  ctx: SsmCtx,
  documentVersion: string,
  opts: WaitOptions,
): Promise<WaitResult> {
  const { now, sleep } = ctx.timing;
  const started = now();
  let delay = Math.min(FIRST_POLL_DELAY_MS, opts.maxDelayMs);
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
      info =
        r.Document?.StatusInformation === undefined ? undefined : serverText(r.Document.StatusInformation);
    } catch (e) {
      throw ssmError(ctx, 'DescribeDocument', e);
    }
    const elapsed = Math.round((now() - started) / 1000);
    ctx.log(
      `version ${documentVersion}: ${status ?? 'unknown'}${info ? ` (${info})` : ''} after ${elapsed} s`,
    );
    if (status === 'Active' || status === 'Failed') return { status, statusInformation: info };
    if (now() - started + delay > opts.timeoutMs) {
      throw new ActionError(
        'timeout',
        `Version ${documentVersion} of ${ctx.name} was still ${status ?? 'unknown'} after ${elapsed} s (wait-timeout-seconds).`,
        {
          hint: 'It may still become Active: re-run to resume waiting (the version is not created again), or raise wait-timeout-seconds.',
        },
      );
    }
    await sleep(delay, ctx.signal);
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

/** Where a failed version stands in its document, which decides how it can be deleted. */
export interface FailedPlace {
  /** It is the document's only version (its first, unless the others were deleted). */
  only: boolean;
  /** It is the default version. */
  isDefault: boolean;
}

/** How to free the failed version's name: the delete that SSM accepts for it. */
function deleteHint(name: string, versionName: string, place: FailedPlace | undefined): string {
  const keep = `The version name ${versionName} stays taken by the failed version: publish a new version, or`;
  if (place?.only) {
    // DeleteDocument refuses the default version by name or number; the only version is the default.
    return `${keep} delete the document first, as the failed version is its only version and so its default, which SSM does not delete on its own (aws ssm delete-document --name ${name}).`;
  }
  const byName = `aws ssm delete-document --name ${name} --version-name ${versionName}`;
  if (place?.isDefault) {
    return `${keep} make another version the default (aws ssm update-document-default-version --name ${name} --document-version <number>) and then delete it (${byName}).`;
  }
  return `${keep} delete it first (${byName}).`;
}

/** A version that ended Failed: the service's StatusInformation, what it means, and how to go on. */
export function failedVersion(
  ctx: SsmCtx,
  documentVersion: string,
  versionName: string,
  info: string | undefined,
  place?: FailedPlace,
): ActionError {
  return new ActionError(
    'service',
    `Version ${documentVersion} (${versionName}) of ${ctx.name} failed in SSM: ${info ?? 'no reason given'}`,
    { hint: `${failureHint(info)} ${deleteHint(ctx.name, versionName, place)}` },
  );
}
