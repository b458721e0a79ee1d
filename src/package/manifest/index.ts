// The Distributor manifest (schemaVersion 2.0): parse a hand-written one with the line of every problem,
// build one from payload mappings, serialize it byte-for-byte reproducibly, and re-check a built one.
//
// This module decodes the bytes, reads the JSON and checks the 64 KB limit; schema.ts turns schema problems
// into messages, read.ts reads targets, file locations and sizes, build.ts builds and serializes.
import { isUtf8 } from 'node:buffer';
import { diag, sortDiagnostics } from '../rules/catalogue.js';
import { readJson } from '../source/json.js';
import { type DuplicateHandler, offsetLoc, type SourceTree } from '../source/tree.js';
import type { Diagnostic, Manifest } from '../types.js';
import { serializeManifest } from './build.js';
import { cleanManifest, extract, type ParsedManifest, readSizes } from './read.js';
import { schemaDiagnostics } from './schema.js';

export { buildManifest, type FileMapping, mappingFrom, mappingOf, serializeManifest } from './build.js';
export type { ParsedManifest, StatedSize } from './read.js';

/** SSM document content limit for Package documents. */
export const MANIFEST_MAX_BYTES = 65536;
/** Larger manifest.json files are not read at all (manifest-too-large); up to it, manifest-size says what SSM accepts. */
export const MANIFEST_READ_MAX = 1024 * 1024;

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
