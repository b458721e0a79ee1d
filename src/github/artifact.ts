// Uploads the built ZIPs and manifest.json as a workflow artifact. @actions/artifact (and the Azure
// storage client behind it) is loaded only when an upload really happens, so the other modes start fast.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { UploadArtifactOptions } from '@actions/artifact';
import { ActionError, type ErrorKind } from '../errors.js';

export interface ArtifactOutcome {
  status: 'uploaded' | 'skipped' | 'exists';
  name: string;
  id?: number;
  size?: number;
  reason?: string;
}

/** Characters @actions/artifact refuses in an artifact name, with how to say them. */
const INVALID_NAME_CHARS: readonly (readonly [string, string])[] = [
  ['"', 'double quote "'],
  [':', 'colon :'],
  ['<', 'less than <'],
  ['>', 'greater than >'],
  ['|', 'vertical bar |'],
  ['*', 'asterisk *'],
  ['?', 'question mark ?'],
  ['\r', 'carriage return'],
  ['\n', 'line feed'],
  ['\\', 'backslash \\'],
  ['/', 'forward slash /'],
];
const INVALID_NAME_RE = /[":<>|*?\r\n\\/]/g;

function sanitize(name: string): string {
  return name.replace(INVALID_NAME_RE, '-');
}

/**
 * `<packageName>-<version>`, plus `-attempt-<n>` when the run is re-run (artifacts cannot be replaced
 * within a run, so a re-run reusing the first attempt's name would conflict). Characters artifact names
 * cannot hold become `-`.
 */
export function defaultArtifactName(
  packageName: string,
  version: string,
  env: Record<string, string | undefined> = process.env,
): string {
  let name = `${packageName}-${version}`;
  const attempt = Number((env.GITHUB_RUN_ATTEMPT ?? '').trim());
  if (Number.isSafeInteger(attempt) && attempt > 1) name += `-attempt-${attempt}`;
  return sanitize(name);
}

/** Undefined when `name` can be used as an artifact name; otherwise what is wrong and how to fix it. */
export function artifactNameProblem(name: string): string | undefined {
  if (name.trim() === '')
    return 'the artifact name is empty; give a name, or leave the input unset for the default.';
  const found = INVALID_NAME_CHARS.filter(([c]) => name.includes(c)).map(([, said]) => said);
  if (found.length === 0) return undefined;
  return (
    `"${printable(name)}" contains ${found.length === 1 ? 'a character' : 'characters'} not allowed in artifact names: ` +
    `${found.join(', ')}. Artifact names cannot contain " : < > | * ? \\ / or line breaks; ` +
    `replace them, e.g. "${printable(sanitize(name))}".`
  );
}

const printable = (s: string) => s.replace(/\r/g, '\\r').replace(/\n/g, '\\n');

/**
 * Uploads `files` (each directly or deeper inside `rootDirectory`; stored by their path relative to it)
 * as the workflow artifact `name`. Outside GitHub Actions it skips; when the run already holds an
 * artifact of that name it reports `exists`; other failures throw an ActionError saying what to do.
 */
export async function uploadArtifact(
  name: string,
  files: readonly string[],
  rootDirectory: string,
  opts: { retentionDays?: number } = {},
): Promise<ArtifactOutcome> {
  const env = process.env;
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
    return {
      status: 'skipped',
      name,
      reason:
        `Artifact "${name}" was not uploaded: artifacts are uploaded only inside GitHub Actions, where the runner ` +
        'gives the action ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL (not set here; `run:` steps do not get them ' +
        `either). The built files are in ${rootDirectory}.`,
    };
  }
  const problem = artifactNameProblem(name);
  if (problem)
    throw new ActionError('input', `Could not upload the artifact: ${problem}`, {
      hint: 'Set `artifact-name` to a valid name.',
    });

  const root = path.resolve(rootDirectory);
  if (files.length === 0)
    throw new ActionError('internal', `Could not upload artifact "${name}": there are no files to upload.`);
  const absolute = files.map((f) => {
    const abs = path.resolve(root, f);
    const rel = path.relative(root, abs);
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
      throw new ActionError('internal', `Could not upload artifact "${name}": ${abs} is not inside ${root}.`);
    }
    const st = statSync(abs, { throwIfNoEntry: false });
    if (!st?.isFile()) {
      throw new ActionError(
        'internal',
        `Could not upload artifact "${name}": ${abs} ${st ? 'is not a regular file' : 'does not exist'}.`,
      );
    }
    return abs;
  });

  // The payload ZIPs are already compressed; deflating them again only costs time.
  const options: UploadArtifactOptions = { compressionLevel: 0 };
  if (opts.retentionDays !== undefined && opts.retentionDays > 0) options.retentionDays = opts.retentionDays;

  const { DefaultArtifactClient } = await import('@actions/artifact');
  try {
    const res = await new DefaultArtifactClient().uploadArtifact(name, absolute, root, options);
    const out: ArtifactOutcome = { status: 'uploaded', name };
    if (res.id !== undefined) out.id = res.id;
    if (res.size !== undefined) out.size = res.size;
    return out;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    if (isConflict(err)) {
      return {
        status: 'exists',
        name,
        reason:
          `Artifact "${name}" already exists in this workflow run, and artifacts cannot be replaced within a run. ` +
          'It was uploaded by an earlier step or job of this run (for example another matrix job building the same ' +
          'package version) or by an earlier attempt. Set `artifact-name` to a name unique in the run, e.g. one ' +
          `that includes the matrix values or \${{ github.run_attempt }}.`,
      };
    }
    const { kind, text } = explain(err);
    throw new ActionError(kind, `Could not upload artifact "${name}": ${text}`, { cause: e });
  }
}

/** The service's answer when the run already has an artifact of that name: HTTP 409 on CreateArtifact. */
function isConflict(err: Error): boolean {
  return (
    /Failed to CreateArtifact:.*\(409\)/s.test(err.message) ||
    /already exists on the workflow run/i.test(err.message)
  );
}

/** Turns the library's errors into what failed and what to do, with the kind of failure. */
function explain(err: Error): { kind: ErrorKind; text: string } {
  const msg = err.message;
  if (err.name === 'GHESNotSupportedError') {
    return {
      kind: 'input',
      text:
        `this artifact service is not available on GitHub Enterprise Server (GITHUB_SERVER_URL is ` +
        `${process.env.GITHUB_SERVER_URL ?? 'unset'}). Set \`upload-artifact: false\`.`,
    };
  }
  // The service client rewraps its errors in plain Errors ("Failed to CreateArtifact: …"), so the quota
  // and network errors are recognised by their messages as well as by their names.
  if (err.name === 'UsageError' || msg.includes('Artifact storage quota has been hit')) {
    return {
      kind: 'limit',
      text:
        'the artifact storage quota of this account is used up. Delete old artifacts or let them expire, ' +
        'use a shorter `retention-days`, or set `upload-artifact: false`.',
    };
  }
  const network = /Unable to make request: (\w+)/.exec(msg);
  if (err.name === 'NetworkError' || network) {
    const code = (err as { code?: unknown }).code ?? network?.[1];
    return {
      kind: 'network',
      text:
        `the artifact service could not be reached (${String(code ?? 'network error')}). On a self-hosted runner, ` +
        'allow outbound HTTPS to the GitHub Actions results service and its blob storage; then re-run the job.',
    };
  }
  if (msg.startsWith('Failed to get backend IDs')) {
    return {
      kind: 'credentials',
      text:
        'ACTIONS_RUNTIME_TOKEN is not a runtime token the runner issued for this job. Do not set ' +
        'ACTIONS_RUNTIME_TOKEN or ACTIONS_RESULTS_URL yourself; let the runner provide them.',
    };
  }
  return explainFailure(err, msg);
}

/** A call the service or the storage answered with a failure, a stall, or something unrecognised. */
function explainFailure(err: Error, msg: string): { kind: ErrorKind; text: string } {
  const status = /Failed to (CreateArtifact|FinalizeArtifact):.*?\((\d{3})\)/s.exec(msg);
  const restStatus = (err as { statusCode?: unknown }).statusCode;
  if (status) {
    const [, call, code] = status;
    if (code === '401' || code === '403') {
      return {
        kind: 'credentials',
        text:
          `the artifact service refused ${call} (HTTP ${code}): ${tail(msg)}. The job's runtime token was not ` +
          'accepted; it is issued by the runner and does not depend on `permissions:` (no `actions: write` is ' +
          'needed), so it may have expired in a very long job or been overridden by a step. Re-run the job.',
      };
    }
    return {
      kind: 'service',
      text: `the artifact service failed ${call} (HTTP ${code}): ${tail(msg)}. This is usually temporary; re-run the job.`,
    };
  }
  if (/Failed to make request after \d+ attempts/.test(msg)) {
    return {
      kind: 'service',
      text: `the artifact service kept failing (${tail(msg)}). This is usually temporary; re-run the job.`,
    };
  }
  if (err.name === 'RestError' || typeof restStatus === 'number') {
    return {
      kind: 'service',
      text:
        `uploading the content to artifact storage failed${typeof restStatus === 'number' ? ` (HTTP ${restStatus})` : ''}: ` +
        `${firstLine(msg)}. The signed upload URL may have expired or the storage refused it; re-run the job.`,
    };
  }
  if (msg.includes('Upload progress stalled')) {
    return {
      kind: 'timeout',
      text:
        'the upload to artifact storage made no progress for too long (ACTIONS_ARTIFACT_UPLOAD_TIMEOUT_MS, ' +
        'default 5 minutes). Check the runner network; then re-run the job.',
    };
  }
  return {
    kind: 'service',
    text: `${firstLine(msg)}. Re-run the job; if it keeps failing, set \`upload-artifact: false\` to skip the upload.`,
  };
}

const firstLine = (s: string) => (s.split('\n')[0] ?? s).replace(/[.\s]+$/, '');
/** The part after the library's wrapping ("Failed to X: Received non-retryable error: …"). */
const tail = (s: string) => firstLine(s.replace(/^Failed to \w+: (Received non-retryable error: )?/, ''));
