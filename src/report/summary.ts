// The job summary (markdown) for validate mode; publish adds its own sections.

import type { PublishResult } from '../aws/publish.js';
import type { BuildResult } from '../package/build.js';
import { previewMarkdown } from '../package/hosts.js';
import type { Diagnostic } from '../package/types.js';
import { countBySeverity, plural } from './diagnostics.js';

/** Escapes text for a markdown table cell (and neutralises HTML). */
export function cell(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

const ICON: Record<Diagnostic['severity'], string> = {
  error: '❌ error',
  warning: '⚠️ warning',
  notice: 'ℹ️ notice',
};

export function diagnosticsTable(ds: readonly Diagnostic[]): string {
  if (ds.length === 0) return 'No problems found.\n';
  const rows = ds.map((d) => {
    const where = d.file ? `\`${cell(d.file)}${d.line ? `:${d.line}` : ''}\`` : '';
    return `| ${ICON[d.severity]} | \`${d.rule}\` | ${where} | ${cell(d.message)} |`;
  });
  return ['| Severity | Rule | Where | Message |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}

export function filesTable(files: BuildResult['files']): string {
  const rows = files.map(
    (f) => `| \`${cell(f.name)}\` | ${f.size.toLocaleString('en-US')} | \`${f.sha256}\` |`,
  );
  return ['| File | Bytes | sha256 |', '| --- | ---: | --- |', ...rows, ''].join('\n');
}

export function validateSummary(r: BuildResult, artifactLine?: string): string {
  const c = countBySeverity(r.diagnostics);
  const title = `${r.name ?? 'package'}${r.version ? ` ${r.version}` : ''}`;
  const head = r.ok
    ? `## ✅ Distributor package ${cell(title)} is valid`
    : `## ❌ Distributor package ${cell(title)} has ${plural(c.errors, 'error')}`;
  const parts = [
    head,
    '',
    `${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}, ${plural(c.notices, 'notice')}.`,
    '',
  ];
  parts.push('### Problems', '', diagnosticsTable(r.diagnostics));
  if (r.files.length > 0) {
    parts.push('### Files', '', filesTable(r.files));
    if (r.manifestSha256)
      parts.push(`manifest.json: ${r.manifestBytes ?? 0} bytes, sha256 \`${r.manifestSha256}\``, '');
  }
  if (r.preview.length > 0) {
    parts.push(
      '### Which ZIP each host gets',
      '',
      'The SSM Agent’s own matching (platform → version → architecture, no backtracking) over common OS identities:',
      '',
      previewMarkdown(r.preview),
      '',
    );
  }
  if (artifactLine) parts.push(artifactLine, '');
  return parts.join('\n');
}

export function publishSummary(build: BuildResult, r: PublishResult): string {
  const head = r.changed
    ? `## ✅ Published ${cell(r.documentName)} ${cell(r.versionName)} (document version ${r.documentVersion})`
    : `## ✅ ${cell(r.documentName)} ${cell(r.versionName)} was already published (document version ${r.documentVersion}); nothing changed`;
  const rows = [
    ['Document', `\`${cell(r.documentName)}\``],
    ['ARN', r.documentArn ? `\`${cell(r.documentArn)}\`` : '—'],
    ['Version name', `\`${cell(r.versionName)}\``],
    ['Document version', r.documentVersion],
    ['Status', r.status],
    [
      'Default version',
      `${r.defaultVersion}${r.defaultVersion === r.documentVersion ? ' (this version)' : ''}`,
    ],
    ['Attachments', `\`${cell(r.s3Uri)}/\``],
  ];
  const parts = [head, '', '| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`), ''];
  const uploaded = new Map(r.uploads.map((u) => [u.name, u]));
  parts.push(
    '### Files',
    '',
    '| File | S3 key | Bytes | sha256 | Upload |',
    '| --- | --- | ---: | --- | --- |',
  );
  for (const f of build.files) {
    const u = uploaded.get(f.name);
    const key = `${r.s3Uri.replace(/^s3:\/\/[^/]+\//, '')}/${f.name}`;
    parts.push(
      `| \`${cell(f.name)}\` | \`${cell(key)}\` | ${f.size.toLocaleString('en-US')} | \`${f.sha256}\` | ${u ? (u.action === 'uploaded' ? 'uploaded' : 'already there') : 'already published'} |`,
    );
  }
  parts.push('');
  if (r.consoleUrl) parts.push(`[Open in the Systems Manager console](${r.consoleUrl})`, '');
  if (build.diagnostics.length > 0) parts.push('### Problems', '', diagnosticsTable(build.diagnostics));
  return parts.join('\n');
}
