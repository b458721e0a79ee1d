// Following a rollout (wait-for-rollout): each started association's new execution is found and polled
// until it is final, then its targets are counted (succeeded, failed with their ids, pending), until the
// rollout ends, rollout-timeout-seconds or the run's deadline.
import {
  DescribeAssociationExecutionsCommand,
  DescribeAssociationExecutionTargetsCommand,
} from '@aws-sdk/client-ssm';
import { ActionError } from '../errors.js';
import { awsError, errorCode, isTransient, serverText } from './aws-error.js';
import type { RolloutCtx } from './context.js';
import { MAX_ID } from './associations.js';
import type { RolloutOptions } from './rollout.js';
import {
  type AssociationRollout,
  FAILURES_LISTED,
  type FailedTargetsLimit,
  type RolloutReport,
} from './rollout-types.js';
import { bounded } from './s3.js';
import {
  DESCRIBE_CONCURRENCY,
  executionsOf,
  MAX_DETAIL,
  MAX_STATUS,
  newExecution,
  POLL_FAILURES,
  reading,
  RUNNING,
  TARGET_PAGES,
} from './rollout-executions.js';

// ====================================================================== following

export const isFinal = (status: string | undefined) => status !== undefined && !RUNNING.has(status);

/** Polls every started association's new execution until it is final, the timeout or the deadline. */
export async function follow(
  ctx: RolloutCtx,
  o: RolloutOptions,
  report: RolloutReport,
  seen: Map<AssociationRollout, Set<string>>,
): Promise<void> {
  const end = Math.min(ctx.timing.now() + Math.max(0, o.timeoutMs), ctx.deadline);
  const open = new Set(report.following.filter((r) => r.started));
  const failures = new Map<AssociationRollout, number>();
  const maxDelay = Math.max(1, o.maxPollDelayMs);
  let delay = Math.min(250, maxDelay);
  let lastSaid = '';
  while (open.size) {
    await bounded([...open], DESCRIBE_CONCURRENCY, async (row) => {
      try {
        if (await poll(ctx, row, seen.get(row)!)) open.delete(row);
        failures.delete(row);
      } catch (e) {
        const n = (failures.get(row) ?? 0) + 1;
        failures.set(row, n);
        if (ctx.signal.aborted) throw ctx.deadlineError(e);
        const cause = e instanceof ActionError ? e.cause : e;
        if (!isTransient(cause) || n >= POLL_FAILURES) throw e;
      }
    });
    tally(report);
    const said = `Rollout of ${ctx.name}: ${report.following.length - open.size - notStarted(report)}/${report.following.length - notStarted(report)} executions finished; targets ${report.totals.succeeded} succeeded, ${report.totals.failed} failed, ${report.totals.pending} pending.`;
    if (said !== lastSaid) ctx.log(said);
    lastSaid = said;
    if (!open.size) return;
    if (ctx.timing.now() + delay > end) {
      await Promise.all([...open].map((row) => lastLook(ctx, row)));
      report.timedOut = true;
      return;
    }
    await ctx.timing.sleep(delay, ctx.signal);
    delay = Math.min(maxDelay, delay * 2);
  }
}

export const notStarted = (r: RolloutReport) => r.following.filter((a) => !a.started).length;

/** One look at an association's execution; true when it is final and its targets were counted. */
export async function poll(ctx: RolloutCtx, row: AssociationRollout, seen: Set<string>): Promise<boolean> {
  if (row.executionId === undefined) {
    const x = await newExecution(ctx, row, seen);
    if (x === 'gone') {
      row.status = 'Deleted';
      row.detailedStatus = 'The association was deleted while it ran.';
      return true;
    }
    if (!x) return false;
    row.executionId = x.executionId;
  }
  let items: unknown;
  try {
    const executionId = row.executionId;
    const r = await reading(ctx, () =>
      ctx.ssm.send(
        new DescribeAssociationExecutionsCommand({
          AssociationId: row.associationId,
          Filters: [{ Key: 'ExecutionId', Value: executionId, Type: 'EQUAL' }],
        }),
        { abortSignal: ctx.signal },
      ),
    );
    items = r.AssociationExecutions;
  } catch (e) {
    if (e instanceof ActionError) throw e;
    if (errorCode(e) === 'AssociationDoesNotExist') {
      row.status = 'Deleted';
      row.detailedStatus = 'The association was deleted while it ran.';
      return true;
    }
    throw awsError(e, { action: 'ssm:DescribeAssociationExecutions', subject: row.associationId });
  }
  const x = executionsOf(items).find((e) => e.executionId === row.executionId);
  if (!x) return false;
  row.status = x.status;
  row.detailedStatus = x.detailedStatus;
  if (!isFinal(x.status)) return false;
  await countTargets(ctx, row);
  ctx.log(
    `Association ${row.associationName ?? row.associationId}: ${x.status} (${row.succeeded} succeeded, ${row.failed} failed${row.pending ? `, ${row.pending} pending` : ''}).`,
  );
  return true;
}

/** When the wait ends: the targets of an unfinished execution as they stand (pending = not finished). */
export async function lastLook(ctx: RolloutCtx, row: AssociationRollout): Promise<void> {
  if (row.executionId === undefined) return;
  try {
    await countTargets(ctx, row);
  } catch {
    // The counts of the last successful look stay; the failure is the timeout itself.
  }
}

/** Pages the execution's targets and counts them on the row. */
export async function countTargets(ctx: RolloutCtx, row: AssociationRollout): Promise<void> {
  let succeeded = 0;
  let failed = 0;
  let pending = 0;
  let omitted = 0;
  const failures: AssociationRollout['failures'] = [];
  const ids = new Set<string>();
  let token: string | undefined;
  let pages = 0;
  do {
    let r;
    try {
      const page = token;
      r = await reading(ctx, () =>
        ctx.ssm.send(
          new DescribeAssociationExecutionTargetsCommand({
            AssociationId: row.associationId,
            ExecutionId: row.executionId,
            MaxResults: 50,
            ...(page ? { NextToken: page } : {}),
          }),
          { abortSignal: ctx.signal },
        ),
      );
    } catch (e) {
      if (e instanceof ActionError) throw e;
      throw awsError(e, { action: 'ssm:DescribeAssociationExecutionTargets', subject: row.associationId });
    }
    const items: unknown = r.AssociationExecutionTargets;
    for (const t of Array.isArray(items) ? (items as unknown[]) : []) {
      if (!t || typeof t !== 'object') continue;
      const o = t as { ResourceId?: unknown; Status?: unknown; DetailedStatus?: unknown };
      const id = typeof o.ResourceId === 'string' ? serverText(o.ResourceId, process.env, MAX_ID) : '?';
      if (ids.has(id)) continue; // the same target twice (a page repeated): counted once
      ids.add(id);
      const status = typeof o.Status === 'string' ? serverText(o.Status, process.env, MAX_STATUS) : '';
      if (status === 'Success') succeeded++;
      else if (status === '' || RUNNING.has(status)) pending++;
      else {
        failed++;
        if (failures.length < FAILURES_LISTED) {
          const detail =
            typeof o.DetailedStatus === 'string' ? serverText(o.DetailedStatus, process.env, MAX_DETAIL) : '';
          failures.push({ instanceId: id, status, detailedStatus: detail || status });
        } else omitted++;
      }
    }
    token = typeof r.NextToken === 'string' && r.NextToken !== '' ? r.NextToken : undefined;
  } while (token && ++pages < TARGET_PAGES);
  if (token)
    ctx.log(
      `Association ${row.associationId}: more than ${TARGET_PAGES * 50} targets; the rest are not counted.`,
    );
  Object.assign(row, { succeeded, failed, pending, failures, failuresOmitted: omitted });
}

/** The totals and the threshold, from the rows. */

export function tally(report: RolloutReport): RolloutReport {
  const t = { targets: 0, succeeded: 0, failed: 0, pending: 0 };
  for (const r of report.following) {
    t.succeeded += r.succeeded;
    t.failed += r.failed;
    t.pending += r.pending;
  }
  t.targets = t.succeeded + t.failed + t.pending;
  report.totals = t;
  report.exceeded = report.waited && exceedsLimit(report.maxFailed, t.failed, t.targets);
  return report;
}

/** Whether `failed` of `targets` is more than the limit allows. */
export function exceedsLimit(limit: FailedTargetsLimit, failed: number, targets: number): boolean {
  return limit.kind === 'count' ? failed > limit.value : failed * 100 > limit.value * targets;
}
