// mode: publish — every step safe to repeat after a failure at any point. The version name is the
// idempotency key: our version with our manifest is success (changed=false), another manifest a conflict.
import { setTimeout as delay } from 'node:timers/promises';
import type { Tag } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { BuiltFile } from '../package/types.js';
import { type Clients, createClients, errorCode, errorMessage } from './clients.js';
import {
  canonicalJson,
  conflict,
  createVersion,
  describeDefault,
  ensureTags,
  failureHint,
  getVersion,
  listVersions,
  type SsmCtx,
  setDefault,
  sha256Hex,
  verifyStored,
  waitForVersion,
} from './documents.js';
import { PublishError, type UploadedFile, uploadAll, versionPrefix } from './s3.js';

export interface PublishOptions {
  name: string;
  version: string;
  /** The built ZIPs (manifest.json is uploaded too). */
  files: readonly BuiltFile[];
  manifestPath: string;
  manifestBytes: Buffer;
  bucket: string;
  prefix: string;
  region: string;
  setDefault: boolean;
  onExistingVersion: 'skip-if-identical' | 'fail';
  tags: Tag[];
  waitTimeoutMs: number;
  maxPollDelayMs: number;
  requestTimeoutMs: number;
  /** Absolute time (ms since epoch) the whole run must end by. */
  deadline: number;
  actionVersion: string;
  env: Record<string, string | undefined>;
  log: (line: string) => void;
}

export interface PublishResult {
  documentName: string;
  documentArn: string;
  documentVersion: string;
  versionName: string;
  defaultVersion: string;
  status: string;
  /** Whether this run created the version. */
  changed: boolean;
  s3Uri: string;
  uploads: UploadedFile[];
  consoleUrl: string | undefined;
}

export async function publish(o: PublishOptions): Promise<PublishResult> {
  const controller = new AbortController();
  const remaining = o.deadline - Date.now();
  const timer = setTimeout(
    () => controller.abort(new PublishError('The run reached its deadline (timeout-seconds).')),
    Math.max(remaining, 0),
  );
  const clients = createClients({
    region: o.region,
    requestTimeoutMs: o.requestTimeoutMs,
    maxAttempts: 3,
    version: o.actionVersion,
    env: o.env,
  });
  try {
    return await run(o, clients, controller.signal);
  } catch (e) {
    if (controller.signal.aborted) {
      throw new PublishError(
        `The run reached its deadline (timeout-seconds) while talking to AWS (last error: ${errorCode(e)}: ${errorMessage(e)}). Re-run: publishing resumes where it stopped.`,
      );
    }
    throw e;
  } finally {
    clearTimeout(timer);
    clients.destroy();
  }
}

async function run(o: PublishOptions, clients: Clients, signal: AbortSignal): Promise<PublishResult> {
  const sleep = (ms: number) => delay(ms, undefined, { signal });
  const ctx: SsmCtx = { ssm: clients.ssm, name: o.name, signal, log: o.log, sleep };
  const content = o.manifestBytes.toString('utf8');
  const canonical = canonicalJson(content)!;
  const ourSha = sha256Hex(o.manifestBytes);

  // 0. Who are we? (also gives the document ARN; needs no permission)
  let arn: string;
  let partition: string;
  try {
    const id = await clients.sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
    partition = id.Arn?.split(':')[1] ?? 'aws';
    arn = `arn:${partition}:ssm:${o.region}:${id.Account}:document/${o.name}`;
    o.log(`Publishing as ${id.Arn} to ${o.region}`);
  } catch (e) {
    throw new PublishError(
      `Cannot use the AWS credentials (sts:GetCallerIdentity: ${errorCode(e)}: ${errorMessage(e)}). Add an aws-actions/configure-aws-credentials step before this one, with \`permissions: id-token: write\` for OIDC.`,
    );
  }

  // 1. What does SSM hold? Our version name decides everything.
  const versions = await listVersions(ctx);
  const existingVersion = versions?.find((v) => v.VersionName === o.version);
  let documentVersion: string;
  let changed = false;
  let documentCreated = false;
  const keyPrefix = versionPrefix(o.prefix, o.name, o.version);
  const s3Uri = `s3://${o.bucket}/${keyPrefix}`;
  let uploads: UploadedFile[] = [];
  if (existingVersion) {
    const stored = await getVersion(ctx, { versionName: o.version });
    if (!stored)
      throw new PublishError(`Version ${o.version} of ${o.name} is listed but cannot be read; re-run.`);
    if (canonicalJson(stored.content ?? '') !== canonical) throw conflict(o.name, o.version, stored, content);
    if (o.onExistingVersion === 'fail') {
      throw new PublishError(
        `Version ${o.version} of ${o.name} is already published (document version ${stored.documentVersion}, same manifest) and on-existing-version is fail.`,
      );
    }
    documentVersion = stored.documentVersion;
    o.log(
      `Version ${o.version} is already published as document version ${documentVersion} with this manifest (sha256 ${ourSha}): nothing to create.`,
    );
  } else {
    // 2. Upload (skipping what is already there), then read back with our identity, as SSM will.
    const files = [
      ...o.files.map((f) => ({ name: f.name, path: f.path, size: f.size, sha256: f.sha256 })),
      { name: 'manifest.json', path: o.manifestPath, size: o.manifestBytes.length, sha256: ourSha },
    ];
    uploads = await uploadAll(
      {
        s3: clients.s3,
        bucket: o.bucket,
        signal,
        log: o.log,
        putTimeoutMs: (size) => o.requestTimeoutMs + Math.ceil(size / (1024 * 1024)) * 1000,
      },
      keyPrefix,
      files,
    );
    // 3. Create the version (or recognise it after an ambiguous failure).
    const created = await createVersion(ctx, {
      content,
      versionName: o.version,
      sourceUrl: s3Uri,
      tags: o.tags,
      exists: versions !== undefined,
      canonical,
      deadline: o.deadline,
    });
    documentVersion = created.documentVersion;
    changed = created.createdHere;
    documentCreated = created.documentCreated;
  }

  // 4. Wait for ingestion to end.
  const waited = await waitForVersion(ctx, documentVersion, {
    timeoutMs: Math.min(o.waitTimeoutMs, o.deadline - Date.now()),
    maxDelayMs: o.maxPollDelayMs,
  });
  if (waited.status === 'Failed') {
    throw new PublishError(
      `Version ${documentVersion} (${o.version}) of ${o.name} failed in SSM: ${waited.statusInformation ?? 'no reason given'}. ${failureHint(waited.statusInformation)} The version name ${o.version} stays taken by the failed version: publish a new version, or delete it first (aws ssm delete-document --name ${o.name} --version-name ${o.version}).`,
    );
  }

  // 5. Verify what SSM stored against what we built.
  await verifyStored(ctx, documentVersion, o.version, canonical, o.files);

  // 6. Tags, then the default version (only now that the version is Active).
  if (!documentCreated) {
    const changedTags = await ensureTags(ctx, o.tags);
    if (changedTags.length) o.log(`Tagged ${o.name}: ${changedTags.join(', ')}`);
  }
  let defaultVersion: string;
  if (o.setDefault) {
    await setDefault(ctx, documentVersion);
    defaultVersion = documentVersion;
  } else {
    defaultVersion = (await describeDefault(ctx)).defaultVersion;
  }
  const consoleUrl =
    partition === 'aws'
      ? `https://${o.region}.console.aws.amazon.com/systems-manager/documents/${encodeURIComponent(o.name)}/description?region=${o.region}`
      : undefined;
  return {
    documentName: o.name,
    documentArn: arn,
    documentVersion,
    versionName: o.version,
    defaultVersion,
    status: waited.status,
    changed,
    s3Uri,
    uploads,
    consoleUrl,
  };
}
