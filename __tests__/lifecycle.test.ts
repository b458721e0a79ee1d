// The version lifecycle of publish through the committed dist/index.js and in process, against the test endpoints: the
// version limit refused before any upload, keep-versions deleting the oldest (never the default, the one
// just published or a pinned one), prune-dry-run, prune-s3 deleting exactly the keys of the pruned
// versions, and faults on DeleteDocument ending in exactly the intended state.
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanupTemp, tempDir, validPackage } from './support/pkg.js';
import type { Way } from './support/both-ways.js';
import { runAction, runActionInProcess } from './support/runner.js';
import { BUCKET, type Endpoints, NAME as DOC, PREFIX, startEndpoints } from './support/aws-env.js';
import type { S3Fake } from './support/s3-server.js';
import type { SeedVersion, SsmFake } from './support/ssm-server.js';

let e: Endpoints;
let s3: S3Fake;
let ssm: SsmFake;

beforeEach(async () => {
  e = await startEndpoints({ statusDelayMs: 30 });
  ({ s3, ssm } = e);
});
afterEach(async () => {
  await e.close();
});
afterAll(cleanupTemp);

/** How a scenario runs: the bundle as a child process, or run() in this process (measured by coverage). */
let way: Way = 'dist';

function publishRun(inputs: Record<string, string> = {}) {
  return (way === 'dist' ? runAction : runActionInProcess)(
    {
      mode: 'publish',
      'package-dir': validPackage(),
      'output-dir': path.join(tempDir(), 'out'),
      version: '9.0.0',
      's3-bucket': BUCKET,
      's3-prefix': PREFIX,
      'wait-timeout-seconds': '30',
      'request-timeout-seconds': '5',
      ...inputs,
    },
    {
      env: { ...e.env, GITHUB_EVENT_NAME: 'push' },
    },
  );
}

const said = (r: { stdout: string; summary: string }) => `${r.stdout}\n${r.summary}`;
const numbers = () => ssm.versions(DOC).map((v) => v.documentVersion);
const seeded = (n: number, over: Record<number, Partial<SeedVersion>> = {}): SeedVersion[] =>
  Array.from({ length: n }, (_, i) => ({
    versionName: `0.0.${i + 1}`,
    files: ['linux.zip', 'windows.zip'],
    ...over[i + 1],
  }));
const pruned = (r: { outputs: Record<string, string> }) =>
  JSON.parse(r.outputs['pruned-versions'] ?? 'null') as
    { documentVersion: string; versionName?: string }[] | null;

/** The objects this action would have written for a seeded version (its files and its manifest). */
function writeObjectsOf(version: string): string[] {
  const keys = [
    `${PREFIX}/${DOC}/${version}/linux.zip`,
    `${PREFIX}/${DOC}/${version}/windows.zip`,
    `${PREFIX}/${DOC}/manifests/${version}.json`,
  ];
  for (const k of keys) s3.putObject(BUCKET, k, `bytes of ${k}`);
  return keys;
}

describe.each(['in-process', 'dist'] as const)('%s', (w) => {
  beforeEach(() => {
    way = w;
  });

  describe('the version limit, before any upload', () => {
    it('refuses a publish that would exceed 25 versions, with the count and the exact fix; nothing uploaded', async () => {
      ssm.seed(DOC, seeded(25));
      const r = await publishRun();
      expect(r.code).not.toBe(0);
      expect(s3.count('PutObject')).toBe(0);
      expect(ssm.count('UpdateDocument')).toBe(0);
      expect(ssm.count('DeleteDocument')).toBe(0);
      expect(said(r)).toContain(
        'TestAgent holds 25 versions, the most SSM allows a package (25); publishing 9.0.0 would make 26. Nothing was uploaded.',
      );
      // The fix: keep-versions, or the exact command for the oldest deletable version (1 is the default).
      expect(said(r)).toContain('keep-versions');
      expect(said(r)).toContain('aws ssm delete-document --name TestAgent --version-name 0.0.2');
      expect(numbers()).toHaveLength(25);
    });

    it('with keep-versions, deletes the minimum first (the oldest deletable), then publishes', async () => {
      ssm.seed(DOC, seeded(25));
      const pin = ssm.addAssociation({
        parameters: { action: ['Install'], name: [DOC], version: ['0.0.2'] },
      });
      const r = await publishRun({ 'keep-versions': '25' });
      expect(r.code, said(r)).toBe(0);
      // 1 is the default, 2 is pinned: 3 made room, before the first upload.
      expect(pruned(r)).toEqual([{ documentVersion: '3', versionName: '0.0.3' }]);
      const del = ssm.calls('DeleteDocument');
      expect(del.map((c) => c.input.DocumentVersion)).toEqual(['3']);
      expect(del[0]!.at).toBeLessThanOrEqual(s3.calls('PutObject')[0]!.at);
      expect(numbers()).toHaveLength(25);
      expect(numbers()).toContain('26');
      expect(ssm.associations().map((a) => a.associationId)).toEqual([pin]);
    });

    it('with prune-dry-run at the limit, deletes nothing and uploads nothing, and says what it would delete', async () => {
      ssm.seed(DOC, seeded(25));
      const r = await publishRun({ 'keep-versions': '10', 'prune-dry-run': 'true' });
      expect(r.code).not.toBe(0);
      expect(s3.count('PutObject')).toBe(0);
      expect(ssm.count('DeleteDocument')).toBe(0);
      expect(said(r)).toContain('keep-versions would first delete document version 2 (0.0.2)');
    });

    it('when every old version is protected, refuses before the upload and says why', async () => {
      ssm.seed(DOC, seeded(25, { 2: { status: 'Creating' } }));
      for (let v = 3; v <= 25; v++)
        ssm.addAssociation({
          parameters: {
            action: ['Install'],
            name: [`arn:aws:ssm:us-east-1:123456789012:document/${DOC}`],
            version: [String(v)],
          },
        });
      const r = await publishRun({ 'keep-versions': '5' });
      expect(r.code).not.toBe(0);
      expect(s3.count('PutObject')).toBe(0);
      expect(ssm.count('DeleteDocument')).toBe(0);
      expect(said(r)).toContain('keep-versions cannot make room');
      expect(said(r)).toContain('1 (0.0.1): the default version');
      expect(said(r)).toContain('2 (0.0.2): status Creating');
    });
  });

  describe('keep-versions after a successful publish', () => {
    it('deletes the oldest beyond N, never the default, the one just published or a pinned one, and lists them', async () => {
      // 7 versions; the default is 3; 2 is pinned by version name, 5 by number; 6 follows the default.
      ssm.seed(DOC, seeded(7), { defaultVersion: '3' });
      ssm.addAssociation({ parameters: { action: ['Install'], name: [DOC], version: ['0.0.2'] } });
      ssm.addAssociation({ parameters: { action: ['Install'], name: [DOC], version: ['5'] } });
      ssm.addAssociation({ parameters: { action: ['Install'], name: [DOC], version: [''] } });
      ssm.addAssociation({ parameters: { action: ['Install'], name: ['OtherAgent'], version: ['0.0.1'] } });
      ssm.addAssociation({ name: 'AWS-RunShellScript', parameters: { name: [DOC], version: ['0.0.4'] } });
      const r = await publishRun({ 'keep-versions': '4' });
      expect(r.code, said(r)).toBe(0);
      // 8 versions, keep 4: delete 4 — the oldest deletable are 1, 4, 6, 7 (2 pinned, 3 default, 5 pinned, 8 ours).
      expect(pruned(r)).toEqual([
        { documentVersion: '1', versionName: '0.0.1' },
        { documentVersion: '4', versionName: '0.0.4' },
        { documentVersion: '6', versionName: '0.0.6' },
        { documentVersion: '7', versionName: '0.0.7' },
      ]);
      expect(numbers()).toEqual(['2', '3', '5', '8']);
      expect(r.outputs.changed).toBe('true');
      expect(ssm.count('DescribeAssociation')).toBeGreaterThanOrEqual(4);
    });

    it('a re-run deletes nothing more', async () => {
      ssm.seed(DOC, seeded(4));
      expect((await publishRun({ 'keep-versions': '2' })).code).toBe(0);
      expect(numbers()).toEqual(['1', '5']);
      ssm.newRun();
      const again = await publishRun({ 'keep-versions': '2' });
      expect(again.code, said(again)).toBe(0);
      expect(ssm.runCount('DeleteDocument')).toBe(0);
      expect(pruned(again)).toEqual([]);
      expect(again.outputs.changed).toBe('false');
    });

    it('with set-default, keeps the previous default too (the rollback target)', async () => {
      ssm.seed(DOC, seeded(4), { defaultVersion: '4' });
      const r = await publishRun({ 'keep-versions': '2', 'set-default': 'true' });
      expect(r.code, said(r)).toBe(0);
      expect(ssm.document(DOC)!.defaultVersion).toBe('5');
      expect(numbers()).toEqual(['4', '5']);
    });

    it('keeps the previous default recorded in the tags (what rollback returns to)', async () => {
      ssm.seed(DOC, seeded(4), {
        defaultVersion: '4',
        tags: [
          { Key: 'distributor:previous-default', Value: '2' },
          { Key: 'distributor:previous-default-name', Value: '0.0.2' },
        ],
      });
      const r = await publishRun({ 'keep-versions': '2' });
      expect(r.code, said(r)).toBe(0);
      expect(numbers()).toEqual(['2', '4', '5']);
      expect(pruned(r)).toEqual([
        { documentVersion: '1', versionName: '0.0.1' },
        { documentVersion: '3', versionName: '0.0.3' },
      ]);
    });

    it('prune-dry-run lists what it would delete and deletes nothing', async () => {
      ssm.seed(DOC, seeded(5));
      const keys = writeObjectsOf('0.0.2');
      const r = await publishRun({ 'keep-versions': '3', 'prune-dry-run': 'true', 'prune-s3': 'true' });
      expect(r.code, said(r)).toBe(0);
      expect(pruned(r)).toEqual([
        { documentVersion: '2', versionName: '0.0.2' },
        { documentVersion: '3', versionName: '0.0.3' },
        { documentVersion: '4', versionName: '0.0.4' },
      ]);
      expect(ssm.count('DeleteDocument')).toBe(0);
      expect(s3.count('DeleteObject')).toBe(0);
      expect(numbers()).toEqual(['1', '2', '3', '4', '5', '6']);
      for (const k of keys) expect(s3.object(BUCKET, k)).toBeDefined();
    });

    it('prune-s3 deletes exactly the keys this action wrote for the pruned versions', async () => {
      ssm.seed(DOC, seeded(4));
      const ofPruned = [...writeObjectsOf('0.0.2'), ...writeObjectsOf('0.0.3')];
      const ofKept = writeObjectsOf('0.0.4');
      // Objects that look alike but are not the action's: another prefix, a file no manifest names, another package.
      const others = [
        `other/${DOC}/0.0.2/linux.zip`,
        `${PREFIX}/${DOC}/0.0.2/notes.txt`,
        `${PREFIX}/OtherAgent/0.0.2/linux.zip`,
        `${PREFIX}/${DOC}/0.0.2-rc/linux.zip`,
      ];
      for (const k of others) s3.putObject(BUCKET, k, 'not ours');
      const before = s3.keys(BUCKET);
      const r = await publishRun({ 'keep-versions': '3', 'prune-s3': 'true' });
      expect(r.code, said(r)).toBe(0);
      expect(pruned(r)).toEqual([
        { documentVersion: '2', versionName: '0.0.2' },
        { documentVersion: '3', versionName: '0.0.3' },
      ]);
      const after = s3.keys(BUCKET);
      expect(before.filter((k) => !after.includes(k)).sort()).toEqual([...ofPruned].sort());
      for (const k of [...ofKept, ...others]) expect(after).toContain(k);
      expect(
        s3
          .calls('DeleteObject')
          .map((c) => c.key)
          .sort(),
      ).toEqual([...ofPruned].sort());
      expect(s3.count('ListObjectsV2')).toBe(0);
    });

    it('without prune-s3, no S3 object is deleted', async () => {
      ssm.seed(DOC, seeded(3));
      const keys = writeObjectsOf('0.0.2');
      const r = await publishRun({ 'keep-versions': '2' });
      expect(r.code, said(r)).toBe(0);
      expect(numbers()).toEqual(['1', '4']);
      expect(s3.count('DeleteObject')).toBe(0);
      for (const k of keys) expect(s3.object(BUCKET, k)).toBeDefined();
    });
  });

  describe('faults on DeleteDocument', () => {
    for (const fault of [
      'throttle',
      '500-before',
      '500-after-commit',
      'reset-after-commit',
      'too-many-updates',
    ] as const) {
      it(`${fault}: exactly the oldest beyond N are deleted, and the publish succeeds`, async () => {
        ssm.seed(DOC, seeded(5));
        const f = ssm.inject('DeleteDocument', fault, { after: 1 });
        const r = await publishRun({ 'keep-versions': '3' });
        expect(f.fired, 'the fault fired').toBe(1);
        expect(r.code, said(r)).toBe(0);
        expect(numbers()).toEqual(['1', '5', '6']);
        expect(pruned(r)).toEqual([
          { documentVersion: '2', versionName: '0.0.2' },
          { documentVersion: '3', versionName: '0.0.3' },
          { documentVersion: '4', versionName: '0.0.4' },
        ]);
      });
    }

    it('a refusal that outlasts the retries fails the step, says the version is published and what was deleted; a re-run converges', async () => {
      ssm.seed(DOC, seeded(5));
      const f = ssm.inject('DeleteDocument', 'throttle', { after: 1, times: 50 });
      const r = await publishRun({ 'keep-versions': '3' });
      expect(f.fired).toBeGreaterThan(0);
      expect(r.code).not.toBe(0);
      expect(said(r)).toContain('DeleteDocument');
      // The version is published; version 2 was deleted before the failure, 3 and 4 are still there.
      expect(numbers()).toEqual(['1', '3', '4', '5', '6']);
      expect(ssm.version(DOC, '6')!.status).toBe('Active');
      expect(pruned(r)).toEqual([{ documentVersion: '2', versionName: '0.0.2' }]);
      f.cancel();
      ssm.newRun();
      const again = await publishRun({ 'keep-versions': '3' });
      expect(again.code, said(again)).toBe(0);
      expect(numbers()).toEqual(['1', '5', '6']);
      expect(ssm.runCount('UpdateDocument')).toBe(0);
    });

    it('the default version cannot be deleted: a default moved meanwhile stays, and the run succeeds', async () => {
      ssm.seed(DOC, seeded(3));
      // Another writer makes 2 the default between the listing and its delete: SSM refuses, 2 stays.
      let moved = 0;
      ssm.delay = (op) => {
        if (op === 'DeleteDocument' && moved++ === 0) ssm.setDefaultVersion(DOC, '2');
        return 0;
      };
      const r = await publishRun({ 'keep-versions': '2' });
      expect(moved).toBeGreaterThan(0);
      expect(r.code, said(r)).toBe(0);
      expect(ssm.calls('DeleteDocument')[0]!.code).toBe('InvalidDocumentOperation');
      expect(numbers()).toEqual(['1', '2', '4']);
      expect(pruned(r)).toEqual([{ documentVersion: '3', versionName: '0.0.3' }]);
      expect(said(r)).toContain("Default version of the document can't be deleted.");
    });

    it('the test server: DeleteDocument without a version deletes the whole document', async () => {
      ssm.seed(DOC, seeded(2));
      const { SSMClient, DeleteDocumentCommand } = await import('@aws-sdk/client-ssm');
      const c = new SSMClient({
        region: 'us-east-1',
        endpoint: ssm.endpoint,
        credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' },
      });
      try {
        await expect(
          c.send(new DeleteDocumentCommand({ Name: DOC, DocumentVersion: '1' })),
        ).rejects.toMatchObject({
          name: 'InvalidDocumentOperation',
        });
        await c.send(new DeleteDocumentCommand({ Name: DOC }));
        expect(ssm.document(DOC)).toBeUndefined();
      } finally {
        c.destroy();
      }
    });
  });
});
