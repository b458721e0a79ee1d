// An outcome as the runner shows it: step outputs, annotations, log lines, the job summary and the
// failure message. Pure: main.ts writes what this returns through @actions/core.
import path from 'node:path';
import { changedAnything, type PruneReport, type SharingReport } from '../aws/progress.js';
import type { Outcome } from '../modes/outcome.js';
import type { Diagnostic } from '../package/types.js';
import {
  type AnnotationProps,
  annotationProps,
  CLI_PLACES,
  countBySeverity,
  otherPlaces,
  plural,
} from './diagnostics.js';
import { oneLine } from './escape.js';
import { headline, withHint } from './headline.js';
import { previewText } from './preview.js';
import { regionsReportJson, releaseOf, rolloutReportJson } from './release.js';
import { summaryMarkdown } from './summary.js';

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  props: AnnotationProps | undefined;
}

export interface ActionReport {
  /** Step outputs, in a stable order. */
  outputs: [string, string][];
  /** At most ANNOTATIONS_PER_LEVEL of each level, counting the failure (an error annotation) too. */
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
    if (partial.defaultVersion !== undefined) out.push(['default-version', partial.defaultVersion]);
    if (partial.defaultChanged) out.push(['previous-default-version', partial.previousDefaultVersion ?? '']);
    out.push(
      ['changed', String(changedAnything(partial))],
      ['version-created', String(partial.versionCreated)],
      ['default-changed', String(partial.defaultChanged)],
      ['s3-uri', partial.s3Uri ?? ''],
    );
  }
  const pr = o.publish?.pruned ?? partial?.pruned;
  if (pr) out.push(['pruned-versions', prunedJson(pr)]);
  const sh = o.publish?.sharing;
  if (sh) out.push(['shared-with', sharedJson(sh)]);
  out.push(...promoteOutputs(o));
  const report = rolloutReportJson(releaseOf(o));
  if (report) out.push(['rollout-report', report]);
  if (o.regions) {
    const name =
      o.build?.name ?? o.regions.find((r) => r.promote ?? r.promoteProgress)?.promoteProgress?.documentName;
    const doc =
      o.regions.map((r) => r.promote?.documentName ?? r.publish?.documentName).find(Boolean) ?? name;
    if (doc && !out.some(([k]) => k === 'document-name')) out.push(['document-name', doc]);
    const changed = o.regions.some((r) =>
      Boolean(
        r.publish?.changed ??
        r.promote?.changed ??
        (r.progress ? changedAnything(r.progress) : r.promoteProgress?.updateSent),
      ),
    );
    out.push(['changed', String(changed)], ['regions-report', regionsReportJson(o.regions)]);
  }
  if (o.failure) out.push(['error-kind', o.failure.type === 'error' ? o.failure.error.kind : 'package']);
  // Names and paths from the package or the inputs stay one line (`files` is JSON, escaped already).
  return out.map(([k, v]) => [k, JSON_OUTPUTS.has(k) ? v : oneLine(v)]);
}

/** Outputs that are JSON (escaped already). */
const JSON_OUTPUTS = new Set(['files', 'pruned-versions', 'shared-with', 'rollout-report', 'regions-report']);

/** `shared-with`: the accounts the document is shared with after the run (`all` first when public). */
const sharedJson = (sh: SharingReport): string =>
  JSON.stringify([...(sh.public ? ['all'] : []), ...sh.accounts]);

/** `pruned-versions`: the versions pruning deleted (with prune-dry-run: would delete), oldest first. */
function prunedJson(pr: PruneReport): string {
  return JSON.stringify(
    pr.deleted.map((v) => ({
      documentVersion: v.documentVersion,
      ...(v.versionName === undefined ? {} : { versionName: v.versionName }),
    })),
  );
}

/** mode: promote: where the default is after the run and where it was; on a failure, what is known. */
function promoteOutputs(o: Outcome): [string, string][] {
  const p = o.promote;
  if (p) {
    return [
      ['document-name', p.documentName],
      ['default-version', p.after.documentVersion],
      ['default-version-name', p.after.versionName ?? ''],
      ['previous-default-version', p.before.documentVersion],
      ['previous-default-version-name', p.before.versionName ?? ''],
      ['changed', String(p.changed)],
    ];
  }
  const g = o.promoteProgress;
  if (!g) return [];
  const out: [string, string][] = [['document-name', g.documentName]];
  if (g.before) {
    out.push(
      ['previous-default-version', g.before.documentVersion],
      ['previous-default-version-name', g.before.versionName ?? ''],
    );
  }
  // The default was moved (or already there) and read back, and a later step failed: say where it is.
  if (g.after) {
    out.push(
      ['default-version', g.after.documentVersion],
      ['default-version-name', g.after.versionName ?? ''],
      ['changed', String(g.changed ?? false)],
    );
    return out;
  }
  // Before the update was sent nothing moved; after it, the read-back (or its failure) decides.
  if (!g.updateSent) {
    if (g.before)
      out.push(
        ['default-version', g.before.documentVersion],
        ['default-version-name', g.before.versionName ?? ''],
      );
    out.push(['changed', 'false']);
  }
  return out;
}

/** GitHub shows at most 10 annotations of each level (error, warning, notice) per step, and 50 per job. */
export const ANNOTATIONS_PER_LEVEL = 10;

type Level = Annotation['level'];

/** A finding as an annotation at its first place; a grouped one says where else it is. */
function findingAnnotation(d: Diagnostic): Annotation {
  const n = d.also?.length ?? 0;
  const where =
    n > 0 ? ` (also in ${plural(n, 'other place')}: ${otherPlaces(d, CLI_PLACES).join(', ')})` : '';
  return { level: d.severity, message: `${d.message}${where}`, props: annotationProps(d) };
}

/**
 * The annotations, within GitHub's limits: per level, the most important findings first (the diagnostics are
 * in that order already), and the slots of the step's own annotations kept free: the failure (an error, from
 * `failing`), the artifact warning and, when findings are left out, one last notice that says how many.
 */
function annotations(o: Outcome, failing: boolean): Annotation[] {
  const own: Annotation[] = [];
  if (o.artifact?.status === 'exists' && o.artifact.reason)
    own.push({ level: 'warning', message: o.artifact.reason, props: { title: 'artifact exists' } });
  const ds = o.build?.diagnostics ?? [];
  const used: Record<Level, number> = { error: failing ? 1 : 0, warning: 0, notice: 0 };
  for (const a of own) used[a.level]++;
  const room = (l: Level) => Math.max(0, ANNOTATIONS_PER_LEVEL - used[l]);
  const c = countBySeverity(ds);
  const cut = c.errors > room('error') || c.warnings > room('warning') || c.notices > room('notice');
  if (cut) used.notice++;
  const left: Record<Level, number> = { error: 0, warning: 0, notice: 0 };
  const out: Annotation[] = [];
  for (const d of ds) {
    if (room(d.severity) === 0) left[d.severity]++;
    else {
      used[d.severity]++;
      out.push(findingAnnotation(d));
    }
  }
  out.push(...own);
  if (cut) out.push({ level: 'notice', message: moreText(left), props: { title: 'more problems' } });
  return out;
}

/** "891 more errors and 30 more warnings are listed in the job summary …" */
function moreText(left: Record<Level, number>): string {
  const parts = [
    left.error > 0 ? plural(left.error, 'more error') : '',
    left.warning > 0 ? plural(left.warning, 'more warning') : '',
    left.notice > 0 ? plural(left.notice, 'more notice') : '',
  ].filter((p) => p !== '');
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? '');
  const verb = parts.length === 1 && list.startsWith('1 ') ? 'is' : 'are';
  return `${list} ${verb} listed in the job summary (GitHub shows ${ANNOTATIONS_PER_LEVEL} annotations of each kind per step).`;
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
  const failed = failureMessage(o);
  return {
    outputs: outputs(o),
    annotations: annotations(o, failed !== undefined),
    log: logLines(o, cwd),
    debug,
    summary: summaryMarkdown(o),
    failed,
  };
}
