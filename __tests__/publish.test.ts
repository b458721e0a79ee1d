// publish() in-process against the local STS, SSM and S3 endpoints, through the real AWS SDK over HTTP.
// Every case checks what the endpoints hold afterwards (versions, statuses, defaults, tags, stored bytes),
// not only what publish() returned, and every failure is an ActionError of the right kind. publish()
// runs on a fast clock (its pauses pass 50× faster); the endpoints run on real time.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PublishOptions, type PublishResult, publish } from '../src/aws/publish.js';
import { ActionError } from '../src/errors.js';
import { parseTags } from '../src/inputs.js';
import {
  ACCOUNT,
  BUCKET,
  type Built,
  buildVersion,
  closedPort,
  convergenceProblems,
  type Endpoints,
  fastTime,
  NAME,
  PREFIX,
  publishOptions,
  REGION,
  restoreAwsEnvAfterAll,
  startEndpoints,
  useEndpoints,
} from './support/aws-env.js';
import { sha256 as sha } from './support/hash.js';
import { cleanupTemp } from './support/pkg.js';
import type { S3Fake } from './support/s3-server.js';
import type { SsmFake, SsmFault, SsmOp, SsmOptions } from './support/ssm-server.js';
import type { StsFake } from './support/sts-server.js';

restoreAwsEnvAfterAll();
afterAll(cleanupTemp);

// ====================================================================== environment

let endpoints: Endpoints | undefined;
let s3: S3Fake;
let ssm: SsmFake;
let sts: StsFake;

/** Starts fresh endpoints and points the SDK (which reads these variables from process.env) at them. */
async function startServers(opts: SsmOptions = {}, ssmSeesS3 = true): Promise<void> {
  endpoints = await startEndpoints({ statusDelayMs: 40, ...opts }, { ssmSeesS3 });
  ({ s3, ssm, sts } = endpoints);
  useEndpoints(endpoints);
}

async function stopServers(): Promise<void> {
  await endpoints?.close();
  endpoints = undefined;
}

// ====================================================================== builds and runs

const build = (version = '1.0.0', variant = ''): Promise<Built> => buildVersion(version, variant);

interface Run {
  result: PublishResult | undefined;
  error: ActionError | undefined;
  log: string[];
  /** Real time the run took. */
  ms: number;
  /** The pauses publish() asked for (on its fast clock). */
  slept: number[];
}

/** Runs publish() and captures its outcome instead of throwing; anything thrown must be an ActionError. */
async function run(b: Built, over: Partial<PublishOptions> = {}): Promise<Run> {
  const log: string[] = [];
  const time = fastTime();
  const started = Date.now();
  const o = publishOptions(b, {
    requestTimeoutMs: 2000,
    log: (l) => log.push(l),
    now: time.now,
    sleep: time.sleep,
    ...over,
  });
  try {
    const result = await publish(o);
    return { result, error: undefined, log, ms: Date.now() - started, slept: time.slept };
  } catch (e) {
    if (!(e instanceof ActionError))
      throw new Error(`publish() threw a ${String(e)} that is not an ActionError`, { cause: e });
    return { result: undefined, error: e, log, ms: Date.now() - started, slept: time.slept };
  }
}

async function ok(b: Built, over: Partial<PublishOptions> = {}): Promise<PublishResult> {
  const r = await run(b, over);
  if (r.error) throw new Error(`publish failed: ${r.error.message}\n${r.log.join('\n')}`);
  return r.result!;
}

async function fails(b: Built, over: Partial<PublishOptions> = {}): Promise<Run & { error: ActionError }> {
  const r = await run(b, over);
  if (!r.error) throw new Error(`publish succeeded but should have failed:\n${r.log.join('\n')}`);
  return r as Run & { error: ActionError };
}

/** What the user is told: the message and what to do. */
const told = (e: ActionError) => `${e.message}\n${e.hint ?? ''}`;

const keyOf = (b: Built, file: string) => `${PREFIX}/${b.name}/${b.version}/${file}`;
/** manifest.json goes next to the version's folder, not into it (the folder is the SourceUrl). */
const manifestKeyOf = (b: Built) => `${PREFIX}/${b.name}/manifests/${b.version}.json`;

/** Every built file is in S3 under the version prefix, and manifest.json beside it, with exactly the local bytes. */
function expectS3HoldsBuild(b: Built): void {
  const local = [
    ...b.files.map((f) => ({ key: keyOf(b, f.name), bytes: readFileSync(f.path), sha256: f.sha256 })),
    { key: manifestKeyOf(b), bytes: b.manifestBytes, sha256: b.manifestSha256 },
  ];
  expect(s3.keys(BUCKET, `${PREFIX}/${b.name}/${b.version}/`).sort()).toEqual(
    b.files.map((f) => keyOf(b, f.name)).sort(),
  );
  expect(s3.keys(BUCKET, `${PREFIX}/${b.name}/manifests/`)).toContain(manifestKeyOf(b));
  for (const f of local) {
    const stored = s3.object(BUCKET, f.key);
    expect(stored, f.key).toBeDefined();
    expect(stored!.body.equals(f.bytes), `${f.key} bytes`).toBe(true);
    expect(sha(stored!.body), f.key).toBe(f.sha256);
    expect(sha(f.bytes), f.key).toBe(f.sha256);
    // The checksum S3 keeps is the one publish() sent (so later HeadObject skips can trust it).
    expect(stored!.checksumSHA256, f.key).toBe(Buffer.from(f.sha256, 'hex').toString('base64'));
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
  const byName = (x: { name: string }, y: { name: string }) => (x.name < y.name ? -1 : 1);
  expect(v.files.map((f) => ({ name: f.Name, size: f.Size, sha256: f.Hash })).sort(byName)).toEqual(
    b.files.map((f) => ({ name: f.name, size: f.size, sha256: f.sha256 })).sort(byName),
  );
}

/** SSM was asked once to create `version`, with the documented members (and `extra`). */
function expectOneCall(
  op: 'CreateDocument' | 'UpdateDocument',
  version: string,
  extra: Record<string, unknown>,
) {
  const calls = ssm.calls(op);
  expect(calls).toHaveLength(1);
  expect(calls[0]!.input).toMatchObject({
    Name: NAME,
    DocumentFormat: 'JSON',
    VersionName: version,
    Attachments: [{ Key: 'SourceUrl', Values: [`s3://${BUCKET}/${PREFIX}/${NAME}/${version}`] }],
    ...extra,
  });
  return calls[0]!;
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
      versionCreated: true,
      documentCreated: true,
      defaultChanged: true,
      previousDefaultVersion: undefined,
      tagsChanged: [],
      uploaded: b.files.length + 1,
      s3Uri: `s3://${BUCKET}/${PREFIX}/${NAME}/1.0.0`,
    });
    expect(res.consoleUrl).toContain(`${REGION}.console.aws.amazon.com/systems-manager/documents/${NAME}`);
    expect(res.uploads.map((u) => [u.name, u.key, u.action, u.sha256])).toEqual([
      ...b.files.map((f) => [f.name, keyOf(b, f.name), 'uploaded', f.sha256]),
      ['manifest.json', manifestKeyOf(b), 'uploaded', b.manifestSha256],
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
    const create = expectOneCall('CreateDocument', '1.0.0', { DocumentType: 'Package' });
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
    expect(create.at).toBeGreaterThanOrEqual(lastHead);
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
      previousDefaultVersion: '1',
      changed: true,
      versionCreated: true,
      documentCreated: false,
      defaultChanged: false,
      uploaded: v2.files.length + 1,
    });
    expectOneCall('UpdateDocument', '1.1.0', { DocumentVersion: '$LATEST' });
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
    expect(res).toMatchObject({
      documentVersion: '2',
      defaultVersion: '2',
      previousDefaultVersion: '1',
      status: 'Active',
      defaultChanged: true,
      versionCreated: true,
    });
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
    expect(again).toMatchObject({
      changed: false,
      defaultVersion: '2',
      defaultChanged: false,
      versionCreated: false,
    });
    expect(writes()).toEqual(before);
  });

  it('a re-run that only moves the default (set-default on a published version) reports changed, not created', async () => {
    const v1 = await build('1.0.0');
    await ok(v1);
    const v2 = await build('1.1.0');
    await ok(v2);
    expect(ssm.document(NAME)!.defaultVersion).toBe('1');
    const before = writes();
    const res = await ok(v2, { setDefault: true });
    expect(res).toMatchObject({
      documentVersion: '2',
      defaultVersion: '2',
      previousDefaultVersion: '1',
      changed: true,
      defaultChanged: true,
      versionCreated: false,
      documentCreated: false,
      uploaded: 0,
      tagsChanged: [],
    });
    expect(res.uploads).toEqual([]);
    // The writes were the default and its rollback record (the previous default, in the tags).
    expect(writes()).toEqual({ ssm: before.ssm + 2, puts: before.puts });
    expect(ssm.calls('AddTagsToResource').at(-1)?.input.Tags).toEqual([
      { Key: 'distributor:previous-default', Value: '1' },
      { Key: 'distributor:previous-default-name', Value: '1.0.0' },
      { Key: 'distributor:default-set-to', Value: '2' },
    ]);
    expect(ssm.calls('UpdateDocumentDefaultVersion').map((c) => c.input.DocumentVersion)).toEqual(['2']);
    expect(ssm.document(NAME)!.defaultVersion).toBe('2');
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
      versionCreated: false,
      defaultChanged: false,
      tagsChanged: [],
      uploaded: 0,
      documentVersion: '1',
      status: 'Active',
      defaultVersion: '1',
      previousDefaultVersion: '1',
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
    expect(r.error.kind).toBe('conflict');
    expect(r.error.hint).toMatch(/bump the version/);
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
    expect(r.error.kind).toBe('conflict');
    expect(r.error.message).toMatch(/1\.0\.0 of TestAgent is already published \(document version 1/);
    expect(r.error.message).toContain('on-existing-version');
    expect(writes()).toEqual(before);
    expect(ssm.versions(NAME)).toHaveLength(1);
  });

  it('tags are set with CreateDocument, added later only when they differ, and others are left alone', async () => {
    const first = await ok(await build('1.0.0'), { tags: tags('team=platform\nowner=ops') });
    expect(first.tagsChanged).toEqual(['team', 'owner']);
    expect(ssm.calls('CreateDocument')[0]!.input.Tags).toEqual([
      { Key: 'team', Value: 'platform' },
      { Key: 'owner', Value: 'ops' },
    ]);
    expect(tagsOf(NAME)).toEqual({ team: 'platform', owner: 'ops' });
    expect(ssm.count('AddTagsToResource')).toBe(0);
    // Same tags on a later version: read, found equal, not written.
    const second = await ok(await build('1.1.0'), { tags: tags('team=platform\nowner=ops') });
    expect(second.tagsChanged).toEqual([]);
    expect(ssm.count('ListTagsForResource')).toBe(1);
    expect(ssm.count('AddTagsToResource')).toBe(0);
    // Changed and new tags: only those are written; a tag not given stays.
    const third = await ok(await build('1.2.0'), { tags: tags('{"owner":"sre","cost-center":"42"}') });
    expect(third.tagsChanged).toEqual(['owner', 'cost-center']);
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

  it('a re-run that only changes tags reports changed, with the keys', async () => {
    const v1 = await build('1.0.0');
    await ok(v1, { tags: tags('team=platform') });
    const res = await ok(v1, { tags: tags('team=sre') });
    expect(res).toMatchObject({
      changed: true,
      tagsChanged: ['team'],
      versionCreated: false,
      defaultChanged: false,
    });
    expect(tagsOf(NAME)).toEqual({ team: 'sre' });
  });

  it('objects left by an earlier attempt with the same bytes are kept, not uploaded again', async () => {
    const b = await build('1.0.0');
    const first = b.files[0]!;
    s3.putObject(BUCKET, keyOf(b, first.name), readFileSync(first.path));
    const res = await ok(b);
    expect(res.uploads.find((u) => u.name === first.name)?.action).toBe('present');
    expect(res.uploaded).toBe(b.files.length); // the others and manifest.json
    expect(s3.calls('PutObject').map((c) => c.key)).not.toContain(keyOf(b, first.name));
    expectS3HoldsBuild(b);
    expectActiveVersion(b, '1');
  });

  it('a stale object with other content at a key of the version (no SSM version) is a clear conflict', async () => {
    const b = await build('1.0.0');
    const stale = Buffer.from('{"from":"another build"}');
    s3.putObject(BUCKET, manifestKeyOf(b), stale, 'application/json');
    const r = await fails(b);
    expect(r.error.kind).toBe('conflict');
    expect(r.error.message).toContain(`s3://${BUCKET}/${manifestKeyOf(b)}`);
    expect(r.error.message).toContain('already holds different content');
    expect(r.error.message).toContain(sha(stale));
    expect(r.error.message).toContain(b.manifestSha256);
    expect(ssm.mutations().attempted).toBe(0);
    expect(ssm.documents()).toEqual([]);
    expect(s3.object(BUCKET, manifestKeyOf(b))!.body.equals(stale)).toBe(true);
    expect(s3.calls('PutObject').map((c) => c.key)).not.toContain(manifestKeyOf(b));
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
    expect(r.error.kind).toBe('service');
    expect(r.error.message).toContain(v[0]!.statusInformation!);
    expect(r.error.message).toContain('1.0.0');
    expect(r.error.hint).toContain('s3:GetObject');
    // The failed first version is the document's only version and its default: delete the document.
    expect(r.error.hint).toContain(`(aws ssm delete-document --name ${NAME}).`);
    expect(r.error.hint).not.toContain('--version-name');
    expectS3HoldsBuild(b);
  });

  it('a bucket that does not exist fails at the upload with what to check, before SSM is asked', async () => {
    await startServers();
    const b = await build('1.0.0');
    const r = await fails(b, { bucket: 'no-such-bucket-here' });
    expect(r.error).toMatchObject({ kind: 'not-found', code: 'NoSuchBucket' });
    expect(r.error.message).toContain('NoSuchBucket');
    expect(r.error.hint).toContain('s3-bucket');
    expect(ssm.mutations().attempted).toBe(0);
    expect(s3.keys(BUCKET)).toEqual([]);
  });

  it("a bucket SSM cannot find ends Failed with the service's text and the bucket hint", async () => {
    await startServers({}, false); // this SSM endpoint sees no S3 at all
    const b = await build('1.0.0');
    const r = await fails(b);
    expect(ssm.versions(NAME)[0]?.status).toBe('Failed');
    expect(r.error.kind).toBe('service');
    expect(r.error.message).toContain("The specified S3 bucket doesn't exist");
    expect(r.error.hint).toContain('Check `s3-bucket`');
  });

  it('bytes corrupted in storage are caught by the read-back before SSM is called', async () => {
    await startServers();
    const b = await build('1.0.0');
    s3.inject('PutObject', 'corrupt-stored-bytes');
    const r = await fails(b);
    // The ZIPs go up together: the fault hit whichever PUT arrived first.
    const hit = s3.calls('PutObject').filter((c) => c.fault === 'corrupt-stored-bytes');
    expect(hit).toHaveLength(1);
    const first = b.files.find((f) => keyOf(b, f.name) === hit[0]!.key)!;
    const stored = s3.object(BUCKET, keyOf(b, first.name))!;
    expect(sha(stored.body)).not.toBe(first.sha256);
    expect(r.error.kind).toBe('service');
    expect(r.error.message).toContain(keyOf(b, first.name));
    expect(r.error.message).toContain(first.sha256);
    expect(r.error.message).toContain(sha(stored.body));
    expect(ssm.mutations().attempted).toBe(0);
    expect(ssm.count()).toBe(1); // only the ListDocumentVersions lookup
    // Stopped before the manifest: only the ZIPs under way were put.
    expect(s3.calls('PutObject').map((c) => c.key)).not.toContain(manifestKeyOf(b));
    expect(s3.count('PutObject')).toBeLessThanOrEqual(b.files.length);
  });

  it('an object changed between the read-back and ingestion ends Failed with the checksum text and hint', async () => {
    await startServers({ statusDelayMs: 400 });
    const b = await build('1.0.0');
    const target = b.files[0]!;
    const pending = run(b);
    while (ssm.count('CreateDocument') === 0) await new Promise((r) => setTimeout(r, 5));
    s3.putObject(BUCKET, keyOf(b, target.name), Buffer.from('replaced'));
    const r = await pending;
    expect(r.error?.kind).toBe('service');
    expect(ssm.versions(NAME)[0]?.status).toBe('Failed');
    expect(r.error!.message).toContain(`The sha256 checksum of file ${target.name}`);
    expect(r.error!.hint).toContain('changed after upload');
  });

  it('a wait timeout says the state and that a re-run resumes; the re-run then finishes without a new version', async () => {
    await startServers({ statusDelayMs: Number.POSITIVE_INFINITY });
    const b = await build('1.0.0');
    const r = await fails(b, { waitTimeoutMs: 1500 });
    expect(r.error.kind).toBe('timeout');
    expect(r.error.message).toMatch(/still Creating after \d+ s/);
    expect(r.error.hint).toMatch(/re-run to resume/i);
    // It waited (on its clock) for the whole wait-timeout, pausing between polls.
    expect(r.slept.reduce((a, x) => a + x, 0)).toBeGreaterThan(700);
    expect(r.slept.reduce((a, x) => a + x, 0)).toBeLessThanOrEqual(1500);
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
    expect(r.error).toMatchObject({ kind: 'limit', code: 'DocumentVersionLimitExceeded' });
    expect(r.error.message).toContain(`${NAME} has 2 versions`);
    expect(r.error.hint).toContain('delete-document');
    expect(ssm.versions(NAME).map((v) => v.versionName)).toEqual(['1.0.0', '1.1.0']);
  });
});

describe('publish(): a 5xx after the server committed a mutating call', () => {
  beforeEach(() => startServers({ statusDelayMs: 20 }));
  afterEach(stopServers);

  /**
   * Publishes `b` with the first `times` answers of `op` lost after SSM committed the call: the run must
   * succeed, and no Duplicate*, DocumentAlreadyExists or raw 5xx text may reach what the user sees.
   */
  async function losingAnswers(op: SsmOp, times: number, b: Built, over: Partial<PublishOptions> = {}) {
    ssm.inject(op, '500-after-commit', { times });
    const r = await run(b, over);
    expect(r.error, r.log.join('\n')).toBeUndefined();
    expect(ssm.calls(op)[0]).toMatchObject({ committed: true, fault: '500-after-commit' });
    expect(r.log.join('\n')).not.toMatch(/Duplicate/);
    return { result: r.result!, faults: ssm.calls(op).map((c) => c.fault) };
  }

  for (const times of [1, 3]) {
    it(`CreateDocument (${times}×) → success with version 1`, async () => {
      const b = await build('1.0.0');
      const { result } = await losingAnswers('CreateDocument', times, b, { tags: tags('team=a') });
      // The answer was lost, yet this run created the version (and the document, with its tags).
      expect(result).toMatchObject({ documentVersion: '1', status: 'Active', versionCreated: true });
      expect(result).toMatchObject({ documentCreated: true, changed: true, tagsChanged: ['team'] });
      expectActiveVersion(b, '1');
      expect(ssm.versions(NAME)).toHaveLength(1);
      expect(tagsOf(NAME)).toEqual({ team: 'a' });
    });

    it(`UpdateDocument (${times}×) → success with version 2`, async () => {
      await ok(await build('1.0.0'));
      const b = await build('1.1.0');
      const { result } = await losingAnswers('UpdateDocument', times, b);
      expect(result).toMatchObject({
        documentVersion: '2',
        status: 'Active',
        versionCreated: true,
        changed: true,
      });
      expectActiveVersion(b, '2');
      expect(ssm.versions(NAME)).toHaveLength(2);
    });

    it(`UpdateDocumentDefaultVersion (${times}×) → success, default read back`, async () => {
      await ok(await build('1.0.0'));
      const b = await build('1.1.0');
      const { result } = await losingAnswers('UpdateDocumentDefaultVersion', times, b, { setDefault: true });
      expect(result).toMatchObject({ documentVersion: '2', defaultVersion: '2', defaultChanged: true });
      expect(ssm.document(NAME)!.defaultVersion).toBe('2');
      expectActiveVersion(b, '2');
    });
  }

  for (const [times, how] of [
    [1, 'absorbed by the SDK retry'],
    [3, 'beyond the SDK retries, read back'],
  ] as const) {
    it(`AddTagsToResource (${times}×, ${how}) → success, tags applied`, async () => {
      await ok(await build('1.0.0'));
      const { result, faults } = await losingAnswers('AddTagsToResource', times, await build('1.1.0'), {
        tags: tags('team=b'),
      });
      expect(result).toMatchObject({ documentVersion: '2', tagsChanged: ['team'] });
      expect(faults).toEqual(
        times === 1 ? ['500-after-commit', undefined] : Array(3).fill('500-after-commit'),
      );
      expect(tagsOf(NAME)).toEqual({ team: 'b' });
    });
  }
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
    const deadlineMs = 1000;
    const r = await fails(b, { deadline: started + deadlineMs, requestTimeoutMs: 600 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThanOrEqual(deadlineMs + 2000);
    expect(r.error.kind).toBe('timeout');
    expect(sts.calls().length).toBeGreaterThanOrEqual(1); // the stalled identity call
    expect(r.error.message).toContain('GetCallerIdentity');
    expect(r.error.message).toMatch(/deadline|did not complete in time|Timeout/i);
    expect(r.error.message).not.toMatch(/undefined/);
  });

  it('SSM stalling after identity: ends by the deadline, saying a re-run resumes', async () => {
    await startServers();
    ssm.stallAll = true;
    const b = await build('1.0.0');
    const started = Date.now();
    const r = await fails(b, { deadline: started + 800, requestTimeoutMs: 5000 });
    expect(Date.now() - started).toBeLessThanOrEqual(800 + 2000);
    expect(r.error.kind).toBe('timeout');
    expect(r.error.message).toContain('ListDocumentVersions'); // the call the endpoint held
    expect(r.error.message).toContain('reached its deadline');
    expect(r.error.hint).toMatch(/re-run/i);
    expect(ssm.mutations().attempted).toBe(0);
    expect(s3.count('PutObject')).toBe(0);
  });

  it('a stalled CreateDocument with a short request timeout is retried and the run converges', async () => {
    await startServers({ statusDelayMs: 20 });
    ssm.inject('CreateDocument', 'stall', { times: 2 });
    const b = await build('1.0.0');
    const res = await ok(b, { requestTimeoutMs: 250 });
    expect(res).toMatchObject({ documentVersion: '1', versionCreated: true });
    expect(ssm.calls('CreateDocument').map((c) => c.fault)).toEqual(['stall', 'stall', undefined]);
    expectActiveVersion(b, '1');
  });
});

describe('publish(): concurrent publishers', () => {
  afterEach(stopServers);
  /** Every version of the document and every object under the package prefix are those of `b` and `earlier`. */
  const converged = (b: Built, expectDefault: boolean, earlier: Built[] = []) =>
    convergenceProblems(endpoints!, b, expectDefault, { earlier });

  for (const n of [2, 5]) {
    it(`${n} publishers, same version and content: one version, all succeed with it`, async () => {
      await startServers({ statusDelayMs: 30, mutationHoldMs: 30 });
      const builds = await Promise.all(Array.from({ length: n }, () => build('1.0.0')));
      const runs = await Promise.all(builds.map((b) => run(b)));
      for (const r of runs) expect(r.error?.message, r.log.join('\n')).toBeUndefined();
      expect(new Set(runs.map((r) => r.result!.documentVersion))).toEqual(new Set(['1']));
      expect(runs.filter((r) => r.result!.versionCreated)).toHaveLength(1);
      // Each object was uploaded by exactly one run; a run that created nothing may still have uploaded some.
      expect(runs.reduce((a, r) => a + r.result!.uploaded, 0)).toBe(builds[0]!.files.length + 1);
      for (const r of runs)
        expect(r.result!.changed).toBe(r.result!.versionCreated || r.result!.uploaded > 0);
      expect(ssm.versions(NAME)).toHaveLength(1);
      expectActiveVersion(builds[0]!, '1');
      expectS3HoldsBuild(builds[0]!);
      expect(converged(builds[0]!, true)).toEqual([]);
    });
  }

  it('4 publishers of the same new version onto an existing document: one version, all succeed', async () => {
    await startServers({ statusDelayMs: 30, mutationHoldMs: 30 });
    const first = await build('1.0.0');
    await ok(first);
    const builds = await Promise.all(Array.from({ length: 4 }, () => build('1.1.0')));
    const runs = await Promise.all(builds.map((b) => run(b)));
    for (const r of runs) expect(r.error?.message, r.log.join('\n')).toBeUndefined();
    expect(new Set(runs.map((r) => r.result!.documentVersion))).toEqual(new Set(['2']));
    expect(ssm.versions(NAME)).toHaveLength(2);
    expectActiveVersion(builds[0]!, '2');
    expect(converged(builds[0]!, false, [first])).toEqual([]);
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
        expect(r.error!.kind).toBe('conflict');
        expect(r.error!.message).toContain('1.0.0');
        expect(r.error!.message).toMatch(/different (content|manifest)/);
      }
      expect(ssm.versions(NAME)).toHaveLength(1);
      expectActiveVersion(winner, '1');
      expectS3HoldsBuild(winner);
      expect(converged(winner, true)).toEqual([]);
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
      expect(
        converged(
          b,
          false,
          builds.filter((x) => x !== b),
        ),
      ).toEqual([]);
    }
  });

  it('3 publishers of different versions against an endpoint that rejects concurrent updates (TooManyUpdates)', async () => {
    await startServers({ statusDelayMs: 20, mutationHoldMs: 100, concurrentMutations: 'reject' });
    const first = await build('1.0.0');
    await ok(first);
    const builds = await Promise.all(['1.1.0', '1.2.0', '1.3.0'].map((v) => build(v)));
    const runs = await Promise.all(builds.map((b) => run(b)));
    for (const r of runs) expect(r.error?.message, r.log.join('\n')).toBeUndefined();
    expect(ssm.versions(NAME)).toHaveLength(4);
    for (const [i, b] of builds.entries()) {
      expectActiveVersion(b, runs[i]!.result!.documentVersion);
      expect(converged(b, false, [first, ...builds.filter((x) => x !== b)])).toEqual([]);
    }
    // The endpoint did turn updates away, and the publishers waited and tried again.
    expect(ssm.calls('UpdateDocument').filter((c) => c.code === 'TooManyUpdates').length).toBeGreaterThan(0);
    expect(runs.flatMap((r) => r.log).some((l) => l.startsWith('TooManyUpdates from SSM'))).toBe(true);
  });
});

describe('publish(): every failure is typed, with a hint that says what to do', () => {
  afterEach(stopServers);

  interface Case {
    name: string;
    /** Publish 1.0.0 first, so that the failing run (1.1.0) updates the document. */
    update?: boolean;
    /** Sets up the failure; the fault handle, when it is an injected fault. */
    arrange?: () => Promise<{ readonly fired: number } | undefined>;
    /** Or: an SSM fault answering every call of the operation. */
    ssmFault?: [SsmOp, SsmFault];
    /** How often the fault must have fired. */
    fired?: number;
    error: { kind: string; code: string; action?: string };
    hint: RegExp;
    check?: (r: Run & { error: ActionError }) => void;
  }

  /** The endpoint of `service` refuses connections. */
  const unreachable = (service: 'STS' | 'SSM') => ({
    arrange: async () => {
      process.env[`AWS_ENDPOINT_URL_${service}`] = `http://127.0.0.1:${await closedPort()}`;
      return undefined;
    },
    error: { kind: 'network', code: 'ECONNREFUSED' },
    hint: new RegExp(`AWS_ENDPOINT_URL_${service}`),
  });

  const CASES: Case[] = [
    {
      ...unreachable('STS'),
      name: 'an STS endpoint that refuses connections is a network failure about the endpoint, not credentials',
      check: (r) => {
        expect(r.error.message).toContain('GetCallerIdentity');
        expect(told(r.error)).not.toContain('configure-aws-credentials');
        expect(ssm.count()).toBe(0);
      },
    },
    {
      ...unreachable('SSM'),
      name: 'an SSM endpoint that refuses connections is a network failure naming AWS_ENDPOINT_URL_SSM',
      check: () => expect(s3.count('PutObject')).toBe(0),
    },
    {
      name: 'expired credentials are a credentials failure with the configure-aws-credentials hint',
      arrange: async () => sts.inject('GetCallerIdentity', 'expired-token'),
      fired: 1,
      error: { kind: 'credentials', code: 'ExpiredToken' },
      hint: /aws-actions\/configure-aws-credentials/,
    },
    {
      name: 'an identity call that is denied is a permission failure naming sts:GetCallerIdentity',
      arrange: async () => sts.inject('GetCallerIdentity', 'access-denied'),
      fired: 1,
      error: { kind: 'permission', code: 'AccessDenied', action: 'sts:GetCallerIdentity' },
      hint: /sts:GetCallerIdentity/,
    },
    {
      name: 'a denied PutObject is a permission failure naming s3:PutObject; nothing reaches SSM',
      arrange: async () => {
        s3.deny(BUCKET, `${PREFIX}/`, ['PutObject']);
        return undefined;
      },
      error: { kind: 'permission', code: 'AccessDenied', action: 's3:PutObject' },
      hint: /Grant s3:PutObject/,
      check: () => {
        // The ZIPs were put together, each refused; the manifest never was.
        const puts = s3.calls('PutObject');
        expect(puts.map((c) => c.status)).toEqual(puts.map(() => 403));
        expect(puts.length).toBeGreaterThan(0);
        expect(puts.length).toBeLessThanOrEqual(2);
        expect(puts.every((c) => !c.key?.includes('/manifests/'))).toBe(true);
        expect(ssm.mutations().attempted).toBe(0);
      },
    },
    {
      name: 'a denied UpdateDocument is a permission failure naming ssm:UpdateDocument, asked once',
      update: true,
      ssmFault: ['UpdateDocument', 'access-denied'],
      fired: 1,
      error: { kind: 'permission', code: 'AccessDeniedException', action: 'ssm:UpdateDocument' },
      hint: /Grant ssm:UpdateDocument/,
      check: () => expect(ssm.count('UpdateDocument')).toBe(1),
    },
    {
      name: 'InvalidDocumentVersion surfaces at once with its code instead of being retried until the deadline',
      update: true,
      ssmFault: ['UpdateDocument', 'not-latest'],
      fired: 1,
      error: { kind: 'conflict', code: 'InvalidDocumentVersion' },
      hint: /another writer/,
      check: (r) => {
        expect(r.error.message).toContain('is not latest');
        expect(r.slept).toEqual([]); // no pause before giving up
      },
    },
    {
      name: 'a ValidationException surfaces at once as an input failure',
      update: true,
      ssmFault: ['UpdateDocument', 'validation'],
      fired: 1,
      error: { kind: 'input', code: 'ValidationException' },
      hint: /SSM limits/,
      check: (r) => expect(r.error.message).toContain('validation error detected'),
    },
    {
      name: 'TooManyUpdates that never ends is throttled after a bounded number of attempts',
      update: true,
      ssmFault: ['UpdateDocument', 'too-many-updates'],
      fired: 10,
      error: { kind: 'throttled', code: 'TooManyUpdates' },
      hint: /one publisher at a time/,
      check: (r) => {
        expect(r.slept).toHaveLength(9);
        expect(r.log.filter((l) => l.startsWith('TooManyUpdates from SSM'))).toHaveLength(9);
      },
    },
    {
      name: 'throttling beyond the SDK retries is throttled, after the SDK waited through the injected sleep',
      ssmFault: ['ListDocumentVersions', 'throttle'],
      fired: 3, // the SDK's 3 attempts
      error: { kind: 'throttled', code: 'ThrottlingException' },
      hint: /kept throttling ListDocumentVersions/,
      check: (r) => {
        // Full jitter on the throttling base: the first pause at most 1 s, the second at most 2 s.
        expect(r.slept).toHaveLength(2);
        expect(r.slept[0]).toBeLessThanOrEqual(1000);
        expect(r.slept[1]).toBeLessThanOrEqual(2000);
      },
    },
  ];

  for (const c of CASES) {
    it(c.name, async () => {
      await startServers();
      if (c.update) await ok(await build('1.0.0'));
      const fault = c.ssmFault ? ssm.inject(...c.ssmFault, { times: 100 }) : await c.arrange?.();
      const r = await fails(await build(c.update ? '1.1.0' : '1.0.0'));
      expect(r.error).toMatchObject(c.error);
      expect(r.error.hint).toMatch(c.hint);
      if (c.fired !== undefined) expect(fault?.fired).toBe(c.fired);
      c.check?.(r);
    });
  }

  it('the deadline ends retries that would wait past it, as a timeout naming the last error', async () => {
    await startServers();
    await ok(await build('1.0.0'));
    ssm.inject('UpdateDocument', 'too-many-updates', { times: 100 });
    const time = fastTime();
    // Pauses of 500, 1000, 2000 ms (half of each ceiling): the third would end past the deadline.
    const r = await fails(await build('1.1.0'), {
      now: time.now,
      sleep: time.sleep,
      random: () => 0.5,
      deadline: time.now() + 3000,
    });
    expect(r.error).toMatchObject({ kind: 'timeout', code: 'TooManyUpdates' });
    expect(r.error.message).toContain('reached its deadline');
    expect(r.error.message).toContain('TooManyUpdates');
    expect(ssm.calls('UpdateDocument').map((c) => c.fault)).toEqual(Array(3).fill('too-many-updates'));
  });
});
