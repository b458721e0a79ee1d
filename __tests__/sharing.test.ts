// Sharing in mode: publish (share-with-accounts, share-public, shared-version, unshare-accounts): a few
// runs of the committed dist/index.js, the rest in process through runMode() (so coverage counts),
// against the test endpoints' ModifyDocumentPermission / DescribeDocumentPermission.
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
import { runAction } from './support/runner.js';
import type { SsmFault } from './support/ssm-server.js';

const DOC = 'TestAgent'; // the name in validPackage()'s distributor.yaml
const ARN = `arn:aws:ssm:us-east-1:123456789012:document/${DOC}`;

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

const accounts = (n: number, from = 100000000000) => Array.from({ length: n }, (_, i) => String(from + i));
const baseInputs = (): Record<string, string> => ({
  mode: 'publish',
  'package-dir': validPackage(),
  'output-dir': path.join(tempDir(), 'out'),
  version: '9.0.0',
  's3-bucket': BUCKET,
  's3-prefix': PREFIX,
  'wait-timeout-seconds': '30',
  'request-timeout-seconds': '5',
  'upload-artifact': 'false',
});

interface Run {
  outcome: Outcome;
  outputs: Record<string, string>;
  summary: string;
  failed: string | undefined;
}

async function publish(inputs: Record<string, string>): Promise<Run> {
  const all = { ...baseInputs(), ...inputs };
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  let outcome: Outcome;
  try {
    outcome = await runMode((n) => all[n] ?? '', { ...e.env }, Date.now());
  } finally {
    spy.mockRestore();
  }
  const r = renderAction(outcome);
  return { outcome, outputs: Object.fromEntries(r.outputs), summary: r.summary, failed: r.failed };
}

const modifies = () => e.ssm.calls('ModifyDocumentPermission');
const sharedWith = (r: { outputs: Record<string, string> }) =>
  JSON.parse(r.outputs['shared-with'] ?? 'null') as string[] | null;

describe('sharing, in process', () => {
  it('shares 25 accounts in two calls (20 + 5); a re-run sends no ModifyDocumentPermission', async () => {
    const ids = accounts(25);
    const r = await publish({ 'share-with-accounts': ids.join(',\n') });
    expect(r.failed).toBeUndefined();
    expect(modifies().map((c) => (c.input.AccountIdsToAdd as string[]).length)).toEqual([20, 5]);
    expect(modifies().every((c) => c.input.SharedDocumentVersion === '$DEFAULT')).toBe(true);
    expect(Object.keys(e.ssm.shares(DOC))).toEqual(ids);
    expect(sharedWith(r)).toEqual(ids);
    expect(r.outcome.publish?.sharing).toMatchObject({ added: ids, removed: [], public: false });
    expect(r.outputs['document-arn']).toBe(ARN);
    expect(r.summary).toContain('### Sharing');
    expect(r.summary).toContain(ARN);
    expect(r.outputs.changed).toBe('true');

    const again = await publish({ 'share-with-accounts': ids.join(' ') });
    expect(again.failed).toBeUndefined();
    expect(modifies()).toHaveLength(2);
    expect(again.outcome.publish?.sharing?.added).toEqual([]);
    expect(sharedWith(again)).toEqual(ids);
    expect(again.outputs.changed).toBe('false');
  });

  it('adds only the missing accounts, re-sends one at another shared version, and leaves unlisted ones', async () => {
    const first = await publish({ 'share-with-accounts': '111111111111' });
    expect(first.failed).toBeUndefined();
    e.ssm.share(DOC, ['222222222222'], '$LATEST');
    e.ssm.share(DOC, ['333333333333']);
    const r = await publish({
      'share-with-accounts': '111111111111 222222222222 444444444444',
    });
    expect(r.failed).toBeUndefined();
    expect(modifies().at(-1)?.input.AccountIdsToAdd).toEqual(['222222222222', '444444444444']);
    expect(modifies().some((c) => c.input.AccountIdsToRemove)).toBe(false);
    expect(e.ssm.shares(DOC)).toEqual({
      '111111111111': '$DEFAULT',
      '222222222222': '$DEFAULT',
      '333333333333': '$DEFAULT',
      '444444444444': '$DEFAULT',
    });
  });

  it('removes only the accounts unshare-accounts lists (and only those that have access)', async () => {
    await publish({ 'share-with-accounts': accounts(3).join(',') });
    const r = await publish({ 'unshare-accounts': '100000000001, 999999999999' });
    expect(r.failed).toBeUndefined();
    const removes = modifies().filter((c) => c.input.AccountIdsToRemove);
    expect(removes.map((c) => c.input.AccountIdsToRemove)).toEqual([['100000000001']]);
    expect(Object.keys(e.ssm.shares(DOC))).toEqual(['100000000000', '100000000002']);
    expect(r.outcome.publish?.sharing?.removed).toEqual(['100000000001']);
    expect(sharedWith(r)).toEqual(['100000000000', '100000000002']);
  });

  it('`all` needs share-public: refused as an input error, nothing shared; with it, shared publicly', async () => {
    const r = await publish({ 'share-with-accounts': 'all' });
    expect(r.outcome.failure?.type === 'error' && r.outcome.failure.error.kind).toBe('input');
    expect(r.failed).toContain('share-public: true');
    expect(e.ssm.count()).toBe(0);
    const ok = await publish({ 'share-with-accounts': 'all', 'share-public': 'true' });
    expect(ok.failed).toBeUndefined();
    expect(modifies().at(-1)?.input.AccountIdsToAdd).toEqual(['All']);
    expect(e.ssm.shares(DOC)).toEqual({ all: '$DEFAULT' });
    expect(sharedWith(ok)).toEqual(['all']);
    expect(ok.outcome.publish?.sharing?.public).toBe(true);
    expect(ok.summary).toContain('public');
  });

  it('shared-version by name resolves to its document version and is shared as $DEFAULT', async () => {
    e.ssm.seed(DOC, [{ versionName: '1.0.0' }, { versionName: '1.1.0' }], { defaultVersion: '2' });
    const r = await publish({ 'share-with-accounts': '111111111111', 'shared-version': '1.1.0' });
    expect(r.failed).toBeUndefined();
    expect(r.outcome.publish?.sharing).toMatchObject({
      sharedVersion: '$DEFAULT',
      sharedDocumentVersion: '2',
    });
    expect(modifies()[0]?.input.SharedDocumentVersion).toBe('$DEFAULT');
    // 1.0.0 is neither the default nor the latest: SSM cannot share one fixed version.
    const old = await publish({ 'share-with-accounts': '111111111111', 'shared-version': '1.0.0' });
    expect(old.failed).toContain('document version 1');
    expect(old.failed).toContain('$ALL');
    expect(modifies()).toHaveLength(1);
  });

  it('shared-version $LATEST re-sends accounts shared at $DEFAULT', async () => {
    await publish({ 'share-with-accounts': '111111111111' });
    const r = await publish({ 'share-with-accounts': '111111111111', 'shared-version': '$LATEST' });
    expect(r.failed).toBeUndefined();
    expect(modifies()).toHaveLength(2);
    expect(e.ssm.shares(DOC)).toEqual({ '111111111111': '$LATEST' });
  });

  it('lists every bad account id at once, and refuses more than 1,000 accounts', async () => {
    const r = await publish({ 'share-with-accounts': '12345, 111111111111, abcdefghijkl, 1234567890123' });
    expect(r.outcome.failure?.type === 'error' && r.outcome.failure.error.kind).toBe('input');
    for (const bad of ['"12345"', '"abcdefghijkl"', '"1234567890123"']) expect(r.failed).toContain(bad);
    expect(r.failed).toContain('3 values that are not account ids');
    const many = await publish({ 'share-with-accounts': accounts(1001).join(',') });
    expect(many.failed).toContain('1001 accounts');
    expect(many.failed).toContain('at most 1000');
    expect(e.ssm.count()).toBe(0);
  });

  it.each<SsmFault>(['throttle', '500-before', '500-after-commit', 'reset-after-commit', '503'])(
    'a %s fault on ModifyDocumentPermission converges to exactly the asked accounts',
    async (fault) => {
      const f = e.ssm.inject('ModifyDocumentPermission', fault, { after: 1 });
      const ids = accounts(25);
      const r = await publish({ 'share-with-accounts': ids.join(',') });
      expect(f.fired, 'the fault fired').toBe(1);
      expect(r.failed).toBeUndefined();
      expect(Object.keys(e.ssm.shares(DOC))).toEqual(ids);
      expect(sharedWith(r)).toEqual(ids);
      const again = await publish({ 'share-with-accounts': ids.join(',') });
      expect(again.outcome.publish?.sharing?.added).toEqual([]);
    },
  );

  it('reads every page of DescribeDocumentPermission (over 200 accounts)', async () => {
    await publish({ version: '9.0.0' });
    e.ssm.share(DOC, accounts(250));
    const r = await publish({ 'share-with-accounts': accounts(251).join(',') });
    expect(r.failed).toBeUndefined();
    expect(modifies().map((c) => c.input.AccountIdsToAdd)).toEqual([['100000000250']]);
    expect(e.ssm.calls('DescribeDocumentPermission').length).toBeGreaterThanOrEqual(2);
  });
});

describe('sharing through dist/index.js', () => {
  const env = () => ({ ...e.env, GITHUB_EVENT_NAME: 'push' });
  it('shares, outputs shared-with and document-arn, and a re-run changes nothing', async () => {
    const ids = accounts(21);
    const r = await runAction({ ...baseInputs(), 'share-with-accounts': ids.join('\n') }, { env: env() });
    expect(r.code, r.stdout).toBe(0);
    expect(JSON.parse(r.outputs['shared-with'] ?? 'null')).toEqual(ids);
    expect(r.outputs['document-arn']).toBe(ARN);
    expect(modifies()).toHaveLength(2);
    const again = await runAction({ ...baseInputs(), 'share-with-accounts': ids.join('\n') }, { env: env() });
    expect(again.code).toBe(0);
    expect(modifies()).toHaveLength(2);
  });

  it('refuses `all` without share-public before any AWS call', async () => {
    const r = await runAction({ ...baseInputs(), 'share-with-accounts': 'all' }, { env: env() });
    expect(r.code).not.toBe(0);
    expect(r.outputs['error-kind']).toBe('input');
    expect(e.ssm.count()).toBe(0);
  });
});
