// The resolution preview (which ZIP each common host gets) as a markdown table and as plain text.
import type { PreviewRow } from '../package/hosts.js';
import { mdCode, mdText, oneLine } from './escape.js';

const NONE = '—';

/** Why a host gets no ZIP. */
const miss = (r: PreviewRow): string => `${NONE} ${r.reason ?? r.message ?? ''}`.trimEnd();

/** A GitHub-flavoured markdown table: Host | platform | version | arch | ZIP. */
export function previewMarkdown(rows: readonly PreviewRow[]): string {
  const lines = ['| Host | platform | version | arch | ZIP |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    const zip = r.file !== undefined ? mdCode(r.file) : mdText(miss(r));
    lines.push(
      `| ${mdText(r.label)} | ${mdCode(r.platform)} | ${mdCode(r.version)} | ${mdCode(r.arch)} | ${zip} |`,
    );
  }
  return lines.join('\n');
}

/** Aligned plain-text columns for the CLI and the log; control characters shown as escapes. */
export function previewText(rows: readonly PreviewRow[]): string {
  const table = [
    ['Host', 'platform', 'version', 'arch', 'ZIP'],
    ...rows.map((r) => [r.label, r.platform, r.version, r.arch, r.file ?? miss(r)].map(oneLine)),
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
