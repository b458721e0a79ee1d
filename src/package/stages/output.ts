// Stage 6: write the ZIPs and manifest.json into a fresh sibling folder, then swap it in, so that a failure
// never leaves a half-written output and a re-run replaces the previous one whole.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ActionError } from '../../errors.js';
import type { BuiltOutput } from '../build.js';
import { buildManifest, manifestProblems, serializeManifest } from '../manifest.js';
import { applyOverrides, diag, hasErrors } from '../rules/catalogue.js';
import { checkFileSize } from '../rules/payload.js';
import type { BuiltFile, Diagnostic, Manifest, PayloadModel } from '../types.js';
import { zipTimestamp } from '../zip/entries.js';
import { writeZip } from '../zip/writer.js';
import { MANIFEST, type PackageModel } from './model.js';
import { declaredSha256, sourceLocOf } from './scan.js';

/** Stands in for the sha256 of a ZIP not built yet: the manifest's size is known before anything is built. */
const PLACEHOLDER_SHA = '0'.repeat(64);

/** The manifest for the model's payloads, with the given checksums (placeholders for the rest). */
export function manifestFor(
  model: PackageModel,
  version: string,
  sums: ReadonlyMap<string, string>,
): Manifest {
  const { source } = model;
  const original = source.kind === 'manifest' ? source.manifest : undefined;
  const config = source.kind === 'config' ? source.config : undefined;
  return buildManifest({
    version,
    publisher: config?.publisher ?? original?.publisher,
    description: config?.description ?? original?.description,
    mappings: model.payloads.map((p) => ({
      file: p.file,
      sha256: sums.get(p.file) ?? PLACEHOLDER_SHA,
      targets: p.targets,
    })),
  });
}

/** The problems that stop the build, with the config's `rules:` applied. */
export function failing(model: PackageModel): boolean {
  const rules = model.source.kind === 'config' ? model.source.config.rules : undefined;
  return hasErrors(applyOverrides(model.diagnostics, rules));
}

/** Builds into `outAbs`; undefined (with diagnostics in the model) when what was built fails a rule. */
export async function writeOutput(
  model: PackageModel,
  version: string,
  outAbs: string,
  env: Record<string, string | undefined>,
): Promise<{ manifest: Manifest; output: BuiltOutput } | undefined> {
  await checkOutputDir(outAbs, model.place.show);
  const mtime = zipTimestamp(env);
  const tmp = `${outAbs}.partial-${process.pid}-${Date.now()}`;
  await fs.mkdir(tmp, { recursive: true });
  try {
    const built = await Promise.all(model.payloads.map((p) => writePayload(model, p, tmp, mtime)));
    model.diagnostics.push(...builtProblems(model, built));
    const manifest = manifestFor(model, version, new Map(built.map((f) => [f.name, f.sha256])));
    const bytes = serializeManifest(manifest);
    model.diagnostics.push(...manifestProblems(manifest, model.source.file.file));
    if (failing(model)) return undefined;
    await fs.writeFile(path.join(tmp, MANIFEST), bytes);
    await swapInto(tmp, outAbs);
    const output: BuiltOutput = {
      dir: outAbs,
      manifestPath: path.join(outAbs, MANIFEST),
      manifestSha256: createHash('sha256').update(bytes).digest('hex'),
      manifestBytes: bytes.length,
      files: built.map((f) => ({ ...f, path: path.join(outAbs, f.name) })),
    };
    return { manifest, output };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** The output folder is replaced on every build: it may hold nothing but what this tool writes. */
async function checkOutputDir(outAbs: string, show: (abs: string) => string): Promise<void> {
  const names = await fs.readdir(outAbs).catch(() => undefined);
  if (!names) return;
  const foreign = names.filter((n) => n !== MANIFEST && !n.toLowerCase().endsWith('.zip'));
  if (foreign.length === 0) return;
  throw new ActionError(
    'input',
    `The output folder ${show(outAbs)} holds files this tool did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}); every build replaces the folder's contents.`,
    { hint: 'Choose an empty or new output folder.' },
  );
}

/** One ZIP: a prebuilt one copied as it is, or one written from its folder's entries. */
async function writePayload(
  model: PackageModel,
  p: PayloadModel,
  tmp: string,
  mtime: Date,
): Promise<BuiltFile> {
  const dest = path.join(tmp, p.file);
  if (p.source === 'zip') {
    const h = model.prebuilt.get(p.file);
    // The scan hashes every prebuilt ZIP, or reports it unreadable (and then nothing is built).
    if (!h) throw new Error(`${p.file} was not hashed before the build`);
    await fs.copyFile(p.abs, dest);
    return { name: p.file, path: dest, size: h.size, sha256: h.sha256 };
  }
  const inputs = (p.content?.entries ?? []).map((e) => ({
    name: e.path,
    type: e.type === 'dir' ? ('dir' as const) : ('file' as const),
    mode: e.mode,
    size: e.size,
    ...(e.absPath && e.type === 'file' ? { absPath: e.absPath } : {}),
  }));
  const r = await writeZip(dest, inputs, { mtime });
  return { name: p.file, path: dest, size: r.size, sha256: r.sha256 };
}

/** What only the built ZIPs show: their size after compression, and hand-written checksums that were stale. */
function builtProblems(model: PackageModel, built: readonly BuiltFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [i, f] of built.entries()) {
    const p = model.payloads[i]!;
    out.push(...checkFileSize(f.name, f.size, { file: model.place.show(p.abs) }, true));
    const stated = declaredSha256(model.source, f.name);
    if (stated && p.source === 'folder' && stated.toLowerCase() !== f.sha256) {
      out.push(
        diag(
          'checksum-recomputed',
          sourceLocOf(model.source, f.name),
          `${MANIFEST} says sha256 ${stated} for ${f.name}; the built ZIP's is ${f.sha256}, which the new manifest carries.`,
        ),
      );
    }
  }
  return out;
}

async function swapInto(tmp: string, outAbs: string): Promise<void> {
  const old = `${outAbs}.old-${process.pid}-${Date.now()}`;
  const hadOld = await fs
    .rename(outAbs, old)
    .then(() => true)
    .catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return false;
      throw e;
    });
  await fs.mkdir(path.dirname(outAbs), { recursive: true });
  await fs.rename(tmp, outAbs);
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
}
