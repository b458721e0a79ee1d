// Schema validation of a SourceTree: ajv errors become messages that say what to do, at the line of the
// offending node.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Loc } from '../types.js';
import { didYouMean } from './suggest.js';
import { escapePointer, lastSegment, locAt, pathText, type SourceTree } from './tree.js';

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

/** Validates a tree; one problem per error (consequential errors at the same node dropped). */
export function schemaProblems(schema: object, tree: SourceTree, ctx: SchemaContext): SchemaProblem[] {
  const validate = validator(schema);
  if (validate(tree.value)) return [];
  const errors = validate.errors ?? [];
  const typeErrorAt = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // propertyNames reports the inner error (with propertyName) and then itself: keep the inner one.
    if (e.keyword === 'propertyNames' || e.keyword === 'if') continue;
    if (e.keyword !== 'type' && typeErrorAt.has(e.instancePath) && e.propertyName === undefined) continue;
    const p = describe(e, tree, ctx);
    const k = `${p.loc.line}:${p.loc.column}:${p.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(p);
  }
  return out;
}

/** One error: what it is about (`where`, `prefix`), and a way to make the problem at a pointer. */
interface ErrorView {
  e: ErrorObject;
  ptr: string;
  where: string;
  prefix: string;
  params: Record<string, unknown>;
  problem: (message: string, pointer?: string, key?: boolean) => SchemaProblem;
}

const code = (s: unknown) => `\`${String(s)}\``;

function describe(e: ErrorObject, tree: SourceTree, ctx: SchemaContext): SchemaProblem {
  const ptr = e.instancePath;
  const where = pathText(ptr, tree.value);
  const v: ErrorView = {
    e,
    ptr,
    where,
    prefix: where ? `${where}: ` : '',
    params: e.params as Record<string, unknown>,
    problem: (message, pointer = ptr, key = false) => ({
      error: e,
      loc: locAt(tree, pointer, key),
      message,
      pointer,
    }),
  };
  if (e.propertyName !== undefined) return invalidKey(v, e.propertyName, ctx);
  switch (e.keyword) {
    case 'required': {
      const prop = String(v.params.missingProperty);
      const hint = ctx.requiredHints?.[prop] ?? `add \`${prop}\``;
      return v.problem(`${v.prefix || `${capitalize(ctx.root)}: `}missing \`${prop}\`; ${hint}.`);
    }
    case 'additionalProperties':
      return unknownKey(v, String(v.params.additionalProperty));
    case 'type': {
      const want = (Array.isArray(v.params.type) ? v.params.type : [v.params.type]).map(String);
      const subject = v.prefix || `${capitalize(ctx.root)} `;
      return v.problem(`${subject}must be ${kinds(want, ctx.format)}, not ${kindOf(e.data, ctx.format)}.`);
    }
    case 'enum':
      return notAllowed(v);
    case 'const':
      return v.problem(
        `${v.prefix}must be ${JSON.stringify(v.params.allowedValue)}, not ${JSON.stringify(e.data)}.`,
      );
    case 'minItems':
    case 'minProperties':
      return v.problem(
        `${v.prefix}is empty; ${ctx.emptyHints?.[lastSegment(ptr)] ?? 'add at least one entry'}.`,
      );
    case 'minLength':
      return v.problem(`${v.prefix}is empty; give it a value.`);
    case 'maxLength':
      return v.problem(
        `${v.prefix}is ${String(e.data).length} characters long; at most ${String(v.params.limit)} are allowed.`,
      );
    case 'pattern':
      return v.problem(`${v.prefix}${code(e.data)} does not match ${code(v.params.pattern)}.`);
    default:
      return v.problem(`${v.prefix}${e.message ?? 'does not match the schema'}.`);
  }
}

/** A key refused by `propertyNames`: point at the key. */
function invalidKey(v: ErrorView, key: string, ctx: SchemaContext): SchemaProblem {
  const noun = ctx.keyNouns?.[v.ptr] ?? 'key';
  const allowed = Array.isArray(v.params.allowedValues) ? v.params.allowedValues.map(String) : [];
  const guess = didYouMean(key, allowed);
  const tail = guess
    ? `; did you mean ${code(guess)}?`
    : noun === 'rule id'
      ? '; `distributor rules` lists the rule ids (so does the Rule catalogue in the README).'
      : '.';
  return v.problem(`${v.prefix}unknown ${noun} ${code(key)}${tail}`, `${v.ptr}/${escapePointer(key)}`, true);
}

function unknownKey(v: ErrorView, key: string): SchemaProblem {
  const props = Object.keys((v.e.parentSchema?.properties as object | undefined) ?? {});
  const guess = didYouMean(key, props);
  const allowed = props.filter((p) => !p.startsWith('$')).map(code);
  const tail = guess
    ? `; did you mean ${code(guess)}?`
    : props.length > 0
      ? `; the keys allowed here are ${allowed.join(', ')}.`
      : '; remove it.';
  const head = v.where ? `${v.where}: unknown key` : 'unknown top-level key';
  return v.problem(`${head} ${code(key)}${tail}`, `${v.ptr}/${escapePointer(key)}`, true);
}

function notAllowed(v: ErrorView): SchemaProblem {
  const data = v.e.data;
  const allowed = Array.isArray(v.params.allowedValues) ? v.params.allowedValues.map(String) : [];
  const guess = typeof data === 'string' ? didYouMean(data, allowed) : undefined;
  const hint = guess ? ` (did you mean ${code(guess)}?)` : '';
  return v.problem(`${v.prefix}${code(data)} is not allowed; use ${orList(allowed.map(code))}${hint}.`);
}

const TYPE_NAMES: Record<string, { yaml: string; json: string }> = {
  object: { yaml: 'a mapping (`key: value` lines)', json: 'an object' },
  array: { yaml: 'a list', json: 'a list' },
  string: { yaml: 'a string', json: 'a string' },
  number: { yaml: 'a string', json: 'a string' },
  boolean: { yaml: 'true or false', json: 'true or false' },
};

function kinds(types: string[], format: 'yaml' | 'json'): string {
  const names: string[] = [];
  for (const t of types) {
    const n = TYPE_NAMES[t]?.[format] ?? t;
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
