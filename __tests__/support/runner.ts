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

export async function runAction(
  inputs: Record<string, string>,
  opts: {
    cwd?: string;
    env?: Record<string, string>;
    event?: object;
    timeoutMs?: number;
    entry?: string;
    /** Called with the child as soon as it is spawned (to kill it at a chosen moment). */
    onSpawn?: (child: ChildProcess) => void;
  } = {},
): Promise<RunResult> {
  const work = tempDir('runner-');
  const outputFile = path.join(work, 'output');
  const summaryFile = path.join(work, 'summary');
  const eventFile = path.join(work, 'event.json');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  writeFileSync(eventFile, JSON.stringify(opts.event ?? {}));
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
  const cwd = opts.cwd ?? REPO;
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_WORKSPACE: cwd,
    GITHUB_REPOSITORY: 'acme/agents',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REF: 'refs/pull/7/merge',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    RUNNER_TEMP: work,
  });
  // As the runner does: every declared input is set, to its default when `with:` leaves it out.
  for (const [k, v] of Object.entries({ ...INPUT_DEFAULTS, ...inputs })) env[`INPUT_${k.toUpperCase()}`] = v;
  Object.assign(env, opts.env ?? {});
  const started = Date.now();
  const child = spawn(process.execPath, [opts.entry ?? path.join(REPO, 'dist', 'index.js')], { cwd, env });
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
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
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
