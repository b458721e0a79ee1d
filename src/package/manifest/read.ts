// What a parsed manifest tree says: its targets (every platform/version/arch of `packages`), where each
// `files` entry and the version were written, the `size` each file states, and whether `packages` and
// `files` agree (file-unlisted, file-unreferenced).
import { diag } from '../rules/catalogue.js';
import { didYouMean } from '../source/suggest.js';
import { escapePointer, getOwn, isRecord, locAt, pathText, type SourceTree, setOwn } from '../source/tree.js';
import type { Diagnostic, Loc, Manifest, Target } from '../types.js';

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

/**
 * The `size` of each `files` entry. The agent decodes it into a Go int: a number written with a fraction or
 * an exponent (`1024.0`, `1e3`) fails its whole manifest even where JSON Schema sees an integer.
 */
export function readSizes(tree: SourceTree, text: string, parsed: ParsedManifest, ds: Diagnostic[]): void {
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

/** Reads targets, file locations and the version location, and checks that `packages` and `files` agree. */
export function extract(tree: SourceTree, parsed: ParsedManifest, ds: Diagnostic[]): void {
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
export function cleanManifest(v: Manifest): Manifest {
  const m: Manifest = { schemaVersion: '2.0', version: v.version, packages: v.packages, files: v.files };
  if (v.publisher !== undefined) m.publisher = v.publisher;
  if (v.description !== undefined) m.description = v.description;
  return m;
}
