// The canary group in process: runCanary() against the test endpoints, with the fleet's outcomes scripted
// per test. Instance ids and tags; every instance succeeding, one failing (its response code and the end of
// its output, stderr included), a tag that matches nothing, an instance that never finishes; exactly one
// command through every fault of SendCommand; hostile outputs kept as bounded data; the versions a
// running command pins (what pruning keeps); and the test endpoint's own Run Command answers.
import { ListCommandsCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CanaryOptions,
  canaryFailure,
  canaryHolds,
  newCanaryReport,
  runCanary,
} from '../src/aws/canary.js';
import type { Clients } from '../src/aws/clients.js';
import type { RolloutCtx } from '../src/aws/context.js';
import { type CanaryReport, OUTPUT_TAIL_CHARS } from '../src/aws/rollout-types.js';
import { type Endpoints, restoreAwsEnvAfterAll, startEndpoints, useEndpoints } from './support/aws-env.js';
import { rolloutContext } from './support/rollout-ctx.js';
import type { SsmFault } from './support/ssm-server.js';

const NAME = 'AcmeAgent';

restoreAwsEnvAfterAll();
let e: Endpoints;
let clients: Clients;
let lines: string[];
let canaries: string[];

beforeEach(async () => {
  e = await startEndpoints({ statusDelayMs: 10 });
  useEndpoints(e);
  e.ssm.seed(NAME, [{ versionName: '1.0.0' }, { versionName: '2.0.0' }], { defaultVersion: '1' });
  e.ssm.fleet.delayMs = 20;
  canaries = e.ssm.fleet.addMany(3, { Ring: 'canary' }, 'i-0c');
  e.ssm.fleet.addMany(4, { Ring: 'main' }, 'i-0a');
  lines = [];
});
afterEach(async () => {
  clients?.destroy();
  await e.close();
});

function context(o: { deadlineMs?: number } = {}): RolloutCtx {
  const made = rolloutContext(e, NAME, lines, o);
  clients = made.clients;
  return made.ctx;
}

const options = (over: Partial<CanaryOptions> = {}): CanaryOptions => ({
  targets: { tags: [{ key: 'Ring', values: ['canary'] }] },
  installationType: 'Uninstall and reinstall',
  maxConcurrency: '50',
  maxErrors: '0',
  timeoutMs: 60_000,
  maxPollDelayMs: 200,
  ...over,
});

async function run(
  over: Partial<CanaryOptions> = {},
  version = '2.0.0',
  ctx = context(),
): Promise<CanaryReport> {
  const o = options(over);
  return runCanary(ctx, o, newCanaryReport(NAME, { versionName: version, documentVersion: '2' }, o));
}

const commandInstalls = () => e.ssm.fleet.installs.filter((i) => i.via === 'command');

describe('runCanary', () => {
  it('tag targets: every canary installs the pinned version once; the report lists each, sorted', async () => {
    const r = await run();
    expect(r.ok).toBe(true);
    expect(r.instances.map((i) => [i.instanceId, i.status, i.responseCode])).toEqual(
      canaries.map((id) => [id, 'Success', 0]),
    );
    expect([r.succeeded, r.failed, r.pending, r.timedOut]).toEqual([3, 0, 0, false]);
    expect(commandInstalls().map((i) => [i.instanceId, i.version, i.action])).toEqual(
      canaries.map((id) => [id, '2.0.0', 'Install']),
    );
    const cmd = e.ssm.commands()[0]!;
    expect(cmd.parameters).toEqual({
      action: ['Install'],
      name: [NAME],
      version: ['2.0.0'],
      installationType: ['Uninstall and reinstall'],
    });
    expect(cmd.comment).toMatch(new RegExp(`^ssm-distributor-action ${NAME} 2\\.0\\.0 [0-9a-f]{16}$`));
    expect(r.commandId).toBe(cmd.commandId);
    expect(canaryFailure(r)).toBeUndefined();
  });

  it('instance ids and In-place update: only those instances', async () => {
    const r = await run({
      targets: { instanceIds: [canaries[2]!, canaries[0]!] },
      installationType: 'In-place update',
    });
    expect(r.ok).toBe(true);
    expect(
      commandInstalls()
        .map((i) => i.instanceId)
        .sort(),
    ).toEqual([canaries[0], canaries[2]]);
    expect(new Set(commandInstalls().map((i) => i.installationType))).toEqual(new Set(['In-place update']));
  });

  it('one instance fails: not ok, its response code and the end of its output (stderr too) reported', async () => {
    const long = `${'downloading…\n'.repeat(400)}install.sh: line 12: rpm: command not found\nexit status 127`;
    e.ssm.fleet.outcomes((id) =>
      id === canaries[1] ? { status: 'Failed', responseCode: 127, output: long } : undefined,
    );
    const r = await run();
    expect(r.ok).toBe(false);
    expect([r.succeeded, r.failed]).toEqual([2, 1]);
    const bad = r.instances.find((i) => i.instanceId === canaries[1])!;
    expect(bad).toMatchObject({ status: 'Failed', responseCode: 127 });
    // The list gives only the output's first 2,500 characters: the tail comes from GetCommandInvocation.
    expect(bad.outputTail.endsWith('rpm: command not found\nexit status 127')).toBe(true);
    expect(bad.outputTail.length).toBeLessThanOrEqual(OUTPUT_TAIL_CHARS);
    expect(e.ssm.count('GetCommandInvocation')).toBe(1);
    const f = canaryFailure(r)!;
    expect(f.kind).toBe('rollout');
    expect(f.message).toBe(
      `The canary failed on 1 of 3 instances: ${canaries[1]} (Failed, response code 127). The default version was not changed and no association was started.`,
    );
  });

  it('a version the package does not have: every instance fails as the agent reports it', async () => {
    const r = await run({}, '9.9.9');
    expect(r.ok).toBe(false);
    expect(r.failed).toBe(3);
    expect(r.instances[0]!.outputTail).toMatch(/version 9\.9\.9 was not found/);
  });

  it('a tag that matches nothing: not ok, and the failure says what to check', async () => {
    const r = await run({ targets: { tags: [{ key: 'Ring', values: ['nobody'] }] } });
    expect(r.ok).toBe(false);
    expect(r.instances).toEqual([]);
    const f = canaryFailure(r)!;
    expect(f.message).toMatch(/^The canary command reached no instance \(targets tag:Ring=nobody\)/);
    expect(f.hint).toMatch(/Check canary-targets/);
  });

  it('an instance id Run Command does not know: not-found before anything is installed', async () => {
    await expect(run({ targets: { instanceIds: ['i-0123456789abcdef0'] } })).rejects.toMatchObject({
      kind: 'not-found',
      code: 'InvalidInstanceId',
    });
    expect(commandInstalls()).toEqual([]);
  });

  it('an instance that never finishes: the wait ends at the timeout, timedOut with it pending', async () => {
    e.ssm.fleet.outcomes((id) => (id === canaries[0] ? { hang: true } : undefined));
    const r = await run({ timeoutMs: 3000 });
    expect(r).toMatchObject({ ok: false, timedOut: true, succeeded: 2, pending: 1 });
    expect(canaryFailure(r)!.message).toMatch(
      /did not finish within canary-timeout-seconds: 1 of 3 instances still running/,
    );
  });

  it.each<SsmFault>(['throttle', '500-before', '503', 'reset', '500-after-commit', 'reset-after-commit'])(
    'SendCommand %s: the fault fires and exactly one command reaches each canary once',
    async (fault) => {
      const h = e.ssm.inject('SendCommand', fault);
      const r = await run();
      expect(h.fired).toBe(1);
      expect(r.ok).toBe(true);
      expect(e.ssm.commands()).toHaveLength(1);
      expect(
        commandInstalls()
          .map((i) => i.instanceId)
          .sort(),
      ).toEqual(canaries);
      const after = fault.endsWith('after-commit');
      // After a lost answer the command is found by its comment, and not sent again.
      expect(e.ssm.count('SendCommand')).toBe(after ? 1 : 2);
      if (after) expect(lines.join('\n')).toMatch(/the lost answer had sent Run Command/);
    },
  );

  it('SendCommand failing until the deadline: the retries stop there, nothing sent, the deadline error', async () => {
    const h = e.ssm.inject('SendCommand', '503', { times: 1000 });
    const err = await run({}, '2.0.0', context({ deadlineMs: 2500 })).catch((x: unknown) => x);
    expect(err).toMatchObject({ kind: 'timeout' });
    expect(h.fired).toBeGreaterThanOrEqual(1);
    expect(e.ssm.count('SendCommand')).toBeLessThanOrEqual(5);
    expect(e.ssm.commands()).toEqual([]);
    expect(commandInstalls()).toEqual([]);
  });

  it('SendCommand refused (access denied): not retried, a permission error naming ssm:SendCommand', async () => {
    const h = e.ssm.inject('SendCommand', 'access-denied');
    await expect(run()).rejects.toMatchObject({ kind: 'permission', action: 'ssm:SendCommand' });
    expect(h.fired).toBe(1);
    expect(e.ssm.count('SendCommand')).toBe(1);
  });

  it('faults on the reads converge', async () => {
    const a = e.ssm.inject('ListCommandInvocations', '503', { times: 4 });
    const b = e.ssm.inject('ListCommands', 'throttle', { times: 4 });
    const r = await run();
    expect(a.fired).toBe(4);
    expect(b.fired).toBe(4);
    expect(r.ok).toBe(true);
  });

  it('hostile output (workflow commands, NUL, escapes; 4 MiB): a bounded tail of data', async () => {
    const evil = `::error::pwned\u0000\u001b[31m</details>${'x'.repeat(20_000)}\r\n::set-output name=a::b\u0007`;
    e.ssm.fleet.outcomes((id) =>
      id === canaries[0]
        ? { status: 'Failed', output: `${evil}${'y'.repeat(4 * 1024 * 1024)}` }
        : { status: 'Failed', output: evil },
    );
    const r = await run();
    for (const i of r.instances) {
      expect(i.outputTail.length).toBeLessThanOrEqual(OUTPUT_TAIL_CHARS);
      expect(i.outputTail).not.toMatch(/[\u0000\u0007\u001b\r]/);
    }
    expect(r.instances[1]!.outputTail.endsWith('x\n::set-output name=a::b')).toBe(true);
    // SSM keeps the start of a long output; what it cut is said, not hidden.
    expect(r.instances[0]!.outputTail.endsWith('y\n---Output truncated---')).toBe(true);
  });
});

describe('canaryHolds', () => {
  it('a running command that pins a version of this package holds it; finished ones and other packages do not', async () => {
    const ctx = context();
    e.ssm.fleet.outcomes((_id, inst) => (inst.version === '1.0.0' ? { hang: true } : undefined));
    const send = (name: string, version: string) =>
      clients.ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-ConfigureAWSPackage',
          Parameters: { action: ['Install'], name: [name], version: [version] },
          Targets: [{ Key: 'tag:Ring', Values: ['canary'] }],
        }),
      );
    await send(NAME, '1.0.0'); // runs forever
    await send(NAME, '2.0.0'); // ends at once
    await send('OtherPkg', '1.0.0');
    await new Promise((r) => setTimeout(r, 60));
    const holds = await canaryHolds(ctx);
    expect(holds.map((h) => h.versionName)).toEqual(['1.0.0']);
    expect(holds[0]!.reason).toMatch(/Run Command .* is installing it right now/);
  });
});

describe('the test endpoint: Run Command', () => {
  it('validates SendCommand as the model does, and lists commands newest first by filter', async () => {
    context();
    await expect(
      clients.ssm.send(
        new SendCommandCommand({ DocumentName: 'AWS-ConfigureAWSPackage', InstanceIds: ['web-1'] }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      clients.ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: [canaries[0]!],
          MaxErrors: '0',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidDocument' });
    await expect(
      clients.ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-ConfigureAWSPackage',
          Parameters: { action: ['Install'], name: [NAME] },
          InstanceIds: [canaries[0]!],
          MaxConcurrency: '0',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    const ok = await clients.ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-ConfigureAWSPackage',
        Parameters: { action: ['Install'], name: [NAME] },
        InstanceIds: [canaries[0]!],
      }),
    );
    expect(ok.Command?.TargetCount).toBe(1);
    const listed = await clients.ssm.send(
      new ListCommandsCommand({ Filters: [{ key: 'DocumentName', value: 'AWS-ConfigureAWSPackage' }] }),
    );
    expect(listed.Commands?.map((c) => c.CommandId)).toEqual([ok.Command?.CommandId]);
    await expect(
      clients.ssm.send(new ListCommandsCommand({ CommandId: '00000000-0000-4000-8000-000000000000' })),
    ).rejects.toMatchObject({
      name: 'InvalidCommandId',
    });
  });
});
