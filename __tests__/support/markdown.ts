// Markdown as GitHub shows it, for tests of the job summary: rendered with markdown-it (CommonMark + GFM
// tables, HTML allowed as in a summary), then read back as text, tags and table cells.
import MarkdownIt from 'markdown-it';

export const md = new MarkdownIt({ html: true });

/** Decoded text of HTML, spaces kept (code spans keep theirs). */
export const decode = (html: string): string =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/\n$/, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');

/** The names of every HTML tag in rendered markdown, lower-cased. */
export const tagsOf = (html: string): string[] =>
  [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());

/** The body rows of every table in rendered HTML, each row as its cells' inner HTML. */
export function tables(html: string): string[][][] {
  return [...html.matchAll(/<tbody>([\s\S]*?)<\/tbody>/g)].map((t) =>
    [...t[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
      [...r[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!),
    ),
  );
}
