// What a mode returns: the steps it got through and, when it did not succeed, why. The renderer
// (report/) turns an Outcome into everything the user sees; modes never print.
import type { PublishProgress } from '../aws/progress.js';
import type { PromoteProgress, PromoteResult } from '../aws/promote.js';
import type { PublishResult } from '../aws/publish.js';
import { type ActionError, toActionError } from '../errors.js';
import type { ArtifactOutcome } from '../github/artifact.js';
import type { BuildResult } from '../package/build.js';

export type ModeName = 'validate' | 'publish' | 'promote';

export type { PromoteProgress, PromoteResult } from '../aws/promote.js';

/** The step a failure happened in. */
export type Stage = 'inputs' | 'build' | 'artifact' | 'publish' | 'promote';

export type Failure =
  /** The package has errors (or warnings, with fail-on-warnings): the diagnostics are in `build`. */
  | { type: 'problems'; reason: 'errors' | 'warnings' }
  /** One error that stopped the mode. */
  | { type: 'error'; stage: Stage; error: ActionError };

export interface Outcome {
  /** Undefined when the inputs could not be read. */
  mode: ModeName | undefined;
  /** The package folder as the user gave it. */
  packageDir: string;
  build?: BuildResult;
  artifact?: ArtifactOutcome;
  publish?: PublishResult;
  /** When publish failed part-way: what it had changed in AWS by then. */
  progress?: PublishProgress;
  /** mode: promote: where the default was, which version became it, whether it moved. */
  promote?: PromoteResult;
  /** When promote failed: what it knew by then (the default before, whether the update was sent). */
  promoteProgress?: PromoteProgress;
  /** `regions`: each region's run, in the order listed (the single-region fields above stay unset). */
  regions?: RegionRun[];
  /** Undefined on success. */
  failure?: Failure;
}

/** One region's publish or promote, under `regions`. */
export interface RegionRun {
  region: string;
  /** The bucket used there (`{region}` replaced); publish only. */
  bucket?: string | undefined;
  publish?: PublishResult | undefined;
  progress?: PublishProgress | undefined;
  promote?: PromoteResult | undefined;
  promoteProgress?: PromoteProgress | undefined;
  /** Undefined when the region succeeded. */
  error?: ActionError | undefined;
}

export const failed = (o: Outcome, stage: Stage, e: unknown): Outcome => ({
  ...o,
  failure: { type: 'error', stage, error: toActionError(e) },
});
