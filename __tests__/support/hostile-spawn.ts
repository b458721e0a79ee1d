// Starts one run of a hostile tree: the CLI (bin/distributor.js → dist/cli) or dist/index.js in validate
// mode with the environment the runner gives a step. Killed after 10 s; file size capped; as root, run as
// nobody so that chmod means what it says.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type Expect, type Runner, type RunOutput, wantsJson } from './hostile-check.js';
import type { Sandbox } from './hostile-sandbox.js';
import { REPO } from './runner.js';

export interface Tree {
  id: string;
  cls: string;
  expect: Expect;
  /** Writes the package (and the output folder, when the tree is about it) into the sandbox. */
  build(sb: Sandbox): void;
  /** `--name` / `--version` on the CLI, the `name` / `version` inputs of the action. */
  given?: { name?: string; version?: string };
  /** The tree needs a user that chmod stops (not root). */
  needsUser?: boolean;
  /**
   * Folders (relative to the sandbox) of many entries: not listed in snapshots nor handed to nobody, and
   * the CLI and the action run one after the other in one sandbox (writing the tree twice would be slow).
   */
  bulk?: string[];
}

export const TIMEOUT_MS = 10_000;
/**
 * File size limit of the children (256 MiB), so that a run copying /dev/zero stops there. prlimit keeps
 * the environment whole; a shell would drop the INPUT_* names with hyphens.
 */
const FSIZE = 256 * 1024 * 1024;
const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => fs.existsSync(p));
const MAX_CAPTURE = 4 * 1024 * 1024;
const BUNDLES = [
  ['bin', 'distributor.js'],
  ['dist', 'index.js'],
  ['dist', 'cli', 'index.js'],
];

/**
 * Copies bin/ and dist/ as they are now into `dir` and returns it: the runs use the copy, so that a bundle
 * written meanwhile by another process cannot change (or remove) the tool half-way through the corpus.
 */
export function copyTool(dir: string): string {
  const missing = BUNDLES.map((p) => path.join(...p)).filter((p) => !fs.existsSync(path.join(REPO, p)));
  if (missing.length) throw new Error(`${missing.join(', ')} missing: bundle first (npm run bundle)`);
  for (const d of ['bin', 'dist']) fs.cpSync(path.join(REPO, d), path.join(dir, d), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  return dir;
}

/** Running as root, chmod stops nothing: the children then run as nobody, if they can. */
export const AS_UID: number | undefined = (() => {
  if (process.getuid?.() !== 0) return undefined;
  const probe = spawnSync(process.execPath, ['-e', ''], { uid: 65534, gid: 65534, cwd: '/' });
  return probe.status === 0 ? 65534 : undefined;
})();
export const SKIP_USER =
  process.getuid?.() === 0 && AS_UID === undefined
    ? 'running as root and unable to run the children as another user: chmod 000 does not stop root'
    : undefined;
export const RUN_AS =
  AS_UID === undefined ? `uid ${process.getuid?.()}` : `uid ${AS_UID} (nobody; tests run as root)`;

export interface RunPlace {
  tree: Tree;
  runner: Runner;
  sb: Sandbox;
  /** RUNNER_TEMP, with the GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and event files (outside the sandbox). */
  ghDir: string;
  /** The copy of bin/ and dist/ that is run (copyTool). */
  tool: string;
  /** V8's code cache for the bundles, shared by the runs (it only makes them start faster). */
  cacheDir: string;
}

function childEnv(p: RunPlace): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(INPUT_|GITHUB_|ACTIONS_|AWS_|RUNNER_|DISTRIBUTOR_|NODE_OPTIONS)/.test(k))
      env[k] = v;
  }
  // A run that reads /proc/self/environ and quotes it shows the canary too.
  env.HOSTILE_CANARY = p.sb.token;
  env.NODE_COMPILE_CACHE = p.cacheDir;
  if (p.runner === 'cli') return env;
  const { sb, ghDir, tree } = p;
  const given = tree.given ?? {};
  return {
    ...env,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: path.join(ghDir, 'output'),
    GITHUB_STEP_SUMMARY: path.join(ghDir, 'summary'),
    GITHUB_EVENT_PATH: path.join(ghDir, 'event.json'),
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_WORKSPACE: sb.root,
    GITHUB_REPOSITORY: 'fork/hostile',
    GITHUB_RUN_ID: '7',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REF: 'refs/pull/7/merge',
    RUNNER_TEMP: ghDir,
    INPUT_MODE: 'validate',
    'INPUT_PACKAGE-DIR': sb.pkg,
    'INPUT_OUTPUT-DIR': sb.out,
    'INPUT_UPLOAD-ARTIFACT': 'false',
    ...(given.name === undefined ? {} : { INPUT_NAME: given.name }),
    ...(given.version === undefined ? {} : { INPUT_VERSION: given.version }),
  };
}

function argsOf(p: RunPlace): string[] {
  if (p.runner === 'action') return [path.join(p.tool, 'dist', 'index.js')];
  const given = p.tree.given ?? {};
  return [
    path.join(p.tool, 'bin', 'distributor.js'),
    'build',
    p.sb.pkg,
    '--output-dir',
    p.sb.out,
    ...(given.name === undefined ? [] : ['--name', given.name]),
    ...(given.version === undefined ? [] : ['--version', given.version]),
    ...(wantsJson(p.tree.expect) ? ['--json'] : []),
  ];
}

/** Writes the runner's files for an action run (empty output and summary, an empty event). */
export function makeRunnerFiles(ghDir: string): void {
  fs.mkdirSync(ghDir, { recursive: true });
  for (const f of ['output', 'summary']) fs.writeFileSync(path.join(ghDir, f), '');
  fs.writeFileSync(path.join(ghDir, 'event.json'), '{}');
  if (AS_UID !== undefined)
    for (const f of ['', 'output', 'summary']) fs.chownSync(path.join(ghDir, f), AS_UID, AS_UID);
}

export type Spawned = Pick<RunOutput, 'code' | 'signal' | 'timedOut' | 'ms' | 'stdout' | 'stderr'>;

export function spawnRun(p: RunPlace): Promise<Spawned> {
  const argv = [process.execPath, ...argsOf(p)];
  const [cmd, ...args] = PRLIMIT ? [PRLIMIT, `--fsize=${FSIZE}`, '--', ...argv] : argv;
  const child = spawn(cmd!, args, {
    cwd: p.sb.root,
    env: childEnv(p),
    ...(AS_UID === undefined ? {} : { uid: AS_UID, gid: AS_UID }),
  });
  const started = Date.now();
  const out = { stdout: '', stderr: '' };
  const take = (k: 'stdout' | 'stderr') => (b: Buffer) => {
    if (out[k].length < MAX_CAPTURE) out[k] += b.toString('utf8');
  };
  child.stdout.on('data', take('stdout'));
  child.stderr.on('data', take('stderr'));
  // stdin stays open and silent: a run that reads /dev/stdin waits, and shows as a hang.
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, TIMEOUT_MS);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, signal, timedOut, ms: Date.now() - started, ...out });
    });
  });
}
