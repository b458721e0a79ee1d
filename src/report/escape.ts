// The one place that makes untrusted text safe for the job summary (GitHub-flavoured markdown with HTML)
// and for log lines. Everything the renderer writes from a name, a path or a message goes through here.

/** Line breaks and other control characters become visible escapes, so one value stays one line. */
export function oneLine(s: string): string {
  return s.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ').replace(/[\u0000-\u001f\u007f]/g, (c) => {
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** HTML neutralised and markdown punctuation backslash-escaped; spaces kept. */
function escapeInline(s: string): string {
  return oneLine(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#!]/g, (c) => `\\${c}`);
}

/** At the start of a line, `-`, `+`, `=` and `1.` / `1)` would make a list item or a heading. */
const lineStart = (s: string) => s.replace(/^([-+=])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');

/**
 * Text shown as text anywhere in markdown, table cells included: HTML is neutralised and markdown
 * punctuation that could start emphasis, links, code, headings or a table cell is backslash-escaped.
 */
export function mdText(s: string): string {
  // Space at either end is not shown anyway, and four leading spaces would start a code block.
  return lineStart(escapeInline(oneLine(s).trim()));
}

/**
 * Prose this tool wrote (a hint, a message) whose `backtick spans` name settings: the spans become code
 * spans, everything else is escaped as by mdText. Values from the package or the inputs must not be given here
 * unquoted: a backtick in them would open a span (still escaped, never HTML).
 */
export function mdProse(s: string, inTable = false): string {
  const parts = oneLine(s)
    .trim()
    .split(/`([^`]+)`/);
  const out = parts.map((p, i) => (i % 2 === 1 ? mdCode(p, inTable) : escapeInline(p))).join('');
  return lineStart(out);
}

/**
 * A code span that shows `s` literally. Inside code spans nothing is decoded (an entity would show as
 * `&gt;`), so the text is kept as is; only the fence grows past the longest run of backticks in it. In a
 * table cell (`inTable`, the default) `|` is escaped, because GFM splits cells before it parses code spans
 * and drops that backslash again; outside tables the backslash would show, so it is left alone.
 */
export function mdCode(s: string, inTable = true): string {
  const text = inTable ? oneLine(s).replace(/\|/g, '\\|') : oneLine(s);
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  // A renderer strips one space from each side when both sides have one; pad so the text survives.
  const spaced = text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '';
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' || spaced ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
