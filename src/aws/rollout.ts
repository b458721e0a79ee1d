// The State Manager rollout after the default version moved: the AWS-ConfigureAWSPackage associations of
// this package that follow the default (no `version` parameter) are started once, exactly once even when an
// answer is lost, and with wait-for-rollout their executions are followed to the end, counting the targets
// that succeeded and failed against max-failed-targets. Associations that pin a version are listed, not
// started. Everything read back is treated as hostile: odd shapes are skipped, texts are bounded.
import { ActionError } from '../errors.js';
import type { RolloutCtx } from './context.js';
import { type FoundAssociations, findAssociations } from './associations.js';
import type { AssociationRollout, FailedTargetsLimit, RolloutReport } from './rollout-types.js';
import { bounded } from './s3.js';
import { BATCH, DESCRIBE_CONCURRENCY, executionIds } from './rollout-executions.js';
import { follow, isFinal, tally } from './rollout-follow.js';
import { startBatch } from './rollout-start.js';

export { exceedsLimit } from './rollout-follow.js';

export interface RolloutOptions {
  /** wait-for-rollout: follow the executions to their end. */
  wait: boolean;
  /** rollout-timeout-seconds, in ms (the run's deadline bounds it too). */
  timeoutMs: number;
  maxFailed: FailedTargetsLimit;
  /** The longest pause between two polls of the executions. */
  maxPollDelayMs: number;
}

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
