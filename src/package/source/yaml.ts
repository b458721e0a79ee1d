// YAML into a SourceTree. Every scalar is read as the text written (the failsafe schema): `version: 1.10`
// stays "1.10", `arch: 386` stays "386", `sh-pipefail: off` stays "off".
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Loc } from '../types.js';
import {
  type DuplicateHandler,
  endLoc,
  escapePointer,
  MAX_DEPTH,
  MAX_NODES,
  type NodeLocs,
  type SourceProblem,
  type SourceTree,
  setOwn,
} from './tree.js';

export interface ReadResult {
  /** Set when the text could be read (the problems are then about duplicate keys only, if any). */
  tree?: SourceTree;
  problems: SourceProblem[];
}

/** At most this many syntax errors are reported; the rest usually follow from the first ones. */
const MAX_SYNTAX_ERRORS = 20;

const HINTS: Record<string, string> = {
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MULTIPLE_DOCS: 'keep one YAML document (remove the `---` line)',
  BAD_INDENT: 'check the indentation and that every [ and { is closed',
  MISSING_CHAR: 'a closing bracket or quote is missing',
  BLOCK_AS_IMPLICIT_KEY: 'check the indentation and the `key: value` form of this line',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; check for a missing `:` or quote',
};

/** Reads YAML text (without BOM). Syntax errors, alias bombs and self-references are problems, never thrown. */
export function readYaml(text: string, display: string, onDuplicate: DuplicateHandler): ReadResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lc,
    schema: 'failsafe',
    prettyErrors: false,
    uniqueKeys: false,
  });
  const at = (offset: number): Loc => {
    const p = lc.linePos(Math.max(0, Math.min(offset, text.length)));
    return { file: display, line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    const problems = doc.errors.slice(0, MAX_SYNTAX_ERRORS).map((e) => ({
      loc: e.pos[0] >= text.trimEnd().length ? endLoc(text, display) : at(e.pos[0]),
      message: `Invalid YAML: ${errorText(e.code, e.message)}`,
    }));
    return { problems };
  }
  const walker = new Walker(doc, at, onDuplicate);
  try {
    const value = walker.walk(doc.contents, '', { file: display, line: 1, column: 1 }, undefined);
    return { tree: { value, nodes: walker.nodes, display }, problems: [] };
  } catch (e) {
    if (!(e instanceof TooLarge)) throw e;
    return {
      problems: [{ loc: { file: display, line: 1 }, message: `The YAML cannot be read: ${e.message}.` }],
    };
  }
}

function errorText(code: string, message: string): string {
  const msg = message.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  const hint = HINTS[code];
  return hint ? `${msg}; ${hint}.` : `${msg}.`;
}

/** Too deep or too many nodes (e.g. YAML alias bombs). */
class TooLarge extends Error {}

/** Turns the YAML node tree into plain values, recording every node's location by pointer. */
class Walker {
  readonly nodes = new Map<string, NodeLocs>();
  /** The collections on the path to the current node: their count is the depth, and aliases must not loop. */
  private readonly path = new Set<unknown>();
  private budget = MAX_NODES;
  private readonly doc: Document.Parsed;
  private readonly at: (offset: number) => Loc;
  private readonly onDuplicate: DuplicateHandler;

  constructor(doc: Document.Parsed, at: (offset: number) => Loc, onDuplicate: DuplicateHandler) {
    this.doc = doc;
    this.at = at;
    this.onDuplicate = onDuplicate;
  }

  walk(node: unknown, ptr: string, fallback: Loc, keyLoc: Loc | undefined): unknown {
    if (--this.budget < 0 || this.path.size > MAX_DEPTH) {
      throw new TooLarge('it nests or repeats (via aliases) too many values');
    }
    const loc = this.locOf(node, fallback);
    this.nodes.set(ptr, keyLoc ? { loc, keyLoc } : { loc });
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) return null;
      if (this.path.has(target)) {
        throw new TooLarge(`the alias *${node.source} at line ${loc.line} refers to itself`);
      }
      const v = this.inside(target, () => this.walk(target, ptr, loc, keyLoc));
      this.nodes.set(ptr, keyLoc ? { loc, keyLoc } : { loc });
      return v;
    }
    if (isScalar(node)) {
      const v = node.value;
      return typeof v === 'string' ? v : v === null || v === undefined ? null : String(v);
    }
    if (isMap(node) || isPair(node)) {
      return this.inside(node, () => this.mapping(isPair(node) ? [node] : node.items, ptr, loc));
    }
    if (isSeq(node)) {
      return this.inside(node, () =>
        node.items.map((item, i) => this.walk(item, `${ptr}/${i}`, loc, undefined)),
      );
    }
    return null;
  }

  private mapping(pairs: readonly { key: unknown; value: unknown }[], ptr: string, loc: Loc): unknown {
    const obj: Record<string, unknown> = {};
    const seen = new Map<string, Loc>();
    for (const pair of pairs) {
      const key = keyText(pair.key);
      const kLoc = this.locOf(pair.key, loc);
      const first = seen.get(key);
      if (first) this.onDuplicate(key, kLoc, first);
      seen.set(key, kLoc);
      setOwn(obj, key, this.walk(pair.value, `${ptr}/${escapePointer(key)}`, kLoc, kLoc));
    }
    return obj;
  }

  private inside<T>(collection: unknown, f: () => T): T {
    this.path.add(collection);
    try {
      return f();
    } finally {
      this.path.delete(collection);
    }
  }

  private locOf(n: unknown, fallback: Loc): Loc {
    const r = (n as { range?: [number, number, number] } | null)?.range;
    return r ? this.at(r[0]) : fallback;
  }
}

function keyText(key: unknown): string {
  if (key === null || key === undefined) return '';
  if (isScalar(key)) return key.value === null || key.value === undefined ? '' : String(key.value);
  try {
    return JSON.stringify((key as { toJSON(): unknown }).toJSON()) ?? '';
  } catch {
    // A mapping or an alias used as a key: the schema refuses it anyway, by this name.
    return '[complex key]';
  }
}
