// The one escaping helper, checked by rendering with a real GFM markdown renderer: what the reader sees
// is exactly the original text, inside and outside code spans and table cells, and no HTML gets through.
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { mdCode, mdProse, mdText, oneLine } from '../src/report/escape.js';

const md = new MarkdownIt({ html: true });

/** The text content of rendered HTML (tags dropped, entities decoded), and whether any tag other than allowed ones appears. */
function rendered(markdown: string): { text: string; tags: string[] } {
  const html = md.render(markdown);
  const tags = [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());
  const text = html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&')
    .trim();
  return { text, tags };
}

const cell = (content: string) => `| a | b |\n| --- | --- |\n| x | ${content} |\n`;
const tableCell = (markdown: string) => {
  const html = md.render(cell(markdown));
  const m = /<td>x<\/td>\s*<td>([\s\S]*?)<\/td>/.exec(html);
  return { html: m?.[1] ?? `(no cell: ${html})`, cells: (html.match(/<td>/g) ?? []).length };
};
/** Decoded text of HTML, spaces kept (code spans keep theirs). */
const decode = (html: string) =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/\n$/, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

// Printable text with the characters that matter most for markdown and HTML.
const hostile = fc.string({
  unit: fc.constantFrom(...'ab1 <>&|`*_[]()#!~\\"\'-+=.:/\t\r\n'.split(''), 'é', '∑'),
  maxLength: 40,
});

describe('mdText', () => {
  it('shows the text literally as a paragraph and in a table cell, with no HTML tag of its own', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const shown = oneLine(s).replace(/\s+/g, ' ').trim();
        const p = rendered(mdText(s));
        expect(p.tags.filter((t) => t !== 'p')).toEqual([]);
        expect(p.text.replace(/\s+/g, ' ')).toBe(shown);
        const c = tableCell(mdText(s));
        expect(c.cells).toBe(2);
        expect(decode(c.html).replace(/\s+/g, ' ')).toBe(shown);
      }),
      { numRuns: 400 },
    );
  });
  it('keeps one value on one line: CR, LF and other controls never end the line', () => {
    expect(mdText('a\r\nb\nc\rd')).toBe('a b c d');
    expect(mdText('x\u0007y')).toContain('\\\\x07');
    expect(mdText('::error::x\n::stop-commands::y')).not.toContain('\n');
  });
});

describe('mdCode', () => {
  it('shows the text literally inside a code span, in a table cell and outside one', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        fc.pre(s.trim() !== '');
        const shown = oneLine(s);
        const c = tableCell(mdCode(s));
        expect(c.cells).toBe(2);
        expect(c.html).toMatch(/^<code>[\s\S]*<\/code>$/);
        // Inside a code span an escaped entity would show as `&gt;`: the decoded text must be the original.
        expect(decode(c.html)).toBe(shown);
        const para = md.render(mdCode(s, false));
        expect(para).toMatch(/^<p><code>[\s\S]*<\/code><\/p>\n$/);
        expect(decode(para)).toBe(shown);
      }),
      { numRuns: 400 },
    );
  });
  it('does not show entities for < > & (the old escaping rendered `&gt;` literally)', () => {
    const html = md.render(mdCode('a<b>&c', false));
    expect(html).toBe('<p><code>a&lt;b&gt;&amp;c</code></p>\n');
  });
  it('grows the fence past backticks in the text', () => {
    expect(mdCode('a`b', false)).toBe('``a`b``');
    expect(mdCode('`x`', false)).toBe('`` `x` ``');
    expect(decode(md.render(mdCode('``', false)))).toBe('``');
  });
});

describe('mdProse', () => {
  it('turns our `setting` spans into code spans and shows everything else literally', () => {
    const noTicks = hostile.map((s) => s.replace(/`/g, ''));
    fc.assert(
      fc.property(noTicks, noTicks, noTicks, (a, code, b) => {
        fc.pre(code.trim() !== '');
        const prose = `${a}\`${code}\`${b}`;
        const html = md.render(mdProse(prose));
        const tags = [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());
        expect(tags.filter((t) => t !== 'p' && t !== 'code')).toEqual([]);
        expect(tags.filter((t) => t === 'code')).toHaveLength(2);
        const shown = oneLine(`${a}${code}${b}`).replace(/\s+/g, ' ').trim();
        expect(decode(html).replace(/\s+/g, ' ').trim()).toBe(shown);
      }),
      { numRuns: 300 },
    );
  });
  it('renders a hint as the reader expects', () => {
    expect(md.render(mdProse('Check `s3-bucket`: it must exist <here>.'))).toBe(
      '<p>Check <code>s3-bucket</code>: it must exist &lt;here&gt;.</p>\n',
    );
  });
});
