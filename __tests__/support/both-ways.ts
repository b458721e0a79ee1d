// One scenario, two ways to run it: the committed bundle as the runner starts it (`node dist/index.js`
// with INPUT_* variables, as a child process) and runMode() in this process (which coverage measures).
// Both give the same view: the step outputs, the job summary, the failure message and what was printed.
import { vi } from 'vitest';
import { runMode } from '../../src/main.js';
import type { Outcome } from '../../src/modes/outcome.js';
import { renderAction } from '../../src/report/action.js';
import { INPUT_DEFAULTS, runAction } from './runner.js';

export type Way = 'dist' | 'in-process';
export const WAYS: readonly Way[] = ['in-process', 'dist'];

export interface StepRun {
  way: Way;
  /** The step failed (exit code 1 / a failure message). */
  failed: boolean;
  /** The failure message (in process) or the stdout (dist): what tests match the failure text in. */
  failure: string;
  outputs: Record<string, string>;
  summary: string;
  heading: string;
  /** What was printed (progress lines, groups, annotations). */
  stdout: string;
  /** In process only. */
  outcome: Outcome | undefined;
}

export async function runStep(
  way: Way,
  inputs: Record<string, string>,
  env: Record<string, string>,
  o: { cwd?: string; timeoutMs?: number } = {},
): Promise<StepRun> {
  if (way === 'dist') {
    const r = await runAction(inputs, {
      env,
      ...(o.cwd ? { cwd: o.cwd } : {}),
      timeoutMs: o.timeoutMs ?? 90_000,
    });
    const failed = r.code !== 0;
    return {
      way,
      failed,
      failure: failed ? r.stdout : '',
      outputs: r.outputs,
      summary: r.summary,
      heading: r.summary.split('\n')[0] ?? '',
      stdout: r.stdout,
      outcome: undefined,
    };
  }
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  const cwd = process.cwd();
  let outcome: Outcome;
  try {
    if (o.cwd) process.chdir(o.cwd);
    outcome = await runMode((n) => inputs[n] ?? INPUT_DEFAULTS[n] ?? '', env, Date.now());
  } finally {
    if (o.cwd) process.chdir(cwd);
    spy.mockRestore();
  }
  const r = renderAction(outcome);
  return {
    way,
    failed: r.failed !== undefined,
    failure: r.failed ?? '',
    outputs: Object.fromEntries(r.outputs),
    summary: r.summary,
    heading: r.summary.split('\n')[0] ?? '',
    stdout: written.join(''),
    outcome,
  };
}
