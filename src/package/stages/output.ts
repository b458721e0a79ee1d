// Stage 6: write the ZIPs, manifest.json and the output marker into a fresh sibling folder, then swap it in
// (see outdir.ts). What cannot be read becomes a diagnostic; what cannot be written refuses the output folder.
import { createHash } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { errorText } from '../../errors.js';
import type { BuiltOutput } from '../build.js';
import { ioReason, isIoError } from '../contain.js';
import { buildManifest, manifestProblems, serializeManifest } from '../manifest.js';
import { applyOverrides, diag, hasErrors } from '../rules/catalogue.js';
import { checkFileSize } from '../rules/payload.js';
import type { BuiltFile, Diagnostic, Manifest, PayloadModel } from '../types.js';
import { zipTimestamp } from '../zip/entries.js';
import { ZipInputError, ZipLimitError } from '../zip/format.js';
import { OutputError } from '../zip/output.js';
import { writeZip } from '../zip/writer.js';
import { MANIFEST, OUTPUT_MARKER, type PackageModel } from './model.js';
import { inside, MARKER_TEXT, makeStaging, refuseOutput, swapInto } from './outdir.js';
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
  const mtime = zipTimestamp(env);
  if (notRead(model)) return undefined;
  const tmp = await makeStaging(model.place, outAbs);
  try {
    const results = await Promise.all(model.payloads.map((p) => writePayload(model, p, tmp, mtime)));
    const built = results.filter((r): r is BuiltFile => 'sha256' in r);
    if (built.length < results.length) {
      model.diagnostics.push(...results.filter((r): r is Diagnostic => 'rule' in r));
      return undefined;
    }
    model.diagnostics.push(...builtProblems(model, built));
    const manifest = manifestFor(model, version, new Map(built.map((f) => [f.name, f.sha256])));
    const bytes = serializeManifest(manifest);
    model.diagnostics.push(...manifestProblems(manifest, model.source.file.file));
    if (failing(model)) return undefined;
    await fs.writeFile(inside(tmp, MANIFEST), bytes, { flag: 'wx' });
    await fs.writeFile(inside(tmp, OUTPUT_MARKER), MARKER_TEXT, { flag: 'wx' });
    await swapInto(model.place, tmp, outAbs);
    const output: BuiltOutput = {
      dir: outAbs,
      manifestPath: inside(outAbs, MANIFEST),
      manifestSha256: createHash('sha256').update(bytes).digest('hex'),
      manifestBytes: bytes.length,
      files: built.map((f) => ({ ...f, path: inside(outAbs, f.name) })),
    };
    return { manifest, output };
  } catch (e) {
    if (e instanceof OutputError || isIoError(e)) {
      throw refuseOutput(
        model.place,
        `cannot be written (${ioReason(e instanceof OutputError ? e.cause : e)})`,
        e,
      );
    }
    throw e;
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** Payloads that were not read (a rule turned off would have let them through): nothing is built. */
function notRead(model: PackageModel): boolean {
  const unread = model.payloads.filter((p) =>
    p.source === 'zip' ? !model.prebuilt.has(p.file) || !p.real : !p.content,
  );
  for (const p of unread) {
    model.diagnostics.push(
      diag(
        'file-unreadable',
        { file: p.display },
        `${p.display} was not read, so ${p.file} cannot be built.`,
      ),
    );
  }
  return unread.length > 0;
}

/** One ZIP: a prebuilt one copied as it is, or one written from its folder's entries; or why it cannot be. */
async function writePayload(
  model: PackageModel,
  p: PayloadModel,
  tmp: string,
  mtime: Date,
): Promise<BuiltFile | Diagnostic> {
  const dest = inside(tmp, p.file);
  const h = model.prebuilt.get(p.file);
  if (p.source === 'zip' && h && p.real) {
    await fs.copyFile(p.real, dest, constants.COPYFILE_EXCL);
    return { name: p.file, path: dest, size: h.size, sha256: h.sha256 };
  }
  const entries = p.content?.entries ?? [];
  const inputs = entries.map((e) => ({
    name: e.path,
    type: e.type === 'dir' ? ('dir' as const) : ('file' as const),
    mode: e.mode,
    size: e.size,
    ...(e.absPath && e.type === 'file' ? { absPath: e.absPath } : {}),
  }));
  try {
    const r = await writeZip(dest, inputs, { mtime });
    return { name: p.file, path: dest, size: r.size, sha256: r.sha256 };
  } catch (e) {
    if (e instanceof ZipLimitError) {
      const rule = e.what === 'archive' ? 'file-size' : 'zip-entry-limit';
      return diag(rule, { file: p.display }, `${p.file}: ${e.message} Each file must be at most 1 GB.`);
    }
    if (!(e instanceof ZipInputError)) throw e;
    const entry = entries.find((x) => x.path === e.input.replace(/\/$/, ''));
    const why = isIoError(e.cause) ? ioReason(e.cause) : errorText(e.cause);
    return diag(
      'file-unreadable',
      { file: entry?.display ?? p.display },
      `Cannot read while building: ${why}.`,
    );
  }
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
