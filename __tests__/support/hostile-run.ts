// Runs every hostile tree through the CLI and through dist/index.js, each run in its own sandbox (bulk
// trees: one sandbox, one run after the other), a few child processes at a time, and judges each run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type Expect,
  holdsCanary,
  judge,
  type Runner,
  type RunOutput,
  type Verdict,
  wantsJson,
} from './hostile-check.js';
import {
  changes,
  chownTree,
  readSince,
  removeTree,
  resetAtimes,
  Sandbox,
  type Snapshot,
  snapshot,
  walkTree,
} from './hostile-sandbox.js';
import {
  AS_UID,
  copyTool,
  makeRunnerFiles,
  RUN_AS,
  type RunPlace,
  SKIP_USER,
  spawnRun,
  type Tree,
} from './hostile-spawn.js';
import { parseOutputFile } from './runner.js';

export type { Tree } from './hostile-spawn.js';

/** A class's tree maker: `t(id, expect, build, more)`. */
export function treesOf(cls: string) {
  return (id: string, expect: Expect, build: (sb: Sandbox) => void, more: Partial<Tree> = {}): Tree => ({
    id,
    cls,
    expect,
    build,
    ...more,
  });
}

const WORKERS = 4;
const RUNNERS: readonly Runner[] = ['cli', 'action'];

/** A tree written into its sandboxes, or why it could not be. */
type Prepared = { tree: Tree; jobs: Job[] } | { tree: Tree; error: unknown };

/** One sandbox and the runs made in it. */
interface Job {
  tree: Tree;
  sb: Sandbox;
  runners: readonly Runner[];
}

function prepare(tree: Tree, corpus: string): Job[] {
  const groups = tree.bulk ? [RUNNERS] : RUNNERS.map((r) => [r]);
  return groups.map((runners) => {
    const sb = new Sandbox(path.join(corpus, tree.id, runners.length > 1 ? 'both' : runners[0]!));
    tree.build(sb);
    if (AS_UID !== undefined) chownTree(sb.root, AS_UID, tree.bulk);
    return { tree, sb, runners };
  });
}

/** Every regular file under the output folder (links not followed) that holds the canary, ZIPs unzipped. */
function outLeaks(dir: string, token: string, root: string): string[] {
  const hits: string[] = [];
  walkTree(dir, (abs, st) => {
    if (!st?.isFile()) return;
    const bytes = fs.readFileSync(abs);
    let inside: Buffer = Buffer.alloc(0);
    if (bytes.subarray(0, 2).toString('latin1') === 'PK') {
      // The first 64 MiB of what the entries hold (a copied bomb is not inflated whole).
      const unzip = spawnSync('sh', ['-c', 'unzip -p "$0" 2>/dev/null | head -c 67108864', abs.toString()], {
        maxBuffer: 80 * 1024 * 1024,
      });
      inside = unzip.stdout ?? inside;
    }
    if (holdsCanary(bytes, token) || holdsCanary(inside, token) || holdsCanary(abs, token))
      hits.push(path.relative(root, abs.toString()));
  });
  return hits;
}

const exists = (p: string) => {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

/** Drops the output folder's entries from a snapshot (relative names). */
function without(snap: Snapshot, rel: string): Snapshot {
  if (rel.startsWith('..') || path.isAbsolute(rel)) return snap;
  return new Map([...snap].filter(([k]) => k !== rel && !k.startsWith(`${rel}/`)));
}

async function runOnce(p: RunPlace): Promise<Verdict> {
  const { sb, tree, runner } = p;
  const outExisted = exists(sb.outAbs);
  const before = snapshot(sb.root, tree.bulk);
  const watched = sb.watched();
  resetAtimes(watched);
  const ran = await spawnRun(p);
  const read = readSince(watched).map((f) => path.relative(sb.root, f));
  // A successful run may write its output folder; any other leaves everything as it was.
  const outRel = path.relative(sb.root, sb.outAbs);
  const ok = ran.code === 0;
  const after = snapshot(sb.root, tree.bulk);
  const wrote = changes(ok ? without(before, outRel) : before, ok ? without(after, outRel) : after);
  const inOutside = sb.outAbs.startsWith(sb.at('outside'));
  const leaks = (!outExisted || ok) && !inOutside ? outLeaks(sb.outAbs, sb.token, sb.root) : [];
  if (!outExisted && tree.bulk) fs.rmSync(sb.outAbs, { recursive: true, force: true });
  const outputFile = runner === 'action' ? fs.readFileSync(path.join(p.ghDir, 'output'), 'utf8') : '';
  const r: RunOutput = {
    ...ran,
    summary: runner === 'action' ? fs.readFileSync(path.join(p.ghDir, 'summary'), 'utf8') : '',
    outputFile,
    outputs: parseOutputFile(outputFile),
    json: runner === 'cli' && wantsJson(tree.expect),
  };
  return judge(tree, runner, sb.token, r, { read, wrote, outLeaks: leaks });
}

/** A run the harness itself could not check is a failure of that tree, never a pass. */
function harnessError(tree: Tree, runner: Runner, e: unknown): Verdict {
  const problem = `${tree.id} [${runner}]: the harness failed: ${(e as Error).message}`;
  const no = {
    crash: false,
    hang: false,
    readOutside: false,
    writeOutside: false,
    injection: false,
    leak: false,
  };
  return { tree: tree.id, cls: tree.cls, runner, problems: [problem], ms: 0, ...no };
}

async function runJob(job: Job, corpus: string, tool: string): Promise<Verdict[]> {
  const out: Verdict[] = [];
  for (const runner of job.runners) {
    const ghDir = path.join(corpus, job.tree.id, `${runner}-runner`);
    const place: RunPlace = {
      tree: job.tree,
      runner,
      sb: job.sb,
      ghDir,
      tool,
      cacheDir: path.join(corpus, '.v8-cache'),
    };
    try {
      makeRunnerFiles(ghDir);
      out.push(await runOnce(place));
    } catch (e) {
      out.push(harnessError(job.tree, runner, e));
    }
  }
  return out;
}

async function pool<T, R>(items: readonly T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return results;
}

export interface CorpusResult {
  skipped: { id: string; reason: string }[];
  verdicts: Verdict[];
  /** Names left next to the sandboxes (writes that escaped them), as `<tree id>/<name>`. */
  stray: string[];
  ms: number;
  prepareMs: number;
  cleanup(): void;
}

/** What is in the corpus folder that no sandbox or runner folder accounts for. */
function strayNames(corpus: string, trees: readonly Tree[]): string[] {
  const stray: string[] = [];
  const expected = new Set(['cli', 'action', 'both', 'cli-runner', 'action-runner']);
  for (const name of fs.readdirSync(corpus)) {
    if (name === '.v8-cache' || name === '.tool') continue;
    if (!trees.some((t) => t.id === name)) stray.push(name);
    else
      for (const n of fs.readdirSync(path.join(corpus, name)))
        if (!expected.has(n)) stray.push(`${name}/${n}`);
  }
  return stray;
}

export async function runCorpus(trees: readonly Tree[]): Promise<CorpusResult> {
  const started = Date.now();
  const corpus = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
  fs.chmodSync(corpus, 0o755);
  let tool: string;
  try {
    fs.mkdirSync(path.join(corpus, '.tool'));
    tool = copyTool(path.join(corpus, '.tool'));
  } catch (e) {
    removeTree(corpus);
    throw e;
  }
  fs.mkdirSync(path.join(corpus, '.v8-cache'));
  if (AS_UID !== undefined) fs.chownSync(path.join(corpus, '.v8-cache'), AS_UID, AS_UID);
  const skipped = SKIP_USER
    ? trees.filter((t) => t.needsUser).map((t) => ({ id: t.id, reason: SKIP_USER! }))
    : [];
  const run = trees.filter((t) => !skipped.some((s) => s.id === t.id));
  const prep = (tree: Tree): Prepared => {
    try {
      return { tree, jobs: prepare(tree, corpus) };
    } catch (error) {
      return { tree, error };
    }
  };
  // The big trees are written first, before any run (writing them would stall the runs' timers), and run
  // first, so that they do not finish last alone; the others are written when their turn comes.
  const items: (Prepared | Tree)[] = [...run.filter((t) => t.bulk).map(prep), ...run.filter((t) => !t.bulk)];
  const prepared = Date.now();
  const verdicts = (
    await pool(items, WORKERS, async (item) => {
      const p = 'build' in item ? prep(item) : item;
      if ('error' in p) return RUNNERS.map((r) => harnessError(p.tree, r, p.error));
      const out: Verdict[] = [];
      for (const job of p.jobs) out.push(...(await runJob(job, corpus, tool)));
      return out;
    })
  ).flat();
  return {
    skipped,
    verdicts,
    stray: strayNames(corpus, run),
    ms: Date.now() - started,
    prepareMs: prepared - started,
    cleanup: () => removeTree(corpus),
  };
}

/** The one-line figures for the closing note, computed from the verdicts. */
export function summaryLine(r: CorpusResult): string {
  const ids = (f: (v: Verdict) => boolean) => new Set(r.verdicts.filter(f).map((v) => v.tree));
  const tried = ids(() => true).size;
  const wrong = new Set([...ids((v) => v.problems.length > 0), ...r.stray.map((s) => s.split('/')[0]!)]);
  const writes = new Set([...ids((v) => v.writeOutside), ...r.stray.map((s) => s.split('/')[0]!)]);
  const skipped = r.skipped.length ? `; skipped ${r.skipped.length} (${r.skipped[0]!.reason})` : '';
  const secs = (ms: number) => (ms / 1000).toFixed(1);
  const slowest = r.verdicts.reduce((a, b) => (b.ms > a.ms ? b : a), r.verdicts[0]!);
  return (
    `hostile trees: tried ${tried}, handled right ${tried - wrong.size}, crashes ${ids((v) => v.crash).size}, ` +
    `hangs ${ids((v) => v.hang).size}, reads outside ${ids((v) => v.readOutside).size}, ` +
    `writes outside ${writes.size}, injections ${ids((v) => v.injection).size}, ` +
    `canary leaks ${ids((v) => v.leak).size}; ${r.verdicts.length} runs as ${RUN_AS} in ${secs(r.ms)} s ` +
    `(${secs(r.prepareMs)} s writing the big trees; slowest run ${slowest.tree} [${slowest.runner}] ${secs(slowest.ms)} s)${skipped}`
  );
}
