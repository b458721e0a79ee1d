// The State Manager rollout after the default version moved: the AWS-ConfigureAWSPackage associations of
// this package that follow the default (no `version` parameter) are started once, exactly once even when an
// answer is lost, and with wait-for-rollout their executions are followed to the end, counting the targets
// that succeeded and failed against max-failed-targets. Associations that pin a version are listed, not
// started. Everything read back is treated as hostile: odd shapes are skipped, texts are bounded.
import {
  DescribeAssociationCommand,
  DescribeAssociationExecutionsCommand,
  DescribeAssociationExecutionTargetsCommand,
  StartAssociationsOnceCommand,
} from '@aws-sdk/client-ssm';
import { ActionError } from '../errors.js';
import { awsError, errorCode, isAmbiguous, serverText } from './aws-error.js';
import { type RolloutCtx, ssmError } from './context.js';
import { type FoundAssociations, findAssociations, idOf, MAX_ID } from './associations.js';
import { backoffDelay, retry } from './retry.js';
import {
  type AssociationRollout,
  FAILURES_LISTED,
  type FailedTargetsLimit,
  type RolloutReport,
} from './rollout-types.js';
import { bounded } from './s3.js';

export interface RolloutOptions {
  /** wait-for-rollout: follow the executions to their end. */
  wait: boolean;
  /** rollout-timeout-seconds, in ms (the run's deadline bounds it too). */
  timeoutMs: number;
  maxFailed: FailedTargetsLimit;
  /** The longest pause between two polls of the executions. */
  maxPollDelayMs: number;
}

/** StartAssociationsOnce takes at most 10 ids per call. */
const BATCH = 10;
/** DescribeAssociationExecutions calls in flight at once. */
const DESCRIBE_CONCURRENCY = 5;
/** Executions read per association to know which ones existed before the start. */
const BASELINE_EXECUTIONS = 10;
/** Attempts of one StartAssociationsOnce batch, and their backoff. */
const START_BACKOFF = { attempts: 6, baseDelayMs: 500, maxDelayMs: 8000 } as const;
/** Consecutive failed polls of one association before the wait gives up. */
const POLL_FAILURES = 6;
/** Pages of execution targets read per execution (50 each). */
const TARGET_PAGES = 400;
/** Lengths of what the report keeps of server texts. */
const MAX_STATUS = 100;
const MAX_DETAIL = 500;

/** Execution and target statuses that are not final. */
const RUNNING: ReadonlySet<string> = new Set(['Pending', 'InProgress']);
/** Codes of a refused call that may be sent again as it is. */
const THROTTLED: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);
/** Network failures before any answer (the call may or may not have reached the service). */
const NETWORK = /^E[A-Z0-9_]+$/;

export function newRolloutReport(documentName: string, o: RolloutOptions): RolloutReport {
  return {
    documentName,
    following: [],
    pinned: [],
    waited: o.wait,
    timedOut: false,
    totals: { targets: 0, succeeded: 0, failed: 0, pending: 0 },
    maxFailed: o.maxFailed,
    exceeded: false,
  };
}

/** Whether `failed` of `targets` is more than the limit allows. */
export function exceedsLimit(limit: FailedTargetsLimit, failed: number, targets: number): boolean {
  return limit.kind === 'count' ? failed > limit.value : failed * 100 > limit.value * targets;
}

/**
 * Finds, starts (batches of 10) and, with o.wait, follows the associations; fills `report` as it goes.
 * Throws ActionError on AWS failures.
 */
export async function rollOut(
  ctx: RolloutCtx,
  o: RolloutOptions,
  report: RolloutReport,
): Promise<RolloutReport> {
  const found = await findAssociations(ctx, (n) => n === ctx.name || n === ctx.documentArn);
  report.pinned.push(...found.pinned);
  const rows = found.following.map(newRow);
  report.following.push(...rows);
  const pinned = found.pinned.length ? `; ${found.pinned.length} pinned to a version (not started)` : '';
  ctx.log(
    `State Manager: ${rows.length} AWS-ConfigureAWSPackage association${rows.length === 1 ? '' : 's'} of ${ctx.name} follow${rows.length === 1 ? 's' : ''} the default version${pinned}.`,
  );
  if (!rows.length) return report;

  const seen = new Map<AssociationRollout, Set<string>>();
  await bounded(rows, DESCRIBE_CONCURRENCY, async (row) => {
    const ids = await executionIds(ctx, row);
    if (ids) seen.set(row, ids);
  });
  const live = rows.filter((r) => seen.has(r));
  for (let i = 0; i < live.length; i += BATCH) {
    const batch = live.slice(i, i + BATCH);
    ctx.log(
      `StartAssociationsOnce ${i / BATCH + 1}/${Math.ceil(live.length / BATCH)}: ${batch.map((r) => r.associationId).join(', ')}`,
    );
    await startBatch(ctx, batch, seen);
  }
  if (o.wait) await follow(ctx, o, report, seen);
  return tally(report);
}

/** The step failure a finished report means (threshold exceeded; timed out with pending targets), else undefined. */
export function rolloutFailure(r: RolloutReport): ActionError | undefined {
  const t = r.totals;
  const which = (rows: AssociationRollout[]) => {
    const shown = rows.slice(0, 5).map((a) => a.associationName ?? a.associationId);
    return shown.join(', ') + (rows.length > shown.length ? ` and ${rows.length - shown.length} more` : '');
  };
  if (r.exceeded) {
    const failing = r.following.filter((a) => a.failed > 0);
    return new ActionError(
      'rollout',
      `${t.failed} of ${t.targets} targets failed to install ${r.documentName} through State Manager, more than max-failed-targets (${r.maxFailed.text}) allows (association${failing.length === 1 ? '' : 's'} ${which(failing)}).`,
      {
        hint:
          'The rollout report lists the failed instances with their status; their output is in the association execution history (Systems Manager > State Manager). ' +
          'The default version stays where it was moved: to go back, run this action with `mode: promote` and `rollback: true`.',
        code: 'max-failed-targets',
      },
    );
  }
  if (r.timedOut) {
    const open = r.following.filter((a) => a.started && (a.pending > 0 || !isFinal(a.status)));
    return new ActionError(
      'timeout',
      `The State Manager rollout of ${r.documentName} did not end in time (rollout-timeout-seconds, or the run's timeout-seconds): ${t.pending} target${t.pending === 1 ? '' : 's'} still pending (${t.succeeded} succeeded, ${t.failed} failed) in association${open.length === 1 ? '' : 's'} ${which(open)}.`,
      {
        hint: 'The associations keep running: follow them in Systems Manager > State Manager, or raise rollout-timeout-seconds (and timeout-seconds) to wait longer.',
        code: 'rollout-timeout',
      },
    );
  }
  if (r.waited && t.pending > 0) {
    const open = r.following.filter((a) => a.pending > 0);
    return new ActionError(
      'service',
      `State Manager ended the executions of ${r.documentName} with ${t.pending} target${t.pending === 1 ? '' : 's'} not reported as finished (${t.succeeded} succeeded, ${t.failed} failed) in association${open.length === 1 ? '' : 's'} ${which(open)}: the rollout cannot be confirmed.`,
      {
        hint: 'Look at those targets in Systems Manager > State Manager (execution history); re-run when they are done, or roll back with `mode: promote` and `rollback: true`.',
        code: 'rollout-unconfirmed',
      },
    );
  }
  return undefined;
}

// ====================================================================== finding

function newRow(d: FoundAssociations['following'][number]): AssociationRollout {
  return {
    associationId: d.associationId,
    associationName: d.associationName,
    targets: d.targets,
    started: false,
    executionId: undefined,
    status: undefined,
    detailedStatus: undefined,
    succeeded: 0,
    failed: 0,
    pending: 0,
    failures: [],
    failuresOmitted: 0,
  };
}

/** Marks an association that no longer exists (deleted after it was listed): reported, not a failure. */
function deleted(ctx: RolloutCtx, row: AssociationRollout): void {
  row.status = 'Deleted';
  row.detailedStatus = 'The association was deleted before it could be started.';
  ctx.log(`Association ${row.associationId} no longer exists (deleted meanwhile): not started.`);
}

// ====================================================================== executions

interface Execution {
  executionId: string;
  status: string | undefined;
  detailedStatus: string | undefined;
}

function executionsOf(items: unknown): Execution[] {
  if (!Array.isArray(items)) return [];
  const out: Execution[] = [];
  for (const x of items as unknown[]) {
    if (!x || typeof x !== 'object') continue;
    const o = x as { ExecutionId?: unknown; Status?: unknown; DetailedStatus?: unknown };
    const executionId = idOf(o.ExecutionId);
    if (executionId === undefined) continue;
    out.push({
      executionId,
      status: typeof o.Status === 'string' ? serverText(o.Status, process.env, MAX_STATUS) : undefined,
      detailedStatus:
        typeof o.DetailedStatus === 'string'
          ? serverText(o.DetailedStatus, process.env, MAX_DETAIL)
          : undefined,
    });
  }
  return out;
}

/** Attempts of a read on top of the SDK's own retries (a read may be repeated freely). */
const READ_BACKOFF = { attempts: 4, baseDelayMs: 500, maxDelayMs: 4000 } as const;

/** A read, sent again (after the SDK's retries) while it fails in a way worth another attempt. */
function reading<T>(ctx: RolloutCtx, fn: () => Promise<T>): Promise<T> {
  return retry(fn, {
    ...READ_BACKOFF,
    retryable: (e) => errorCode(e) !== 'AssociationDoesNotExist' && retryable(e),
    timing: ctx.timing,
    signal: ctx.signal,
    deadline: ctx.deadline,
    onDeadline: ctx.deadlineError,
  });
}

/** The newest executions of an association (newest first); undefined when the association is gone. */
async function newestExecutions(ctx: RolloutCtx, row: AssociationRollout): Promise<Execution[] | undefined> {
  try {
    const r = await reading(ctx, () =>
      ctx.ssm.send(
        new DescribeAssociationExecutionsCommand({
          AssociationId: row.associationId,
          MaxResults: BASELINE_EXECUTIONS,
        }),
        { abortSignal: ctx.signal },
      ),
    );
    return executionsOf(r.AssociationExecutions);
  } catch (e) {
    if (e instanceof ActionError) throw e;
    if (errorCode(e) === 'AssociationDoesNotExist') return undefined;
    throw awsError(e, { action: 'ssm:DescribeAssociationExecutions', subject: row.associationId });
  }
}

/** The execution ids an association has before the start (undefined, and the row marked, when it is gone). */
async function executionIds(ctx: RolloutCtx, row: AssociationRollout): Promise<Set<string> | undefined> {
  const list = await newestExecutions(ctx, row);
  if (!list) {
    deleted(ctx, row);
    return undefined;
  }
  return new Set(list.map((x) => x.executionId));
}

/** The execution the start created: the oldest of the newest ones that did not exist before. */
async function newExecution(
  ctx: RolloutCtx,
  row: AssociationRollout,
  seen: Set<string>,
): Promise<Execution | undefined | 'gone'> {
  const list = await newestExecutions(ctx, row);
  if (!list) return 'gone';
  const fresh = list.filter((x) => !seen.has(x.executionId));
  return fresh[fresh.length - 1];
}

// ====================================================================== starting, exactly once

/** A failure after which the same call may be sent again (once we know it did not take effect). */
function retryable(e: unknown): boolean {
  const code = errorCode(e);
  return THROTTLED.has(code) || isAmbiguous(e) || NETWORK.test(code);
}

/**
 * StartAssociationsOnce of one batch through the client without SDK retries. After a failure that leaves
 * it open whether the call took effect, each association is looked at first: one that has an execution
 * not seen before was started, and only the others are sent again.
 */
async function startBatch(
  ctx: RolloutCtx,
  batch: AssociationRollout[],
  seen: Map<AssociationRollout, Set<string>>,
): Promise<void> {
  let todo = [...batch];
  let last: unknown;
  for (let attempt = 1; todo.length; attempt++) {
    if (attempt > 1)
      todo = await unstarted(ctx, todo, seen, isAmbiguous(last) || NETWORK.test(errorCode(last)));
    if (!todo.length) return;
    try {
      await ctx.ssmOnce.send(
        new StartAssociationsOnceCommand({ AssociationIds: todo.map((r) => r.associationId) }),
        {
          abortSignal: ctx.signal,
        },
      );
      for (const r of todo) r.started = true;
      return;
    } catch (e) {
      if (ctx.signal.aborted) throw ctx.deadlineError(e);
      if (errorCode(e) === 'AssociationDoesNotExist') {
        // The whole call is refused: find the ones deleted meanwhile and start the rest.
        const gone = await missing(ctx, todo);
        if (!gone.length) throw ssmError(ctx, 'StartAssociationsOnce', e);
        for (const r of gone) deleted(ctx, r);
        todo = todo.filter((r) => !gone.includes(r));
        attempt = 0;
        last = undefined;
        continue;
      }
      if (!retryable(e) || attempt >= START_BACKOFF.attempts) throw ssmError(ctx, 'StartAssociationsOnce', e);
      last = e;
      const delayMs = backoffDelay(attempt - 1, START_BACKOFF, ctx.timing.random);
      if (ctx.timing.now() + delayMs > ctx.deadline) throw ctx.deadlineError(e);
      ctx.log(
        `StartAssociationsOnce failed (${serverText(errorCode(e), process.env, 100)}); checking which associations started, then again in ${delayMs} ms (${attempt}/${START_BACKOFF.attempts - 1})`,
      );
      await ctx.timing.sleep(delayMs, ctx.signal);
    }
  }
}

/**
 * The rows of `todo` that did not get a new execution (the rest are marked started). After an answer lost
 * in transit (`lost`) an execution may show up a moment late, so a row without one is looked at twice.
 */
async function unstarted(
  ctx: RolloutCtx,
  todo: AssociationRollout[],
  seen: Map<AssociationRollout, Set<string>>,
  lost: boolean,
): Promise<AssociationRollout[]> {
  let left = todo;
  for (let look = 0; look < (lost ? 2 : 1) && left.length; look++) {
    if (look > 0) await ctx.timing.sleep(Math.min(1000, START_BACKOFF.baseDelayMs), ctx.signal);
    const found = await bounded(left, DESCRIBE_CONCURRENCY, (r) => newExecution(ctx, r, seen.get(r)!));
    left = left.filter((r, i) => {
      const x = found[i];
      if (x === 'gone') {
        deleted(ctx, r);
        return false;
      }
      if (!x) return true;
      r.started = true;
      r.executionId = x.executionId;
      r.status = x.status;
      r.detailedStatus = x.detailedStatus;
      ctx.log(
        `Association ${r.associationId} was started (execution ${x.executionId}); not starting it again.`,
      );
      return false;
    });
  }
  return left;
}

/** The rows whose association no longer exists. */
async function missing(ctx: RolloutCtx, rows: AssociationRollout[]): Promise<AssociationRollout[]> {
  const gone = await bounded(rows, DESCRIBE_CONCURRENCY, async (r) => {
    try {
      await reading(ctx, () =>
        ctx.ssm.send(new DescribeAssociationCommand({ AssociationId: r.associationId }), {
          abortSignal: ctx.signal,
        }),
      );
      return false;
    } catch (e) {
      if (e instanceof ActionError) throw e;
      if (errorCode(e) === 'AssociationDoesNotExist') return true;
      throw awsError(e, { action: 'ssm:DescribeAssociation', subject: r.associationId });
    }
  });
  return rows.filter((_, i) => gone[i]);
}

// ====================================================================== following

const isFinal = (status: string | undefined) => status !== undefined && !RUNNING.has(status);

/** Polls every started association's new execution until it is final, the timeout or the deadline. */
async function follow(
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
        if (!retryable(cause) || n >= POLL_FAILURES) throw e;
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

const notStarted = (r: RolloutReport) => r.following.filter((a) => !a.started).length;

/** One look at an association's execution; true when it is final and its targets were counted. */
async function poll(ctx: RolloutCtx, row: AssociationRollout, seen: Set<string>): Promise<boolean> {
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
async function lastLook(ctx: RolloutCtx, row: AssociationRollout): Promise<void> {
  if (row.executionId === undefined) return;
  try {
    await countTargets(ctx, row);
  } catch {
    // The counts of the last successful look stay; the failure is the timeout itself.
  }
}

/** Pages the execution's targets and counts them on the row. */
async function countTargets(ctx: RolloutCtx, row: AssociationRollout): Promise<void> {
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
function tally(report: RolloutReport): RolloutReport {
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
