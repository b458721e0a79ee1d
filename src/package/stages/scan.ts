// Stage 3: read every payload (in parallel): a folder's entries, or a prebuilt ZIP's entries and sha256.
import { promises as fs } from 'node:fs';
import { ActionError } from '../../errors.js';
import { ioReason, isInside, isIoError, scanFolder, scriptFolders } from '../layout.js';
import { diag } from '../rules/catalogue.js';
import { checkFileSize } from '../rules/payload.js';
import { getOwn } from '../source/tree.js';
import type { Diagnostic, Loc, PayloadModel } from '../types.js';
import { hashFile } from '../zip/hash.js';
import { openZipPayload } from '../zip/read.js';
import { MANIFEST, type PackageModel, type Source } from './model.js';

export async function scanPayloads(model: PackageModel): Promise<void> {
  const { place } = model;
  const out = place.outputDir;
  const holder = out ? model.payloads.find((p) => p.source === 'folder' && isInside(out, p.abs)) : undefined;
  if (out && holder) {
    throw new ActionError(
      'input',
      `The output folder ${place.show(out)} is inside the payload folder ${holder.display}; it would be packaged into its own ZIP.`,
      { hint: 'Choose an output folder outside the payload folders.' },
    );
  }
  const found = await Promise.all(model.payloads.map((p) => scanPayload(model, p)));
  for (const ds of found) model.diagnostics.push(...ds);
  if (model.source.kind === 'config')
    model.scriptFolders = await scriptFolders(place.packageDir, place.cwd, out);
}

async function scanPayload(model: PackageModel, p: PayloadModel): Promise<Diagnostic[]> {
  if (!(await fs.stat(p.abs).catch(() => undefined))) {
    return [
      diag(
        'payload-missing',
        p.loc,
        `Payload folder ${p.display} does not exist; create it or fix \`path\` for payload "${p.name}".`,
      ),
    ];
  }
  return p.source === 'folder' ? scanPayloadFolder(model, p) : scanPrebuiltZip(model, p);
}

async function scanPayloadFolder(model: PackageModel, p: PayloadModel): Promise<Diagnostic[]> {
  const { place, source } = model;
  const exclude =
    source.kind === 'config' ? (source.config.payloads.find((c) => c.name === p.name)?.exclude ?? []) : [];
  const scanned = await scanFolder({
    root: p.abs,
    packageRoot: place.packageDir,
    displayBase: place.cwd,
    exclude,
    skip: place.outputDir ? [place.outputDir] : [],
  });
  p.content = scanned.content;
  return scanned.diagnostics;
}

/** A prebuilt ZIP: its entries, its size and its sha256 against the one the manifest states. */
async function scanPrebuiltZip(model: PackageModel, p: PayloadModel): Promise<Diagnostic[]> {
  const opened = await openZipPayload(p.abs, p.display);
  const ds = [...opened.diagnostics];
  if (opened.content) p.content = opened.content;
  let h: { sha256: string; size: number };
  try {
    h = await hashFile(p.abs);
  } catch (e) {
    if (!isIoError(e)) throw e;
    return [...ds, diag('file-unreadable', { file: p.display }, `Cannot read: ${ioReason(e)}.`)];
  }
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
