// One run's AWS session, shared by publish and promote: the clock, the clients, the deadline that aborts
// every request, and the failure that names the last error when the deadline ends the run.
import { ActionError, errorText, toActionError } from '../errors.js';
import { errorCode } from './aws-error.js';
import { type Clients, createClients } from './clients.js';
import type { StepCtx } from './context.js';
import { realSleep, type SdkRetryOptions, type Sleep, type Timing } from './retry.js';

export interface SessionOptions {
  region: string;
  /** Timeout of each request. */
  requestTimeoutMs: number;
  /** Absolute time (ms since the epoch, on `now`) the whole run must end by. */
  deadline: number;
  actionVersion: string;
  env: Record<string, string | undefined>;
  /** Progress lines (the AWS modules never print by themselves). */
  log: (line: string) => void;
  /** The clock for the deadline, the waits and every retry (default `Date.now`). */
  now?: (() => number) | undefined;
  /** How waits and retries pause (default: a real timer). */
  sleep?: Sleep | undefined;
  /** Jitter source in [0, 1) for the retries (default `Math.random`). */
  random?: (() => number) | undefined;
  /** The SDK's own retries of throttled and transient failures (default: 3 attempts, the SDK's backoff). */
  sdkRetry?: Partial<SdkRetryOptions> | undefined;
}

/**
 * Runs `fn` with the clients and the step context; `hint` is what to do when the deadline is reached.
 * Every failure comes out as an ActionError; the clients are closed whatever happens.
 */
export async function withSession<T>(
  o: SessionOptions,
  hint: string,
  fn: (clients: Clients, ctx: StepCtx) => Promise<T>,
): Promise<T> {
  const timing: Timing = {
    now: o.now ?? Date.now,
    sleep: o.sleep ?? realSleep,
    random: o.random ?? Math.random,
  };
  const controller = new AbortController();
  const reached = new ActionError('timeout', 'The run reached its deadline (timeout-seconds).', { hint });
  const deadlineError = (last: unknown): ActionError => {
    if (last === reached) return reached;
    const what = last instanceof ActionError ? last.message : `${errorCode(last)}: ${errorText(last)}`;
    return new ActionError(
      'timeout',
      `The run reached its deadline (timeout-seconds) while talking to AWS (last error: ${what.replace(/\.$/, '')}).`,
      { hint, code: last instanceof ActionError ? last.code : errorCode(last), cause: last },
    );
  };
  const timer = setTimeout(() => controller.abort(reached), Math.max(o.deadline - timing.now(), 0));
  const clients = createClients({
    region: o.region,
    requestTimeoutMs: o.requestTimeoutMs,
    retry: o.sdkRetry,
    version: o.actionVersion,
    env: o.env,
    timing,
    signal: controller.signal,
    log: o.log,
  });
  const ctx: StepCtx = { signal: controller.signal, deadline: o.deadline, timing, log: o.log, deadlineError };
  try {
    return await fn(clients, ctx);
  } catch (e) {
    if (controller.signal.aborted) throw deadlineError(e);
    throw toActionError(e);
  } finally {
    clearTimeout(timer);
    clients.destroy();
  }
}
