// Local STS/SSM/S3 endpoints plus the standard AWS_* variables that point the SDK at them, and a
// small builder of publish() options from a built package.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PublishOptions } from '../../src/aws/publish.js';
import { buildPackage } from '../../src/package/build.js';
import type { BuiltFile } from '../../src/package/types.js';
import { tempDir, validPackage } from './pkg.js';
import { type S3Fake, startS3 } from './s3-server.js';
import { type SsmFake, type SsmOptions, startSsm } from './ssm-server.js';
import { type StsFake, startSts } from './sts-server.js';

export const REGION = 'us-east-1';
export const BUCKET = 'acme-packages';
export const PREFIX = 'distributor';
export const ACCOUNT = '123456789012';

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export interface Endpoints {
  s3: S3Fake;
  ssm: SsmFake;
  sts: StsFake;
  /** The variables a child process (or this one) needs to reach the endpoints with dummy credentials. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startEndpoints(ssmOpts: SsmOptions = {}): Promise<Endpoints> {
  const s3 = await startS3({ buckets: [BUCKET] });
  const ssm = await startSsm({ s3, statusDelayMs: 20, ...ssmOpts });
  const sts = await startSts({ account: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/publisher/ci` });
  const none = path.join(tempDir('aws-'), 'none');
  const env = {
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_STS: sts.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'test-secret-key-not-real',
    AWS_REGION: REGION,
    AWS_CONFIG_FILE: none,
    AWS_SHARED_CREDENTIALS_FILE: none,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return {
    s3,
    ssm,
    sts,
    env,
    close: async () => {
      await Promise.all([ssm.close(), s3.close(), sts.close()]);
    },
  };
}

/** Points this process's SDK clients at the endpoints (the SDK reads process.env when a client is made). */
export function useEndpoints(e: Endpoints): void {
  for (const k of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ENDPOINT_URL']) delete process.env[k];
  Object.assign(process.env, e.env);
}

export interface Built {
  version: string;
  files: BuiltFile[];
  manifestPath: string;
  manifestBytes: Buffer;
}

/** Builds the valid two-payload test package at `version` (a `variant` changes one file's bytes). */
export async function buildVersion(version: string, variant = ''): Promise<Built> {
  const dir = validPackage(variant ? { 'linux/agent.rpm': Buffer.from(`rpm bytes ${variant}`) } : {});
  const r = await buildPackage({
    packageDir: dir,
    outputDir: path.join(tempDir(), 'out'),
    version: { value: version, source: 'test' },
  });
  if (!r.ok) throw new Error(`test package did not build: ${JSON.stringify(r.diagnostics)}`);
  return {
    version,
    files: r.files,
    manifestPath: r.manifestPath!,
    manifestBytes: readFileSync(r.manifestPath!),
  };
}

export function publishOptions(b: Built, over: Partial<PublishOptions> = {}): PublishOptions {
  return {
    name: 'TestAgent',
    version: b.version,
    files: b.files,
    manifestPath: b.manifestPath,
    manifestBytes: b.manifestBytes,
    bucket: BUCKET,
    prefix: PREFIX,
    region: REGION,
    setDefault: false,
    onExistingVersion: 'skip-if-identical',
    tags: [],
    waitTimeoutMs: 20_000,
    maxPollDelayMs: 50,
    requestTimeoutMs: 400,
    deadline: Date.now() + 60_000,
    actionVersion: 'test',
    env: process.env,
    log: () => {},
    ...over,
  };
}

/** Problems with what the endpoints hold for `b` published as TestAgent; empty when it converged. */
export function convergenceProblems(e: Endpoints, b: Built, expectDefault: boolean): string[] {
  const problems: string[] = [];
  const ours = e.ssm.versions('TestAgent').filter((v) => v.versionName === b.version);
  if (ours.length !== 1) problems.push(`${ours.length} versions named ${b.version}`);
  const v = ours[0];
  if (v) {
    if (v.status !== 'Active') problems.push(`status ${v.status}`);
    if (
      v.content !== b.manifestBytes.toString('utf8') &&
      JSON.stringify(JSON.parse(v.content)) !== JSON.stringify(JSON.parse(b.manifestBytes.toString('utf8')))
    )
      problems.push('stored manifest differs');
    if (expectDefault && e.ssm.document('TestAgent')?.defaultVersion !== v.documentVersion)
      problems.push('default not ours');
  }
  const prefix = `${PREFIX}/TestAgent/${b.version}/`;
  const local = new Map([
    ...b.files.map((f) => [f.name, readFileSync(f.path)] as const),
    ['manifest.json', b.manifestBytes] as const,
  ]);
  for (const key of e.s3.keys(BUCKET, prefix)) {
    const want = local.get(key.slice(prefix.length));
    const got = e.s3.object(BUCKET, key)?.body;
    if (!want || !got || sha256(got) !== sha256(want)) problems.push(`s3 key ${key} holds other content`);
  }
  return problems;
}
