// The checks that run on each line of the masked text (see lexer.ts): bash-only commands and operators,
// the names a script assigns itself, and an unguarded `set -o pipefail`.
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
