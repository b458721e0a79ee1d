// Runs the committed bundle the way the GitHub runner does: `node dist/index.js` with INPUT_* variables
// (hyphens kept), GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and the event context.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { tempDir } from './pkg.js';

export const REPO = path.resolve(import.meta.dirname, '..', '..');

/** The inputs' defaults action.yml declares: the runner passes each as INPUT_* when `with:` leaves it out. */
export const INPUT_DEFAULTS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(
    (
      parse(readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as {
        inputs: Record<string, { default?: unknown }>;
      }
    ).inputs,
  ).map(([k, v]) => [k, v.default === undefined ? '' : String(v.default)]),
);

export interface RunResult {
  code: number | null;
  /** The signal that ended the run (`SIGKILL` for a run killed through `onSpawn`, or on timeout). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  ms: number;
}

/** Parses the GITHUB_OUTPUT file format (`name<<delimiter` blocks). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (m) {
      const [, name, delim] = m as unknown as [string, string, string];
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i] ?? '');
      out[name] = value.join('\n');
    } else if (lines[i]?.includes('=')) {
      const [k, ...v] = (lines[i] ?? '').split('=');
      out[k!] = v.join('=');
    }
  }
  return out;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  event?: object;
  timeoutMs?: number;
  entry?: string;
  /** Called with the child as soon as it is spawned (to kill it at a chosen moment). */
  onSpawn?: (child: ChildProcess) => void;
}

/** The environment a step gets from the runner: GITHUB_* files and context, every input as INPUT_*. */
function stepEnv(
  inputs: Record<string, string>,
  opts: RunOptions,
  files: { work: string; output: string; summary: string; event: string },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      v === undefined ||
      k.startsWith('INPUT_') ||
      k.startsWith('ACTIONS_') ||
      k.startsWith('GITHUB_') ||
      k.startsWith('AWS_')
    )
      continue;
    env[k] = v;
  }
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_WORKSPACE: opts.cwd ?? REPO,
    GITHUB_REPOSITORY: 'acme/agents',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REF: 'refs/pull/7/merge',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    RUNNER_TEMP: files.work,
  });
  // As the runner does: every declared input is set, to its default when `with:` leaves it out.
  for (const [k, v] of Object.entries({ ...INPUT_DEFAULTS, ...inputs })) env[`INPUT_${k.toUpperCase()}`] = v;
  Object.assign(env, opts.env ?? {});
  return env;
}

function stepFiles(event: object | undefined, dir = tempDir('runner-')) {
  const files = {
    work: dir,
    output: path.join(dir, 'output'),
    summary: path.join(dir, 'summary'),
    event: path.join(dir, 'event.json'),
  };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  writeFileSync(files.event, JSON.stringify(event ?? {}));
  return files;
}

export async function runAction(inputs: Record<string, string>, opts: RunOptions = {}): Promise<RunResult> {
  const files = stepFiles(opts.event);
  const env = stepEnv(inputs, opts, files);
  const started = Date.now();
  const child = spawn(process.execPath, [opts.entry ?? path.join(REPO, 'dist', 'index.js')], {
    cwd: opts.cwd ?? REPO,
    env,
  });
  opts.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b) => {
    stdout += b;
  });
  child.stderr.on('data', (b) => {
    stderr += b;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, sig) => resolve([c, sig])),
  );
  clearTimeout(timer);
  return {
    code,
    signal,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
    ms: Date.now() - started,
  };
}

/**
 * The same step run in this process (so coverage measures it): the environment runAction gives the child is
 * put in process.env, src/main.ts run() runs with stdout captured, and everything is put back. The step
 * files live in one folder for the whole test process: @actions/core keeps the summary path it first saw.
 */
let inProcessDir: string | undefined;
export async function runActionInProcess(
  inputs: Record<string, string>,
  opts: Pick<RunOptions, 'env' | 'event'> = {},
): Promise<RunResult> {
  inProcessDir ??= tempDir('runner-in-process-');
  const files = stepFiles(opts.event, inProcessDir);
  const env = stepEnv(inputs, opts, files);
  const saved = { ...process.env };
  const exitCode = process.exitCode;
  const written: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const started = Date.now();
  process.stdout.write = ((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  let code: number;
  try {
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, env);
    process.exitCode = 0;
    const { run } = await import('../../src/main.js');
    await run();
    code = Number(process.exitCode ?? 0);
  } finally {
    process.stdout.write = write;
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, saved);
    process.exitCode = exitCode;
  }
  return {
    code,
    signal: null,
    stdout: written.join(''),
    stderr: '',
    outputs: parseOutputFile(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
    ms: Date.now() - started,
  };
}

/** Workflow commands (`::error file=…,line=…::message`) printed by the run. */
export function annotations(
  stdout: string,
): { level: string; props: Record<string, string>; message: string }[] {
  const out: { level: string; props: Record<string, string>; message: string }[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const props: Record<string, string> = {};
    for (const kv of (m[2] ?? '').split(',')) {
      const i = kv.indexOf('=');
      if (i > 0)
        props[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1).replace(/%(?![0-9A-F]{2})/g, '%25'));
    }
    out.push({
      level: m[1]!,
      props,
      message: decodeURIComponent((m[3] ?? '').replace(/%(?![0-9A-F]{2})/g, '%25')),
    });
  }
  return out;
}
