// Stage 5, continued: the preview of which ZIP each host gets, over the built-in hosts and the config's
// `preview-hosts:`; a listed host that gets nothing is preview-host-unserved at its entry.
import { HOSTS, type PreviewRow, previewRows } from '../hosts.js';
import { classifyArch, classifyPlatform, type PlatformVerdict } from '../platforms.js';
import { diag } from '../rules/catalogue.js';
import type { PackageMapping } from '../types.js';
import type { PackageModel } from './model.js';

export function previewFor(model: PackageModel, mapping: PackageMapping): PreviewRow[] {
  const listed = model.source.kind === 'config' ? model.source.config.previewHosts : [];
  const rows = previewRows(mapping, [...HOSTS, ...listed]);
  listed.forEach((h, i) => {
    const row = rows[HOSTS.length + i];
    if (!row || row.file !== undefined) return;
    const identity = `${h.platform} ${h.version} ${h.arch}`;
    const who = h.label === identity ? `"${identity}"` : `"${h.label}" (${identity})`;
    const agent = row.message ? ` The agent would say: "${row.message}".` : '';
    const message = `Preview host ${who} gets no ZIP: ${row.reason ?? 'nothing matches it'}.${agent}${misspelt(h.platform, h.arch)} Add a target that matches it, or remove it from \`preview-hosts\`.`;
    model.diagnostics.push({ ...diag('preview-host-unserved', h.loc, message), platforms: [h.platform] });
  });
  return rows;
}

/** What is wrong with a host's platform or architecture (one no host reports; `_any` is a key, not a host). */
function misspelt(platform: string, arch: string): string {
  const hints: string[] = [];
  const pv: PlatformVerdict = platform === '_any' ? { kind: 'unknown' } : classifyPlatform(platform);
  if (pv.kind === 'unknown') {
    const guess = pv.suggestion ? ` (did you mean "${pv.suggestion}"?)` : '';
    hints.push(`no host reports the platform "${platform}"${guess}`);
  }
  const av: ReturnType<typeof classifyArch> = arch === '_any' ? { ok: false } : classifyArch(arch);
  if (!av.ok) {
    const guess = av.suggestion ? ` (did you mean "${av.suggestion}"?)` : '';
    hints.push(`no host reports the architecture "${arch}"${guess}`);
  }
  return hints.length > 0 ? ` Note: ${hints.join('; ')}.` : '';
}
