// The release half end to end, each scenario run both ways (the committed bundle as the runner starts it,
// and runMode in process): a canary group first, the default moved only after it, the associations that
// follow the default started and followed, the max-failed-targets threshold, a failing canary that leaves
// the default where it was, and the rollout report in the outputs and the summary.
import path from 'node:path';
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BUCKET,
  type Endpoints,
  PREFIX,
  restoreAwsEnvAfterAll,
  startEndpoints,
  useEndpoints,
} from './support/aws-env.js';
import { runStep, type StepRun, WAYS } from './support/both-ways.js';
import { cleanupTemp, tempDir, validPackage } from './support/pkg.js';

const NAME = 'AcmeAgent';
const DOC = 'TestAgent'; // validPackage()'s name

restoreAwsEnvAfterAll();
let e: Endpoints;
beforeEach(async () => {
  e = await startEndpoints({ statusDelayMs: 20 });
  useEndpoints(e);
  e.ssm.fleet.delayMs = 40;
});
afterEach(async () => {
  await e.close();
});
afterAll(cleanupTemp);

interface Report {
  canary: {
    ok: boolean;
    versionName: string;
    commandId: string | null;
    instances: { instanceId: string; status: string; responseCode?: number; outputTail: string }[];
    succeeded: number;
    failed: number;
  } | null;
  rollout: {
    following: {
      associationId: string;
      executionId?: string;
      succeeded: number;
      failed: number;
      pending: number;
      failures: { instanceId: string }[];
    }[];
    pinned: { associationId: string; version: string }[];
    totals: { targets: number; succeeded: number; failed: number; pending: number };
    exceeded: boolean;
    timedOut: boolean;
  } | null;
}
const reportOf = (r: StepRun) => JSON.parse(r.outputs['rollout-report'] ?? 'null') as Report | null;
const errorKind = (r: StepRun) => r.outputs['error-kind'];

/** Web fleet of `n` instances (tag Role=web) and `c` canaries (tag Ring=canary). */
function fleet(n: number, c: number): { web: string[]; canaries: string[] } {
  const web = e.ssm.fleet.addMany(n, { Role: 'web' }, 'i-0a');
  const canaries = e.ssm.fleet.addMany(c, { Role: 'web', Ring: 'canary' }, 'i-0c');
  return { web, canaries };
}

/** A following association (no version), a pinned one, and one of another package. */
function associations(name = NAME): { following: string; pinned: string; other: string } {
  return {
    following: e.ssm.addAssociation({
      associationName: 'acme-web',
      parameters: { action: ['Install'], name: [name], version: [''] },
      targets: [{ Key: 'tag:Role', Values: ['web'] }],
    }),
    pinned: e.ssm.addAssociation({
      associationName: 'acme-db-pinned',
      parameters: { action: ['Install'], name: [name], version: ['1.0.0'] },
      targets: [{ Key: 'tag:Role', Values: ['db'] }],
    }),
    other: e.ssm.addAssociation({
      parameters: { action: ['Install'], name: ['SomethingElse'] },
      targets: [{ Key: 'tag:Role', Values: ['web'] }],
    }),
  };
}

const promoteInputs = (over: Record<string, string>) => ({
  mode: 'promote',
  name: NAME,
  'request-timeout-seconds': '5',
  ...over,
});

describe.each(WAYS)('release pipeline (%s)', (way) => {
  it('promote: canary group first, then the default, then the associations that follow it; pinned ones untouched', async () => {
    e.ssm.seed(NAME, [{ versionName: '1.0.0' }, { versionName: '2.0.0' }], { defaultVersion: '1' });
    const { web, canaries } = fleet(6, 2);
    const a = associations();
    const r = await runStep(
      way,
      promoteInputs({
        version: '2.0.0',
        'canary-targets': 'tag:Ring=canary',
        'start-associations': 'true',
        'wait-for-rollout': 'true',
        'rollout-timeout-seconds': '60',
      }),
      e.env,
    );
    expect(r.failed, r.failure + r.summary).toBe(false);
    expect(e.ssm.document(NAME)?.defaultVersion).toBe('2');
    // The canary installed 2.0.0 pinned on exactly the canaries, before the default moved.
    const byCommand = e.ssm.fleet.installs.filter((i) => i.via === 'command');
    expect(byCommand.map((i) => i.instanceId).sort()).toEqual(canaries);
    expect(new Set(byCommand.map((i) => i.version))).toEqual(new Set(['2.0.0']));
    const send = e.ssm.calls('SendCommand')[0]!;
    const update = e.ssm.calls('UpdateDocumentDefaultVersion')[0]!;
    const start = e.ssm.calls('StartAssociationsOnce')[0]!;
    expect(send.at).toBeLessThan(update.at);
    expect(update.at).toBeLessThan(start.at);
    // Only the following association was started, once; it reached every web instance (canaries too).
    expect(e.ssm.executions(a.following)).toHaveLength(1);
    expect(e.ssm.executions(a.pinned)).toHaveLength(0);
    expect(e.ssm.executions(a.other)).toHaveLength(0);
    const rep = reportOf(r)!;
    expect(rep.canary).toMatchObject({ ok: true, versionName: '2.0.0', succeeded: 2, failed: 0 });
    expect(rep.rollout!.following.map((f) => f.associationId)).toEqual([a.following]);
    expect(rep.rollout!.pinned).toEqual([
      expect.objectContaining({ associationId: a.pinned, version: '1.0.0' }),
    ]);
    expect(rep.rollout!.totals).toEqual({
      targets: web.length + canaries.length,
      succeeded: 8,
      failed: 0,
      pending: 0,
    });
    expect(r.heading).toBe(
      `## ✅ Promoted ${NAME} 2.0.0 (document version 2) to default; was 1.0.0 (1); canary 2/2 succeeded; rollout: 8 of 8 targets succeeded`,
    );
    expect(r.summary).toContain('### Canary group');
    expect(r.summary).toContain('### Rollout');
  });

  it('a failing canary leaves the default where it was, starts nothing, and fails with the instance and its output', async () => {
    e.ssm.seed(NAME, [{ versionName: '1.0.0' }, { versionName: '2.0.0' }], { defaultVersion: '1' });
    const { canaries } = fleet(3, 2);
    associations();
    e.ssm.fleet.outcomes((id, inst) =>
      inst.via === 'command' && id === canaries[1]
        ? {
            status: 'Failed',
            responseCode: 1,
            output: 'install.sh: rpm: command not found\nFailed to install package',
          }
        : undefined,
    );
    const r = await runStep(
      way,
      promoteInputs({ version: '2.0.0', 'canary-targets': 'tag:Ring=canary', 'start-associations': 'true' }),
      e.env,
    );
    expect(r.failed).toBe(true);
    expect(errorKind(r)).toBe('rollout');
    expect(e.ssm.document(NAME)?.defaultVersion).toBe('1');
    expect(e.ssm.count('UpdateDocumentDefaultVersion')).toBe(0);
    expect(e.ssm.count('StartAssociationsOnce')).toBe(0);
    const c = reportOf(r)!.canary!;
    expect(c.ok).toBe(false);
    const bad = c.instances.find((i) => i.instanceId === canaries[1])!;
    expect(bad).toMatchObject({ status: 'Failed', responseCode: 1 });
    expect(bad.outputTail).toContain('rpm: command not found');
    expect(r.failure).toContain(canaries[1]);
    expect(r.summary).toContain('rpm: command not found');
    expect(r.outputs['default-version']).toBe('1');
    expect(r.outputs.changed).toBe('false');
  });

  it('mixed target outcomes against max-failed-targets: at the limit passes, above it fails (the default stays moved)', async () => {
    e.ssm.seed(NAME, [{ versionName: '1.0.0' }, { versionName: '2.0.0' }, { versionName: '3.0.0' }], {
      defaultVersion: '1',
    });
    const { web } = fleet(10, 0);
    const a = associations();
    const failing = new Set(web.slice(0, 2));
    e.ssm.fleet.outcomes((id, inst) =>
      inst.via === 'association' && failing.has(id)
        ? { status: 'Failed', detailedStatus: 'Failed' }
        : undefined,
    );
    const rollout = {
      'start-associations': 'true',
      'wait-for-rollout': 'true',
      'rollout-timeout-seconds': '60',
    };
    const ok = await runStep(
      way,
      promoteInputs({ version: '2.0.0', ...rollout, 'max-failed-targets': '20%' }),
      e.env,
    );
    expect(ok.failed, ok.failure).toBe(false);
    expect(reportOf(ok)!.rollout).toMatchObject({
      exceeded: false,
      totals: { targets: 10, succeeded: 8, failed: 2, pending: 0 },
    });
    const failures = reportOf(ok)!
      .rollout!.following[0]!.failures.map((f) => f.instanceId)
      .sort();
    expect(failures).toEqual([...failing].sort());
    e.newRun();
    const over = await runStep(
      way,
      promoteInputs({ version: '3.0.0', ...rollout, 'max-failed-targets': '1' }),
      e.env,
    );
    expect(over.failed).toBe(true);
    expect(errorKind(over)).toBe('rollout');
    expect(over.failure).toMatch(/2 .*failed/);
    expect(e.ssm.document(NAME)?.defaultVersion).toBe('3');
    expect(reportOf(over)!.rollout).toMatchObject({ exceeded: true, totals: { failed: 2 } });
    // The default moved before the threshold failed the step: the outputs and the summary say so, with the undo.
    expect(over.outputs['default-version']).toBe('3');
    expect(over.outputs['default-version-name']).toBe('3.0.0');
    expect(over.outputs.changed).toBe('true');
    expect(over.summary).toContain('(read back) before the failure, and stays there');
    expect(over.summary).toContain('version: 2.0.0\nstart-associations: true');
    expect(e.ssm.executions(a.following)).toHaveLength(2);
    expect(over.summary).toContain('exceeded');
  });

  it('publish with set-default: canary, default, associations; the canary pins the new version', async () => {
    const { canaries } = fleet(2, 1);
    associations(DOC);
    const inputs = {
      mode: 'publish',
      'package-dir': validPackage(),
      'output-dir': path.join(tempDir(), 'out'),
      version: '5.0.0',
      's3-bucket': BUCKET,
      's3-prefix': PREFIX,
      'set-default': 'true',
      'canary-targets': canaries.join(','),
      'start-associations': 'true',
      'wait-for-rollout': 'true',
      'wait-timeout-seconds': '30',
      'request-timeout-seconds': '5',
      'upload-artifact': 'false',
    };
    const r = await runStep(way, inputs, e.env);
    expect(r.failed, r.failure + r.summary).toBe(false);
    const cmd = e.ssm.commands()[0]!;
    expect(cmd.parameters).toMatchObject({ action: ['Install'], name: [DOC], version: ['5.0.0'] });
    expect(cmd.instanceIds).toEqual(canaries);
    expect(reportOf(r)!.rollout!.totals).toEqual({ targets: 3, succeeded: 3, failed: 0, pending: 0 });
    expect(r.outputs['version-created']).toBe('true');
    // A re-run finds the version published and already the default: the canaries are not installed again.
    e.newRun();
    const again = await runStep(way, inputs, e.env);
    expect(again.failed, again.failure).toBe(false);
    expect(e.ssm.commands()).toHaveLength(1);
    expect(again.summary).toContain('is already the default version, so the canary group was not run again');
    expect(again.outputs['version-created']).toBe('false');
  });

  it('a target that never finishes: the wait ends at rollout-timeout-seconds, pending reported, the step fails', async () => {
    e.ssm.seed(NAME, [{ versionName: '1.0.0' }, { versionName: '2.0.0' }], { defaultVersion: '1' });
    const { web } = fleet(3, 0);
    associations();
    e.ssm.fleet.outcomes((id, inst) =>
      inst.via === 'association' && id === web[0] ? { hang: true } : undefined,
    );
    const r = await runStep(
      way,
      promoteInputs({
        version: '2.0.0',
        'start-associations': 'true',
        'wait-for-rollout': 'true',
        'rollout-timeout-seconds': '3',
      }),
      e.env,
    );
    expect(r.failed).toBe(true);
    expect(errorKind(r)).toBe('timeout');
    expect(reportOf(r)!.rollout).toMatchObject({
      timedOut: true,
      totals: { targets: 3, succeeded: 2, pending: 1 },
    });
    expect(e.ssm.document(NAME)?.defaultVersion).toBe('2');
  });
  it('pruning keeps the version a Run Command is installing right now (a canary in progress)', async () => {
    e.ssm.seed(
      DOC,
      Array.from({ length: 4 }, (_, i) => ({
        versionName: `0.0.${i + 1}`,
        files: ['linux.zip', 'windows.zip'],
      })),
      { defaultVersion: '4' },
    );
    const [busy] = fleet(1, 0).web;
    e.ssm.fleet.outcomes((_id, inst) => (inst.version === '0.0.2' ? { hang: true } : undefined));
    const ssm = new SSMClient({ region: 'us-east-1' });
    await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-ConfigureAWSPackage',
        Parameters: { action: ['Install'], name: [DOC], version: ['0.0.2'] },
        InstanceIds: [busy!],
      }),
    );
    ssm.destroy();
    const r = await runStep(
      way,
      {
        mode: 'publish',
        'package-dir': validPackage(),
        'output-dir': path.join(tempDir(), 'out'),
        version: '5.0.0',
        's3-bucket': BUCKET,
        's3-prefix': PREFIX,
        'set-default': 'true',
        'keep-versions': '2',
        'wait-timeout-seconds': '30',
        'request-timeout-seconds': '5',
        'upload-artifact': 'false',
      },
      e.env,
    );
    expect(r.failed, r.failure + r.summary).toBe(false);
    expect(JSON.parse(r.outputs['pruned-versions']!)).toEqual([
      { documentVersion: '1', versionName: '0.0.1' },
      { documentVersion: '3', versionName: '0.0.3' },
    ]);
    expect(e.ssm.versions(DOC).map((v) => v.documentVersion)).toEqual(['2', '4', '5']);
    expect(r.summary).toMatch(/is installing it right now/);
  });
  it("a failing canary on a package's first version says the version is the default already", async () => {
    const { canaries } = fleet(0, 1);
    e.ssm.fleet.outcomes(() => ({ status: 'Failed', responseCode: 1, output: 'boom' }));
    const r = await runStep(
      way,
      {
        mode: 'publish',
        'package-dir': validPackage(),
        'output-dir': path.join(tempDir(), 'out'),
        version: '1.0.0',
        's3-bucket': BUCKET,
        's3-prefix': PREFIX,
        'set-default': 'true',
        'canary-targets': canaries.join(','),
        'wait-timeout-seconds': '30',
        'request-timeout-seconds': '5',
        'upload-artifact': 'false',
      },
      e.env,
    );
    expect(r.failed).toBe(true);
    expect(errorKind(r)).toBe('rollout');
    expect(r.failure).toContain("1.0.0 is the package's first version, so it is its default version already");
    expect(r.failure).not.toContain('The default version was not changed');
    expect(r.outputs['default-version']).toBe('1');
    expect(e.ssm.document(DOC)?.defaultVersion).toBe('1');
  });
});
