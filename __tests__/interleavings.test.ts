// Two publishers of one version racing, under ≥ 50 seeded random interleavings: every request either
// publisher makes waits as drawn from the interleaving's seed (support/interleave.ts), B starts a few ms
// after A, and each interleaving must converge: one version of that name, Active, with the winner's
// manifest, exactly the objects of the published versions under the package prefix, the default where
// asked; both publishers succeed with the same content, one fails with a conflict with other content.
// The seed is printed on failure; INTERLEAVING_SEED replays it.
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type PublishOptions, type PublishResult, publish } from '../src/aws/publish.js';
import { ActionError } from '../src/errors.js';
import {
  type Built,
  buildVersion,
  convergenceProblems,
  type Endpoints,
  publishOptions,
  restoreAwsEnvAfterAll,
  startEndpoints,
  useEndpoints,
} from './support/aws-env.js';
import type { DelayHook } from './support/fake-http.js';
import { baseSeed, prng, publisherOf, seededDelays } from './support/interleave.js';
import { cleanupTemp } from './support/pkg.js';

restoreAwsEnvAfterAll();
afterAll(cleanupTemp);

const INTERLEAVINGS = 50;
const SEED = baseSeed();
/** Where a failing interleaving is replayed from: the base seed and its number. */
const replay = (i: number) =>
  `seed ${(SEED + i) >>> 0}; replay with INTERLEAVING_SEED=${SEED} npx vitest run __tests__/interleavings.test.ts -t "interleaving ${i + 1}/"`;
const RACES = ['same content', 'same content, set-default', 'onto an existing document', 'different content'];

/** publish() on the fast clock; a failure must be an ActionError. */
async function attempt(b: Built, over: Partial<PublishOptions>): Promise<PublishResult | ActionError> {
  try {
    return await publish(publishOptions(b, { requestTimeoutMs: 2000, ...over }));
  } catch (e) {
    if (e instanceof ActionError) return e;
    throw e;
  }
}

// The races run a few at a time against one set of endpoints, each on its own document; every request
// waits as drawn for its race (publishers are told apart by user agent: race<n>-a, race<n>-b).
describe.concurrent('two publishers of one version, under seeded random interleavings', () => {
  const built: Record<string, Built> = {};
  const hooks = new Map<string, DelayHook>();
  let shared: Endpoints;
  beforeAll(async () => {
    for (const [k, v, variant] of [
      ['a', '1.0.0', ''],
      ['b', '1.0.0', ''],
      ['other', '1.0.0', 'other'],
      ['earlier', '0.9.0', ''],
    ] as const)
      built[k] = await buildVersion(v, variant);
    shared = await startEndpoints({ statusDelayMs: 10, mutationHoldMs: 4 });
    useEndpoints(shared);
    const dispatch: DelayHook = (op, req, nth) =>
      hooks.get(publisherOf(req.headers['user-agent']).split('-')[0]!)?.(op, req, nth) ?? 0;
    for (const f of [shared.s3, shared.ssm, shared.sts]) f.delay = dispatch;
  });
  afterAll(() => shared.close());

  /** What did not hold in what the two publishers were told. */
  function outcomeProblems(kind: string, runs: (PublishResult | ActionError)[]): string[] {
    const problems: string[] = [];
    const won = runs.filter((r): r is PublishResult => !(r instanceof ActionError));
    const lost = runs.filter((r): r is ActionError => r instanceof ActionError);
    if (kind === 'different content') {
      if (won.length !== 1) problems.push(`${won.length} publishers succeeded, not 1`);
      for (const e of lost) if (e.kind !== 'conflict') problems.push(`a loser failed: ${e.message}`);
    } else {
      for (const e of lost) problems.push(`a publisher failed: ${e.message}`);
      const created = won.filter((r) => r.versionCreated).length;
      if (created !== 1) problems.push(`${created} publishers say they created the version`);
    }
    return problems;
  }

  /** Race `n`: B starts a few ms after A and every request waits as drawn from the seed; what did not converge. */
  async function race(n: number, seed: number, kind: string): Promise<string[]> {
    const rnd = prng(seed);
    const [maxDelayMs, gapMs] = [1 + Math.floor(rnd() * 8), Math.floor(rnd() * 12)];
    const name = `Race${n}`;
    const earlier = kind === 'onto an existing document' ? [built.earlier!] : [];
    for (const e of earlier) await publish(publishOptions(e, { name }));
    hooks.set(`race${n}`, seededDelays(seed, maxDelayMs));
    const [a, b] = [built.a!, kind === 'different content' ? built.other! : built.b!];
    const setDefault = kind === 'same content, set-default';
    const runs = await Promise.all([
      attempt(a, { name, actionVersion: `race${n}-a`, setDefault }),
      delay(gapMs).then(() => attempt(b, { name, actionVersion: `race${n}-b`, setDefault })),
    ]);
    const problems = outcomeProblems(kind, runs);
    const winner = runs[0] instanceof ActionError ? b : a;
    const expectDefault = setDefault || earlier.length === 0;
    problems.push(...convergenceProblems(shared, winner, expectDefault, { earlier, name }));
    // The pauses were this race's: its requests carried its publishers' user agents.
    const puts = shared.s3.calls('PutObject').filter((c) => c.key?.includes(`/${name}/`));
    const from = new Set(puts.map((c) => publisherOf(c.headers['user-agent'])));
    if (!from.has(`race${n}-a`) && !from.has(`race${n}-b`))
      problems.push(`uploads from [${[...from].join()}]`);
    return problems;
  }

  for (let i = 0; i < INTERLEAVINGS; i++) {
    const kind = RACES[i % RACES.length]!;
    it(`interleaving ${i + 1}/${INTERLEAVINGS}: ${kind}`, async ({ expect }) => {
      expect(await race(i + 1, (SEED + i) >>> 0, kind), replay(i)).toEqual([]);
    });
  }
});
