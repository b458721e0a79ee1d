// An outcome as the runner shows it: step outputs, annotations, log lines, the job summary and the
// failure message. Pure: main.ts writes what this returns through @actions/core.
import path from 'node:path';
import { changedAnything } from '../aws/progress.js';
import type { Outcome } from '../modes/outcome.js';
import { type AnnotationProps, annotationProps, countBySeverity, plural } from './diagnostics.js';
import { oneLine } from './escape.js';
import { headline, withHint } from './headline.js';
import { previewText } from './preview.js';
import { summaryMarkdown } from './summary.js';

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  props: AnnotationProps | undefined;
}

export interface ActionReport {
  /** Step outputs, in a stable order. */
  outputs: [string, string][];
  annotations: Annotation[];
  /** Plain log lines (`core.info`). */
  log: string[];
  /** Lines shown only with debug logging (stack traces). */
  debug: string[];
  summary: string;
  /** The step's failure message (`core.setFailed`), when it failed. */
  failed: string | undefined;
}

function outputs(o: Outcome): [string, string][] {
  const b = o.build;
  const out: [string, string][] = [];
  if (b) {
    const c = countBySeverity(b.diagnostics);
    const built = b.ok ? b.output : undefined;
    out.push(
      ['package-name', b.name ?? ''],
      ['version', b.version ?? ''],
      ['errors', String(c.errors)],
      ['warnings', String(c.warnings)],
      ['output-dir', built?.dir ?? ''],
      ['manifest-path', built?.manifestPath ?? ''],
      ['manifest-sha256', built?.manifestSha256 ?? ''],
      [
        'files',
        JSON.stringify((built?.files ?? []).map((f) => ({ name: f.name, size: f.size, sha256: f.sha256 }))),
      ],
    );
  }
  const a = o.artifact;
  if (a && a.status !== 'skipped') {
    out.push(['artifact-name', a.name]);
    if (a.id !== undefined) out.push(['artifact-id', String(a.id)]);
  }
  const p = o.publish;
  if (p) {
    out.push(
      ['document-name', p.documentName],
      ['document-arn', p.documentArn],
      ['document-version', p.documentVersion],
      ['version-name', p.versionName],
      ['default-version', p.defaultVersion],
      ['previous-default-version', p.previousDefaultVersion ?? ''],
      ['status', p.status],
      ['changed', String(p.changed)],
      ['version-created', String(p.versionCreated)],
      ['default-changed', String(p.defaultChanged)],
      ['s3-uri', p.s3Uri],
    );
  }
  const partial = o.progress;
  if (partial) {
    // A publish that failed part-way: what it changed is still true.
    if (partial.documentVersion !== undefined) out.push(['document-version', partial.documentVersion]);
    if (partial.defaultChanged) out.push(['previous-default-version', partial.previousDefaultVersion ?? '']);
    out.push(
      ['changed', String(changedAnything(partial))],
      ['version-created', String(partial.versionCreated)],
      ['default-changed', String(partial.defaultChanged)],
      ['s3-uri', partial.s3Uri ?? ''],
    );
  }
  if (o.failure) out.push(['error-kind', o.failure.type === 'error' ? o.failure.error.kind : 'package']);
  // Names and paths from the package or the inputs stay one line (`files` is JSON, escaped already).
  return out.map(([k, v]) => [k, k === 'files' ? v : oneLine(v)]);
}

function annotations(o: Outcome): Annotation[] {
  const out: Annotation[] = (o.build?.diagnostics ?? []).map((d) => ({
    level: d.severity,
    message: d.message,
    props: annotationProps(d),
  }));
  if (o.artifact?.status === 'exists' && o.artifact.reason)
    out.push({ level: 'warning', message: o.artifact.reason, props: { title: 'artifact exists' } });
  return out;
}

/** One value per line: every name is oneLine'd here, and the runner makes each line safe again (logLine). */
function logLines(o: Outcome, cwd: string): string[] {
  const out: string[] = [];
  const b = o.build;
  if (b && b.preview.length > 0) out.push('Which ZIP each host gets:', ...previewText(b.preview).split('\n'));
  const built = b?.ok ? b.output : undefined;
  if (built) {
    for (const f of built.files) out.push(`${oneLine(f.name)}  ${f.size} bytes  sha256 ${f.sha256}`);
    out.push(`Wrote ${oneLine(path.relative(cwd, built.manifestPath))} (sha256 ${built.manifestSha256}).`);
  }
  const a = o.artifact;
  if (a?.status === 'uploaded') out.push(`Uploaded artifact "${oneLine(a.name)}" (${a.size ?? 0} bytes).`);
  if (a?.status === 'skipped' && a.reason) out.push(oneLine(a.reason));
  out.push(headline(o).text);
  return out;
}

function failureMessage(o: Outcome): string | undefined {
  const f = o.failure;
  if (!f) return undefined;
  if (f.type === 'error') {
    const e = f.error;
    const built =
      o.build?.ok && o.build.output && f.stage === 'artifact'
        ? ` (the build succeeded: ${o.build.output.dir})`
        : '';
    return withHint(`${e.message}${built}`, e.hint);
  }
  const c = countBySeverity(o.build?.diagnostics ?? []);
  const nothing = o.mode === 'publish' ? ' Nothing was uploaded or published.' : '';
  if (f.reason === 'warnings')
    return `${plural(c.warnings, 'warning')} in ${o.packageDir}, and fail-on-warnings is set.${nothing}`;
  return `${plural(c.errors, 'error')} in ${o.packageDir}; see the annotations and the job summary.${nothing}`;
}

export function renderAction(o: Outcome, cwd = process.cwd()): ActionReport {
  const f = o.failure;
  const debug: string[] = [];
  if (f?.type === 'error' && f.error.kind === 'internal') {
    const cause = f.error.cause;
    debug.push(cause instanceof Error && cause.stack ? cause.stack : String(cause ?? f.error.stack));
  }
  return {
    outputs: outputs(o),
    annotations: annotations(o),
    log: logLines(o, cwd),
    debug,
    summary: summaryMarkdown(o),
    failed: failureMessage(o),
  };
}
