// Diagnostics → CLI lines (`file:line: rule message`) and GitHub annotation properties.
import type { Diagnostic, Loc } from '../package/types.js';

/**
 * `file:line:col: rule severity: message`, the form editors and problem matchers understand; a grouped
 * finding names its other places after the message, the first few of them.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}: ` : '';
  const n = d.also?.length ?? 0;
  const more = n > 0 ? ` (and ${plural(n, 'more place')}: ${otherPlaces(d, CLI_PLACES).join(', ')})` : '';
  return `${where}${d.rule} ${d.severity}: ${d.message}${more}`;
}

/** How many of a grouped finding's other places the CLI line and an annotation name. */
export const CLI_PLACES = 5;

/** One of a finding's other places: the file, and the line when it is not the finding's own. */
export function placeText(d: Diagnostic, l: Loc): string {
  return l.line !== undefined && l.line !== d.line ? `${l.file}:${l.line}` : l.file;
}

/** The first `max` other places of a grouped finding, and `…` when there are more. */
export function otherPlaces(d: Diagnostic, max: number): string[] {
  const also = d.also ?? [];
  const shown = also.slice(0, max).map((l) => placeText(d, l));
  return also.length > max ? [...shown, '…'] : shown;
}

export interface AnnotationProps {
  title: string;
  file?: string;
  startLine?: number;
  startColumn?: number;
}

export function annotationProps(d: Diagnostic): AnnotationProps {
  const p: AnnotationProps = { title: d.rule };
  if (d.file) p.file = d.file;
  if (d.line) p.startLine = d.line;
  if (d.line && d.column) p.startColumn = d.column;
  return p;
}

export function countBySeverity(ds: readonly Diagnostic[]): {
  errors: number;
  warnings: number;
  notices: number;
} {
  let errors = 0;
  let warnings = 0;
  let notices = 0;
  for (const d of ds) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else notices++;
  }
  return { errors, warnings, notices };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
