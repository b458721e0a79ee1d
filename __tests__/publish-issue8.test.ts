// Issue 8, the publish items (13–18), found by publishing against an independent implementation of SSM
// and S3: the checksum algorithm header, attachments SSM adds from the SourceUrl folder, reserved names
// in another case, the default never moved back, the s3-uri of a version published before, the delete
// hint of a failed version, and uploads a few at a time with the manifest last. User-visible behaviour
// goes through the committed dist/index.js against the test endpoints; the rest runs publish() in-process.
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SsmCtx } from '../src/aws/context.js';
import { noProgress } from '../src/aws/progress.js';
import { publish } from '../src/aws/publish.js';
import { verifyStored } from '../src/aws/verify.js';
import { failedVersion } from '../src/aws/wait.js';
import { buildPackage } from '../src/package/build.js';
import { checkName } from '../src/package/rules/names.js';
import {
  BUCKET,
  type Built,
  NAME,
  PREFIX,
  publishOptions,
  restoreAwsEnvAfterAll,
  startEndpoints,
  type Endpoints,
  useEndpoints,
} from './support/aws-env.js';
import { sha256 as sha } from './support/hash.js';
import {
  BASE_CONFIG,
  cleanupTemp,
  SH_INSTALL,
  SH_UNINSTALL,
  tempDir,
  validPackage,
  writeTree,
} from './support/pkg.js';
import { annotations, runAction } from './support/runner.js';
import { type S3Fake, type S3Options, startS3 } from './support/s3-server.js';
import { type SsmFake, type SsmOptions, startSsm } from './support/ssm-server.js';
import { type StsFake, startSts } from './support/sts-server.js';

restoreAwsEnvAfterAll();
afterAll(cleanupTemp);

const DOC = 'TestAgent';

// ====================================================================== the bundle against the fakes

let s3: S3Fake;
let ssm: SsmFake;
let sts: StsFake | undefined;

async function servers(s3Opts: S3Options = {}, ssmOpts: SsmOptions = {}): Promise<void> {
  s3 = await startS3({ buckets: [BUCKET], ...s3Opts });
  ssm = await startSsm({ s3, statusDelayMs: 30, ...ssmOpts });
  sts = await startSts({
    account: '123456789012',
    arn: 'arn:aws:sts::123456789012:assumed-role/publisher/ci',
  });
}

async function stop(): Promise<void> {
  await Promise.all([ssm?.close(), s3?.close(), sts?.close()]);
  sts = undefined;
}

function publishRun(inputs: Record<string, string> = {}, pkg = validPackage()) {
  return runAction(
    {
      mode: 'publish',
      'package-dir': pkg,
      'output-dir': path.join(tempDir(), 'out'),
      version: '1.0.0',
      's3-bucket': BUCKET,
      's3-prefix': PREFIX,
      'wait-timeout-seconds': '30',
      'request-timeout-seconds': '5',
      ...inputs,
    },
    {
      env: {
        AWS_ENDPOINT_URL_SSM: ssm.endpoint,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ENDPOINT_URL_STS: sts!.endpoint,
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'test-secret-key-not-real',
        AWS_REGION: 'us-east-1',
        GITHUB_EVENT_NAME: 'push',
      },
    },
  );
}

const folder = (version: string, prefix = PREFIX) => `${prefix}/${DOC}/${version}`;
const said = (r: { stdout: string; summary: string }) => `${r.stdout}\n${r.summary}`;

// ====================================================================== 13: the checksum algorithm

describe('13. PutObject names its checksum algorithm', () => {
  afterEach(stop);

  it('the test server keeps a sent SHA-256 only with the algorithm header (the old call gets none back)', async () => {
    // What the fake does with exactly the SDK call the action made before (ChecksumSHA256 alone).
    await servers({ checksumNeedsAlgorithm: true });
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' },
    });
    try {
      const file = path.join(tempDir(), 'a.zip');
      writeFileSync(file, Buffer.alloc(5000, 1));
      const b64 = Buffer.from(sha(readFileSync(file)), 'hex').toString('base64');
      const put = (Key: string, extra: object) =>
        client.send(
          new PutObjectCommand({
            Bucket: BUCKET,
            Key,
            Body: createReadStream(file),
            ContentLength: 5000,
            ChecksumSHA256: b64,
            ...extra,
          }),
        );
      const headSha = async (Key: string) =>
        (await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key, ChecksumMode: 'ENABLED' })))
          .ChecksumSHA256;
      await put('old', {});
      await put('new', { ChecksumAlgorithm: 'SHA256' });
      expect(await headSha('old')).toBeUndefined();
      expect(await headSha('new')).toBe(b64);
      const [oldCall, newCall] = s3.calls('PutObject');
      expect(oldCall!.headers['x-amz-sdk-checksum-algorithm']).toBeUndefined();
      expect(newCall!.headers['x-amz-sdk-checksum-algorithm']).toBe('SHA256');
    } finally {
      client.destroy();
    }
  });

  it('publishes against that server: both headers, the SDK adds no CRC32 of its own, SHA-256 is stored', async () => {
    await servers({ checksumNeedsAlgorithm: true });
    const r = await publishRun();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const puts = s3.calls('PutObject');
    expect(puts.length).toBe(3); // 2 ZIPs + manifest
    for (const p of puts) {
      expect(p.headers['x-amz-sdk-checksum-algorithm']).toBe('SHA256');
      expect(p.headers['x-amz-checksum-sha256']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      // Sent as is: no aws-chunked body with a trailing checksum of another algorithm.
      expect(p.headers['content-encoding'] ?? '').not.toContain('aws-chunked');
      expect(p.headers['x-amz-trailer']).toBeUndefined();
      expect(Object.keys(p.headers).filter((h) => /^x-amz-checksum-(?!sha256)/.test(h))).toEqual([]);
      const stored = s3.object(BUCKET, p.key!)!;
      expect(stored.checksum.algorithm).toBe('SHA256');
      expect(Buffer.from(stored.checksumSHA256!, 'base64').toString('hex')).toBe(stored.sha256Hex);
    }
  });
});

// ====================================================================== 14: attachments SSM adds

describe('14. a SourceUrl folder whose every object SSM attaches', () => {
  afterEach(stop);

  it('publishes: manifest.json is beside the folder, so only the ZIPs are attached', async () => {
    await servers({}, { sourceUrlAttaches: 'every-object' });
    const r = await publishRun();
    expect(r.code, said(r)).toBe(0);
    const v = ssm.versions(DOC)[0]!;
    expect(v.status).toBe('Active');
    const zips = JSON.parse(r.outputs.files!).map((f: { name: string }) => f.name);
    expect(v.files.map((f) => f.Name).sort()).toEqual([...zips].sort());
    expect(
      s3
        .keys(BUCKET, `${folder('1.0.0')}/`)
        .map((k) => k.split('/').pop())
        .sort(),
    ).toEqual(zips.sort());
    expect(s3.object(BUCKET, `${PREFIX}/${DOC}/manifests/1.0.0.json`)).toBeDefined();
    expect(r.summary).not.toContain('ℹ️');
  });

  it('another object in the folder becomes an attachment: a notice, not a failure', async () => {
    await servers({}, { sourceUrlAttaches: 'every-object' });
    s3.putObject(BUCKET, `${folder('1.0.0')}/release-notes.txt`, 'notes', 'text/plain');
    const r = await publishRun();
    expect(r.code, said(r)).toBe(0);
    expect(ssm.versions(DOC)[0]!.files.map((f) => f.Name)).toContain('release-notes.txt');
    expect(r.summary).toMatch(/ℹ️ SSM attached a file the manifest does not list: release-notes\.txt/);
    expect(r.stdout).toContain('release-notes.txt');
    expect(r.outputs['version-created']).toBe('true');
  });

  function ctxAnswering(attachments: { Name: string; Size: number; Hash: string }[]): SsmCtx {
    const content = '{"a":1}';
    const ssmClient = {
      send: async () => ({
        DocumentVersion: '1',
        VersionName: '1.0.0',
        Status: 'Active',
        Content: content,
        AttachmentsContent: attachments.map((a) => ({ ...a, HashType: 'Sha256' })),
      }),
    };
    return {
      ssm: ssmClient as unknown as SsmCtx['ssm'],
      name: DOC,
      signal: new AbortController().signal,
      deadline: Date.now() + 10_000,
      timing: { now: Date.now, sleep: async () => {}, random: Math.random },
      log: () => {},
      deadlineError: (e) => e as never,
    };
  }
  const file = { name: 'linux.zip', size: 10, sha256: 'a'.repeat(64) };

  it('verification fails only on a listed file that is missing or differs; extras are returned', async () => {
    const ok = { Name: 'linux.zip', Size: 10, Hash: 'A'.repeat(64) };
    await expect(
      verifyStored(
        ctxAnswering([ok, { Name: 'extra.bin', Size: 1, Hash: 'b'.repeat(64) }]),
        '1',
        '1.0.0',
        '{"a":1}',
        [file],
      ),
    ).resolves.toEqual({ extra: ['extra.bin'] });
    await expect(verifyStored(ctxAnswering([]), '1', '1.0.0', '{"a":1}', [file])).rejects.toThrow(
      /attachment linux\.zip is missing/,
    );
    await expect(
      verifyStored(ctxAnswering([{ ...ok, Hash: 'c'.repeat(64) }]), '1', '1.0.0', '{"a":1}', [file]),
    ).rejects.toThrow(/linux\.zip has sha256 c{64}, expected a{64}/);
    await expect(
      verifyStored(ctxAnswering([{ ...ok, Size: 11 }]), '1', '1.0.0', '{"a":1}', [file]),
    ).rejects.toThrow(/linux\.zip has 11 bytes, expected 10/);
  });
});

// ====================================================================== 15: reserved names

describe('15. reserved name prefixes in any case', () => {
  afterEach(stop);

  const rulesOf = (name: string) =>
    checkName({ value: name, source: 'the test' })
      .filter((d) => d.rule.startsWith('name-reserved'))
      .map((d) => [d.rule, d.severity]);

  it.each([
    ['awsAgent', 'name-reserved-prefix', 'error'],
    ['amazon-agent', 'name-reserved-prefix', 'error'],
    ['amznTools', 'name-reserved-prefix', 'error'],
    ['AWSSupport-Tools', 'name-reserved-prefix', 'error'],
    ['AWSEC2Helper', 'name-reserved-prefix', 'error'],
    ['AWSConfigRemediationX', 'name-reserved-prefix', 'error'],
    ['AWS-AcmeAgent', 'name-reserved-case', 'warning'],
    ['Aws-Agent', 'name-reserved-case', 'warning'],
    ['AMAZONAgent', 'name-reserved-case', 'warning'],
    ['AmznAgent', 'name-reserved-case', 'warning'],
    ['awssupportTools', 'name-reserved-prefix', 'error'], // starts with "aws" as documented
  ])('%s → %s (%s)', (name, rule, severity) => {
    expect(rulesOf(name)).toEqual([[rule, severity]]);
  });

  it('names that only look alike are not reserved', () => {
    for (const n of ['AcmeAwsAgent', 'Amaze', 'am-zn', 'AcmeAgent']) expect(rulesOf(n), n).toEqual([]);
  });

  it('the message names the prefix in its documented spelling and a name to use', () => {
    const [d] = checkName({ value: 'AwsSupport-Tools', source: 'the test' });
    expect(d!.rule).toBe('name-reserved-case');
    expect(d!.message).toContain('"AwsSupport", the reserved prefix "AWSSupport" in another case');
    expect(d!.message).toContain('e.g. "AcmeTools"');
  });

  it('AWS-AcmeAgent is warned about before anything is uploaded (fail-on-warnings stops it there)', async () => {
    await servers();
    const r = await publishRun({ name: 'AWS-AcmeAgent', 'fail-on-warnings': 'true' });
    expect(r.code).toBe(1);
    const warn = annotations(r.stdout).find(
      (a) => a.level === 'warning' && a.message.includes('AWS-AcmeAgent'),
    );
    expect(warn, r.stdout).toBeDefined();
    expect(JSON.stringify(warn)).toContain('name-reserved-case');
    expect(s3.count('PutObject')).toBe(0);
    expect(ssm.mutations().attempted).toBe(0);
  });

  it('the documented spelling is refused before any upload: `rules:` cannot make it a warning', async () => {
    await servers();
    const pkg = validPackage({
      'distributor.yaml': `${BASE_CONFIG}rules:\n  name-reserved-prefix: warning\n`,
    });
    const r = await publishRun({ name: 'awsAcmeAgent' }, pkg);
    expect(r.code).toBe(1);
    expect(r.outputs['error-kind']).toBe('package');
    expect(r.stdout).toMatch(/^::warning title=rule-fixed/m);
    expect(r.stdout).toMatch(/^::error title=name-reserved-prefix/m);
    expect(s3.count() + ssm.count()).toBe(0);
  });
});

// ====================================================================== 16: the default never moves back

describe('16. set-default never moves the default back to an older version', () => {
  afterEach(stop);

  it("re-running an old tag's workflow with set-default keeps the newer default and says so", async () => {
    await servers();
    expect((await publishRun({ version: '1.0.0', 'set-default': 'true' })).code).toBe(0);
    expect((await publishRun({ version: '2.0.0', 'set-default': 'true' })).code).toBe(0);
    expect(ssm.document(DOC)!.defaultVersion).toBe('2');
    const moves = ssm.count('UpdateDocumentDefaultVersion');
    const again = await publishRun({ version: '1.0.0', 'set-default': 'true' });
    expect(again.code, said(again)).toBe(0);
    expect(ssm.document(DOC)!.defaultVersion).toBe('2');
    expect(ssm.count('UpdateDocumentDefaultVersion')).toBe(moves); // not even asked
    expect(again.outputs).toMatchObject({
      'document-version': '1',
      'default-version': '2',
      'default-changed': 'false',
      changed: 'false',
    });
    expect(again.summary).toContain(
      'the default version stays 2 (2.0.0), which is newer than document version 1 (1.0.0)',
    );
    expect(again.summary).toContain('a promote/rollback step');
    expect(again.summary).toContain(
      'aws ssm update-document-default-version --name TestAgent --document-version 1',
    );
  });

  it('a newer version still moves the default forward', async () => {
    await servers();
    expect((await publishRun({ version: '1.0.0' })).code).toBe(0);
    expect((await publishRun({ version: '2.0.0' })).code).toBe(0);
    const r = await publishRun({ version: '2.0.0', 'set-default': 'true' });
    expect(r.outputs).toMatchObject({ 'default-version': '2', 'default-changed': 'true' });
  });
});

// ====================================================================== 17: s3-uri and the delete hint

describe('17. the s3-uri of a version published before, and the delete hint of a failed one', () => {
  afterEach(stop);

  it('s3-uri is the folder holding the stored files, not one built from the new inputs', async () => {
    await servers();
    expect((await publishRun()).code).toBe(0);
    const moved = await publishRun({ 's3-prefix': 'elsewhere' });
    expect(moved.code, said(moved)).toBe(0);
    expect(moved.outputs.changed).toBe('false');
    expect(moved.outputs['s3-uri']).toBe('');
    expect(moved.summary).toContain(`s3://${BUCKET}/elsewhere/${DOC}/1.0.0/ does not hold its files`);
    expect(s3.keys(BUCKET, 'elsewhere/')).toEqual([]);
    const same = await publishRun();
    expect(same.outputs['s3-uri']).toBe(`s3://${BUCKET}/${folder('1.0.0')}`);
    expect(same.summary).not.toContain('does not hold its files');
  });

  it('a failed first version: the hint deletes the document (its only version is the default)', async () => {
    await servers();
    ssm.config.deniedKeys = [`s3://${BUCKET}/${PREFIX}/`];
    const r = await publishRun();
    expect(r.code).toBe(1);
    const err = annotations(r.stdout).find((a) => a.level === 'error')!;
    expect(err.message).toContain(`(aws ssm delete-document --name ${DOC}).`);
    expect(err.message).not.toContain('--version-name');
  });

  it('a failed later version: the hint deletes that version by name', async () => {
    await servers();
    expect((await publishRun()).code).toBe(0);
    ssm.config.deniedKeys = [`s3://${BUCKET}/${folder('2.0.0')}/`];
    const r = await publishRun({ version: '2.0.0' });
    expect(r.code).toBe(1);
    expect(ssm.versions(DOC)[1]!.status).toBe('Failed');
    const err = annotations(r.stdout).find((a) => a.level === 'error')!;
    expect(err.message).toContain(`(aws ssm delete-document --name ${DOC} --version-name 2.0.0).`);
  });

  it('a failed version that is the default (not the only one): move the default first', () => {
    const ctx = { name: DOC } as SsmCtx;
    const hint = (place?: { only: boolean; isDefault: boolean }) =>
      failedVersion(ctx, '3', '3.0.0', 'broken', place).hint ?? '';
    expect(hint({ only: false, isDefault: true })).toContain(
      `make another version the default (aws ssm update-document-default-version --name ${DOC} --document-version <number>) and then delete it (aws ssm delete-document --name ${DOC} --version-name 3.0.0)`,
    );
    expect(hint({ only: true, isDefault: true })).toContain(`(aws ssm delete-document --name ${DOC}).`);
    expect(hint()).toContain('--version-name 3.0.0');
  });
});

// ====================================================================== 18: uploads a few at a time

/** A package of `n` payloads (each its own platform), each ZIP holding `bytes` bytes of its own. */
async function manyZips(n: number, version: string, bytes = 1000): Promise<Built> {
  const platforms = ['amazon', 'redhat', 'centos', 'oracle', 'suse', 'ubuntu', 'debian', 'opensuse'];
  const files: Record<string, string | Buffer> = {};
  const payloads = platforms.slice(0, n).map((p, i) => {
    files[`p${i}/install.sh`] = SH_INSTALL;
    files[`p${i}/uninstall.sh`] = SH_UNINSTALL;
    files[`p${i}/agent.rpm`] = Buffer.alloc(bytes, i + 1);
    return `  p${i}:\n    targets:\n      - { platform: ${p}, version: _any, arch: x86_64 }\n`;
  });
  files['distributor.yaml'] = `name: ${NAME}\nversion: ${version}\npayloads:\n${payloads.join('')}`;
  const r = await buildPackage({
    packageDir: writeTree(tempDir(), files),
    outputDir: path.join(tempDir(), 'out'),
  });
  if (!r.ok || !r.output) throw new Error(`did not build: ${JSON.stringify(r.diagnostics)}`);
  const manifestBytes = readFileSync(r.output.manifestPath);
  return {
    name: r.name,
    version,
    files: r.output.files,
    manifestPath: r.output.manifestPath,
    manifestBytes,
    manifestSha256: r.output.manifestSha256,
  };
}

describe('18. the ZIPs are uploaded a few at a time, the manifest last', () => {
  let e: Endpoints | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  /** Publishes `b` with each PUT held a little, so that uploads under way at once are seen so. */
  async function publishHeld(b: Built, uploadConcurrency?: number) {
    e = await startEndpoints();
    useEndpoints(e);
    e.s3.delay = (op) => (op === 'PutObject' ? 60 : 0);
    return publish(publishOptions(b, { uploadConcurrency }));
  }

  it('6 ZIPs: at least 2 and at most 4 PUTs at once; the manifest starts after every ZIP ended', async () => {
    const b = await manyZips(6, '1.0.0');
    const res = await publishHeld(b);
    expect(res.uploaded).toBe(7);
    const puts = e!.s3.calls('PutObject');
    expect(puts).toHaveLength(7);
    const max = e!.s3.maxInFlight('PutObject');
    expect(max).toBeGreaterThanOrEqual(2);
    expect(max).toBeLessThanOrEqual(4);
    const manifest = puts.filter((c) => c.key === `${PREFIX}/${NAME}/manifests/1.0.0.json`);
    expect(manifest).toHaveLength(1);
    const zips = puts.filter((c) => c !== manifest[0]);
    expect(zips).toHaveLength(6);
    for (const z of zips) expect(z.ended, z.key).toBeLessThan(manifest[0]!.started);
    // Every ZIP was also read back before the manifest went up.
    const heads = e!.s3.calls('HeadObject').filter((c) => zips.some((z) => z.key === c.key));
    for (const h of heads) expect(h.ended).toBeLessThan(manifest[0]!.started);
    // The results keep the build's order, the manifest last.
    expect(res.uploads.map((u) => u.name)).toEqual([...b.files.map((f) => f.name), 'manifest.json']);
  });

  it('uploadConcurrency 1 uploads one at a time (the bound is the option)', async () => {
    const b = await manyZips(3, '1.0.0');
    await publishHeld(b, 1);
    expect(e!.s3.maxInFlight('PutObject')).toBe(1);
  });

  it('a failed ZIP stops new uploads and the manifest; a re-run skips what is stored and converges', async () => {
    const b = await manyZips(6, '1.0.0');
    e = await startEndpoints();
    useEndpoints(e);
    const denied = `${PREFIX}/${NAME}/1.0.0/${b.files[1]!.name}`;
    const undo = e.s3.deny(BUCKET, denied, ['PutObject']);
    const progress = noProgress();
    await expect(publish(publishOptions(b, { progress }))).rejects.toMatchObject({ kind: 'permission' });
    const first = e.s3.calls('PutObject');
    expect(first.some((c) => c.key?.includes('/manifests/'))).toBe(false);
    expect(e.ssm.mutations().attempted).toBe(0);
    // What was stored before the failure is counted (the uploads under way ended first).
    const stored = e.s3.keys(BUCKET, `${PREFIX}/${NAME}/1.0.0/`);
    expect(stored).not.toContain(denied);
    expect(progress.uploaded).toBe(stored.length);
    undo();
    e.newRun();
    const res = await publish(publishOptions(b));
    expect(res.versionCreated).toBe(true);
    expect(
      res.uploads
        .filter((u) => u.action === 'present')
        .map((u) => u.key)
        .sort(),
    ).toEqual(stored);
    expect(res.uploaded).toBe(7 - stored.length);
  });

  it('a bandwidth-capped test server still stores the exact bytes', async () => {
    const capped = await startS3({ buckets: [BUCKET], bandwidthBytesPerSec: 2 * 1024 * 1024 });
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: capped.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' },
    });
    try {
      const body = Buffer.alloc(300_000, 9);
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: body }));
      expect(capped.object(BUCKET, 'k')!.sha256Hex).toBe(sha(body));
    } finally {
      client.destroy();
      await capped.close();
    }
  });
});
