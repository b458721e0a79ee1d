// Reliability figures: every AWS operation publish uses × every fault kind that applies × 1 and 2 faults
// must converge to exactly one Active version with our manifest, our bytes in S3, our default and tags.
// And a run killed (SIGKILL) at each step boundary, then started again, must converge the same way.
// RELIABILITY_TRIALS sets trials per (operation, kind, count): 1 in the normal suite, more in
// `npm run reliability`, which prints the figures.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { publish } from '../src/aws/publish.js';
import {
  BUCKET,
  type Built,
  buildVersion,
  convergenceProblems,
  type Endpoints,
  NAME,
  PREFIX,
  publishOptions,
  restoreAwsEnvAfterAll,
  startEndpoints,
  useEndpoints,
} from './support/aws-env.js';
import { sha256 } from './support/hash.js';
import { cleanupTemp, tempDir, validPackage } from './support/pkg.js';
import { REPO } from './support/runner.js';

const TRIALS = Number(process.env.RELIABILITY_TRIALS ?? '1');
// A timed-out test would keep running in the background and repoint process.env under the next one.
const TEST_TIMEOUT_MS = Math.max(60_000, TRIALS * 20_000);
// publish() runs on a fast clock (aws-env), so only the request timeout is real time: short, where a
// request is held unanswered, so that the SDK gives up on it soon; otherwise generous.
const REQUEST_TIMEOUT_MS = { stall: 150, other: 1000 };
const TAGS = [{ Key: 'team', Value: 'platform' }];

type Target = 'ssm' | 's3' | 'sts';
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

restoreAwsEnvAfterAll();

const figures = new Map<string, { trials: number; converged: number; failures: string[] }>();
let v1: Built;
let v2: Built;

afterAll(() => {
  const rows = [...figures.entries()];
  if (rows.length > 0) {
    const byKind = new Map<string, { trials: number; converged: number }>();
    const lines = ['', 'operation                      fault               count  trials  converged'];
    for (const [key, f] of rows) {
      const [op, kind, count] = key.split('|') as [string, string, string];
      lines.push(
        `${op.padEnd(30)} ${kind.padEnd(19)} ${count.padStart(5)}  ${String(f.trials).padStart(6)}  ${String(f.converged).padStart(9)}`,
      );
      const k = byKind.get(kind) ?? { trials: 0, converged: 0 };
      k.trials += f.trials;
      k.converged += f.converged;
      byKind.set(kind, k);
    }
    lines.push('', 'per fault kind (all operations, 1 and 2 faults):');
    for (const [kind, k] of byKind) lines.push(`  ${kind.padEnd(19)} ${k.converged}/${k.trials} converged`);
    const total = rows.reduce((a, [, f]) => a + f.trials, 0);
    const ok = rows.reduce((a, [, f]) => a + f.converged, 0);
    lines.push(`total: ${ok}/${total} trials converged to exactly one Active version`);
    console.log(lines.join('\n'));
  }
  cleanupTemp();
});

type Inject = (op: string, fault: string, o: { times: number; after?: number }) => { readonly fired: number };
const server = (e: Endpoints, target: Target) => (target === 'ssm' ? e.ssm : target === 's3' ? e.s3 : e.sts);

async function trial(target: Target, op: string, kind: string, count: number): Promise<string[]> {
  const e = await startEndpoints();
  try {
    useEndpoints(e);
    const firstVersion = op === 'CreateDocument';
    if (!firstVersion) await publish(publishOptions(v1));
    const fault = (server(e, target).inject as Inject)(op, kind, { times: count });
    const b = firstVersion ? v1 : v2;
    const requestTimeoutMs = kind === 'stall' ? REQUEST_TIMEOUT_MS.stall : REQUEST_TIMEOUT_MS.other;
    const r = await publish(publishOptions(b, { setDefault: true, tags: TAGS, requestTimeoutMs }));
    const problems = convergenceProblems(e, b, true);
    // The trial counts only if the fault really happened as often as asked.
    if (fault.fired !== count) problems.push(`the fault fired ${fault.fired}×, not ${count}×`);
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
  it('builds the two versions used by every trial', async () => {
    v1 = await buildVersion('1.0.0');
    v2 = await buildVersion('2.0.0', 'two');
    expect(v2.manifestBytes.equals(v1.manifestBytes)).toBe(false);
  });
  for (const [target, op, kinds] of MATRIX) {
    for (const kind of kinds) {
      for (const count of [1, 2]) {
        it(
          `${op} × ${kind} × ${count}`,
          async () => {
            const key = `${op}|${kind}|${count}`;
            const f = figures.get(key) ?? { trials: 0, converged: 0, failures: [] };
            figures.set(key, f);
            for (let i = 0; i < TRIALS; i++) {
              const problems = await trial(target, op, kind, count);
              f.trials++;
              if (problems.length === 0) f.converged++;
              else f.failures.push(problems.join('; '));
            }
            expect(f.failures).toEqual([]);
          },
          TEST_TIMEOUT_MS,
        );
      }
    }
  }
});

// ---------------------------------------------------------------- killed at a step boundary

/** Runs the committed bundle in publish mode; `killAt` parks the run at an operation and SIGKILLs it there. */
async function runBundle(
  e: Endpoints,
  pkgDir: string,
  killAt?: { target: Target; op: string; nth: number },
): Promise<{ code: number | null; killed: boolean; stdout: string; buildDir: string }> {
  const work = tempDir('kill-');
  for (const f of ['out', 'summary']) writeFileSync(path.join(work, f), '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...e.env,
    INPUT_MODE: 'publish',
    'INPUT_PACKAGE-DIR': pkgDir,
    'INPUT_OUTPUT-DIR': path.join(work, 'build'),
    INPUT_VERSION: '3.0.0',
    'INPUT_S3-BUCKET': BUCKET,
    'INPUT_S3-PREFIX': PREFIX,
    'INPUT_SET-DEFAULT': 'true',
    'INPUT_UPLOAD-ARTIFACT': 'false',
    'INPUT_REQUEST-TIMEOUT-SECONDS': '5',
    'INPUT_WAIT-TIMEOUT-SECONDS': '30',
    GITHUB_OUTPUT: path.join(work, 'out'),
    GITHUB_STEP_SUMMARY: path.join(work, 'summary'),
  };
  // Calls of the operation made by this run count (the endpoints also saw the setup's calls).
  const calls = killAt ? (server(e, killAt.target).calls as (op?: string) => unknown[]) : () => [];
  const before = killAt ? calls(killAt.op).length : 0;
  const child = spawn(process.execPath, [path.join(REPO, 'dist', 'index.js')], { env });
  let stdout = '';
  child.stdout.on('data', (b) => {
    stdout += b;
  });
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  let killed = false;
  if (killAt) {
    const count = () => calls(killAt.op).length - before;
    const deadline = Date.now() + 20_000;
    while (count() < killAt.nth && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 5));
    }
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      killed = true;
    }
  }
  return { code: await done, killed, stdout, buildDir: path.join(work, 'build') };
}

// Where a run can die: before or after each call that changes something, and while waiting.
type Boundary = { name: string; target: Target; op: string; nth: number; stall: string };
const at = (name: string, target: Target, op: string, nth = 1, stall = 'stall'): Boundary => ({
  name,
  target,
  op,
  nth,
  stall,
});
const BOUNDARIES: Boundary[] = [
  at('at the identity call', 'sts', 'GetCallerIdentity'),
  at('before the first upload', 's3', 'PutObject'),
  at('after the first upload, before the second', 's3', 'PutObject', 2),
  at('after all uploads, before the version is created', 'ssm', 'UpdateDocument'),
  at('after the version was created (lost answer)', 'ssm', 'UpdateDocument', 1, 'reset-after-commit'),
  at('while waiting for Active', 'ssm', 'DescribeDocument'),
  at('while verifying', 'ssm', 'GetDocument'),
  at('before the default is set', 'ssm', 'UpdateDocumentDefaultVersion'),
];

describe('a run killed at each step boundary, then started again, converges', () => {
  for (const b of BOUNDARIES) {
    it(`killed ${b.name}`, async () => {
      const e = await startEndpoints({ statusDelayMs: 100 });
      try {
        useEndpoints(e);
        const pkg = validPackage();
        const base = await buildVersion('1.0.0');
        await publish(publishOptions(base)); // the document exists, so the killed run updates it
        // The nth call of the operation is held (or answered after committing) and the run killed there.
        const fault = (server(e, b.target).inject as Inject)(b.op, b.stall, { times: 1, after: b.nth - 1 });
        const first = await runBundle(e, pkg, b);
        expect(first.killed, `the run finished before reaching ${b.op}: ${first.stdout}`).toBe(true);
        expect(fault.fired, `the ${b.stall} fault on ${b.op} call ${b.nth}`).toBe(1);
        const second = await runBundle(e, pkg);
        expect(second.code, second.stdout).toBe(0);
        const versions = e.ssm.versions(NAME).filter((v) => v.versionName === '3.0.0');
        expect(versions).toHaveLength(1);
        expect(versions[0]!.status).toBe('Active');
        expect(e.ssm.document(NAME)?.defaultVersion).toBe(versions[0]!.documentVersion);
        // Every key under the version prefix holds exactly what the re-run built (and nothing else is there).
        const prefix = `${PREFIX}/${NAME}/3.0.0/`;
        const keys = e.s3
          .keys(BUCKET, prefix)
          .map((k) => k.slice(prefix.length))
          .sort();
        expect(keys).toEqual(readdirSync(second.buildDir).sort());
        for (const k of keys) {
          const stored = e.s3.object(BUCKET, prefix + k)!.body;
          expect(sha256(stored), k).toBe(sha256(readFileSync(path.join(second.buildDir, k))));
        }
      } finally {
        await e.close();
      }
    });
  }
});
