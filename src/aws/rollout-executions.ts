// The executions of the associations a rollout starts: reading an association's newest executions (to know
// which existed before a start, and which one a start created), with retries of their own, and the shapes
// the service answers read as hostile (odd items skipped, texts bounded). Shared by starting and following.
import { DescribeAssociationExecutionsCommand } from '@aws-sdk/client-ssm';
import { ActionError } from '../errors.js';
import { awsError, errorCode, isTransient, serverText } from './aws-error.js';
import { type RolloutCtx, readAgain } from './context.js';
import { idOf } from './associations.js';
import type { AssociationRollout } from './rollout-types.js';

/** StartAssociationsOnce takes at most 10 ids per call. */
export const BATCH = 10;
/** DescribeAssociationExecutions calls in flight at once. */
export const DESCRIBE_CONCURRENCY = 5;
/** Executions read per association to know which ones existed before the start. */
export const BASELINE_EXECUTIONS = 10;
/** Attempts of one StartAssociationsOnce batch, and their backoff. */
export const START_BACKOFF = { attempts: 6, baseDelayMs: 500, maxDelayMs: 8000 } as const;
/** Consecutive failed polls of one association before the wait gives up. */
export const POLL_FAILURES = 6;
/** Pages of execution targets read per execution (50 each). */
export const TARGET_PAGES = 400;
/** Lengths of what the report keeps of server texts. */
export const MAX_STATUS = 100;
export const MAX_DETAIL = 500;

/** Execution and target statuses that are not final. */
export const RUNNING: ReadonlySet<string> = new Set(['Pending', 'InProgress']);
/** Marks an association that no longer exists (deleted after it was listed): reported, not a failure. */
export function deleted(ctx: RolloutCtx, row: AssociationRollout): void {
  row.status = 'Deleted';
  row.detailedStatus = 'The association was deleted before it could be started.';
  ctx.log(`Association ${row.associationId} no longer exists (deleted meanwhile): not started.`);
}

// ====================================================================== executions

export interface Execution {
  executionId: string;
  status: string | undefined;
  detailedStatus: string | undefined;
}

export function executionsOf(items: unknown): Execution[] {
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

/** A read, sent again while it fails transiently (a deleted association is an answer, not a failure). */
export const reading = <T>(ctx: RolloutCtx, fn: () => Promise<T>): Promise<T> =>
  readAgain(ctx, fn, (e) => errorCode(e) !== 'AssociationDoesNotExist' && isTransient(e));

/** The newest executions of an association (newest first); undefined when the association is gone. */
export async function newestExecutions(
  ctx: RolloutCtx,
  row: AssociationRollout,
): Promise<Execution[] | undefined> {
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
export async function executionIds(
  ctx: RolloutCtx,
  row: AssociationRollout,
): Promise<Set<string> | undefined> {
  const list = await newestExecutions(ctx, row);
  if (!list) {
    deleted(ctx, row);
    return undefined;
  }
  return new Set(list.map((x) => x.executionId));
}

/** The execution the start created: the oldest of the newest ones that did not exist before. */
export async function newExecution(
  ctx: RolloutCtx,
  row: AssociationRollout,
  seen: Set<string>,
): Promise<Execution | undefined | 'gone'> {
  const list = await newestExecutions(ctx, row);
  if (!list) return 'gone';
  const fresh = list.filter((x) => !seen.has(x.executionId));
  return fresh[fresh.length - 1];
}
