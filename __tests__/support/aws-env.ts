// Local STS/SSM/S3 endpoints plus the standard AWS_* variables that point the SDK at them, a fast
// clock for publish(), and a small builder of publish() options from a built package.
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll } from 'vitest';
import type { PublishOptions } from '../../src/aws/publish.js';
import { buildPackage } from '../../src/package/build.js';
import type { BuiltFile } from '../../src/package/types.js';
import type { FaultHandle, InjectOptions } from './fake-http.js';
import { sha256 } from './hash.js';
import { tempDir, validPackage } from './pkg.js';
import { type S3Fake, startS3 } from './s3-server.js';
import { type SsmFake, type SsmOptions, startSsm } from './ssm-server.js';
import { type StsFake, startSts } from './sts-server.js';

export const REGION = 'us-east-1';
export const BUCKET = 'acme-packages';
export const PREFIX = 'distributor';
export const ACCOUNT = '123456789012';
export const NAME = 'TestAgent';

export interface Endpoints {
  s3: S3Fake;
  ssm: SsmFake;
  sts: StsFake;
  /** The variables a child process (or this one) needs to reach the endpoints with dummy credentials. */
  env: Record<string, string>;
  /** Starts a new run on all three: their faults, delay hooks and per-run counts are cleared. */
  newRun(): void;
  close(): Promise<void>;
}

/** Starts the three endpoints; `ssmSeesS3: false` gives an SSM endpoint for which no bucket exists. */
export async function startEndpoints(
  ssmOpts: SsmOptions = {},
  o: { ssmSeesS3?: boolean } = {},
): Promise<Endpoints> {
  const s3 = await startS3({ buckets: [BUCKET] });
  const ssm = await startSsm({ ...(o.ssmSeesS3 === false ? {} : { s3 }), statusDelayMs: 20, ...ssmOpts });
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
    newRun: () => {
      for (const f of [s3, ssm, sts]) f.newRun();
    },
    close: async () => {
      await Promise.all([ssm.close(), s3.close(), sts.close()]);
    },
  };
}

const CLEARED = ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ENDPOINT_URL'];

/** Points this process's SDK clients at the endpoints (the SDK reads process.env when a client is made). */
export function useEndpoints(e: Endpoints): void {
  for (const k of CLEARED) delete process.env[k];
  Object.assign(process.env, e.env);
}

export type Target = 'ssm' | 's3' | 'sts';

/** What the three fakes have in common, for tests that treat them alike. */
export interface AnyFake {
  readonly run: number;
  runCount(op?: string): number;
  inject(op: string, fault: string, o?: InjectOptions): FaultHandle;
  calls(op?: string): {
    op?: string;
    key?: string | undefined;
    fault?: string | undefined;
    status: number;
    /** S3 and SSM: the request took effect. */
    applied?: boolean;
    /** SSM: the call changed state. */
    committed?: boolean;
    run: number;
  }[];
}
export const fake = (e: Endpoints, t: Target): AnyFake => e[t] as unknown as AnyFake;
/** Calls (of `op`) that arrived in the fake's current run. */
export const thisRun = (f: AnyFake, op?: string) => f.calls(op).filter((c) => c.run === f.run);

/** Registers hooks that put back, after the file's tests, every AWS_* variable useEndpoints() changes. */
export function restoreAwsEnvAfterAll(): void {
  const keys = [
    ...CLEARED,
    'AWS_ENDPOINT_URL_SSM',
    'AWS_ENDPOINT_URL_S3',
    'AWS_ENDPOINT_URL_STS',
    'AWS_ACCESS_KEY_ID',
  ];
  keys.push('AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE');
  keys.push('AWS_EC2_METADATA_DISABLED');
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const k of keys) saved[k] = process.env[k];
  });
  afterAll(() => {
    for (const k of keys) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
}

// ---------------------------------------------------------------- time

export interface FastTime {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Every pause publish() asked for, in ms, in order. */
  readonly slept: number[];
}

/**
 * A clock on which publish()'s pauses pass `factor` times faster: each sleep really waits ms/factor
 * (so the endpoints, which run on real time, still move on) and the clock then jumps by the rest.
 */
export function fastTime(factor = 50): FastTime {
  let skipped = 0;
  const slept: number[] = [];
  return {
    now: () => Date.now() + skipped,
    sleep: async (ms, signal) => {
      slept.push(ms);
      const real = ms / factor;
      await delay(real, undefined, signal ? { signal } : {});
      skipped += ms - real;
    },
    slept,
  };
}

// ---------------------------------------------------------------- builds

export interface Built {
  name: string;
  version: string;
  files: BuiltFile[];
  manifestPath: string;
  manifestBytes: Buffer;
  manifestSha256: string;
}

/** Builds the valid two-payload test package at `version` (a `variant` changes one file's bytes). */
export async function buildVersion(version: string, variant = ''): Promise<Built> {
  const dir = validPackage(variant ? { 'linux/agent.rpm': Buffer.from(`rpm bytes ${variant}`) } : {});
  const r = await buildPackage({
    packageDir: dir,
    outputDir: path.join(tempDir(), 'out'),
    version: { value: version, source: 'test' },
  });
  if (!r.ok || !r.output) throw new Error(`test package did not build: ${JSON.stringify(r.diagnostics)}`);
  const out = r.output;
  const manifestBytes = readFileSync(out.manifestPath);
  if (sha256(manifestBytes) !== out.manifestSha256)
    throw new Error('manifest.json does not hash to manifestSha256');
  return {
    name: r.name,
    version,
    files: out.files,
    manifestPath: out.manifestPath,
    manifestBytes,
    manifestSha256: out.manifestSha256,
  };
}

/** publish() options for `b` against the endpoints in process.env, on a fast clock unless `over` says otherwise. */
export function publishOptions(b: Built, over: Partial<PublishOptions> = {}): PublishOptions {
  const time = over.now ? undefined : fastTime();
  const now = over.now ?? time!.now;
  return {
    name: NAME,
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
    maxPollDelayMs: 200,
    requestTimeoutMs: 400,
    deadline: now() + 60_000,
    actionVersion: 'test',
    env: process.env,
    log: () => {},
    now,
    sleep: time?.sleep,
    ...over,
  };
}

/** What one published version should hold: its manifest and the built files (read from disk). */
export interface Published {
  version: string;
  manifestBytes: Buffer;
  files: readonly { name: string; path: string }[];
}

/** The build the bundle wrote into `dir` (its manifest.json and the files that manifest names). */
export function publishedFrom(dir: string, version: string): Published {
  const manifestBytes = readFileSync(path.join(dir, 'manifest.json'));
  const names = Object.keys((JSON.parse(manifestBytes.toString('utf8')) as { files: object }).files);
  return { version, manifestBytes, files: names.map((name) => ({ name, path: path.join(dir, name) })) };
}

const sameJson = (a: string, b: Buffer) =>
  a === b.toString('utf8') ||
  JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b.toString('utf8')));

/**
 * Problems with what the endpoints hold for the document `name` (TestAgent); empty when it converged.
 * Every version of the document is counted: exactly the versions `earlier` and `b`, each name once,
 * `b`'s Active with its manifest (and the default when `expectDefault`). Every object under the
 * package prefix is counted: exactly the files and manifest of those versions, byte for byte.
 */
export function convergenceProblems(
  e: Endpoints,
  b: Published,
  expectDefault: boolean,
  o: { earlier?: readonly Published[]; name?: string } = {},
): string[] {
  const name = o.name ?? NAME;
  const all = [...(o.earlier ?? []), b];
  const problems: string[] = [];
  const versions = e.ssm.versions(name);
  const names = versions.map((v) => v.versionName ?? '(unnamed)').sort();
  const want = all.map((p) => p.version).sort();
  if (names.join() !== want.join()) problems.push(`versions [${names.join(', ')}], not [${want.join(', ')}]`);
  const ours = versions.filter((v) => v.versionName === b.version);
  if (ours.length !== 1) problems.push(`${ours.length} versions named ${b.version}`);
  const v = ours[0];
  if (v) {
    if (v.status !== 'Active') problems.push(`status ${v.status}`);
    if (!sameJson(v.content, b.manifestBytes)) problems.push('stored manifest differs');
    if (expectDefault && e.ssm.document(name)?.defaultVersion !== v.documentVersion)
      problems.push('default not ours');
  }
  const local = new Map<string, Buffer>();
  for (const p of all) {
    const prefix = `${PREFIX}/${name}/${p.version}/`;
    for (const f of p.files) local.set(prefix + f.name, readFileSync(f.path));
    // The manifest sits outside the version's folder (the SourceUrl): prefix/name/manifests/version.json.
    local.set(`${PREFIX}/${name}/manifests/${p.version}.json`, p.manifestBytes);
  }
  const keys = e.s3.keys(BUCKET, `${PREFIX}/${name}/`);
  for (const key of keys) {
    const wanted = local.get(key);
    const got = e.s3.object(BUCKET, key)?.body;
    if (!wanted) problems.push(`s3 key ${key} should not be there`);
    else if (!got || sha256(got) !== sha256(wanted)) problems.push(`s3 key ${key} holds other content`);
  }
  for (const key of local.keys()) if (!keys.includes(key)) problems.push(`s3 key ${key} missing`);
  return problems;
}

/** A loopback port nothing listens on (bound, then released): an endpoint that refuses connections. */
export async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((ok) => srv.close(() => ok()));
  return port;
}
