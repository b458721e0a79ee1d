// Action inputs → one typed, validated options object per mode. All problems are reported together, as
// one ActionError of kind `input`.
import { didYouMean } from './package/source/suggest.js';
import { oneLine } from './text.js';
import { ActionError } from './errors.js';
import { artifactNameProblem } from './github/artifact.js';
import { parseBool, seconds } from './input-values.js';
import { type ReleaseInputs, readRelease } from './inputs-release.js';
import { invalidRegionBuckets, isRegionName } from './modes/regions.js';
import { NAME_PATTERN, VERSION_PATTERN } from './package/rules/names.js';

export { parseBool } from './input-values.js';

export const MODES = ['validate', 'publish', 'promote'] as const;
export type Mode = (typeof MODES)[number];

export interface CommonOptions {
  mode: Mode;
  packageDir: string;
  outputDir: string;
  name: string | undefined;
  /** The version and where it came from ("the `version` input", "the tag v1.2.3"). */
  version: { value: string; source: string } | undefined;
  uploadArtifact: boolean;
  artifactName: string | undefined;
  retentionDays: number | undefined;
  failOnWarnings: boolean;
}

/** One input error listing every problem found. */
export function inputError(problems: readonly string[]): ActionError {
  const message = problems.length === 1 ? problems[0]! : `Invalid inputs:\n- ${problems.join('\n- ')}`;
  return new ActionError('input', message, {
    hint: 'Fix the `with:` inputs of this step (see "Inputs" in the README).',
  });
}

export type GetInput = (name: string) => string;

/** Reads `v1.2.3` / `1.2.3` / `pkg/v1.2.3` from a pushed tag ref; undefined for branches. */
export function versionFromRef(ref: string | undefined): string | undefined {
  if (!ref?.startsWith('refs/tags/')) return undefined;
  const tag = ref.slice('refs/tags/'.length);
  const last = tag.slice(tag.lastIndexOf('/') + 1);
  return /^v\d/.test(last) ? last.slice(1) : last;
}

/** A character no path, name or key may hold: C0/C1 controls (CR, LF, NUL…), DEL, U+2028 and U+2029. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const CONTROL_NAMES: Record<string, string> = {
  '\n': 'a line feed',
  '\r': 'a carriage return',
  '\0': 'a NUL',
};

/** The inputs that become paths, names or S3 keys (`s3-prefix` too, in publish mode). */
const ONE_LINE_INPUTS = ['package-dir', 'output-dir', 'name', 'version', 'artifact-name'] as const;

/**
 * Refuses an input holding a control character: it would end a log line, start a workflow command, or become
 * an S3 key or a path that no one can type. Checked before anything is built or uploaded.
 */
export function checkOneLine(name: string, value: string | undefined, problems: string[]): void {
  const c = value === undefined ? undefined : CONTROL.exec(value)?.[0];
  if (c === undefined) return;
  const said = CONTROL_NAMES[c] ?? `the control character ${oneLine(c)}`;
  problems.push(
    `\`${name}\` contains ${said} ("${oneLine(value ?? '')}"); it must be one line of printable text.`,
  );
}

function readCommon(
  get: GetInput,
  env: Record<string, string | undefined>,
  problems: string[],
): CommonOptions {
  const modeRaw = get('mode') || 'validate';
  const mode = (MODES as readonly string[]).includes(modeRaw) ? (modeRaw as Mode) : 'validate';
  if (!(MODES as readonly string[]).includes(modeRaw)) {
    const guess = didYouMean(modeRaw, MODES);
    problems.push(
      `\`mode\` must be one of ${MODES.join(', ')}; got "${oneLine(modeRaw)}".${guess ? ` Did you mean "${guess}"?` : ''}`,
    );
  }
  const packageDir = get('package-dir') || '.';
  const outputDir = get('output-dir') || 'distributor-build';
  const name = get('name') || undefined;
  let version: CommonOptions['version'];
  const vIn = get('version');
  const fromTag = versionFromRef(env.GITHUB_REF);
  if (vIn) version = { value: vIn, source: 'the `version` input' };
  else if (fromTag)
    version = { value: fromTag, source: `the tag ${env.GITHUB_REF?.slice('refs/tags/'.length)}` };
  const uploadRaw = get('upload-artifact') || 'auto';
  let uploadArtifact = mode === 'validate';
  if (uploadRaw !== 'auto')
    uploadArtifact = parseBool('upload-artifact', uploadRaw, uploadArtifact, problems);
  const artifactName = get('artifact-name') || undefined;
  const nameProblem =
    artifactName === undefined || CONTROL.test(artifactName) ? undefined : artifactNameProblem(artifactName);
  if (nameProblem) problems.push(`\`artifact-name\`: ${nameProblem}`);
  const retRaw = get('retention-days') || '0';
  let retentionDays: number | undefined;
  if (!/^\d+$/.test(retRaw) || Number(retRaw) > 90) {
    problems.push(
      `\`retention-days\` must be a whole number of days from 1 to 90 (0 = the repository's default); got "${oneLine(retRaw)}".`,
    );
  } else if (Number(retRaw) > 0) retentionDays = Number(retRaw);
  const failOnWarnings = parseBool('fail-on-warnings', get('fail-on-warnings'), false, problems);
  return {
    mode,
    packageDir,
    outputDir,
    name,
    version,
    uploadArtifact,
    artifactName,
    retentionDays,
    failOnWarnings,
  };
}

export interface PublishInputs {
  bucket: string;
  prefix: string;
  region: string;
  setDefault: boolean;
  onExistingVersion: 'skip-if-identical' | 'fail';
  tags: { Key: string; Value: string }[];
  waitTimeoutSeconds: number;
  timeoutSeconds: number;
  requestTimeoutSeconds: number;
  /** `keep-versions` and its options; undefined when pruning is off. */
  prune: PruneInputs | undefined;
  /** `share-with-accounts` / `shared-version` / `unshare-accounts`; undefined when neither list is set. */
  sharing: SharingInputs | undefined;
  /** The canary group, the association rollout and the regions. */
  release: ReleaseInputs;
}

export interface SharingInputs {
  /** 12-digit account ids, and `all` (public) when `share-public` is true. */
  accounts: string[];
  /** `$DEFAULT`, `$LATEST`, `$ALL` or a version name. */
  sharedVersion: string;
  /** Accounts to stop sharing with (`all`: stop sharing publicly). */
  unshare: string[];
}

/** Accounts a private document can be shared with (ModifyDocumentPermission's DocumentPermissionLimit). */
export const MAX_SHARED_ACCOUNTS = 1000;

export interface PruneInputs {
  /** Versions to keep at most (≥ 1). */
  keep: number;
  /** List what would be deleted, delete nothing. */
  dryRun: boolean;
  /** Also delete the S3 objects this action wrote for each pruned version. */
  s3: boolean;
}

/** What mode: promote needs: no package folder, no build, no S3. */
export interface PromoteInputs {
  /** The document (package) name: the `name` input, required here. */
  name: string;
  /** The version name to make the default, or `rollback` (exactly one of the two). */
  target: { versionName: string } | { rollback: true };
  region: string;
  timeoutSeconds: number;
  requestTimeoutSeconds: number;
  /** The canary group, the association rollout and the regions. */
  release: ReleaseInputs;
}

/** What SSM allows in a tag (letters, separators, digits, `_.:/=+-@`), less the line and paragraph separators. */
const TAG_TEXT = /^(?:(?![\u2028\u2029])[\p{L}\p{Z}\p{N}_.:/=+\-@])*$/u;

/** `key=value` lines (or a JSON object) → SSM tags, with the SSM limits checked. */
export function parseTags(raw: string, problems: string[]): { Key: string; Value: string }[] {
  const text = raw.trim();
  if (!text) return [];
  let pairs: [string, string][] = [];
  if (text.startsWith('{')) {
    try {
      const o = JSON.parse(text) as Record<string, unknown>;
      pairs = Object.entries(o).map(([k, v]) => [k, String(v)]);
    } catch (e) {
      problems.push(`\`tags\` looks like JSON but does not parse: ${(e as Error).message}.`);
      return [];
    }
  } else {
    for (const [i, line] of text.split(/\r?\n/).entries()) {
      if (!line.trim()) continue;
      const eq = line.indexOf('=');
      if (eq <= 0) {
        problems.push(`\`tags\` line ${i + 1} ("${oneLine(line.trim())}") is not key=value.`);
        continue;
      }
      pairs.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
    }
  }
  for (const [k, v] of pairs) {
    if (k.length < 1 || k.length > 128 || !TAG_TEXT.test(k))
      problems.push(`Tag key "${oneLine(k)}" must be 1-128 letters, digits, spaces or _ . : / = + - @.`);
    if (k.toLowerCase().startsWith('aws:'))
      problems.push(`Tag key "${oneLine(k)}": the aws: prefix is reserved by AWS.`);
    if (v.length > 256 || !TAG_TEXT.test(v))
      problems.push(
        `Tag value of "${oneLine(k)}" must be at most 256 letters, digits, spaces or _ . : / = + - @.`,
      );
  }
  if (pairs.length > 50) problems.push(`\`tags\` has ${pairs.length} tags; a document can have at most 50.`);
  return pairs.map(([Key, Value]) => ({ Key, Value }));
}

/** `s3-prefix`: one line, relative (no leading `/`), without `.` or `..` segments. */
function checkPrefix(prefix: string, problems: string[]): void {
  checkOneLine('s3-prefix', prefix, problems);
  if (prefix.startsWith('/'))
    problems.push(
      '`s3-prefix` may not start with /: it is a key prefix inside the bucket, like `distributor`.',
    );
  if (prefix.split('/').some((s) => s === '..' || s === '.'))
    problems.push('`s3-prefix` may not contain . or .. segments.');
}

function readRegion(
  get: GetInput,
  env: Record<string, string | undefined>,
  problems: string[],
  regions: string[] | undefined,
): string {
  // With `regions`, each run gets its region from the list (the first one stands for the rest in messages).
  if (regions) return regions[0]!;
  const region = get('region') || env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
  if (!region)
    problems.push(
      'No AWS region: set `region`, or `aws-region` on aws-actions/configure-aws-credentials (AWS_REGION).',
    );
  else if (!isRegionName(region))
    problems.push(`\`region\` "${oneLine(region)}" is not an AWS region name (e.g. us-east-1).`);
  return region;
}

function readTimeouts(
  get: GetInput,
  problems: string[],
): { timeoutSeconds: number; requestTimeoutSeconds: number } {
  const timeoutSeconds = seconds('timeout-seconds', get('timeout-seconds'), 1800, 10, 21600, problems);
  const requestTimeoutSeconds = seconds(
    'request-timeout-seconds',
    get('request-timeout-seconds'),
    30,
    1,
    600,
    problems,
  );
  return { timeoutSeconds, requestTimeoutSeconds };
}

/** `keep-versions` (empty: off) with `prune-dry-run` and `prune-s3`. */
function readPrune(get: GetInput, problems: string[]): PruneInputs | undefined {
  const raw = get('keep-versions').trim();
  const dryRun = parseBool('prune-dry-run', get('prune-dry-run'), false, problems);
  const s3 = parseBool('prune-s3', get('prune-s3'), false, problems);
  if (raw === '') {
    const set = [dryRun && '`prune-dry-run`', s3 && '`prune-s3`'].filter(Boolean);
    if (set.length > 0)
      problems.push(
        `${set.join(' and ')} ${set.length > 1 ? 'have' : 'has'} no effect without \`keep-versions\`: set keep-versions to the number of versions to keep.`,
      );
    return undefined;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    problems.push(
      `\`keep-versions\` must be a whole number of versions to keep, 1 or more (empty: no pruning); got "${oneLine(raw)}".`,
    );
    return undefined;
  }
  return { keep: Number(raw), dryRun, s3 };
}

/** A list of account ids: commas, spaces or newlines between them. */
function accountList(name: string, raw: string, problems: string[]): string[] {
  const ids = raw.split(/[\s,]+/).filter((a) => a !== '');
  const bad = ids.filter((a) => !/^\d{12}$/.test(a) && a.toLowerCase() !== 'all');
  if (bad.length > 0)
    problems.push(
      `\`${name}\` holds ${bad.length === 1 ? 'a value that is not an account id' : `${bad.length} values that are not account ids`}: ${bad.map((b) => `"${oneLine(b)}"`).join(', ')}; each must be 12 digits (or \`all\`).`,
    );
  return [...new Set(ids.filter((a) => !bad.includes(a)).map((a) => (/^all$/i.test(a) ? 'all' : a)))];
}

/** `share-with-accounts` (with `share-public` for `all`), `shared-version` and `unshare-accounts`. */
function readSharing(get: GetInput, problems: string[]): SharingInputs | undefined {
  const accounts = accountList('share-with-accounts', get('share-with-accounts'), problems);
  const unshare = accountList('unshare-accounts', get('unshare-accounts'), problems);
  const isPublic = parseBool('share-public', get('share-public'), false, problems);
  const sharedVersion = get('shared-version').trim() || '$DEFAULT';
  if (
    !['$DEFAULT', '$LATEST', '$ALL'].includes(sharedVersion) &&
    (CONTROL.test(sharedVersion) || !VERSION_PATTERN.test(sharedVersion))
  )
    problems.push(
      `\`shared-version\` must be $DEFAULT, $LATEST, $ALL or a version name (1 to 128 letters, digits, "-", "_" or "."); got "${oneLine(sharedVersion)}".`,
    );
  if (accounts.includes('all') && !isPublic)
    problems.push(
      '`share-with-accounts: all` shares the package publicly, with every AWS account: set `share-public: true` as well to confirm that, or list the account ids.',
    );
  if (isPublic && !accounts.includes('all'))
    problems.push('`share-public: true` has no effect without `share-with-accounts: all`.');
  const priv = accounts.filter((a) => a !== 'all');
  if (priv.length > MAX_SHARED_ACCOUNTS)
    problems.push(
      `\`share-with-accounts\` lists ${priv.length} accounts; SSM shares a document with at most ${MAX_SHARED_ACCOUNTS} accounts.`,
    );
  const both = accounts.filter((a) => unshare.includes(a));
  if (both.length > 0)
    problems.push(
      `${both.join(', ')} ${both.length === 1 ? 'is' : 'are'} in both \`share-with-accounts\` and \`unshare-accounts\`; list each account in one of them.`,
    );
  if (accounts.length === 0 && unshare.length === 0) {
    if (!['', '$DEFAULT'].includes(get('shared-version').trim()))
      problems.push('`shared-version` has no effect without `share-with-accounts`.');
    return undefined;
  }
  return { accounts, sharedVersion, unshare };
}

function readPublish(
  get: GetInput,
  env: Record<string, string | undefined>,
  problems: string[],
): PublishInputs {
  const setDefault = parseBool('set-default', get('set-default'), false, problems);
  const release = readRelease(get, 'publish', setDefault, problems);
  const region = readRegion(get, env, problems, release.regions);
  const bucket = get('s3-bucket');
  if (!bucket) problems.push('`s3-bucket` is required in publish mode: the bucket the ZIPs are uploaded to.');
  else checkBucket(bucket, release.regions ?? (region ? [region] : []), problems);
  const prefix = get('s3-prefix');
  checkPrefix(prefix, problems);
  const onExisting = get('on-existing-version') || 'skip-if-identical';
  if (onExisting !== 'skip-if-identical' && onExisting !== 'fail') {
    problems.push(`\`on-existing-version\` must be skip-if-identical or fail; got "${oneLine(onExisting)}".`);
  }
  const tags = parseTags(get('tags'), problems);
  const waitTimeoutSeconds = seconds(
    'wait-timeout-seconds',
    get('wait-timeout-seconds'),
    600,
    1,
    21000,
    problems,
  );
  const { timeoutSeconds, requestTimeoutSeconds } = readTimeouts(get, problems);
  const prune = readPrune(get, problems);
  const sharing = readSharing(get, problems);
  return {
    bucket,
    prefix,
    region,
    setDefault,
    onExistingVersion: onExisting as PublishInputs['onExistingVersion'],
    tags,
    waitTimeoutSeconds,
    timeoutSeconds,
    requestTimeoutSeconds,
    prune,
    sharing,
    release,
  };
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3-bucket`, with `{region}` replaced by each region it will be used in. */
function checkBucket(bucket: string, regions: readonly string[], problems: string[]): void {
  if (!/[{}]/.test(bucket)) {
    if (!BUCKET.test(bucket)) problems.push(`\`s3-bucket\` "${oneLine(bucket)}" is not a valid bucket name.`);
    return;
  }
  const bad = invalidRegionBuckets(bucket, regions, (b) => BUCKET.test(b));
  if (bad.length > 0 || /[{}]/.test(bucket.replaceAll('{region}', '')))
    problems.push(
      `\`s3-bucket\` "${oneLine(bucket)}" does not make a valid bucket name${bad.length ? ` (${oneLine(bad[0]!)})` : ''}: 3 to 63 lower-case letters, digits, "." and "-"; \`{region}\` is the only placeholder.`,
    );
}

/**
 * mode: promote: the document from `name` (there is no package folder to take it from), and either the
 * `version` name to make the default or `rollback: true`. A pushed tag is not a target: promote moves
 * the default only to a version named on purpose.
 */
function readPromote(
  get: GetInput,
  env: Record<string, string | undefined>,
  problems: string[],
): PromoteInputs {
  const name = get('name');
  if (!name)
    problems.push(
      '`name` is required in promote mode: the package (SSM document) name whose default version moves. Promote reads no package folder or config, so it cannot take the name from distributor.yaml.',
    );
  else if (!CONTROL.test(name) && !NAME_PATTERN.test(name))
    problems.push(
      `\`name\` "${oneLine(name)}" is not an SSM document name: 3 to 128 letters, digits, "-", "_" or "." (a name, not an ARN: only the owner of a package can move its default).`,
    );
  const versionName = get('version');
  const rollback = parseBool('rollback', get('rollback'), false, problems);
  if (versionName && rollback)
    problems.push(
      'Set either `version` (the version name to make the default) or `rollback: true` (back to the previous default), not both.',
    );
  else if (!versionName && !rollback)
    problems.push(
      'Promote mode needs a target: set `version` to the version name to make the default (e.g. 1.2.0), or `rollback: true` to move the default back to the previous default.',
    );
  else if (versionName && !CONTROL.test(versionName) && !VERSION_PATTERN.test(versionName))
    problems.push(
      `\`version\` "${oneLine(versionName)}" is not an SSM version name: 1 to 128 letters, digits, "-", "_" or ".".`,
    );
  const release = readRelease(get, 'promote', true, problems);
  const region = readRegion(get, env, problems, release.regions);
  const { timeoutSeconds, requestTimeoutSeconds } = readTimeouts(get, problems);
  return {
    name,
    target: versionName ? { versionName } : { rollback: true },
    region,
    timeoutSeconds,
    requestTimeoutSeconds,
    release,
  };
}

/** Parses common and mode-specific inputs, reporting every problem of both at once. */
export function parseAll(
  get: GetInput,
  env: Record<string, string | undefined>,
): { common: CommonOptions; publish?: PublishInputs; promote?: PromoteInputs } {
  const problems: string[] = [];
  for (const input of ONE_LINE_INPUTS) checkOneLine(input, get(input), problems);
  const common = readCommon(get, env, problems);
  const publish = common.mode === 'publish' ? readPublish(get, env, problems) : undefined;
  const promote = common.mode === 'promote' ? readPromote(get, env, problems) : undefined;
  if (problems.length > 0) throw inputError(problems);
  if (publish) return { common, publish };
  return promote ? { common, promote } : { common };
}
