// Stages 0 and 1: locate the folders, read the package description (a config, or a manifest.json) and find
// the payload behind each ZIP.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ActionError } from '../../errors.js';
import { CONFIG_FILES, findConfig, parseConfig } from '../config.js';
import { displayPath, ioReason, isIoError } from '../layout.js';
import { parseManifest } from '../manifest.js';
import { diag } from '../rules/catalogue.js';
import { getOwn } from '../source/tree.js';
import type { Diagnostic, Manifest, PayloadModel, Target } from '../types.js';
import { MANIFEST, type Place, type Source } from './model.js';

/** Absolute paths; a package folder that is not there is no package at all. */
export async function locate(req: {
  packageDir: string;
  outputDir?: string | undefined;
  cwd?: string | undefined;
}): Promise<Place> {
  const cwd = path.resolve(req.cwd ?? process.cwd());
  const packageDir = path.resolve(cwd, req.packageDir);
  const st = await fs.stat(packageDir).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new ActionError(
      'package',
      `The package folder "${req.packageDir}" does not exist or is not a folder (resolved to ${packageDir}).`,
      { hint: 'Point it at the folder that holds distributor.yaml (or manifest.json).' },
    );
  }
  const outputDir = req.outputDir ? path.resolve(cwd, req.outputDir) : undefined;
  return { cwd, packageDir, outputDir, show: (abs) => displayPath(abs, cwd) };
}

/** `kind` says which file was found; `read` is set when it could be read. */
export interface SourceRead {
  kind: Source['kind'] | undefined;
  read?: Source;
}

export async function readSource(place: Place, ds: Diagnostic[]): Promise<SourceRead> {
  const { packageDir, show } = place;
  const configs = await findConfig(packageDir);
  if (configs.length > 1) {
    const loc = { file: show(path.join(packageDir, configs[1]!)) };
    ds.push(diag('config-ambiguous', loc, `Found ${configs.join(' and ')}; keep exactly one config file.`));
    return { kind: undefined };
  }
  if (configs[0]) return { kind: 'config', ...(await readConfig(place, configs[0], ds)) };
  const raw = await fs.readFile(path.join(packageDir, MANIFEST)).catch(() => undefined);
  if (!raw) {
    ds.push(
      diag(
        'config-missing',
        { file: show(packageDir) },
        `No ${CONFIG_FILES.join(', ')} or ${MANIFEST} in ${show(packageDir)}; add a distributor.yaml (see the README), or check that this is the package folder.`,
      ),
    );
    return { kind: undefined };
  }
  const file = { file: show(path.join(packageDir, MANIFEST)) };
  const { parsed, diagnostics } = parseManifest(raw, file.file);
  ds.push(...diagnostics);
  return parsed.manifest
    ? { kind: 'manifest', read: { kind: 'manifest', file, parsed, manifest: parsed.manifest } }
    : { kind: 'manifest' };
}

async function readConfig(place: Place, name: string, ds: Diagnostic[]): Promise<{ read?: Source }> {
  const abs = path.join(place.packageDir, name);
  const file = { file: place.show(abs) };
  let text: string;
  try {
    text = await fs.readFile(abs, 'utf8');
  } catch (e) {
    if (!isIoError(e)) throw e;
    ds.push(diag('file-unreadable', file, `Cannot read the config: ${ioReason(e)}.`));
    return {};
  }
  const parsed = parseConfig(text, file.file, name.endsWith('.json') ? 'json' : 'yaml');
  ds.push(...parsed.diagnostics);
  return parsed.config ? { read: { kind: 'config', file, config: parsed.config } } : {};
}

/** The payloads, sorted by ZIP name: the config's folders, or for a manifest each listed ZIP or its folder. */
export async function payloadsOf(place: Place, source: Source, ds: Diagnostic[]): Promise<PayloadModel[]> {
  const payloads =
    source.kind === 'config'
      ? source.config.payloads.map((pc): PayloadModel => {
          const abs = path.resolve(place.packageDir, pc.path);
          const { name, file, loc, fileLoc, targets } = pc;
          return { name, file, loc, fileLoc, targets, source: 'folder', display: place.show(abs), abs };
        })
      : await manifestPayloads(place, source, ds);
  return payloads.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

async function manifestPayloads(
  place: Place,
  source: Source & { kind: 'manifest' },
  ds: Diagnostic[],
): Promise<PayloadModel[]> {
  const { packageDir, show } = place;
  const out: PayloadModel[] = [];
  for (const [file, loc] of Object.entries(source.parsed.fileLocs)) {
    const zipAbs = path.join(packageDir, file);
    const folderAbs = path.join(packageDir, file.replace(/\.zip$/i, ''));
    const targets = source.parsed.targets.filter((t) => fileOf(source.manifest, t) === file);
    const base = { name: file.replace(/\.zip$/i, ''), file, loc, fileLoc: loc, targets };
    if ((await fs.stat(zipAbs).catch(() => undefined))?.isFile()) {
      out.push({ ...base, source: 'zip', display: show(zipAbs), abs: zipAbs });
    } else if (folderAbs !== zipAbs && (await fs.stat(folderAbs).catch(() => undefined))?.isDirectory()) {
      out.push({ ...base, source: 'folder', display: show(folderAbs), abs: folderAbs });
    } else {
      ds.push(
        diag(
          'file-missing',
          loc,
          `${file} is listed in ${MANIFEST}, but neither ${show(zipAbs)} nor the folder ${show(folderAbs)} exists; add the ZIP, or the folder to build it from.`,
        ),
      );
    }
  }
  return out;
}

function fileOf(m: Manifest, t: Pick<Target, 'platform' | 'version' | 'arch'>): unknown {
  return getOwn(getOwn(getOwn(getOwn(m.packages, t.platform), t.version), t.arch), 'file');
}
