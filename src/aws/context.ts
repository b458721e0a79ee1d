// What every AWS step gets: the run's abort signal and deadline, how time passes, the log callback,
// and the backoff of each kind of retry the steps do themselves (the SDK retries the rest).
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { ActionError } from '../errors.js';
import { type AwsCall, awsError, errorCode, isTransient } from './aws-error.js';
import { type Backoff, retry, type Timing } from './retry.js';

export interface StepCtx {
  signal: AbortSignal;
  /** Absolute time (on `timing.now`) the run must end by. */
  deadline: number;
  timing: Timing;
  log: (line: string) => void;
  /** The failure to report when the deadline ends the retries (it names the last error). */
  deadlineError: (last: unknown) => ActionError;
}

export interface SsmCtx extends StepCtx {
  ssm: SSMClient;
  /** The document (package) name. */
  name: string;
}

/** Our own retries, on top of the SDK's: what each one is for decides how long it may keep trying. */
export const BACKOFF = {
  /** TooManyUpdates (another update of the document is in flight) and lost answers of a create. */
  update: { attempts: 10, baseDelayMs: 1000, maxDelayMs: 8000 },
  /** A PUT the SDK cannot repeat itself (its body is a file stream). */
  upload: { attempts: 4, baseDelayMs: 400, maxDelayMs: 3200 },
  /** A read, on top of the SDK's own retries (a read may be repeated freely). */
  read: { attempts: 4, baseDelayMs: 500, maxDelayMs: 4000 },
} as const satisfies Record<string, Backoff>;

/** The failure of an SSM call on this document as an ActionError. */
export function ssmError(ctx: SsmCtx, op: string, e: unknown): ActionError {
  return awsError(e, { action: `ssm:${op}`, subject: ctx.name });
}

/** Retries `fn` (one mutating call on the document) while SSM answers TooManyUpdates. */
export function whileBusy<T>(ctx: SsmCtx, call: AwsCall, fn: () => Promise<T>): Promise<T> {
  return retry(fn, {
    ...BACKOFF.update,
    retryable: (e) => errorCode(e) === 'TooManyUpdates',
    onRetry: (r) =>
      ctx.log(
        `TooManyUpdates: another update of ${ctx.name} is in progress; ${call.action} again in ${r.delayMs} ms (${r.attempt}/${r.attempts - 1})`,
      ),
    timing: ctx.timing,
    signal: ctx.signal,
    deadline: ctx.deadline,
    onDeadline: ctx.deadlineError,
  });
}

/** Steps that send calls SSM must not repeat blindly (StartAssociationsOnce, SendCommand). */
export interface RolloutCtx extends SsmCtx {
  /** The SSM client without SDK retries (see Clients.ssmOnce). */
  ssmOnce: SSMClient;
  /** The document ARN (what associations and commands may name instead of the name). */
  documentArn: string;
}

/** A read, sent again (after the SDK's retries) while it fails transiently, within the run's deadline. */
export function readAgain<T>(
  ctx: StepCtx,
  fn: () => Promise<T>,
  worth: (e: unknown) => boolean = isTransient,
): Promise<T> {
  return retry(fn, {
    ...BACKOFF.read,
    retryable: worth,
    timing: ctx.timing,
    signal: ctx.signal,
    deadline: ctx.deadline,
    onDeadline: ctx.deadlineError,
  });
}
