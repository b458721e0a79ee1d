// mode: promote: move the package's default version to a named version, or back to the previous default
// (rollback), with the canary group first and the association rollout after when asked. No build, no
// package folder, no S3. The AWS client code is loaded only here, when it runs.
import type { PromoteOptions, PromoteProgress } from '../aws/promote.js';
import { toActionError } from '../errors.js';
import { failed, type Outcome, type RegionRun } from './outcome.js';
import { prefixed, regionsFailure } from './region-runs.js';
import { runRegions } from './regions.js';

export type PromoteModeOptions = Omit<PromoteOptions, 'progress'> & {
  /** `regions`: promote in each, at most `limit` at a time. */
  regions?: { list: string[]; limit: number } | undefined;
};

const newProgress = (name: string): PromoteProgress => ({
  documentName: name,
  before: undefined,
  target: undefined,
  updateSent: false,
});

export async function promoteMode(o: PromoteModeOptions): Promise<Outcome> {
  const out: Outcome = { mode: 'promote', packageDir: '' };
  const { promote } = await import('../aws/promote.js');
  if (o.regions) {
    const runs = await runRegions(o.regions.list, o.regions.limit, async (region): Promise<RegionRun> => {
      const progress = newProgress(o.name);
      try {
        return { region, promote: await promote({ ...o, region, progress, log: prefixed(o.log, region) }) };
      } catch (e) {
        return { region, promoteProgress: progress, error: toActionError(e) };
      }
    });
    const failure = regionsFailure(runs, 'promote');
    return failure ? { ...failed(out, 'promote', failure), regions: runs } : { ...out, regions: runs };
  }
  const progress = newProgress(o.name);
  try {
    return { ...out, promote: await promote({ ...o, progress }) };
  } catch (e) {
    return { ...failed(out, 'promote', e), promoteProgress: progress };
  }
}
