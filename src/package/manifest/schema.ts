// Schema problems of a manifest tree, in the words a Distributor author needs: schemaVersion, checksum
// patterns (checksum-format), `size` and `downloadLocation` types, bare file names for `{ "file": ... }`,
// and unknown top-level keys (manifest-unknown-key, a warning since SSM and the agent ignore them).
import manifestSchema from '../../../schema/manifest.schema.json' with { type: 'json' };
import { diag } from '../rules/catalogue.js';
import { type SchemaContext, type SchemaProblem, schemaProblems } from '../source/schema.js';
import { lastSegment, pathText, type SourceTree, unescapePointer } from '../source/tree.js';
import type { Diagnostic } from '../types.js';

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

/** Schema problems of a manifest tree: checksum patterns become checksum-format, unknown top-level keys warnings. */
export function schemaDiagnostics(tree: SourceTree): Diagnostic[] {
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
