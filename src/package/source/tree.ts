// A parsed YAML or JSON document as a plain value plus the location of every node, addressed by JSON
// pointer, and the small helpers that read such values safely (own keys only, `__proto__` a plain key).
import type { Loc } from '../types.js';

export interface NodeLocs {
  /** Where the value starts. */
  loc: Loc;
  /** Where its key was written (mapping entries only). */
  keyLoc?: Loc;
}

/** A parsed document: the plain value and the location of every node, keyed by JSON pointer ('' is the root). */
export interface SourceTree {
  value: unknown;
  nodes: Map<string, NodeLocs>;
  display: string;
}

/** A problem found while reading a document; the caller files it under its own rule. */
export interface SourceProblem {
  loc: Loc;
  message: string;
}

/** Called for a key that appears again in the same mapping: where it is now, and where it was first. */
export type DuplicateHandler = (key: string, loc: Loc, first: Loc) => void;

/** Documents nesting deeper than this are refused (a parser's recursion must not reach the stack limit). */
export const MAX_DEPTH = 500;
/** Documents with more nodes than this are refused (YAML alias bombs expand to billions). */
export const MAX_NODES = 50_000;

/** The location of the node at a pointer (or of its key), falling back to the nearest ancestor. */
export function locAt(tree: SourceTree, pointer: string, key = false): Loc {
  let p = pointer;
  for (;;) {
    const n = tree.nodes.get(p);
    if (n) return (key && n.keyLoc) || n.loc;
    if (p === '') return { file: tree.display };
    p = p.slice(0, p.lastIndexOf('/'));
    key = false;
  }
}

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The last key of a pointer, unescaped. */
export function lastSegment(pointer: string): string {
  return unescapePointer(pointer.slice(pointer.lastIndexOf('/') + 1));
}

/** `payloads.linux.targets[0].arch` for `/payloads/linux/targets/0/arch`. */
export function pathText(pointer: string, root: unknown): string {
  if (pointer === '') return '';
  let out = '';
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = unescapePointer(raw);
    if (Array.isArray(cur)) {
      out += `[${seg}]`;
      cur = cur[Number(seg)];
    } else {
      out += /^[A-Za-z_$][\w$-]*$/.test(seg) ? `${out ? '.' : ''}${seg}` : `[${JSON.stringify(seg)}]`;
      cur = getOwn(cur, seg);
    }
  }
  return out;
}

/** Sets an own property, even for keys such as `__proto__`. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Reads an own property of an object (never an inherited one such as `constructor`). */
export function getOwn(obj: unknown, key: string): unknown {
  return obj !== null && typeof obj === 'object' && Object.hasOwn(obj, key)
    ? (obj as Record<string, unknown>)[key]
    : undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** 1-based line and column of an offset. */
export function offsetLoc(text: string, offset: number, display: string): Loc {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { file: display, line, column: offset - lineStart + 1 };
}

/** For errors at the end of the text: the last line that has content (where the unclosed thing is). */
export function endLoc(text: string, display: string): Loc {
  const lines = text.split('\n');
  let i = lines.length - 1;
  while (i > 0 && lines[i]!.trim() === '') i--;
  return { file: display, line: i + 1 };
}
