// Starting the associations that follow the default, exactly once even when an answer is lost: batches of
// 10 through the client without SDK retries; after a failure that leaves it open whether a batch started,
// each association is looked at (a new execution means it started) and only the others are sent again.
import { DescribeAssociationCommand, StartAssociationsOnceCommand } from '@aws-sdk/client-ssm';
import { ActionError } from '../errors.js';
import { awsError, errorCode, isAmbiguous, isNetworkError, isTransient, serverText } from './aws-error.js';
import { type RolloutCtx, ssmError } from './context.js';
import { backoffDelay } from './retry.js';
import type { AssociationRollout } from './rollout-types.js';
import { bounded } from './s3.js';
import { DESCRIBE_CONCURRENCY, deleted, newExecution, reading, START_BACKOFF } from './rollout-executions.js';

// ====================================================================== starting, exactly once

/**
 * StartAssociationsOnce of one batch through the client without SDK retries. After a failure that leaves
 * it open whether the call took effect, each association is looked at first: one that has an execution
 * not seen before was started, and only the others are sent again.
 */
export async function startBatch(
  ctx: RolloutCtx,
  batch: AssociationRollout[],
  seen: Map<AssociationRollout, Set<string>>,
): Promise<void> {
  let todo = [...batch];
  let last: unknown;
  for (let attempt = 1; todo.length; attempt++) {
    if (attempt > 1) todo = await unstarted(ctx, todo, seen, isAmbiguous(last) || isNetworkError(last));
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
      if (!isTransient(e) || attempt >= START_BACKOFF.attempts)
        throw ssmError(ctx, 'StartAssociationsOnce', e);
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
export async function unstarted(
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
export async function missing(ctx: RolloutCtx, rows: AssociationRollout[]): Promise<AssociationRollout[]> {
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
