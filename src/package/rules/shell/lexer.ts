// One pass over shell text that tracks quotes, expansions, comments and here-documents: it blanks what is
// not code (so that the line rules never match inside a string) and notes the constructs only a lexer sees.
import { BASH_VARS, type ConstructId, type Finding } from './constructs.js';

export interface Lexed {
  /** The text with literal parts (quoted text, comments, here-document bodies) blanked, same length. */
  masked: string;
  findings: Finding[];
}

type Frame =
  | { k: 'code'; closer: ')' | '`' | undefined; depth: number }
  | { k: 'dq' }
  | { k: 'brace'; depth: number; inDq: boolean }
  | { k: 'arith'; depth: number };

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const PARAM = '(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*])';
const BRACE_FORMS: [RegExp, ConstructId][] = [
  [/^![A-Za-z_@*]/, 'indirect'],
  [/^#?[A-Za-z_][A-Za-z0-9_]*\[/, 'array'],
  [new RegExp(`^${PARAM}/`), 'substitute'],
  [new RegExp(`^${PARAM}:(?![-=?+])`), 'substring'],
  [new RegExp(`^${PARAM}(?:\\^|,)`), 'caseconv'],
];

/** Text before `i` on its line, as masked so far, ends where a command can start. */
const CMD_START_BEFORE = /(?:^|[;&|({)!`]|(?<![\w-])(?:then|do|else|elif|if|while|until|time))\s*$/;
const FOR_BEFORE = /(?:^|[\s;&|(){])for\s*$/;

export function lex(text: string): Lexed {
  return new Lexer(text).run();
}

const codeFrame = (closer: ')' | '`' | undefined): Frame => ({ k: 'code', closer, depth: 0 });

class Lexer {
  private readonly text: string;
  private readonly n: number;
  private readonly out: string[];
  private readonly findings: Finding[] = [];
  private readonly stack: Frame[] = [codeFrame(undefined)];
  /** Here-documents whose bodies start after the current line. */
  private readonly pending: { delim: string; strip: boolean }[] = [];
  private lineStart = 0;

  constructor(text: string) {
    this.text = text;
    this.n = text.length;
    this.out = text.split('');
  }

  run(): Lexed {
    let i = 0;
    while (i < this.n) i = this.step(i);
    return { masked: this.out.join(''), findings: this.findings };
  }

  /** Handles the character at `i` in the current context; returns the next index. */
  private step(i: number): number {
    const c = this.text[i] as string;
    const f = this.stack[this.stack.length - 1] ?? codeFrame(undefined);
    if (c === '\n') {
      if (f.k === 'code' && this.pending.length > 0) i = this.bodies(i);
      this.lineStart = i + 1;
      return i + 1;
    }
    switch (f.k) {
      case 'code':
        return this.code(i, c, f);
      case 'dq':
        return this.doubleQuoted(i, c);
      case 'brace':
        return this.brace(i, c, f);
      default:
        return this.arith(i, c, f);
    }
  }

  private code(i: number, c: string, f: Frame & { k: 'code' }): number {
    const { text } = this;
    if (c === '\\') return this.escape(i, '_');
    if (c === '#' && (i === this.lineStart || /[\s;&|()<>]/.test(text[i - 1] ?? ''))) {
      const e = text.indexOf('\n', i);
      const end = e < 0 ? this.n : e;
      this.blank(i, end);
      return end;
    }
    if (c === "'") return this.singleQuoted(i, false);
    if (c === '"') return this.push({ k: 'dq' }, i + 1);
    if (c === '`') {
      if (f.closer !== '`') return this.push(codeFrame('`'), i + 1);
      this.stack.pop();
      return i + 1;
    }
    if (c === '$') return this.dollar(i, false);
    if (c === '<' && text.startsWith('<<<', i)) {
      this.findings.push({ at: i, id: 'herestring' });
      return i + 3;
    }
    if (c === '<' && text[i + 1] === '<') return this.heredoc(i);
    if (c === '(' && text[i + 1] === '(') {
      const before = this.maskedLineBefore(i);
      const isFor = FOR_BEFORE.test(before);
      if (isFor || CMD_START_BEFORE.test(before)) {
        this.findings.push({ at: i, id: isFor ? 'cfor' : 'arith' });
        return this.push({ k: 'arith', depth: 0 }, i + 2);
      }
    }
    if (c === '(' && f.closer === ')') f.depth++;
    if (c === ')' && f.closer === ')') {
      if (f.depth > 0) f.depth--;
      else this.stack.pop();
    }
    return i + 1;
  }

  private doubleQuoted(i: number, c: string): number {
    if (c === '"') {
      this.stack.pop();
      return i + 1;
    }
    return this.inString(i, c, true) ?? this.blankOne(i);
  }

  /** Inside `${…}`: quotes and expansions nest; `{ }` pairs are counted so that the right `}` closes it. */
  private brace(i: number, c: string, f: Frame & { k: 'brace' }): number {
    if (c === "'" && !f.inDq) return this.singleQuoted(i, false);
    if (c === '"') return this.push({ k: 'dq' }, i + 1);
    const next = this.inString(i, c, f.inDq);
    if (next !== undefined) return next;
    if (c === '{') f.depth++;
    if (c === '}') {
      if (f.depth === 0) {
        this.stack.pop();
        return i + 1;
      }
      f.depth--;
    }
    return this.blankOne(i);
  }

  /** What double quotes and `${…}` share: backslash escapes, expansions and command substitution. */
  private inString(i: number, c: string, inDq: boolean): number | undefined {
    if (c === '\\') return this.escape(i, ' ');
    if (c === '$') return this.dollar(i, inDq);
    if (c === '`') return this.push(codeFrame('`'), i + 1);
    return undefined;
  }

  /** Inside `$((…))` and `((…))`: only variables matter. */
  private arith(i: number, c: string, f: Frame & { k: 'arith' }): number {
    const { text } = this;
    if (c === '$') return this.dollar(i, false);
    if (c === '(') f.depth++;
    else if (c === ')') {
      if (f.depth === 0) {
        this.stack.pop();
        return i + (text[i + 1] === ')' ? 2 : 1);
      }
      f.depth--;
    } else if (/[A-Za-z_]/.test(c) && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
      NAME.lastIndex = i;
      const word = NAME.exec(text)?.[0] ?? c;
      if (Object.hasOwn(BASH_VARS, word)) this.findings.push({ at: i, id: 'var', name: word });
      this.blank(i, i + word.length);
      return i + word.length;
    }
    return this.blankOne(i);
  }

  /** Handles `$` at `at` inside any context; returns the next index. */
  private dollar(at: number, inDq: boolean): number {
    const { text } = this;
    const next = text[at + 1];
    if (next === "'" && !inDq) {
      this.findings.push({ at, id: 'ansic' });
      return this.singleQuoted(at + 1, true);
    }
    if (next === '(' && text[at + 2] === '(') return this.push({ k: 'arith', depth: 0 }, at + 3);
    if (next === '(') return this.push(codeFrame(')'), at + 2);
    if (next === '[') {
      this.findings.push({ at, id: 'oldarith' });
      return at + 2;
    }
    if (next === '{') {
      this.parameter(at, text.slice(at + 2, at + 2 + 160));
      return this.push({ k: 'brace', depth: 0, inDq }, at + 2);
    }
    NAME.lastIndex = at + 1;
    const m = NAME.exec(text);
    if (m) {
      if (Object.hasOwn(BASH_VARS, m[0])) this.findings.push({ at, id: 'var', name: m[0] });
      return at + 1 + m[0].length;
    }
    if (next !== undefined && /[#?$!@*0-9-]/.test(next)) return at + 2;
    return at + 1;
  }

  /** Notes the bash-only forms of `${…}` (by what follows the brace) and bash variables read through it. */
  private parameter(at: number, head: string): void {
    const form = BRACE_FORMS.find(([re]) => re.test(head));
    if (form) this.findings.push({ at, id: form[1] });
    const v = /^#?([A-Za-z_][A-Za-z0-9_]*)/.exec(head)?.[1];
    if (v && Object.hasOwn(BASH_VARS, v)) this.findings.push({ at, id: 'var', name: v });
  }

  /** Skips a single-quoted string starting at the quote at `at`; returns the index after it. */
  private singleQuoted(at: number, escapes: boolean): number {
    const { text, n } = this;
    let j = at + 1;
    while (j < n && text[j] !== "'") {
      if (escapes && text[j] === '\\') j++;
      j++;
    }
    this.blank(at + 1, j);
    for (let k = at; k < j; k++) if (text[k] === '\n') this.lineStart = k + 1;
    return Math.min(j + 1, n);
  }

  /** Reads a here-document operator at `at` (pointing at `<<`); returns the next index. */
  private heredoc(at: number): number {
    const { text, n } = this;
    let j = at + 2;
    const strip = text[j] === '-';
    if (strip) j++;
    while (text[j] === ' ' || text[j] === '\t') j++;
    const start = j;
    while (j < n) {
      const c = text[j] as string;
      if (c === "'" || c === '"') {
        const close = text.indexOf(c, j + 1);
        j = close < 0 ? n : close + 1;
        continue;
      }
      if (/[\s;&|<>()]/.test(c)) break;
      j += c === '\\' ? 2 : 1;
    }
    const delim = text.slice(start, j).replace(/["'\\]/g, '');
    if (delim !== '') this.pending.push({ delim, strip });
    return j;
  }

  /** Blanks the here-document bodies that start after the newline at `nl`; returns the index of the last newline consumed. */
  private bodies(nl: number): number {
    const { text, n } = this;
    let j = nl + 1;
    for (const { delim, strip } of this.pending.splice(0)) {
      while (j < n) {
        const e = text.indexOf('\n', j);
        const end = e < 0 ? n : e;
        const line = text.slice(j, end);
        this.blank(j, end);
        j = end + 1;
        if ((strip ? line.replace(/^\t+/, '') : line) === delim) break;
      }
    }
    return Math.min(j, n) - 1;
  }

  /** A backslash and the character it escapes; `mask` stands in for that character. */
  private escape(i: number, mask: string): number {
    this.out[i] = ' ';
    if (this.text[i + 1] !== '\n' && i + 1 < this.n) this.out[i + 1] = mask;
    return i + 2;
  }

  private push(frame: Frame, next: number): number {
    this.stack.push(frame);
    return next;
  }

  private blankOne(i: number): number {
    this.out[i] = ' ';
    return i + 1;
  }

  private blank(from: number, to: number): void {
    for (let j = from; j < to && j < this.n; j++) if (this.out[j] !== '\n') this.out[j] = ' ';
  }

  /** The masked text before `at` on its line (its last 200 characters are enough to see a command start). */
  private maskedLineBefore(at: number): string {
    const { out, lineStart } = this;
    return at - lineStart > 200 ? `x${out.slice(at - 200, at).join('')}` : out.slice(lineStart, at).join('');
  }
}
