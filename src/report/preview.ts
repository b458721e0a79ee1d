// The resolution preview (which ZIP each common host gets) as a markdown table and as plain text. Hosts
// of one OS release that differ only in architecture and get the same answer share a row
// ("x86_64, arm64"), so that some 50 identities stay a table of about 30 rows.
import type { PreviewRow } from '../package/hosts.js';
import { mdCode, mdText, oneLine } from './escape.js';

const NONE = '—';

/** One table row: one OS release, the architectures that get the same answer. */
export interface PreviewLine extends Omit<PreviewRow, 'arch'> {
  arches: string[];
}

/** Why a host gets nothing. */
const miss = (r: Omit<PreviewRow, 'arch'>): string => `${NONE} ${r.reason ?? r.message ?? ''}`.trimEnd();

/**
 * Merges neighbouring rows of the same label, platform and version that get the same file, or miss it for the
 * same shown reason (the agent's own text names the architecture; a merged line keeps the first one's).
 */
export function groupPreview(rows: readonly PreviewRow[]): PreviewLine[] {
  const out: PreviewLine[] = [];
  for (const r of rows) {
    const { arch, ...rest } = r;
    const last = out[out.length - 1];
    if (
      last &&
      last.label === r.label &&
      last.platform === r.platform &&
      last.version === r.version &&
      last.file === r.file &&
      (r.file !== undefined || miss(last) === miss(r))
    ) {
      last.arches.push(arch);
    } else {
      out.push({ ...rest, arches: [arch] });
    }
  }
  return out;
}

/** A GitHub-flavoured markdown table: Host | platform | version | arch | ZIP. */
export function previewMarkdown(rows: readonly PreviewRow[]): string {
  const lines = ['| Host | platform | version | arch | ZIP |', '| --- | --- | --- | --- | --- |'];
  for (const r of groupPreview(rows)) {
    const zip = r.file !== undefined ? mdCode(r.file) : mdText(miss(r));
    const arches = r.arches.map((a) => mdCode(a)).join(', ');
    lines.push(`| ${mdText(r.label)} | ${mdCode(r.platform)} | ${mdCode(r.version)} | ${arches} | ${zip} |`);
  }
  return lines.join('\n');
}

/** Aligned plain-text columns for the CLI and the log; control characters shown as escapes. */
export function previewText(rows: readonly PreviewRow[]): string {
  const table = [
    ['Host', 'platform', 'version', 'arch', 'ZIP'],
    ...groupPreview(rows).map((r) =>
      [r.label, r.platform, r.version, r.arches.join(', '), r.file ?? miss(r)].map(oneLine),
    ),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((row) => [...(row[i] ?? '')].length)));
  return table
    .map((row) =>
      row
        .map((c, i) => (i < widths.length ? c + ' '.repeat((widths[i] ?? 0) - [...c].length) : c))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
