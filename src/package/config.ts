// Loads the package config (distributor.yaml / distributor.yml / distributor.json) and checks it against
// schema/distributor.schema.json, keeping the line and column of every value so that each problem points
// at the place the user wrote. The source-tree and schema-error helpers below are shared with manifest.ts.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse as parseJsonAst, type ValueNode } from '@humanwhocodes/momoa';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import configSchema from '../../schema/distributor.schema.json' with { type: 'json' };
import { diag } from './catalogue.js';
import type { Diagnostic, Loc, Severity, Target } from './types.js';

export interface Located<T> {
  value: T;
  loc: Loc;
}

export interface PayloadConfig {
  /** The key under `payloads`. */
  name: string;
  /** Where the payload key was written. */
  loc: Loc;
  /** Folder relative to the package folder (default: the key). */
  path: string;
  /** ZIP name (default: `<key>.zip`). */
  file: string;
  /** Where `file` was written, or the payload key when it was not. */
  fileLoc: Loc;
  exclude: string[];
  /** Every platform/version/arch combination the payload's targets expand to. */
  targets: Target[];
}

export interface PackageConfig {
  /** Display path of the config file. */
  file: string;
  name?: Located<string>;
  version?: Located<string>;
  publisher?: string;
  description?: string;
  payloads: PayloadConfig[];
  rules: Record<string, Severity | 'off'>;
}

export const CONFIG_FILES = ['distributor.yaml', 'distributor.yml', 'distributor.json'] as const;

/** Beyond this many expanded targets the manifest could never fit in 64 KB; stop before using the memory. */
const MAX_TARGETS = 10_000;

/** The config files present in a package folder (file names, in CONFIG_FILES order). */
export async function findConfig(packageDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of CONFIG_FILES) {
    const st = await fs.stat(path.join(packageDir, name)).catch(() => undefined);
    if (st?.isFile()) found.push(name);
  }
  return found;
}

/** Parses and validates a config. `display` is the path diagnostics carry. Never throws. */
export function parseConfig(
  text: string,
  display: string,
  format: 'yaml' | 'json',
): { config?: PackageConfig; diagnostics: Diagnostic[] } {
  const ds: Diagnostic[] = [];
  try {
    const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
    const onDuplicate = (key: string, loc: Loc, first: Loc) => {
      ds.push(
        diag(
          'config-syntax',
          loc,
          `Duplicate key \`${key}\` (first on line ${first.line ?? '?'}); keep only one of them.`,
        ),
      );
    };
    const tree =
      format === 'json'
        ? readJsonConfig(src, display, ds, onDuplicate)
        : readYamlConfig(src, display, ds, onDuplicate);
    if (!tree) return { diagnostics: sortDiagnostics(ds) };

    const validate = validator(configSchema);
    const errors = validate(tree.value) ? [] : [...(validate.errors ?? [])];
    for (const p of describeSchemaErrors(errors, tree, {
      display,
      format,
      root: 'the config',
      requiredHints: configRequiredHints(format),
      emptyHints: configEmptyHints(format),
      keyNouns: { '/rules': 'rule id' },
    })) {
      ds.push(diag('config-schema', p.loc, p.message));
    }
    if (ds.length > 0) return { diagnostics: sortDiagnostics(ds) };

    const config = toConfig(tree, display, ds);
    return ds.length > 0 ? { diagnostics: sortDiagnostics(ds) } : { config, diagnostics: [] };
  } catch (e) {
    ds.push(diag('config-syntax', { file: display }, `The config could not be read: ${errorText(e)}.`));
    return { diagnostics: sortDiagnostics(ds) };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reading: YAML and JSON into a plain value plus the location of every node (by JSON pointer).

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

export type DuplicateHandler = (key: string, loc: Loc, first: Loc) => void;

/** Too deep or too many nodes (e.g. YAML alias bombs): reported as a syntax problem. */
class TooLarge extends Error {}

const MAX_NODES = 50_000;

function readYamlConfig(
  text: string,
  display: string,
  ds: Diagnostic[],
  onDuplicate: DuplicateHandler,
): SourceTree | undefined {
  const lc = new LineCounter();
  // Every value of the config is a string, so the failsafe schema reads scalars exactly as written:
  // `version: 1.10` stays "1.10", `arch: 386` stays "386", `sh-pipefail: off` stays "off".
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
    for (const e of doc.errors.slice(0, 20)) {
      const loc = e.pos[0] >= text.trimEnd().length ? endLoc(text, display) : at(e.pos[0]);
      ds.push(diag('config-syntax', loc, `Invalid YAML: ${yamlErrorText(e.code, e.message)}`));
    }
    return undefined;
  }
  const nodes = new Map<string, NodeLocs>();
  const stack = new Set<unknown>();
  let budget = MAX_NODES;
  const locOf = (n: unknown, fallback: Loc): Loc => {
    const r = (n as { range?: [number, number, number] } | null)?.range;
    return r ? at(r[0]) : fallback;
  };
  const walk = (node: unknown, ptr: string, fallback: Loc, keyLoc: Loc | undefined): unknown => {
    if (--budget < 0 || stack.size > 500)
      throw new TooLarge('it nests or repeats (via aliases) too many values');
    const loc = locOf(node, fallback);
    nodes.set(ptr, keyLoc ? { loc, keyLoc } : { loc });
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) return null;
      if (stack.has(target))
        throw new TooLarge(`the alias *${node.source} at line ${loc.line} refers to itself`);
      stack.add(target);
      const v = walk(target, ptr, loc, keyLoc);
      stack.delete(target);
      nodes.set(ptr, keyLoc ? { loc, keyLoc } : { loc });
      return v;
    }
    if (isScalar(node)) {
      const v = node.value;
      return typeof v === 'string' ? v : v === null || v === undefined ? null : String(v);
    }
    if (isMap(node) || isPair(node)) {
      stack.add(node);
      const obj: Record<string, unknown> = {};
      const seen = new Map<string, Loc>();
      for (const pair of isPair(node) ? [node] : node.items) {
        const key = yamlKey(pair.key);
        const kLoc = locOf(pair.key, loc);
        const first = seen.get(key);
        if (first) onDuplicate(key, kLoc, first);
        seen.set(key, kLoc);
        setOwn(obj, key, walk(pair.value, `${ptr}/${escapePointer(key)}`, kLoc, kLoc));
      }
      stack.delete(node);
      return obj;
    }
    if (isSeq(node)) {
      stack.add(node);
      const arr = node.items.map((item, i) => walk(item, `${ptr}/${i}`, loc, undefined));
      stack.delete(node);
      return arr;
    }
    return null;
  };
  try {
    const value = walk(doc.contents, '', { file: display, line: 1, column: 1 }, undefined);
    return { value, nodes, display };
  } catch (e) {
    if (!(e instanceof TooLarge) && !(e instanceof RangeError)) throw e;
    ds.push(diag('config-syntax', { file: display, line: 1 }, `The YAML cannot be read: ${errorText(e)}.`));
    return undefined;
  }
}

function yamlKey(key: unknown): string {
  if (key === null || key === undefined) return '';
  if (isScalar(key)) return key.value === null || key.value === undefined ? '' : String(key.value);
  try {
    return JSON.stringify((key as { toJSON(): unknown }).toJSON()) ?? '';
  } catch {
    return '[complex key]';
  }
}

function yamlErrorText(code: string, message: string): string {
  const msg = message.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  const hints: Record<string, string> = {
    TAB_AS_INDENT: 'indent with spaces, not tabs',
    MULTIPLE_DOCS: 'keep one YAML document (remove the `---` line)',
    BAD_INDENT: 'check the indentation and that every [ and { is closed',
    MISSING_CHAR: 'a closing bracket or quote is missing',
    BLOCK_AS_IMPLICIT_KEY: 'check the indentation and the `key: value` form of this line',
    MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; check for a missing `:` or quote',
  };
  const hint = hints[code];
  return hint ? `${msg}; ${hint}.` : `${msg}.`;
}

function readJsonConfig(
  text: string,
  display: string,
  ds: Diagnostic[],
  onDuplicate: DuplicateHandler,
): SourceTree | undefined {
  const r = parseJsonText(text, display);
  if (r.error) {
    ds.push(diag('config-syntax', r.error.loc, `Invalid JSON: ${r.error.message}`));
    return undefined;
  }
  if (r.trailing) {
    ds.push(
      diag('config-syntax', r.trailing, 'Invalid JSON: there is more text after the closing `}`; remove it.'),
    );
  }
  return jsonTree(r.body, text, display, { numbersAsText: true }, onDuplicate);
}

export interface JsonParse {
  body?: ValueNode;
  /** Set when the text is not JSON. */
  error?: { loc: Loc; message: string };
  /** Set when a complete JSON value is followed by more text: where that text starts (`body` is the value). */
  trailing?: Loc;
}

/** Parses JSON text with momoa, telling a complete value followed by other text apart from broken JSON. */
export function parseJsonText(text: string, display: string): JsonParse {
  try {
    return { body: parseJsonAst(text, { mode: 'json' }).body };
  } catch (e) {
    const err = e as { message?: unknown; line?: unknown; column?: unknown; offset?: unknown };
    const offset = typeof err.offset === 'number' ? err.offset : text.length;
    const end = endOfFirstValue(text);
    if (end > 0 && end <= offset && text.slice(end).trim() !== '') {
      try {
        const body = parseJsonAst(text.slice(0, end), { mode: 'json' }).body;
        const start = end + (text.slice(end).length - text.slice(end).trimStart().length);
        return { body, trailing: offsetLoc(text, start, display) };
      } catch {
        // Not a complete value either: report the original error.
      }
    }
    if (typeof err.line !== 'number' || typeof err.column !== 'number') {
      return { error: { loc: { file: display, line: 1 }, message: `${errorText(e)}.` } };
    }
    const atEnd = offset >= text.trimEnd().length;
    const loc = atEnd ? endLoc(text, display) : { file: display, line: err.line, column: err.column };
    return { error: { loc, message: jsonErrorText(String(err.message ?? ''), text, offset, atEnd) } };
  }
}

/** The offset just after the first complete top-level value (bracket matching, string-aware), or -1. */
function endOfFirstValue(text: string): number {
  let i = 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  if (i >= text.length) return -1;
  const c = text[i]!;
  if (c === '{' || c === '[') {
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  if (c === '"') {
    for (i++; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') return i + 1;
    }
    return -1;
  }
  while (i < text.length && !/[\s,{}[\]:"]/.test(text[i]!)) i++;
  return i;
}

function jsonErrorText(raw: string, text: string, offset: number, atEnd: boolean): string {
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
  const names: Record<string, string> = {
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
  if (tok) return `unexpected ${names[tok] ?? tok}; check the quotes, commas and brackets around it.`;
  return `${msg}.`;
}

/** Converts a momoa AST into a plain value (last duplicate wins, like Go's encoding/json) plus node locations. */
export function jsonTree(
  body: ValueNode | undefined,
  text: string,
  display: string,
  opts: { numbersAsText: boolean },
  onDuplicate: DuplicateHandler,
): SourceTree {
  const nodes = new Map<string, NodeLocs>();
  const locOf = (n: { loc: { start: { line: number; column: number } } }): Loc => ({
    file: display,
    line: n.loc.start.line,
    column: n.loc.start.column,
  });
  const walk = (node: ValueNode, ptr: string, keyLoc: Loc | undefined): unknown => {
    const loc = locOf(node);
    nodes.set(ptr, keyLoc ? { loc, keyLoc } : { loc });
    switch (node.type) {
      case 'Object': {
        const obj: Record<string, unknown> = {};
        const seen = new Map<string, Loc>();
        for (const m of node.members) {
          const key = m.name.type === 'String' ? m.name.value : m.name.name;
          const kLoc = locOf(m.name);
          const first = seen.get(key);
          if (first) onDuplicate(key, kLoc, first);
          seen.set(key, kLoc);
          setOwn(obj, key, walk(m.value, `${ptr}/${escapePointer(key)}`, kLoc));
        }
        return obj;
      }
      case 'Array':
        return node.elements.map((el, i) => walk(el.value, `${ptr}/${i}`, undefined));
      case 'String':
      case 'Boolean':
        return node.value;
      case 'Number':
        return opts.numbersAsText ? text.slice(node.loc.start.offset, node.loc.end.offset) : node.value;
      default:
        return null;
    }
  };
  const value = body ? walk(body, '', undefined) : null;
  return { value, nodes, display };
}

// ---------------------------------------------------------------------------------------------------------
// Schema validation: ajv errors → messages that say what to do, at the line of the offending node.

const validators = new Map<object, ValidateFunction>();
let ajv: Ajv | undefined;

/**
 * Compiles a schema once, on first use. The schemas are static files checked against the JSON Schema
 * meta-schema by the tests, so the run skips that check and the code optimizer (together about half the
 * compile time, which every validate run pays).
 */
export function validator(schema: object): ValidateFunction {
  let v = validators.get(schema);
  if (!v) {
    ajv ??= new Ajv({
      allErrors: true,
      verbose: true,
      allowUnionTypes: true,
      validateSchema: false,
      code: { source: false, optimize: false },
    });
    v = ajv.compile(schema);
    validators.set(schema, v);
  }
  return v;
}

export interface SchemaContext {
  display: string;
  format: 'yaml' | 'json';
  /** What the document is called in messages about its root, e.g. "the config". */
  root: string;
  /** For `required` errors: the missing property → what to add. */
  requiredHints?: Record<string, string>;
  /** For empty lists/mappings: the property name → what to put in. */
  emptyHints?: Record<string, string>;
  /** For unknown keys under a pointer: what the keys are called there (default "key"). */
  keyNouns?: Record<string, string>;
}

export interface SchemaProblem {
  error: ErrorObject;
  loc: Loc;
  message: string;
  /** JSON pointer of the node the problem is about. */
  pointer: string;
}

/** Turns ajv errors into one message each (consequential errors at the same node dropped), sorted by position. */
export function describeSchemaErrors(
  errors: readonly ErrorObject[],
  tree: SourceTree,
  ctx: SchemaContext,
): SchemaProblem[] {
  const typeErrorAt = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // propertyNames reports the inner error (with propertyName) and then itself: keep the inner one.
    if (e.keyword === 'propertyNames' || e.keyword === 'if') continue;
    if (e.keyword !== 'type' && typeErrorAt.has(e.instancePath) && e.propertyName === undefined) continue;
    const p = describeSchemaError(e, tree, ctx);
    const k = `${p.loc.line}:${p.loc.column}:${p.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(p);
  }
  return out;
}

function describeSchemaError(e: ErrorObject, tree: SourceTree, ctx: SchemaContext): SchemaProblem {
  const ptr = e.instancePath;
  const where = pathText(ptr, tree.value);
  const prefix = where ? `${where}: ` : '';
  const params = e.params as Record<string, unknown>;
  const data = e.data;
  const problem = (message: string, pointer = ptr, key = false): SchemaProblem => ({
    error: e,
    loc: locAt(tree, pointer, key),
    message,
    pointer,
  });
  const code = (s: unknown) => `\`${String(s)}\``;

  if (e.propertyName !== undefined) {
    // An invalid key (propertyNames): point at the key.
    const key = e.propertyName;
    const noun = ctx.keyNouns?.[ptr] ?? 'key';
    const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map(String) : [];
    const guess = didYouMean(key, allowed);
    return problem(
      `${prefix}unknown ${noun} ${code(key)}${guess ? `; did you mean ${code(guess)}?` : noun === 'rule id' ? '; the rule ids are listed in the README.' : '.'}`,
      `${ptr}/${escapePointer(key)}`,
      true,
    );
  }
  switch (e.keyword) {
    case 'required': {
      const prop = String(params.missingProperty);
      const hint = ctx.requiredHints?.[prop] ?? `add \`${prop}\``;
      return problem(`${prefix || `${capitalize(ctx.root)}: `}missing \`${prop}\`; ${hint}.`);
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const props = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
      const guess = didYouMean(key, props);
      const tail = guess
        ? `; did you mean ${code(guess)}?`
        : props.length > 0
          ? `; the keys allowed here are ${props
              .filter((p) => !p.startsWith('$'))
              .map(code)
              .join(', ')}.`
          : '; remove it.';
      return problem(
        `${where ? `${where}: unknown key` : 'unknown top-level key'} ${code(key)}${tail}`,
        `${ptr}/${escapePointer(key)}`,
        true,
      );
    }
    case 'type': {
      const want = (Array.isArray(params.type) ? params.type : [params.type]).map(String);
      return problem(
        `${prefix || `${capitalize(ctx.root)} `}must be ${kinds(want, ctx.format)}, not ${kindOf(data, ctx.format)}.`,
      );
    }
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map(String) : [];
      const guess = typeof data === 'string' ? didYouMean(data, allowed) : undefined;
      return problem(
        `${prefix}${code(data)} is not allowed; use ${orList(allowed.map(code))}${guess ? ` (did you mean ${code(guess)}?)` : ''}.`,
      );
    }
    case 'const':
      return problem(`${prefix}must be ${JSON.stringify(params.allowedValue)}, not ${JSON.stringify(data)}.`);
    case 'minItems':
    case 'minProperties': {
      const last = lastSegment(ptr);
      const hint = ctx.emptyHints?.[last] ?? 'add at least one entry';
      return problem(`${prefix}is empty; ${hint}.`);
    }
    case 'minLength':
      return problem(`${prefix}is empty; give it a value.`);
    case 'pattern':
      return problem(`${prefix}${code(data)} does not match ${code(params.pattern)}.`);
    default:
      return problem(`${prefix}${e.message ?? 'does not match the schema'}.`);
  }
}

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

/** `payloads.linux.targets[0].arch` for `/payloads/linux/targets/0/arch`. */
export function pathText(pointer: string, root: unknown): string {
  if (pointer === '') return '';
  let out = '';
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
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

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function lastSegment(pointer: string): string {
  return pointer
    .slice(pointer.lastIndexOf('/') + 1)
    .replace(/~1/g, '/')
    .replace(/~0/g, '~');
}

function kinds(types: string[], format: 'yaml' | 'json'): string {
  const names: string[] = [];
  for (const t of types) {
    const n =
      t === 'object'
        ? format === 'yaml'
          ? 'a mapping (`key: value` lines)'
          : 'an object'
        : t === 'array'
          ? 'a list'
          : t === 'string' || t === 'number'
            ? 'a string'
            : t === 'boolean'
              ? 'true or false'
              : t;
    if (!names.includes(n)) names.push(n);
  }
  return orList(names);
}

function kindOf(v: unknown, format: 'yaml' | 'json'): string {
  if (v === null || v === undefined) return format === 'yaml' ? 'an empty value' : 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return format === 'yaml' ? 'a mapping' : 'an object';
  if (typeof v === 'string')
    return v === '' ? 'an empty value' : `the text ${JSON.stringify(truncate(v, 40))}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

function orList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** The closest candidate within a small edit distance (case-insensitive), if any. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDist = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  for (const c of candidates) {
    if (c === word) continue;
    const d = editDistance(w, c.toLowerCase(), bestDist);
    if (d < bestDist || (d === bestDist && best === undefined)) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

/** Levenshtein distance with adjacent transpositions, giving up above `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a.length > 200 || b.length > 200) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

// ---------------------------------------------------------------------------------------------------------
// From the validated tree to the typed config.

function configRequiredHints(format: 'yaml' | 'json'): Record<string, string> {
  const kv = (k: string, v: string) => (format === 'json' ? `\`"${k}": "${v}"\`` : `\`${k}: ${v}\``);
  return {
    payloads:
      format === 'json'
        ? 'add `"payloads"` with one key per ZIP, each with `"targets"`'
        : 'add `payloads:` with one key per ZIP, each with `targets:`',
    targets:
      format === 'json'
        ? 'add `"targets"`: a list of `{ "platform": …, "version": …, "arch": … }`'
        : 'add `targets:` with at least one `{ platform, version, arch }` entry',
    platform: `add ${kv('platform', 'amazon')} (or redhat, ubuntu, debian, windows, …, or _any)`,
    version: `add ${kv('version', '_any')} (or an exact version such as 2023, or a prefix such as 8.*)`,
    arch: `add ${kv('arch', 'x86_64')}, \`arm64\`, \`386\` or \`_any\``,
  };
}

function configEmptyHints(format: 'yaml' | 'json'): Record<string, string> {
  return {
    payloads: 'declare at least one payload (one ZIP)',
    targets:
      format === 'json'
        ? 'list at least one `{ "platform": …, "version": …, "arch": … }`'
        : 'list at least one `{ platform, version, arch }`',
    platform: 'list at least one platform, e.g. amazon',
    version: 'list at least one version key, e.g. _any',
    arch: 'list at least one architecture, e.g. x86_64',
  };
}

interface RawTarget {
  platform: string | string[];
  version: string | string[];
  arch: string | string[];
}
interface RawPayload {
  path?: string;
  file?: string;
  exclude?: string[];
  targets: RawTarget[];
}
interface RawConfig {
  name?: string;
  version?: string;
  publisher?: string;
  description?: string;
  payloads: Record<string, RawPayload>;
  rules?: Record<string, Severity | 'off'>;
}

function toConfig(tree: SourceTree, display: string, ds: Diagnostic[]): PackageConfig {
  const raw = tree.value as RawConfig;
  const config: PackageConfig = { file: display, payloads: [], rules: {} };
  if (raw.name !== undefined) config.name = { value: String(raw.name), loc: locAt(tree, '/name') };
  if (raw.version !== undefined)
    config.version = { value: String(raw.version), loc: locAt(tree, '/version') };
  if (raw.publisher !== undefined) config.publisher = String(raw.publisher);
  if (raw.description !== undefined) config.description = String(raw.description);
  for (const [rule, sev] of Object.entries(raw.rules ?? {})) setOwn(config.rules, rule, sev);

  let total = 0;
  const byFile = new Map<string, PayloadConfig>();
  for (const [key, p] of Object.entries(raw.payloads)) {
    const ptr = `/payloads/${escapePointer(key)}`;
    const loc = locAt(tree, ptr, true);
    const targets: Target[] = [];
    p.targets.forEach((t, i) => {
      const tptr = `${ptr}/targets/${i}`;
      const tloc = locAt(tree, tptr);
      const field = (name: keyof RawTarget) => {
        const v = t[name];
        return Array.isArray(v)
          ? v.map((x, j) => ({ value: String(x), loc: locAt(tree, `${tptr}/${name}/${j}`) }))
          : [{ value: String(v), loc: locAt(tree, `${tptr}/${name}`) }];
      };
      const platforms = field('platform');
      const versions = field('version');
      const arches = field('arch');
      total += platforms.length * versions.length * arches.length;
      if (total > MAX_TARGETS) return;
      for (const pl of platforms) {
        for (const ve of versions) {
          for (const ar of arches) {
            targets.push({
              platform: pl.value,
              version: ve.value,
              arch: ar.value,
              loc: tloc,
              fieldLocs: { platform: pl.loc, version: ve.loc, arch: ar.loc },
            });
          }
        }
      }
    });
    const payload: PayloadConfig = {
      name: key,
      loc,
      path: p.path ?? key,
      file: p.file ?? `${key}.zip`,
      fileLoc: p.file !== undefined ? locAt(tree, `${ptr}/file`) : loc,
      exclude: p.exclude ? [...p.exclude] : [],
      targets,
    };
    const other = byFile.get(payload.file);
    if (other) {
      ds.push(
        diag(
          'config-schema',
          payload.fileLoc,
          `Payloads \`${other.name}\` (line ${other.fileLoc.line ?? '?'}) and \`${key}\` both produce ${payload.file}; give one of them a different \`file\`.`,
        ),
      );
    }
    byFile.set(payload.file, payload);
    config.payloads.push(payload);
  }
  if (total > MAX_TARGETS) {
    ds.push(
      diag(
        'config-schema',
        locAt(tree, '/payloads', true),
        `The targets expand to ${total} platform/version/arch combinations; a manifest holds at most 64 KB, so use _any or version prefixes such as 8.* instead of long lists.`,
      ),
    );
  }
  return config;
}

// ---------------------------------------------------------------------------------------------------------
// Small shared helpers.

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
function endLoc(text: string, display: string): Loc {
  const lines = text.split('\n');
  let i = lines.length - 1;
  while (i > 0 && lines[i]!.trim() === '') i--;
  return { file: display, line: i + 1 };
}

export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

export function errorText(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/\.$/, '');
}
