// The checks that run on each line of the masked text (see lexer.ts): bash-only commands and operators,
// bash-only trap conditions, the names a script assigns itself, and an unguarded `set -o pipefail`.
import type { ConstructId, Finding } from './constructs.js';

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

export function lineFindings(line: string, offset: number): Finding[] {
  // Each construct counts once per line (check.ts keeps the first of each, and the line's first column), so
  // only the first of each is kept: a hostile line of 10⁶ `[[` stays a few findings (and never overflows a
  // spread of them).
  const first = new Map<string, Finding>();
  const add = (f: Finding) => {
    const k = `${f.id}\u0000${f.name ?? ''}`;
    const had = first.get(k);
    if (had === undefined || f.at < had.at) first.set(k, f);
  };
  for (const [hint, re, id] of LINE_RULES) {
    if (!line.includes(hint)) continue;
    re.lastIndex = 0;
    // matchAll yields in order: the first match is this rule's earliest.
    const m = line.matchAll(re).next().value;
    if (m) add({ at: offset + (m.indices?.groups?.c?.[0] ?? m.index), id });
  }
  if (line.includes('>&'))
    for (const m of line.matchAll(DUP_TO_FILE)) {
      const w = m.groups?.w ?? '';
      if (/^(?:\d+|-|\$.*|".*)$/.test(w)) continue;
      add({ at: offset + m.index, id: 'bothredirect' });
      break;
    }
  if (line.includes('{'))
    for (const m of line.matchAll(BRACE_EXPANSION)) {
      const w = m.groups?.w ?? '';
      if (/(?<!\\),/.test(w) || SEQUENCE.test(w)) {
        add({ at: offset + m.index, id: 'brace' });
        break;
      }
    }
  if (line.includes('trap')) for (const f of trapFindings(line, offset)) add(f);
  return [...first.values()];
}

/** A `trap` command word. */
const TRAP_COMMAND = cmdRule(String.raw`trap(?=[ \t])`);
/** Trap conditions bash has and dash rejects ("trap: ERR: bad trap"); bash also takes them as `SIGERR`, in any case. */
const BASH_TRAPS = /^(?:sig)?(err|debug|return)$/i;

/** `trap action ERR` (and DEBUG, RETURN) on a masked line: the bash-only conditions, at their words. */
function trapFindings(line: string, offset: number): Finding[] {
  const found: Finding[] = [];
  const seen = new Set<string>();
  TRAP_COMMAND.lastIndex = 0;
  for (const m of line.matchAll(TRAP_COMMAND)) {
    const start = (m.indices?.groups?.c?.[0] ?? m.index) + 'trap'.length;
    let args = words(line, start);
    if (args[0]?.text === '--') args = args.slice(1);
    // Options (`-p`, `-l`) list traps; a first operand that is a number means every operand is a condition.
    if (args[0] === undefined || (/^-./.test(args[0].text) && args[0].text !== '-')) continue;
    const conditions = /^\d+$/.test(args[0].text) ? args : args.slice(1);
    for (const w of conditions) {
      const cond = BASH_TRAPS.exec(w.text)?.[1];
      const name = cond?.toUpperCase();
      // Each condition once (its first place): the line's findings stay few however long it is.
      if (name === undefined || seen.has(name)) continue;
      seen.add(name);
      found.push({ at: offset + w.at, id: 'trap', name });
    }
  }
  return found;
}

/** A trap's arguments are read up to this many words and characters (keeps long lines linear). */
const MAX_TRAP_WORDS = 32;
const MAX_TRAP_CHARS = 4096;

/** The words of a masked line from `from` to the end of its command (`;`, `&`, `|`, or an unmatched `)`). */
function words(line: string, from: number): { text: string; at: number }[] {
  const out: { text: string; at: number }[] = [];
  const end = Math.min(line.length, from + MAX_TRAP_CHARS);
  let i = from;
  let depth = 0;
  while (i < end && out.length < MAX_TRAP_WORDS) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === ';' || c === '&' || c === '|' || (c === ')' && depth === 0)) break;
    const at = i;
    while (i < end) {
      const d = line[i] as string;
      if (d === "'" || d === '"') {
        let close = i + 1;
        while (close < end && line[close] !== d) close++;
        i = Math.min(close + 1, end);
        continue;
      }
      if (d === '(') depth++;
      else if (d === ')') {
        if (depth === 0) break;
        depth--;
      } else if (d === ' ' || d === '\t' || d === ';' || d === '&' || d === '|') break;
      i++;
    }
    out.push({ text: line.slice(at, i), at });
  }
  return out;
}

/** Names the script assigns itself (then `$RANDOM` and friends are its own variables). */
export function assignedNames(masked: string): Set<string> {
  const names = new Set<string>();
  for (const m of masked.matchAll(/(?:^|[\s;&|(])(?:export\s+|readonly\s+|local\s+)?([A-Za-z_]\w*)=/gm)) {
    if (m[1]) names.add(m[1]);
  }
  for (const m of masked.matchAll(/(?:^|[\s;&|(])(?:read|for)\s+(?:-\w+\s+)*([A-Za-z_][\w\s]*)/gm)) {
    for (const w of (m[1] ?? '').split(/\s+/)) if (w) names.add(w);
  }
  return names;
}

/** A `set` command and its arguments. */
const SET_COMMAND = new RegExp(`(?:${CMD})(?<c>set\\s+(?<args>[^;&|)]*))`, 'dg');

/** Column (0-based) of an unguarded `set … pipefail` on a masked line. */
export function pipefailAt(line: string): number | undefined {
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
