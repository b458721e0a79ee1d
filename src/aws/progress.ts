// What a publish has changed in AWS, kept as it goes: the renderer reports it also when the run failed
// part-way. No SDK code here, so the renderer and the validate path can import it.
import type { CanaryReport, RolloutReport } from './rollout-types.js';

/** One package version, as pruning names it. */
export interface PrunedVersion {
  documentVersion: string;
  versionName?: string | undefined;
}

/**
 * What keep-versions did (or, with `dryRun`, would do): the versions deleted (oldest first), the versions
 * kept and why, and the S3 keys deleted (prune-s3). Filled as it goes, so a failure part-way still says.
 */
export interface PruneReport {
  dryRun: boolean;
  deleted: PrunedVersion[];
  kept: (PrunedVersion & { reason: string })[];
  s3Deleted: string[];
}

/** What sharing did: the accounts added (or re-sent at another shared version) and removed, and who has access now. */
export interface SharingReport {
  added: string[];
  removed: string[];
  /** The SharedDocumentVersion sent: `$DEFAULT`, `$LATEST` or `$ALL`. */
  sharedVersion: string;
  /** When `shared-version` named a version: its document version. */
  sharedDocumentVersion?: string | undefined;
  /** The 12-digit accounts the document is shared with after the run (sorted). */
  accounts: string[];
  /** Shared publicly (`all`). */
  public: boolean;
}

/** What a publish has changed in AWS so far (the parts of PublishResult known before the end). */
export interface PublishProgress {
  /** canary-targets: the canary group's Run Command, once started. */
  canary?: CanaryReport | undefined;
  /** start-associations: the association rollout, once started. */
  rollout?: RolloutReport | undefined;
  s3Uri: string | undefined;
  /** Objects this run uploaded. */
  uploaded: number;
  documentVersion: string | undefined;
  versionCreated: boolean;
  documentCreated: boolean;
  defaultChanged: boolean;
  defaultVersion: string | undefined;
  previousDefaultVersion: string | undefined;
  tagsChanged: string[];
  /** keep-versions: what pruning deleted so far (also versions deleted to make room before the upload). */
  pruned?: PruneReport | undefined;
  /** share-with-accounts / unshare-accounts: what sharing did so far. */
  sharing?: SharingReport | undefined;
}

export const noProgress = (): PublishProgress => ({
  s3Uri: undefined,
  uploaded: 0,
  documentVersion: undefined,
  versionCreated: false,
  documentCreated: false,
  defaultChanged: false,
  defaultVersion: undefined,
  previousDefaultVersion: undefined,
  tagsChanged: [],
});

/** Whether the run changed anything in AWS. */
export const changedAnything = (p: PublishProgress): boolean =>
  p.uploaded > 0 ||
  p.versionCreated ||
  p.defaultChanged ||
  p.tagsChanged.length > 0 ||
  (p.sharing !== undefined && (p.sharing.added.length > 0 || p.sharing.removed.length > 0)) ||
  (p.pruned !== undefined &&
    !p.pruned.dryRun &&
    (p.pruned.deleted.length > 0 || p.pruned.s3Deleted.length > 0));
