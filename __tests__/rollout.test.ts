// The State Manager rollout in process: rollOut() against the test endpoints, with the fleet's outcomes
// scripted per test. Which associations are started (following vs pinned vs other packages, by name or
// ARN), exactly once through every fault of StartAssociationsOnce, the target counts and the threshold,
// the timeout, and hostile answers; plus the test endpoint's own answers to the three operations.
import { parseFailedTargets } from '../src/inputs-release.js';
import {
  DescribeAssociationExecutionsCommand,
  DescribeAssociationExecutionTargetsCommand,
  StartAssociationsOnceCommand,
} from '@aws-sdk/client-ssm';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_ASSOCIATIONS } from '../src/aws/associations.js';
import type { Clients } from '../src/aws/clients.js';
import type { RolloutCtx } from '../src/aws/context.js';
import {
  exceedsLimit,
  newRolloutReport,
  type RolloutOptions,
  rollOut,
  rolloutFailure,
} from '../src/aws/rollout.js';
import { FAILURES_LISTED, type RolloutReport } from '../src/aws/rollout-types.js';
import { ActionError } from '../src/errors.js';
import {
  ACCOUNT,
  type Endpoints,
  REGION,
  restoreAwsEnvAfterAll,
  startEndpoints,
  useEndpoints,
} from './support/aws-env.js';
import { rolloutContext } from './support/rollout-ctx.js';
import type { SsmFault } from './support/ssm-server.js';

const NAME = 'AcmeAgent';
const ARN = `arn:aws:ssm:${REGION}:${ACCOUNT}:document/${NAME}`;

restoreAwsEnvAfterAll();
let e: Endpoints;
let clients: Clients;
let lines: string[];

beforeEach(async () => {
  e = await startEndpoints({ statusDelayMs: 10 });
  useEndpoints(e);
  e.ssm.seed(NAME, [{ versionName: '1.0.0' }, { versionName: '2.0.0' }], { defaultVersion: '2' });
  e.ssm.seed('OtherPkg', [{ versionName: '1.0.0' }]);
  e.ssm.fleet.delayMs = 20;
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

const options = (over: Partial<RolloutOptions> = {}): RolloutOptions => ({
  wait: true,
  timeoutMs: 60_000,
  maxFailed: parseFailedTargets('0')!,
  maxPollDelayMs: 200,
  ...over,
});

async function run(over: Partial<RolloutOptions> = {}, ctx = context()): Promise<RolloutReport> {
  const o = options(over);
  return rollOut(ctx, o, newRolloutReport(NAME, o));
}

/** An association of `pkg` (default: ours) on `n` new instances tagged with a role of its own. */
function follower(
  n: number,
  o: { pkg?: string; version?: string; role?: string; name?: string } = {},
): string {
  const role = o.role ?? `r${Math.random().toString(36).slice(2, 8)}`;
  e.ssm.fleet.addMany(n, { Role: role });
  return e.ssm.addAssociation({
    parameters: {
      action: ['Install'],
      name: [o.pkg ?? NAME],
      ...(o.version === undefined ? {} : { version: [o.version] }),
      installationType: ['Uninstall and reinstall'],
    },
    targets: [{ Key: 'tag:Role', Values: [role] }],
    ...(o.name ? { associationName: o.name } : {}),
  });
}

const executionsPer = (ids: string[]) => ids.map((id) => e.ssm.executions(id).length);

// ====================================================================== which associations

describe('which associations are started', () => {
  it('starts the followers by name and by ARN; lists the pinned; leaves other packages and documents alone', async () => {
    const byName = follower(2, { name: 'web' });
    const byArn = follower(1, { pkg: ARN });
    const empty = follower(1, { version: '' });
    const pinned = follower(1, { version: '1.0.0', name: 'pinned' });
    const other = follower(1, { pkg: 'OtherPkg' });
    const otherArn = follower(1, { pkg: `arn:aws:ssm:${REGION}:999999999999:document/${NAME}` });
    const caseDiffers = follower(1, { pkg: NAME.toLowerCase() });
    const notPackage = e.ssm.addAssociation({ name: 'AWS-RunShellScript', parameters: { name: [NAME] } });

    const r = await run();

    expect(r.following.map((a) => a.associationId).sort()).toEqual([byName, byArn, empty].sort());
    expect(r.pinned).toEqual([
      {
        associationId: pinned,
        associationName: 'pinned',
        targets: expect.stringMatching(/^tag:Role=r/),
        version: '1.0.0',
      },
    ]);
    expect(executionsPer([byName, byArn, empty])).toEqual([1, 1, 1]);
    expect(executionsPer([pinned, other, otherArn, caseDiffers, notPackage])).toEqual([0, 0, 0, 0, 0]);
    expect(r.following.every((a) => a.started && a.status === 'Success')).toBe(true);
    expect(r.following.find((a) => a.associationId === byName)).toMatchObject({
      associationName: 'web',
      succeeded: 2,
      failed: 0,
      pending: 0,
    });
    expect(r.totals).toEqual({ targets: 4, succeeded: 4, failed: 0, pending: 0 });
    expect(r.exceeded).toBe(false);
    expect(rolloutFailure(r)).toBeUndefined();
    // The installs went to the right instances with the right parameters.
    const installs = e.ssm.fleet.installs;
    expect(installs).toHaveLength(4);
    expect(installs.every((i) => i.via === 'association' && i.action === 'Install' && !i.version)).toBe(true);
  });

  it('more associations than it examines: a clear limit error before anything is described or started', async () => {
    for (let k = 0; k < MAX_ASSOCIATIONS + 1; k++)
      e.ssm.addAssociation({ parameters: { name: ['OtherPkg'] }, targets: [] });
    const err = await run().catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ActionError);
    expect((err as ActionError).kind).toBe('limit');
    expect((err as ActionError).message).toContain(`More than ${MAX_ASSOCIATIONS}`);
    expect((err as ActionError).hint).toContain('start-associations: false');
    expect(e.ssm.count('DescribeAssociation')).toBe(0);
    expect(e.ssm.count('StartAssociationsOnce')).toBe(0);
  });

  it('no follower: nothing started, an empty report', async () => {
    follower(1, { version: '1.0.0' });
    const r = await run();
    expect(r.following).toEqual([]);
    expect(r.pinned).toHaveLength(1);
    expect(e.ssm.count('StartAssociationsOnce')).toBe(0);
    expect(rolloutFailure(r)).toBeUndefined();
  });

  it('more than 50 associations (pages) and more than 10 followers (batches of 10)', async () => {
    const ours: string[] = [];
    for (let k = 0; k < 23; k++) ours.push(follower(1));
    for (let k = 0; k < 35; k++) follower(0, { pkg: 'OtherPkg' });
    const r = await run();
    expect(e.ssm.count('ListAssociations')).toBe(2);
    expect(r.following).toHaveLength(23);
    const starts = e.ssm.calls('StartAssociationsOnce');
    expect(starts.map((c) => (c.input.AssociationIds as string[]).length)).toEqual([10, 10, 3]);
    expect(executionsPer(ours)).toEqual(ours.map(() => 1));
    expect(r.totals).toEqual({ targets: 23, succeeded: 23, failed: 0, pending: 0 });
  });

  it('without wait: started, not followed, no threshold', async () => {
    const id = follower(2);
    e.ssm.fleet.outcomes(() => ({ status: 'Failed' }));
    const r = await run({ wait: false });
    expect(executionsPer([id])).toEqual([1]);
    expect(r.following[0]).toMatchObject({ started: true, succeeded: 0, failed: 0 });
    expect(r.waited).toBe(false);
    expect(r.exceeded).toBe(false);
    expect(e.ssm.count('DescribeAssociationExecutionTargets')).toBe(0);
    expect(rolloutFailure(r)).toBeUndefined();
  });
});

// ====================================================================== counts and the threshold

describe('targets counted and the threshold', () => {
  it('mixed outcomes: counted per association, failures listed with ids and details', async () => {
    const a = follower(3);
    const b = follower(2);
    const failing = new Set([e.ssm.fleet.instances()[1]!.instanceId, e.ssm.fleet.instances()[4]!.instanceId]);
    e.ssm.fleet.outcomes((id) =>
      failing.has(id)
        ? { status: id.endsWith('2') ? 'Failed' : 'TimedOut', detailedStatus: `Boom on ${id}` }
        : undefined,
    );
    const r = await run({ maxFailed: parseFailedTargets('2')! });
    const rowA = r.following.find((x) => x.associationId === a)!;
    const rowB = r.following.find((x) => x.associationId === b)!;
    expect(rowA).toMatchObject({ status: 'Failed', succeeded: 2, failed: 1, pending: 0 });
    expect(rowB).toMatchObject({ status: 'Failed', succeeded: 1, failed: 1, pending: 0 });
    const listed = [...rowA.failures, ...rowB.failures];
    expect(listed.map((f) => f.instanceId).sort()).toEqual([...failing].sort());
    for (const f of listed) expect(f.detailedStatus).toBe(`Boom on ${f.instanceId}`);
    expect(listed.map((f) => f.status).sort()).toEqual(['Failed', 'TimedOut']);
    expect(r.totals).toEqual({ targets: 5, succeeded: 3, failed: 2, pending: 0 });
    // 2 failed, 2 allowed: at the limit is not above it.
    expect(r.exceeded).toBe(false);
    expect(rolloutFailure(r)).toBeUndefined();
  });

  it('a count limit exceeded fails with kind rollout, naming counts, limit, associations and the rollback', async () => {
    follower(4, { name: 'web-fleet' });
    let n = 0;
    e.ssm.fleet.outcomes(() => (n++ < 2 ? { status: 'Failed' } : undefined));
    const r = await run({ maxFailed: parseFailedTargets('1')! });
    expect(r.totals).toEqual({ targets: 4, succeeded: 2, failed: 2, pending: 0 });
    expect(r.exceeded).toBe(true);
    const f = rolloutFailure(r)!;
    expect(f.kind).toBe('rollout');
    expect(f.message).toContain('2 of 4 targets failed');
    expect(f.message).toContain('max-failed-targets (1)');
    expect(f.message).toContain('web-fleet');
    expect(f.hint).toContain('rollback: true');
  });

  it('percent limits: at the limit passes, above it fails', async () => {
    follower(10);
    let n = 0;
    e.ssm.fleet.outcomes(() => (n++ < 1 ? { status: 'Failed' } : undefined));
    const r = await run({ maxFailed: parseFailedTargets('10%')! });
    expect(r.totals).toMatchObject({ targets: 10, failed: 1 });
    expect(r.exceeded).toBe(false);
    expect(rolloutFailure(r)).toBeUndefined();
    expect(exceedsLimit(parseFailedTargets('9.5%')!, 1, 10)).toBe(true);
    expect(exceedsLimit(parseFailedTargets('10%')!, 1, 10)).toBe(false);
    expect(exceedsLimit(parseFailedTargets('10%')!, 2, 10)).toBe(true);
    expect(exceedsLimit(parseFailedTargets('0')!, 0, 10)).toBe(false);
    expect(exceedsLimit(parseFailedTargets('0')!, 1, 10)).toBe(true);
    expect(exceedsLimit(parseFailedTargets('0%')!, 1, 10)).toBe(true);
    expect(exceedsLimit(parseFailedTargets('100%')!, 10, 10)).toBe(false);
  });

  it('parses max-failed-targets', () => {
    expect(parseFailedTargets('0')).toEqual({ kind: 'count', value: 0, text: '0' });
    expect(parseFailedTargets(' 5 ')).toEqual({ kind: 'count', value: 5, text: '5' });
    expect(parseFailedTargets('10%')).toEqual({ kind: 'percent', value: 10, text: '10%' });
    expect(parseFailedTargets('12.5%')).toEqual({ kind: 'percent', value: 12.5, text: '12.5%' });
    for (const bad of ['', '-1', '1.5', '101%', 'ten', '5%%', '1e3', '0x10', '%', '9999999999'])
      expect(parseFailedTargets(bad), bad).toBeUndefined();
  });

  it('more failures than FAILURES_LISTED: listed up to the cap, the rest counted', async () => {
    follower(FAILURES_LISTED + 7);
    e.ssm.fleet.outcomes(() => ({ status: 'Failed' }));
    const r = await run({ maxFailed: parseFailedTargets('100%')! });
    expect(r.following[0]!.failed).toBe(FAILURES_LISTED + 7);
    expect(r.following[0]!.failures).toHaveLength(FAILURES_LISTED);
    expect(r.following[0]!.failuresOmitted).toBe(7);
    expect(e.ssm.count('DescribeAssociationExecutionTargets')).toBe(2); // 57 targets: two pages of 50
    expect(r.exceeded).toBe(false);
  });

  it('an association whose targets match no instance: Success with 0 targets', async () => {
    const id = e.ssm.addAssociation({
      parameters: { action: ['Install'], name: [NAME] },
      targets: [{ Key: 'tag:Role', Values: ['nobody'] }],
    });
    const r = await run();
    expect(executionsPer([id])).toEqual([1]);
    expect(r.following[0]).toMatchObject({ status: 'Success', succeeded: 0, failed: 0, pending: 0 });
  });
});

// ====================================================================== timeout

describe('timeout', () => {
  it('a hanging target: timedOut, pending counted, timeout failure; the others counted', async () => {
    follower(3, { name: 'slow' });
    let n = 0;
    e.ssm.fleet.outcomes(() => (n++ === 0 ? { hang: true } : undefined));
    const r = await run({ timeoutMs: 10_000 });
    expect(r.timedOut).toBe(true);
    expect(r.following[0]).toMatchObject({ status: 'InProgress', succeeded: 2, pending: 1, failed: 0 });
    expect(r.totals).toEqual({ targets: 3, succeeded: 2, failed: 0, pending: 1 });
    const f = rolloutFailure(r)!;
    expect(f.kind).toBe('timeout');
    expect(f.message).toContain('1 target still pending');
    expect(f.message).toContain('slow');
  });

  it('an association deleted while its execution runs: reported Deleted, the wait ends', async () => {
    const gone = follower(1);
    const keep = follower(1);
    e.ssm.fleet.outcomes((_id, install) => (install.by === gone ? { hang: true } : undefined));
    const timer = setTimeout(() => e.ssm.removeAssociation(gone), 150);
    const r = await run({ timeoutMs: 600_000 });
    clearTimeout(timer);
    expect(r.timedOut).toBe(false);
    expect(r.following.find((a) => a.associationId === gone)).toMatchObject({
      started: true,
      status: 'Deleted',
    });
    expect(r.following.find((a) => a.associationId === keep)).toMatchObject({
      status: 'Success',
      succeeded: 1,
    });
    expect(executionsPer([gone, keep])).toEqual([1, 1]);
    expect(rolloutFailure(r)).toBeUndefined();
  });

  it('the run deadline bounds the wait too', async () => {
    follower(1);
    e.ssm.fleet.outcomes(() => ({ hang: true }));
    const r = await run({ timeoutMs: 3_600_000 }, context({ deadlineMs: 4000 }));
    expect(r.timedOut).toBe(true);
    expect(r.totals.pending).toBe(1);
  });
});

// ====================================================================== exactly once

describe('StartAssociationsOnce exactly once through faults', () => {
  const kinds: SsmFault[] = [
    'throttle',
    '500-before',
    '500-after-commit',
    'reset-after-commit',
    '503',
    'reset',
  ];
  for (const kind of kinds) {
    it(`${kind}: the fault fired and every association has exactly one execution`, async () => {
      const ids = Array.from({ length: 12 }, () => follower(1));
      const fault = e.ssm.inject('StartAssociationsOnce', kind);
      const r = await run();
      expect(fault.fired).toBe(1);
      expect(executionsPer(ids)).toEqual(ids.map(() => 1));
      expect(e.ssm.fleet.installs).toHaveLength(12);
      expect(r.following.every((a) => a.started && a.status === 'Success')).toBe(true);
      expect(r.totals).toEqual({ targets: 12, succeeded: 12, failed: 0, pending: 0 });
      const calls = e.ssm.calls('StartAssociationsOnce');
      const committed = calls.filter((c) => c.committed);
      expect(committed).toHaveLength(2); // the two batches, each applied once
      if (kind.endsWith('after-commit')) {
        // The first batch was applied but its answer lost: it was found started, not sent again.
        expect(calls).toHaveLength(2);
        expect(lines.some((l) => /was started \(execution/.test(l))).toBe(true);
      } else expect(calls).toHaveLength(3);
    });
  }

  it('a second rollout with a lost answer: the old executions are not taken for the new one', async () => {
    const ids = [follower(2), follower(1)];
    await run();
    expect(executionsPer(ids)).toEqual([1, 1]);
    let n = 0;
    e.ssm.fleet.outcomes(() => (n++ === 0 ? { status: 'Failed' } : undefined));
    const fault = e.ssm.inject('StartAssociationsOnce', 'reset-after-commit');
    const r = await run({ maxFailed: parseFailedTargets('5')! });
    expect(fault.fired).toBe(1);
    expect(executionsPer(ids)).toEqual([2, 2]);
    expect(e.ssm.count('StartAssociationsOnce')).toBe(2);
    // Each row follows the newest execution (the second one), whose first target failed.
    for (const row of r.following)
      expect(row.executionId).toBe(e.ssm.executions(row.associationId)[1]!.executionId);
    expect(r.totals).toEqual({ targets: 3, succeeded: 2, failed: 1, pending: 0 });
  });

  it('a lost answer on the second batch: only that batch is checked, nothing repeated', async () => {
    const ids = Array.from({ length: 15 }, () => follower(1));
    const fault = e.ssm.inject('StartAssociationsOnce', '500-after-commit', { after: 1 });
    await run({ wait: false });
    expect(fault.fired).toBe(1);
    expect(executionsPer(ids)).toEqual(ids.map(() => 1));
    expect(e.ssm.count('StartAssociationsOnce')).toBe(2);
  });

  it('keeps failing: gives up after bounded attempts with the service error, nothing started twice', async () => {
    const ids = [follower(1), follower(1)];
    const fault = e.ssm.inject('StartAssociationsOnce', '503', { times: 100 });
    const err = await run().catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ActionError);
    expect((err as ActionError).message).toMatch(/StartAssociationsOnce .*ServiceUnavailable/);
    expect(fault.fired).toBe(6);
    expect(executionsPer(ids)).toEqual([0, 0]);
  });

  it('a refusal that is no transient failure is not retried', async () => {
    follower(1);
    const fault = e.ssm.inject('StartAssociationsOnce', 'access-denied');
    const err = await run().catch((x: unknown) => x);
    expect(fault.fired).toBe(1);
    expect((err as ActionError).kind).toBe('permission');
    expect(e.ssm.count('StartAssociationsOnce')).toBe(1);
  });

  it('an association deleted between the list and the start: reported Deleted, the others started', async () => {
    const keep = [follower(1), follower(1)];
    const gone = follower(1);
    // Deleted once the baseline was read: the start is refused as a whole, then the rest are started.
    let removed = false;
    const fault = e.ssm.inject('StartAssociationsOnce', 'stall', {
      stallMs: 1,
      onFire: () => {
        e.ssm.removeAssociation(gone);
        removed = true;
      },
    });
    const r = await run();
    expect(fault.fired).toBe(1);
    expect(removed).toBe(true);
    const row = r.following.find((a) => a.associationId === gone)!;
    expect(row).toMatchObject({ started: false, status: 'Deleted' });
    expect(executionsPer(keep)).toEqual([1, 1]);
    expect(r.following.filter((a) => a.started)).toHaveLength(2);
    const codes = e.ssm.calls('StartAssociationsOnce').map((c) => c.code ?? 'ok');
    expect(codes).toEqual(['AssociationDoesNotExist', 'ok']);
    expect(lines.some((l) => l.includes(`${gone} no longer exists`))).toBe(true);
    expect(rolloutFailure(r)).toBeUndefined();
  });
});

// ====================================================================== the reads converge

describe('faults on the reads converge', () => {
  const reads = ['DescribeAssociationExecutions', 'DescribeAssociationExecutionTargets'] as const;
  for (const op of reads) {
    for (const kind of ['throttle', '500-before', 'reset', '503'] as SsmFault[]) {
      it(`${op} ${kind} ×8 (beyond the SDK's retries)`, async () => {
        const ids = [follower(2), follower(1)];
        const fault = e.ssm.inject(op, kind, { times: 8 });
        const r = await run();
        expect(fault.fired).toBe(8);
        expect(executionsPer(ids)).toEqual([1, 1]);
        expect(r.totals).toEqual({ targets: 3, succeeded: 3, failed: 0, pending: 0 });
      });
    }
  }
});

// ====================================================================== hostile answers

describe('hostile answers', () => {
  it('odd Parameters shapes are skipped without a crash', async () => {
    const good = follower(1);
    const odd: Record<string, string[]>[] = [
      {},
      { name: [] },
      { name: [42 as unknown as string] },
      { name: 'AcmeAgent' as unknown as string[] },
      { name: [NAME], version: [null as unknown as string] },
      { name: [NAME], version: { x: 1 } as unknown as string[] },
      { name: [`${NAME} `] },
    ];
    const ids = odd.map((parameters) => e.ssm.addAssociation({ parameters, targets: [] }));
    const r = await run();
    // A version that is no list of strings reads as absent (follows the default).
    const following = r.following.map((a) => a.associationId).sort();
    expect(following).toEqual([good, ids[4]!, ids[5]!].sort());
    expect(executionsPer([ids[0]!, ids[1]!, ids[2]!, ids[3]!, ids[6]!])).toEqual([0, 0, 0, 0, 0]);
  });

  it('a huge DetailedStatus with workflow commands is bounded and kept on one line', async () => {
    follower(1);
    const huge = `::error::pwned\n${'x'.repeat(2_000_000)}`;
    e.ssm.fleet.outcomes(() => ({ status: 'Failed', detailedStatus: huge }));
    const r = await run({ maxFailed: parseFailedTargets('100%')! });
    const f = r.following[0]!.failures[0]!;
    expect(f.detailedStatus.length).toBeLessThanOrEqual(500);
    expect(f.detailedStatus).not.toContain('\n');
    expect(f.detailedStatus.startsWith('::error::pwned')).toBe(true);
    expect(lines.every((l) => l.length < 2000 && !l.includes('\n'))).toBe(true);
  });
});

/** An SSM endpoint answering every operation with `answer(op, input)` (odd shapes a real service never sends). */
async function hostileSsm(answer: (op: string, input: Record<string, unknown>) => unknown) {
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '').replace('AmazonSSM.', '');
      calls.push(op);
      const body = JSON.stringify(answer(op, JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')));
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { endpoint, calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('a hostile endpoint', () => {
  it('odd list items, ids, statuses and texts: skipped or bounded, no crash, every id sent is one it listed', async () => {
    const id = '11111111-2222-4333-8444-555555555555';
    const exec = '99999999-2222-4333-8444-555555555555';
    let started = false;
    const huge = `::error::x\r\n${'y'.repeat(100_000)}`;
    const h = await hostileSsm((op, input) => {
      if (op === 'ListAssociations')
        return {
          Associations: [
            null,
            5,
            'x',
            { AssociationId: 'z'.repeat(5000) },
            { AssociationId: 'a b;c' },
            { AssociationId: id },
            { AssociationId: id },
          ],
        };
      if (op === 'DescribeAssociation')
        return {
          AssociationDescription: {
            Name: 'AWS-ConfigureAWSPackage',
            AssociationId: id,
            AssociationName: huge,
            Parameters: { name: [NAME] },
            Targets: [{ Key: huge, Values: [huge, huge] }],
          },
        };
      if (op === 'StartAssociationsOnce') {
        started = true;
        expect(input.AssociationIds).toEqual([id]);
        return {};
      }
      if (op === 'DescribeAssociationExecutions')
        return {
          AssociationExecutions: started
            ? [null, { ExecutionId: 7 }, { ExecutionId: exec, Status: 'Failed', DetailedStatus: huge }]
            : [],
        };
      if (op === 'DescribeAssociationExecutionTargets')
        return {
          AssociationExecutionTargets: [
            null,
            { ResourceId: 'i-1', Status: 'Success' },
            { ResourceId: 'i-1', Status: 'Success' },
            { ResourceId: huge, Status: huge, DetailedStatus: huge },
            { ResourceId: 'i-3' },
          ],
        };
      return {};
    });
    process.env.AWS_ENDPOINT_URL_SSM = h.endpoint;
    try {
      const r = await run({ maxFailed: parseFailedTargets('100%')!, timeoutMs: 2000 });
      expect(r.following).toHaveLength(1);
      const row = r.following[0]!;
      expect(row.associationName!.length).toBeLessThanOrEqual(256);
      expect(row.targets.length).toBeLessThanOrEqual(300);
      expect(row).toMatchObject({ executionId: exec, status: 'Failed', succeeded: 1, failed: 1, pending: 1 });
      const f = row.failures[0]!;
      expect(f.instanceId.length).toBeLessThanOrEqual(128);
      expect(f.status.length).toBeLessThanOrEqual(100);
      expect(f.detailedStatus.length).toBeLessThanOrEqual(500);
      for (const t of [
        row.associationName!,
        row.targets,
        f.instanceId,
        f.status,
        f.detailedStatus,
        row.detailedStatus!,
      ])
        expect(t).not.toMatch(/[\r\n]/);
      expect(h.calls.filter((c) => c === 'StartAssociationsOnce')).toHaveLength(1);
      expect(h.calls.filter((c) => c === 'DescribeAssociation')).toHaveLength(1);
      expect(lines.every((l) => l.length < 2000 && !/[\r\n]/.test(l))).toBe(true);
    } finally {
      process.env.AWS_ENDPOINT_URL_SSM = e.env.AWS_ENDPOINT_URL_SSM;
      await h.close();
    }
  });

  it('answers of the wrong type: an ActionError or a skipped item, never a crash', async () => {
    const h = await hostileSsm((op) =>
      op === 'ListAssociations'
        ? { Associations: 'nope', NextToken: 42 }
        : { AssociationDescription: 'nope' },
    );
    process.env.AWS_ENDPOINT_URL_SSM = h.endpoint;
    try {
      const out = await run().then(
        (r) => r,
        (x: unknown) => x,
      );
      if (out instanceof ActionError) expect(out.kind).not.toBe('internal');
      else expect((out as RolloutReport).following).toEqual([]);
    } finally {
      process.env.AWS_ENDPOINT_URL_SSM = e.env.AWS_ENDPOINT_URL_SSM;
      await h.close();
    }
  });
});

// ====================================================================== the endpoint itself

describe('the test endpoint', () => {
  it('validates StartAssociationsOnce and refuses an unknown id as a whole', async () => {
    const ctx = context();
    const id = follower(1);
    const bad = async (ids: string[] | undefined) =>
      ctx.ssmOnce.send(new StartAssociationsOnceCommand({ AssociationIds: ids })).then(
        () => 'ok',
        (x: { name: string; message: string }) => `${x.name}: ${x.message}`,
      );
    expect(await bad([])).toMatch(/ValidationException: .*associationIds.*greater than or equal to 1/);
    expect(await bad(Array.from({ length: 11 }, () => id))).toMatch(/less than or equal to 10/);
    expect(await bad(['nope'])).toMatch(/ValidationException: .*associationIds.1.member.*pattern/);
    expect(await bad([id, '00000000-0000-4000-8000-000000000000'])).toMatch(/^AssociationDoesNotExist/);
    expect(e.ssm.executions(id)).toEqual([]);
    expect(await bad([id, id.toUpperCase()])).toBe('ok');
    expect(e.ssm.executions(id)).toHaveLength(1);
  });

  it('DescribeAssociationExecutions: newest first, filters, pages, ResourceCountByStatus', async () => {
    const ctx = context();
    const id = follower(3);
    e.ssm.fleet.delayMs = 300;
    let n = 0;
    e.ssm.fleet.outcomes(() => (n++ % 3 === 0 ? { status: 'Failed' } : undefined));
    for (let k = 0; k < 3; k++) {
      await ctx.ssmOnce.send(new StartAssociationsOnceCommand({ AssociationIds: [id] }));
      await new Promise((r) => setTimeout(r, 5));
    }
    const all = e.ssm.executions(id);
    expect(all).toHaveLength(3);
    expect(all[0]!.status).toBe('InProgress');
    await new Promise((r) => setTimeout(r, 400));
    const page1 = await ctx.ssm.send(
      new DescribeAssociationExecutionsCommand({ AssociationId: id, MaxResults: 2 }),
    );
    expect(page1.AssociationExecutions!.map((x) => x.ExecutionId)).toEqual([
      all[2]!.executionId,
      all[1]!.executionId,
    ]);
    expect(page1.AssociationExecutions![0]).toMatchObject({
      Status: 'Failed',
      ResourceCountByStatus: '{Failed=1, Success=2}',
    });
    const page2 = await ctx.ssm.send(
      new DescribeAssociationExecutionsCommand({
        AssociationId: id,
        MaxResults: 2,
        NextToken: page1.NextToken,
      }),
    );
    expect(page2.AssociationExecutions!.map((x) => x.ExecutionId)).toEqual([all[0]!.executionId]);
    expect(page2.NextToken).toBeUndefined();
    const one = await ctx.ssm.send(
      new DescribeAssociationExecutionsCommand({
        AssociationId: id,
        Filters: [{ Key: 'ExecutionId', Value: all[1]!.executionId, Type: 'EQUAL' }],
      }),
    );
    expect(one.AssociationExecutions!.map((x) => x.ExecutionId)).toEqual([all[1]!.executionId]);
    const later = await ctx.ssm.send(
      new DescribeAssociationExecutionsCommand({
        AssociationId: id,
        Filters: [
          {
            Key: 'CreatedTime',
            Value: new Date(all[0]!.createdTime.getTime()).toISOString(),
            Type: 'GREATER_THAN',
          },
        ],
      }),
    );
    expect(later.AssociationExecutions).toHaveLength(2);
    const refused = await ctx.ssm
      .send(
        new DescribeAssociationExecutionsCommand({
          AssociationId: '00000000-0000-4000-8000-000000000000',
        }),
      )
      .catch((x: { name: string }) => x.name);
    expect(refused).toBe('AssociationDoesNotExist');
  });

  it('DescribeAssociationExecutionTargets: per instance, filters, pages, unknown execution', async () => {
    const ctx = context();
    const id = follower(3);
    let n = 0;
    e.ssm.fleet.outcomes(() => (n++ === 1 ? { status: 'Failed', detailedStatus: 'Boom' } : undefined));
    await ctx.ssmOnce.send(new StartAssociationsOnceCommand({ AssociationIds: [id] }));
    await new Promise((r) => setTimeout(r, 150));
    const x = e.ssm.executions(id)[0]!;
    const ask = (more: Record<string, unknown> = {}) =>
      ctx.ssm.send(
        new DescribeAssociationExecutionTargetsCommand({
          AssociationId: id,
          ExecutionId: x.executionId,
          ...more,
        }),
      );
    const all = await ask();
    const ids = e.ssm.fleet.resolve([
      { Key: 'tag:Role', Values: [e.ssm.associations()[0]!.targets[0]!.Values[0]!] },
    ]);
    expect(all.AssociationExecutionTargets!.map((t) => t.ResourceId)).toEqual(ids);
    expect(all.AssociationExecutionTargets![1]).toMatchObject({
      Status: 'Failed',
      DetailedStatus: 'Boom',
      ResourceType: 'ManagedInstance',
      OutputSource: { OutputSourceType: 'RunCommand' },
    });
    const failed = await ask({ Filters: [{ Key: 'Status', Value: 'Failed' }] });
    expect(failed.AssociationExecutionTargets!.map((t) => t.ResourceId)).toEqual([ids[1]]);
    const p1 = await ask({ MaxResults: 2 });
    const p2 = await ask({ MaxResults: 2, NextToken: p1.NextToken });
    expect(
      [...p1.AssociationExecutionTargets!, ...p2.AssociationExecutionTargets!].map((t) => t.ResourceId),
    ).toEqual(ids);
    expect(p2.NextToken).toBeUndefined();
    const err = (more: Record<string, unknown>) =>
      ask(more).then(
        () => 'ok',
        (y: { name: string }) => y.name,
      );
    expect(await err({ ExecutionId: '00000000-0000-4000-8000-000000000000' })).toBe(
      'AssociationExecutionDoesNotExist',
    );
    expect(await err({ MaxResults: 51 })).toBe('ValidationException');
    expect(await err({ Filters: [{ Key: 'Nope', Value: 'x' }] })).toBe('ValidationException');
    expect(await err({ NextToken: 'forged' })).toBe('InvalidNextToken');
  });
});

describe('rolloutFailure: targets still pending when the executions ended', () => {
  it('is a failure (the rollout cannot be confirmed), not a success', () => {
    const o = options();
    const r = newRolloutReport(NAME, o);
    r.waited = true;
    r.following.push({
      associationId: '11111111-2222-4333-8444-555555555555',
      associationName: 'web',
      targets: 'tag:Role=web',
      started: true,
      executionId: '99999999-2222-4333-8444-555555555555',
      status: 'Weird',
      detailedStatus: 'Weird',
      succeeded: 0,
      failed: 0,
      pending: 5,
      failures: [],
      failuresOmitted: 0,
    });
    r.totals = { targets: 5, succeeded: 0, failed: 0, pending: 5 };
    const f = rolloutFailure(r)!;
    expect(f).toBeInstanceOf(ActionError);
    expect(f.code).toBe('rollout-unconfirmed');
    expect(f.message).toMatch(
      /with 5 targets not reported as finished .* in association web: the rollout cannot be confirmed/,
    );
  });
});
