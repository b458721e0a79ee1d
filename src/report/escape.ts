// The one place that makes untrusted text safe for the job summary (GitHub-flavoured markdown with HTML)
// and for log lines. Everything the renderer writes from a name, a path or a message goes through here.
import { oneLine } from '../text.js';

export { oneLine };

/**
 * `::` at the start of a line, after what the runner trims first (.NET's Char.IsWhiteSpace; U+200B and U+FEFF
 * besides): the runner would read the line as a workflow command.
 */
const COMMAND_START = /^([\s\u0085\u180e\u200b\ufeff]*)::/u;

/**
 * One line of plain log output that the runner cannot read as a workflow command: control characters are
 * escaped (oneLine), a leading `::` becomes `\x3a:` and the legacy `##[` (read as a command anywhere in a
 * line) becomes `##\x5b`. The lines this tool means as commands are written by @actions/core, not through here.
 */
export function logLine(s: string): string {
  return oneLine(s).replace(COMMAND_START, '$1\\x3a:').replace(/##\[/g, '##\\x5b');
}

/** Text of several lines for plain log output: each line made safe by logLine. */
export const logLines = (text: string): string[] => text.split(/\r\n|\r|\n/).map(logLine);

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
  // A loop, not Math.max(...runs): a name of 10⁵ backtick runs would overflow the call stack as arguments.
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) if (m[0].length > longest) longest = m[0].length;
  const fence = '`'.repeat(longest + 1);
  // A renderer strips one space from each side when both sides have one; pad so the text survives.
  const spaced = text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '';
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' || spaced ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

const percent = (c: string): string =>
  [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/** A URL as a markdown link target: whatever could end the target, the link or the line is percent-encoded. */
export const mdUrl = (url: string): string => url.replace(/[\s()<>[\]\\`"'\p{C}]/gu, percent);

/**
 * Text of several lines for a terminal, or a CI log the runner reads: each line keeps its place and is made
 * safe by logLine (control characters escaped, no workflow command).
 */
export const printable = (text: string): string => text.split('\n').map(logLine).join('\n');

/** A fenced block whose fence no line of `body` can close. */
export function mdFence(lang: string, body: string): string {
  let longest = 2;
  for (const m of body.matchAll(/`+/g)) if (m[0].length > longest) longest = m[0].length;
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${body}\n${fence}`;
}
