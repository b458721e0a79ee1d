// Diagnostics → CLI lines (`file:line: rule message`) and GitHub annotation properties.
import type { Diagnostic } from '../package/types.js';

/** `file:line:col: rule severity: message`, the form editors and problem matchers understand. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}: ` : '';
  return `${where}${d.rule} ${d.severity}: ${d.message}`;
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
