// Checks of `.sh` scripts as the SSM Agent runs them (reference: reliability.md §0 and §3.2): as
// `sh install.sh`, which is dash on Debian and Ubuntu; the shebang and the +x bit are ignored. Bash-only
// syntax is an error where dash can run the script, a notice where only bash-as-sh platforms get it.
import { baseName } from '../../layout.js';
import type { Diagnostic } from '../../types.js';
import { diag } from '../catalogue.js';
import { describe, type Finding } from './constructs.js';
import { lex } from './lexer.js';
import { assignedNames, lineFindings, pipefailAt } from './lines.js';
import { shellReach } from './reach.js';

/** At most this many lines get their own sh-bashism diagnostic; the rest are summarised in one. */
export const MAX_BASHISM_LINES = 20;

/**
 * Checks a `.sh` script: CRLF line endings, bash-only syntax, `set -o pipefail`. `platforms` are the target
 * platforms of the ZIP that holds it; without them, every host is taken to run dash.
 */
export function checkShellScript(
  content: Buffer,
  display: string,
  platforms?: readonly string[],
): Diagnostic[] {
  const raw = decode(content);
  const name = baseName(display);
  const out = crlf(raw, display, name);
  // A binary file named .sh is not a script anyone can lint.
  if (raw.includes('\0')) return out;
  const text = raw.replace(/\r\n/g, '\n');
  const { masked, findings } = lex(text);
  const starts = lineStarts(text);
  const lines = masked.split('\n');
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l] as string;
    if (line.trim() !== '') findings.push(...lineFindings(line, starts[l] ?? 0));
  }
  const own = assignedNames(masked);
  const byLine = findingsByLine(
    findings.filter((f) => f.id !== 'var' || !own.has(f.name ?? '')),
    starts,
  );
  const firstLine = text.split('\n', 1)[0] ?? '';
  const shebang = /^#!.*\bbash\b/.test(firstLine) ? firstLine.trim() : undefined;
  const scope = scopeOf(name, shebang, platforms);
  out.push(...bashisms(byLine, display, scope), ...pipefail(lines, display, name, scope));
  return out;
}

/** Decodes script bytes without ever throwing (invalid UTF-8 becomes U+FFFD; line breaks are kept). */
function decode(content: Buffer): string {
  const bom = content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf;
  return (bom ? content.subarray(3) : content).toString('utf8');
}

/** CRLF: one diagnostic at the first line that ends in CR LF. */
function crlf(raw: string, display: string, name: string): Diagnostic[] {
  const count = raw.match(/\r\n/g)?.length ?? 0;
  if (count === 0) return [];
  const first = raw.slice(0, raw.indexOf('\r\n')).split('\n').length;
  const lines = count === 1 ? '1 line' : `${count} lines`;
  return [
    diag(
      'sh-crlf',
      { file: display, line: first },
      `${name} has CRLF (Windows) line endings on ${lines}, first at line ${first}; \`sh ${name}\` then fails with "$'\\r': command not found". Convert it to LF, e.g. add \`*.sh text eol=lf\` to .gitattributes and check the file out again.`,
    ),
  ];
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of an index, given the line starts. */
function position(starts: readonly number[], at: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= at) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: at - (starts[lo] ?? 0) + 1 };
}

type ByLine = [line: number, { column: number; items: Finding[] }][];

/** The findings grouped by line, in order, each construct once per line. */
function findingsByLine(findings: Finding[], starts: readonly number[]): ByLine {
  const byLine = new Map<number, { column: number; items: Finding[] }>();
  for (const f of findings.sort((a, b) => a.at - b.at)) {
    const { line, column } = position(starts, f.at);
    const entry = byLine.get(line) ?? { column, items: [] };
    if (!entry.items.some((x) => x.id === f.id && x.name === f.name)) entry.items.push(f);
    byLine.set(line, entry);
  }
  return [...byLine.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * Whether bash-only syntax breaks this script where its ZIP goes (dash), and the clause that says why:
 * `bashOnly` names the targets when all of them run bash as sh.
 */
interface Scope {
  bashOnly?: string;
  /** "the agent runs `sh install.sh`, and sh is dash on …", ending in a full stop. */
  because: string;
  /** Where the dash hosts come from: "; this ZIP goes to `ubuntu`" (empty when the targets are unknown). */
  to: string;
}

function scopeOf(name: string, shebang: string | undefined, platforms?: readonly string[]): Scope {
  const ignored = shebang ? ` (the \`${shebang}\` line is ignored)` : '';
  const r = shellReach(platforms);
  // The texts name no platform: the same line of the same script in many ZIPs is one finding (grouped),
  // whichever dash or bash platforms each ZIP goes to; the finding's `platforms` lists them.
  if (!r || r.dash.length > 0) {
    const to = r
      ? '; this ZIP can reach such hosts (a Debian, Ubuntu or `_any` target, or a platform not known to run bash as sh)'
      : '';
    return {
      because: `the agent runs \`sh ${name}\`, and sh is dash on Debian and Ubuntu${to}${ignored}.`,
      to,
    };
  }
  const bashOnly =
    r.none.length > 0
      ? 'platforms whose /bin/sh is bash (and Windows, which runs no .sh script)'
      : 'platforms whose /bin/sh is bash (Amazon Linux, the Red Hat and SUSE families)';
  return {
    bashOnly,
    to: '',
    because: `the agent runs \`sh ${name}\` and this ZIP goes only to ${bashOnly}${ignored}; it would fail if a Debian or Ubuntu target (where sh is dash) or \`_any\` were added for this ZIP.`,
  };
}

function bashisms(byLine: ByLine, display: string, scope: Scope): Diagnostic[] {
  const { because } = scope;
  const severity = scope.bashOnly ? { severity: 'notice' as const } : {};
  const out: Diagnostic[] = [];
  for (const [line, { column, items }] of byLine.slice(0, MAX_BASHISM_LINES)) {
    const what = items.map(describe);
    const list =
      what.length === 1 ? what[0] : `${what.slice(0, -1).join('; ')}; and ${what[what.length - 1]}`;
    const one = what.length === 1;
    const effect = scope.bashOnly
      ? `${one ? 'It works' : 'They work'} here because`
      : `${one ? 'It fails or misbehaves' : 'They fail or misbehave'} because`;
    out.push({
      ...diag(
        'sh-bashism',
        { file: display, line, column },
        `Bash-only syntax: ${list}. ${effect} ${because}`,
      ),
      ...severity,
    });
  }
  const rest = byLine.slice(MAX_BASHISM_LINES);
  const firstRest = rest[0];
  if (firstRest) {
    const shown = rest.slice(0, 10).map(([l]) => l);
    out.push({
      ...diag(
        'sh-bashism',
        { file: display, line: firstRest[0] },
        `${rest.length} more ${rest.length === 1 ? 'line uses' : 'lines use'} bash-only syntax (lines ${shown.join(', ')}${rest.length > shown.length ? ', …' : ''}); ${scope.bashOnly ? 'that works here because ' : ''}${because} Check the script with \`shellcheck -s sh\` or run it with \`dash\`.`,
      ),
      ...severity,
    });
  }
  return out;
}

/** `set -o pipefail` / `set -euo pipefail`, unless probed in a subshell first. */
function pipefail(lines: readonly string[], display: string, name: string, scope: Scope): Diagnostic[] {
  const out: Diagnostic[] = [];
  const guard = '`(set -o pipefail) 2>/dev/null && set -o pipefail`';
  for (let l = 0; l < lines.length; l++) {
    const hit = pipefailAt(lines[l] as string);
    if (hit === undefined) continue;
    const loc = { file: display, line: l + 1, column: hit + 1 };
    if (scope.bashOnly) {
      out.push({
        ...diag(
          'sh-pipefail',
          loc,
          `\`set -o pipefail\` works here: the agent runs \`sh ${name}\` and this ZIP goes only to ${scope.bashOnly}. Older dash (Ubuntu 20.04, Debian 11) would stop with "Illegal option -o pipefail" if a Debian or Ubuntu target or \`_any\` were added for this ZIP; to be safe, write ${guard}.`,
        ),
        severity: 'notice',
      });
      continue;
    }
    out.push(
      diag(
        'sh-pipefail',
        loc,
        `\`set -o pipefail\` stops the script under older dash (Ubuntu 20.04, Debian 11: "Illegal option -o pipefail"), and the agent runs \`sh ${name}\`${scope.to}. Remove it, or enable it only where supported: ${guard}.`,
      ),
    );
  }
  return out;
}
