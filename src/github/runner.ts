// The GitHub runner's side of a run: inputs in, and a rendered report out as step outputs, annotations,
// log lines, the job summary and the step's result. The only module that calls @actions/core.
import * as core from '@actions/core';
import type { ActionReport } from '../report/action.js';

export const getInput = (name: string): string => core.getInput(name);

/** A progress line, while a mode runs. */
export const info = (line: string): void => core.info(line);

export function group<T>(title: string, fn: () => Promise<T>): Promise<T> {
  return core.group(title, fn);
}

/** Writes a report. The summary file is optional: outside a job (or when it cannot be written) it is skipped. */
export async function emit(r: ActionReport): Promise<void> {
  for (const [name, value] of r.outputs) core.setOutput(name, value);
  for (const a of r.annotations) {
    if (a.level === 'error') core.error(a.message, a.props);
    else if (a.level === 'warning') core.warning(a.message, a.props);
    else core.notice(a.message, a.props);
  }
  for (const line of r.debug) core.debug(line);
  for (const line of r.log) core.info(line);
  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(r.summary).write();
    } catch (e) {
      core.warning(`The job summary could not be written: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (r.failed !== undefined) core.setFailed(r.failed);
}
