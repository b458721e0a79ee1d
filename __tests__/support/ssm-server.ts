// A local AWS Systems Manager endpoint for tests, speaking the real AWS JSON 1.1 wire protocol over plain
// HTTP on 127.0.0.1 (reach it with `endpoint` or `AWS_ENDPOINT_URL_SSM` and any dummy credentials).
//
// It keeps documents with numbered versions, per-version Status/StatusInformation, LatestVersion and
// DefaultVersion, and tags. `Package` versions start Creating/Updating and, after `statusDelayMs`, become
// Active or Failed: the outcome is decided at that moment from the S3 fake's store (bucket, object, access,
// the manifest sha256, the ZIP's install/uninstall scripts, file count and size), and the bytes are copied
// so later S3 changes don't affect an Active version. Mutations are serialised per document. Every
// operation can be made to fail (throttling, 5xx before or after the commit, TooManyUpdates, stalls,
// connection resets). Behaviour that the public record leaves open is configurable; texts the fake had to
// choose are listed in TEXT below. DeleteDocument keeps the service's protection of the default version
// (and deletes the whole document without a version); State Manager associations can be seeded, with their
// parameters (ListAssociations answers without them, DescribeAssociation with them, as the service does),
// and documents with many versions can be seeded without HTTP.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { type FakeControls, Harness, idMaker, readBody, resetConnection } from './fake-http.js';
import { sha256 as sha256hex } from './hash.js';
import type { S3Fake } from './s3-server.js';
import { type CommandControls, type CommandOp, commandService } from './ssm-commands.js';
import { Fleet } from './ssm-fleet.js';
import type { AssociationState, SsmParts } from './ssm-parts.js';
import { type RolloutControls, type RolloutOp, rolloutService } from './ssm-rollout.js';
import {
  ApiError,
  type Body,
  bool,
  type Handler,
  type OpCtx,
  epoch,
  fmt,
  fullMatch,
  list,
  num,
  str,
  strList,
  struct,
  Violations,
} from './ssm-wire.js';

// ====================================================================== types

export type DocumentStatus = 'Creating' | 'Active' | 'Updating' | 'Deleting' | 'Failed';

export type SsmOp =
  | 'CreateDocument'
  | 'UpdateDocument'
  | 'DescribeDocument'
  | 'GetDocument'
  | 'ListDocumentVersions'
  | 'UpdateDocumentDefaultVersion'
  | 'DeleteDocument'
  | 'AddTagsToResource'
  | 'RemoveTagsFromResource'
  | 'ListTagsForResource'
  | 'ListAssociations'
  | 'DescribeAssociation'
  | 'ModifyDocumentPermission'
  | 'DescribeDocumentPermission'
  | RolloutOp
  | CommandOp;

const AFTER_COMMIT: ReadonlySet<SsmFault> = new Set([
  '500-after-commit',
  'reset-after-commit',
  'stall-after-commit',
]);

export const MUTATING_OPS: readonly SsmOp[] = [
  'CreateDocument',
  'UpdateDocument',
  'UpdateDocumentDefaultVersion',
  'DeleteDocument',
  'AddTagsToResource',
  'RemoveTagsFromResource',
  'ModifyDocumentPermission',
  'StartAssociationsOnce',
  'SendCommand',
];

/**
 * Fault kinds: `throttle` 400 ThrottlingException; `500-before` 500 InternalServerError with nothing
 * committed; `500-after-commit` applies the call, then answers 500; `503` 503 ServiceUnavailable;
 * `too-many-updates` 400 TooManyUpdates; `stall` holds the request unanswered until close (or, with
 * `stallMs`, answers normally after that delay); `reset` destroys the connection without an answer;
 * `reset-after-commit` applies the call, then destroys the connection; `stall-after-commit` applies the
 * call, then holds the answer until close. The after-commit faults fire only on a call that succeeds (one
 * the service refuses anyway, e.g. a duplicate version name, is answered as usual and leaves the fault for
 * the next call), so each time one fires the call was applied. Answers the service gives for a
 * caller or a request it refuses, with nothing committed: `access-denied` 400 AccessDeniedException,
 * `expired-token` 400 ExpiredTokenException, `validation` 400 ValidationException, `not-latest` 400
 * InvalidDocumentVersion (the version to update is not the latest).
 */
export type SsmFault =
  | 'access-denied'
  | 'expired-token'
  | 'validation'
  | 'not-latest'
  | 'throttle'
  | '500-before'
  | '500-after-commit'
  | '503'
  | 'too-many-updates'
  | 'stall'
  | 'reset'
  | 'reset-after-commit'
  | 'stall-after-commit';

export interface Tag {
  Key: string;
  Value: string;
}

export interface AttachmentSource {
  Key: 'SourceUrl' | 'S3FileUrl' | 'AttachmentReference';
  Values: string[];
  Name?: string;
}

export interface AttachmentFile {
  Name: string;
  Size: number;
  Hash: string;
  HashType: 'Sha256';
  Url: string;
}

export interface VersionView {
  name: string;
  documentVersion: string;
  versionName: string | undefined;
  content: string;
  /** sha256 hex of Content. */
  hash: string;
  format: string;
  status: DocumentStatus;
  statusInformation: string | undefined;
  attachmentsSource: AttachmentSource[];
  /** Attachment names known when the version was created (the manifest's `files`). */
  attachmentNames: string[];
  /** Resolved files, once Active. */
  files: AttachmentFile[];
  createdDate: Date;
  isDefault: boolean;
  isLatest: boolean;
}

export interface DocumentView {
  name: string;
  documentType: string;
  owner: string;
  createdDate: Date;
  latestVersion: string;
  defaultVersion: string;
  tags: Tag[];
  versionCount: number;
}

/** A State Manager association as seeded (see SsmFake.addAssociation). */
export interface AssociationSeed {
  /** The SSM document it runs (default AWS-ConfigureAWSPackage). */
  name?: string;
  /** Parameters, each a list of strings, e.g. `{ action: ['Install'], name: ['MyPkg'], version: ['1.0.0'] }`. */
  parameters?: Record<string, string[]>;
  /** Default: one tag target, `tag:Role` = `web`. */
  targets?: { Key: string; Values: string[] }[];
  associationName?: string;
  scheduleExpression?: string;
  /** The association's own id (a UUID); default: a new one. */
  associationId?: string;
}

/** An association as the endpoint shows it (see SsmFake.associations). */
export type AssociationView = Omit<AssociationState, 'created'>;

/** One version for SsmFake.seed(). */
export interface SeedVersion {
  versionName?: string;
  /** Default Active. */
  status?: DocumentStatus;
  statusInformation?: string;
  /** The manifest's file names (default `["pkg.zip"]`); the content is a Package manifest listing them. */
  files?: string[];
}

export interface SsmCall {
  op: string;
  input: Record<string, unknown>;
  status: number;
  /** Error code answered (or the fault's code). */
  code: string | undefined;
  fault: SsmFault | undefined;
  /** True when the call changed server state (even if the answer was then a fault). */
  committed: boolean;
  /** True when the call succeeded on the server (its answer may then have been lost to a fault). */
  applied: boolean;
  /** The run it arrived in and its number among this run's calls of its operation (see FakeControls.newRun). */
  run: number;
  nth: number;
  at: number;
}

export interface SsmOptions {
  /** The S3 fake attachments are read from (server side). Without it every bucket "doesn't exist". */
  s3?: S3Fake;
  region?: string;
  accountId?: string;
  /** Creating/Updating → Active|Failed after this many ms (default 50). `Infinity`: only `settle()` moves them. */
  statusDelayMs?: number;
  /** Versions per document before `DocumentVersionLimitExceeded` (default 25, the Package limit). */
  versionLimit?: number;
  /** `DuplicateDocumentContent` compares with the latest version only, or with every version (default `all`). */
  duplicateContentScope?: 'latest' | 'all';
  /** s3:// URL prefixes the service may not read at ingestion (in addition to the S3 fake's `deny` rules for GetObject). */
  deniedKeys?: string[];
  /** Files per Package version (default 20). */
  maxFiles?: number;
  /** Bytes per attached file (default 1 GiB). */
  maxFileBytes?: number;
  /** Error for DescribeDocument/GetDocument with an unknown VersionName (default `InvalidDocument`). */
  unknownVersionNameError?: 'InvalidDocument' | 'InvalidDocumentVersion';
  /** Reject UpdateDocumentDefaultVersion to a version that is not Active (default false: accepted). */
  defaultVersionRequiresActive?: boolean;
  /** A second mutation of a document while one holds its lock waits (`serialize`, default) or gets TooManyUpdates (`reject`). */
  concurrentMutations?: 'serialize' | 'reject';
  /** How long each mutation holds its document's lock (default 0), to make races observable. */
  mutationHoldMs?: number;
  /** ListDocumentVersions order (default ascending by number). */
  listOrder?: 'asc' | 'desc';
  /** Documents per account (default 500). */
  documentLimit?: number;
  /**
   * What a SourceUrl attachment attaches: the manifest's files in that folder (`manifest-files`, default:
   * what the documentation describes) or every object directly in it (`every-object`, as an independent
   * implementation does): objects the manifest does not list are attached as they are (name, size,
   * sha256), without the ZIP checks.
   */
  sourceUrlAttaches?: 'manifest-files' | 'every-object';
  /** The managed instances (default: none). */
  fleet?: Fleet;
}

export interface SsmConfig {
  statusDelayMs: number;
  versionLimit: number;
  duplicateContentScope: 'latest' | 'all';
  deniedKeys: string[];
  maxFiles: number;
  maxFileBytes: number;
  unknownVersionNameError: 'InvalidDocument' | 'InvalidDocumentVersion';
  defaultVersionRequiresActive: boolean;
  concurrentMutations: 'serialize' | 'reject';
  mutationHoldMs: number;
  listOrder: 'asc' | 'desc';
  documentLimit: number;
  sourceUrlAttaches: 'manifest-files' | 'every-object';
}

export interface SsmFake extends FakeControls<SsmFault, SsmOp>, RolloutControls, CommandControls {
  readonly region: string;
  /** The managed instances association and Run Command targets resolve to, and their scripted outcomes. */
  readonly fleet: Fleet;
  readonly accountId: string;
  /** Live settings; changes apply to later calls (a new statusDelayMs applies to versions created afterwards). */
  readonly config: SsmConfig;
  documents(): DocumentView[];
  document(name: string): DocumentView | undefined;
  versions(name: string): VersionView[];
  version(name: string, documentVersion: string): VersionView | undefined;
  /** Moves Creating/Updating versions (all, one document's, or one) to their outcome now. */
  settle(name?: string, documentVersion?: string): void;
  /**
   * Creates a Package document `name` (it must not exist) with these versions, numbered from 1, without
   * HTTP and without reading S3 (Active versions get no resolved files). The default is version 1 unless
   * `defaultVersion` says otherwise.
   */
  seed(name: string, versions: SeedVersion[], o?: { defaultVersion?: string; tags?: Tag[] }): void;
  /** Adds a State Manager association; returns its id. */
  /** Who a document is shared with: account id (`all` when public) → its SharedDocumentVersion, sorted. */
  shares(name: string): Record<string, string>;
  /** Shares a document directly (another writer, without HTTP). */
  share(name: string, accounts: readonly string[], sharedVersion?: string): void;
  /** Moves a document's default version directly (another writer, without HTTP). */
  setDefaultVersion(name: string, documentVersion: string): void;
  addAssociation(a: AssociationSeed): string;
  removeAssociation(associationId: string): void;
  associations(): AssociationView[];
  /** Another writer moves the default version (as UpdateDocumentDefaultVersion would, without a call). */
  moveDefault(name: string, documentVersion: string): void;
  /** Forces a version's status (for waiter tests); clears any pending transition. */
  setStatus(name: string, documentVersion: string, status: DocumentStatus, statusInformation?: string): void;
  calls(op?: string): SsmCall[];
  count(op?: string): number;
  /** Calls to mutating operations: attempted (received) and committed (changed state), overall and per op. */
  mutations(): {
    attempted: number;
    committed: number;
    byOp: Record<string, { attempted: number; committed: number }>;
  };
}

// ====================================================================== texts

/**
 * Every message the fake answers with. [M] model/docs text, [O] observed from the real service, [F] chosen
 * by this fake where the record has nothing (tests should match on the error name, not these).
 */
export const TEXT = {
  // [O] the Distributor troubleshooting page and Terraform's not-found matcher.
  documentNotFound: (n: string) => `Document with name ${n} does not exist.`,
  // [F] unknown VersionName / DocumentVersion of an existing document.
  versionNameNotFound: (n: string, v: string) =>
    `Document with name ${n} and version name ${v} does not exist.`,
  // [M] InvalidDocumentVersion's documentation.
  versionNotFound: 'The document version is not valid or does not exist.',
  // [O] terraform-provider-aws#31131.
  notLatest: (n: string) =>
    `Version provided for document ${n} is not latest. Please provide the latest version to update document ${n}`,
  // [M]
  alreadyExists: 'The specified document already exists.',
  maxSize: 'The size limit of a document is 64 KB.',
  versionLimit: 'The document has too many versions. Delete one or more document versions and try again.',
  duplicateContent:
    'The content of the association document matches another document. Change the content of the document and try again.',
  duplicateVersionName:
    'The version name has already been used in this document. Specify a different version name, and then try again.',
  documentLimit: 'You can have at most 500 active SSM documents.',
  // [M] InvalidPermissionType's and DocumentPermissionLimit's documentation.
  invalidPermissionType: 'Share is the only supported permission type.',
  permissionLimit:
    "The document can't be shared with more Amazon Web Services accounts. You can specify a maximum of 20 accounts per API operation to share a private document. By default, you can share a private document with a maximum of 1,000 accounts and publicly share up to five documents.",
  tooManyUpdates: 'There are concurrent updates for a resource that supports one update at a time.',
  tooManyTags: 'The Targets parameter includes too many tags. Remove one or more tags and try again.',
  invalidResourceId: "The resource ID isn't valid. Verify that you entered the correct ID and try again.",
  invalidResourceType: "The resource type isn't valid.",
  invalidNextToken: "The specified token isn't valid.",
  // [O] terraform-provider-aws#21725.
  attachmentsMissing: 'AttachmentsSource not provided in the input request.',
  // [O] aws-samples/aws-batch-genomics#14.
  jsonNotWellFormed: (line: number, col: number) => `JSON not well-formed. at Line: ${line}, Column: ${col}`,
  // [O] format of the real schema validator's messages (seen for other document types).
  missingProperties: (props: string[], parent: string) =>
    `[message: "object has missing required properties (${JSON.stringify(JSON.stringify(props)).slice(1, -1)})" - parent node: ${parent}]`,
  // [F]
  schemaVersion: (v: unknown) =>
    `Invalid schemaVersion ${JSON.stringify(v)}: Package documents require schemaVersion "2.0".`,
  notAnObject: (what: string) => `${what} must be a JSON object.`,
  unknownFileRef: (file: string, where: string) =>
    `File ${file} referenced at ${where} is not listed in files.`,
  badFileName: (file: string) => `File name ${file} doesn't satisfy the pattern ^[a-zA-Z0-9_\\-.]{3,128}$.`,
  // [F] moto's text for the reserved-prefix rule.
  reservedName: (n: string) => `Invalid document name ${n}`,
  // [F] moto's text.
  deleteDefault: "Default version of the document can't be deleted.",
  // [F] the model documents AssociationDoesNotExist without a message.
  associationMissing: "The specified association doesn't exist.",
  // [F]
  defaultNotActive: (v: string, s: string) =>
    `Document version ${v} is ${s}; only an Active version can be the default version.`,
  attachmentReference: 'AttachmentReference attachments are not supported by this test endpoint.',
  badSourceUrl: (u: string) => `The attachment source URL ${u} is not a valid S3 URL.`,
  // --- StatusInformation of Failed versions ---
  // [M] documentation example.
  bucketMissing: "The specified S3 bucket doesn't exist. Verify that the URL of the S3 bucket is correct.",
  // [O] udondan/cdk-ssm-document README.
  accessDenied: (url: string, rid: string, hid: string) =>
    `Permanent download error: Source URL '${url}' reported: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: ${rid}; S3 Extended Request ID: ${hid}; Proxy: null)`,
  // [F] same shape as the observed Access Denied text.
  objectMissing: (url: string, rid: string, hid: string) =>
    `Permanent download error: Source URL '${url}' reported: The specified key does not exist. (Service: Amazon S3; Status Code: 404; Error Code: NoSuchKey; Request ID: ${rid}; S3 Extended Request ID: ${hid}; Proxy: null)`,
  // [F]
  checksumMismatch: (file: string, expected: string, actual: string) =>
    `The sha256 checksum of file ${file} doesn't match the checksum in the manifest. Expected: ${expected}, actual: ${actual}.`,
  // [F] wording from the agent's message for the same condition.
  missingScript: (file: string, action: 'install' | 'uninstall') =>
    `Package file ${file} is not supported (package is missing ${action} action).`,
  notZip: (file: string) => `Package file ${file} is not a valid ZIP archive.`,
  tooManyFiles: (n: number, max: number) =>
    `The package has ${n} files; the maximum number of files that you can attach to a single document is ${max}.`,
  fileTooLarge: (file: string, size: number, max: number) =>
    `File ${file} is ${size} bytes; the maximum size of a package file is ${max} bytes.`,
  notInManifest: (file: string) => `Attachment ${file} is not listed in the manifest files.`,
  // --- generic ---
  throttled: 'Rate exceeded',
  internal: 'Internal Server Error',
  unavailable: 'Service Unavailable',
  missingAuth: 'Missing Authentication Token',
  // [O] the shape of IAM's denial message.
  notAuthorized: (op: string, resource: string) =>
    `User: arn:aws:sts::123456789012:assumed-role/publisher/ci is not authorized to perform: ssm:${op} on resource: ${resource} because no identity-based policy allows the ssm:${op} action`,
  // [I] the standard text.
  expiredToken: 'The security token included in the request is expired',
} as const;

// ====================================================================== constraints (§2)

const RE = {
  documentName: '^[a-zA-Z0-9_\\-.]{3,128}$',
  documentArn: '^[a-zA-Z0-9_\\-.:/]{3,128}$',
  documentVersion: '([$]LATEST|[$]DEFAULT|^[1-9][0-9]*$)',
  documentVersionNumber: '(^[1-9][0-9]*$)',
  versionName: '^[a-zA-Z0-9_\\-.]{1,128}$',
  displayName: '^[\\w\\.\\-\\:\\/ ]*$',
  attachmentName: '^[a-zA-Z0-9_\\-.]{3,128}$',
  targetType: '^\\/[\\w\\.\\-\\:\\/]*$',
  associationId: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
  tag: '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$',
  accountId: '[aA][lL][lL]|[0-9]{12}', // the model's (?i)all|[0-9]{12}
  sharedDocumentVersion: '([$]LATEST|[$]DEFAULT|[$]ALL)',
};
/** Private accounts per document and publicly shared documents per account (DocumentPermissionLimit). */
const MAX_SHARED_ACCOUNTS = 1000;
const MAX_PUBLIC_DOCUMENTS = 5;
const DOCUMENT_TYPES = [
  'Command',
  'Policy',
  'Automation',
  'Session',
  'Package',
  'ApplicationConfiguration',
  'ApplicationConfigurationSchema',
  'DeploymentStrategy',
  'ChangeCalendar',
  'Automation.ChangeTemplate',
  'ProblemAnalysis',
  'ProblemAnalysisTemplate',
  'CloudFormation',
  'ConformancePackTemplate',
  'QuickSetup',
  'ManualApprovalPolicy',
  'AutoApprovalPolicy',
];
const FORMATS = ['YAML', 'JSON', 'TEXT'];
const ASSOCIATION_FILTER_KEYS = [
  'InstanceId',
  'Name',
  'AssociationId',
  'AssociationStatusName',
  'LastExecutedBefore',
  'LastExecutedAfter',
  'AssociationName',
  'ResourceGroupName',
  'CloudConnectorId',
];
const ATTACHMENT_KEYS = ['SourceUrl', 'S3FileUrl', 'AttachmentReference'];
const RESOURCE_TYPES = [
  'Document',
  'ManagedInstance',
  'MaintenanceWindow',
  'Parameter',
  'PatchBaseline',
  'OpsItem',
  'OpsMetadata',
  'Automation',
  'Association',
  'CloudConnector',
];
const RESERVED_PREFIXES = ['aws', 'amazon', 'amzn'];
const MAX_CONTENT_BYTES = 64 * 1024;
const MAX_TAGS = 50;

// ====================================================================== ZIP inspection

/** Names of the entries in a ZIP's central directory, or undefined when it is not a readable ZIP. */
export function zipEntryNames(buf: Buffer): string[] | undefined {
  const EOCD = 0x06054b50;
  const minEnd = Math.max(0, buf.length - 22 - 0xffff);
  let end = -1;
  for (let i = buf.length - 22; i >= minEnd; i--) {
    if (buf.readUInt32LE(i) === EOCD && i + 22 + buf.readUInt16LE(i + 20) === buf.length) {
      end = i;
      break;
    }
  }
  if (end < 0) return undefined;
  let count = buf.readUInt16LE(end + 10);
  let size = buf.readUInt32LE(end + 12);
  let offset = buf.readUInt32LE(end + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    // ZIP64: the locator sits just before the end record and points at the ZIP64 end record.
    const loc = end - 20;
    if (loc < 0 || buf.readUInt32LE(loc) !== 0x07064b50) return undefined;
    const z = Number(buf.readBigUInt64LE(loc + 8));
    if (z + 56 > buf.length || buf.readUInt32LE(z) !== 0x06064b50) return undefined;
    count = Number(buf.readBigUInt64LE(z + 32));
    size = Number(buf.readBigUInt64LE(z + 40));
    offset = Number(buf.readBigUInt64LE(z + 48));
  }
  if (offset + size > buf.length) return undefined;
  const names: string[] = [];
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) return undefined;
    const flags = buf.readUInt16LE(p + 8);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const raw = buf.subarray(p + 46, p + 46 + nameLen);
    names.push(raw.toString(flags & 0x800 ? 'utf8' : 'latin1'));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

// ====================================================================== S3 URLs

/** `s3://b/p`, `https://s3[.-region].amazonaws.com/b/p`, `https://b.s3[.-region].amazonaws.com/p` → bucket + key prefix. */
export function parseS3Url(url: string): { bucket: string; key: string } | undefined {
  let m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (m) return { bucket: m[1]!, key: m[2]! };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  const path = decodeURIComponent(u.pathname.slice(1));
  if (/^s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$/.test(u.hostname)) {
    m = /^([^/]+)\/?(.*)$/.exec(path);
    return m ? { bucket: m[1]!, key: m[2]! } : undefined;
  }
  m = /^(.+?)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$/.exec(u.hostname);
  return m ? { bucket: m[1]!, key: path } : undefined;
}

const joinKey = (prefix: string, file: string) =>
  prefix === '' ? file : `${prefix.replace(/\/+$/, '')}/${file}`;

// ====================================================================== state

/** What the fake keeps per version: the view's fields that are not derived from the document, and more. */
interface Version extends Omit<VersionView, 'name' | 'isDefault' | 'isLatest'> {
  blobs: Map<string, Buffer>;
  due: number | undefined;
  timer: NodeJS.Timeout | undefined;
  manifest: Manifest | undefined;
}

interface Doc {
  name: string;
  type: string;
  owner: string;
  createdDate: Date;
  displayName: string | undefined;
  targetType: string | undefined;
  tags: Tag[];
  latestVersion: string;
  defaultVersion: string;
  nextVersion: number;
  versions: Map<string, Version>;
}

interface Manifest {
  files: Map<string, { sha256: string | undefined }>;
}

/** Parses and checks a Package manifest; throws InvalidDocumentContent. */
function checkManifest(content: string): Manifest {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (e) {
    const pos = Number(/position (\d+)/.exec(String((e as Error).message))?.[1] ?? content.length);
    const before = content.slice(0, pos);
    const line = before.split('\n').length;
    const col = pos - before.lastIndexOf('\n');
    throw new ApiError('InvalidDocumentContent', TEXT.jsonNotWellFormed(line, col));
  }
  const bad = (m: string) => new ApiError('InvalidDocumentContent', m);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw bad(TEXT.notAnObject('The document'));
  const root = doc as Record<string, unknown>;
  const missing = ['schemaVersion', 'packages', 'files'].filter((k) => !(k in root));
  if (missing.length) throw bad(TEXT.missingProperties(missing, '/'));
  if (root.schemaVersion !== '2.0') throw bad(TEXT.schemaVersion(root.schemaVersion));
  const isObj = (v: unknown): v is Record<string, unknown> =>
    !!v && typeof v === 'object' && !Array.isArray(v);
  if (!isObj(root.packages)) throw bad(TEXT.notAnObject('packages'));
  if (!isObj(root.files)) throw bad(TEXT.notAnObject('files'));
  const files = new Map<string, { sha256: string | undefined }>();
  for (const [name, entry] of Object.entries(root.files)) {
    if (!fullMatch(RE.attachmentName, name)) throw bad(TEXT.badFileName(name));
    if (!isObj(entry)) throw bad(TEXT.notAnObject(`files.${name}`));
    const sums = entry.checksums;
    if (sums !== undefined && !isObj(sums)) throw bad(TEXT.notAnObject(`files.${name}.checksums`));
    const sha = sums?.sha256;
    files.set(name, { sha256: typeof sha === 'string' ? sha : undefined });
  }
  for (const [p, versions] of Object.entries(root.packages)) {
    if (!isObj(versions)) throw bad(TEXT.notAnObject(`packages.${p}`));
    for (const [v, arches] of Object.entries(versions)) {
      if (!isObj(arches)) throw bad(TEXT.notAnObject(`packages.${p}.${v}`));
      for (const [a, leaf] of Object.entries(arches)) {
        const where = `packages.${p}.${v}.${a}`;
        if (!isObj(leaf)) throw bad(TEXT.notAnObject(where));
        if (typeof leaf.file !== 'string')
          throw bad(TEXT.missingProperties(['file'], `/${where.replace(/\./g, '/')}`));
        if (!files.has(leaf.file)) throw bad(TEXT.unknownFileRef(leaf.file, where));
      }
    }
  }
  return { files };
}

// ====================================================================== server

export async function startSsm(opts: SsmOptions = {}): Promise<SsmFake> {
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '123456789012';
  const config: SsmConfig = {
    statusDelayMs: opts.statusDelayMs ?? 50,
    versionLimit: opts.versionLimit ?? 25,
    duplicateContentScope: opts.duplicateContentScope ?? 'all',
    deniedKeys: [...(opts.deniedKeys ?? [])],
    maxFiles: opts.maxFiles ?? 20,
    maxFileBytes: opts.maxFileBytes ?? 1024 * 1024 * 1024,
    unknownVersionNameError: opts.unknownVersionNameError ?? 'InvalidDocument',
    defaultVersionRequiresActive: opts.defaultVersionRequiresActive ?? false,
    concurrentMutations: opts.concurrentMutations ?? 'serialize',
    mutationHoldMs: opts.mutationHoldMs ?? 0,
    listOrder: opts.listOrder ?? 'asc',
    documentLimit: opts.documentLimit ?? 500,
    sourceUrlAttaches: opts.sourceUrlAttaches ?? 'manifest-files',
  };
  const s3 = opts.s3;
  const docs = new Map<string, Doc>();
  /** Per document: account id (lowercase `all` = public) → SharedDocumentVersion. */
  const shared = new Map<string, Map<string, string>>();
  const sharesOf = (name: string) => {
    let m = shared.get(name);
    if (!m) shared.set(name, (m = new Map()));
    return m;
  };
  const associations = new Map<string, AssociationState>();
  const fleet = opts.fleet ?? new Fleet();
  const locks = new Map<string, Promise<void>>();
  const tokens = new Map<string, { op: string; name: string; after: number }>();
  const log: SsmCall[] = [];
  const s3RequestId = idMaker();
  let endpoint = '';

  // ------------------------------------------------------------ lookups

  /** Name or `arn:<partition>:ssm:<region>:<account>:document/<name>` → the document name. */
  const nameOf = (nameOrArn: string) => {
    const m = /^arn:[^:]+:ssm:([^:]*):([^:]*):document\/(.+)$/.exec(nameOrArn);
    if (!m) return nameOrArn;
    return m[1] === region && m[2] === accountId ? m[3]! : `\0foreign:${nameOrArn}`;
  };
  const needDoc = (nameOrArn: string): Doc => {
    const d = docs.get(nameOf(nameOrArn));
    if (!d) throw new ApiError('InvalidDocument', TEXT.documentNotFound(nameOrArn));
    return d;
  };
  /** Selects a version by DocumentVersion ($LATEST/$DEFAULT/number) and/or VersionName; default = $DEFAULT. */
  const pick = (d: Doc, documentVersion: string | undefined, versionName: string | undefined): Version => {
    let v: Version | undefined;
    if (documentVersion !== undefined) {
      const n =
        documentVersion === '$LATEST'
          ? d.latestVersion
          : documentVersion === '$DEFAULT'
            ? d.defaultVersion
            : documentVersion;
      v = d.versions.get(n);
      if (!v) throw new ApiError('InvalidDocumentVersion', TEXT.versionNotFound);
    }
    if (versionName !== undefined) {
      const byName = [...d.versions.values()].find((x) => x.versionName === versionName);
      if (!byName || (v && v !== byName)) {
        const code = config.unknownVersionNameError;
        throw new ApiError(
          code,
          code === 'InvalidDocument' ? TEXT.versionNameNotFound(d.name, versionName) : TEXT.versionNotFound,
        );
      }
      v = byName;
    }
    return v ?? d.versions.get(d.defaultVersion)!;
  };

  // ------------------------------------------------------------ async status machine

  const attachmentUrl = (d: Doc, v: Version, file: string) =>
    `${endpoint}/_attachments/${encodeURIComponent(d.name)}/${v.documentVersion}/${encodeURIComponent(file)}`;

  /** Reads the version's attachments from S3 now and decides Active or Failed. */
  const ingest = (
    d: Doc,
    v: Version,
  ): { ok: true; files: AttachmentFile[]; blobs: Map<string, Buffer> } | { ok: false; info: string } => {
    if (d.type !== 'Package') return { ok: true, files: [], blobs: new Map() };
    // What to fetch: SourceUrl folders hold every manifest file (and, attaching every object, the
    // others in the folder too); S3FileUrl names one object.
    const wanted: { name: string; bucket: string; key: string; extra?: boolean }[] = [];
    const manifestFiles = v.manifest?.files ?? new Map();
    for (const src of v.attachmentsSource) {
      const loc = parseS3Url(src.Values[0]!)!;
      if (src.Key === 'SourceUrl') {
        for (const f of manifestFiles.keys())
          wanted.push({ name: f, bucket: loc.bucket, key: joinKey(loc.key, f) });
        if (config.sourceUrlAttaches === 'every-object' && s3?.buckets().includes(loc.bucket)) {
          const folder = joinKey(loc.key, '');
          for (const key of s3.keys(loc.bucket, folder)) {
            const name = key.slice(folder.length);
            if (manifestFiles.has(name) || name.includes('/') || !fullMatch(RE.attachmentName, name))
              continue;
            wanted.push({ name, bucket: loc.bucket, key, extra: true });
          }
        }
      } else if (src.Key === 'S3FileUrl') {
        wanted.push({ name: src.Name ?? loc.key.split('/').pop()!, bucket: loc.bucket, key: loc.key });
      }
    }
    const seen = new Set<string>();
    const unique = wanted.filter((w) => !seen.has(w.name) && seen.add(w.name));
    if (unique.length > config.maxFiles)
      return { ok: false, info: TEXT.tooManyFiles(unique.length, config.maxFiles) };
    const files: AttachmentFile[] = [];
    const blobs = new Map<string, Buffer>();
    for (const w of unique) {
      const url = `s3://${w.bucket}/${w.key}`;
      if (!manifestFiles.has(w.name) && !w.extra) return { ok: false, info: TEXT.notInManifest(w.name) };
      if (!s3?.buckets().includes(w.bucket)) return { ok: false, info: TEXT.bucketMissing };
      const ids = { rid: s3RequestId(), hid: Buffer.from(randomUUID()).toString('base64') };
      if (config.deniedKeys.some((p) => url.startsWith(p)))
        return { ok: false, info: TEXT.accessDenied(url, ids.rid, ids.hid) };
      const r = s3.lookup(w.bucket, w.key, 'GetObject');
      if (!r.ok) {
        if (r.code === 'NoSuchBucket') return { ok: false, info: TEXT.bucketMissing };
        if (r.code === 'AccessDenied')
          return { ok: false, info: TEXT.accessDenied(url, r.requestId, r.hostId) };
        return { ok: false, info: TEXT.objectMissing(url, r.requestId, r.hostId) };
      }
      const body = Buffer.from(r.object.body);
      if (body.length > config.maxFileBytes)
        return { ok: false, info: TEXT.fileTooLarge(w.name, body.length, config.maxFileBytes) };
      const hash = sha256hex(body);
      const file = (): AttachmentFile => ({
        Name: w.name,
        Size: body.length,
        Hash: hash,
        HashType: 'Sha256',
        Url: attachmentUrl(d, v, w.name),
      });
      if (w.extra) {
        files.push(file());
        blobs.set(w.name, body);
        continue;
      }
      const expected = manifestFiles.get(w.name)?.sha256;
      if (expected !== undefined && expected.toLowerCase() !== hash) {
        return { ok: false, info: TEXT.checksumMismatch(w.name, expected, hash) };
      }
      const entries = zipEntryNames(body);
      if (!entries) return { ok: false, info: TEXT.notZip(w.name) };
      for (const action of ['install', 'uninstall'] as const) {
        if (!entries.includes(`${action}.sh`) && !entries.includes(`${action}.ps1`)) {
          return { ok: false, info: TEXT.missingScript(w.name, action) };
        }
      }
      files.push(file());
      blobs.set(w.name, body);
    }
    return { ok: true, files, blobs };
  };

  const settleVersion = (d: Doc, v: Version) => {
    harness.cancel(v.timer);
    v.timer = undefined;
    v.due = undefined;
    if (v.status !== 'Creating' && v.status !== 'Updating') return;
    const r = ingest(d, v);
    if (r.ok) {
      v.status = 'Active';
      v.statusInformation = undefined;
      v.files = r.files;
      v.blobs = r.blobs;
    } else {
      v.status = 'Failed';
      v.statusInformation = r.info;
    }
  };

  /** Transitions whose time has come but whose timer has not run yet (a busy event loop). */
  const settleDue = () => {
    const now = Date.now();
    for (const d of docs.values())
      for (const v of d.versions.values()) if (v.due !== undefined && v.due <= now) settleVersion(d, v);
  };

  const schedule = (d: Doc, v: Version) => {
    const delay = config.statusDelayMs;
    if (!Number.isFinite(delay)) return;
    v.due = Date.now() + Math.max(0, delay);
    v.timer = harness.later(Math.max(0, delay), () => {
      if (docs.get(d.name) === d && d.versions.get(v.documentVersion) === v) settleVersion(d, v);
    });
  };

  // ------------------------------------------------------------ output shapes

  const description = (d: Doc, v: Version) => {
    const out: Record<string, unknown> = {
      Hash: v.hash,
      HashType: 'Sha256',
      Name: d.name,
      Owner: d.owner,
      CreatedDate: epoch(v.createdDate),
      Status: v.status,
      DocumentVersion: v.documentVersion,
      DocumentType: d.type,
      SchemaVersion: d.type === 'Package' ? '2.0' : schemaVersionOf(v.content),
      LatestVersion: d.latestVersion,
      DefaultVersion: d.defaultVersion,
      DocumentFormat: v.format,
      Tags: d.tags.map((t) => ({ ...t })),
      AttachmentsInformation: v.attachmentNames.map((Name) => ({ Name })),
    };
    if (v.versionName !== undefined) out.VersionName = v.versionName;
    if (v.statusInformation !== undefined) out.StatusInformation = v.statusInformation;
    if (d.displayName !== undefined) out.DisplayName = d.displayName;
    if (d.targetType !== undefined) out.TargetType = d.targetType;
    return out;
  };

  const versionView = (d: Doc, v: Version): VersionView => ({
    name: d.name,
    documentVersion: v.documentVersion,
    versionName: v.versionName,
    content: v.content,
    hash: v.hash,
    format: v.format,
    status: v.status,
    statusInformation: v.statusInformation,
    attachmentsSource: structuredClone(v.attachmentsSource),
    attachmentNames: [...v.attachmentNames],
    files: v.files.map((f) => ({ ...f })),
    createdDate: new Date(v.createdDate),
    isDefault: d.defaultVersion === v.documentVersion,
    isLatest: d.latestVersion === v.documentVersion,
  });

  const docView = (d: Doc): DocumentView => ({
    name: d.name,
    documentType: d.type,
    owner: d.owner,
    createdDate: new Date(d.createdDate),
    latestVersion: d.latestVersion,
    defaultVersion: d.defaultVersion,
    tags: d.tags.map((t) => ({ ...t })),
    versionCount: d.versions.size,
  });

  // ------------------------------------------------------------ shared validation

  const readAttachments = (b: Body, vs: Violations): AttachmentSource[] | undefined => {
    const items = list(b, 'Attachments', (x, i) => {
      const a = struct(x, `Attachments.${i + 1}`);
      return { Key: str(a, 'Key'), Values: strList(a, 'Values'), Name: str(a, 'Name') };
    });
    if (!items) return undefined;
    vs.length('attachments', items, 0, 20);
    items.forEach((a, i) => {
      const p = `attachments.${i + 1}.member`;
      vs.oneOf(`${p}.key`, a.Key, ATTACHMENT_KEYS);
      vs.length(`${p}.values`, a.Values, 1, 1);
      for (const [j, v] of (a.Values ?? []).entries()) vs.length(`${p}.values.${j + 1}.member`, v, 1, 1024);
      vs.pattern(`${p}.name`, a.Name, RE.attachmentName);
    });
    return items as AttachmentSource[];
  };

  const readTags = (b: Body, k: string, path: string, vs: Violations): Tag[] | undefined => {
    const tags = list(b, k, (x, i) => {
      const t = struct(x, `${k}.${i + 1}`);
      return { Key: str(t, 'Key'), Value: str(t, 'Value') };
    });
    if (!tags) return undefined;
    tags.forEach((t, i) => {
      const p = `${path}.${i + 1}.member`;
      if (vs.required(`${p}.key`, t.Key)) {
        vs.length(`${p}.key`, t.Key, 1, 128);
        vs.pattern(`${p}.key`, t.Key, RE.tag);
      }
      if (vs.required(`${p}.value`, t.Value)) {
        vs.length(`${p}.value`, t.Value, 0, 256);
        vs.pattern(`${p}.value`, t.Value, RE.tag);
      }
    });
    return tags as Tag[];
  };

  /** The checks both Create and Update apply to Content/Attachments once validation passed. */
  const checkBody = (type: string, content: string, attachments: AttachmentSource[] | undefined) => {
    for (const a of attachments ?? []) {
      if (a.Key === 'AttachmentReference')
        throw new ApiError('InvalidParameterValueException', TEXT.attachmentReference);
      if (!parseS3Url(a.Values[0]!))
        throw new ApiError('InvalidParameterValueException', TEXT.badSourceUrl(a.Values[0]!));
    }
    if (type !== 'Package') return undefined;
    if (!attachments || attachments.length === 0)
      throw new ApiError('InvalidParameterValueException', TEXT.attachmentsMissing);
    return checkManifest(content);
  };

  const contentTooBig = (content: string) => {
    if (Buffer.byteLength(content, 'utf8') > MAX_CONTENT_BYTES)
      throw new ApiError('MaxDocumentSizeExceeded', TEXT.maxSize);
  };

  const newVersion = (
    n: string,
    content: string,
    format: string,
    versionName: string | undefined,
    attachments: AttachmentSource[],
    manifest: Manifest | undefined,
    initial: DocumentStatus,
  ): Version => {
    const names = manifest ? [...manifest.files.keys()] : [];
    for (const a of attachments) {
      if (a.Key === 'S3FileUrl') {
        const nm = a.Name ?? parseS3Url(a.Values[0]!)!.key.split('/').pop()!;
        if (!names.includes(nm)) names.push(nm);
      }
    }
    return {
      documentVersion: n,
      versionName,
      content,
      hash: sha256hex(content),
      format,
      status: initial,
      statusInformation: undefined,
      attachmentsSource: structuredClone(attachments),
      attachmentNames: names,
      files: [],
      blobs: new Map(),
      createdDate: new Date(),
      due: undefined,
      timer: undefined,
      manifest,
    };
  };

  // ------------------------------------------------------------ per-document lock

  const withLock = async <T>(name: string, fn: () => T): Promise<T> => {
    const held = locks.get(name);
    if (held && config.concurrentMutations === 'reject')
      throw new ApiError('TooManyUpdates', TEXT.tooManyUpdates);
    let release!: () => void;
    const mine = new Promise<void>((r) => {
      release = r;
    });
    const chain = (held ?? Promise.resolve()).then(() => mine);
    locks.set(name, chain);
    try {
      await held;
      if (config.mutationHoldMs > 0) await new Promise<void>((r) => harness.later(config.mutationHoldMs, r));
      settleDue();
      return fn();
    } finally {
      release();
      if (locks.get(name) === chain) locks.delete(name);
    }
  };

  /** The members CreateDocument and UpdateDocument share, checked against the model. */
  const readDocumentInput = (b: Body, vs: Violations) => {
    const d = {
      name: str(b, 'Name'),
      content: str(b, 'Content'),
      versionName: str(b, 'VersionName'),
      displayName: str(b, 'DisplayName'),
      targetType: str(b, 'TargetType'),
    };
    if (vs.required('name', d.name)) vs.pattern('name', d.name, RE.documentName);
    if (vs.required('content', d.content)) vs.length('content', d.content, 1, undefined);
    vs.pattern('versionName', d.versionName, RE.versionName);
    vs.length('displayName', d.displayName, undefined, 1024);
    vs.pattern('displayName', d.displayName, RE.displayName);
    vs.length('targetType', d.targetType, undefined, 200);
    vs.pattern('targetType', d.targetType, RE.targetType);
    return d;
  };

  /** The version DescribeDocument/GetDocument name (Name, DocumentVersion, VersionName), checked (then `more`). */
  const namedVersion = (b: Body, more: (vs: Violations) => void = () => {}) => {
    const vs = new Violations();
    const name = str(b, 'Name');
    const documentVersion = str(b, 'DocumentVersion');
    const versionName = str(b, 'VersionName');
    if (vs.required('name', name)) vs.pattern('name', name, RE.documentArn);
    vs.pattern('documentVersion', documentVersion, RE.documentVersion);
    vs.pattern('versionName', versionName, RE.versionName);
    more(vs);
    vs.throwIfAny();
    const d = needDoc(name!);
    return { d, v: pick(d, documentVersion, versionName) };
  };

  // ------------------------------------------------------------ tag operations' target

  /** Validates ResourceType/ResourceId of a tag operation (then `more`), and returns the document's name. */
  const tagTarget = (b: Body, more: (vs: Violations) => void = () => {}): string => {
    const vs = new Violations();
    const type = str(b, 'ResourceType');
    const id = str(b, 'ResourceId');
    if (vs.required('resourceType', type)) vs.oneOf('resourceType', type, RESOURCE_TYPES);
    vs.required('resourceId', id);
    more(vs);
    vs.throwIfAny();
    if (type !== 'Document') throw new ApiError('InvalidResourceType', TEXT.invalidResourceType);
    return nameOf(id!);
  };
  const taggedDoc = (name: string): Doc => {
    const d = docs.get(name);
    if (!d) throw new ApiError('InvalidResourceId', TEXT.invalidResourceId);
    return d;
  };

  // ------------------------------------------------------------ operations

  type Ctx = OpCtx;
  const parts: SsmParts = {
    region,
    accountId,
    associations,
    fleet,
    nameOf,
    packageVersion: (name, version) => {
      const d = docs.get(name);
      if (!d) return undefined;
      const v = version
        ? [...d.versions.values()].find((x) => x.versionName === version)
        : d.versions.get(d.defaultVersion);
      settleDue();
      return v && { documentVersion: v.documentVersion, versionName: v.versionName, status: v.status };
    },
    tokens,
  };
  const rollout = rolloutService(parts);
  const commands = commandService(parts);

  const ops: Record<SsmOp, Handler> = {
    CreateDocument: async (b, ctx) => {
      const vs = new Violations();
      const { name, content, versionName, displayName, targetType } = readDocumentInput(b, vs);
      const type = str(b, 'DocumentType') ?? 'Command';
      const format = str(b, 'DocumentFormat') ?? 'JSON';
      vs.oneOf('documentType', type, DOCUMENT_TYPES);
      vs.oneOf('documentFormat', format, FORMATS);
      const attachments = readAttachments(b, vs);
      const tags = readTags(b, 'Tags', 'tags', vs);
      vs.length('tags', tags, 0, 1000);
      vs.throwIfAny();
      if (RESERVED_PREFIXES.some((p) => name!.toLowerCase().startsWith(p)))
        throw new ApiError('ValidationException', TEXT.reservedName(name!));
      contentTooBig(content!);
      if ((tags?.length ?? 0) > MAX_TAGS) throw new ApiError('TooManyTagsError', TEXT.tooManyTags);
      return withLock(name!, () => {
        if (docs.has(name!)) throw new ApiError('DocumentAlreadyExists', TEXT.alreadyExists);
        if (docs.size >= config.documentLimit)
          throw new ApiError('DocumentLimitExceeded', TEXT.documentLimit);
        const manifest = checkBody(type, content!, attachments);
        const d: Doc = {
          name: name!,
          type,
          owner: accountId,
          createdDate: new Date(),
          displayName,
          targetType,
          tags: dedupeTags(tags ?? []),
          latestVersion: '1',
          defaultVersion: '1',
          nextVersion: 2,
          versions: new Map(),
        };
        const v = newVersion('1', content!, format, versionName, attachments ?? [], manifest, 'Creating');
        d.versions.set('1', v);
        docs.set(d.name, d);
        ctx.committed = true;
        schedule(d, v);
        return { DocumentDescription: description(d, v) };
      });
    },

    UpdateDocument: async (b, ctx) => {
      const vs = new Violations();
      const { name, content, versionName, displayName, targetType } = readDocumentInput(b, vs);
      const format = str(b, 'DocumentFormat');
      const documentVersion = str(b, 'DocumentVersion');
      vs.oneOf('documentFormat', format, FORMATS);
      vs.pattern('documentVersion', documentVersion, RE.documentVersion);
      const attachments = readAttachments(b, vs);
      vs.throwIfAny();
      contentTooBig(content!);
      return withLock(name!, () => {
        const d = needDoc(name!);
        const base = documentVersion ?? '$LATEST';
        const baseNumber =
          base === '$LATEST' ? d.latestVersion : base === '$DEFAULT' ? d.defaultVersion : base;
        if (baseNumber !== d.latestVersion)
          throw new ApiError('InvalidDocumentVersion', TEXT.notLatest(d.name));
        const manifest = checkBody(d.type, content!, attachments);
        const all = [...d.versions.values()];
        if (versionName !== undefined && all.some((v) => v.versionName === versionName)) {
          throw new ApiError('DuplicateDocumentVersionName', TEXT.duplicateVersionName);
        }
        const hash = sha256hex(content!);
        const compared = config.duplicateContentScope === 'all' ? all : [d.versions.get(d.latestVersion)!];
        if (compared.some((v) => v.hash === hash))
          throw new ApiError('DuplicateDocumentContent', TEXT.duplicateContent);
        if (d.versions.size >= config.versionLimit)
          throw new ApiError('DocumentVersionLimitExceeded', TEXT.versionLimit);
        const n = String(d.nextVersion++);
        const latest = d.versions.get(d.latestVersion)!;
        const v = newVersion(
          n,
          content!,
          format ?? latest.format,
          versionName,
          attachments ?? [],
          manifest,
          'Updating',
        );
        d.versions.set(n, v);
        d.latestVersion = n;
        if (displayName !== undefined) d.displayName = displayName;
        if (targetType !== undefined) d.targetType = targetType;
        ctx.committed = true;
        schedule(d, v);
        return { DocumentDescription: description(d, v) };
      });
    },

    DescribeDocument: (b) => {
      const { d, v } = namedVersion(b);
      return { Document: description(d, v) };
    },

    GetDocument: (b) => {
      const format = str(b, 'DocumentFormat');
      const { d, v } = namedVersion(b, (vs) => vs.oneOf('documentFormat', format, FORMATS));
      const out: Record<string, unknown> = {
        Name: d.name,
        CreatedDate: epoch(v.createdDate),
        DocumentVersion: v.documentVersion,
        Status: v.status,
        Content: v.content,
        DocumentType: d.type,
        DocumentFormat: v.format,
        AttachmentsContent: v.files.map((f) => ({ ...f })),
      };
      if (v.versionName !== undefined) out.VersionName = v.versionName;
      if (v.statusInformation !== undefined) out.StatusInformation = v.statusInformation;
      if (d.displayName !== undefined) out.DisplayName = d.displayName;
      return out;
    },

    ListDocumentVersions: (b) => {
      const vs = new Violations();
      const name = str(b, 'Name');
      const maxResults = num(b, 'MaxResults');
      const nextToken = str(b, 'NextToken');
      if (vs.required('name', name)) vs.pattern('name', name, RE.documentArn);
      vs.range('maxResults', maxResults, 1, 50);
      vs.throwIfAny();
      const d = needDoc(name!);
      let after = config.listOrder === 'asc' ? 0 : Number.POSITIVE_INFINITY;
      if (nextToken !== undefined) {
        const t = tokens.get(nextToken);
        if (t?.op !== 'ListDocumentVersions' || t.name !== d.name)
          throw new ApiError('InvalidNextToken', TEXT.invalidNextToken);
        after = t.after;
      }
      const all = [...d.versions.values()]
        .map((v) => ({ v, n: Number(v.documentVersion) }))
        .filter(({ n }) => (config.listOrder === 'asc' ? n > after : n < after))
        .sort((x, y) => (config.listOrder === 'asc' ? x.n - y.n : y.n - x.n));
      const limit = maxResults ?? 50;
      const page = all.slice(0, limit);
      const out: Record<string, unknown> = {
        DocumentVersions: page.map(({ v }) => {
          const item: Record<string, unknown> = {
            Name: d.name,
            DocumentVersion: v.documentVersion,
            CreatedDate: epoch(v.createdDate),
            IsDefaultVersion: v.documentVersion === d.defaultVersion,
            DocumentFormat: v.format,
            Status: v.status,
          };
          if (v.versionName !== undefined) item.VersionName = v.versionName;
          if (v.statusInformation !== undefined) item.StatusInformation = v.statusInformation;
          if (d.displayName !== undefined) item.DisplayName = d.displayName;
          return item;
        }),
      };
      if (all.length > limit) {
        const token = Buffer.from(`${randomUUID()}:${randomUUID()}`).toString('base64');
        tokens.set(token, { op: 'ListDocumentVersions', name: d.name, after: page[page.length - 1]!.n });
        out.NextToken = token;
      }
      return out;
    },

    UpdateDocumentDefaultVersion: async (b, ctx) => {
      const vs = new Violations();
      const name = str(b, 'Name');
      const documentVersion = str(b, 'DocumentVersion');
      if (vs.required('name', name)) vs.pattern('name', name, RE.documentName);
      if (vs.required('documentVersion', documentVersion))
        vs.pattern('documentVersion', documentVersion, RE.documentVersionNumber);
      vs.throwIfAny();
      return withLock(name!, () => {
        const d = needDoc(name!);
        const v = d.versions.get(documentVersion!);
        if (!v) throw new ApiError('InvalidDocumentVersion', TEXT.versionNotFound);
        if (config.defaultVersionRequiresActive && v.status !== 'Active') {
          throw new ApiError('InvalidDocumentVersion', TEXT.defaultNotActive(v.documentVersion, v.status));
        }
        if (d.defaultVersion !== v.documentVersion) {
          d.defaultVersion = v.documentVersion;
          ctx.committed = true;
        }
        const out: Record<string, unknown> = { Name: d.name, DefaultVersion: d.defaultVersion };
        if (v.versionName !== undefined) out.DefaultVersionName = v.versionName;
        return { Description: out };
      });
    },

    DeleteDocument: async (b, ctx) => {
      const vs = new Violations();
      const name = str(b, 'Name');
      const documentVersion = str(b, 'DocumentVersion');
      const versionName = str(b, 'VersionName');
      bool(b, 'Force');
      if (vs.required('name', name)) vs.pattern('name', name, RE.documentName);
      vs.pattern('documentVersion', documentVersion, RE.documentVersion);
      vs.pattern('versionName', versionName, RE.versionName);
      vs.throwIfAny();
      return withLock(name!, () => {
        const d = needDoc(name!);
        if (documentVersion === undefined && versionName === undefined) {
          for (const v of d.versions.values()) harness.cancel(v.timer);
          docs.delete(d.name);
          shared.delete(d.name);
          ctx.committed = true;
          return {};
        }
        const v = pick(d, documentVersion, versionName);
        if (v.documentVersion === d.defaultVersion)
          throw new ApiError('InvalidDocumentOperation', TEXT.deleteDefault);
        harness.cancel(v.timer);
        d.versions.delete(v.documentVersion);
        d.latestVersion = String(Math.max(...[...d.versions.keys()].map(Number)));
        ctx.committed = true;
        return {};
      });
    },

    ModifyDocumentPermission: async (b, ctx) => {
      const vs = new Violations();
      const name = str(b, 'Name');
      const type = str(b, 'PermissionType');
      const add = strList(b, 'AccountIdsToAdd');
      const remove = strList(b, 'AccountIdsToRemove');
      const version = str(b, 'SharedDocumentVersion');
      if (vs.required('name', name)) vs.pattern('name', name, RE.documentName);
      vs.required('permissionType', type);
      vs.length('accountIdsToAdd', add, undefined, 20);
      vs.length('accountIdsToRemove', remove, undefined, 20);
      for (const [i, a] of (add ?? []).entries())
        vs.pattern(`accountIdsToAdd.${i + 1}.member`, a, RE.accountId);
      for (const [i, a] of (remove ?? []).entries())
        vs.pattern(`accountIdsToRemove.${i + 1}.member`, a, RE.accountId);
      vs.length('sharedDocumentVersion', version, undefined, 8);
      vs.pattern('sharedDocumentVersion', version, RE.sharedDocumentVersion);
      vs.throwIfAny();
      if (type !== 'Share') throw new ApiError('InvalidPermissionType', TEXT.invalidPermissionType);
      return withLock(name!, () => {
        const d = needDoc(name!);
        const m = new Map(sharesOf(d.name));
        const gone = new Set((remove ?? []).map((a) => a.toLowerCase()));
        // Remove wins over add.
        for (const a of add ?? [])
          if (!gone.has(a.toLowerCase())) m.set(a.toLowerCase(), version ?? '$DEFAULT');
        for (const a of gone) m.delete(a);
        if ([...m.keys()].filter((a) => a !== 'all').length > MAX_SHARED_ACCOUNTS)
          throw new ApiError('DocumentPermissionLimit', TEXT.permissionLimit);
        const publicNow = [...shared].filter(([n, s]) => n !== d.name && s.has('all')).length;
        if (m.has('all') && !sharesOf(d.name).has('all') && publicNow >= MAX_PUBLIC_DOCUMENTS)
          throw new ApiError('DocumentPermissionLimit', TEXT.permissionLimit);
        shared.set(d.name, m);
        ctx.committed = true;
        return {};
      });
    },

    DescribeDocumentPermission: (b) => {
      const vs = new Violations();
      const name = str(b, 'Name');
      const type = str(b, 'PermissionType');
      const maxResults = num(b, 'MaxResults');
      const nextToken = str(b, 'NextToken');
      if (vs.required('name', name)) vs.pattern('name', name, RE.documentName);
      vs.required('permissionType', type);
      vs.range('maxResults', maxResults, 1, 200);
      vs.throwIfAny();
      if (type !== 'Share') throw new ApiError('InvalidPermissionType', TEXT.invalidPermissionType);
      const d = needDoc(name!);
      let after = 0;
      if (nextToken !== undefined) {
        const t = tokens.get(nextToken);
        if (t?.op !== 'DescribeDocumentPermission' || t.name !== d.name)
          throw new ApiError('InvalidNextToken', TEXT.invalidNextToken);
        after = t.after;
      }
      const all = [...sharesOf(d.name)].sort(([x], [y]) => x.localeCompare(y));
      const limit = maxResults ?? 200;
      const page = all.slice(after, after + limit);
      const out: Record<string, unknown> = {
        AccountIds: page.map(([a]) => a),
        AccountSharingInfoList: page.map(([a, v]) => ({ AccountId: a, SharedDocumentVersion: v })),
      };
      if (all.length > after + limit) {
        const token = Buffer.from(`${randomUUID()}:${randomUUID()}`).toString('base64');
        tokens.set(token, { op: 'DescribeDocumentPermission', name: d.name, after: after + limit });
        out.NextToken = token;
      }
      return out;
    },

    AddTagsToResource: async (b, ctx) => {
      let tags: Tag[] | undefined;
      const name = tagTarget(b, (vs) => {
        tags = readTags(b, 'Tags', 'tags', vs);
        if (vs.required('tags', tags)) vs.length('tags', tags, undefined, 1000);
      });
      return withLock(name, () => {
        const d = taggedDoc(name);
        const merged = dedupeTags([...d.tags, ...tags!]);
        if (merged.length > MAX_TAGS) throw new ApiError('TooManyTagsError', TEXT.tooManyTags);
        d.tags = merged;
        ctx.committed = true;
        return {};
      });
    },

    RemoveTagsFromResource: async (b, ctx) => {
      const keys = strList(b, 'TagKeys');
      const name = tagTarget(b, (vs) => vs.required('tagKeys', keys));
      return withLock(name, () => {
        const d = taggedDoc(name);
        d.tags = d.tags.filter((t) => !keys!.includes(t.Key));
        ctx.committed = true;
        return {};
      });
    },

    ListTagsForResource: (b) => {
      const d = taggedDoc(tagTarget(b));
      return { TagList: d.tags.map((t) => ({ ...t })) };
    },

    // §3.11: filters are {key, value} (lower-case members); the items carry no Parameters.
    ListAssociations: (b) => {
      const vs = new Violations();
      const filters = list(b, 'AssociationFilterList', (x, i) => {
        const f = struct(x, `AssociationFilterList.${i + 1}`);
        return { key: str(f, 'key'), value: str(f, 'value') };
      });
      const maxResults = num(b, 'MaxResults');
      const nextToken = str(b, 'NextToken');
      vs.length('associationFilterList', filters, 1, undefined);
      (filters ?? []).forEach((f, i) => {
        const p = `associationFilterList.${i + 1}.member`;
        if (vs.required(`${p}.key`, f.key)) vs.oneOf(`${p}.key`, f.key, ASSOCIATION_FILTER_KEYS);
        if (vs.required(`${p}.value`, f.value)) vs.length(`${p}.value`, f.value, 1, undefined);
      });
      vs.range('maxResults', maxResults, 1, 50);
      vs.throwIfAny();
      let after = 0;
      if (nextToken !== undefined) {
        const t = tokens.get(nextToken);
        if (t?.op !== 'ListAssociations') throw new ApiError('InvalidNextToken', TEXT.invalidNextToken);
        after = t.after;
      }
      // Name, AssociationId and AssociationName filter; the others (instances, status, dates) match all.
      const matches = (a: AssociationView) =>
        (filters ?? []).every((f) =>
          f.key === 'Name'
            ? a.name === f.value
            : f.key === 'AssociationId'
              ? a.associationId === f.value
              : f.key === 'AssociationName'
                ? a.associationName === f.value
                : true,
        );
      const all = [...associations.values()].filter(matches).slice(after);
      const limit = maxResults ?? 50;
      const page = all.slice(0, limit);
      const out: Record<string, unknown> = {
        Associations: page.map((a) => {
          const item: Record<string, unknown> = {
            Name: a.name,
            AssociationId: a.associationId,
            AssociationVersion: '1',
            DocumentVersion: '$DEFAULT',
            Targets: structuredClone(a.targets),
            Overview: { Status: 'Success', DetailedStatus: 'Success', AssociationStatusAggregatedCount: {} },
          };
          if (a.associationName !== undefined) item.AssociationName = a.associationName;
          if (a.scheduleExpression !== undefined) item.ScheduleExpression = a.scheduleExpression;
          return item;
        }),
      };
      if (all.length > limit) {
        const token = Buffer.from(`${randomUUID()}:${randomUUID()}`).toString('base64');
        tokens.set(token, { op: 'ListAssociations', name: '', after: after + limit });
        out.NextToken = token;
      }
      return out;
    },

    // §3.12: by AssociationId; the description carries Parameters.
    DescribeAssociation: (b) => {
      const vs = new Violations();
      const id = str(b, 'AssociationId');
      const name = str(b, 'Name');
      const instanceId = str(b, 'InstanceId');
      str(b, 'AssociationVersion');
      vs.pattern('associationId', id, RE.associationId);
      vs.pattern('name', name, RE.documentArn);
      vs.throwIfAny();
      const a = id === undefined ? undefined : associations.get(id.toLowerCase());
      if (!a || (instanceId !== undefined && id === undefined))
        throw new ApiError('AssociationDoesNotExist', TEXT.associationMissing);
      const out: Record<string, unknown> = {
        Name: a.name,
        AssociationVersion: '1',
        Date: epoch(a.created),
        LastUpdateAssociationDate: epoch(a.created),
        Overview: { Status: 'Success', DetailedStatus: 'Success', AssociationStatusAggregatedCount: {} },
        DocumentVersion: '$DEFAULT',
        Parameters: structuredClone(a.parameters),
        AssociationId: a.associationId,
        Targets: structuredClone(a.targets),
        ApplyOnlyAtCronInterval: false,
      };
      if (a.associationName !== undefined) out.AssociationName = a.associationName;
      if (a.scheduleExpression !== undefined) out.ScheduleExpression = a.scheduleExpression;
      return { AssociationDescription: out };
    },
    ...rollout.ops,
    ...commands.ops,
  };

  // ------------------------------------------------------------ HTTP

  const send = (res: http.ServerResponse, status: number, body: unknown, code?: string) => {
    const text = JSON.stringify(body);
    const headers: Record<string, string> = {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': String(Buffer.byteLength(text)),
      'x-amzn-requestid': randomUUID(),
    };
    if (code) headers['x-amzn-errortype'] = code;
    res.writeHead(status, headers);
    res.end(text);
  };
  const sendError = (res: http.ServerResponse, e: ApiError) =>
    send(res, e.status, { __type: e.code, message: e.message }, e.code);

  const serveAttachment = (res: http.ServerResponse, path: string) => {
    const m = /^\/_attachments\/([^/]+)\/(\d+)\/([^/]+)$/.exec(path);
    const d = m ? docs.get(decodeURIComponent(m[1]!)) : undefined;
    const blob = d?.versions.get(m![2]!)?.blobs.get(decodeURIComponent(m![3]!));
    if (!blob) {
      res.writeHead(404, { 'content-type': 'text/plain', 'x-amzn-requestid': randomUUID() });
      res.end('Not Found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(blob.length) });
    res.end(blob);
  };

  /** The answer of a fault that refuses the call before it runs (`reset`: the connection is dropped). */
  const refused = (fault: SsmFault, opName: string, input: Body): ApiError | 'reset' | undefined => {
    switch (fault) {
      case 'access-denied':
        return new ApiError('AccessDeniedException', TEXT.notAuthorized(opName, String(input.Name ?? '*')));
      case 'expired-token':
        return new ApiError('ExpiredTokenException', TEXT.expiredToken);
      case 'validation':
        return new ApiError(
          'ValidationException',
          `1 validation error detected: Value '${fmt(input.Name)}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ${RE.documentName}`,
        );
      case 'not-latest':
        return new ApiError('InvalidDocumentVersion', TEXT.notLatest(String(input.Name ?? '')));
      case 'throttle':
        return new ApiError('ThrottlingException', TEXT.throttled);
      case '500-before':
        return new ApiError('InternalServerError', TEXT.internal, 500);
      case '503':
        return new ApiError('ServiceUnavailable', TEXT.unavailable, 503);
      case 'too-many-updates':
        return new ApiError('TooManyUpdates', TEXT.tooManyUpdates);
      case 'reset':
        return 'reset';
      default:
        return undefined;
    }
  };

  const harness = new Harness<SsmFault>(async (req, res): Promise<void> => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname.startsWith('/_attachments/'))
      return serveAttachment(res, url.pathname);

    const handle = async (): Promise<void> => {
      if (req.method !== 'POST') return sendError(res, new ApiError('UnknownOperationException', '', 404));
      if (!req.headers.authorization)
        return sendError(res, new ApiError('MissingAuthenticationTokenException', TEXT.missingAuth));
      const scope = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
        req.headers.authorization,
      );
      if (!scope)
        return sendError(
          res,
          new ApiError('IncompleteSignature', 'Authorization header requires a SigV4 Credential scope.'),
        );
      if (scope[2] !== 'ssm') {
        return sendError(
          res,
          new ApiError('InvalidSignatureException', `Credential should be scoped to correct service: 'ssm'.`),
        );
      }
      if (scope[1] !== region) {
        return sendError(
          res,
          new ApiError('InvalidSignatureException', `Credential should be scoped to a valid region.`),
        );
      }
      const ctype = String(req.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim()
        .toLowerCase();
      if (ctype !== 'application/x-amz-json-1.1')
        return sendError(res, new ApiError('UnknownOperationException', ''));
      const target = String(req.headers['x-amz-target'] ?? '');
      const opName = target.startsWith('AmazonSSM.') ? target.slice('AmazonSSM.'.length) : '';
      const handler = Object.hasOwn(ops, opName) ? ops[opName as SsmOp] : undefined;
      let input: Body = {};
      const arrival = harness.arrive(opName || target);
      const call: SsmCall = {
        op: opName || target,
        input,
        status: 0,
        code: undefined,
        fault: undefined,
        committed: false,
        applied: false,
        ...arrival,
        at: Date.now(),
      };
      log.push(call);
      await harness.paused(call.op, req, arrival);
      const reply = (status: number, body: unknown, code?: string) => {
        call.status = status;
        call.code = code;
        send(res, status, body, code);
      };
      const fail = (e: ApiError) => reply(e.status, { __type: e.code, message: e.message }, e.code);
      if (!handler) return fail(new ApiError('UnknownOperationException', ''));
      try {
        const parsed: unknown = raw.length ? JSON.parse(raw.toString('utf8')) : {};
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        input = parsed as Body;
        call.input = input;
      } catch {
        return fail(new ApiError('SerializationException', 'The request body is not a JSON object.'));
      }
      const ctx: Ctx = { committed: false };
      const run = async (): Promise<
        { ok: true; out: Record<string, unknown> } | { ok: false; err: ApiError }
      > => {
        try {
          settleDue();
          const out = await handler(input, ctx);
          call.applied = true;
          return { ok: true, out };
        } catch (e) {
          if (e instanceof ApiError) return { ok: false, err: e };
          throw e;
        } finally {
          call.committed = ctx.committed;
        }
      };
      const answer = (r: Awaited<ReturnType<typeof run>>) => (r.ok ? reply(200, r.out) : fail(r.err));
      const f = harness.faults.take(opName);
      call.fault = f?.fault;
      if (f && AFTER_COMMIT.has(f.fault)) {
        const r = await run();
        if (!r.ok) {
          f.decline();
          call.fault = undefined;
          return answer(r);
        }
        f.fire();
        if (f.fault === '500-after-commit')
          return fail(new ApiError('InternalServerError', TEXT.internal, 500));
        if (f.fault === 'stall-after-commit') return harness.stall(res, undefined, () => undefined);
        call.status = -1;
        return resetConnection(req, res);
      }
      if (f?.fault === 'stall') {
        harness.stall(res, f.stallMs, () => {
          void run().then(answer);
        });
        return f.fire();
      }
      f?.fire();
      const refusal = f && refused(f.fault, opName, input);
      if (refusal === 'reset') {
        call.status = -1;
        return resetConnection(req, res);
      }
      if (refusal) return fail(refusal);
      return answer(await run());
    };
    if (harness.stallAll) return harness.stall(res, undefined, () => void handle());
    return handle();
  });
  const controls = await harness.start();
  endpoint = controls.endpoint;

  const findVersion = (name: string, n: string) => {
    const d = docs.get(name);
    const v = d?.versions.get(n);
    if (!d || !v) throw new Error(`no version ${name}:${n}`);
    return { d, v };
  };

  const own: Omit<SsmFake, keyof FakeControls<SsmFault>> = {
    region,
    accountId,
    fleet,
    ...rollout.controls,
    ...commands.controls,
    config,
    documents: () => {
      settleDue();
      return [...docs.values()].map(docView);
    },
    document: (name) => {
      settleDue();
      const d = docs.get(name);
      return d && docView(d);
    },
    versions: (name) => {
      settleDue();
      const d = docs.get(name);
      return d
        ? [...d.versions.values()]
            .sort((a, b) => Number(a.documentVersion) - Number(b.documentVersion))
            .map((v) => versionView(d, v))
        : [];
    },
    version: (name, n) => {
      settleDue();
      const d = docs.get(name);
      const v = d?.versions.get(n);
      return d && v ? versionView(d, v) : undefined;
    },
    settle(name, n) {
      for (const d of docs.values()) {
        if (name !== undefined && d.name !== name) continue;
        for (const v of d.versions.values())
          if (n === undefined || v.documentVersion === n) settleVersion(d, v);
      }
    },
    seed(name, versions, o = {}) {
      if (docs.has(name)) throw new Error(`seed: ${name} exists`);
      if (versions.length === 0) throw new Error('seed: no versions');
      const d: Doc = {
        name,
        type: 'Package',
        owner: accountId,
        createdDate: new Date(),
        displayName: undefined,
        targetType: undefined,
        tags: dedupeTags(o.tags ?? []),
        latestVersion: String(versions.length),
        defaultVersion: o.defaultVersion ?? '1',
        nextVersion: versions.length + 1,
        versions: new Map(),
      };
      versions.forEach((sv, i) => {
        const n = String(i + 1);
        const files = sv.files ?? ['pkg.zip'];
        const content = JSON.stringify({
          schemaVersion: '2.0',
          version: sv.versionName ?? `seed-${n}`,
          packages: { amazon: { _any: { x86_64: { file: files[0] } } } },
          files: Object.fromEntries(
            files.map((f) => [f, { checksums: { sha256: sha256hex(`${name}/${n}/${f}`) } }]),
          ),
        });
        const v = newVersion(
          n,
          content,
          'JSON',
          sv.versionName,
          [{ Key: 'SourceUrl', Values: [`s3://seed/${name}/${n}`] }],
          checkManifest(content),
          sv.status ?? 'Active',
        );
        v.statusInformation = sv.statusInformation;
        d.versions.set(n, v);
      });
      if (!d.versions.has(d.defaultVersion)) throw new Error(`seed: no version ${d.defaultVersion}`);
      docs.set(name, d);
    },
    shares: (name) =>
      Object.fromEntries([...(shared.get(name) ?? [])].sort(([x], [y]) => x.localeCompare(y))),
    share(name, accounts, sharedVersion = '$DEFAULT') {
      if (!docs.has(name)) throw new Error(`share: no document ${name}`);
      for (const a of accounts) sharesOf(name).set(a.toLowerCase(), sharedVersion);
    },
    setDefaultVersion(name, n) {
      findVersion(name, n).d.defaultVersion = n;
    },
    addAssociation(a) {
      const id = (a.associationId ?? randomUUID()).toLowerCase();
      associations.set(id, {
        associationId: id,
        name: a.name ?? 'AWS-ConfigureAWSPackage',
        parameters: structuredClone(a.parameters ?? {}),
        targets: structuredClone(a.targets ?? [{ Key: 'tag:Role', Values: ['web'] }]),
        associationName: a.associationName,
        scheduleExpression: a.scheduleExpression,
        created: new Date(),
      });
      return id;
    },
    removeAssociation(id) {
      associations.delete(id.toLowerCase());
    },
    associations: () => [...associations.values()].map(({ created: _created, ...a }) => structuredClone(a)),
    moveDefault(name, n) {
      findVersion(name, n).d.defaultVersion = n;
    },
    setStatus(name, n, status, info) {
      const { v } = findVersion(name, n);
      harness.cancel(v.timer);
      v.timer = undefined;
      v.due = undefined;
      v.status = status;
      v.statusInformation = info;
    },
    calls: (op) => log.filter((c) => !op || c.op === op).map((c) => ({ ...c })),
    count: (op) => log.filter((c) => !op || c.op === op).length,
    mutations() {
      const byOp: Record<string, { attempted: number; committed: number }> = {};
      let attempted = 0;
      let committed = 0;
      for (const c of log) {
        if (!(MUTATING_OPS as readonly string[]).includes(c.op)) continue;
        const e = byOp[c.op] ?? { attempted: 0, committed: 0 };
        byOp[c.op] = e;
        e.attempted++;
        attempted++;
        if (c.committed) {
          e.committed++;
          committed++;
        }
      }
      return { attempted, committed, byOp };
    },
  };
  return Object.assign(controls, own);
}

function dedupeTags(tags: Tag[]): Tag[] {
  const m = new Map<string, string>();
  for (const t of tags) m.set(t.Key, t.Value);
  return [...m].map(([Key, Value]) => ({ Key, Value }));
}

function schemaVersionOf(content: string): string | undefined {
  try {
    const v = (JSON.parse(content) as { schemaVersion?: unknown }).schemaVersion;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return /^\s*schemaVersion:\s*['"]?([0-9.]+)/m.exec(content)?.[1];
  }
}
