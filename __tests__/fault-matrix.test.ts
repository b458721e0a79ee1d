// Reliability figures: every AWS operation publish uses × every fault kind that applies × 1 and 2 faults
// must converge to exactly one Active version with our manifest, our bytes in S3, our default and tags,
// and nothing else under the document or the package prefix; each fault must have fired as often as
// asked (an after-commit fault only on a call the server applied). And a run killed (SIGKILL) at each
// step boundary, once the fake has seen it get there, then started again, must converge the same way.
// RELIABILITY_TRIALS sets trials per cell: 1 in the normal suite, more in `npm run reliability`, which
// prints the figures.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish } from '../src/aws/publish.js';
import {
  BUCKET,
  type Built,
  buildVersion,
  convergenceProblems,
  type Endpoints,
  fake,
  NAME,
  PREFIX,
  publishedFrom,
  publishOptions,
  restoreAwsEnvAfterAll,
  startEndpoints,
  type Target,
  thisRun,
  useEndpoints,
} from './support/aws-env.js';
import type { FaultHandle } from './support/fake-http.js';
import { cleanupTemp, tempDir, validPackage } from './support/pkg.js';
import { type RunResult, runAction } from './support/runner.js';
import { MUTATING_OPS } from './support/ssm-server.js';

const TRIALS = Number(process.env.RELIABILITY_TRIALS ?? '1');
// A timed-out test would keep running in the background and repoint process.env under the next one.
const TEST_TIMEOUT_MS = Math.max(60_000, TRIALS * 20_000);
// publish() runs on a fast clock (aws-env), so only the request timeout is real time: short, where a
// request is held unanswered, so that the SDK gives up on it soon; otherwise generous.
const REQUEST_TIMEOUT_MS = { stall: 150, other: 1000 };
const TAGS = [{ Key: 'team', Value: 'platform' }];

const SSM_READ = ['throttle', '500-before', '503', 'reset', 'stall'];
const SSM_WRITE = [...SSM_READ, '500-after-commit', 'reset-after-commit', 'too-many-updates'];
const MATRIX: [Target, string, string[]][] = [
  ['sts', 'GetCallerIdentity', ['throttle', '500', 'reset', 'stall']],
  ['ssm', 'ListDocumentVersions', SSM_READ],
  ['ssm', 'GetDocument', SSM_READ],
  ['ssm', 'DescribeDocument', SSM_READ],
  ['ssm', 'ListTagsForResource', SSM_READ],
  ['ssm', 'CreateDocument', SSM_WRITE],
  ['ssm', 'UpdateDocument', SSM_WRITE],
  ['ssm', 'UpdateDocumentDefaultVersion', SSM_WRITE],
  ['ssm', 'AddTagsToResource', SSM_WRITE],
  ['s3', 'HeadObject', ['500', '503', 'reset', 'stall']],
  ['s3', 'PutObject', ['500', '503', 'reset', 'stall', '500-after-commit', 'reset-after-commit']],
];
const AFTER_COMMIT = new Set(['500-after-commit', 'reset-after-commit']);
// A second CreateDocument / UpdateDocument of one version name is refused, so only one of them can be
// applied: their second fault is the retry's answer lost as well, before anything is applied.
const APPLIED_ONCE = new Set(['CreateDocument', 'UpdateDocument']);

interface Fault {
  kind: string;
  times: number;
  after?: number;
}
interface Cell {
  target: Target;
  op: string;
  name: string;
  faults: Fault[];
}

function cellsOf(target: Target, op: string, kind: string): Cell[] {
  const cell = (name: string, ...faults: Fault[]): Cell => ({ target, op, name, faults });
  const once = cell(`${op} × ${kind} × 1`, { kind, times: 1 });
  if (!(AFTER_COMMIT.has(kind) && APPLIED_ONCE.has(op)))
    return [once, cell(`${op} × ${kind} × 2`, { kind, times: 2 })];
  const then = kind === 'reset-after-commit' ? 'reset' : '500-before';
  return [
    once,
    cell(
      `${op} × ${kind}, then ${then} on the retry`,
      { kind, times: 1 },
      { kind: then, times: 1, after: 1 },
    ),
  ];
}
const CELLS = MATRIX.flatMap(([target, op, kinds]) => kinds.flatMap((kind) => cellsOf(target, op, kind)));

restoreAwsEnvAfterAll();

const figures = new Map<string, { kind: string; trials: number; converged: number; failures: string[] }>();
const killed = { tried: 0, reached: 0 };
let v1: Built;
let v2: Built;

/** The figures: per cell, per fault kind, in total, and the kill boundaries proven reached. */
function figureLines(): string[] {
  const rows = [...figures.entries()];
  if (rows.length === 0) return [];
  const byKind = new Map<string, { trials: number; converged: number }>();
  const lines = ['', `${'cell'.padEnd(66)} trials  converged`];
  for (const [name, f] of rows) {
    lines.push(`${name.padEnd(66)} ${String(f.trials).padStart(6)}  ${String(f.converged).padStart(9)}`);
    const k = byKind.get(f.kind) ?? { trials: 0, converged: 0 };
    k.trials += f.trials;
    k.converged += f.converged;
    byKind.set(f.kind, k);
  }
  lines.push('', 'per fault kind (all operations, 1 and 2 faults):');
  for (const [kind, k] of byKind) lines.push(`  ${kind.padEnd(19)} ${k.converged}/${k.trials} converged`);
  const total = rows.reduce((a, [, f]) => a + f.trials, 0);
  const ok = rows.reduce((a, [, f]) => a + f.converged, 0);
  lines.push(`total: ${ok}/${total} trials converged to exactly one Active version`);
  return lines;
}

afterAll(() => {
  const lines = figureLines();
  if (killed.tried > 0) lines.push(`kill boundaries proven reached: ${killed.reached}/${killed.tried}`);
  if (lines.length > 0) console.log(lines.join('\n'));
  cleanupTemp();
});

/** Each fault fired as often as asked: an after-commit fault on calls the server applied, any other on calls it did not. */
function faultProblems(e: Endpoints, c: Cell, handles: FaultHandle[]): string[] {
  const problems: string[] = [];
  const calls = thisRun(fake(e, c.target), c.op);
  c.faults.forEach((f, i) => {
    const fired = handles[i]!.fired;
    if (fired !== f.times) problems.push(`${f.kind} fired ${fired}×, not ${f.times}×`);
    const hit = calls.filter((x) => x.fault === f.kind);
    if (hit.length !== f.times) problems.push(`${hit.length} calls answered by ${f.kind}, not ${f.times}`);
    if (c.target === 'sts') return;
    const applied = hit.filter((x) => x.applied).length;
    const want = AFTER_COMMIT.has(f.kind) ? f.times : 0;
    if (applied !== want) problems.push(`${applied} of the ${f.kind} calls applied, not ${want}`);
  });
  return problems;
}

async function trial(c: Cell): Promise<string[]> {
  const e = await startEndpoints();
  try {
    useEndpoints(e);
    const firstVersion = c.op === 'CreateDocument';
    if (!firstVersion) await publish(publishOptions(v1));
    e.newRun();
    const srv = fake(e, c.target);
    const handles = c.faults.map((f) => srv.inject(c.op, f.kind, { times: f.times, after: f.after ?? 0 }));
    const b = firstVersion ? v1 : v2;
    const stalls = c.faults.some((f) => f.kind === 'stall');
    const requestTimeoutMs = stalls ? REQUEST_TIMEOUT_MS.stall : REQUEST_TIMEOUT_MS.other;
    const r = await publish(publishOptions(b, { setDefault: true, tags: TAGS, requestTimeoutMs }));
    const problems = convergenceProblems(e, b, true, { earlier: firstVersion ? [] : [v1] });
    // The trial counts only if the faults really happened as asked.
    problems.push(...faultProblems(e, c, handles));
    const tags = Object.fromEntries((e.ssm.document(NAME)?.tags ?? []).map((t) => [t.Key, t.Value]));
    if (tags.team !== 'platform') problems.push('tag missing');
    const stored = e.ssm.versions(NAME).find((v) => v.versionName === b.version);
    if (stored && r.documentVersion !== stored.documentVersion)
      problems.push(`reported version ${r.documentVersion}`);
    if (!r.versionCreated) problems.push('not reported as created by this run');
    return problems;
  } catch (err) {
    return [`threw: ${err instanceof Error ? err.message : String(err)}`];
  } finally {
    await e.close();
  }
}

describe('fault matrix: every operation × fault kind × 1 and 2 faults converges', () => {
  beforeAll(async () => {
    v1 = await buildVersion('1.0.0');
    v2 = await buildVersion('2.0.0', 'two');
    if (v2.manifestBytes.equals(v1.manifestBytes)) throw new Error('the two test versions are the same');
  });
  for (const c of CELLS) {
    it(
      c.name,
      async () => {
        const f = figures.get(c.name) ?? { kind: c.faults[0]!.kind, trials: 0, converged: 0, failures: [] };
        figures.set(c.name, f);
        for (let i = 0; i < TRIALS; i++) {
          const problems = await trial(c);
          f.trials++;
          if (problems.length === 0) f.converged++;
          else f.failures.push(problems.join('; '));
        }
        expect(f.failures).toEqual([]);
      },
      TEST_TIMEOUT_MS,
    );
  }
});

// ---------------------------------------------------------------- killed at a step boundary

const V3 = '3.0.0';
const V3_PREFIX = `${PREFIX}/${NAME}/${V3}/`;
const V3_MANIFEST = `${PREFIX}/${NAME}/manifests/${V3}.json`;
const manifestStored = (e: Endpoints) => e.s3.object(BUCKET, V3_MANIFEST) !== undefined;
const storedV3 = (e: Endpoints) =>
  e.s3
    .keys(BUCKET, V3_PREFIX)
    .map((k) => k.slice(V3_PREFIX.length))
    .sort();
const versionV3 = (e: Endpoints) => e.ssm.versions(NAME).filter((v) => v.versionName === V3);
const need = (ok: unknown, problem: string) => (ok ? [] : [problem]);

/** Where a run can die: before or after each call that changes something, and while waiting. */
interface Boundary {
  name: string;
  target: Target;
  op: string;
  /** The nth request of `op` in the run is held (after being applied, for `stall-after-commit`)... */
  nth: number;
  hold: 'stall' | 'stall-after-commit';
  /** ...and the run killed there; what must hold at that moment (the killed run's output folder given). */
  reached: (e: Endpoints, buildDir: string) => string[];
}

const ssmThisRun = (e: Endpoints, op?: string) => thisRun(fake(e, 'ssm'), op);
const MUTATING = new Set<string>(MUTATING_OPS);
const at = (target: Target, op: string, nth: number, hold: Boundary['hold']) => ({ target, op, nth, hold });
const BOUNDARIES: Boundary[] = [
  {
    name: 'at the identity call',
    ...at('sts', 'GetCallerIdentity', 1, 'stall'),
    reached: (e) => [
      ...need(e.ssm.runCount() === 0, `SSM had ${e.ssm.runCount()} requests`),
      ...need(e.s3.runCount() === 0, `S3 had ${e.s3.runCount()} requests`),
    ],
  },
  {
    name: 'before the first upload',
    ...at('s3', 'PutObject', 1, 'stall'),
    reached: (e) => [
      ...need(storedV3(e).length === 0, `already stored: ${storedV3(e).join(', ')}`),
      ...need(!ssmThisRun(e).some((c) => MUTATING.has(c.op ?? '')), 'SSM was asked to change something'),
    ],
  },
  {
    // The ZIPs go up together: the first may or may not be stored yet, the held second is not.
    name: 'while the ZIPs upload (the second held), before the manifest',
    ...at('s3', 'PutObject', 2, 'stall'),
    reached: (e) => {
      const [first, second] = thisRun(fake(e, 's3'), 'PutObject');
      const name = first?.key?.slice(V3_PREFIX.length) ?? '';
      const stored = storedV3(e);
      return [
        ...need(second && second.key !== first?.key, `the second PUT is of the same key ${first?.key}`),
        ...need(second?.key?.startsWith(V3_PREFIX), `the second PUT is of ${second?.key}, not a ZIP`),
        ...need(
          stored.every((k) => k === name),
          `stored: [${stored.join(', ')}], not at most [${name}]`,
        ),
        ...need(!manifestStored(e), 'the manifest was stored before the ZIPs'),
        ...need(!ssmThisRun(e).some((c) => MUTATING.has(c.op ?? '')), 'SSM was asked to change something'),
      ];
    },
  },
  {
    name: 'after the ZIPs, before the manifest',
    ...at('s3', 'PutObject', 3, 'stall'),
    reached: (e, buildDir) => {
      const zips = publishedFrom(buildDir, V3).files.map((f) => f.name);
      const third = thisRun(fake(e, 's3'), 'PutObject')[2];
      return [
        ...need(third?.key === V3_MANIFEST, `the third PUT is of ${third?.key}, not the manifest`),
        ...need(storedV3(e).join() === zips.sort().join(), `stored: [${storedV3(e).join(', ')}]`),
        ...need(!manifestStored(e), 'the manifest is stored already'),
      ];
    },
  },
  {
    name: 'after all uploads, before the version is created',
    ...at('ssm', 'UpdateDocument', 1, 'stall'),
    reached: (e, buildDir) => {
      const built = publishedFrom(buildDir, V3);
      const want = built.files.map((f) => f.name).sort();
      return [
        ...need(storedV3(e).join() === want.join(), `stored: [${storedV3(e).join(', ')}]`),
        ...need(manifestStored(e), 'the manifest is not stored'),
        ...need(versionV3(e).length === 0, 'the version exists already'),
      ];
    },
  },
  {
    name: 'after the version was created, its answer lost',
    ...at('ssm', 'UpdateDocument', 1, 'stall-after-commit'),
    reached: (e) => [
      ...need(ssmThisRun(e, 'UpdateDocument')[0]?.committed, 'UpdateDocument did not commit'),
      ...need(versionV3(e).length === 1, `${versionV3(e).length} versions named ${V3}`),
    ],
  },
  {
    name: 'while waiting for Active',
    ...at('ssm', 'DescribeDocument', 1, 'stall'),
    reached: (e) => [
      ...need(ssmThisRun(e, 'UpdateDocument')[0]?.committed, 'this run created no version'),
      ...need(versionV3(e)[0]?.status === 'Updating', `status ${versionV3(e)[0]?.status}, not Updating`),
    ],
  },
  {
    name: 'while verifying',
    ...at('ssm', 'GetDocument', 1, 'stall'),
    reached: (e) => [
      ...need(versionV3(e)[0]?.status === 'Active', `status ${versionV3(e)[0]?.status}, not Active`),
      ...need(e.ssm.runCount('UpdateDocumentDefaultVersion') === 0, 'the default was asked for already'),
    ],
  },
  {
    name: 'before the default is set',
    ...at('ssm', 'UpdateDocumentDefaultVersion', 1, 'stall'),
    reached: (e) => [
      ...need(versionV3(e)[0]?.status === 'Active', `status ${versionV3(e)[0]?.status}, not Active`),
      ...need(e.ssm.document(NAME)?.defaultVersion === '1', 'the default moved already'),
    ],
  },
  {
    name: 'after the default was set, its answer lost',
    ...at('ssm', 'UpdateDocumentDefaultVersion', 1, 'stall-after-commit'),
    reached: (e) => [
      ...need(ssmThisRun(e, 'UpdateDocumentDefaultVersion')[0]?.committed, 'the default did not move'),
      ...need(e.ssm.document(NAME)?.defaultVersion === versionV3(e)[0]?.documentVersion, 'default not ours'),
    ],
  },
];

/** Runs the committed bundle in publish mode (set-default) against the endpoints, building into `buildDir`. */
function runBundle(e: Endpoints, pkgDir: string, buildDir: string, onSpawn?: (c: ChildProcess) => void) {
  const inputs = {
    mode: 'publish',
    'package-dir': pkgDir,
    'output-dir': buildDir,
    version: V3,
    's3-bucket': BUCKET,
    's3-prefix': PREFIX,
    'set-default': 'true',
    'upload-artifact': 'false',
    'request-timeout-seconds': '5',
    'wait-timeout-seconds': '30',
  };
  const env = { ...e.env, GITHUB_EVENT_NAME: 'push' };
  return runAction(inputs, { env, timeoutMs: 30_000, ...(onSpawn ? { onSpawn } : {}) });
}

interface Killed {
  run: RunResult;
  /** Set when the fault fired: requests of the boundary's operation in this run, and what did not hold then. */
  reached: { nth: number; problems: string[] } | undefined;
  fired: number;
}

/** A new run of the bundle, killed (SIGKILL) from the fake the moment its boundary request is held. */
async function killedAt(e: Endpoints, pkgDir: string, buildDir: string, b: Boundary): Promise<Killed> {
  e.newRun();
  const srv = fake(e, b.target);
  let child: ChildProcess | undefined;
  let reached: Killed['reached'];
  const onFire = () => {
    let problems: string[];
    try {
      problems = b.reached(e, buildDir);
    } catch (err) {
      problems = [`checking the state threw ${String(err)}`];
    }
    reached = { nth: srv.runCount(b.op), problems };
    child?.kill('SIGKILL');
  };
  const handle = srv.inject(b.op, b.hold, { after: b.nth - 1, onFire });
  const run = await runBundle(e, pkgDir, buildDir, (c) => {
    child = c;
  });
  return { run, reached, fired: handle.fired };
}

describe('a run killed at each step boundary, then started again, converges', () => {
  for (const b of BOUNDARIES) {
    it(`killed ${b.name}`, async () => {
      killed.tried++;
      const e = await startEndpoints();
      try {
        useEndpoints(e);
        const base = await buildVersion('1.0.0');
        await publish(publishOptions(base)); // the document exists, so the killed run updates it
        // Versions created from now on stay Updating long enough to be seen so at the kill.
        e.ssm.config.statusDelayMs = 250;
        const pkg = validPackage();
        const k = await killedAt(e, pkg, path.join(tempDir('kill-'), 'build'), b);
        const where = `${b.op} request ${b.nth} of the run`;
        expect(k.reached, `the run ended (${k.run.code}) before ${where}: ${k.run.stdout}`).toBeDefined();
        expect(k.reached!.nth, `${b.op} requests in this run when it was held`).toBe(b.nth);
        expect(k.reached!.problems, `the state when killed ${b.name}`).toEqual([]);
        expect([k.fired, k.run.signal], 'the hold fired once and the run died of SIGKILL').toEqual([
          1,
          'SIGKILL',
        ]);
        killed.reached++;
        e.newRun(); // the re-run meets no fault
        const buildDir = path.join(tempDir('rerun-'), 'build');
        const again = await runBundle(e, pkg, buildDir);
        expect(again.code, again.stdout + again.stderr).toBe(0);
        const published = publishedFrom(buildDir, V3);
        expect(convergenceProblems(e, published, true, { earlier: [base] })).toEqual([]);
      } finally {
        await e.close();
      }
    });
  }
});
