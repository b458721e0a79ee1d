// keep-versions pruning across random version / association / default sets: the pure plan (planPrune)
// never selects a protected version, selects exactly the oldest deletable versions beyond N, and is stable;
// a handful of the same sets end to end through publish() against the test SSM server.
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Pin, type PlanInput, type PlanVersion, planPrune, protections } from '../src/aws/lifecycle.js';
import { publish } from '../src/aws/publish.js';
import {
  type Built,
  buildVersion,
  type Endpoints,
  NAME,
  publishOptions,
  restoreAwsEnvAfterAll,
  startEndpoints,
  useEndpoints,
} from './support/aws-env.js';
import { cleanupTemp } from './support/pkg.js';
import type { DocumentStatus } from './support/ssm-server.js';

restoreAwsEnvAfterAll();
afterAll(cleanupTemp);

const SEED = Number(process.env.PRUNE_SEED ?? Date.now() % 2 ** 31);
const RUNS = 300;

const STATUSES: DocumentStatus[] = [
  'Active',
  'Active',
  'Active',
  'Failed',
  'Creating',
  'Updating',
  'Deleting',
];

interface Scenario {
  versions: (PlanVersion & { status: DocumentStatus })[];
  keep: number;
  published: string | undefined;
  pins: Pin[];
  held: { documentVersion: string; reason: string }[];
}

/** 1..30 versions numbered 1..n (some named), one default, pins by name or number (or of nothing). */
const scenario: fc.Arbitrary<Scenario> = fc
  .integer({ min: 1, max: 30 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      statuses: fc.array(fc.constantFrom(...STATUSES), { minLength: n, maxLength: n }),
      unnamed: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      def: fc.integer({ min: 1, max: n }),
      keep: fc.integer({ min: 1, max: 32 }),
      published: fc.option(fc.integer({ min: 1, max: n }), { nil: undefined }),
      pins: fc.array(
        fc.record({
          v: fc.integer({ min: 1, max: n + 3 }),
          byName: fc.boolean(),
          id: fc.integer({ min: 1, max: 6 }),
        }),
        { maxLength: 8 },
      ),
      held: fc.array(fc.integer({ min: 1, max: n }), { maxLength: 2 }),
      shuffle: fc.array(fc.nat(), { minLength: n, maxLength: n }),
    }),
  )
  .map((r) => {
    const versions = Array.from({ length: r.n }, (_, i) => {
      const dv = String(i + 1);
      return {
        documentVersion: dv,
        versionName: r.unnamed[i] && i % 3 === 0 ? undefined : `1.${i}.0`,
        status: r.statuses[i]!,
        isDefault: i + 1 === r.def,
      };
    });
    // The list's order is not the age order: the plan must not depend on it.
    const order = versions.map((v, i) => ({ v, k: r.shuffle[i]! })).sort((a, b) => a.k - b.k);
    return {
      versions: order.map((o) => o.v),
      keep: r.keep,
      published: r.published === undefined ? undefined : String(r.published),
      pins: r.pins.map((p) => ({
        associationId: `00000000-0000-4000-8000-00000000000${p.id}`,
        version: p.byName ? `1.${p.v - 1}.0` : String(p.v),
      })),
      held: r.held.map((h) => ({ documentVersion: String(h), reason: 'held (canary)' })),
    };
  });

const input = (s: Scenario): PlanInput => ({
  versions: s.versions,
  keep: s.keep,
  published: s.published,
  pins: s.pins,
  held: s.held,
});

/** The model: what must be deleted, computed independently of planPrune's loop. */
function expected(s: Scenario): string[] {
  const byAge = [...s.versions].sort((a, b) => Number(a.documentVersion) - Number(b.documentVersion));
  const pinned = new Set(s.pins.map((p) => p.version));
  const isProtected = (v: PlanVersion & { status: string }) =>
    v.isDefault ||
    v.documentVersion === s.published ||
    pinned.has(v.documentVersion) ||
    (v.versionName !== undefined && pinned.has(v.versionName)) ||
    !['Active', 'Failed'].includes(v.status) ||
    s.held.some((h) => h.documentVersion === v.documentVersion);
  const excess = Math.max(0, s.versions.length - s.keep);
  return byAge
    .filter((v) => !isProtected(v))
    .slice(0, excess)
    .map((v) => v.documentVersion);
}

describe(`planPrune over ${RUNS} random sets (seed ${SEED})`, () => {
  it('never selects a protected version, selects exactly the oldest deletable beyond N, and is stable', () => {
    console.log(`prune-property seed: ${SEED} (re-run with PRUNE_SEED=${SEED})`);
    let deletedSome = 0;
    let shortSome = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const plan = planPrune(input(s));
        const chosen = plan.delete.map((v) => v.documentVersion);
        // Never protected.
        for (const d of chosen) {
          const v = s.versions.find((x) => x.documentVersion === d)!;
          expect(protections(v, input(s)), `version ${d}`).toEqual([]);
          expect(v.isDefault).toBe(false);
          expect(d).not.toBe(s.published);
          expect(s.pins.some((p) => p.version === d || p.version === v.versionName)).toBe(false);
          expect(['Active', 'Failed']).toContain(v.status);
        }
        // Exactly the oldest deletable ones beyond N, oldest first.
        expect(chosen).toEqual(expected(s));
        // Every version is either deleted or kept with a reason; the count left is N unless protected ones stop it.
        expect(plan.delete.length + plan.kept.length).toBe(s.versions.length);
        expect(plan.kept.every((k) => k.reason.length > 0)).toBe(true);
        if (plan.short > 0) expect(plan.kept.length).toBe(s.keep + plan.short);
        else expect(plan.kept.length).toBe(Math.min(s.keep, s.versions.length));
        // Stable: the same input in another order gives the same plan, and planning again after the deletions deletes nothing.
        expect(planPrune({ ...input(s), versions: [...s.versions].reverse() })).toEqual(plan);
        const left = s.versions.filter((v) => !chosen.includes(v.documentVersion));
        expect(planPrune({ ...input(s), versions: left }).delete).toEqual([]);
        if (chosen.length) deletedSome++;
        if (plan.short) shortSome++;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The generator reached both interesting regions (deletions, and protected versions blocking N).
    expect(deletedSome).toBeGreaterThan(RUNS / 10);
    expect(shortSome).toBeGreaterThan(0);
  });
});

// ====================================================================== end to end

describe(`a few of those sets through publish() against the test server (seed ${SEED})`, () => {
  let e: Endpoints;
  let built: Built;
  beforeEach(async () => {
    e = await startEndpoints();
    useEndpoints(e);
  });
  afterEach(async () => {
    await e.close();
  });

  it('deletes exactly what the plan selects, and never a protected version', async () => {
    const samples = fc.sample(
      scenario.filter((s) => s.versions.length <= 20),
      { seed: SEED, numRuns: 5 },
    );
    built = await buildVersion('9.9.9');
    for (const [i, s] of samples.entries()) {
      const name = `${NAME}${i}`;
      const byAge = [...s.versions].sort((a, b) => Number(a.documentVersion) - Number(b.documentVersion));
      const def = byAge.find((v) => v.isDefault)!.documentVersion;
      e.ssm.seed(
        name,
        byAge.map((v) => ({
          ...(v.versionName === undefined ? {} : { versionName: v.versionName }),
          status: v.status,
        })),
        { defaultVersion: def },
      );
      const ids: string[] = [];
      for (const p of s.pins)
        ids.push(
          e.ssm.addAssociation({
            parameters: { action: ['Install'], name: [name], version: [p.version] },
          }),
        );
      // An association of another package pinning version 1 changes nothing; one following the default neither.
      e.ssm.addAssociation({ parameters: { action: ['Install'], name: ['OtherPackage'], version: ['1'] } });
      e.ssm.addAssociation({ parameters: { action: ['Install'], name: [name], version: [''] } });
      // What publish sees: the seeded versions plus the one it publishes (the newest, not the default).
      const newVersion = String(byAge.length + 1);
      const pins = s.pins.map((p, k) => ({ ...p, associationId: ids[k]! }));
      const want = planPrune({
        versions: [
          ...byAge,
          { documentVersion: newVersion, versionName: '9.9.9', status: 'Active', isDefault: false },
        ],
        keep: s.keep,
        published: newVersion,
        pins,
      });
      const result = await publish(
        publishOptions(built, { name, prune: { keep: s.keep, dryRun: false, s3: false } }),
      );
      expect(result.documentVersion).toBe(newVersion);
      expect(result.pruned?.deleted, `set ${i}: ${JSON.stringify(s)}`).toEqual(want.delete);
      const left = e.ssm.versions(name).map((v) => v.documentVersion);
      const gone = want.delete.map((v) => v.documentVersion);
      expect(left.sort()).toEqual(
        [...byAge.map((v) => v.documentVersion), newVersion].filter((v) => !gone.includes(v)).sort(),
      );
      // Protected versions are all still there.
      expect(left).toContain(def);
      expect(left).toContain(newVersion);
      for (const p of s.pins) {
        const hit = byAge.find((v) => v.documentVersion === p.version || v.versionName === p.version);
        if (hit) expect(left).toContain(hit.documentVersion);
      }
    }
    expect(e.ssm.count('ListAssociations')).toBeGreaterThanOrEqual(samples.length);
  });
});
