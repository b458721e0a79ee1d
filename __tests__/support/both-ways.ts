// One scenario, two ways to run it: the committed bundle as the runner starts it (`node dist/index.js`
// with INPUT_* variables, as a child process) and run() in this process with the same environment (which
// coverage measures). Both give the same view: the step outputs, the job summary, the failure and what
// was printed.
import { type RunResult, runAction, runActionInProcess } from './runner.js';

export type Way = 'dist' | 'in-process';
export const WAYS: readonly Way[] = ['in-process', 'dist'];

export interface StepRun {
  way: Way;
  /** The step failed (exit code 1). */
  failed: boolean;
  /** What was printed when the step failed (the failure is its `::error::` line); empty on success. */
  failure: string;
  outputs: Record<string, string>;
  summary: string;
  heading: string;
  /** What was printed (progress lines, groups, annotations). */
  stdout: string;
}

export async function runStep(
  way: Way,
  inputs: Record<string, string>,
  env: Record<string, string>,
  o: { cwd?: string; timeoutMs?: number } = {},
): Promise<StepRun> {
  const r: RunResult =
    way === 'dist'
      ? await runAction(inputs, { env, ...(o.cwd ? { cwd: o.cwd } : {}), timeoutMs: o.timeoutMs ?? 90_000 })
      : await runActionInProcess(inputs, { env });
  const failed = r.code !== 0;
  return {
    way,
    failed,
    failure: failed ? r.stdout : '',
    outputs: r.outputs,
    summary: r.summary,
    heading: r.summary.split('\n')[0] ?? '',
    stdout: r.stdout,
  };
}
