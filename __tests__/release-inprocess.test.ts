// mode: promote and the publish version lifecycle IN PROCESS: runMode() from src/main.ts against the test
// endpoints, then renderAction(). The same scenarios as promote.test.ts and lifecycle.test.ts (which run
// the bundle as a child process, unmeasured by coverage), asserting the outcome, the rendered outputs and
// summary, and what the endpoints hold afterwards.
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runMode } from '../src/main.js';
import type { Outcome } from '../src/modes/outcome.js';
import { renderAction } from '../src/report/action.js';
import {
  BUCKET,
  type Endpoints,
  PREFIX,
  restoreAwsEnvAfterAll,
  startEndpoints,
  useEndpoints,
} from './support/aws-env.js';
import { cleanupTemp, tempDir, validPackage } from './support/pkg.js';
import type { SeedVersion } from './support/ssm-server.js';

const NAME = 'AcmeAgent';
const DOC = 'TestAgent'; // the name in validPackage()'s distributor.yaml
const PREV = 'distributor:previous-default';
const PREV_NAME = 'distributor:previous-default-name';
const SET_TO = 'distributor:default-set-to';

restoreAwsEnvAfterAll();
let e: Endpoints;
beforeEach(async () => {
  e = await startEndpoints({ statusDelayMs: 30 });
  useEndpoints(e);
});
afterEach(async () => {
  await e.close();
});
afterAll(cleanupTemp);

interface Run {
  outcome: Outcome;
  outputs: Record<string, string>;
  summary: string;
  heading: string;
  failed: string | undefined;
  /** What @actions/core wrote while the mode ran (progress lines, groups). */
  stdout: string;
  /** Everything the user reads: the failure message, the annotations, the summary and the progress lines. */
  said: string;
}

const getter = (m: Record<string, string>) => (n: string) => m[n] ?? '';

async function act(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<Run> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  let outcome: Outcome;
  try {
    outcome = await runMode(getter(inputs), { ...e.env, ...env }, Date.now());
  } finally {
    spy.mockRestore();
  }
  const r = renderAction(outcome);
  const stdout = written.join('');
  return {
    outcome,
    outputs: Object.fromEntries(r.outputs),
    summary: r.summary,
    heading: r.summary.split('\n')[0] ?? '',
    failed: r.failed,
    stdout,
    said: [r.failed ?? '', ...r.annotations.map((a) => a.message), r.summary, stdout].join('\n'),
  };
}

const promote = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
  act({ mode: 'promote', name: NAME, 'request-timeout-seconds': '5', ...inputs }, env);

const publish = (inputs: Record<string, string> = {}) =>
  act({
    mode: 'publish',
    'package-dir': validPackage(),
    'output-dir': path.join(tempDir(), 'out'),
    version: '9.0.0',
    's3-bucket': BUCKET,
    's3-prefix': PREFIX,
    'wait-timeout-seconds': '30',
    'request-timeout-seconds': '5',
    'upload-artifact': 'false',
    ...inputs,
  });

const named = (...names: string[]): SeedVersion[] => names.map((versionName) => ({ versionName }));
const tagsOf = (name = NAME) =>
  Object.fromEntries((e.ssm.document(name)?.tags ?? []).map((t) => [t.Key, t.Value]));
const kindOf = (r: Run) => (r.outcome.failure?.type === 'error' ? r.outcome.failure.error.kind : undefined);
const numbers = (name = DOC) => e.ssm.versions(name).map((v) => v.documentVersion);
const seeded = (n: number, over: Record<number, Partial<SeedVersion>> = {}): SeedVersion[] =>
  Array.from({ length: n }, (_, i) => ({
    versionName: `0.0.${i + 1}`,
    files: ['linux.zip', 'windows.zip'],
    ...over[i + 1],
  }));
const pruned = (r: Run) =>
  JSON.parse(r.outputs['pruned-versions'] ?? 'null') as
    { documentVersion: string; versionName?: string }[] | null;
const v = (documentVersion: string, versionName: string) => ({ documentVersion, versionName });

/** The objects this action would have written for a seeded version (its files and its manifest). */
function writeObjectsOf(version: string, name = DOC): string[] {
  const keys = [
    `${PREFIX}/${name}/${version}/linux.zip`,
    `${PREFIX}/${name}/${version}/windows.zip`,
    `${PREFIX}/${name}/manifests/${version}.json`,
  ];
  for (const k of keys) e.s3.putObject(BUCKET, k, `bytes of ${k}`);
  return keys;
}

describe('mode: promote, in process', () => {
  it('promotes by name (read back, recorded), then finds it already the default, then rolls back by the record', async () => {
    e.ssm.seed(NAME, named('1.0.0', '1.1.0', '1.2.0'), { defaultVersion: '2' });
    const r = await promote({ version: '1.2.0' });
    expect(r.failed, r.said).toBeUndefined();
    expect(r.outcome.mode).toBe('promote');
    expect(r.outcome.promote).toMatchObject({ documentName: NAME, changed: true });
    expect(r.outputs).toEqual({
      'document-name': NAME,
      'default-version': '3',
      'default-version-name': '1.2.0',
      'previous-default-version': '2',
      'previous-default-version-name': '1.1.0',
      changed: 'true',
    });
    expect(r.heading).toBe(`## ✅ Promoted ${NAME} 1.2.0 (document version 3) to default; was 1.1.0 (2)`);
    expect(e.ssm.document(NAME)?.defaultVersion).toBe('3');
    const ops = e.ssm.calls().map((c) => c.op);
    const update = ops.indexOf('UpdateDocumentDefaultVersion');
    expect(update).toBeGreaterThan(0);
    expect(ops.slice(update + 1)).toContain('DescribeDocument'); // the read-back
    expect(e.ssm.count('UpdateDocumentDefaultVersion')).toBe(1);
    expect(tagsOf()).toEqual({ [PREV]: '2', [PREV_NAME]: '1.1.0', [SET_TO]: '3' });
    expect(r.summary).toContain('| Before | After |');
    expect(r.summary).toMatch(/\| `1\.1\.0` \(document version 2\) \| `1\.2\.0` \(document version 3\) \|/);
    expect(r.summary).toContain(
      ['```yaml', 'mode: promote', `name: ${NAME}`, 'version: 1.1.0', '```'].join('\n'),
    );
    expect(r.summary).toContain(
      `aws ssm update-document-default-version --name ${NAME} --document-version 2`,
    );
    expect(e.s3.calls()).toHaveLength(0);
    expect(e.sts.calls()).toHaveLength(0);

    e.newRun();
    const same = await promote({ version: '1.2.0' });
    expect(same.failed, same.said).toBeUndefined();
    expect(same.outputs).toMatchObject({
      changed: 'false',
      'default-version': '3',
      'previous-default-version': '3',
      'default-version-name': '1.2.0',
    });
    expect(same.heading).toBe(`## ✅ ${NAME} 1.2.0 is already the default; nothing changed`);
    expect(e.ssm.runCount('UpdateDocumentDefaultVersion')).toBe(0);
    expect(e.ssm.runCount('AddTagsToResource')).toBe(0);
    expect(same.summary).not.toContain('update-document-default-version');

    e.newRun();
    const back = await promote({ rollback: 'true' });
    expect(back.failed, back.said).toBeUndefined();
    expect(e.ssm.document(NAME)?.defaultVersion).toBe('2');
    expect(back.outputs).toMatchObject({
      'default-version': '2',
      'default-version-name': '1.1.0',
      'previous-default-version': '3',
      'previous-default-version-name': '1.2.0',
      changed: 'true',
    });
    expect(back.heading).toBe(`## ✅ Rolled back ${NAME} to 1.1.0 (document version 2); was 1.2.0 (3)`);
    expect(back.summary).toContain('chosen by rollback: the recorded previous default');
    expect(back.stdout).toContain(`Rollback: the previous default, recorded (tag ${PREV})`);
    expect(tagsOf()).toEqual({ [PREV]: '3', [PREV_NAME]: '1.2.0', [SET_TO]: '2' });
    expect(back.summary).toContain('version: 1.2.0');
  });

  it('rolls back through the history when nothing is recorded, and a stale record falls back to it too', async () => {
    e.ssm.seed(
      NAME,
      [
        { versionName: '1.0.0' },
        { versionName: '1.1.0' },
        { versionName: '1.2.0', status: 'Failed', statusInformation: 'broken' },
        { versionName: '1.3.0' },
      ],
      { defaultVersion: '4' },
    );
    const r = await promote({ rollback: 'true' });
    expect(r.failed, r.said).toBeUndefined();
    expect(e.ssm.document(NAME)?.defaultVersion).toBe('2');
    expect(r.outputs).toMatchObject({
      'default-version': '2',
      'default-version-name': '1.1.0',
      'previous-default-version': '4',
      changed: 'true',
    });
    expect(r.summary).toContain('chosen by rollback: the version history');
    expect(r.summary).toContain(`the document has no rollback record (tag ${PREV})`);
    expect(r.summary).toContain('newest Active version older than the current default (document version 4)');
    expect(tagsOf()).toEqual({ [PREV]: '4', [PREV_NAME]: '1.3.0', [SET_TO]: '2' });

    // The record now says "set to 2, was 4"; something else moves the default to 4: the record is stale.
    e.ssm.moveDefault(NAME, '4');
    e.newRun();
    const stale = await promote({ rollback: 'true' });
    expect(stale.failed, stale.said).toBeUndefined();
    expect(e.ssm.document(NAME)?.defaultVersion).toBe('2');
    expect(stale.summary).toContain('the rollback record is stale');

    // Nothing older than the oldest: not-found, nothing changed.
    e.ssm.seed('SoloAgent', named('1.0.0'));
    e.newRun();
    const none = await promote({ name: 'SoloAgent', rollback: 'true' });
    expect(kindOf(none)).toBe('not-found');
    expect(none.outputs['error-kind']).toBe('not-found');
    expect(none.said).toContain('Nothing to roll back to');
    expect(e.ssm.runCount('UpdateDocumentDefaultVersion')).toBe(0);
  });

  it('refuses a non-Active target (conflict), an unknown name (not-found, names listed) and a missing document', async () => {
    e.ssm.seed(NAME, [
      { versionName: '1.0.0' },
      {
        versionName: '1.1.0',
        status: 'Failed',
        statusInformation: 'The specified S3 bucket does not exist.',
      },
    ]);
    const r = await promote({ version: '1.1.0' });
    expect(kindOf(r)).toBe('conflict');
    expect(r.failed).toContain(`1.1.0 (document version 2) of ${NAME} is Failed, not Active`);
    expect(r.failed).toContain('The specified S3 bucket does not exist.');
    expect(r.failed).toMatch(/publish a fixed version/);
    expect(r.heading).toMatch(/^## ❌ Promote failed \(conflict\): /);
    expect(r.outputs).toEqual({
      'document-name': NAME,
      'previous-default-version': '1',
      'previous-default-version-name': '1.0.0',
      'default-version': '1',
      'default-version-name': '1.0.0',
      changed: 'false',
      'error-kind': 'conflict',
    });
    expect(r.summary).toContain('is still `1.0.0` (document version 1): nothing was changed');
    expect(e.ssm.document(NAME)?.defaultVersion).toBe('1');

    e.ssm.seed(
      'ManyAgent',
      Array.from({ length: 25 }, (_, i) => ({ versionName: `1.${i}.0` })),
    );
    e.newRun();
    const unknown = await promote({ name: 'ManyAgent', version: '9.9.9' });
    expect(kindOf(unknown)).toBe('not-found');
    expect(unknown.failed).toContain(
      'ManyAgent has no version named 9.9.9. Its versions, newest first: 1.24.0, 1.23.0,',
    );
    expect(unknown.failed).toContain('1.5.0, and 5 more.');
    expect(unknown.failed).not.toContain('1.4.0,');
    expect(unknown.outputs['error-kind']).toBe('not-found');

    e.newRun();
    const missing = await promote({ name: 'NoSuchAgent', version: '1.0.0' });
    expect(kindOf(missing)).toBe('not-found');
    expect(missing.failed).toContain('There is no package NoSuchAgent in us-east-1');
    expect(missing.outputs['document-name']).toBe('NoSuchAgent');
    expect(e.ssm.count('UpdateDocumentDefaultVersion')).toBe(0);
    expect(e.ssm.mutations().attempted).toBe(0);
    expect(e.s3.calls()).toHaveLength(0);
  });

  it('another writer moving the default between our update and the read-back: conflict, nothing recorded', async () => {
    e.ssm.seed(NAME, named('1.0.0', '1.1.0', '1.2.0'), { defaultVersion: '2' });
    let raced = 0;
    e.ssm.delay = (op) => {
      if (op === 'DescribeDocument' && e.ssm.runCount('UpdateDocumentDefaultVersion') > 0 && raced++ === 0)
        e.ssm.moveDefault(NAME, '1');
      return 0;
    };
    const r = await promote({ version: '1.2.0' });
    expect(raced).toBeGreaterThan(0);
    expect(kindOf(r)).toBe('conflict');
    expect(r.failed).toContain(
      `The default version of ${NAME} is 1 (1.0.0) right after setting it to 3 (1.2.0): another writer changed it.`,
    );
    expect(e.ssm.calls('UpdateDocumentDefaultVersion').filter((c) => c.committed)).toHaveLength(1);
    expect(tagsOf()).toEqual({});
    expect(r.outputs).toEqual({
      'document-name': NAME,
      'previous-default-version': '2',
      'previous-default-version-name': '1.1.0',
      'error-kind': 'conflict',
    });
    expect(e.ssm.document(NAME)?.defaultVersion).toBe('1');
  });

  it('faults: an update committed before a 500 converges; a refused tag write leaves the move standing, with a notice', async () => {
    e.ssm.seed(NAME, named('1.0.0', '1.1.0', '1.2.0'), { defaultVersion: '2' });
    const h = e.ssm.inject('UpdateDocumentDefaultVersion', '500-after-commit', { times: 1 });
    const r = await promote({ version: '1.2.0' });
    expect(h.fired).toBe(1);
    expect(r.failed, r.said).toBeUndefined();
    expect(r.outputs).toMatchObject({
      changed: 'true',
      'previous-default-version': '2',
      'default-version': '3',
    });
    expect(tagsOf()).toEqual({ [PREV]: '2', [PREV_NAME]: '1.1.0', [SET_TO]: '3' });

    e.ssm.seed('TaglessAgent', named('1.0.0', '1.1.0'), { defaultVersion: '1' });
    e.newRun();
    const denied = e.ssm.inject('AddTagsToResource', 'access-denied', { times: 10 });
    const t = await promote({ name: 'TaglessAgent', version: '1.1.0' });
    expect(denied.fired).toBeGreaterThan(0);
    expect(t.failed, t.said).toBeUndefined();
    expect(t.outputs).toMatchObject({
      changed: 'true',
      'default-version': '2',
      'previous-default-version': '1',
    });
    expect(e.ssm.document('TaglessAgent')?.defaultVersion).toBe('2');
    expect(tagsOf('TaglessAgent')).toEqual({});
    expect(t.summary).toContain('could not be recorded in the document tags');
    expect(t.summary).toContain('ssm:AddTagsToResource');
  });

  it('input errors come before any AWS call', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ name: '', version: '1.0.0' }, '`name` is required in promote mode'],
      [{ version: '1.0.0', rollback: 'true' }, 'Set either `version`'],
      [{}, 'Promote mode needs a target'],
      [{ rollback: 'yes' }, '`rollback` must be true or false'],
    ];
    for (const [inputs, text] of cases) {
      const r = await promote(inputs);
      expect(r.outcome.failure, JSON.stringify(inputs)).toMatchObject({ type: 'error', stage: 'inputs' });
      expect(r.outputs['error-kind']).toBe('input');
      expect(r.said).toContain(text);
    }
    const all = await promote({ name: '', 'timeout-seconds': 'soon' }, { AWS_REGION: '' });
    expect(all.heading).toBe('## ❌ Invalid inputs: 4 problems, listed below');
    expect(e.ssm.calls()).toHaveLength(0);
    expect(e.s3.calls()).toHaveLength(0);
  });
});

describe('publish: the version lifecycle, in process', () => {
  it('keep-versions deletes the oldest unprotected (never pinned, default or ours); a re-run deletes nothing', async () => {
    // 7 versions; the default is 3; 2 is pinned by version name, 5 by number.
    e.ssm.seed(DOC, seeded(7), { defaultVersion: '3' });
    e.ssm.addAssociation({ parameters: { action: ['Install'], name: [DOC], version: ['0.0.2'] } });
    e.ssm.addAssociation({ parameters: { action: ['Install'], name: [DOC], version: ['5'] } });
    e.ssm.addAssociation({ parameters: { action: ['Install'], name: [DOC], version: [''] } });
    e.ssm.addAssociation({ parameters: { action: ['Install'], name: ['OtherAgent'], version: ['0.0.1'] } });
    const r = await publish({ 'keep-versions': '4' });
    expect(r.failed, r.said).toBeUndefined();
    expect(pruned(r)).toEqual([v('1', '0.0.1'), v('4', '0.0.4'), v('6', '0.0.6'), v('7', '0.0.7')]);
    expect(r.outcome.publish?.pruned?.deleted.map((d) => d.documentVersion)).toEqual(['1', '4', '6', '7']);
    expect(numbers()).toEqual(['2', '3', '5', '8']);
    expect(r.outputs).toMatchObject({ changed: 'true', 'document-version': '8', 'version-name': '9.0.0' });
    expect(e.ssm.calls('DeleteDocument').map((c) => c.input.DocumentVersion)).toEqual(['1', '4', '6', '7']);
    expect(r.summary).toContain('0.0.4');

    e.newRun();
    const again = await publish({ 'keep-versions': '4' });
    expect(again.failed, again.said).toBeUndefined();
    expect(e.ssm.runCount('DeleteDocument')).toBe(0);
    expect(pruned(again)).toEqual([]);
    expect(again.outputs.changed).toBe('false');
    expect(numbers()).toEqual(['2', '3', '5', '8']);
  });

  it('keeps the previous default with set-default, and the one recorded in the tags', async () => {
    e.ssm.seed(DOC, seeded(4), { defaultVersion: '4' });
    const r = await publish({ 'keep-versions': '2', 'set-default': 'true' });
    expect(r.failed, r.said).toBeUndefined();
    expect(e.ssm.document(DOC)!.defaultVersion).toBe('5');
    expect(numbers()).toEqual(['4', '5']);
    expect(pruned(r)).toEqual([v('1', '0.0.1'), v('2', '0.0.2'), v('3', '0.0.3')]);
    expect(r.outputs).toMatchObject({ 'default-changed': 'true', 'previous-default-version': '4' });

    e.ssm.seed('TaggedAgent', seeded(4), {
      defaultVersion: '4',
      tags: [
        { Key: PREV, Value: '2' },
        { Key: PREV_NAME, Value: '0.0.2' },
      ],
    });
    e.newRun();
    const t = await publish({ name: 'TaggedAgent', 'keep-versions': '2' });
    expect(t.failed, t.said).toBeUndefined();
    expect(numbers('TaggedAgent')).toEqual(['2', '4', '5']);
    expect(pruned(t)).toEqual([v('1', '0.0.1'), v('3', '0.0.3')]);
  });

  it('prune-dry-run deletes nothing; then prune-s3 deletes exactly the keys of the pruned versions', async () => {
    e.ssm.seed(DOC, seeded(5));
    const ofPruned = [...writeObjectsOf('0.0.2'), ...writeObjectsOf('0.0.3'), ...writeObjectsOf('0.0.4')];
    const ofKept = writeObjectsOf('0.0.5');
    const others = [
      `other/${DOC}/0.0.2/linux.zip`,
      `${PREFIX}/${DOC}/0.0.2/notes.txt`,
      `${PREFIX}/OtherAgent/0.0.2/linux.zip`,
      `${PREFIX}/${DOC}/0.0.2-rc/linux.zip`,
    ];
    for (const k of others) e.s3.putObject(BUCKET, k, 'not ours');
    const dry = await publish({ 'keep-versions': '3', 'prune-dry-run': 'true', 'prune-s3': 'true' });
    expect(dry.failed, dry.said).toBeUndefined();
    expect(pruned(dry)).toEqual([v('2', '0.0.2'), v('3', '0.0.3'), v('4', '0.0.4')]);
    expect(e.ssm.count('DeleteDocument')).toBe(0);
    expect(e.s3.count('DeleteObject')).toBe(0);
    expect(numbers()).toEqual(['1', '2', '3', '4', '5', '6']);
    for (const k of ofPruned) expect(e.s3.object(BUCKET, k)).toBeDefined();

    e.newRun();
    const before = e.s3.keys(BUCKET);
    const r = await publish({ 'keep-versions': '3', 'prune-s3': 'true' });
    expect(r.failed, r.said).toBeUndefined();
    expect(pruned(r)).toEqual([v('2', '0.0.2'), v('3', '0.0.3'), v('4', '0.0.4')]);
    expect(numbers()).toEqual(['1', '5', '6']);
    const after = e.s3.keys(BUCKET);
    expect(before.filter((k) => !after.includes(k)).sort()).toEqual([...ofPruned].sort());
    for (const k of [...ofKept, ...others]) expect(after).toContain(k);
    expect(
      e.s3
        .calls('DeleteObject')
        .map((c) => c.key)
        .sort(),
    ).toEqual([...ofPruned].sort());
    expect(e.s3.count('ListObjectsV2')).toBe(0);
  });

  it('at 25 versions: refused before any upload, dry-run says what it would delete, keep-versions makes room', async () => {
    e.ssm.seed(DOC, seeded(25));
    const r = await publish();
    expect(r.outcome.failure?.type).toBe('error');
    expect(e.s3.count('PutObject')).toBe(0);
    expect(e.ssm.count('UpdateDocument')).toBe(0);
    expect(r.said).toContain(
      'TestAgent holds 25 versions, the most SSM allows a package (25); publishing 9.0.0 would make 26. Nothing was uploaded.',
    );
    expect(r.said).toContain('keep-versions');
    expect(r.said).toContain('aws ssm delete-document --name TestAgent --version-name 0.0.2');
    expect(r.heading).toMatch(/^## ❌ /);

    e.newRun();
    const dry = await publish({ 'keep-versions': '10', 'prune-dry-run': 'true' });
    expect(dry.outcome.failure?.type).toBe('error');
    expect(e.s3.count('PutObject')).toBe(0);
    expect(e.ssm.count('DeleteDocument')).toBe(0);
    expect(dry.said).toContain('keep-versions would first delete document version 2 (0.0.2)');

    e.newRun();
    const pin = e.ssm.addAssociation({
      parameters: { action: ['Install'], name: [DOC], version: ['0.0.2'] },
    });
    const room = await publish({ 'keep-versions': '25' });
    expect(room.failed, room.said).toBeUndefined();
    expect(pruned(room)).toEqual([v('3', '0.0.3')]);
    const del = e.ssm.calls('DeleteDocument');
    expect(del.map((c) => c.input.DocumentVersion)).toEqual(['3']);
    expect(del[0]!.at).toBeLessThanOrEqual(e.s3.calls('PutObject')[0]!.at);
    expect(numbers()).toHaveLength(25);
    expect(numbers()).toContain('26');
    expect(e.ssm.associations().map((a) => a.associationId)).toEqual([pin]);
  });

  it('every old version protected at the limit: refused before the upload, saying why', async () => {
    e.ssm.seed(DOC, seeded(25, { 2: { status: 'Creating' } }));
    for (let n = 3; n <= 25; n++)
      e.ssm.addAssociation({
        parameters: {
          action: ['Install'],
          name: [`arn:aws:ssm:us-east-1:123456789012:document/${DOC}`],
          version: [String(n)],
        },
      });
    const r = await publish({ 'keep-versions': '5' });
    expect(r.outcome.failure?.type).toBe('error');
    expect(e.s3.count('PutObject')).toBe(0);
    expect(e.ssm.count('DeleteDocument')).toBe(0);
    expect(r.said).toContain('keep-versions cannot make room');
    expect(r.said).toContain('1 (0.0.1): the default version');
    expect(r.said).toContain('2 (0.0.2): status Creating');
  });

  it('DeleteDocument faults: one committed before a 500 converges; a refusal fails with what was deleted, and a re-run converges', async () => {
    e.ssm.seed(DOC, seeded(5));
    const f = e.ssm.inject('DeleteDocument', '500-after-commit', { after: 1 });
    const r = await publish({ 'keep-versions': '3' });
    expect(f.fired).toBe(1);
    expect(r.failed, r.said).toBeUndefined();
    expect(numbers()).toEqual(['1', '5', '6']);
    expect(pruned(r)).toEqual([v('2', '0.0.2'), v('3', '0.0.3'), v('4', '0.0.4')]);

    e.ssm.seed('DeniedAgent', seeded(5));
    e.newRun();
    const d = e.ssm.inject('DeleteDocument', 'access-denied', { after: 1, times: 50 });
    const bad = await publish({ name: 'DeniedAgent', 'keep-versions': '3' });
    expect(d.fired).toBeGreaterThan(0);
    expect(kindOf(bad)).toBe('permission');
    expect(bad.said).toContain('DeleteDocument');
    // Published; version 2 was deleted before the refusal, 3 and 4 are still there.
    expect(numbers('DeniedAgent')).toEqual(['1', '3', '4', '5', '6']);
    expect(e.ssm.version('DeniedAgent', '6')!.status).toBe('Active');
    expect(pruned(bad)).toEqual([v('2', '0.0.2')]);
    expect(bad.outputs).toMatchObject({
      'document-version': '6',
      'version-created': 'true',
      changed: 'true',
    });
    d.cancel();
    e.newRun();
    const again = await publish({ name: 'DeniedAgent', 'keep-versions': '3' });
    expect(again.failed, again.said).toBeUndefined();
    expect(numbers('DeniedAgent')).toEqual(['1', '5', '6']);
    expect(e.ssm.runCount('UpdateDocument')).toBe(0);
  });
});
