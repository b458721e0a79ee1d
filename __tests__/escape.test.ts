// The one escaping helper, checked by rendering with a real GFM markdown renderer: what the reader sees
// is exactly the original text, inside and outside code spans and table cells, and no HTML gets through.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logLine, mdCode, mdProse, mdText, mdUrl, oneLine, printable } from '../src/report/escape.js';
import { decode, md, tagsOf } from './support/markdown.js';
import { commandOf } from './support/workflow-commands.js';

/** The text content of rendered HTML (tags dropped, entities decoded), and the tags in it. */
function rendered(markdown: string): { text: string; tags: string[] } {
  const html = md.render(markdown);
  return { text: decode(html).trim(), tags: tagsOf(html) };
}

const cell = (content: string) => `| a | b |\n| --- | --- |\n| x | ${content} |\n`;
const tableCell = (markdown: string) => {
  const html = md.render(cell(markdown));
  const m = /<td>x<\/td>\s*<td>([\s\S]*?)<\/td>/.exec(html);
  return { html: m?.[1] ?? `(no cell: ${html})`, cells: (html.match(/<td>/g) ?? []).length };
};
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
    // Shown as escapes (markdown doubles the backslash), so `a\nb` and `a b` stay two different names.
    expect(mdText('a\r\nb\nc\rd')).toBe('a\\\\x0d\\\\x0ab\\\\x0ac\\\\x0dd');
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
        const tags = tagsOf(html);
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

// Text the runner could take for a line break or a command: separators, whitespace it trims, `:`, `#`, `[`.
const logHostile = fc.string({
  unit: fc.constantFrom(
    ...'ab:#[] \t\r\n\v\f'.split(''),
    '::',
    '##[',
    'add-mask',
    'stop-commands',
    '\u0085',
    '\u00a0',
    '\u2028',
    '\u3000',
    '\ufeff',
    '\u001b',
  ),
  maxLength: 30,
});

describe('oneLine', () => {
  it('escapes every control character, CR/LF, C1 and the Unicode separators included', () => {
    expect(oneLine('a\r\nb')).toBe('a\\x0d\\x0ab');
    expect(oneLine('x\u0085y\u2028z\u001b[31m')).toBe('x\\x85y\\u2028z\\x1b[31m');
    fc.assert(
      fc.property(logHostile, (s) => {
        expect(oneLine(s)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('logLine', () => {
  it('no line the runner reads from it is a workflow command, in either syntax', () => {
    fc.assert(
      fc.property(logHostile, (s) => {
        const line = logLine(s);
        expect(line.split(/\r\n|\r|\n/)).toHaveLength(1);
        expect(commandOf(line)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
  it('shows what it escaped, and leaves ordinary lines alone', () => {
    expect(logLine('::add-mask::x')).toBe('\\x3a:add-mask::x');
    expect(logLine(' \u00a0::stop-commands::y')).toBe(' \u00a0\\x3a:stop-commands::y');
    expect(logLine('a.zip  ##[add-mask]q')).toBe('a.zip  ##\\x5badd-mask]q');
    expect(logLine('↑ s3://b/k (3 bytes) :: done')).toBe('↑ s3://b/k (3 bytes) :: done');
  });
});

describe('mdUrl and printable', () => {
  it('a link target cannot be ended by the URL in it', () => {
    const url = 'https://x.example/a)b c<d>\n[e]`';
    const html = md.render(`[open](${mdUrl(url)})`);
    expect(html).toMatch(/^<p><a href="[^"\s]+">open<\/a><\/p>\n$/);
  });
  it("keeps the lines of a text; escapes every other control character and each line's commands", () => {
    expect(printable('a\u001b[2Jb\nc\rd\n::error::e')).toBe('a\\x1b[2Jb\nc\\x0dd\n\\x3a:error::e');
  });
});
