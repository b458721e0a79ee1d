// An outcome as the command line shows it: text (diagnostics as `file:line:col: rule severity: message`,
// the host preview, the files, a last line with the result) or JSON. Pure: cli.ts writes what this returns.
import path from 'node:path';
import { type ActionError, exitCodeOf } from '../errors.js';
import type { Outcome } from '../modes/outcome.js';
import { countBySeverity, formatDiagnostic, plural } from './diagnostics.js';
import { oneLine, printable } from './escape.js';
import { headline, subject } from './headline.js';
import { previewText } from './preview.js';

export interface CliReport {
  stdout: string;
  stderr: string;
  code: number;
}

/** The stack of an internal error, shown only with DISTRIBUTOR_DEBUG set (a bug report needs it; a user does not). */
export function debugStack(e: ActionError, env = process.env): string | undefined {
  if (e.kind !== 'internal' || !env.DISTRIBUTOR_DEBUG) return undefined;
  return e.cause instanceof Error ? e.cause.stack : undefined;
}

export function exitCode(o: Outcome): number {
  const f = o.failure;
  if (!f) return 0;
  return f.type === 'error' ? exitCodeOf(f.error.kind) : 1;
}

export function cliText(o: Outcome, command: 'build' | 'validate', cwd = process.cwd()): CliReport {
  const lines: string[] = [];
  const b = o.build;
  const f = o.failure;
  if (f?.type === 'error') {
    const e = f.error;
    const stderr = [`distributor: ${printable(e.message)}`];
    if (e.hint) stderr.push(`  ${printable(e.hint)}`);
    if (e.kind === 'internal' && !debugStack(e))
      stderr.push('  (set DISTRIBUTOR_DEBUG=1 for the stack trace)');
    const stack = debugStack(e);
    if (stack) stderr.push(stack);
    return { stdout: '', stderr: `${stderr.join('\n')}\n`, code: exitCode(o) };
  }
  if (!b) return { stdout: '', stderr: '', code: exitCode(o) };
  for (const d of b.diagnostics) lines.push(oneLine(formatDiagnostic(d)));
  if (b.preview.length > 0) lines.push('', 'Which ZIP each host gets:', previewText(b.preview));
  const built = b.ok ? b.output : undefined;
  if (built) {
    lines.push('');
    for (const x of built.files)
      lines.push(`${oneLine(path.relative(cwd, x.path))}  ${x.size} bytes  sha256 ${x.sha256}`);
    lines.push(`${oneLine(path.relative(cwd, built.manifestPath))}  sha256 ${built.manifestSha256}`);
  }
  const c = countBySeverity(b.diagnostics);
  const tail = `${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}`;
  const ok = !f;
  const extra = ok && command === 'build' && built ? `; built ${plural(built.files.length, 'ZIP')}` : '';
  const why = f?.type === 'problems' && f.reason === 'warnings' ? ' (warnings are errors here)' : '';
  lines.push('', `${ok ? '✔' : '✘'} ${oneLine(subject(o))}: ${tail}${extra}${why}`);
  return { stdout: `${lines.join('\n')}\n`, stderr: '', code: exitCode(o) };
}

/**
 * JSON that prints safely: JSON.stringify leaves DEL, the C1 controls and U+2028/U+2029 raw (a terminal acts
 * on some), and `##[` would be a workflow command in a CI log. As `\uXXXX` escapes, inside the strings
 * where they can only occur, they mean the same to a JSON reader.
 */
export const jsonText = (doc: unknown): string =>
  JSON.stringify(doc, null, 2)
    .replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/##\[/g, '##\\u005b');

/** The outcome as one JSON document (stable field names, for scripts). */
export function cliJson(o: Outcome): CliReport {
  const b = o.build;
  const built = b?.ok ? b.output : undefined;
  const f = o.failure;
  const doc = {
    ok: !f,
    result: headline(o).text,
    name: b?.name,
    version: b?.version,
    diagnostics: b?.diagnostics ?? [],
    files: (built?.files ?? []).map((x) => ({ name: x.name, path: x.path, size: x.size, sha256: x.sha256 })),
    manifestPath: built?.manifestPath,
    manifestSha256: built?.manifestSha256,
    manifest: b?.manifest,
    preview: b?.preview ?? [],
    error:
      f?.type === 'error'
        ? { kind: f.error.kind, message: f.error.message, hint: f.error.hint, code: f.error.code }
        : undefined,
  };
  return { stdout: `${jsonText(doc)}\n`, stderr: '', code: exitCode(o) };
}
