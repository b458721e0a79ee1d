// publish() in-process against the local STS, SSM and S3 endpoints, through the real AWS SDK over HTTP.
// Every case checks what the endpoints hold afterwards (versions, statuses, defaults, tags, stored bytes),
// not only what publish() returned.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PublishOptions, type PublishResult, publish } from '../src/aws/publish.js';
import { parseTags } from '../src/inputs.js';
import { buildPackage } from '../src/package/build.js';
import type { BuiltFile } from '../src/package/types.js';
import { cleanupTemp, tempDir, validPackage } from './support/pkg.js';
import { type S3Fake, startS3 } from './support/s3-server.js';
import { type SsmFake, type SsmOptions, startSsm } from './support/ssm-server.js';
import { type StsFake, startSts } from './support/sts-server.js';

const REGION = 'us-east-1';
const BUCKET = 'acme-packages';
const PREFIX = 'distributor';
const NAME = 'TestAgent';
const ACCOUNT = '123456789012';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

// ====================================================================== environment

const ENV_KEYS = [
  'AWS_ENDPOINT_URL_SSM',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ENDPOINT_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_REGION',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
] as const;
const savedEnv: Record<string, string | undefined> = {};
beforeAll(() => {
  for (const k of ENV_KEYS) savedEnv[k] = process.env[k];
});
afterAll(() => {
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
  cleanupTemp();
});

let s3: S3Fake;
let ssm: SsmFake;
let sts: StsFake;

/** Starts fresh endpoints and points the SDK (which reads these variables from process.env) at them. */
async function startServers(opts: SsmOptions = {}, withS3InSsm = true): Promise<void> {
  s3 = await startS3({ buckets: [BUCKET] });
  ssm = await startSsm({ ...(withS3InSsm ? { s3 } : {}), statusDelayMs: 40, ...opts });
  sts = await startSts({ account: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/publisher/ci` });
  const missing = path.join(tempDir('aws-'), 'none');
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_STS: sts.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'test-secret-key-not-real',
    AWS_REGION: REGION,
    AWS_CONFIG_FILE: missing,
    AWS_SHARED_CREDENTIALS_FILE: missing,
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_ENDPOINT_URL;
}

async function stopServers(): Promise<void> {
  await Promise.all([ssm?.close(), s3?.close(), sts?.close()]);
}

// ====================================================================== builds and runs

interface Built {
  name: string;
  version: string;
  files: BuiltFile[];
  manifestPath: string;
  manifestBytes: Buffer;
  manifestSha256: string;
}

/** Builds a valid package (optionally with other file contents) at `version`. */
async function build(version = '1.0.0', variant = ''): Promise<Built> {
  const dir = validPackage(variant ? { 'linux/agent.rpm': Buffer.from(`rpm bytes ${variant}`) } : {});
  const r = await buildPackage({
    packageDir: dir,
    outputDir: path.join(tempDir(), 'out'),
    version: { value: version, source: 'test' },
  });
  expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
  const manifestBytes = readFileSync(r.manifestPath!);
  expect(sha(manifestBytes)).toBe(r.manifestSha256);
  return {
    name: r.name!,
    version: r.version!,
    files: r.files,
    manifestPath: r.manifestPath!,
    manifestBytes,
    manifestSha256: r.manifestSha256!,
  };
}

interface Run {
  result: PublishResult | undefined;
  error: Error | undefined;
  log: string[];
  ms: number;
}

function options(b: Built, over: Partial<PublishOptions>, log: string[]): PublishOptions {
  return {
    name: b.name,
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
    requestTimeoutMs: 2000,
    deadline: Date.now() + 60_000,
    actionVersion: 'test',
    env: process.env,
    log: (line) => log.push(line),
    ...over,
  };
}

/** Runs publish() and captures its outcome instead of throwing. */
async function run(b: Built, over: Partial<PublishOptions> = {}): Promise<Run> {
  const log: string[] = [];
  const started = Date.now();
  try {
    const result = await publish(options(b, over, log));
    return { result, error: undefined, log, ms: Date.now() - started };
  } catch (e) {
    return { result: undefined, error: e as Error, log, ms: Date.now() - started };
  }
}

async function ok(b: Built, over: Partial<PublishOptions> = {}): Promise<PublishResult> {
  const r = await run(b, over);
  if (r.error) throw new Error(`publish failed: ${r.error.message}\n${r.log.join('\n')}`);
  return r.result!;
}

async function fails(b: Built, over: Partial<PublishOptions> = {}): Promise<Run & { error: Error }> {
  const r = await run(b, over);
  if (!r.error) throw new Error(`publish succeeded but should have failed:\n${r.log.join('\n')}`);
  return r as Run & { error: Error };
}

const keyOf = (b: Built, file: string) => `${PREFIX}/${b.name}/${b.version}/${file}`;

/** Every built file and manifest.json is in S3 under the version prefix with exactly the local bytes. */
function expectS3HoldsBuild(b: Built): void {
  const local = [
    ...b.files.map((f) => ({ name: f.name, bytes: readFileSync(f.path), sha256: f.sha256 })),
    { name: 'manifest.json', bytes: b.manifestBytes, sha256: b.manifestSha256 },
  ];
  expect(s3.keys(BUCKET, `${PREFIX}/${b.name}/${b.version}/`).sort()).toEqual(
    local.map((f) => keyOf(b, f.name)).sort(),
  );
  for (const f of local) {
    const stored = s3.object(BUCKET, keyOf(b, f.name));
    expect(stored, f.name).toBeDefined();
    expect(stored!.body.equals(f.bytes), `${f.name} bytes`).toBe(true);
    expect(sha(stored!.body), f.name).toBe(f.sha256);
    expect(sha(f.bytes), f.name).toBe(f.sha256);
    // The checksum S3 keeps is the one publish() sent (so later HeadObject skips can trust it).
    expect(stored!.checksumSHA256, f.name).toBe(Buffer.from(f.sha256, 'hex').toString('base64'));
  }
}

/** SSM holds exactly one version named `b.version`, Active, with our manifest and our attachments. */
function expectActiveVersion(b: Built, documentVersion?: string): void {
  const named = ssm.versions(b.name).filter((v) => v.versionName === b.version);
  expect(named, `versions named ${b.version}`).toHaveLength(1);
  const v = named[0]!;
  if (documentVersion !== undefined) expect(v.documentVersion).toBe(documentVersion);
  expect(v.status).toBe('Active');
  expect(v.content).toBe(b.manifestBytes.toString('utf8'));
  expect(v.attachmentsSource).toEqual([
    { Key: 'SourceUrl', Values: [`s3://${BUCKET}/${PREFIX}/${b.name}/${b.version}`] },
  ]);
  expect(
    v.files
      .map((f) => ({ name: f.Name, size: f.Size, sha256: f.Hash }))
      .sort((x, y) => (x.name < y.name ? -1 : 1)),
  ).toEqual(
    b.files
      .map((f) => ({ name: f.name, size: f.size, sha256: f.sha256 }))
      .sort((x, y) => (x.name < y.name ? -1 : 1)),
  );
}

const tagsOf = (name: string) => Object.fromEntries(ssm.document(name)!.tags.map((t) => [t.Key, t.Value]));

function tags(text: string) {
  const problems: string[] = [];
  const t = parseTags(text, problems);
  expect(problems).toEqual([]);
  return t;
}

/** How many requests changed (or tried to change) anything: SSM mutations and S3 PutObjects. */
const writes = () => ({ ssm: ssm.mutations().attempted, puts: s3.count('PutObject') });

// ====================================================================== cases

describe('publish(): the happy paths', () => {
  beforeEach(() => startServers());
  afterEach(stopServers);

  it('creates the document (Creating → Active), uploads verified bytes and reports it', async () => {
    const b = await build('1.0.0');
    const r = await run(b);
    expect(r.error, r.log.join('\n')).toBeUndefined();
    const res = r.result!;
    expect(res).toMatchObject({
      documentName: NAME,
      documentArn: `arn:aws:ssm:${REGION}:${ACCOUNT}:document/${NAME}`,
      documentVersion: '1',
      versionName: '1.0.0',
      defaultVersion: '1',
      status: 'Active',
      changed: true,
      s3Uri: `s3://${BUCKET}/${PREFIX}/${NAME}/1.0.0`,
    });
    expect(res.consoleUrl).toContain(`${REGION}.console.aws.amazon.com/systems-manager/documents/${NAME}`);
    expect(res.uploads.map((u) => [u.name, u.key, u.action, u.sha256])).toEqual([
      ...b.files.map((f) => [f.name, keyOf(b, f.name), 'uploaded', f.sha256]),
      ['manifest.json', keyOf(b, 'manifest.json'), 'uploaded', b.manifestSha256],
    ]);
    expectS3HoldsBuild(b);
    expectActiveVersion(b, '1');
    const doc = ssm.document(NAME)!;
    expect(doc).toMatchObject({
      documentType: 'Package',
      latestVersion: '1',
      defaultVersion: '1',
      versionCount: 1,
    });
    // SSM was asked once, with the documented shape; the version went through Creating before Active.
    const create = ssm.calls('CreateDocument');
    expect(create).toHaveLength(1);
    expect(create[0]!.input).toMatchObject({
      Name: NAME,
      DocumentType: 'Package',
      DocumentFormat: 'JSON',
      VersionName: '1.0.0',
      Attachments: [{ Key: 'SourceUrl', Values: [`s3://${BUCKET}/${PREFIX}/${NAME}/1.0.0`] }],
    });
    expect(
      r.log.some((l) => /version 1: Creating/.test(l)),
      r.log.join('\n'),
    ).toBe(true);
    expect(
      r.log.some((l) => /version 1: Active/.test(l)),
      r.log.join('\n'),
    ).toBe(true);
    // Uploads: one PUT per file, each with a SHA-256 checksum and If-None-Match, never overwriting.
    const puts = s3.calls('PutObject');
    expect(puts).toHaveLength(b.files.length + 1);
    for (const p of puts) {
      expect(p.headers['x-amz-checksum-sha256']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(p.headers['if-none-match']).toBe('*');
      expect(p.headers['user-agent']).toContain('ssm-distributor-action/test');
    }
    // Identity was checked first, and nothing mutating happened before the uploads were read back.
    expect(sts.calls()[0]?.action).toBe('GetCallerIdentity');
    const lastHead = Math.max(...s3.calls('HeadObject').map((c) => c.at));
    expect(create[0]!.at).toBeGreaterThanOrEqual(lastHead);
  });
});

describe('publish(): later versions, re-runs, conflicts, tags and the default', () => {
  beforeEach(() => startServers());
  afterEach(stopServers);

  it('a second version goes through UpdateDocument($LATEST); the default stays without set-default', async () => {
    const v1 = await build('1.0.0');
    await ok(v1);
    const v2 = await build('1.1.0');
    const res = await ok(v2);
    expect(res).toMatchObject({
      documentVersion: '2',
      versionName: '1.1.0',
      defaultVersion: '1',
      changed: true,
    });
    const update = ssm.calls('UpdateDocument');
    expect(update).toHaveLength(1);
    expect(update[0]!.input).toMatchObject({
      Name: NAME,
      DocumentVersion: '$LATEST',
      VersionName: '1.1.0',
      DocumentFormat: 'JSON',
      Attachments: [{ Key: 'SourceUrl', Values: [`s3://${BUCKET}/${PREFIX}/${NAME}/1.1.0`] }],
    });
    expect(ssm.count('CreateDocument')).toBe(1);
    expect(ssm.count('UpdateDocumentDefaultVersion')).toBe(0);
    expect(ssm.document(NAME)).toMatchObject({ latestVersion: '2', defaultVersion: '1', versionCount: 2 });
    expectActiveVersion(v1, '1');
    expectActiveVersion(v2, '2');
    expectS3HoldsBuild(v1);
    expectS3HoldsBuild(v2);
  });

  it('set-default moves the default only once the version is Active, then reads it back', async () => {
    await stopServers();
    // This endpoint refuses to make a version that is not Active the default.
    await startServers({ statusDelayMs: 100, defaultVersionRequiresActive: true });
    await ok(await build('1.0.0'));
    const v2 = await build('1.1.0');
    const res = await ok(v2, { setDefault: true });
    expect(res).toMatchObject({ documentVersion: '2', defaultVersion: '2', status: 'Active' });
    expect(ssm.document(NAME)!.defaultVersion).toBe('2');
    const setCalls = ssm.calls('UpdateDocumentDefaultVersion');
    expect(setCalls).toHaveLength(1);
    expect(setCalls[0]!.input).toMatchObject({ Name: NAME, DocumentVersion: '2' });
    expect(setCalls[0]!.status).toBe(200);
    // Read back: a DescribeDocument of the document after the change.
    const after = ssm.calls('DescribeDocument').filter((c) => c.at >= setCalls[0]!.at);
    expect(after.some((c) => c.input.DocumentVersion === undefined)).toBe(true);
    // And the version was polled until Active before the change (at least one Updating poll, given the delay).
    const polls = ssm.calls('DescribeDocument').filter((c) => c.input.DocumentVersion === '2');
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...polls.map((c) => c.at))).toBeLessThanOrEqual(setCalls[0]!.at);
    // Re-running with set-default when it already is the default changes nothing.
    const before = writes();
    const again = await ok(v2, { setDefault: true });
    expect(again).toMatchObject({ changed: false, defaultVersion: '2' });
    expect(writes()).toEqual(before);
  });

  it('a re-run of the same version and content is changed=false and makes no mutating call', async () => {
    const t = tags('team=platform\nowner=ops');
    const first = await ok(await build('1.0.0'), { tags: t });
    expect(first.changed).toBe(true);
    const before = writes();
    const ssmBefore = ssm.mutations();
    // A fresh build of the same sources (builds are reproducible), as a re-run of the workflow would do.
    const again = await build('1.0.0');
    const r = await run(again, { tags: t });
    expect(r.error, r.log.join('\n')).toBeUndefined();
    expect(r.result).toMatchObject({
      changed: false,
      documentVersion: '1',
      status: 'Active',
      defaultVersion: '1',
    });
    expect(r.result!.uploads).toEqual([]);
    expect(writes()).toEqual(before);
    expect(ssm.mutations()).toEqual(ssmBefore);
    expect(r.log.join('\n')).toMatch(/already published as document version 1/);
    expect(ssm.versions(NAME)).toHaveLength(1);
    expectActiveVersion(again, '1');
  });

  it('the same version with different content fails before any upload, naming the version and both sha256s', async () => {
    const v1 = await build('1.0.0');
    await ok(v1);
    const before = writes();
    const other = await build('1.0.0', 'changed');
    expect(other.manifestSha256).not.toBe(v1.manifestSha256);
    const r = await fails(other);
    expect(r.error.message).toContain('1.0.0');
    expect(r.error.message).toContain(v1.manifestSha256);
    expect(r.error.message).toContain(other.manifestSha256);
    expect(r.error.message).toMatch(/different manifest/);
    expect(writes()).toEqual(before);
    expect(s3.count('HeadObject')).toBe(2 * (v1.files.length + 1)); // only the first run's uploads
    expect(ssm.versions(NAME)).toHaveLength(1);
    expectActiveVersion(v1, '1');
    expectS3HoldsBuild(v1);
  });

  it('on-existing-version: fail refuses an already published version without changing anything', async () => {
    const v1 = await build('1.0.0');
    const first = await ok(v1, { onExistingVersion: 'fail' });
    expect(first.changed).toBe(true);
    const before = writes();
    const r = await fails(v1, { onExistingVersion: 'fail' });
    expect(r.error.message).toMatch(/1\.0\.0 of TestAgent is already published \(document version 1/);
    expect(r.error.message).toContain('on-existing-version');
    expect(writes()).toEqual(before);
    expect(ssm.versions(NAME)).toHaveLength(1);
  });

  it('tags are set with CreateDocument, added later only when they differ, and others are left alone', async () => {
    await ok(await build('1.0.0'), { tags: tags('team=platform\nowner=ops') });
    expect(ssm.calls('CreateDocument')[0]!.input.Tags).toEqual([
      { Key: 'team', Value: 'platform' },
      { Key: 'owner', Value: 'ops' },
    ]);
    expect(tagsOf(NAME)).toEqual({ team: 'platform', owner: 'ops' });
    expect(ssm.count('AddTagsToResource')).toBe(0);
    // Same tags on a later version: read, found equal, not written.
    await ok(await build('1.1.0'), { tags: tags('team=platform\nowner=ops') });
    expect(ssm.count('ListTagsForResource')).toBe(1);
    expect(ssm.count('AddTagsToResource')).toBe(0);
    // Changed and new tags: only those are written; a tag not given stays.
    await ok(await build('1.2.0'), { tags: tags('{"owner":"sre","cost-center":"42"}') });
    const add = ssm.calls('AddTagsToResource');
    expect(add).toHaveLength(1);
    expect(add[0]!.input.Tags).toEqual([
      { Key: 'owner', Value: 'sre' },
      { Key: 'cost-center', Value: '42' },
    ]);
    expect(tagsOf(NAME)).toEqual({ team: 'platform', owner: 'sre', 'cost-center': '42' });
    expect(ssm.versions(NAME).map((v) => [v.versionName, v.status])).toEqual([
      ['1.0.0', 'Active'],
      ['1.1.0', 'Active'],
      ['1.2.0', 'Active'],
    ]);
  });

  it('objects left by an earlier attempt with the same bytes are kept, not uploaded again', async () => {
    const b = await build('1.0.0');
    const first = b.files[0]!;
    s3.putObject(BUCKET, keyOf(b, first.name), readFileSync(first.path));
    const res = await ok(b);
    expect(res.uploads.find((u) => u.name === first.name)?.action).toBe('present');
    expect(s3.calls('PutObject').map((c) => c.key)).not.toContain(keyOf(b, first.name));
    expectS3HoldsBuild(b);
    expectActiveVersion(b, '1');
  });

  it('a stale object with other content under the version prefix (no SSM version) is a clear conflict', async () => {
    const b = await build('1.0.0');
    const stale = Buffer.from('{"from":"another build"}');
    s3.putObject(BUCKET, keyOf(b, 'manifest.json'), stale, 'application/json');
    const r = await fails(b);
    expect(r.error.message).toContain(`s3://${BUCKET}/${keyOf(b, 'manifest.json')}`);
    expect(r.error.message).toContain('already holds different content');
    expect(r.error.message).toContain(sha(stale));
    expect(r.error.message).toContain(b.manifestSha256);
    expect(ssm.mutations().attempted).toBe(0);
    expect(ssm.documents()).toEqual([]);
    expect(s3.object(BUCKET, keyOf(b, 'manifest.json'))!.body.equals(stale)).toBe(true);
    expect(s3.calls('PutObject').map((c) => c.key)).not.toContain(keyOf(b, 'manifest.json'));
  });
});

describe('publish(): ingestion failures, waiting and limits', () => {
  afterEach(stopServers);

  it('SSM without s3:GetObject: the version ends Failed and the error quotes StatusInformation and the fix', async () => {
    await startServers();
    s3.deny(BUCKET, `${PREFIX}/`, ['GetObject']); // the caller can still HEAD/PUT; SSM cannot GET
    const b = await build('1.0.0');
    const r = await fails(b);
    const v = ssm.versions(NAME);
    expect(v).toHaveLength(1);
    expect(v[0]!.status).toBe('Failed');
    expect(v[0]!.statusInformation).toMatch(/^Permanent download error: Source URL .* Access Denied/);
    expect(r.error.message).toContain(v[0]!.statusInformation!);
    expect(r.error.message).toContain('s3:GetObject');
    expect(r.error.message).toContain('1.0.0');
    expect(r.error.message).toContain(`aws ssm delete-document --name ${NAME} --version-name 1.0.0`);
    expectS3HoldsBuild(b);
  });

  it('a bucket that does not exist fails at the upload with what to check, before SSM is asked', async () => {
    await startServers();
    const b = await build('1.0.0');
    const r = await fails(b, { bucket: 'no-such-bucket-here' });
    expect(r.error.message).toContain('NoSuchBucket');
    expect(r.error.message).toContain('s3-bucket');
    expect(ssm.mutations().attempted).toBe(0);
    expect(s3.keys(BUCKET)).toEqual([]);
  });

  it("a bucket SSM cannot find ends Failed with the service's text and the bucket hint", async () => {
    await startServers({}, false); // this SSM endpoint sees no S3 at all
    const b = await build('1.0.0');
    const r = await fails(b);
    expect(ssm.versions(NAME)[0]?.status).toBe('Failed');
    expect(r.error.message).toContain("The specified S3 bucket doesn't exist");
    expect(r.error.message).toContain('Check `s3-bucket`');
  });

  it('bytes corrupted in storage are caught by the read-back before SSM is called', async () => {
    await startServers();
    const b = await build('1.0.0');
    s3.inject('PutObject', 'corrupt-stored-bytes');
    const r = await fails(b);
    const first = b.files[0]!;
    const stored = s3.object(BUCKET, keyOf(b, first.name))!;
    expect(sha(stored.body)).not.toBe(first.sha256);
    expect(r.error.message).toContain(keyOf(b, first.name));
    expect(r.error.message).toContain(first.sha256);
    expect(r.error.message).toContain(sha(stored.body));
    expect(ssm.mutations().attempted).toBe(0);
    expect(ssm.count()).toBe(1); // only the ListDocumentVersions lookup
    expect(s3.count('PutObject')).toBe(1); // stopped at the first file
  });

  it('an object changed between the read-back and ingestion ends Failed with the checksum text and hint', async () => {
    await startServers({ statusDelayMs: 400 });
    const b = await build('1.0.0');
    const target = b.files[0]!;
    const pending = run(b);
    while (ssm.count('CreateDocument') === 0) await new Promise((r) => setTimeout(r, 5));
    s3.putObject(BUCKET, keyOf(b, target.name), Buffer.from('replaced'));
    const r = await pending;
    expect(r.error?.message).toBeDefined();
    expect(ssm.versions(NAME)[0]?.status).toBe('Failed');
    expect(r.error!.message).toContain(`The sha256 checksum of file ${target.name}`);
    expect(r.error!.message).toContain('changed after upload');
  });

  it('a wait timeout says the state and that a re-run resumes; the re-run then finishes without a new version', async () => {
    await startServers({ statusDelayMs: Number.POSITIVE_INFINITY });
    const b = await build('1.0.0');
    const r = await fails(b, { waitTimeoutMs: 1500 });
    expect(r.error.message).toMatch(/still Creating after \d+ s/);
    expect(r.error.message).toMatch(/re-run to resume/i);
    expect(r.ms).toBeLessThan(4000);
    expect(ssm.versions(NAME).map((v) => v.status)).toEqual(['Creating']);
    ssm.settle();
    const before = writes();
    const res = await ok(b);
    expect(res).toMatchObject({ documentVersion: '1', status: 'Active', changed: false });
    expect(writes()).toEqual(before);
    expectActiveVersion(b, '1');
  });

  it('the version limit fails with the count and what to do', async () => {
    await startServers({ versionLimit: 2, statusDelayMs: 20 });
    await ok(await build('1.0.0'));
    await ok(await build('1.1.0'));
    const r = await fails(await build('1.2.0'));
    expect(r.error.message).toContain(`${NAME} has 2 versions`);
    expect(r.error.message).toContain('delete-document');
    expect(ssm.versions(NAME).map((v) => v.versionName)).toEqual(['1.0.0', '1.1.0']);
  });
});

describe('publish(): a 5xx after the server committed a mutating call', () => {
  beforeEach(() => startServers({ statusDelayMs: 20 }));
  afterEach(stopServers);

  /** No Duplicate*, DocumentAlreadyExists or raw 5xx text reaches what the user sees. */
  function expectCleanOutput(r: Run): void {
    const shown = [r.error?.message ?? '', ...r.log].join('\n');
    expect(shown).not.toMatch(/Duplicate/);
  }

  for (const times of [1, 3]) {
    it(`CreateDocument (${times}×) → success with version 1`, async () => {
      const b = await build('1.0.0');
      ssm.inject('CreateDocument', '500-after-commit', { times });
      const r = await run(b, { tags: tags('team=a') });
      expect(r.error, r.log.join('\n')).toBeUndefined();
      expect(r.result).toMatchObject({ documentVersion: '1', status: 'Active' });
      expect(ssm.calls('CreateDocument')[0]!.committed).toBe(true);
      expectActiveVersion(b, '1');
      expect(ssm.versions(NAME)).toHaveLength(1);
      expect(tagsOf(NAME)).toEqual({ team: 'a' });
      expectCleanOutput(r);
    });

    it(`UpdateDocument (${times}×) → success with version 2`, async () => {
      await ok(await build('1.0.0'));
      const b = await build('1.1.0');
      ssm.inject('UpdateDocument', '500-after-commit', { times });
      const r = await run(b);
      expect(r.error, r.log.join('\n')).toBeUndefined();
      expect(r.result).toMatchObject({ documentVersion: '2', status: 'Active' });
      expectActiveVersion(b, '2');
      expect(ssm.versions(NAME)).toHaveLength(2);
      expectCleanOutput(r);
    });

    it(`UpdateDocumentDefaultVersion (${times}×) → success, default read back`, async () => {
      await ok(await build('1.0.0'));
      const b = await build('1.1.0');
      ssm.inject('UpdateDocumentDefaultVersion', '500-after-commit', { times });
      const r = await run(b, { setDefault: true });
      expect(r.error, r.log.join('\n')).toBeUndefined();
      expect(r.result).toMatchObject({ documentVersion: '2', defaultVersion: '2' });
      expect(ssm.document(NAME)!.defaultVersion).toBe('2');
      expectActiveVersion(b, '2');
      expectCleanOutput(r);
    });
  }

  it('AddTagsToResource (1×, absorbed by the SDK retry) → success, tags applied', async () => {
    await ok(await build('1.0.0'));
    const b = await build('1.1.0');
    ssm.inject('AddTagsToResource', '500-after-commit', { times: 1 });
    const r = await run(b, { tags: tags('team=b') });
    expect(r.error, r.log.join('\n')).toBeUndefined();
    expect(r.result).toMatchObject({ documentVersion: '2' });
    expect(tagsOf(NAME)).toEqual({ team: 'b' });
    expectCleanOutput(r);
  });

  it('AddTagsToResource (3×, beyond the SDK retries) → success, tags read back', async () => {
    await ok(await build('1.0.0'));
    const b = await build('1.1.0');
    ssm.inject('AddTagsToResource', '500-after-commit', { times: 3 });
    const r = await run(b, { tags: tags('team=b') });
    expect(tagsOf(NAME)).toEqual({ team: 'b' });
    expect(r.error, r.log.join('\n')).toBeUndefined();
  });
});

describe('publish(): deadlines', () => {
  afterEach(stopServers);

  it('endpoints that stall every response: the run ends by its deadline with a clear error', async () => {
    await startServers();
    ssm.stallAll = true;
    s3.stallAll = true;
    sts.inject('*', 'stall', { times: 1000 });
    const b = await build('1.0.0');
    const started = Date.now();
    const deadlineMs = 3000;
    const r = await fails(b, { deadline: started + deadlineMs, requestTimeoutMs: 2000 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThanOrEqual(deadlineMs + 2000);
    expect(r.error.message).toMatch(/deadline|did not complete in time|Timeout/i);
    expect(r.error.message).not.toMatch(/undefined/);
  });

  it('SSM stalling after identity: ends by the deadline, saying a re-run resumes', async () => {
    await startServers();
    ssm.stallAll = true;
    const b = await build('1.0.0');
    const started = Date.now();
    const r = await fails(b, { deadline: started + 2500, requestTimeoutMs: 5000 });
    expect(Date.now() - started).toBeLessThanOrEqual(2500 + 2000);
    expect(r.error.message).toContain('reached its deadline');
    expect(r.error.message).toMatch(/re-run/i);
    expect(ssm.mutations().attempted).toBe(0);
    expect(s3.count('PutObject')).toBe(0);
  });

  it('a stalled CreateDocument with a short request timeout is retried and the run converges', async () => {
    await startServers({ statusDelayMs: 20 });
    ssm.inject('CreateDocument', 'stall', { times: 2 });
    const b = await build('1.0.0');
    const res = await ok(b, { requestTimeoutMs: 500 });
    expect(res.documentVersion).toBe('1');
    expect(ssm.count('CreateDocument')).toBe(3);
    expectActiveVersion(b, '1');
  });
});

describe('publish(): concurrent publishers', () => {
  afterEach(stopServers);

  for (const n of [2, 5]) {
    it(`${n} publishers, same version and content: one version, all succeed with it`, async () => {
      await startServers({ statusDelayMs: 30, mutationHoldMs: 30 });
      const builds = await Promise.all(Array.from({ length: n }, () => build('1.0.0')));
      const runs = await Promise.all(builds.map((b) => run(b)));
      for (const r of runs) expect(r.error?.message, r.log.join('\n')).toBeUndefined();
      expect(new Set(runs.map((r) => r.result!.documentVersion))).toEqual(new Set(['1']));
      expect(runs.filter((r) => r.result!.changed)).toHaveLength(1);
      expect(ssm.versions(NAME)).toHaveLength(1);
      expectActiveVersion(builds[0]!, '1');
      expectS3HoldsBuild(builds[0]!);
    });
  }

  it('4 publishers of the same new version onto an existing document: one version, all succeed', async () => {
    await startServers({ statusDelayMs: 30, mutationHoldMs: 30 });
    await ok(await build('1.0.0'));
    const builds = await Promise.all(Array.from({ length: 4 }, () => build('1.1.0')));
    const runs = await Promise.all(builds.map((b) => run(b)));
    for (const r of runs) expect(r.error?.message, r.log.join('\n')).toBeUndefined();
    expect(new Set(runs.map((r) => r.result!.documentVersion))).toEqual(new Set(['2']));
    expect(ssm.versions(NAME)).toHaveLength(2);
    expectActiveVersion(builds[0]!, '2');
  });

  for (const n of [2, 4]) {
    it(`${n} publishers, same version, different content: one version, the others fail with a conflict`, async () => {
      await startServers({ statusDelayMs: 30, mutationHoldMs: 30 });
      const builds = await Promise.all(Array.from({ length: n }, (_, i) => build('1.0.0', `variant-${i}`)));
      expect(new Set(builds.map((b) => b.manifestSha256)).size).toBe(n);
      const runs = await Promise.all(builds.map((b) => run(b)));
      const winners = runs.flatMap((r, i) => (r.error ? [] : [i]));
      expect(winners, runs.map((r) => r.error?.message).join('\n')).toHaveLength(1);
      const winner = builds[winners[0]!]!;
      for (const r of runs.filter((x) => x.error)) {
        expect(r.error!.message).toContain('1.0.0');
        expect(r.error!.message).toMatch(/different (content|manifest)/);
      }
      expect(ssm.versions(NAME)).toHaveLength(1);
      expectActiveVersion(winner, '1');
      expectS3HoldsBuild(winner);
    });
  }

  it('4 publishers of different versions at once: 4 versions, each with its own content', async () => {
    await startServers({ statusDelayMs: 30, mutationHoldMs: 20 });
    const builds = await Promise.all(['1.0.0', '1.1.0', '1.2.0', '1.3.0'].map((v) => build(v)));
    const runs = await Promise.all(builds.map((b) => run(b)));
    for (const r of runs) expect(r.error?.message, r.log.join('\n')).toBeUndefined();
    expect(new Set(runs.map((r) => r.result!.documentVersion))).toEqual(new Set(['1', '2', '3', '4']));
    expect(ssm.versions(NAME)).toHaveLength(4);
    for (const [i, b] of builds.entries()) {
      expectActiveVersion(b, runs[i]!.result!.documentVersion);
      expectS3HoldsBuild(b);
    }
  });

  it('3 publishers of different versions against an endpoint that rejects concurrent updates (TooManyUpdates)', async () => {
    await startServers({ statusDelayMs: 20, mutationHoldMs: 100, concurrentMutations: 'reject' });
    await ok(await build('1.0.0'));
    const builds = await Promise.all(['1.1.0', '1.2.0', '1.3.0'].map((v) => build(v)));
    const runs = await Promise.all(builds.map((b) => run(b)));
    for (const r of runs) expect(r.error?.message, r.log.join('\n')).toBeUndefined();
    expect(ssm.versions(NAME)).toHaveLength(4);
    for (const [i, b] of builds.entries()) expectActiveVersion(b, runs[i]!.result!.documentVersion);
  });
});
