// The release steps publish and promote share: the canary group before the default moves, and the
// association rollout after it. Each report is kept on the run's progress as it fills, so a failure
// part-way (a failed canary, too many failed targets, a deadline) still shows what happened.
import type { DocumentVersionInfo } from '@aws-sdk/client-ssm';
import { type CanaryOptions, canaryFailure, canaryHolds, newCanaryReport, runCanary } from './canary.js';
import type { RolloutCtx, SsmCtx } from './context.js';
import type { Hold } from './lifecycle.js';
import { newRolloutReport, type RolloutOptions, rollOut, rolloutFailure } from './rollout.js';
import type { CanaryReport, RolloutReport } from './rollout-types.js';

export type { CanaryOptions } from './canary.js';
export type { RolloutOptions } from './rollout.js';

/** Where the release steps keep their reports (PublishProgress and PromoteProgress). */
export interface ReleaseProgress {
  canary?: CanaryReport | undefined;
  rollout?: RolloutReport | undefined;
}

/** Installs the version on the canary group; throws (kind `rollout`) unless every instance succeeded. */
export async function canaryStep(
  ctx: RolloutCtx,
  o: CanaryOptions,
  version: { versionName: string; documentVersion: string },
  progress: ReleaseProgress,
  /** The package's first version (created by this run): it is the default already. */
  firstVersion = false,
): Promise<CanaryReport> {
  const report = newCanaryReport(ctx.name, version, o);
  progress.canary = report;
  ctx.log(`Canary: installing ${ctx.name} ${version.versionName} on ${report.targets} by Run Command`);
  await runCanary(ctx, o, report);
  const failure = canaryFailure(report, firstVersion);
  if (failure) throw failure;
  ctx.log(
    `Canary: ${report.succeeded} of ${report.instances.length} instances installed ${version.versionName}`,
  );
  return report;
}

/** Starts the associations that follow the default and, when asked, follows them; throws past max-failed-targets. */
export async function rolloutStep(
  ctx: RolloutCtx,
  o: RolloutOptions,
  progress: ReleaseProgress,
): Promise<RolloutReport> {
  const report = newRolloutReport(ctx.name, o);
  progress.rollout = report;
  await rollOut(ctx, o, report);
  const failure = rolloutFailure(report);
  if (failure) throw failure;
  return report;
}

/** The versions that Run Commands still installing this package pin (a canary in progress): pruning keeps them. */
export async function canaryHeld(ctx: SsmCtx, versions: readonly DocumentVersionInfo[]): Promise<Hold[]> {
  const holds = await canaryHolds(ctx);
  const out: Hold[] = [];
  for (const h of holds) {
    const v = versions.find((x) => x.VersionName === h.versionName);
    if (v?.DocumentVersion) out.push({ documentVersion: v.DocumentVersion, reason: h.reason });
  }
  return out;
}
