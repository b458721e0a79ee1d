// The one-line result of an outcome: the summary's heading, the CLI's last line, the failure message.
import type { ErrorKind } from '../errors.js';
import type { Outcome, RegionRun } from '../modes/outcome.js';
import { countBySeverity, plural } from './diagnostics.js';
import { oneLine } from './escape.js';
import { releaseOf, releasePhrases } from './release.js';

export interface Headline {
  ok: boolean;
  /** Plain text, one line (escape it for markdown). */
  text: string;
}

const KIND_LABEL: Record<ErrorKind, string> = {
  input: 'invalid input',
  package: 'package folder unusable',
  credentials: 'AWS credentials',
  permission: 'permission denied',
  'not-found': 'not found',
  network: 'endpoint unreachable',
  throttled: 'throttled',
  timeout: 'timed out',
  conflict: 'conflict',
  limit: 'limit reached',
  service: 'AWS reported a failure',
  rollout: 'the rollout did not succeed',
  internal: 'internal error',
};

export const kindLabel = (k: ErrorKind): string => KIND_LABEL[k];

/** `Name 1.2.3`, or the package folder when the name is not known. */
export function subject(o: Outcome): string {
  const b = o.build;
  if (b?.name) return b.version ? `${b.name} ${b.version}` : b.name;
  return o.packageDir;
}

const MODE_WORD = { validate: 'Validate', publish: 'Publish', promote: 'Promote' } as const;

/** `1.2.0 (document version 7)`, or `document version 7` for a version without a name. */
export function versionText(v: { documentVersion: string; versionName?: string | undefined }): string {
  return v.versionName
    ? `${v.versionName} (document version ${v.documentVersion})`
    : `document version ${v.documentVersion}`;
}

/** The short form of the previous default: `1.1.0 (6)`, or `document version 6`. */
function shortVersion(v: { documentVersion: string; versionName?: string | undefined }): string {
  return v.versionName ? `${v.versionName} (${v.documentVersion})` : `document version ${v.documentVersion}`;
}

function promoteHeadline(p: NonNullable<Outcome['promote']>): string {
  const name = p.documentName;
  if (!p.changed) {
    const t = p.target.versionName ?? `document version ${p.target.documentVersion}`;
    return `${name} ${t} is already the default; nothing changed`;
  }
  const was = shortVersion(p.before);
  if (p.rollback) return `Rolled back ${name} to ${versionText(p.after)}; was ${was}`;
  return `Promoted ${name} ${versionText(p.after)} to default; was ${was}`;
}

/** `Published Pkg 1.2.0 in 3 regions: us-east-1 (document version 4), ...` */
function regionsHeadline(o: Outcome, runs: readonly RegionRun[]): string {
  const list = (f: (r: RegionRun) => string) => {
    const shown = runs.slice(0, 5).map(f);
    return `${shown.join(', ')}${runs.length > 5 ? `, and ${runs.length - 5} more` : ''}`;
  };
  if (o.mode === 'publish') {
    const created = runs.filter((r) => r.publish?.versionCreated).length;
    return `Published ${subject(o)} in ${plural(runs.length, 'region')} (${created} new): ${list((r) => `${r.region} (document version ${r.publish?.documentVersion ?? '?'})`)}`;
  }
  const name = runs[0]?.promote?.documentName ?? '';
  const changed = runs.filter((r) => r.promote?.changed).length;
  const target = runs[0]?.promote?.after;
  return `Promoted ${name}${target?.versionName ? ` ${target.versionName}` : ''} to default in ${plural(runs.length, 'region')} (${changed} changed): ${list((r) => `${r.region} (document version ${r.promote?.after.documentVersion ?? '?'})`)}`;
}

/** First line of a message, cut to a readable length. */
export function firstLine(s: string, max = 240): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The headline; every name in it (package, version, folder, document, S3 URI) shown on the one line. */
export function headline(o: Outcome): Headline {
  const h = rawHeadline(o);
  return { ok: h.ok, text: oneLine(h.text) };
}

function rawHeadline(o: Outcome): Headline {
  const f = o.failure;
  const verb = o.mode ? MODE_WORD[o.mode] : 'The run';
  if (f?.type === 'error') {
    const e = f.error;
    if (f.stage === 'inputs') {
      const problems = e.message.split('\n').filter((l) => l.startsWith('- ')).length;
      const text =
        problems > 1
          ? `Invalid inputs: ${problems} problems, listed below`
          : `Invalid input: ${firstLine(e.message)}`;
      return { ok: false, text };
    }
    const what = f.stage === 'artifact' ? 'Artifact upload failed' : `${verb} failed`;
    return { ok: false, text: `${what} (${kindLabel(e.kind)}): ${firstLine(e.message)}` };
  }
  const c = countBySeverity(o.build?.diagnostics ?? []);
  const nothing = o.mode === 'publish' ? '; nothing was uploaded or published' : '';
  if (f?.reason === 'errors')
    return { ok: false, text: `${verb} failed: ${subject(o)} has ${plural(c.errors, 'error')}${nothing}` };
  if (f?.reason === 'warnings') {
    const w = plural(c.warnings, 'warning');
    return {
      ok: false,
      text: `${verb} failed: ${subject(o)} has ${w} and fail-on-warnings is set${nothing}`,
    };
  }
  const rel = releasePhrases(releaseOf(o));
  const more = rel.length ? `; ${rel.join('; ')}` : '';
  if (o.regions) return { ok: true, text: regionsHeadline(o, o.regions) };
  if (o.promote) return { ok: true, text: `${promoteHeadline(o.promote)}${more}` };
  const p = o.publish;
  if (p) {
    const doc = `${p.documentName} ${p.versionName}`;
    if (p.versionCreated)
      return { ok: true, text: `Published ${doc} as document version ${p.documentVersion}${more}` };
    const tail = p.changed ? `; ${changeList(o).join('; ')}` : '; nothing changed';
    return {
      ok: true,
      text: `${doc} was already published as document version ${p.documentVersion}${tail}${more}`,
    };
  }
  const zips = o.build?.ok ? (o.build.output?.files.length ?? countTargetsFiles(o)) : 0;
  const warn = c.warnings > 0 ? ` (${plural(c.warnings, 'warning')})` : '';
  return { ok: true, text: `Valid: ${subject(o)}, ${plural(zips, 'ZIP')}${warn}` };
}

function countTargetsFiles(o: Outcome): number {
  return Object.keys(o.build?.manifest?.files ?? {}).length;
}

/** What this run changed in AWS, one phrase each (empty when nothing); also for a publish that failed part-way. */
export function changeList(o: Outcome): string[] {
  const p = o.publish ?? o.progress;
  if (!p) return [];
  const out: string[] = [];
  if (p.uploaded > 0) out.push(`uploaded ${plural(p.uploaded, 'file')} to ${p.s3Uri ?? ''}/`);
  if (p.versionCreated)
    out.push(`created document version ${p.documentVersion ?? ''} (${o.build?.version ?? ''})`);
  if (p.defaultChanged)
    out.push(
      `moved the default version from ${p.previousDefaultVersion || 'none'} to ${p.defaultVersion ?? ''}`,
    );
  if (p.tagsChanged.length > 0) out.push(`set the tags ${p.tagsChanged.join(', ')}`);
  const sh = p.sharing;
  if (sh?.added.length) out.push(`shared it with ${plural(sh.added.length, 'account')}`);
  if (sh?.removed.length) out.push(`stopped sharing it with ${plural(sh.removed.length, 'account')}`);
  return out;
}

/** A message and its hint as one sentence pair. */
export function withHint(message: string, hint: string | undefined): string {
  if (!hint) return message;
  return `${message}${/[.!?:]$/.test(message.trimEnd()) ? '' : '.'} ${hint}`;
}
