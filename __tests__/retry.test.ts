// The AWS layer's one retry helper (bounded attempts, full jitter, injected sleep/clock/random, a
// retryable predicate, abort, deadline) and the SDK retry strategy built on the same backoff.
import { GetDocumentCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import {
  backoffDelay,
  realSleep,
  retry,
  type RetryInfo,
  type RetryOptions,
  SdkRetryStrategy,
  type Timing,
} from '../src/aws/retry.js';
import { type SsmFake, startSsm } from './support/ssm-server.js';

/** A clock that only moves when slept on, recording every pause. */
function virtualTiming(random = () => 0.5): Timing & { slept: number[]; t: () => number } {
  let t = 1_000_000;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    random,
    slept,
    t: () => t,
  };
}

const failing = (code: string) => Object.assign(new Error(code), { name: code });

function options(timing: Timing, over: Partial<RetryOptions> = {}): RetryOptions {
  return { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000, retryable: () => true, timing, ...over };
}

describe('backoffDelay(): full jitter', () => {
  it('is drawn from [0, min(cap, base·2^n)]', () => {
    const b = { baseDelayMs: 100, maxDelayMs: 1000 };
    const ceilings = [100, 200, 400, 800, 1000, 1000];
    for (const [n, ceiling] of ceilings.entries()) {
      expect(backoffDelay(n, b, () => 0)).toBe(0);
      expect(backoffDelay(n, b, () => 0.5)).toBe(ceiling / 2);
      expect(backoffDelay(n, b, () => 0.999_999)).toBe(ceiling - 1);
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(n, b, Math.random);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(ceiling);
      }
    }
  });

  it('spreads over the whole range (not a fixed or half-jittered delay)', () => {
    const b = { baseDelayMs: 1000, maxDelayMs: 1000 };
    const ds = Array.from({ length: 500 }, () => backoffDelay(0, b, Math.random));
    expect(Math.min(...ds)).toBeLessThan(100);
    expect(Math.max(...ds)).toBeGreaterThan(900);
  });
});

describe('retry()', () => {
  it('returns the first success, pausing with the backoff between attempts', async () => {
    const timing = virtualTiming();
    let calls = 0;
    const got = await retry(async (attempt) => {
      calls++;
      if (attempt < 3) throw failing('Busy');
      return `ok after ${attempt}`;
    }, options(timing));
    expect(got).toBe('ok after 3');
    expect(calls).toBe(3);
    expect(timing.slept).toEqual([50, 100]); // half of 100, then half of 200 (random 0.5)
  });

  it('makes at most `attempts` attempts, then throws the last failure as it is', async () => {
    const timing = virtualTiming();
    const seen: number[] = [];
    const last = failing('Busy');
    const p = retry(
      async (attempt) => {
        seen.push(attempt);
        throw attempt === 4 ? last : failing('Busy');
      },
      options(timing, { attempts: 4 }),
    );
    await expect(p).rejects.toBe(last);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(timing.slept).toHaveLength(3);
  });

  it('an attempt count below 1 still makes one attempt', async () => {
    let calls = 0;
    const p = retry(
      async () => {
        calls++;
        throw failing('X');
      },
      options(virtualTiming(), { attempts: 0 }),
    );
    await expect(p).rejects.toThrow('X');
    expect(calls).toBe(1);
  });

  it('a failure the predicate refuses is thrown at once, without a pause', async () => {
    const timing = virtualTiming();
    const asked: [string, number][] = [];
    let calls = 0;
    const p = retry(
      async () => {
        calls++;
        throw failing(calls === 1 ? 'Busy' : 'ValidationException');
      },
      options(timing, {
        retryable: (e, attempt) => {
          asked.push([(e as Error).name, attempt]);
          return (e as Error).name === 'Busy';
        },
      }),
    );
    await expect(p).rejects.toThrow('ValidationException');
    expect(calls).toBe(2);
    expect(asked).toEqual([
      ['Busy', 1],
      ['ValidationException', 2],
    ]);
    expect(timing.slept).toHaveLength(1);
  });

  it('tells onRetry the attempt, the attempts and the pause before each wait', async () => {
    const infos: Omit<RetryInfo, 'error'>[] = [];
    await expect(
      retry(
        async () => {
          throw failing('Busy');
        },
        options(virtualTiming(), {
          attempts: 3,
          onRetry: ({ error, ...rest }) => {
            expect(error).toBeInstanceOf(Error);
            infos.push(rest);
          },
        }),
      ),
    ).rejects.toThrow('Busy');
    expect(infos).toEqual([
      { attempt: 1, attempts: 3, delayMs: 50 },
      { attempt: 2, attempts: 3, delayMs: 100 },
    ]);
  });

  it('uses the injected randomness for the jitter', async () => {
    const timing = virtualTiming(() => 0.25);
    await expect(
      retry(
        async () => {
          throw failing('Busy');
        },
        options(timing, { attempts: 6 }),
      ),
    ).rejects.toThrow();
    expect(timing.slept).toEqual([25, 50, 100, 200, 250]);
  });

  it('stops before a pause that would pass the deadline, with onDeadline deciding what is thrown', async () => {
    const timing = virtualTiming(() => 0.999);
    const deadline = timing.now() + 500;
    let calls = 0;
    const p = retry(
      async () => {
        calls++;
        throw failing('Busy');
      },
      options(timing, {
        attempts: 10,
        deadline,
        onDeadline: (last) => new Error(`deadline after ${(last as Error).name}`),
      }),
    );
    await expect(p).rejects.toThrow('deadline after Busy');
    // 99 + 199 = 298 ms slept; the next pause (399) would end at 697 > 500.
    expect(timing.slept).toEqual([99, 199]);
    expect(calls).toBe(3);
    expect(timing.t()).toBeLessThanOrEqual(deadline);
  });

  it('an abort during the pause ends it at once with the reason, and no attempt follows', async () => {
    const controller = new AbortController();
    const reason = new Error('run deadline');
    let calls = 0;
    const started = Date.now();
    setTimeout(() => controller.abort(reason), 20);
    const p = retry(
      async () => {
        calls++;
        throw failing('Busy');
      },
      {
        attempts: 5,
        baseDelayMs: 60_000,
        maxDelayMs: 60_000,
        retryable: () => true,
        timing: { now: Date.now, sleep: realSleep, random: () => 0.9 },
        signal: controller.signal,
      },
    );
    await expect(p).rejects.toBe(reason);
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('an already aborted signal ends it after the failed attempt, without a pause', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    const timing = virtualTiming();
    const p = retry(
      async () => {
        throw failing('Busy');
      },
      options(timing, { signal: controller.signal }),
    );
    await expect(p).rejects.toThrow('Busy');
    expect(timing.slept).toEqual([]);
  });
});

describe('realSleep()', () => {
  it('waits about the given time', async () => {
    const started = Date.now();
    await realSleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('rejects at once with the reason of an aborted signal', async () => {
    const c = new AbortController();
    c.abort(new Error('stop'));
    await expect(realSleep(60_000, c.signal)).rejects.toThrow('stop');
  });
});

describe('SdkRetryStrategy: the SDK retries through the injected sleep', () => {
  const opts = { attempts: 3, baseDelayMs: 100, throttlingBaseDelayMs: 1000, maxDelayMs: 20_000 };

  it('retries throttling and transient failures with their own bases, and nothing else', async () => {
    const timing = virtualTiming();
    const s = new SdkRetryStrategy(opts, timing);
    const t0 = await s.acquireInitialRetryToken();
    const t1 = await s.refreshRetryTokenForRetry(t0, { errorType: 'THROTTLING' });
    expect(t1.getRetryCount()).toBe(1);
    expect(t1.getRetryDelay()).toBe(0); // the wait already happened, through timing.sleep
    const t2 = await s.refreshRetryTokenForRetry(t0, { errorType: 'TRANSIENT' });
    expect(t2.getRetryCount()).toBe(1);
    await expect(s.refreshRetryTokenForRetry(t0, { errorType: 'CLIENT_ERROR' })).rejects.toThrow();
    await expect(s.refreshRetryTokenForRetry(t0, { errorType: 'SERVER_ERROR' })).rejects.toThrow();
    // The attempt bound: 3 attempts are 2 retries, so a token that counts 2 is not renewed.
    const second = await s.refreshRetryTokenForRetry(t1, { errorType: 'TRANSIENT' });
    expect(second.getRetryCount()).toBe(2);
    await expect(s.refreshRetryTokenForRetry(second, { errorType: 'TRANSIENT' })).rejects.toThrow();
    // Throttling base 1000, transient base 100; retry 0, 0, then 1 (ceiling 200); random 0.5.
    expect(timing.slept).toEqual([500, 50, 100]);
  });

  it('honours a Retry-After hint up to the cap', async () => {
    const timing = virtualTiming(() => 0);
    const s = new SdkRetryStrategy(opts, timing);
    const t0 = await s.acquireInitialRetryToken();
    await s.refreshRetryTokenForRetry(t0, {
      errorType: 'THROTTLING',
      retryAfterHint: new Date(timing.now() + 3000),
    });
    await s.refreshRetryTokenForRetry(t0, {
      errorType: 'THROTTLING',
      retryAfterHint: new Date(timing.now() + 10 ** 7),
    });
    expect(timing.slept).toEqual([3000, 20_000]);
  });

  let fake: SsmFake | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('a real SSM client with it pauses through the injected sleep, within the jitter range', async () => {
    fake = await startSsm();
    const fault = fake.inject('GetDocument', 'throttle', { times: 2 });
    const timing = virtualTiming(Math.random);
    const client = new SSMClient({
      region: 'us-east-1',
      endpoint: fake.endpoint,
      credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' },
      maxAttempts: 3,
      retryStrategy: new SdkRetryStrategy(opts, timing),
    });
    try {
      const e = await client.send(new GetDocumentCommand({ Name: 'Nope-Doc' })).catch((x: unknown) => x);
      expect((e as Error).name).toBe('InvalidDocument'); // the third attempt got the real answer
    } finally {
      client.destroy();
    }
    expect(fault.fired).toBe(2);
    expect(timing.slept).toHaveLength(2);
    expect(timing.slept[0]).toBeLessThan(1000);
    expect(timing.slept[1]).toBeLessThan(2000);
  });
});
