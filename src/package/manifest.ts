// The Distributor manifest (schemaVersion 2.0): parse a hand-written one with the line of every problem,
// build one from payload mappings, serialize it byte-for-byte reproducibly, and re-check a built one.
import { isUtf8 } from 'node:buffer';
import manifestSchema from '../../schema/manifest.schema.json' with { type: 'json' };
import { diag, sortDiagnostics } from './rules/catalogue.js';
import { readJson } from './source/json.js';
import { type SchemaContext, type SchemaProblem, schemaProblems } from './source/schema.js';
import { didYouMean } from './source/suggest.js';
import {
  type DuplicateHandler,
  escapePointer,
  getOwn,
  isRecord,
  lastSegment,
  locAt,
  offsetLoc,
  pathText,
  type SourceTree,
  setOwn,
  unescapePointer,
} from './source/tree.js';
import type { Diagnostic, Loc, Manifest, ManifestFileRef, PackageMapping, Target } from './types.js';

/** SSM document content limit for Package documents. */
export const MANIFEST_MAX_BYTES = 65536;
/** Larger manifest.json files are not read at all (manifest-too-large); up to it, manifest-size says what SSM accepts. */
export const MANIFEST_READ_MAX = 1024 * 1024;

export interface ParsedManifest {
  /** Set when the manifest has the Distributor shape (other problems may still be reported). */
  manifest?: Manifest;
  /** Every platform/version/arch mapping of `packages`, with the locations of its keys. */
  targets: Target[];
  /** Every file listed in `files` → where its key was written. */
  fileLocs: Record<string, Loc>;
  /** Where the `version` value was written. */
  versionLoc?: Loc;
  /** Every `size` a `files` entry states (a whole number of bytes), with where its value was written. */
  sizes: Record<string, StatedSize>;
  raw: Buffer;
}

/** A `size` written in a `files` entry. */
export interface StatedSize {
  bytes: number;
  loc: Loc;
}

const SCHEMA_CONTEXT = {
  format: 'json',
  root: 'the manifest',
  requiredHints: {
    schemaVersion: 'add `"schemaVersion": "2.0"`',
    version: 'add `"version": "<version>"`, the same string as the package version (SSM VersionName)',
    packages: 'add `"packages": { "<platform>": { "<version>": { "<arch>": { "file": "<zip name>" } } } }`',
    files: 'add `"files": { "<zip name>": { "checksums": { "sha256": "<64 hex>" } } }`',
    file: 'add `"file": "<zip name>"` naming a key of `files`',
    checksums: 'add `"checksums": { "sha256": "<64 hex>" }`',
    sha256: 'add `"sha256": "<64 hex>"`, the sha256 of the ZIP',
  },
  emptyHints: {
    packages: 'map at least one platform to a ZIP',
    files: 'list every ZIP with its sha256',
  },
} as const satisfies SchemaContext;

const sizeMessage = (what: string, size: number) =>
  `The manifest ${what} ${size} bytes; SSM accepts at most ${MANIFEST_MAX_BYTES} (64 KB). Shorten \`description\`, or map fewer version keys (use _any or prefixes such as 8.*).`;

/** Parses a manifest.json as written (the console's Advanced workflow, or a prebuilt package). */
export function parseManifest(
  raw: Buffer,
  display: string,
): { parsed: ParsedManifest; diagnostics: Diagnostic[] } {
  const ds: Diagnostic[] = [];
  const parsed: ParsedManifest = { targets: [], fileLocs: {}, sizes: {}, raw };
  if (raw.length > MANIFEST_MAX_BYTES)
    ds.push(diag('manifest-size', { file: display }, sizeMessage('is', raw.length)));
  const text = decode(raw, display, ds);
  const tree = readTree(text, display, ds);
  if (tree) {
    ds.push(...schemaDiagnostics(tree));
    extract(tree, parsed, ds);
    readSizes(tree, text, parsed, ds);
    const shapeBroken = ds.some(
      (d) => d.severity === 'error' && (d.rule === 'manifest-schema' || d.rule === 'manifest-syntax'),
    );
    if (!shapeBroken) parsed.manifest = cleanManifest(tree.value as Manifest);
  }
  return { parsed, diagnostics: sortDiagnostics(ds) };
}

/** Bytes → text. A BOM is reported, then stripped so that the rest is still checked. */
function decode(raw: Buffer, display: string, ds: Diagnostic[]): string {
  const start = { file: display, line: 1, column: 1 };
  if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) {
    ds.push(
      diag(
        'manifest-bom',
        start,
        "The manifest starts with a UTF-8 byte-order mark, which JSON parsers such as the agent's reject; save it as UTF-8 without BOM.",
      ),
    );
    return decodeUtf8(raw.subarray(3), display, ds);
  }
  if ((raw[0] === 0xff && raw[1] === 0xfe) || (raw[0] === 0xfe && raw[1] === 0xff)) {
    ds.push(
      diag(
        'manifest-bom',
        start,
        'The manifest is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8 without BOM.',
      ),
    );
    return new TextDecoder(raw[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(raw.subarray(2));
  }
  return decodeUtf8(raw, display, ds);
}

function decodeUtf8(bytes: Buffer, display: string, ds: Diagnostic[]): string {
  const text = bytes.toString('utf8');
  if (!isUtf8(bytes)) {
    const at = text.indexOf('\uFFFD');
    ds.push(
      diag(
        'manifest-syntax',
        at >= 0 ? offsetLoc(text, at, display) : { file: display },
        'The manifest is not valid UTF-8; save it as UTF-8 (without BOM).',
      ),
    );
  }
  return text;
}

/** Text → JSON tree, telling trailing text apart from broken JSON; duplicate keys reported. */
function readTree(text: string, display: string, ds: Diagnostic[]): SourceTree | undefined {
  const onDuplicate: DuplicateHandler = (key, loc, first) => {
    ds.push(
      diag(
        'manifest-duplicate-key',
        loc,
        `Key "${key}" appears again (first on line ${first.line ?? '?'}); the agent silently keeps this last one. Keep only one.`,
      ),
    );
  };
  const r = readJson(text, display, { numbersAsText: false, onDuplicate });
  if (r.error) ds.push(diag('manifest-syntax', r.error.loc, r.error.message));
  if (r.trailing) {
    ds.push(
      diag(
        'manifest-trailing',
        r.trailing,
        'There is more text after the closing `}` of the manifest; remove it (SSM rejects it as invalid JSON).',
      ),
    );
  }
  return r.tree;
}

/** Schema problems of a manifest tree: checksum patterns become checksum-format, unknown top-level keys warnings. */
function schemaDiagnostics(tree: SourceTree): Diagnostic[] {
  return schemaProblems(manifestSchema, tree, SCHEMA_CONTEXT).map((p) => toDiagnostic(p, tree));
}

function toDiagnostic(p: SchemaProblem, tree: SourceTree): Diagnostic {
  const e = p.error;
  if (p.pointer === '/schemaVersion') {
    const got = e.data;
    return diag(
      'manifest-schema',
      p.loc,
      typeof got === 'string'
        ? `schemaVersion is ${JSON.stringify(got)}; Distributor manifests are always schemaVersion "2.0".`
        : `schemaVersion must be the string "2.0" (quoted), not ${JSON.stringify(got)}.`,
    );
  }
  if (e.keyword === 'pattern' && /\/checksums\/(sha256|md5)$/.test(p.pointer)) return checksumFormat(p, tree);
  if (/^\/files\/[^/]+\/size$/.test(p.pointer) && (e.keyword === 'type' || e.keyword === 'minimum')) {
    const why =
      e.keyword === 'minimum'
        ? 'a size is never negative'
        : 'the agent reads `size` as an integer and cannot read the manifest otherwise';
    return diag(
      'manifest-schema',
      p.loc,
      `${pathText(p.pointer, tree.value)} is ${shown(e.data)}; write the ZIP's size in bytes as a plain whole number (e.g. 1048576, no quotes), or remove it: ${why}.`,
    );
  }
  if (/^\/files\/[^/]+\/downloadLocation$/.test(p.pointer) && e.keyword === 'type') {
    return diag(
      'manifest-schema',
      p.loc,
      `${pathText(p.pointer, tree.value)} is ${shown(e.data)}; the agent reads \`downloadLocation\` as a string (it ignores it for your own packages): quote it, or remove it.`,
    );
  }
  if (e.keyword === 'additionalProperties' && e.instancePath === '') {
    return diag(
      'manifest-unknown-key',
      p.loc,
      `${p.message.replace(/\.$/, '')} (SSM and the agent ignore it).`,
    );
  }
  if (
    e.keyword === 'type' &&
    e.schemaPath.startsWith('#/definitions/fileRef/') &&
    typeof e.data === 'string'
  ) {
    return diag(
      'manifest-schema',
      p.loc,
      `${pathText(p.pointer, tree.value)}: write \`{ "file": ${JSON.stringify(e.data)} }\`, not the bare name.`,
    );
  }
  return diag('manifest-schema', p.loc, p.message);
}

/** A JSON value for a message, cut short. */
function shown(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * The `size` of each `files` entry. The agent decodes it into a Go int: a number written with a fraction or
 * an exponent (`1024.0`, `1e3`) fails its whole manifest even where JSON Schema sees an integer.
 */
function readSizes(tree: SourceTree, text: string, parsed: ParsedManifest, ds: Diagnostic[]): void {
  const files = getOwn(tree.value, 'files');
  if (!isRecord(files)) return;
  for (const [name, entry] of Object.entries(files)) {
    const size = getOwn(entry, 'size');
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) continue; // the schema says so
    const pointer = `/files/${escapePointer(name)}/size`;
    const loc = locAt(tree, pointer);
    const written = numberAt(text, loc);
    if (written !== undefined && !/^(0|[1-9][0-9]*)$/.test(written)) {
      ds.push(
        diag(
          'manifest-schema',
          loc,
          `${pathText(pointer, tree.value)} is written ${written.length > 40 ? `${written.slice(0, 40)}…` : written}; the agent reads \`size\` as an integer and rejects a fraction or an exponent, so it could not read the manifest at all. Write ${Number.isSafeInteger(size) ? size : 'the size in bytes'}.`,
        ),
      );
      continue;
    }
    setOwn(parsed.sizes, name, { bytes: size, loc });
  }
}

/** The number literal written at a line and column of the text, if one starts there. */
function numberAt(text: string, loc: Loc): string | undefined {
  if (loc.line === undefined || loc.column === undefined) return undefined;
  let offset = 0;
  for (let line = 1; line < loc.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return undefined;
    offset = next + 1;
  }
  return /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(
    text.slice(offset + loc.column - 1, offset + loc.column + 400),
  )?.[0];
}

function checksumFormat(p: SchemaProblem, tree: SourceTree): Diagnostic {
  const algo = lastSegment(p.pointer);
  const fileName = unescapePointer(p.pointer.split('/')[2] ?? '');
  const value = String(p.error.data);
  const want =
    algo === 'md5'
      ? '32 hexadecimal characters'
      : `64 hexadecimal characters (the output of \`sha256sum ${fileName || '<zip>'}\`)`;
  const where = pathText(p.pointer, tree.value);
  return diag(
    'checksum-format',
    p.loc,
    value === ''
      ? `${where} is empty; write the ${algo} of the ZIP: ${want}.`
      : `${where} is "${value.length > 80 ? `${value.slice(0, 80)}…` : value}", not a ${algo}; write ${want}.`,
  );
}

/** Reads targets, file locations and the version location, and checks that `packages` and `files` agree. */
function extract(tree: SourceTree, parsed: ParsedManifest, ds: Diagnostic[]): void {
  const root = tree.value;
  if (typeof getOwn(root, 'version') === 'string') parsed.versionLoc = locAt(tree, '/version');
  const files = getOwn(root, 'files');
  const listed = isRecord(files) ? Object.keys(files) : undefined;
  for (const name of listed ?? [])
    setOwn(parsed.fileLocs, name, locAt(tree, `/files/${escapePointer(name)}`, true));
  const used = new Set<string>();
  for (const ref of fileRefs(tree)) {
    used.add(ref.file);
    if (!ref.target) continue;
    parsed.targets.push(ref.target);
    if (listed && !listed.includes(ref.file)) {
      const guess = didYouMean(ref.file, listed);
      ds.push(
        diag(
          'file-unlisted',
          locAt(tree, `${ref.pointer}/file`),
          `${pathText(ref.pointer, root)} uses "${ref.file}", which is not listed in \`files\`${guess ? ` (did you mean "${guess}"?)` : ''}; add it to \`files\` with its sha256, or fix the name.`,
        ),
      );
    }
  }
  for (const name of listed ?? []) {
    if (used.has(name)) continue;
    ds.push(
      diag(
        'file-unreferenced',
        locAt(tree, `/files/${escapePointer(name)}`, true),
        `"${name}" is listed in \`files\` but no platform/version/arch in \`packages\` uses it; map a target to it or remove it.`,
      ),
    );
  }
}

/**
 * Every file reference in `packages`, with its pointer. A bare name instead of `{ "file": name }` is a
 * schema error, but the file is still meant to be used: it counts as used, and has no target.
 */
function* fileRefs(tree: SourceTree): Generator<{ file: string; pointer: string; target?: Target }> {
  const packages = getOwn(tree.value, 'packages');
  if (!isRecord(packages)) return;
  for (const [platform, versions] of Object.entries(packages)) {
    if (!isRecord(versions)) continue;
    const pPtr = `/packages/${escapePointer(platform)}`;
    for (const [version, arches] of Object.entries(versions)) {
      if (!isRecord(arches)) continue;
      const vPtr = `${pPtr}/${escapePointer(version)}`;
      for (const [arch, ref] of Object.entries(arches)) {
        const pointer = `${vPtr}/${escapePointer(arch)}`;
        const file = typeof ref === 'string' ? ref : getOwn(ref, 'file');
        if (typeof file !== 'string') continue;
        if (typeof ref === 'string') {
          yield { file, pointer };
          continue;
        }
        const fieldLocs = {
          platform: locAt(tree, pPtr, true),
          version: locAt(tree, vPtr, true),
          arch: locAt(tree, pointer, true),
        };
        yield {
          file,
          pointer,
          target: { platform, version, arch, loc: locAt(tree, pointer, true), fieldLocs },
        };
      }
    }
  }
}

/** The manifest with the known top-level keys only (unknown ones were reported). */
function cleanManifest(v: Manifest): Manifest {
  const m: Manifest = { schemaVersion: '2.0', version: v.version, packages: v.packages, files: v.files };
  if (v.publisher !== undefined) m.publisher = v.publisher;
  if (v.description !== undefined) m.description = v.description;
  return m;
}

/** One ZIP and the targets it is for. */
export interface FileMapping {
  file: string;
  targets: readonly Pick<Target, 'platform' | 'version' | 'arch'>[];
}

/** The `packages` map of mappings. A target mapped twice keeps its first file (target-conflict reports it). */
export function mappingFrom(mappings: readonly FileMapping[]): PackageMapping {
  const packages: Manifest['packages'] = {};
  const child = <T extends object>(obj: Record<string, T>, key: string): T => {
    let v = getOwn(obj, key) as T | undefined;
    if (!v) {
      v = {} as T;
      setOwn(obj, key, v);
    }
    return v;
  };
  for (const m of mappings) {
    for (const t of m.targets) {
      const arches = child(child(packages, t.platform), t.version) as Record<string, ManifestFileRef>;
      if (getOwn(arches, t.arch) === undefined) setOwn(arches, t.arch, { file: m.file });
    }
  }
  return { packages, files: mappings.map((m) => m.file) };
}

/** A manifest's mapping: its `packages`, and the ZIPs its `files` lists. */
export function mappingOf(m: Manifest): PackageMapping {
  return { packages: m.packages, files: Object.keys(m.files) };
}

/** Builds the manifest from payload mappings and each ZIP's sha256. */
export function buildManifest(input: {
  version: string;
  publisher?: string | undefined;
  description?: string | undefined;
  mappings: readonly (FileMapping & { sha256: string })[];
}): Manifest {
  const files: Manifest['files'] = {};
  for (const m of input.mappings) setOwn(files, m.file, { checksums: { sha256: m.sha256.toLowerCase() } });
  const { packages } = mappingFrom(input.mappings);
  const manifest: Manifest = { schemaVersion: '2.0', version: input.version, packages, files };
  if (input.publisher !== undefined) manifest.publisher = input.publisher;
  if (input.description !== undefined) manifest.description = input.description;
  return manifest;
}

/**
 * The manifest's bytes: top-level keys in a fixed order, keys sorted (by UTF-16 code unit) at every level of
 * `packages` and `files`, lowercase checksums, 2-space indent, trailing newline. Same manifest ⇒ same bytes.
 */
export function serializeManifest(m: Manifest): Buffer {
  const top: [string, unknown][] = [
    ['schemaVersion', m.schemaVersion],
    ['version', m.version],
  ];
  if (m.publisher !== undefined) top.push(['publisher', m.publisher]);
  if (m.description !== undefined) top.push(['description', m.description]);
  top.push(['packages', m.packages], ['files', lowercaseChecksums(m.files)]);
  return Buffer.from(`${emitEntries(top, '')}\n`, 'utf8');
}

function lowercaseChecksums(files: Manifest['files']): unknown {
  const out: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(files ?? {})) {
    const sums = getOwn(entry, 'checksums');
    if (!isRecord(sums)) {
      setOwn(out, name, entry);
      continue;
    }
    const lower: Record<string, unknown> = {};
    for (const [algo, value] of Object.entries(sums))
      setOwn(lower, algo, typeof value === 'string' ? value.toLowerCase() : value);
    setOwn(out, name, { ...entry, checksums: lower });
  }
  return out;
}

function emitEntries(entries: [string, unknown][], indent: string): string {
  if (entries.length === 0) return '{}';
  const inner = `${indent}  `;
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${emit(v, inner)}`).join(',\n')}\n${indent}}`;
}

function emit(v: unknown, indent: string): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const inner = `${indent}  `;
    return `[\n${v.map((x) => `${inner}${emit(x, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (isRecord(v)) {
    const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return emitEntries(
      keys.map((k) => [k, v[k]]),
      indent,
    );
  }
  return JSON.stringify(v) ?? 'null';
}

/** Re-checks a built manifest: the schema (as for a hand-written one) and the 64 KB limit. */
export function manifestProblems(m: Manifest, display: string): Diagnostic[] {
  const tree: SourceTree = { value: m, nodes: new Map(), display };
  const ds = schemaDiagnostics(tree).map((d) =>
    d.rule === 'manifest-schema' ? { ...d, message: `The built manifest: ${d.message}` } : d,
  );
  const size = serializeManifest(m).length;
  if (size > MANIFEST_MAX_BYTES)
    ds.push(diag('manifest-size', { file: display }, sizeMessage('would be', size)));
  return ds;
}
