// The one retry helper of the AWS layer: bounded attempts, exponential backoff with full jitter, and
// sleep, clock and randomness passed in (so callers and tests decide how time passes). Also the same
// backoff as an SDK retry strategy, so the SDK's own retries wait through the same injected sleep.

/** Waits `ms`; rejects (with the signal's reason) when `signal` aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The real sleep: a timer, cancelled by the signal. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** How time passes for the AWS layer: `now` (ms since the epoch), `sleep`, and `random` in [0, 1) for jitter. */
export interface Timing {
  now: () => number;
  sleep: Sleep;
  random: () => number;
}

export const realTiming: Timing = { now: Date.now, sleep: realSleep, random: Math.random };

/** Backoff of one kind of retry: the delay before retry n (0-based) is random in [0, min(maxDelayMs, baseDelayMs·2^n)]. */
export interface Backoff {
  /** Attempts in all, the first one included (≥ 1). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Full jitter: a delay drawn uniformly from [0, min(cap, base·2^retry)]. */
export function backoffDelay(
  retry: number,
  b: Pick<Backoff, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(b.maxDelayMs, b.baseDelayMs * 2 ** Math.max(0, retry));
  return Math.floor(random() * ceiling);
}

export interface RetryInfo {
  error: unknown;
  /** The attempt that failed (1-based). */
  attempt: number;
  /** Attempts in all. */
  attempts: number;
  delayMs: number;
}

export interface RetryOptions extends Backoff {
  /** Whether this failure is worth another attempt (called only when attempts remain). */
  retryable: (error: unknown, attempt: number) => boolean;
  /** Called before each wait, e.g. for a log line. */
  onRetry?: ((info: RetryInfo) => void) | undefined;
  timing: Timing;
  /** Aborts the wait between attempts (and no further attempt starts). */
  signal?: AbortSignal | undefined;
  /** Absolute time (on `timing.now`) after which no wait starts: the last failure is thrown instead. */
  deadline?: number | undefined;
  /** What to throw when the deadline stops the retries (default: the last failure itself). */
  onDeadline?: ((last: unknown) => unknown) | undefined;
}

/**
 * Calls `fn` until it succeeds, a failure is not `retryable`, the attempts are used up or the deadline
 * would pass during the wait; then the last failure is thrown as it is.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  const attempts = Math.max(1, Math.floor(o.attempts));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (o.signal?.aborted || attempt >= attempts || !o.retryable(error, attempt)) throw error;
      const delayMs = backoffDelay(attempt - 1, o, o.timing.random);
      if (o.deadline !== undefined && o.timing.now() + delayMs > o.deadline)
        throw o.onDeadline ? o.onDeadline(error) : error;
      o.onRetry?.({ error, attempt, attempts, delayMs });
      await o.timing.sleep(delayMs, o.signal);
    }
  }
}

// ---------------------------------------------------------------- the SDK's retries

/** The SDK's classification of a failed attempt (see @smithy/types RetryErrorInfo). */
interface SdkRetryErrorInfo {
  errorType: 'TRANSIENT' | 'THROTTLING' | 'SERVER_ERROR' | 'CLIENT_ERROR';
  retryAfterHint?: Date;
}

interface SdkRetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

export interface SdkRetryOptions {
  /** Attempts per SDK call, the first one included. */
  attempts: number;
  /** Backoff after a transient failure (5xx, timeout, reset). */
  baseDelayMs: number;
  /** Backoff after throttling (ThrottlingException, SlowDown, 429). */
  throttlingBaseDelayMs: number;
  maxDelayMs: number;
}

/** The SDK's defaults in standard mode: 3 attempts, 50 ms transient / 1 s throttling base, 20 s cap. */
export const SDK_RETRY_DEFAULTS: SdkRetryOptions = {
  attempts: 3,
  baseDelayMs: 50,
  throttlingBaseDelayMs: 1000,
  maxDelayMs: 20_000,
};

/**
 * A retry strategy for the SDK clients (`retryStrategy`) that retries what the SDK's standard mode
 * retries (throttling and transient failures) with full-jitter backoff, waiting through `timing.sleep`.
 * The wait happens here, so the token handed back to the SDK carries no further delay.
 */
export class SdkRetryStrategy {
  readonly mode = 'standard';
  constructor(
    private readonly o: SdkRetryOptions,
    private readonly timing: Timing,
    /** Ends a wait early (the run's deadline); the SDK then stops retrying. */
    private readonly signal?: AbortSignal,
  ) {}

  acquireInitialRetryToken(): Promise<SdkRetryToken> {
    return Promise.resolve(token(0));
  }

  async refreshRetryTokenForRetry(t: SdkRetryToken, info: SdkRetryErrorInfo): Promise<SdkRetryToken> {
    const retries = t.getRetryCount();
    const retryable = info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT';
    if (!retryable || retries + 1 >= this.o.attempts) throw new Error('No retry token available');
    const base = info.errorType === 'THROTTLING' ? this.o.throttlingBaseDelayMs : this.o.baseDelayMs;
    let delay = backoffDelay(
      retries,
      { baseDelayMs: base, maxDelayMs: this.o.maxDelayMs },
      this.timing.random,
    );
    if (info.retryAfterHint instanceof Date) {
      const asked = info.retryAfterHint.getTime() - this.timing.now();
      delay = Math.max(delay, Math.min(asked, this.o.maxDelayMs));
    }
    await this.timing.sleep(delay, this.signal);
    return token(retries + 1);
  }

  recordSuccess(): void {}
}

const token = (count: number): SdkRetryToken => ({ getRetryCount: () => count, getRetryDelay: () => 0 });
