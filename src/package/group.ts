// Identical findings said once, and the findings in the order that matters.
//
// A package of 40 ZIPs that share one install.sh gets the same finding 40 times, at the same line with the
// same message; said 40 times, it buries the one problem that stops the package (e.g. `file-count`).
// groupDiagnostics merges such findings into one that lists its other places, and orders what is left:
//
//   1. severity: errors, then warnings, then notices;
//   2. reach: findings about the package as a whole (PACKAGE_RULES: its config or manifest.json, its name and
//      version, SSM's limits on its attachments) before those about one file, because they stop the whole
//      package from being built or published, whatever host it is meant for, and they are usually one line
//      each;
//   3. places: a finding in more places before one in fewer (fixing one script fixes all 40 ZIPs);
//   4. where: file, line, column (then rule id, so that the order never depends on the input's).
import type { RuleId } from './rules/catalogue.js';
import type { Diagnostic, Loc, Severity } from './types.js';

/**
 * Rules about the package as a whole: without a readable config or manifest.json, a valid name and version,
 * at most 20 attachments of at most 1 GB under valid names and a manifest under 64 KB, nothing is built or
 * published at all.
 */
export const PACKAGE_RULES: ReadonlySet<string> = new Set<RuleId>([
  'config-missing',
  'config-ambiguous',
  'config-syntax',
  'config-schema',
  'config-too-large',
  'manifest-syntax',
  'manifest-bom',
  'manifest-trailing',
  'manifest-duplicate-key',
  'manifest-schema',
  'manifest-size',
  'manifest-too-large',
  'name-pattern',
  'name-reserved-prefix',
  'name-reserved-case',
  'name-configure-package',
  'name-aws-package',
  'version-missing',
  'version-pattern',
  'version-latest',
  'version-mismatch',
  'file-count',
  'file-size',
  'file-name-pattern',
  'file-name-reserved',
]);

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

/** The last segment of a display path: `linux.zip:install.sh` and `pkgs/linux/install.sh` are both `install.sh`. */
export function baseName(file: string | undefined): string {
  if (file === undefined) return '';
  const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf(':'));
  return file.slice(cut + 1);
}

/** How many places a finding is in: its own and those it was grouped with. */
export const placesOf = (d: Diagnostic): number => 1 + (d.also?.length ?? 0);

const byPlace = (a: Loc | Diagnostic, b: Loc | Diagnostic): number => {
  const fa = a.file ?? '';
  const fb = b.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
};

/** The order described at the top of this file (a comparator for Array.prototype.sort). */
export function compareFindings(a: Diagnostic, b: Diagnostic): number {
  const reach = (d: Diagnostic) => (PACKAGE_RULES.has(d.rule) ? 0 : 1);
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    reach(a) - reach(b) ||
    placesOf(b) - placesOf(a) ||
    byPlace(a, b) ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}

const keyOf = (d: Diagnostic): string =>
  JSON.stringify([d.rule, d.severity, d.message, d.line ?? 0, d.column ?? 0, baseName(d.file)]);

const locOf = (d: Diagnostic): Loc => {
  const l: Loc = { file: d.file ?? '' };
  if (d.line !== undefined) l.line = d.line;
  if (d.column !== undefined) l.column = d.column;
  return l;
};

/** One finding of a group: the first place is the finding's own, the rest go to `also` (each place once). */
function merge(members: Diagnostic[]): Diagnostic {
  if (members.length === 1) return members[0] as Diagnostic;
  const sorted = [...members].sort(byPlace);
  const first = sorted[0] as Diagnostic;
  const seen = new Set<string>();
  const places: Loc[] = [];
  for (const m of sorted) {
    for (const l of [locOf(m), ...(m.also ?? [])]) {
      const k = JSON.stringify([l.file, l.line ?? 0, l.column ?? 0]);
      if (seen.has(k)) continue;
      seen.add(k);
      places.push(l);
    }
  }
  const { also: _also, payload: _payload, platforms: _platforms, ...rest } = first;
  const out: Diagnostic = rest;
  const payloads = new Set(sorted.map((m) => m.payload));
  if (payloads.size === 1 && first.payload !== undefined) out.payload = first.payload;
  if (sorted.some((m) => m.platforms)) {
    out.platforms = [...new Set(sorted.flatMap((m) => m.platforms ?? []))].sort();
  }
  if (places.length > 1 && first.file !== undefined) out.also = places.slice(1);
  return out;
}

/**
 * Merges identical findings (same rule, severity, message, line and column, in files of the same base name)
 * into one at the first place, with the others in `also`; the union of their `platforms`; their `payload`
 * only when they all agree. Returns a new list in the order described at the top of this file.
 */
export function groupDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  const groups = new Map<string, Diagnostic[]>();
  for (const d of ds) {
    const k = keyOf(d);
    const g = groups.get(k);
    if (g) g.push(d);
    else groups.set(k, [d]);
  }
  return [...groups.values()].map(merge).sort(compareFindings);
}
