// What a rollout did: the canary group's Run Command and the State Manager associations started after the
// default moved. Plain data, no SDK code, so the renderer can import it; filled in as the run goes, so a
// failure part-way still says what happened.

/** `max-failed-targets`: a count of targets, or a percentage of all targets. */
export interface FailedTargetsLimit {
  kind: 'count' | 'percent';
  value: number;
  /** As the user wrote it (`0`, `5`, `10%`). */
  text: string;
}

/** One target (instance) that did not succeed. */
export interface TargetFailure {
  instanceId: string;
  status: string;
  detailedStatus: string;
}

/** An AWS-ConfigureAWSPackage association that follows the default version (its `version` parameter is empty). */
export interface AssociationRollout {
  associationId: string;
  associationName: string | undefined;
  /** The association's targets, as text (`tag:Role=web`, `InstanceIds=i-1,i-2`). */
  targets: string;
  /** StartAssociationsOnce was answered for it (or a lost answer was found to have started it). */
  started: boolean;
  /** The execution the start created, once found. */
  executionId: string | undefined;
  /** The execution's Status (and DetailedStatus) as last read. */
  status: string | undefined;
  detailedStatus: string | undefined;
  succeeded: number;
  failed: number;
  /** Targets not finished when the wait ended (or whose status was not read). */
  pending: number;
  /** The failed targets (at most FAILURES_LISTED), with `failuresOmitted` for the rest. */
  failures: TargetFailure[];
  failuresOmitted: number;
}

/** An association of this package pinned to a version: promoting does not change what it installs. */
export interface PinnedAssociation {
  associationId: string;
  associationName: string | undefined;
  targets: string;
  version: string;
}

export interface RolloutReport {
  documentName: string;
  /** Associations that follow the default version, in the order they were listed. */
  following: AssociationRollout[];
  /** Associations of this package that pin a version (not started, unaffected). */
  pinned: PinnedAssociation[];
  /** wait-for-rollout was on. */
  waited: boolean;
  /** The wait ended at rollout-timeout-seconds with targets still pending. */
  timedOut: boolean;
  totals: { targets: number; succeeded: number; failed: number; pending: number };
  maxFailed: FailedTargetsLimit;
  /** totals.failed is above max-failed-targets (only decided when waited). */
  exceeded: boolean;
  /** In an output shortened to fit: the pinned and the following associations left out of the lists. */
  pinnedOmitted?: number;
  followingOmitted?: number;
}

/** The failed targets listed per association or canary; the rest are counted. */
export const FAILURES_LISTED = 50;

/** canary-targets: instance ids (at most 50) or tag filters (all must match). */
export type CanaryTargets = { instanceIds: string[] } | { tags: { key: string; values: string[] }[] };

/** One instance of the canary group. */
export interface CanaryInstance {
  instanceId: string;
  /** The invocation Status (Success, Failed, TimedOut, Cancelled, InProgress, ...). */
  status: string;
  statusDetails: string;
  /** The aws:configurePackage plugin's ResponseCode (undefined when not reported). */
  responseCode: number | undefined;
  /** The end of the plugin's output, at most OUTPUT_TAIL_CHARS, as SSM gave it (the renderer escapes it). */
  outputTail: string;
}

export const OUTPUT_TAIL_CHARS = 1000;

export interface CanaryReport {
  documentName: string;
  /** The version installed (pinned by its version name). */
  versionName: string;
  documentVersion: string;
  /** The targets, as text (`tag:Ring=canary`, `i-0abc, i-0def`). */
  targets: string;
  installationType: string;
  /** The Run Command, once sent. */
  commandId: string | undefined;
  /** The command's overall Status as last read. */
  status: string | undefined;
  /** Per instance, sorted by instance id (every instance the command reached). */
  instances: CanaryInstance[];
  succeeded: number;
  failed: number;
  pending: number;
  /** The wait ended at canary-timeout-seconds with invocations still running. */
  timedOut: boolean;
  /** Every instance succeeded (and there was at least one). */
  ok: boolean;
}
