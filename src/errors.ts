// ActionError and its kinds: every failure that is not a package diagnostic. No dependencies, so every
// layer (package, aws, github, modes) can throw it and the renderer can read it.

/**
 * What kind of failure it is, which decides the exit code and how it is presented:
 * - `input`: an action input or CLI option is wrong (fix the workflow or the command line).
 * - `package`: the package folder cannot be used at all (missing, not a folder); rule findings are diagnostics.
 * - `credentials`: no usable AWS credentials (missing, expired, invalid signature).
 * - `permission`: the identity lacks an IAM permission (`action` names it).
 * - `not-found`: a named AWS resource does not exist (bucket, document, version).
 * - `network`: the endpoint could not be reached or the connection broke.
 * - `throttled`: the service kept throttling after the retries.
 * - `timeout`: a request, a wait or the run's deadline ran out.
 * - `conflict`: AWS holds something else under the same name (version, object, default moved by another writer).
 * - `limit`: a service quota is reached (version count, size).
 * - `service`: the service reported a failure of its own (a version that ended Failed, with StatusInformation).
 * - `rollout`: instances failed to install the package (the canary group, or more targets than
 *   max-failed-targets allows in the association rollout).
 * - `internal`: a bug in this tool; never the user's fault.
 */
export const ERROR_KINDS = [
  'input',
  'package',
  'credentials',
  'permission',
  'not-found',
  'network',
  'throttled',
  'timeout',
  'conflict',
  'limit',
  'service',
  'rollout',
  'internal',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface ActionErrorOptions {
  /** What to do about it, as one or two sentences. */
  hint?: string | undefined;
  /** The underlying error (an SDK error, an errno error). */
  cause?: unknown;
  /** The service's or the system's error code (`AccessDeniedException`, `ECONNREFUSED`). */
  code?: string | undefined;
  /** For `permission`: the IAM action that was refused (`ssm:UpdateDocument`). */
  action?: string | undefined;
}

export class ActionError extends Error {
  override name = 'ActionError';
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly code: string | undefined;
  readonly action: string | undefined;

  constructor(kind: ErrorKind, message: string, opts: ActionErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.hint = opts.hint;
    this.code = opts.code;
    this.action = opts.action;
  }
}

export function isActionError(e: unknown): e is ActionError {
  return e instanceof ActionError;
}

/** The message of anything thrown. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Any thrown value as an ActionError; anything that is not one already is a bug of this tool. */
export function toActionError(e: unknown): ActionError {
  if (e instanceof ActionError) return e;
  return new ActionError('internal', `Internal error: ${errorText(e)}`, {
    hint: 'This is a bug in the action, not a problem with your package or inputs. Re-run with debug logging (ACTIONS_STEP_DEBUG) for the stack trace, and report it.',
    cause: e,
  });
}

/**
 * Exit codes of the CLI: 0 ok, 1 problems found (or an AWS failure), 2 usage (a wrong option or argument,
 * including a package folder that does not exist), 3 internal error.
 */
export function exitCodeOf(kind: ErrorKind): 1 | 2 | 3 {
  if (kind === 'input' || kind === 'package') return 2;
  if (kind === 'internal') return 3;
  return 1;
}

/** The environment variables that hold AWS credentials: registered as secrets at start, never printed. */
export const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
] as const;

/** The credential values set (non-empty) in `env`, longest first. */
export function credentialValues(env: Record<string, string | undefined> = process.env): string[] {
  const values = CREDENTIAL_VARIABLES.map((k) => env[k] ?? '').filter((v) => v.trim() !== '');
  return [...new Set(values)].sort((a, b) => b.length - a.length);
}

/**
 * `text` with every credential value of `env`, as is and URL-encoded, replaced by `***`: for any text a
 * server sent (an error message, a status) and, last, for everything this tool prints.
 */
export function scrubSecrets(text: string, env: Record<string, string | undefined> = process.env): string {
  let out = text;
  for (const value of credentialValues(env)) {
    const forms = new Set([value, value.trim(), encodeURIComponent(value.trim())]);
    for (const form of forms) out = out.split(form).join('***');
  }
  return out;
}
