// Stage 3: read every payload (in parallel): a folder's entries, or a prebuilt ZIP's entries and sha256. Only
// payloads found inside the package folder (with a real path) are read.
import path from 'node:path';
import { ioReason, isIoError } from '../contain.js';
import { scanFolder, scriptFolders } from '../layout.js';
import { diag } from '../rules/catalogue.js';
import { checkFileSize } from '../rules/payload.js';
import { getOwn } from '../source/tree.js';
import type { Diagnostic, Loc, PayloadModel } from '../types.js';
import { hashFile } from '../zip/hash.js';
import { openZipPayload } from '../zip/read.js';
import { MANIFEST, type PackageModel, type Source } from './model.js';

export async function scanPayloads(model: PackageModel): Promise<void> {
  const { place } = model;
  const found = await Promise.all(model.payloads.map((p) => scanPayload(model, p)));
  for (const ds of found) model.diagnostics.push(...ds);
  if (model.source.kind === 'config')
    model.scriptFolders = await scriptFolders(place.packageDir, place.realPackageDir, place.cwd);
}

/** A payload's findings, each saying which payload and platforms it is about (scoped `rules:` match them). */
async function scanPayload(model: PackageModel, p: PayloadModel): Promise<Diagnostic[]> {
  if (!p.real) return [];
  const ds = await (p.source === 'folder'
    ? scanPayloadFolder(model, p, p.real)
    : scanPrebuiltZip(model, p, p.real));
  const platforms = [...new Set(p.targets.map((t) => t.platform))];
  return ds.map((d) => ({ ...d, payload: d.payload ?? p.name, platforms: d.platforms ?? platforms }));
}

async function scanPayloadFolder(model: PackageModel, p: PayloadModel, real: string): Promise<Diagnostic[]> {
  const { place, source } = model;
  const exclude =
    source.kind === 'config' ? (source.config.payloads.find((c) => c.name === p.name)?.exclude ?? []) : [];
  const rel = path.relative(place.realPackageDir, real);
  const scanned = await scanFolder({
    root: p.abs,
    realRoot: real,
    realPackageRoot: place.realPackageDir,
    baseDepth: rel === '' ? 0 : rel.split(path.sep).length,
    displayBase: place.cwd,
    exclude,
  });
  p.content = scanned.content;
  return scanned.diagnostics;
}

/** A prebuilt ZIP: its entries, its size and its sha256 against the one the manifest states. */
async function scanPrebuiltZip(model: PackageModel, p: PayloadModel, real: string): Promise<Diagnostic[]> {
  let h: { sha256: string; size: number };
  try {
    h = await hashFile(real);
  } catch (e) {
    if (!isIoError(e)) throw e;
    return [diag('file-unreadable', { file: p.display }, `Cannot read: ${ioReason(e)}.`)];
  }
  const opened = await openZipPayload(real, p.display);
  const ds = [...opened.diagnostics];
  if (opened.content) p.content = opened.content;
  model.prebuilt.set(p.file, h);
  ds.push(...checkFileSize(p.file, h.size, { file: p.display }, false));
  const declared = declaredSha256(model.source, p.file);
  if (declared && /^[0-9a-fA-F]{64}$/.test(declared) && declared.toLowerCase() !== h.sha256) {
    ds.push(
      diag(
        'checksum-mismatch',
        sourceLocOf(model.source, p.file),
        `${p.file} has sha256 ${h.sha256}, but ${MANIFEST} says ${declared}; the agent would refuse the download. Rebuild the manifest from the ZIP you mean to ship.`,
      ),
    );
  }
  return ds;
}

/** The sha256 a hand-written manifest states for a ZIP, if any. */
export function declaredSha256(source: Source, file: string): string | undefined {
  if (source.kind !== 'manifest') return undefined;
  const sha = getOwn(getOwn(getOwn(source.manifest.files, file), 'checksums'), 'sha256');
  return typeof sha === 'string' ? sha : undefined;
}

/** Where a manifest lists a ZIP (or the source file itself). */
export function sourceLocOf(source: Source, file: string): Loc {
  const listed =
    source.kind === 'manifest' ? (getOwn(source.parsed.fileLocs, file) as Loc | undefined) : undefined;
  return listed ?? source.file;
}
