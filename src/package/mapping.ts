// A package folder's mapping (which ZIP each platform/version/arch gets), read without building anything
// and without a version: what `resolve` needs to answer for a host.
import { type PackageConfig, type PayloadConfig, VERSION_PLACEHOLDER } from './config.js';
import { locate, readSource } from './stages/source.js';
import { mappingFrom, mappingOf, parseManifest } from './manifest/index.js';
import { sortDiagnostics } from './rules/catalogue.js';
import { applyOverrides } from './rules/overrides.js';
import type { Diagnostic, PackageMapping } from './types.js';

export interface MappingResult {
  /** The problems of the config or manifest itself (no payload is read). */
  diagnostics: Diagnostic[];
  source: 'config' | 'manifest' | undefined;
  /** Set when the config or manifest could be read. */
  mapping: PackageMapping | undefined;
}

/** Throws an ActionError (kind `package`) when the folder is not there. */
export async function readMapping(req: {
  packageDir: string;
  cwd?: string | undefined;
  /** The version for `{version}` in ZIP names (default: the config's). */
  version?: string | undefined;
}): Promise<MappingResult> {
  const place = await locate(req);
  const ds: Diagnostic[] = [];
  const { kind, read } = await readSource(place, ds);
  if (!read) return { diagnostics: sortDiagnostics(ds), source: kind, mapping: undefined };
  const mapping =
    read.kind === 'config' ? mappingFrom(namedPayloads(read.config, req.version)) : mappingOf(read.manifest);
  const rules = read.kind === 'config' ? read.config.rules : undefined;
  return { diagnostics: sortDiagnostics(applyOverrides(ds, rules)), source: kind, mapping };
}

/** The config's payloads with `{version}` in their ZIP names replaced by the version given, else the config's. */
function namedPayloads(config: PackageConfig, given: string | undefined): PayloadConfig[] {
  const version = given || config.version?.value;
  if (!version) return config.payloads;
  return config.payloads.map((p) =>
    p.versioned ? { ...p, file: p.file.replaceAll(VERSION_PLACEHOLDER, version) } : p,
  );
}

/** The mapping of a manifest.json given as bytes (`display` is the path its diagnostics carry). */
export function readManifestMapping(raw: Buffer, display: string): MappingResult {
  const { parsed, diagnostics } = parseManifest(raw, display);
  return {
    diagnostics,
    source: 'manifest',
    mapping: parsed.manifest ? mappingOf(parsed.manifest) : undefined,
  };
}
