// mode: promote (and rollback) through the committed dist/index.js and in process, against the test SSM endpoint: the
// default moves only to an Active version, is read back, and the previous default is recorded in the
// document tags for a rollback. Promote needs no build and makes no S3 (or STS) call at all.
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Endpoints, startEndpoints } from './support/aws-env.js';
import { cleanupTemp, tempDir, validPackage } from './support/pkg.js';
import type { Way } from './support/both-ways.js';
import { annotations, type RunResult, runAction, runActionInProcess } from './support/runner.js';
import type { SeedVersion, SsmFault } from './support/ssm-server.js';

const NAME = 'AcmeAgent';
const PREV = 'distributor:previous-default';
const PREV_NAME = 'distributor:previous-default-name';
const SET_TO = 'distributor:default-set-to';

let e: Endpoints;
beforeEach(async () => {
  e = await startEndpoints();
});
afterEach(async () => {
  await e.close();
});
afterAll(cleanupTemp);

/** How a scenario runs: the bundle as a child process, or run() in this process (measured by coverage). */
let way: Way = 'dist';
const runner = (...a: Parameters<typeof runAction>) =>
  way === 'dist' ? runAction(...a) : runActionInProcess(a[0], a[1]);

function promoteRun(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<RunResult> {
  return runner(
    { mode: 'promote', name: NAME, 'request-timeout-seconds': '5', ...inputs },
    { env: { ...e.env, GITHUB_EVENT_NAME: 'workflow_dispatch', ...env } },
  );
}

const named = (...names: string[]): SeedVersion[] => names.map((versionName) => ({ versionName }));
const tagsOf = (name = NAME) =>
  Object.fromEntries((e.ssm.document(name)?.tags ?? []).map((t) => [t.Key, t.Value]));
const heading = (r: RunResult) => r.summary.split('\n')[0] ?? '';
const errorOf = (r: RunResult) => annotations(r.stdout).find((a) => a.level === 'error')?.message ?? '';
/** Promote touches neither S3 nor STS, whatever happens. */
function expectNoS3(): void {
  expect(e.s3.calls().length).toBe(0);
  expect(e.sts.calls().length).toBe(0);
}

describe.each(['in-process', 'dist'] as const)('%s', (w) => {
  beforeEach(() => {
    way = w;
  });

  describe('mode: promote with a version name', () => {
    it('moves the default, reads it back, records the previous default, and says how to undo it', async () => {
      e.ssm.seed(NAME, named('1.0.0', '1.1.0', '1.2.0'), { defaultVersion: '2' });
      const r = await promoteRun({ version: '1.2.0' });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(e.ssm.document(NAME)?.defaultVersion).toBe('3');
      expect(r.outputs).toMatchObject({
        'document-name': NAME,
        'default-version': '3',
        'default-version-name': '1.2.0',
        'previous-default-version': '2',
        'previous-default-version-name': '1.1.0',
        changed: 'true',
      });
      expect(r.outputs['error-kind']).toBeUndefined();
      expect(heading(r)).toBe(`## ✅ Promoted ${NAME} 1.2.0 (document version 3) to default; was 1.1.0 (2)`);
      // The update, then a DescribeDocument after it: the read-back.
      const ops = e.ssm.calls().map((c) => c.op);
      const update = ops.indexOf('UpdateDocumentDefaultVersion');
      expect(update).toBeGreaterThan(0);
      expect(ops.slice(update + 1)).toContain('DescribeDocument');
      expect(e.ssm.count('UpdateDocumentDefaultVersion')).toBe(1);
      expect(tagsOf()).toEqual({ [PREV]: '2', [PREV_NAME]: '1.1.0', [SET_TO]: '3' });
      // Before → after, and the exact inputs and AWS CLI command that undo it.
      expect(r.summary).toContain('| Before | After |');
      expect(r.summary).toMatch(/\| `1\.1\.0` \(document version 2\) \| `1\.2\.0` \(document version 3\) \|/);
      expect(r.summary).toContain(
        ['```yaml', 'mode: promote', `name: ${NAME}`, 'version: 1.1.0', '```'].join('\n'),
      );
      expect(r.summary).toContain(
        `aws ssm update-document-default-version --name ${NAME} --document-version 2`,
      );
      expectNoS3();
    });

    it('a version that already is the default: changed=false and no UpdateDocumentDefaultVersion call', async () => {
      e.ssm.seed(NAME, named('1.0.0', '1.1.0'), { defaultVersion: '2' });
      const r = await promoteRun({ version: '1.1.0' });
      expect(r.code, r.stdout).toBe(0);
      expect(r.outputs).toMatchObject({
        changed: 'false',
        'default-version': '2',
        'previous-default-version': '2',
        'default-version-name': '1.1.0',
      });
      expect(heading(r)).toBe(`## ✅ ${NAME} 1.1.0 is already the default; nothing changed`);
      expect(e.ssm.count('UpdateDocumentDefaultVersion')).toBe(0);
      expect(e.ssm.mutations().attempted).toBe(0);
      expect(r.summary).not.toContain('update-document-default-version');
      expectNoS3();
    });

    it.each([
      ['Failed', 'The specified S3 bucket does not exist.', /publish a fixed version/],
      ['Creating', undefined, /still ingesting it/],
    ] as const)(
      'refuses a %s target, quoting its status and StatusInformation',
      async (status, info, hint) => {
        e.ssm.seed(NAME, [
          { versionName: '1.0.0' },
          { versionName: '1.1.0', status, ...(info ? { statusInformation: info } : {}) },
        ]);
        const r = await promoteRun({ version: '1.1.0' });
        expect(r.code).toBe(1);
        expect(r.outputs['error-kind']).toBe('conflict');
        const err = errorOf(r);
        expect(err).toContain(`1.1.0 (document version 2) of ${NAME} is ${status}, not Active`);
        if (info) expect(err).toContain(info);
        expect(err).toMatch(hint);
        expect(heading(r)).toMatch(/^## ❌ Promote failed \(conflict\): /);
        expect(e.ssm.document(NAME)?.defaultVersion).toBe('1');
        expect(e.ssm.count('UpdateDocumentDefaultVersion')).toBe(0);
        expect(r.outputs).toMatchObject({
          changed: 'false',
          'default-version': '1',
          'previous-default-version': '1',
        });
        expect(r.summary).toContain('is still `1.0.0` (document version 1): nothing was changed');
      },
    );

    it('an unknown version name: not-found, listing the known names newest first, capped', async () => {
      e.ssm.seed(
        NAME,
        Array.from({ length: 25 }, (_, i) => ({ versionName: `1.${i}.0` })),
      );
      const r = await promoteRun({ version: '9.9.9' });
      expect(r.code).toBe(1);
      expect(r.outputs['error-kind']).toBe('not-found');
      const err = errorOf(r);
      expect(err).toContain(
        `${NAME} has no version named 9.9.9. Its versions, newest first: 1.24.0, 1.23.0,`,
      );
      expect(err).toContain('1.5.0, and 5 more.');
      expect(err).not.toContain('1.4.0,');
      expect(e.ssm.mutations().attempted).toBe(0);
    });

    it('a document that does not exist: not-found naming the package and region', async () => {
      const r = await promoteRun({ version: '1.0.0' });
      expect(r.code).toBe(1);
      expect(r.outputs['error-kind']).toBe('not-found');
      expect(errorOf(r)).toContain(`There is no package ${NAME} in us-east-1`);
      expectNoS3();
    });

    it('another writer moving the default between our update and the read-back: conflict, nothing recorded', async () => {
      e.ssm.seed(NAME, named('1.0.0', '1.1.0', '1.2.0'), { defaultVersion: '2' });
      let raced = 0;
      e.ssm.delay = (op) => {
        // The DescribeDocument after our UpdateDocumentDefaultVersion: the other writer got in first.
        if (op === 'DescribeDocument' && e.ssm.runCount('UpdateDocumentDefaultVersion') > 0 && raced++ === 0)
          e.ssm.moveDefault(NAME, '1');
        return 0;
      };
      const r = await promoteRun({ version: '1.2.0' });
      expect(raced).toBeGreaterThan(0);
      expect(r.code).toBe(1);
      expect(r.outputs['error-kind']).toBe('conflict');
      expect(errorOf(r)).toContain(
        `The default version of ${NAME} is 1 (1.0.0) right after setting it to 3 (1.2.0): another writer changed it.`,
      );
      expect(e.ssm.calls('UpdateDocumentDefaultVersion').filter((c) => c.committed)).toHaveLength(1);
      expect(tagsOf()).toEqual({});
      expect(r.outputs['previous-default-version']).toBe('2');
      expect(r.outputs.changed).toBeUndefined();
    });
  });

  describe('mode: promote with rollback: true', () => {
    it('goes back to the previous default recorded by the last move, not merely the next older version', async () => {
      e.ssm.seed(NAME, named('1.0.0', '1.1.0', '1.2.0'), { defaultVersion: '1' });
      expect((await promoteRun({ version: '1.2.0' })).code).toBe(0);
      e.newRun();
      const r = await promoteRun({ rollback: 'true' });
      expect(r.code, r.stdout).toBe(0);
      expect(e.ssm.document(NAME)?.defaultVersion).toBe('1');
      expect(r.outputs).toMatchObject({
        'default-version': '1',
        'default-version-name': '1.0.0',
        'previous-default-version': '3',
        'previous-default-version-name': '1.2.0',
        changed: 'true',
      });
      expect(heading(r)).toBe(`## ✅ Rolled back ${NAME} to 1.0.0 (document version 1); was 1.2.0 (3)`);
      expect(r.summary).toContain('chosen by rollback: the recorded previous default');
      expect(r.stdout).toContain(`Rollback: the previous default, recorded (tag ${PREV})`);
      // The rollback is itself recorded: a second rollback undoes it.
      expect(tagsOf()).toEqual({ [PREV]: '3', [PREV_NAME]: '1.2.0', [SET_TO]: '1' });
      expect(r.summary).toContain('version: 1.2.0');
      expectNoS3();
    });

    it('without a record: the newest Active version older than the default, saying so', async () => {
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
      const r = await promoteRun({ rollback: 'true' });
      expect(r.code, r.stdout).toBe(0);
      expect(e.ssm.document(NAME)?.defaultVersion).toBe('2');
      expect(r.outputs['default-version-name']).toBe('1.1.0');
      expect(r.summary).toContain('chosen by rollback: the version history');
      expect(r.summary).toContain(`the document has no rollback record (tag ${PREV})`);
      expect(r.summary).toContain(
        'newest Active version older than the current default (document version 4)',
      );
    });

    it('a stale record (the default was moved by something else since) falls back to the history', async () => {
      e.ssm.seed(NAME, named('1.0.0', '1.1.0', '1.2.0', '1.3.0'), { defaultVersion: '1' });
      expect((await promoteRun({ version: '1.3.0' })).code).toBe(0);
      e.ssm.moveDefault(NAME, '3'); // the console, say: the record (previous 1, set to 4) is stale now
      e.newRun();
      const r = await promoteRun({ rollback: 'true' });
      expect(r.code, r.stdout).toBe(0);
      expect(e.ssm.document(NAME)?.defaultVersion).toBe('2');
      expect(r.summary).toContain('the rollback record is stale');
    });

    it('nothing older to go back to: not-found with what to do', async () => {
      e.ssm.seed(NAME, named('1.0.0'));
      const r = await promoteRun({ rollback: 'true' });
      expect(r.code).toBe(1);
      expect(r.outputs['error-kind']).toBe('not-found');
      expect(errorOf(r)).toContain('Nothing to roll back to');
      expect(e.ssm.mutations().attempted).toBe(0);
    });
  });

  describe('mode: promote under faults on the mutating calls', () => {
    const FAULTS: SsmFault[] = ['throttle', '500-before', '503', '500-after-commit', 'reset-after-commit'];
    const CASES = (['UpdateDocumentDefaultVersion', 'AddTagsToResource'] as const).flatMap((op) =>
      [...FAULTS, ...(op === 'UpdateDocumentDefaultVersion' ? (['too-many-updates'] as const) : [])].map(
        (f) => [op, f] as const,
      ),
    );
    it.each(CASES)(
      '%s × %s: exactly the intended end state',
      async (op, fault) => {
        e.ssm.seed(NAME, named('1.0.0', '1.1.0', '1.2.0'), { defaultVersion: '2' });
        const h = e.ssm.inject(op, fault, { times: 1 });
        const r = await promoteRun({ version: '1.2.0' });
        expect(h.fired, 'the fault fired').toBe(1);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(e.ssm.document(NAME)?.defaultVersion).toBe('3');
        expect(tagsOf()).toEqual({ [PREV]: '2', [PREV_NAME]: '1.1.0', [SET_TO]: '3' });
        expect(e.ssm.versions(NAME).map((v) => v.versionName)).toEqual(['1.0.0', '1.1.0', '1.2.0']);
        expect(r.outputs).toMatchObject({
          changed: 'true',
          'previous-default-version': '2',
          'default-version': '3',
        });
        expectNoS3();
      },
      30_000,
    );

    it('recording refused (no ssm:AddTagsToResource): the move stands, with a notice that rollback falls back', async () => {
      e.ssm.seed(NAME, named('1.0.0', '1.1.0'), { defaultVersion: '1' });
      const h = e.ssm.inject('AddTagsToResource', 'access-denied', { times: 10 });
      const r = await promoteRun({ version: '1.1.0' });
      expect(h.fired).toBeGreaterThan(0);
      expect(r.code, r.stdout).toBe(0);
      expect(e.ssm.document(NAME)?.defaultVersion).toBe('2');
      expect(r.summary).toContain('could not be recorded in the document tags');
      expect(r.summary).toContain('ssm:AddTagsToResource');
    });
  });

  describe('mode: promote inputs', () => {
    it.each([
      [{ version: '1.0.0', rollback: 'true' }, 'Set either `version`'],
      [{}, 'Promote mode needs a target'],
      [{ name: '', version: '1.0.0' }, '`name` is required in promote mode'],
      [{ name: 'arn:aws:ssm:us-east-1:1:document/X', version: '1.0.0' }, 'is not an SSM document name'],
      [{ rollback: 'yes' }, '`rollback` must be true or false'],
      [{ version: 'a b' }, 'is not an SSM version name'],
    ])('%j → an input error: %s', async (inputs, text) => {
      const r = await promoteRun(inputs as Record<string, string>);
      expect(r.code).toBe(1);
      expect(r.outputs['error-kind']).toBe('input');
      expect(r.stdout).toContain(text);
      expect(e.ssm.calls().length).toBe(0);
      expectNoS3();
    });

    it('every problem at once, the region too', async () => {
      const r = await promoteRun({ name: '', 'timeout-seconds': 'soon' }, { AWS_REGION: '' });
      expect(r.code).toBe(1);
      for (const t of ['`name` is required', 'needs a target', 'No AWS region', '`timeout-seconds`'])
        expect(r.stdout).toContain(t);
      expect(heading(r)).toBe('## ❌ Invalid inputs: 4 problems, listed below');
    });

    it('a pushed tag is not a target: promote moves the default only to a version named on purpose', async () => {
      e.ssm.seed(NAME, named('1.0.0'));
      const r = await promoteRun({}, { GITHUB_REF: 'refs/tags/v1.0.0' });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('Promote mode needs a target');
    });
  });

  describe('publish with set-default, rollback and promote: a round trip', () => {
    it('publish 1.0.0 and 2.0.0 (set-default) → rollback → 1.0.0 → promote 2.0.0 → back', async () => {
      const dir = validPackage();
      const publish = (version: string) =>
        runner(
          {
            mode: 'publish',
            'package-dir': dir,
            'output-dir': path.join(tempDir(), 'out'),
            name: NAME,
            version,
            's3-bucket': 'acme-packages',
            's3-prefix': 'distributor',
            'set-default': 'true',
            'request-timeout-seconds': '5',
          },
          { env: { ...e.env, GITHUB_EVENT_NAME: 'push' } },
        );
      for (const v of ['1.0.0', '2.0.0']) {
        const p = await publish(v);
        expect(p.code, p.stdout).toBe(0);
      }
      expect(e.ssm.document(NAME)?.defaultVersion).toBe('2');
      // publish's set-default recorded where the default was, exactly as promote does.
      expect(tagsOf()).toEqual({ [PREV]: '1', [PREV_NAME]: '1.0.0', [SET_TO]: '2' });
      const s3Before = e.s3.calls().length;
      const stsBefore = e.sts.calls().length;

      const back = await promoteRun({ rollback: 'true' });
      expect(back.code, back.stdout).toBe(0);
      expect(back.outputs).toMatchObject({
        'default-version-name': '1.0.0',
        'previous-default-version-name': '2.0.0',
      });
      expect(back.summary).toContain('chosen by rollback: the recorded previous default');
      expect(e.ssm.document(NAME)?.defaultVersion).toBe('1');

      const forth = await promoteRun({ version: '2.0.0' });
      expect(forth.code, forth.stdout).toBe(0);
      expect(forth.outputs).toMatchObject({
        'default-version': '2',
        'previous-default-version': '1',
        changed: 'true',
      });
      expect(heading(forth)).toBe(
        `## ✅ Promoted ${NAME} 2.0.0 (document version 2) to default; was 1.0.0 (1)`,
      );
      expect(e.ssm.document(NAME)?.defaultVersion).toBe('2');
      expect(tagsOf()).toEqual({ [PREV]: '1', [PREV_NAME]: '1.0.0', [SET_TO]: '2' });
      // Neither promote touched S3 or STS.
      expect(e.s3.calls().length).toBe(s3Before);
      expect(e.sts.calls().length).toBe(stsBefore);
    }, 60_000);
  });
});
