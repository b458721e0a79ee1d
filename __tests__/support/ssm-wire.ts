// The JSON 1.1 wire helpers every part of the test SSM endpoint shares: the service's error shape, its
// `N validation errors detected` message, typed readers over a request body, epoch-seconds timestamps.

/** Java-style full match of a model pattern (the service's validator matches the whole value). */
export const fullMatch = (re: string, v: string) =>
  new RegExp(`^(?:${re})$`, re.includes('\\p{') ? 'u' : '').test(v);

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** Collects constraint violations and reports them in the service's `N validation errors detected: …` form. */
export class Violations {
  private readonly list: string[] = [];

  private add(path: string, value: unknown, constraint: string) {
    const shown = value === undefined || value === null ? 'null' : `'${fmt(value)}'`;
    this.list.push(`Value ${shown} at '${path}' failed to satisfy constraint: Member must ${constraint}`);
  }
  required(path: string, v: unknown): boolean {
    if (v === undefined) {
      this.add(path, v, 'not be null');
      return false;
    }
    return true;
  }
  pattern(path: string, v: string | undefined, re: string) {
    if (v !== undefined && !fullMatch(re, v)) this.add(path, v, `satisfy regular expression pattern: ${re}`);
  }
  length(path: string, v: string | unknown[] | undefined, min: number | undefined, max: number | undefined) {
    if (v === undefined) return;
    const n = typeof v === 'string' ? [...v].length : v.length;
    if (min !== undefined && n < min) this.add(path, v, `have length greater than or equal to ${min}`);
    if (max !== undefined && n > max) this.add(path, v, `have length less than or equal to ${max}`);
  }
  range(path: string, v: number | undefined, min: number, max: number) {
    if (v === undefined) return;
    if (v < min) this.add(path, v, `have value greater than or equal to ${min}`);
    if (v > max) this.add(path, v, `have value less than or equal to ${max}`);
  }
  oneOf(path: string, v: string | undefined, values: readonly string[]) {
    if (v !== undefined && !values.includes(v))
      this.add(path, v, `satisfy enum value set: [${values.join(', ')}]`);
  }
  throwIfAny() {
    const n = this.list.length;
    if (n)
      throw new ApiError(
        'ValidationException',
        `${n} validation error${n > 1 ? 's' : ''} detected: ${this.list.join('; ')}`,
      );
  }
}

export function fmt(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(fmt).join(', ')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}: ${fmt(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

// Typed readers over the request body: absent/null → undefined, a wrong JSON type → SerializationException.
export type Body = Record<string, unknown>;
export const serialization = (member: string, want: string) =>
  new ApiError('SerializationException', `Unexpected value type for member ${member}: expected ${want}`);
export function str(b: Body, k: string): string | undefined {
  const v = b[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw serialization(k, 'string');
  return v;
}
export function num(b: Body, k: string): number | undefined {
  const v = b[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw serialization(k, 'integer');
  return v;
}
export function bool(b: Body, k: string): boolean | undefined {
  const v = b[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw serialization(k, 'boolean');
  return v;
}
export function list<T>(b: Body, k: string, item: (v: unknown, i: number) => T): T[] | undefined {
  const v = b[k];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw serialization(k, 'list');
  return v.map(item);
}
export function struct(v: unknown, member: string): Body {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw serialization(member, 'structure');
  return v as Body;
}
export function strList(b: Body, k: string): string[] | undefined {
  return list(b, k, (v) => {
    if (typeof v !== 'string') throw serialization(k, 'list of strings');
    return v;
  });
}

export const epoch = (d: Date) => Math.round(d.getTime()) / 1000;

/** What a handler tells the HTTP layer: whether it changed server state (set before any await that may fail). */
export type OpCtx = { committed: boolean };
export type Handler = (b: Body, ctx: OpCtx) => Promise<Record<string, unknown>> | Record<string, unknown>;
