// The Distributor manifest (schemaVersion 2.0): parse a hand-written one with the line of every problem,
// build one from payload mappings, serialize it byte-for-byte reproducibly, and re-check a built one.
import { isUtf8 } from 'node:buffer';
import manifestSchema from '../../schema/manifest.schema.json' with { type: 'json' };
import { diag } from './catalogue.js';
import {
  type DuplicateHandler,
  describeSchemaErrors,
  didYouMean,
  errorText,
  escapePointer,
  getOwn,
  isRecord,
  jsonTree,
  locAt,
  offsetLoc,
  parseJsonText,
  pathText,
  type SchemaContext,
  type SchemaProblem,
  type SourceTree,
  setOwn,
  sortDiagnostics,
  validator,
} from './config.js';
import type { Diagnostic, Loc, Manifest, ManifestFileRef, Target } from './types.js';

/** SSM document content limit for Package documents. */
export const MANIFEST_MAX_BYTES = 65536;

export interface ParsedManifest {
  /** Set when the manifest has the Distributor shape (other problems may still be reported). */
  manifest?: Manifest;
  /** Every platform/version/arch mapping of `packages`, with the locations of its keys. */
  targets: Target[];
  /** Every file listed in `files` → where its key was written. */
  fileLocs: Record<string, Loc>;
  /** Where the `version` value was written. */
  versionLoc?: Loc;
  raw: Buffer;
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
} as const satisfies Omit<SchemaContext, 'display'>;

/** Parses a manifest.json as written (the console's Advanced workflow, or a prebuilt package). Never throws. */
export function parseManifest(
  raw: Buffer,
  display: string,
): { parsed: ParsedManifest; diagnostics: Diagnostic[] } {
  const ds: Diagnostic[] = [];
  const parsed: ParsedManifest = { targets: [], fileLocs: {}, raw };
  try {
    readManifest(raw, display, ds, parsed);
  } catch (e) {
    ds.push(diag('manifest-syntax', { file: display }, `The manifest could not be read: ${errorText(e)}.`));
    delete parsed.manifest;
  }
  return { parsed, diagnostics: sortDiagnostics(ds) };
}

function readManifest(raw: Buffer, display: string, ds: Diagnostic[], parsed: ParsedManifest): void {
  const file = { file: display };
  if (raw.length > MANIFEST_MAX_BYTES) {
    ds.push(
      diag(
        'manifest-size',
        file,
        `The manifest is ${raw.length} bytes; SSM accepts at most ${MANIFEST_MAX_BYTES} (64 KB). Shorten \`description\`, or map fewer version keys (use _any or prefixes such as 8.*).`,
      ),
    );
  }

  // 1. Bytes → text. A BOM is reported, then stripped so that the rest is still checked.
  let text: string;
  const start = { file: display, line: 1, column: 1 };
  if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) {
    ds.push(
      diag(
        'manifest-bom',
        start,
        "The manifest starts with a UTF-8 byte-order mark, which JSON parsers such as the agent's reject; save it as UTF-8 without BOM.",
      ),
    );
    text = decodeUtf8(raw.subarray(3), display, ds);
  } else if ((raw[0] === 0xff && raw[1] === 0xfe) || (raw[0] === 0xfe && raw[1] === 0xff)) {
    ds.push(
      diag(
        'manifest-bom',
        start,
        'The manifest is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8 without BOM.',
      ),
    );
    text = new TextDecoder(raw[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(raw.subarray(2));
  } else {
    text = decodeUtf8(raw, display, ds);
  }

  // 2. Text → JSON tree, telling trailing text apart from broken JSON.
  const r = parseJsonText(text, display);
  if (r.error) {
    ds.push(diag('manifest-syntax', r.error.loc, `Invalid JSON: ${r.error.message}`));
    return;
  }
  if (r.trailing) {
    ds.push(
      diag(
        'manifest-trailing',
        r.trailing,
        'There is more text after the closing `}` of the manifest; remove it (SSM rejects it as invalid JSON).',
      ),
    );
  }
  const onDuplicate: DuplicateHandler = (key, loc, first) => {
    ds.push(
      diag(
        'manifest-duplicate-key',
        loc,
        `Key "${key}" appears again (first on line ${first.line ?? '?'}); the agent silently keeps this last one. Keep only one.`,
      ),
    );
  };
  const tree = jsonTree(r.body, text, display, { numbersAsText: false }, onDuplicate);

  // 3. Shape, then the cross-references between `packages` and `files`.
  ds.push(...schemaDiagnostics(tree));
  extract(tree, parsed, ds);
  const shapeBroken = ds.some(
    (d) => d.severity === 'error' && (d.rule === 'manifest-schema' || d.rule === 'manifest-syntax'),
  );
  if (!shapeBroken) parsed.manifest = cleanManifest(tree.value as Manifest);
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

/** Schema problems of a manifest tree: checksum patterns become checksum-format, unknown top-level keys warnings. */
function schemaDiagnostics(tree: SourceTree): Diagnostic[] {
  const validate = validator(manifestSchema);
  if (validate(tree.value)) return [];
  const problems = describeSchemaErrors(validate.errors ?? [], tree, {
    ...SCHEMA_CONTEXT,
    display: tree.display,
  });
  return problems.map((p) => toDiagnostic(p, tree));
}

function toDiagnostic(p: SchemaProblem, tree: SourceTree): Diagnostic {
  if (p.pointer === '/schemaVersion') {
    const got = p.error.data;
    return diag(
      'manifest-schema',
      p.loc,
      typeof got === 'string'
        ? `schemaVersion is ${JSON.stringify(got)}; Distributor manifests are always schemaVersion "2.0".`
        : `schemaVersion must be the string "2.0" (quoted), not ${JSON.stringify(got)}.`,
    );
  }
  const e = p.error;
  const where = pathText(p.pointer, tree.value);
  if (e.keyword === 'pattern' && /\/checksums\/(sha256|md5)$/.test(p.pointer)) {
    const algo = p.pointer.endsWith('md5') ? 'md5' : 'sha256';
    const fileName = (p.pointer.split('/')[2] ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
    const value = String(e.data);
    const want =
      algo === 'md5'
        ? '32 hexadecimal characters'
        : `64 hexadecimal characters (the output of \`sha256sum ${fileName || '<zip>'}\`)`;
    return diag(
      'checksum-format',
      p.loc,
      value === ''
        ? `${where} is empty; write the ${algo} of the ZIP: ${want}.`
        : `${where} is "${value.length > 80 ? `${value.slice(0, 80)}…` : value}", not a ${algo}; write ${want}.`,
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
      `${where}: write \`{ "file": ${JSON.stringify(e.data)} }\`, not the bare name.`,
    );
  }
  return diag('manifest-schema', p.loc, p.message);
}

/** Reads targets, file locations and the version location, and checks that `packages` and `files` agree. */
function extract(tree: SourceTree, parsed: ParsedManifest, ds: Diagnostic[]): void {
  const root = tree.value;
  if (typeof getOwn(root, 'version') === 'string') parsed.versionLoc = locAt(tree, '/version');
  const files = getOwn(root, 'files');
  const listed = isRecord(files) ? Object.keys(files) : undefined;
  for (const name of listed ?? [])
    setOwn(parsed.fileLocs, name, locAt(tree, `/files/${escapePointer(name)}`, true));

  const packages = getOwn(root, 'packages');
  if (!isRecord(packages)) return;
  const used = new Set<string>();
  for (const [platform, versions] of Object.entries(packages)) {
    if (!isRecord(versions)) continue;
    const pPtr = `/packages/${escapePointer(platform)}`;
    for (const [version, arches] of Object.entries(versions)) {
      if (!isRecord(arches)) continue;
      const vPtr = `${pPtr}/${escapePointer(version)}`;
      for (const [arch, ref] of Object.entries(arches)) {
        const aPtr = `${vPtr}/${escapePointer(arch)}`;
        // A bare name instead of { "file": name } is a schema error, but the file is still meant to be used.
        const fileName = typeof ref === 'string' ? ref : getOwn(ref, 'file');
        if (typeof fileName !== 'string') continue;
        used.add(fileName);
        if (typeof ref === 'string') continue;
        parsed.targets.push({
          platform,
          version,
          arch,
          loc: locAt(tree, aPtr, true),
          fieldLocs: {
            platform: locAt(tree, pPtr, true),
            version: locAt(tree, vPtr, true),
            arch: locAt(tree, aPtr, true),
          },
        });
        if (listed && !listed.includes(fileName)) {
          const guess = didYouMean(fileName, listed);
          ds.push(
            diag(
              'file-unlisted',
              locAt(tree, `${aPtr}/file`),
              `${pathText(aPtr, root)} uses "${fileName}", which is not listed in \`files\`${guess ? ` (did you mean "${guess}"?)` : ''}; add it to \`files\` with its sha256, or fix the name.`,
            ),
          );
        }
      }
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

/** The manifest with the known top-level keys only (unknown ones were reported). */
function cleanManifest(v: Manifest): Manifest {
  const m: Manifest = { schemaVersion: '2.0', version: v.version, packages: v.packages, files: v.files };
  if (v.publisher !== undefined) m.publisher = v.publisher;
  if (v.description !== undefined) m.description = v.description;
  return m;
}

/** Builds the manifest from payload mappings. A target mapped twice keeps its first file (target-conflict reports it). */
export function buildManifest(input: {
  version: string;
  publisher?: string;
  description?: string;
  mappings: {
    file: string;
    sha256: string;
    targets: readonly Pick<Target, 'platform' | 'version' | 'arch'>[];
  }[];
}): Manifest {
  const packages: Manifest['packages'] = {};
  const files: Manifest['files'] = {};
  const child = <T extends object>(obj: Record<string, T>, key: string): T => {
    let v = getOwn(obj, key) as T | undefined;
    if (!v) {
      v = {} as T;
      setOwn(obj, key, v);
    }
    return v;
  };
  for (const m of input.mappings) {
    setOwn(files, m.file, { checksums: { sha256: m.sha256.toLowerCase() } });
    for (const t of m.targets) {
      const arches = child(child(packages, t.platform), t.version) as Record<string, ManifestFileRef>;
      if (getOwn(arches, t.arch) === undefined) setOwn(arches, t.arch, { file: m.file });
    }
  }
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

/** Re-checks a built manifest: the schema (as for a hand-written one) and the 64 KB limit. Never throws. */
export function manifestProblems(m: Manifest, display: string): Diagnostic[] {
  const ds: Diagnostic[] = [];
  try {
    const tree: SourceTree = { value: m, nodes: new Map(), display };
    for (const d of schemaDiagnostics(tree)) {
      ds.push(d.rule === 'manifest-schema' ? { ...d, message: `The built manifest: ${d.message}` } : d);
    }
    const size = serializeManifest(m).length;
    if (size > MANIFEST_MAX_BYTES) {
      ds.push(
        diag(
          'manifest-size',
          { file: display },
          `The manifest would be ${size} bytes; SSM accepts at most ${MANIFEST_MAX_BYTES} (64 KB). Shorten \`description\`, or map fewer version keys (use _any or prefixes such as 8.*).`,
        ),
      );
    }
  } catch (e) {
    ds.push(
      diag('manifest-schema', { file: display }, `The built manifest could not be checked: ${errorText(e)}.`),
    );
  }
  return ds;
}
