// Seeded random interleavings of concurrent publishers: a small seeded PRNG, and a delay hook for the
// fakes that pauses every request by an amount drawn from (seed, publisher, operation, the request's
// number among that publisher's requests of that operation), so that a seed names one schedule of
// pauses whatever order the requests arrive in. Publishers are told apart by their user agent
// (`ssm-distributor-action/<actionVersion>`).
import type { DelayHook } from './fake-http.js';

/** mulberry32: a seeded PRNG of floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the parts: one 32-bit seed per request. */
function hash(parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const c of parts.join('\u0000')) {
    h ^= c.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The first seed of this run: INTERLEAVING_SEED when set (to replay a failure), else a fresh one. */
export function baseSeed(env: Record<string, string | undefined> = process.env): number {
  const given = env.INTERLEAVING_SEED;
  if (given !== undefined && given !== '') {
    const n = Number(given);
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`INTERLEAVING_SEED must be a whole number: ${given}`);
    return n >>> 0;
  }
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}

/** The publisher a request comes from: the action version in its user agent. */
export function publisherOf(userAgent: string | undefined): string {
  return /ssm-distributor-action\/(\S+)/.exec(userAgent ?? '')?.[1] ?? '?';
}

/** A delay hook pausing each request 0..maxMs ms (whole ms), as drawn for that request from `seed`. */
export function seededDelays(seed: number, maxMs: number): DelayHook {
  const counts = new Map<string, number>();
  return (op, req) => {
    const who = publisherOf(req.headers['user-agent']);
    const key = `${who}\u0000${op}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    return Math.floor(prng(hash([seed, who, op, n]))() * (maxMs + 1));
  };
}
