// What a publish has changed in AWS, kept as it goes: the renderer reports it also when the run failed
// part-way. No SDK code here, so the renderer and the validate path can import it.

/** What a publish has changed in AWS so far (the parts of PublishResult known before the end). */
export interface PublishProgress {
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
  p.uploaded > 0 || p.versionCreated || p.defaultChanged || p.tagsChanged.length > 0;
