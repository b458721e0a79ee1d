// Checks of script text as the SSM Agent runs it (reference: reliability.md §0 and §3.2):
// Linux scripts run as `sh install.sh` (dash on Debian and Ubuntu; the shebang and +x bit are
// ignored), Windows scripts as `.\install.ps1` under Windows PowerShell 5.1.
import { diag } from './catalogue.js';
import type { Diagnostic } from './types.js';

/** At most this many lines get their own sh-bashism diagnostic; the rest are summarised in one. */
export const MAX_BASHISM_LINES = 20;

// --- constructs -----------------------------------------------------------------------------

type ConstructId =
  | 'dbracket'
  | 'function'
  | 'array'
  | 'herestring'
  | 'ansic'
  | 'substitute'
  | 'substring'
  | 'caseconv'
  | 'indirect'
  | 'bothredirect'
  | 'brace'
  | 'source'
  | 'testeq'
  | 'select'
  | 'let'
  | 'arith'
  | 'cfor'
  | 'oldarith'
  | 'echoe'
  | 'pushd'
  | 'shopt'
  | 'declare'
  | 'append'
  | 'var';

/** What each construct is called in messages, and its POSIX alternative. */
const CONSTRUCTS: Record<Exclude<ConstructId, 'var'>, { what: string; fix: string }> = {
  dbracket: { what: '`[[ … ]]`', fix: 'use `[ … ]`, or `case` for pattern matching' },
  function: { what: '`function name`', fix: 'write `name() { … }`' },
  array: {
    what: 'arrays',
    fix: 'use the positional parameters (`set -- a b c` and `"$@"`) or a space-separated string',
  },
  herestring: {
    what: 'the `<<<` here-string',
    fix: 'pipe into the command (`printf \'%s\\n\' "$x" | cmd`) or use a here-document',
  },
  ansic: { what: "`$'…'` quoting", fix: 'produce special characters with `printf`' },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
  substitute: { what: '`${var/pattern/replacement}`', fix: 'use `sed`, or `${var#…}` / `${var%…}`' },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
  substring: { what: '`${var:offset:length}`', fix: 'use `cut`, or `${var#…}` / `${var%…}`' },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
  caseconv: { what: '`${var^^}` / `${var,,}` case conversion', fix: "use `tr '[:lower:]' '[:upper:]'`" },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
  indirect: { what: '`${!var}` indirect expansion', fix: 'use `eval`' },
  bothredirect: {
    what: '`&>` / `>&file` / `|&` (stdout and stderr together)',
    fix: 'write `>file 2>&1` (or `2>&1 |`)',
  },
  brace: { what: 'brace expansion (`{a,b}`, `{1..3}`)', fix: 'write the words out, or loop' },
  source: { what: '`source`', fix: 'use `. ./file`' },
  testeq: { what: '`==` in `[ ]` / `test`', fix: 'use `=`' },
  select: { what: '`select`', fix: 'use a `while read` loop' },
  let: { what: '`let`', fix: 'use `x=$((…))`' },
  arith: {
    what: 'the `((…))` arithmetic command',
    fix: 'use `[ "$((…))" -ne 0 ]` or `x=$((…))` (`$((…))` is POSIX)',
  },
  cfor: { what: 'the `for ((…))` loop', fix: 'use `i=0; while [ "$i" -lt 3 ]; do …; i=$((i + 1)); done`' },
  oldarith: { what: '`$[…]` arithmetic', fix: 'use `$((…))`' },
  echoe: { what: '`echo -e`', fix: 'use `printf` (dash prints "-e" and always interprets backslashes)' },
  pushd: { what: '`pushd` / `popd`', fix: 'use `cd` (save `$PWD` to go back)' },
  shopt: { what: '`shopt`', fix: 'remove it (`set -f` / `set -o` for POSIX options)' },
  declare: {
    what: '`declare` / `typeset` / `local -a`',
    fix: 'use plain assignments (`local name` works in dash)',
  },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
  append: { what: '`+=` assignment', fix: 'write `x="${x}more"`' },
};

/** Variables bash sets and sh (dash) does not, with what to use instead. */
const BASH_VARS: Record<string, string> = {
  RANDOM: 'use `$(od -An -N2 -tu2 /dev/urandom)` or awk `rand()`',
  EUID: 'use `$(id -u)`',
  UID: 'use `$(id -u)`',
  HOSTNAME: 'use `$(hostname)`',
  BASH_SOURCE: 'the agent runs the script from the extracted package folder: use `$PWD` or `$0`',
  BASH_REMATCH: 'use `expr` or `sed`',
  PIPESTATUS: 'split the pipeline',
  FUNCNAME: 'pass the name explicitly',
  SECONDS: 'use `$(date +%s)`',
  BASHPID: "use `$$` or `sh -c 'echo $PPID'`",
  EPOCHSECONDS: 'use `$(date +%s)`',
  OSTYPE: 'use `uname -s`',
  HOSTTYPE: 'use `uname -m` (or `$BWS_ARCHITECTURE`, which the agent sets)',
  MACHTYPE: 'use `uname -m`',
};

interface Finding {
  /** Index into the normalised text. */
  at: number;
  id: ConstructId;
  /** The variable, for `var` findings. */
  name?: string;
}

// --- the lexer --------------------------------------------------------------------------------

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

interface Lexed {
  /** The text with literal parts (quoted text, comments, here-document bodies) blanked, same length. */
  masked: string;
  findings: Finding[];
}

/**
 * Walks shell text once, tracking quotes, expansions, comments and here-documents. Returns the
 * text with everything that is not code replaced by spaces, and the constructs found on the way.
 */
function lex(text: string): Lexed {
  const out = text.split('');
  const findings: Finding[] = [];
  const stack: Frame[] = [{ k: 'code', closer: undefined, depth: 0 }];
  const pending: { delim: string; strip: boolean }[] = [];
  let lineStart = 0;
  let i = 0;
  const n = text.length;

  const blank = (from: number, to: number) => {
    for (let j = from; j < to && j < n; j++) if (out[j] !== '\n') out[j] = ' ';
  };
  const top = (): Frame => stack[stack.length - 1] ?? { k: 'code', closer: undefined, depth: 0 };
  /** The masked text before `at` on its line (its last 200 characters are enough to see a command start). */
  const maskedLineBefore = (at: number) =>
    at - lineStart > 200 ? `x${out.slice(at - 200, at).join('')}` : out.slice(lineStart, at).join('');

  /** Skips a single-quoted string starting at the quote at `at`; returns the index after it. */
  const singleQuoted = (at: number, escapes: boolean): number => {
    let j = at + 1;
    while (j < n && text[j] !== "'") {
      if (escapes && text[j] === '\\') j++;
      j++;
    }
    blank(at + 1, j);
    for (let k = at; k < j; k++) if (text[k] === '\n') lineStart = k + 1;
    return Math.min(j + 1, n);
  };

  /** Handles `$` at `at` inside any context; returns the next index. */
  const dollar = (at: number, inDq: boolean): number => {
    const next = text[at + 1];
    if (next === "'" && !inDq) {
      findings.push({ at, id: 'ansic' });
      return singleQuoted(at + 1, true);
    }
    if (next === '(' && text[at + 2] === '(') {
      stack.push({ k: 'arith', depth: 0 });
      return at + 3;
    }
    if (next === '(') {
      stack.push({ k: 'code', closer: ')', depth: 0 });
      return at + 2;
    }
    if (next === '[') {
      findings.push({ at, id: 'oldarith' });
      return at + 2;
    }
    if (next === '{') {
      const head = text.slice(at + 2, at + 2 + 160);
      for (const [re, id] of BRACE_FORMS) {
        if (re.test(head)) {
          findings.push({ at, id });
          break;
        }
      }
      const v = /^#?([A-Za-z_][A-Za-z0-9_]*)/.exec(head)?.[1];
      if (v && Object.hasOwn(BASH_VARS, v)) findings.push({ at, id: 'var', name: v });
      stack.push({ k: 'brace', depth: 0, inDq });
      return at + 2;
    }
    NAME.lastIndex = at + 1;
    const m = NAME.exec(text);
    if (m) {
      if (Object.hasOwn(BASH_VARS, m[0])) findings.push({ at, id: 'var', name: m[0] });
      return at + 1 + m[0].length;
    }
    if (next !== undefined && /[#?$!@*0-9-]/.test(next)) return at + 2;
    return at + 1;
  };

  /** Reads a here-document operator at `at` (pointing at `<<`); returns the next index. */
  const heredoc = (at: number): number => {
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
    if (delim !== '') pending.push({ delim, strip });
    return j;
  };

  /** Blanks the here-document bodies that start after the newline at `nl`; returns the index of the last newline consumed. */
  const bodies = (nl: number): number => {
    let j = nl + 1;
    for (const { delim, strip } of pending.splice(0)) {
      while (j < n) {
        const e = text.indexOf('\n', j);
        const end = e < 0 ? n : e;
        const line = text.slice(j, end);
        blank(j, end);
        j = end + 1;
        if ((strip ? line.replace(/^\t+/, '') : line) === delim) break;
      }
    }
    return Math.min(j, n) - 1;
  };

  while (i < n) {
    const c = text[i] as string;
    const f = top();
    if (c === '\n') {
      if (f.k === 'code' && pending.length > 0) i = bodies(i);
      lineStart = i + 1;
      i++;
      continue;
    }
    if (f.k === 'code') {
      if (c === '\\') {
        out[i] = ' ';
        if (text[i + 1] !== '\n' && i + 1 < n) out[i + 1] = '_';
        i += 2;
        continue;
      }
      if (c === '#' && (i === lineStart || /[\s;&|()<>]/.test(text[i - 1] ?? ''))) {
        const e = text.indexOf('\n', i);
        const end = e < 0 ? n : e;
        blank(i, end);
        i = end;
        continue;
      }
      if (c === "'") {
        i = singleQuoted(i, false);
        continue;
      }
      if (c === '"') {
        stack.push({ k: 'dq' });
        i++;
        continue;
      }
      if (c === '`') {
        if (f.closer === '`') stack.pop();
        else stack.push({ k: 'code', closer: '`', depth: 0 });
        i++;
        continue;
      }
      if (c === '$') {
        i = dollar(i, false);
        continue;
      }
      if (c === '<' && text.startsWith('<<<', i)) {
        findings.push({ at: i, id: 'herestring' });
        i += 3;
        continue;
      }
      if (c === '<' && text[i + 1] === '<') {
        i = heredoc(i);
        continue;
      }
      if (c === '(' && text[i + 1] === '(') {
        const before = maskedLineBefore(i);
        const isFor = FOR_BEFORE.test(before);
        if (isFor || CMD_START_BEFORE.test(before)) {
          findings.push({ at: i, id: isFor ? 'cfor' : 'arith' });
          stack.push({ k: 'arith', depth: 0 });
          i += 2;
          continue;
        }
      }
      if (c === '(' && f.closer === ')') f.depth++;
      if (c === ')' && f.closer === ')') {
        if (f.depth > 0) f.depth--;
        else stack.pop();
      }
      i++;
      continue;
    }
    if (f.k === 'dq') {
      if (c === '\\') {
        out[i] = ' ';
        if (text[i + 1] !== '\n' && i + 1 < n) out[i + 1] = ' ';
        i += 2;
        continue;
      }
      if (c === '"') {
        stack.pop();
        i++;
        continue;
      }
      if (c === '$') {
        i = dollar(i, true);
        continue;
      }
      if (c === '`') {
        stack.push({ k: 'code', closer: '`', depth: 0 });
        i++;
        continue;
      }
      out[i] = ' ';
      i++;
      continue;
    }
    if (f.k === 'brace') {
      if (c === '\\') {
        out[i] = ' ';
        if (text[i + 1] !== '\n' && i + 1 < n) out[i + 1] = ' ';
        i += 2;
        continue;
      }
      if (c === "'" && !f.inDq) {
        i = singleQuoted(i, false);
        continue;
      }
      if (c === '"') {
        stack.push({ k: 'dq' });
        i++;
        continue;
      }
      if (c === '$') {
        i = dollar(i, f.inDq);
        continue;
      }
      if (c === '`') {
        stack.push({ k: 'code', closer: '`', depth: 0 });
        i++;
        continue;
      }
      if (c === '{') f.depth++;
      if (c === '}') {
        if (f.depth > 0) f.depth--;
        else {
          stack.pop();
          i++;
          continue;
        }
      }
      out[i] = ' ';
      i++;
      continue;
    }
    // arithmetic: $((…)) and ((…))
    if (c === '$') {
      i = dollar(i, false);
      continue;
    }
    if (c === '(') f.depth++;
    else if (c === ')') {
      if (f.depth > 0) f.depth--;
      else {
        stack.pop();
        i += text[i + 1] === ')' ? 2 : 1;
        continue;
      }
    } else if (/[A-Za-z_]/.test(c) && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
      NAME.lastIndex = i;
      const word = NAME.exec(text)?.[0] ?? c;
      if (Object.hasOwn(BASH_VARS, word)) findings.push({ at: i, id: 'var', name: word });
      blank(i, i + word.length);
      i += word.length;
      continue;
    }
    out[i] = ' ';
    i++;
  }
  return { masked: out.join(''), findings };
}

// --- line checks on the masked text -------------------------------------------------------------

/** Where a command word can start (the construct follows in group `c`). */
const CMD = String.raw`(?:^|[;&|({)!\x60])\s*|(?<![\w-])(?:then|do|else|elif|if|while|until|time)\s+`;
const cmdRule = (body: string): RegExp => new RegExp(`(?:${CMD})(?<c>${body})`, 'dg');

/** Line rules: a text the line must contain for the rule to be tried, the pattern, the construct. */
const LINE_RULES: [string, RegExp, ConstructId][] = [
  ['[[', cmdRule(String.raw`\[\[(?=\s|$)`), 'dbracket'],
  ['function', cmdRule(String.raw`function\s+[^\s(){};]+`), 'function'],
  [
    '=(',
    cmdRule(String.raw`(?:(?:local|export|readonly|declare|typeset)\s+(?:-\w+\s+)*)?[A-Za-z_]\w*\+?=\(`),
    'array',
  ],
  [']', cmdRule(String.raw`[A-Za-z_]\w*\[[^\]\s]*\]\+?=`), 'array'],
  ['ma', cmdRule(String.raw`(?:mapfile|readarray)(?=\s|$|;)`), 'array'],
  ['e', cmdRule(String.raw`(?:declare|typeset)(?=\s|$|;)`), 'declare'],
  ['local', cmdRule(String.raw`local\s+(?:-\w+\s+)*-[a-zA-Z]*[aAnirx][a-zA-Z]*(?=\s|$)`), 'declare'],
  ['+=', cmdRule(String.raw`[A-Za-z_]\w*\+=(?!\()`), 'append'],
  ['&', /(?<c>&>|\|&)/dg, 'bothredirect'],
  ['source', cmdRule(String.raw`source\s+\S`), 'source'],
  ['select', cmdRule(String.raw`select\s+[A-Za-z_]\w*`), 'select'],
  ['let', cmdRule(String.raw`let\s+\S`), 'let'],
  ['echo', cmdRule(String.raw`echo\s+-[neE]*[eE][neE]*(?=\s|$|;)`), 'echoe'],
  ['d', cmdRule(String.raw`(?:pushd|popd)(?=\s|$|;)`), 'pushd'],
  ['shopt', cmdRule(String.raw`shopt(?=\s|$|;)`), 'shopt'],
  ['==', /(?:^|[\s;&|(!])(?<c>\[\s(?:[^\]]{0,400}?\s)?==(?=\s))/dg, 'testeq'],
  ['==', /(?:^|[\s;&|(!])(?<c>test\s(?:[^;&|]{0,400}?\s)?==(?=\s|$))/dg, 'testeq'],
];

/** `>&word` where word is not a file descriptor: bash sends both streams to the file. */
const DUP_TO_FILE = /(?<![0-9<>&])>&\s*(?<w>[^\s;&|<>()]+)/dg;
/** `{a,b}` and `{1..3}`, unquoted and not part of `${…}`. */
const BRACE_EXPANSION = /(?<!\$)\{(?<w>[^\s{}]*)\}/dg;
const SEQUENCE = /^(?:-?\d+|[A-Za-z])\.\.(?:-?\d+|[A-Za-z])(?:\.\.-?\d+)?$/;

function lineFindings(line: string, offset: number): Finding[] {
  const found: Finding[] = [];
  for (const [hint, re, id] of LINE_RULES) {
    if (!line.includes(hint)) continue;
    re.lastIndex = 0;
    for (const m of line.matchAll(re)) {
      const at = m.indices?.groups?.c?.[0] ?? m.index;
      found.push({ at: offset + at, id });
    }
  }
  if (line.includes('>&'))
    for (const m of line.matchAll(DUP_TO_FILE)) {
      const w = m.groups?.w ?? '';
      if (/^(?:\d+|-|\$.*|".*)$/.test(w)) continue;
      found.push({ at: offset + m.index, id: 'bothredirect' });
    }
  if (line.includes('{'))
    for (const m of line.matchAll(BRACE_EXPANSION)) {
      const w = m.groups?.w ?? '';
      if (/(?<!\\),/.test(w) || SEQUENCE.test(w)) found.push({ at: offset + m.index, id: 'brace' });
    }
  return found;
}

/** Names the script assigns itself (then `$RANDOM` and friends are its own variables). */
function assignedNames(masked: string): Set<string> {
  const names = new Set<string>();
  for (const m of masked.matchAll(/(?:^|[\s;&|(])(?:export\s+|readonly\s+|local\s+)?([A-Za-z_]\w*)=/gm)) {
    if (m[1]) names.add(m[1]);
  }
  for (const m of masked.matchAll(/(?:^|[\s;&|(])(?:read|for)\s+(?:-\w+\s+)*([A-Za-z_][\w\s]*)/gm)) {
    for (const w of (m[1] ?? '').split(/\s+/)) if (w) names.add(w);
  }
  return names;
}

// --- public checks ------------------------------------------------------------------------------

const baseName = (display: string) => display.split(/[/:\\]/).pop() || display;

/** Decodes script bytes without ever throwing (invalid UTF-8 becomes U+FFFD; line breaks are kept). */
function decode(content: Buffer): string {
  const bom = content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf;
  return (bom ? content.subarray(3) : content).toString('utf8');
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

function describe(f: Finding): string {
  if (f.id === 'var')
    return `\`$${f.name}\` (not set by sh: ${BASH_VARS[f.name ?? ''] ?? 'set it yourself'})`;
  const c = CONSTRUCTS[f.id];
  return `${c.what} (${c.fix})`;
}

/** Checks a `.sh` script: CRLF line endings, bash-only syntax, `set -o pipefail`. */
export function checkShellScript(content: Buffer, display: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const raw = decode(content);
  const name = baseName(display);

  // CRLF: one diagnostic at the first line that ends in CR LF.
  const crlf = raw.match(/\r\n/g)?.length ?? 0;
  if (crlf > 0) {
    const first = raw.slice(0, raw.indexOf('\r\n')).split('\n').length;
    const lines = crlf === 1 ? '1 line' : `${crlf} lines`;
    out.push(
      diag(
        'sh-crlf',
        { file: display, line: first },
        `${name} has CRLF (Windows) line endings on ${lines}, first at line ${first}; \`sh ${name}\` then fails with "$'\\r': command not found". Convert it to LF, e.g. add \`*.sh text eol=lf\` to .gitattributes and check the file out again.`,
      ),
    );
  }

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

  // Group bash-isms by line, in order.
  const byLine = new Map<number, { column: number; items: Finding[] }>();
  for (const f of findings.sort((a, b) => a.at - b.at)) {
    if (f.id === 'var' && own.has(f.name ?? '')) continue;
    const { line, column } = position(starts, f.at);
    const entry = byLine.get(line) ?? { column, items: [] };
    if (!entry.items.some((x) => x.id === f.id && x.name === f.name)) entry.items.push(f);
    byLine.set(line, entry);
  }
  const firstLine = text.split('\n', 1)[0] ?? '';
  const shebang = /^#!.*\bbash\b/.test(firstLine) ? firstLine.trim() : undefined;
  const why = `the agent runs \`sh ${name}\`, and sh is dash on Debian and Ubuntu${shebang ? ` (the \`${shebang}\` line is ignored)` : ''}.`;
  const sorted = [...byLine.entries()].sort((a, b) => a[0] - b[0]);
  for (const [line, { column, items }] of sorted.slice(0, MAX_BASHISM_LINES)) {
    const what = items.map(describe);
    const list =
      what.length === 1 ? what[0] : `${what.slice(0, -1).join('; ')}; and ${what[what.length - 1]}`;
    out.push(
      diag(
        'sh-bashism',
        { file: display, line, column },
        `Bash-only syntax: ${list}. ${what.length === 1 ? 'It fails or misbehaves' : 'They fail or misbehave'} because ${why}`,
      ),
    );
  }
  const rest = sorted.slice(MAX_BASHISM_LINES);
  const firstRest = rest[0];
  if (firstRest) {
    const shown = rest.slice(0, 10).map(([l]) => l);
    out.push(
      diag(
        'sh-bashism',
        { file: display, line: firstRest[0] },
        `${rest.length} more ${rest.length === 1 ? 'line uses' : 'lines use'} bash-only syntax (lines ${shown.join(', ')}${rest.length > shown.length ? ', …' : ''}); ${why} Check the script with \`shellcheck -s sh\` or run it with \`dash\`.`,
      ),
    );
  }

  // set -o pipefail / set -euo pipefail, unless probed in a subshell first.
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l] as string;
    const hit = pipefailAt(line);
    if (hit === undefined) continue;
    out.push(
      diag(
        'sh-pipefail',
        { file: display, line: l + 1, column: hit + 1 },
        `\`set -o pipefail\` stops the script under older dash (Ubuntu 20.04, Debian 11: "Illegal option -o pipefail"), and the agent runs \`sh ${name}\`. Remove it, or enable it only where supported: \`(set -o pipefail) 2>/dev/null && set -o pipefail\`.`,
      ),
    );
  }
  return out;
}

/** A `set` command and its arguments. */
const SET_COMMAND = new RegExp(`(?:${CMD})(?<c>set\\s+(?<args>[^;&|)]*))`, 'dg');

/** Column (0-based) of an unguarded `set … pipefail` on a masked line. */
function pipefailAt(line: string): number | undefined {
  if (!line.includes('pipefail')) return undefined;
  const re = SET_COMMAND;
  re.lastIndex = 0;
  let guarded = false;
  let at: number | undefined;
  for (const m of line.matchAll(re)) {
    const args = (m.groups?.args ?? '').trim().split(/\s+/);
    const k = args.indexOf('pipefail');
    if (k < 1 || !/^[-+][A-Za-z]*o$/.test(args[k - 1] ?? '')) continue;
    const start = m.indices?.groups?.c?.[0] ?? m.index;
    if (/\(\s*$/.test(line.slice(0, start))) guarded = true;
    else at ??= start;
  }
  return guarded ? undefined : at;
}

/** Checks a `.ps1` script: non-ASCII text needs a BOM for Windows PowerShell 5.1. */
export function checkPowerShellScript(content: Buffer, display: string): Diagnostic[] {
  const b0 = content[0];
  const b1 = content[1];
  if (b0 === 0xef && b1 === 0xbb && content[2] === 0xbf) return [];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) return []; // UTF-16 (or UTF-32 LE)
  const at = content.findIndex((b) => b >= 0x80);
  if (at < 0) return [];
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (content[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = content.subarray(lineStart, at).toString('utf8').length + 1;
  const valid = isUtf8(content);
  const name = baseName(display);
  return [
    diag(
      'ps1-bom',
      { file: display, line, column },
      `${name} has non-ASCII text (first at line ${line}) but no byte-order mark; Windows PowerShell 5.1 reads such a file as ANSI (Windows-1252), which garbles the text and can break quoting. ${valid ? 'Save it as "UTF-8 with BOM"' : 'It is not even valid UTF-8: save it as "UTF-8 with BOM"'}, or keep the script ASCII-only.`,
    ),
  ];
}

function isUtf8(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}
