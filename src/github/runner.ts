// The GitHub runner's side of a run: inputs in, and a rendered report out as step outputs, annotations,
// log lines, the job summary and the step's result. The only module that calls @actions/core.
//
// The last barrier before stdout: every string is scrubbed of the credentials in the environment, and
// every plain log line goes through logLine (no line can start a workflow command). The only workflow
// commands on stdout are the ones @actions/core writes here, with its own escaping.
import * as core from '@actions/core';
import { credentialValues, scrubSecrets } from '../errors.js';
import { type ActionReport, ANNOTATIONS_PER_LEVEL } from '../report/action.js';
import { logLines } from '../report/escape.js';

export const getInput = (name: string): string => core.getInput(name);

const clean = (s: string): string => scrubSecrets(s, process.env);

/** Registers the AWS credentials of the environment as secrets: the runner masks them in the log. */
export function registerSecrets(env: Record<string, string | undefined> = process.env): void {
  for (const value of credentialValues(env)) core.setSecret(value);
}

/** A progress line, while a mode runs (several lines, if it holds line breaks, each made safe). */
export const info = (line: string): void => {
  for (const l of logLines(clean(line))) core.info(l);
};

export function group<T>(title: string, fn: () => Promise<T>): Promise<T> {
  return core.group(clean(title), fn);
}

function annotate(a: ActionReport['annotations'][number]): void {
  const props = a.props && {
    ...a.props,
    title: clean(a.props.title),
    ...(a.props.file === undefined ? {} : { file: clean(a.props.file) }),
  };
  const message = clean(a.message);
  if (a.level === 'error') core.error(message, props);
  else if (a.level === 'warning') core.warning(message, props);
  else core.notice(message, props);
}

/**
 * GitHub shows 10 annotations of each level per step and 50 per job; the report keeps within that already
 * (renderAction), and this is the guard: an annotation over the limit is written as a plain log line.
 */
function annotator(failing: boolean): (a: ActionReport['annotations'][number]) => void {
  // The failure is an error annotation too (core.setFailed), written last.
  const used = { error: failing ? 1 : 0, warning: 0, notice: 0 };
  return (a) => {
    if (used[a.level] >= ANNOTATIONS_PER_LEVEL) return info(`${a.level}: ${a.message}`);
    used[a.level]++;
    annotate(a);
  };
}

/** Writes a report. The summary file is optional: outside a job (or when it cannot be written) it is skipped. */
export async function emit(r: ActionReport): Promise<void> {
  const note = annotator(r.failed !== undefined);
  for (const [name, value] of r.outputs) core.setOutput(name, clean(value));
  for (const a of r.annotations) note(a);
  for (const line of r.debug) core.debug(clean(line));
  for (const line of r.log) info(line);
  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(clean(r.summary)).write();
    } catch (e) {
      const message = `The job summary could not be written: ${e instanceof Error ? e.message : String(e)}`;
      note({ level: 'warning', message, props: undefined });
    }
  }
  if (r.failed !== undefined) core.setFailed(clean(r.failed));
}

/** The last resort when a report could not be written (a GITHUB_OUTPUT that fails): the step fails, in one line. */
export function reportCrash(e: unknown): void {
  core.setFailed(
    clean(`Could not report the result: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`),
  );
  if (e instanceof Error && e.stack) core.debug(clean(e.stack));
}
