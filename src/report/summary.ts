// The job summary (GitHub-flavoured markdown) of any outcome: the real result on the first line, then
// what to do, what changed, the problems, the files and the host preview (collapsed).
import type { ActionError } from '../errors.js';
import type { Outcome } from '../modes/outcome.js';
import type { Diagnostic } from '../package/types.js';
import { countBySeverity, plural } from './diagnostics.js';
import { mdCode, mdProse, mdText, mdUrl } from './escape.js';
import { changeList, headline } from './headline.js';
import { previewMarkdown } from './preview.js';

const ICON: Record<Diagnostic['severity'], string> = {
  error: '❌ error',
  warning: '⚠️ warning',
  notice: 'ℹ️ notice',
};

export function diagnosticsTable(ds: readonly Diagnostic[]): string {
  if (ds.length === 0) return 'No problems found.\n';
  const rows = ds.map((d) => {
    const where = d.file ? mdCode(`${d.file}${d.line ? `:${d.line}` : ''}`) : '';
    return `| ${ICON[d.severity]} | ${mdCode(d.rule)} | ${where} | ${mdText(d.message)} |`;
  });
  return ['| Severity | Rule | Where | Message |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}

/** A collapsed section: `<details>` with a plain-text summary line. */
export function details(title: string, body: string): string {
  return `<details><summary>${mdText(title)}</summary>\n\n${body}\n\n</details>\n`;
}

function errorSection(e: ActionError): string[] {
  // A message of several lines (every bad input: a heading, then "- " lines) becomes a real list.
  const [head = '', ...rest] = e.message.split('\n');
  const items = rest.map((l) => `- ${mdProse(l.replace(/^- /, ''))}`);
  const lines = [mdProse(head), '', ...(items.length ? [...items, ''] : [])];
  if (e.hint) lines.push(`**What to do:** ${mdProse(e.hint)}`, '');
  const facts = [`kind ${mdCode(e.kind, false)}`];
  if (e.code) facts.push(`code ${mdCode(e.code, false)}`);
  if (e.action) facts.push(`IAM action ${mdCode(e.action, false)}`);
  lines.push(`<sub>${facts.join(' · ')}</sub>`, '');
  return lines;
}

function filesSection(o: Outcome): string[] {
  const out = o.build?.ok ? o.build.output : undefined;
  if (!out) return [];
  const p = o.publish;
  const action = new Map(p?.uploads.map((u) => [u.name, u.action]) ?? []);
  const head = p ? '| File | Bytes | sha256 | S3 |' : '| File | Bytes | sha256 |';
  const rule = p ? '| --- | ---: | --- | --- |' : '| --- | ---: | --- |';
  const rows = out.files.map((f) => {
    const base = `| ${mdCode(f.name)} | ${f.size.toLocaleString('en-US')} | ${mdCode(f.sha256)} |`;
    if (!p) return base;
    const a = action.get(f.name);
    return `${base} ${a === 'uploaded' ? 'uploaded' : a === 'present' ? 'already there' : 'already published'} |`;
  });
  return [
    '### Files',
    '',
    head,
    rule,
    ...rows,
    '',
    `manifest.json: ${out.manifestBytes.toLocaleString('en-US')} bytes, sha256 ${mdCode(out.manifestSha256, false)}`,
    '',
  ];
}

function publishSection(o: Outcome): string[] {
  const p = o.publish;
  if (!p) return [];
  const rows: [string, string][] = [
    ['Document', mdCode(p.documentName)],
    ['ARN', p.documentArn ? mdCode(p.documentArn) : '—'],
    ['Version name', mdCode(p.versionName)],
    ['Document version', mdText(p.documentVersion)],
    ['Status', mdText(p.status)],
    [
      'Default version',
      `${mdText(p.defaultVersion)}${p.defaultVersion === p.documentVersion ? ' (this version)' : ''}`,
    ],
    ['Attachments', mdCode(`${p.s3Uri}/`)],
  ];
  const changes = changeList(o);
  const out = ['| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`), ''];
  out.push('### Changes', '');
  if (changes.length === 0)
    out.push('Nothing changed in AWS: the version was already published as it is.', '');
  else out.push(...changes.map((c) => `- ${mdText(c)}`), '');
  if (p.consoleUrl) out.push(`[Open in the Systems Manager console](${mdUrl(p.consoleUrl)})`, '');
  return out;
}

function artifactLine(o: Outcome): string[] {
  const a = o.artifact;
  if (!a || a.status === 'skipped') return [];
  const said =
    a.status === 'uploaded' ? 'holds the ZIPs and manifest.json' : 'was already uploaded by this run';
  return [`📦 Artifact ${mdCode(a.name, false)} ${said}.`, ''];
}

export function summaryMarkdown(o: Outcome): string {
  const h = headline(o);
  const parts = [`## ${h.ok ? '✅' : '❌'} ${mdText(h.text)}`, ''];
  if (o.failure?.type === 'error') parts.push(...errorSection(o.failure.error));
  const partial = o.progress ? changeList(o) : [];
  if (partial.length > 0) {
    parts.push('### Changed before the failure', '', ...partial.map((c) => `- ${mdText(c)}`), '');
    parts.push('A re-run resumes from here: what is already in AWS is checked, not done again.', '');
  }
  parts.push(...publishSection(o));
  const b = o.build;
  if (b) {
    const c = countBySeverity(b.diagnostics);
    parts.push(
      '### Problems',
      '',
      `${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}, ${plural(c.notices, 'notice')}.`,
      '',
      diagnosticsTable(b.diagnostics),
    );
  }
  parts.push(...filesSection(o));
  if (b && b.preview.length > 0) {
    const got = b.preview.filter((r) => r.file !== undefined).length;
    parts.push(
      details(
        `Which ZIP each host gets (${got} of ${b.preview.length} hosts get one)`,
        'The SSM Agent’s own matching (platform → version → architecture, no backtracking) over common OS identities:\n\n' +
          previewMarkdown(b.preview),
      ),
    );
  }
  parts.push(...artifactLine(o));
  return parts.join('\n');
}
