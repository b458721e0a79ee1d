// Stage 2, continued: `{version}` in a config's ZIP names (`file: agent-{version}-linux.zip`) becomes the
// decided version before anything looks at the names, so that the name rules, the manifest, the preview and
// the ZIPs written all see the same name. Without a version the name keeps the placeholder (shown as is)
// and its name check is skipped: version-missing already stops the build.
import { VERSION_PLACEHOLDER } from '../config.js';
import { diag } from '../rules/catalogue.js';
import type { Diagnostic } from '../types.js';
import type { PackageModel } from './model.js';

/** The payloads whose written `file:` holds `{version}` (config keys). */
function versionedNames(model: PackageModel): Set<string> {
  const { source } = model;
  if (source.kind !== 'config') return new Set();
  return new Set(source.config.payloads.filter((c) => c.versioned).map((c) => c.name));
}

/** Replaces `{version}` in the ZIP names; names that then collide are config-schema at the later `file:`. */
export function versionFileNames(model: PackageModel): void {
  const version = model.version?.value;
  const names = versionedNames(model);
  if (!version || names.size === 0) return;
  for (const p of model.payloads)
    if (names.has(p.name)) p.file = p.file.replaceAll(VERSION_PLACEHOLDER, version);
  model.payloads.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const seen = new Map<string, string>();
  for (const p of model.payloads) {
    const other = seen.get(p.file);
    if (other === undefined) {
      seen.set(p.file, p.name);
      continue;
    }
    model.diagnostics.push(
      diag(
        'config-schema',
        p.fileLoc,
        `Payloads \`${other}\` and \`${p.name}\` both produce ${p.file} once \`${VERSION_PLACEHOLDER}\` is replaced by "${version}"; give one of them a different \`file\`.`,
      ),
    );
  }
}

/**
 * Without a version, a name still holding `{version}` is not a name yet: its file-name-pattern finding (the
 * braces) is dropped rather than reported against text that will never be a ZIP name.
 */
export function unversionedNameChecks(model: PackageModel): void {
  if (model.version?.value) return;
  const names = versionedNames(model);
  if (names.size === 0) return;
  const keep = (d: Diagnostic) =>
    !(d.rule === 'file-name-pattern' && d.payload !== undefined && names.has(d.payload));
  const kept = model.diagnostics.filter(keep);
  model.diagnostics.splice(0, model.diagnostics.length, ...kept);
}
