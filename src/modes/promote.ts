// mode: promote: move the package's default version to a named version, or back to the previous default
// (rollback). No build, no package folder, no S3. The AWS client code is loaded only here, when it runs.
import type { PromoteOptions, PromoteProgress } from '../aws/promote.js';
import { failed, type Outcome } from './outcome.js';

export type PromoteModeOptions = Omit<PromoteOptions, 'progress'>;

export async function promoteMode(o: PromoteModeOptions): Promise<Outcome> {
  const out: Outcome = { mode: 'promote', packageDir: '' };
  const progress: PromoteProgress = {
    documentName: o.name,
    before: undefined,
    target: undefined,
    updateSent: false,
  };
  try {
    const { promote } = await import('../aws/promote.js');
    return { ...out, promote: await promote({ ...o, progress }) };
  } catch (e) {
    return { ...failed(out, 'promote', e), promoteProgress: progress };
  }
}
