// JSON into a SourceTree, with messages that say what to fix, and a complete value followed by other text
// told apart from broken JSON.
import { parse as parseJsonAst, type ValueNode } from '@humanwhocodes/momoa';
import type { Loc } from '../types.js';
import {
  type DuplicateHandler,
  endLoc,
  escapePointer,
  MAX_DEPTH,
  type NodeLocs,
  offsetLoc,
  type SourceProblem,
  type SourceTree,
  setOwn,
} from './tree.js';

export interface JsonRead {
  /** Set when the text is JSON, or a complete JSON value followed by more text (see `trailing`). */
  tree?: SourceTree;
  /** Set when the text is not JSON. */
  error?: SourceProblem;
  /** Set when a complete JSON value is followed by more text: where that text starts. */
  trailing?: Loc;
}

export interface JsonOptions {
  /** Numbers as the text written (`8.10` stays "8.10"), or as numbers. */
  numbersAsText: boolean;
  onDuplicate: DuplicateHandler;
}

/** Reads JSON text; duplicate keys go to `onDuplicate` and the last one wins, as in Go's encoding/json. */
export function readJson(text: string, display: string, opts: JsonOptions): JsonRead {
  const parsed = parseText(text, display);
  if ('error' in parsed) return { error: parsed.error };
  const tree = toTree(parsed.body, text, display, opts);
  if (!tree) return { error: tooDeep(display) };
  return parsed.trailing ? { tree, trailing: parsed.trailing } : { tree };
}

/** What momoa throws for text that is not JSON. */
interface MomoaError extends Error {
  line: number;
  column: number;
  offset: number;
}

function isMomoaError(e: unknown): e is MomoaError {
  const err = e as Partial<MomoaError>;
  return e instanceof Error && [err.line, err.column, err.offset].every((n) => typeof n === 'number');
}

type Parsed = { body: ValueNode; trailing?: Loc } | { error: SourceProblem };

function parseText(text: string, display: string): Parsed {
  try {
    return { body: parseJsonAst(text, { mode: 'json' }).body };
  } catch (e) {
    // momoa's parser recurses: nesting deep enough overflows the stack before any depth check can run.
    if (e instanceof RangeError) return { error: tooDeep(display) };
    if (!isMomoaError(e)) throw e;
    return trailingValue(text, display, e.offset) ?? { error: syntaxError(text, display, e) };
  }
}

/** A complete value that ends before the error offset and is followed by more text, if that is what it is. */
function trailingValue(text: string, display: string, errorOffset: number): Parsed | undefined {
  const end = endOfFirstValue(text);
  if (end <= 0 || end > errorOffset || text.slice(end).trim() === '') return undefined;
  try {
    const body = parseJsonAst(text.slice(0, end), { mode: 'json' }).body;
    const start = end + (text.slice(end).length - text.slice(end).trimStart().length);
    return { body, trailing: offsetLoc(text, start, display) };
  } catch (e) {
    if (e instanceof RangeError || isMomoaError(e)) return undefined; // not a complete value either
    throw e;
  }
}

function tooDeep(display: string): SourceProblem {
  return {
    loc: { file: display, line: 1 },
    message: `The JSON nests too deeply to be read; keep it under ${MAX_DEPTH} levels.`,
  };
}

function syntaxError(text: string, display: string, e: MomoaError): SourceProblem {
  const atEnd = e.offset >= text.trimEnd().length;
  const loc = atEnd ? endLoc(text, display) : { file: display, line: e.line, column: e.column };
  return { loc, message: `Invalid JSON: ${errorText(e.message, text, e.offset, atEnd)}` };
}

/** The offset just after the first complete top-level value (bracket matching, string-aware), or -1. */
function endOfFirstValue(text: string): number {
  let i = 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  if (i >= text.length) return -1;
  const c = text[i]!;
  if (c === '{' || c === '[') return endOfBrackets(text, i);
  if (c === '"') return endOfString(text, i);
  while (i < text.length && !/[\s,{}[\]:"]/.test(text[i]!)) i++;
  return i;
}

function endOfBrackets(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      const end = endOfString(text, i);
      if (end < 0) return -1;
      i = end - 1;
    } else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** The offset after the string starting at the quote at `start`, or -1 when it is not closed. */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return -1;
}

const TOKEN_NAMES: Record<string, string> = {
  RBrace: '`}`',
  RBracket: '`]`',
  LBrace: '`{`',
  LBracket: '`[`',
  Colon: '`:`',
  Comma: '`,`',
  String: 'string',
  Number: 'number',
  Boolean: 'true/false',
  Null: 'null',
};

function errorText(raw: string, text: string, offset: number, atEnd: boolean): string {
  const msg = raw.replace(/\s*\(\d+:\d+\)\s*$/, '').replace(/\.$/, '');
  if (atEnd || /end of input/i.test(msg)) {
    return 'the JSON ends too early; a closing `}`, `]` or `"` is missing.';
  }
  let p = offset - 1;
  while (p >= 0 && /\s/.test(text[p]!)) p--;
  const before = p >= 0 ? text[p]! : '';
  const tok = /Unexpected token (\w+)/.exec(msg)?.[1];
  const ch = /Unexpected character '(.*)'/s.exec(msg)?.[1];
  if ((tok === 'RBrace' || tok === 'RBracket') && before === ',') {
    return 'a comma before a closing `}` or `]`; JSON allows no trailing comma, remove it.';
  }
  if (tok && /^(String|Number|Boolean|Null|LBrace|LBracket)$/.test(tok) && /["\d\]}el]/.test(before)) {
    return 'a comma is missing before this value.';
  }
  if (ch === "'") return "JSON strings and keys need double quotes, not '.";
  if (ch === '/') return 'JSON has no comments; remove them.';
  if (ch !== undefined) return `unexpected character \`${ch}\`; check the quotes and commas around it.`;
  if (tok) return `unexpected ${TOKEN_NAMES[tok] ?? tok}; check the quotes, commas and brackets around it.`;
  return `${msg}.`;
}

/** Converts a momoa AST into a plain value plus node locations; undefined when it nests deeper than MAX_DEPTH. */
function toTree(body: ValueNode, text: string, display: string, opts: JsonOptions): SourceTree | undefined {
  const nodes = new Map<string, NodeLocs>();
  const locOf = (n: { loc: { start: { line: number; column: number } } }): Loc => ({
    file: display,
    line: n.loc.start.line,
    column: n.loc.start.column,
  });
  let deep = false;
  const walk = (node: ValueNode, ptr: string, keyLoc: Loc | undefined, depth: number): unknown => {
    const loc = locOf(node);
    nodes.set(ptr, keyLoc ? { loc, keyLoc } : { loc });
    if ((node.type === 'Object' || node.type === 'Array') && depth >= MAX_DEPTH) {
      deep = true;
      return null;
    }
    switch (node.type) {
      case 'Object': {
        const obj: Record<string, unknown> = {};
        const seen = new Map<string, Loc>();
        for (const m of node.members) {
          const key = m.name.type === 'String' ? m.name.value : m.name.name;
          const kLoc = locOf(m.name);
          const first = seen.get(key);
          if (first) opts.onDuplicate(key, kLoc, first);
          seen.set(key, kLoc);
          setOwn(obj, key, walk(m.value, `${ptr}/${escapePointer(key)}`, kLoc, depth + 1));
        }
        return obj;
      }
      case 'Array':
        return node.elements.map((el, i) => walk(el.value, `${ptr}/${i}`, undefined, depth + 1));
      case 'String':
      case 'Boolean':
        return node.value;
      case 'Number':
        return opts.numbersAsText ? text.slice(node.loc.start.offset, node.loc.end.offset) : node.value;
      default:
        return null;
    }
  };
  const value = walk(body, '', undefined, 0);
  return deep ? undefined : { value, nodes, display };
}
