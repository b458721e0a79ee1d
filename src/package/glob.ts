// The glob patterns of `exclude`, matched without regular expressions: the patterns and the file names both
// come from the package (a pull request), and a regular expression built from a pattern such as
// `*a*a*a*a*a*a*a*a*a*a*b` backtracks for minutes on a long name. Here a segment is matched in at most
// (pattern length × name length) steps, and a path in at most (pattern segments × path segments) of those.
//
// Syntax, on POSIX paths relative to the payload folder: `*` any characters but `/`; `**` as a whole segment
// any number of segments (none included); `?` one character but `/`; `[abc]`, `[a-z]`, `[!a]` or `[^a]` one
// of (or none of) the characters; `{a,b}` and `{1..3}` alternatives; `\` makes the next character literal.
// Dot files match like any other name.
//
// Which paths a pattern matches, as in .gitignore (decided for each brace alternative on its own):
// - a pattern with no `/` but a trailing one matches a name at any depth (`*.log` matches `a/b/c.log`);
// - one with a `/` at the start or in the middle is anchored at the payload folder (`/build`, `docs/*.md`);
//   a leading `./` anchors it the same way;
// - a trailing `/` matches folders only (a folder, or a symlink to one);
// - a leading `!` brings back what an earlier pattern matched: the last pattern that matches a path decides.
// The scanner does not walk into a folder that is left out, so nothing inside it can be brought back.

/** Longer patterns are refused (config-schema). */
export const MAX_PATTERN_LENGTH = 1000;
/** A pattern whose braces expand to more alternatives than this is refused (config-schema). */
export const MAX_ALTERNATIVES = 1000;

type Token =
  | { t: 'char'; c: string }
  | { t: 'any' }
  | { t: 'star' }
  | { t: 'class'; negate: boolean; ranges: [string, string][] };
type Segment = Token[] | 'globstar';

interface Alternative {
  segments: Segment[];
  /** A trailing `/`: folders only. */
  dirOnly: boolean;
}

interface Pattern {
  negate: boolean;
  alternatives: Alternative[];
}

/** Whether the path is a folder: a value, or a function asked only when a folder-only pattern matches. */
export type IsFolder = boolean | (() => boolean);

/** Why a pattern cannot be used, or undefined when it can. */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH)
    return `is ${pattern.length} characters long; a pattern may have at most ${MAX_PATTERN_LENGTH}`;
  if (/[@!+*?]\(/.test(pattern))
    return 'uses extglob syntax such as `@(a|b)`, which is not supported; write `{a,b}` instead';
  if (expand(pattern, MAX_ALTERNATIVES).length > MAX_ALTERNATIVES)
    return `expands to more than ${MAX_ALTERNATIVES} alternatives`;
  return undefined;
}

/**
 * A test for paths (`a/b/c`, relative to the payload folder) that is true when the path is left out: the last
 * pattern that matches it is not a `!` pattern. `isFolder` (default: not a folder) is asked only when a
 * pattern with a trailing `/` would match.
 */
export function globMatcher(patterns: readonly string[]): (path: string, isFolder?: IsFolder) => boolean {
  const compiled = patterns.map(compile);
  return (p, isFolder = false) => {
    const parts = p.split('/').map((s) => Array.from(s));
    let folder: boolean | undefined = typeof isFolder === 'boolean' ? isFolder : undefined;
    const asFolder = () => (folder ??= (isFolder as () => boolean)());
    for (let i = compiled.length - 1; i >= 0; i--) {
      const c = compiled[i]!;
      if (c.alternatives.some((a) => matchPath(a.segments, parts) && (!a.dirOnly || asFolder())))
        return !c.negate;
    }
    return false;
  };
}

function compile(pattern: string): Pattern {
  const negate = pattern.startsWith('!');
  const alternatives = expand(negate ? pattern.slice(1) : pattern, MAX_ALTERNATIVES).map(
    (alt): Alternative => {
      let a = alt;
      let anchored = false;
      while (a.startsWith('./') || a.startsWith('/')) {
        a = a.slice(a.startsWith('/') ? 1 : 2);
        anchored = true;
      }
      const dirOnly = a.endsWith('/');
      while (a.endsWith('/')) a = a.slice(0, -1);
      if (a.includes('/')) anchored = true;
      const segments = a.split('/').map((s): Segment => (s === '**' ? 'globstar' : tokens(Array.from(s))));
      return { segments: anchored ? segments : ['globstar', ...segments], dirOnly };
    },
  );
  return { negate, alternatives };
}

/** Brace expansion; stops once it has more than `limit` results. A group without `,` or `..` is literal. */
function expand(p: string, limit: number): string[] {
  let depth = 0;
  let start = -1;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (c === '{' && depth++ === 0) start = i;
    else if (c === '}' && depth > 0 && --depth === 0) {
      const body = p.slice(start + 1, i);
      const parts = splitTop(body);
      const alts = parts.length > 1 ? parts : range(body, limit);
      if (!alts) continue;
      const out: string[] = [];
      for (const a of alts) {
        for (const e of expand(p.slice(0, start) + a + p.slice(i + 1), limit - out.length)) {
          out.push(e);
          if (out.length > limit) return out;
        }
      }
      return out;
    }
  }
  return [p];
}

/** `a,b{c,d},e` → `a`, `b{c,d}`, `e` (commas inside nested braces kept). */
function splitTop(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(body.slice(from));
  return parts;
}

/** `1..3` → 1, 2, 3 and `a..c` → a, b, c (at most `limit` + 1 of them); anything else is no range. */
function range(body: string, limit: number): string[] | undefined {
  const m = /^(-?\d{1,9})\.\.(-?\d{1,9})$|^([a-zA-Z])\.\.([a-zA-Z])$/.exec(body);
  if (!m) return undefined;
  const numeric = m[1] !== undefined;
  const a = numeric ? Number(m[1]) : m[3]!.charCodeAt(0);
  const b = numeric ? Number(m[2]) : m[4]!.charCodeAt(0);
  const step = a <= b ? 1 : -1;
  const out: string[] = [];
  for (let v = a; out.length <= limit; v += step) {
    out.push(numeric ? String(v) : String.fromCharCode(v));
    if (v === b) break;
  }
  return out;
}

function tokens(chars: string[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\' && i + 1 < chars.length) out.push({ t: 'char', c: chars[++i]! });
    else if (c === '*') {
      if (out.at(-1)?.t !== 'star') out.push({ t: 'star' });
    } else if (c === '?') out.push({ t: 'any' });
    else {
      const cls = c === '[' ? charClass(chars, i) : undefined;
      if (cls) {
        out.push(cls.token);
        i = cls.end;
      } else out.push({ t: 'char', c });
    }
  }
  return out;
}

/** `[...]` starting at `start`, or undefined when it is not closed (then `[` is literal). */
function charClass(chars: string[], start: number): { token: Token; end: number } | undefined {
  let i = start + 1;
  const negate = chars[i] === '!' || chars[i] === '^';
  if (negate) i++;
  const ranges: [string, string][] = [];
  for (let first = true; i < chars.length; first = false) {
    let c = chars[i]!;
    if (c === ']' && !first) return { token: { t: 'class', negate, ranges }, end: i };
    if (c === '\\' && i + 1 < chars.length) c = chars[++i]!;
    if (chars[i + 1] === '-' && i + 2 < chars.length && chars[i + 2] !== ']') {
      ranges.push([c, chars[i + 2]!]);
      i += 3;
    } else {
      ranges.push([c, c]);
      i++;
    }
  }
  return undefined;
}

function matchChar(tok: Token, ch: string): boolean {
  if (tok.t === 'char') return tok.c === ch;
  if (tok.t === 'class') return tok.ranges.some(([a, b]) => ch >= a && ch <= b) !== tok.negate;
  return true;
}

/**
 * Wildcard matching with one backtracking point (the last `*`): a later star can always take over what an
 * earlier one would have matched, so going back further is never needed.
 */
function wildcard<T, U>(
  pattern: readonly T[],
  subject: readonly U[],
  isStar: (t: T) => boolean,
  matches: (t: T, u: U) => boolean,
): boolean {
  let t = 0;
  let i = 0;
  let starT = -1;
  let starI = 0;
  while (i < subject.length) {
    if (t < pattern.length && isStar(pattern[t]!)) {
      starT = t++;
      starI = i;
    } else if (t < pattern.length && matches(pattern[t]!, subject[i]!)) {
      t++;
      i++;
    } else if (starT >= 0) {
      t = starT + 1;
      i = ++starI;
    } else return false;
  }
  while (t < pattern.length && isStar(pattern[t]!)) t++;
  return t === pattern.length;
}

const matchSegment = (toks: Token[], name: string[]): boolean =>
  wildcard(
    toks,
    name,
    (t) => t.t === 'star',
    (t, ch) => matchChar(t, ch),
  );

function matchPath(segments: Segment[], parts: string[][]): boolean {
  return wildcard(
    segments,
    parts,
    (s) => s === 'globstar',
    (s, part) => s !== 'globstar' && matchSegment(s, part),
  );
}
