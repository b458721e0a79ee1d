// The job summary (GitHub-flavoured markdown) of any outcome: the real result on the first line, then
// what to do, what changed, the problems, the files and the host preview (collapsed).
import type { ActionError } from '../errors.js';
import type { Outcome } from '../modes/outcome.js';
import { placesOf } from '../package/group.js';
import type { PreviewRow } from '../package/hosts.js';
import type { Diagnostic } from '../package/types.js';
import { clip } from '../text.js';
import { countBySeverity, placeText, plural } from './diagnostics.js';
import { mdCode, mdFence, mdProse, mdText, mdUrl } from './escape.js';
import type { PruneReport, SharingReport } from '../aws/progress.js';
import type { PromoteProgress, PromoteResult } from '../modes/outcome.js';
import { changeList, headline } from './headline.js';
import { previewMarkdown } from './preview.js';
import { canarySection, regionsSection, releaseOf, rolloutSection } from './release.js';

const ICON: Record<Diagnostic['severity'], string> = {
  error: '❌ error',
  warning: '⚠️ warning',
  notice: 'ℹ️ notice',
};

/** The job summary's hard cap, whatever the package: half of the 1 MiB GitHub accepts per step. */
export const SUMMARY_MAX_BYTES = 512 * 1024;
/** Findings in the open problems table; the others are in a collapsed section below it. */
export const TOP_FINDINGS = 50;
/** Other places listed for a grouped finding (the rest are counted). */
export const PLACES_LISTED = 20;
/** Characters of a message shown in the table (messages quote names from the package, of any length). */
const MESSAGE_CHARS = 2000;
/** Hosts in the preview table (the config can add any number); the CLI prints them all. */
const PREVIEW_HOSTS = 500;

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** A grouped finding's other places, collapsed: the first PLACES_LISTED, then how many more. */
function placesCell(d: Diagnostic): string {
  const also = d.also ?? [];
  if (also.length === 0) return '';
  const shown = also.slice(0, PLACES_LISTED).map((l) => mdCode(placeText(d, l)));
  if (also.length > shown.length) shown.push(`and ${also.length - shown.length} more`);
  return ` <details><summary>and ${plural(also.length, 'more place')}</summary>${shown.join('<br>')}</details>`;
}

function findingRow(d: Diagnostic): string {
  const where = d.file ? mdCode(`${d.file}${d.line ? `:${d.line}` : ''}`) : '';
  return `| ${ICON[d.severity]} | ${mdCode(d.rule)} | ${where}${placesCell(d)} | ${mdText(clip(d.message, MESSAGE_CHARS))} |`;
}

const TABLE_HEAD = ['| Severity | Rule | Where | Message |', '| --- | --- | --- | --- |'];

export function diagnosticsTable(ds: readonly Diagnostic[]): string {
  if (ds.length === 0) return 'No problems found.\n';
  return [...TABLE_HEAD, ...ds.map(findingRow), ''].join('\n');
}

/**
 * The problems, in at most `budget` bytes: the counts, the first TOP_FINDINGS findings (most important
 * first), the others collapsed; what does not fit is counted, with where to see it all.
 */
function problemsSection(o: Outcome, ds: readonly Diagnostic[], budget: number): string[] {
  const c = countBySeverity(ds);
  const places = ds.reduce((n, d) => n + placesOf(d), 0);
  const grouped =
    places > ds.length
      ? ` Identical findings in several files are listed once, with their other places: ${plural(places, 'place')} in all.`
      : '';
  const out = [
    '### Problems',
    '',
    `${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}, ${plural(c.notices, 'notice')}.${grouped}`,
    '',
  ];
  if (ds.length === 0) return [...out, 'No problems found.', ''];
  let left = budget - bytes(out.join('\n')) - 2048; // the headers, the closing lines and the last sentence
  const fit = (rows: string[], from: number, to: number): number => {
    let i = from;
    for (; i < to; i++) {
      const row = findingRow(ds[i] as Diagnostic);
      const size = bytes(row) + 1;
      if (size > left) break;
      left -= size;
      rows.push(row);
    }
    return i;
  };
  const top: string[] = [];
  const open = Math.min(TOP_FINDINGS, ds.length);
  let shown = fit(top, 0, open);
  if (top.length > 0) out.push(...TABLE_HEAD, ...top, '');
  if (shown === open && shown < ds.length) {
    const rest: string[] = [];
    shown = fit(rest, shown, ds.length);
    if (rest.length > 0)
      out.push(details(plural(rest.length, 'more finding'), [...TABLE_HEAD, ...rest].join('\n')));
  }
  if (shown < ds.length) {
    const dir = o.packageDir ? ` ${o.packageDir}` : '';
    out.push(
      `**${plural(ds.length - shown, 'more finding')} ${ds.length - shown === 1 ? 'is' : 'are'} not shown**, to keep this summary under ${SUMMARY_MAX_BYTES / 1024} KiB: ${mdCode(`distributor validate${dir}`, false)} lists every finding (${mdCode('--json', false)} with every place).`,
      '',
    );
  }
  return out;
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
    ['Attachments', p.s3Uri ? mdCode(`${p.s3Uri}/`) : '—'],
  ];
  const changes = changeList(o);
  const out = ['| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`), ''];
  for (const n of p.notices ?? []) out.push(`ℹ️ ${mdText(n)}`, '');
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
  const head = [`## ${h.ok ? '✅' : '❌'} ${mdText(h.text)}`, ''];
  const before = [...head];
  if (o.failure?.type === 'error') before.push(...errorSection(o.failure.error));
  const partial = o.progress ? changeList(o) : [];
  if (partial.length > 0) {
    before.push('### Changed before the failure', '', ...partial.map((c) => `- ${mdText(c)}`), '');
    before.push('A re-run resumes from here: what is already in AWS is checked, not done again.', '');
  }
  before.push(...publishSection(o));
  before.push(...prunedSection(o.publish?.pruned ?? o.progress?.pruned));
  before.push(...sharingSection(o.publish?.sharing ?? o.progress?.sharing, o.publish?.documentArn));
  if (o.promote) before.push(...promoteSection(o.promote));
  if (o.promoteProgress) before.push(...promoteFailedSection(o.promoteProgress));
  const release = releaseOf(o);
  before.push(...canarySection(release.canary), ...rolloutSection(release.rollout));
  before.push(...regionsSection(o));
  const b = o.build;
  const after = [...filesSection(o)];
  if (b && b.preview.length > 0) after.push(previewSection(b.preview));
  after.push(...artifactLine(o));
  const fixed = bytes([...before, ...after].join('\n'));
  const problems = b ? problemsSection(o, b.diagnostics, SUMMARY_MAX_BYTES - fixed - 1024) : [];
  const text = [...before, ...problems, ...after].join('\n');
  if (bytes(text) <= SUMMARY_MAX_BYTES) return text;
  // Only a pathological outcome gets here (the sections but the problems are small): say so, in one line.
  return [
    ...head,
    `The full summary would be over ${SUMMARY_MAX_BYTES / 1024} KiB; ${mdCode(`distributor validate ${o.packageDir}`, false)} prints the whole result.`,
    '',
  ].join('\n');
}

/** Which ZIP each host gets, collapsed; at most PREVIEW_HOSTS hosts. */
function previewSection(rows: readonly PreviewRow[]): string {
  const got = rows.filter((r) => r.file !== undefined).length;
  const shown = rows.slice(0, PREVIEW_HOSTS);
  const more =
    rows.length > shown.length
      ? `\n\n${plural(rows.length - shown.length, 'more host')} not shown; the command line's ${mdCode('distributor validate', false)} lists them all.`
      : '';
  return details(
    `Which ZIP each host gets (${got} of ${rows.length} hosts get one)`,
    'The SSM Agent’s own matching (platform → version → architecture, no backtracking) over common OS identities:\n\n' +
      previewMarkdown(shown) +
      more,
  );
}

// ---------------------------------------------------------------- promote

const TARGET_SOURCE: Record<PromoteResult['source'], string> = {
  version: 'the `version` input',
  recorded: 'rollback: the recorded previous default',
  history: 'rollback: the version history',
};

/** The inputs and the AWS CLI command that put the default back where it was before this run. */
function undoLines(name: string, to: PromoteResult['before'], restart = false): string[] {
  const inputs = to.versionName
    ? ['mode: promote', `name: ${name}`, `version: ${to.versionName}`]
    : ['mode: promote', `name: ${name}`, 'rollback: true'];
  // The fleet was told to install the new default now: the undo tells it to go back now too.
  if (restart) inputs.push('start-associations: true');
  return [
    '### To undo',
    '',
    `Run this action with these inputs (the ${to.versionName ? 'version name' : 'rollback record'} of the previous default):`,
    '',
    mdFence('yaml', inputs.join('\n')),
    '',
    'or with the AWS CLI:',
    '',
    mdFence(
      'sh',
      `aws ssm update-document-default-version --name ${name} --document-version ${to.documentVersion}`,
    ),
    '',
  ];
}

/** `` `1.2.0` (document version 7) ``: the name as code, so it shows as it is anywhere. */
function versionMd(v: PromoteResult['before']): string {
  const n = `document version ${v.documentVersion}`;
  return v.versionName ? `${mdCode(v.versionName)} (${n})` : n;
}

function promoteSection(p: PromoteResult): string[] {
  const cell = versionMd;
  const out = [
    '| | Before | After |',
    '| --- | --- | --- |',
    `| Default version of ${mdCode(p.documentName)} | ${cell(p.before)} | ${cell(p.after)}${p.changed ? '' : ' (unchanged)'} |`,
    '',
    `Target: ${versionMd(p.target)}, chosen by ${TARGET_SOURCE[p.source]}. ${mdProse(p.reason)}`,
    '',
  ];
  for (const n of p.notices) out.push(`ℹ️ ${mdText(n)}`, '');
  if (p.changed) {
    if (p.recorded)
      out.push(
        `The previous default is recorded in the document tag ${mdCode('distributor:previous-default', false)}, so ${mdCode('rollback: true', false)} returns to it.`,
        '',
      );
    out.push(...undoLines(p.documentName, p.before, p.rollout !== undefined));
  } else out.push('Nothing changed in AWS: no UpdateDocumentDefaultVersion call was made.', '');
  if (p.consoleUrl) out.push(`[Open in the Systems Manager console](${mdUrl(p.consoleUrl)})`, '');
  return out;
}

function promoteFailedSection(g: PromoteProgress): string[] {
  if (!g.before) return [];
  const at = versionMd(g.before);
  if (g.after) {
    const line = g.changed
      ? `The default version of ${mdCode(g.documentName)} moved from ${at} to ${versionMd(g.after)} (read back) before the failure, and stays there.`
      : `The default version of ${mdCode(g.documentName)} was already ${versionMd(g.after)}; this run did not move it.`;
    const undo = g.changed ? undoLines(g.documentName, g.before, g.rollout !== undefined) : [];
    return ['### Default version', '', line, '', ...undo];
  }
  const line = g.updateSent
    ? `The default version of ${mdCode(g.documentName)} was ${at} before this run; the update to ${g.target ? versionMd(g.target) : 'the target'} was sent, so check where it stands now (the message above says what was read back).`
    : `The default version of ${mdCode(g.documentName)} is still ${at}: nothing was changed.`;
  return ['### Default version', '', line, ''];
}

// ---------------------------------------------------------------- pruning (keep-versions)

/** Versions listed per pruning table; the rest are counted. */
const PRUNED_LISTED = 100;

function prunedSection(pr: PruneReport | undefined): string[] {
  if (!pr) return [];
  const name = (v: { documentVersion: string; versionName?: string | undefined }) =>
    `| ${mdText(v.documentVersion)} | ${v.versionName === undefined ? '—' : mdCode(v.versionName)} |`;
  const more = (n: number) => (n > PRUNED_LISTED ? [`and ${n - PRUNED_LISTED} more`, ''] : []);
  const verb = pr.dryRun ? 'Would delete' : 'Deleted';
  const out = [pr.dryRun ? '### Pruning (dry run: nothing was deleted)' : '### Pruned versions', ''];
  if (pr.deleted.length === 0)
    out.push(pr.dryRun ? 'Nothing would be deleted.' : 'No version was deleted.', '');
  else {
    out.push(`${verb} ${plural(pr.deleted.length, 'version')}:`, '');
    out.push('| Document version | Version name |', '| --- | --- |');
    out.push(...pr.deleted.slice(0, PRUNED_LISTED).map(name), '', ...more(pr.deleted.length));
  }
  if (pr.kept.length > 0) {
    const rows = pr.kept.slice(0, PRUNED_LISTED).map((v) => `${name(v)} ${mdText(v.reason)} |`);
    out.push(
      details(
        `Kept ${plural(pr.kept.length, 'version')}, and why`,
        [
          '| Document version | Version name | Kept because |',
          '| --- | --- | --- |',
          ...rows,
          ...(pr.kept.length > PRUNED_LISTED ? ['', `and ${pr.kept.length - PRUNED_LISTED} more`] : []),
        ].join('\n'),
      ),
    );
  }
  if (pr.s3Deleted.length > 0) {
    const keys = pr.s3Deleted.slice(0, PRUNED_LISTED).map((k) => `- ${mdCode(k)}`);
    if (pr.s3Deleted.length > PRUNED_LISTED) keys.push(`- and ${pr.s3Deleted.length - PRUNED_LISTED} more`);
    out.push(
      details(
        `${pr.dryRun ? 'Would delete' : 'Deleted'} ${plural(pr.s3Deleted.length, 'S3 object')}`,
        keys.join('\n'),
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------- sharing (share-with-accounts)

/** Accounts listed per sharing line; the rest are counted. */
const SHARED_LISTED = 50;

function accountsText(ids: readonly string[]): string {
  const shown = ids.slice(0, SHARED_LISTED).map((a) => mdCode(a, false));
  return `${shown.join(', ')}${ids.length > SHARED_LISTED ? ` and ${ids.length - SHARED_LISTED} more` : ''}`;
}

function sharingSection(sh: SharingReport | undefined, arn: string | undefined): string[] {
  if (!sh) return [];
  const version = `${mdCode(sh.sharedVersion, false)}${sh.sharedDocumentVersion ? ` (now document version ${mdText(sh.sharedDocumentVersion)})` : ''}`;
  const out = ['### Sharing', ''];
  out.push(
    sh.accounts.length === 0 && !sh.public
      ? '- Shared with no other account.'
      : `- Shared (${version}) with ${sh.public ? '**every AWS account (public)**' : ''}${sh.public && sh.accounts.length ? ' and ' : ''}${sh.accounts.length ? `${plural(sh.accounts.length, 'account')}: ${accountsText(sh.accounts)}` : ''}.`,
  );
  out.push(
    sh.added.length ? `- Added by this run: ${accountsText(sh.added)}.` : '- No account added by this run.',
  );
  if (sh.removed.length) out.push(`- Removed by this run: ${accountsText(sh.removed)}.`);
  if (arn) out.push(`- Other accounts install it by the ARN ${mdCode(arn, false)}.`);
  out.push('');
  return out;
}
