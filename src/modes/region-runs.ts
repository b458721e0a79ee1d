// What several regions' runs mean together: the step fails when any region failed, with one error that
// names each failed region, keeps the first failure's kind (the exit code and `error-kind`) and says that a
// re-run redoes only what is missing.
import { ActionError } from '../errors.js';
import type { RegionRun } from './outcome.js';

/** Failed regions named in the step's message; the rest are counted. */
const NAMED = 10;

export function regionsFailure(
  runs: readonly RegionRun[],
  mode: 'publish' | 'promote',
): ActionError | undefined {
  const bad = runs.filter((r) => r.error);
  if (bad.length === 0) return undefined;
  const first = bad[0]!.error!;
  const named = bad
    .slice(0, NAMED)
    .map((r) => `${r.region} (${r.error!.message.replace(/\.$/, '').slice(0, 300)})`);
  const more = bad.length > NAMED ? `; and ${bad.length - NAMED} more` : '';
  const ok = runs.length - bad.length;
  const verb = mode === 'publish' ? 'published' : 'promoted';
  return new ActionError(
    first.kind,
    `${bad.length} of ${runs.length} regions failed: ${named.join('; ')}${more}. ${ok === 0 ? 'No region' : `${ok} ${ok === 1 ? 'region' : 'regions'}`} ${verb}.`,
    {
      hint:
        bad.length === 1 && first.hint
          ? `${first.hint} Re-running redoes only what is missing: the regions that succeeded are checked and left as they are.`
          : 'Fix the cause shown for each failed region, then re-run: the regions that succeeded are checked and left as they are.',
      code: first.code,
      action: first.action,
      cause: first,
    },
  );
}

/** Log lines of one region's run, marked with the region (the runs interleave). */
export const prefixed =
  (log: (line: string) => void, region: string) =>
  (line: string): void =>
    log(`[${region}] ${line}`);
