// Building a manifest from payload mappings, and its bytes: the same manifest always serializes to the same
// bytes (fixed top-level key order, sorted keys below, lowercase checksums).
import { getOwn, isRecord, setOwn } from '../source/tree.js';
import type { Manifest, ManifestFileRef, PackageMapping, Target } from '../types.js';

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
