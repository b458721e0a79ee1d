// Stage 6: write the ZIPs, manifest.json and the output marker into a fresh sibling folder, then swap it in
// (see outdir.ts). What cannot be read becomes a diagnostic; what cannot be written refuses the output folder.
import { createHash } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorText } from '../../errors.js';
import type { BuiltOutput } from '../build.js';
import { ioReason, isIoError } from '../contain.js';
import { buildManifest, manifestProblems, serializeManifest } from '../manifest/index.js';
import { diag, hasErrors } from '../rules/catalogue.js';
import { applyOverrides } from '../rules/overrides.js';
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
  try {
    const r = await writeZip(dest, zipInputs(p), { mtime });
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

/** A folder payload's scanned entries as the ZIP writer takes them. */
function zipInputs(p: PayloadModel) {
  return (p.content?.entries ?? []).map((e) => ({
    name: e.path,
    type: e.type === 'dir' ? ('dir' as const) : ('file' as const),
    mode: e.mode,
    size: e.size,
    ...(e.absPath && e.type === 'file' ? { absPath: e.absPath } : {}),
  }));
}

/** Validate builds a folder payload's ZIP (to a temporary folder) to check a stated checksum only up to this size. */
export const VALIDATE_HASH_MAX = 64 * 1024 * 1024;

/**
 * Validate only: a hand-written manifest's sha256 for a ZIP built from a folder. The build recomputes it and
 * says so when it was stale (checksum-recomputed); validate says the same by building the ZIP into a
 * temporary folder, the same bytes as the build (the same entries and timestamp), when the folder's files
 * total at most VALIDATE_HASH_MAX. A larger folder (or one that cannot be zipped) gets a notice that the
 * build will recompute the checksum.
 */
export async function statedChecksums(
  model: PackageModel,
  env: Record<string, string | undefined>,
): Promise<Diagnostic[]> {
  const { source } = model;
  const todo = model.payloads.filter(
    (p) => p.source === 'folder' && p.content && declaredSha256(source, p.file) !== undefined,
  );
  if (todo.length === 0) return [];
  let mtime: Date | undefined;
  try {
    mtime = zipTimestamp(env);
  } catch {
    mtime = undefined;
  }
  const out: Diagnostic[] = [];
  let tmp: string | undefined;
  try {
    for (const [i, p] of todo.entries()) {
      const stated = declaredSha256(source, p.file)!;
      const loc = sourceLocOf(source, p.file);
      const bytes = (p.content?.entries ?? []).reduce((n, e) => n + (e.type === 'file' ? e.size : 0), 0);
      let sha: string | undefined;
      if (mtime && bytes <= VALIDATE_HASH_MAX) {
        tmp ??= await fs.mkdtemp(path.join(os.tmpdir(), 'distributor-validate-'));
        sha = await writeZip(path.join(tmp, `${i}.zip`), zipInputs(p), { mtime }).then(
          (r) => r.sha256,
          (e: unknown) => {
            if (e instanceof ZipInputError || e instanceof ZipLimitError || e instanceof OutputError)
              return undefined;
            throw e;
          },
        );
      }
      if (sha === undefined) {
        const why =
          bytes > VALIDATE_HASH_MAX
            ? `validate does not build a ZIP from more than ${VALIDATE_HASH_MAX / 1024 / 1024} MiB of files`
            : 'validate could not build the ZIP to compare';
        out.push(
          diag(
            'checksum-recomputed',
            loc,
            `${MANIFEST} says sha256 ${stated} for ${p.file}, which is built from ${p.display}; ${why}, so the build will compute its sha256, and the new manifest carries that one.`,
          ),
        );
      } else if (stated.toLowerCase() !== sha) out.push(staleSum(source, p.file, stated, sha));
    }
  } finally {
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  }
  return out;
}

/** A hand-written sha256 that differs from the built ZIP's: the same words from build and validate. */
function staleSum(source: PackageModel['source'], file: string, stated: string, sha: string): Diagnostic {
  return diag(
    'checksum-recomputed',
    sourceLocOf(source, file),
    `${MANIFEST} says sha256 ${stated} for ${file}; the built ZIP's is ${sha}, which the new manifest carries.`,
  );
}

/** What only the built ZIPs show: their size after compression, and hand-written checksums that were stale. */
function builtProblems(model: PackageModel, built: readonly BuiltFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [i, f] of built.entries()) {
    const p = model.payloads[i]!;
    out.push(...checkFileSize(f.name, f.size, { file: model.place.show(p.abs) }, true));
    const stated = declaredSha256(model.source, f.name);
    if (stated && p.source === 'folder' && stated.toLowerCase() !== f.sha256)
      out.push(staleSum(model.source, f.name, stated, f.sha256));
  }
  return out;
}
