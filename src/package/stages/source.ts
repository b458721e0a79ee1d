// Stages 0 and 1: locate the folders, read the package description (a config, or a manifest.json) and find
// the payload behind each ZIP. Every path is checked to stay inside the package folder before it is opened.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ActionError } from '../../errors.js';
import { CONFIG_FILES, CONFIG_MAX_BYTES, findConfig, type PayloadConfig, parseConfig } from '../config.js';
import {
  ioReason,
  isIoError,
  lexicalProblem,
  readCapped,
  type Resolved,
  resolveInside,
  unusable,
} from '../contain.js';
import { displayPath } from '../layout.js';
import { MANIFEST_READ_MAX, parseManifest } from '../manifest/index.js';
import { diag } from '../rules/catalogue.js';
import { getOwn } from '../source/tree.js';
import type { Diagnostic, Loc, Manifest, PayloadModel, Target } from '../types.js';
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
  const realPackageDir = st?.isDirectory() ? await fs.realpath(packageDir).catch(() => undefined) : undefined;
  if (!realPackageDir) {
    throw new ActionError(
      'package',
      `The package folder "${req.packageDir}" does not exist or is not a folder (resolved to ${packageDir}).`,
      { hint: 'Point it at the folder that holds distributor.yaml (or manifest.json).' },
    );
  }
  const unreadable = await fs.readdir(packageDir).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (unreadable !== undefined) {
    throw new ActionError(
      'package',
      `The package folder "${req.packageDir}" cannot be read (${isIoError(unreadable) ? ioReason(unreadable) : String(unreadable)}).`,
      { hint: 'Give the user running the build read and search permission on it.', code: 'file-unreadable' },
    );
  }
  const outputDir = req.outputDir ? path.resolve(cwd, req.outputDir) : undefined;
  return { cwd, packageDir, realPackageDir, outputDir, show: (abs) => displayPath(abs, cwd) };
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
  const raw = await readTopFile(place, MANIFEST, ds);
  if (raw === 'absent') {
    ds.push(
      diag(
        'config-missing',
        { file: show(packageDir) },
        `No ${CONFIG_FILES.join(', ')} or ${MANIFEST} in ${show(packageDir)}; add a distributor.yaml (see the README), or check that this is the package folder.`,
      ),
    );
    return { kind: undefined };
  }
  if (!raw) return { kind: 'manifest' };
  const file = { file: show(path.join(packageDir, MANIFEST)) };
  const { parsed, diagnostics } = parseManifest(raw, file.file);
  ds.push(...diagnostics);
  return parsed.manifest
    ? { kind: 'manifest', read: { kind: 'manifest', file, parsed, manifest: parsed.manifest } }
    : { kind: 'manifest' };
}

async function readConfig(place: Place, name: string, ds: Diagnostic[]): Promise<{ read?: Source }> {
  const raw = await readTopFile(place, name, ds);
  if (raw === 'absent' || !raw) return {};
  const file = { file: place.show(path.join(place.packageDir, name)) };
  const parsed = parseConfig(raw.toString('utf8'), file.file, name.endsWith('.json') ? 'json' : 'yaml');
  ds.push(...parsed.diagnostics);
  return parsed.config ? { read: { kind: 'config', file, config: parsed.config } } : {};
}

/**
 * A config or manifest.json at the top of the package folder: 'absent' when there is none; undefined (with a
 * diagnostic) when it leads outside the package, is no regular file, is too large or cannot be read.
 */
async function readTopFile(
  place: Place,
  name: string,
  ds: Diagnostic[],
): Promise<Buffer | 'absent' | undefined> {
  const abs = path.join(place.packageDir, name);
  const loc = { file: place.show(abs) };
  if (!(await fs.lstat(abs).catch(() => undefined))) return 'absent';
  const r = await resolveInside(place.realPackageDir, abs);
  if (r.kind === 'missing') {
    ds.push(
      diag('file-unreadable', loc, `${name} is a symlink that points nowhere; replace it with the file.`),
    );
    return undefined;
  }
  const bad = unusable(r, 'file', loc, name);
  if (bad || r.kind !== 'found') {
    if (bad) ds.push(bad);
    return undefined;
  }
  const isConfig = name !== MANIFEST;
  const cap = isConfig ? CONFIG_MAX_BYTES : MANIFEST_READ_MAX;
  let bytes: Buffer | undefined;
  try {
    bytes = r.stats.size > cap ? undefined : await readCapped(r.real, cap);
  } catch (e) {
    if (!isIoError(e)) throw e;
    ds.push(diag('file-unreadable', loc, `Cannot read ${name}: ${ioReason(e)}.`));
    return undefined;
  }
  if (!bytes) {
    const message = `${name} is ${r.stats.size} bytes; a ${isConfig ? 'config' : 'manifest'} over ${cap} bytes (1 MiB) is not read.${isConfig ? '' : ' SSM accepts at most 64 KB.'}`;
    ds.push(diag(isConfig ? 'config-too-large' : 'manifest-too-large', loc, message));
  }
  return bytes;
}

/** The payloads, sorted by ZIP name: the config's folders, or for a manifest each listed ZIP or its folder. */
export async function payloadsOf(place: Place, source: Source, ds: Diagnostic[]): Promise<PayloadModel[]> {
  const payloads =
    source.kind === 'config'
      ? await Promise.all(source.config.payloads.map((pc) => configPayload(place, pc, ds)))
      : await manifestPayloads(place, source, ds);
  return payloads.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** A config payload; `real` is set when its folder is there, inside the package. */
async function configPayload(place: Place, pc: PayloadConfig, ds: Diagnostic[]): Promise<PayloadModel> {
  const abs = path.resolve(place.packageDir, pc.path);
  const { name, file, loc, fileLoc, targets } = pc;
  const p: PayloadModel = {
    name,
    file,
    loc,
    fileLoc,
    targets,
    source: 'folder',
    display: place.show(abs),
    abs,
  };
  const bad = lexicalProblem(pc.path);
  if (bad) {
    const message = `\`path\` of payload "${name}" ${bad.why}; it was not read. Name a folder inside the package folder, relative to it.`;
    ds.push(diag(bad.rule, pc.pathLoc, message));
    return p;
  }
  const r = await resolveInside(place.realPackageDir, abs);
  const what = `Payload folder ${p.display}`;
  const problem =
    r.kind === 'missing'
      ? diag(
          'payload-missing',
          pc.pathLoc,
          `${what} does not exist; create it or fix \`path\` for payload "${name}".`,
        )
      : unusable(r, 'folder', pc.pathLoc, what, 'payload-missing');
  if (problem) ds.push(problem);
  else if (r.kind === 'found') p.real = r.real;
  return p;
}

async function manifestPayloads(
  place: Place,
  source: Source & { kind: 'manifest' },
  ds: Diagnostic[],
): Promise<PayloadModel[]> {
  const { packageDir, show } = place;
  const out: PayloadModel[] = [];
  for (const [file, loc] of Object.entries(source.parsed.fileLocs)) {
    const bad = lexicalProblem(file);
    if (bad) {
      const message = `"${file}" in \`files\` ${bad.why}; it was not opened. List each ZIP by its name, next to ${MANIFEST}.`;
      ds.push(diag(bad.rule, loc, message));
      continue;
    }
    const zipAbs = path.join(packageDir, file);
    const folderAbs = path.join(packageDir, file.replace(/\.zip$/i, ''));
    const targets = source.parsed.targets.filter((t) => fileOf(source.manifest, t) === file);
    const base = { name: file.replace(/\.zip$/i, ''), file, loc, fileLoc: loc, targets };
    const found = await findListed(place, zipAbs, folderAbs, loc, ds);
    if (found === 'missing') {
      ds.push(
        diag(
          'file-missing',
          loc,
          `${file} is listed in ${MANIFEST}, but neither ${show(zipAbs)} nor the folder ${show(folderAbs)} exists; add the ZIP, or the folder to build it from.`,
        ),
      );
    } else if (found) {
      const abs = found.source === 'zip' ? zipAbs : folderAbs;
      out.push({ ...base, source: found.source, display: show(abs), abs, real: found.real });
    }
  }
  return out;
}

/** The ZIP a manifest lists, else the folder to build it from; undefined (with a diagnostic) when refused. */
async function findListed(
  place: Place,
  zipAbs: string,
  folderAbs: string,
  loc: Loc,
  ds: Diagnostic[],
): Promise<{ source: 'zip' | 'folder'; real: string } | 'missing' | undefined> {
  const zip = await resolveInside(place.realPackageDir, zipAbs);
  const asFile = refused(zip, 'file', loc, place.show(zipAbs), ds);
  if (asFile === 'refused') return undefined;
  if (asFile) return { source: 'zip', real: asFile };
  if (folderAbs === zipAbs) return 'missing';
  const dir = await resolveInside(place.realPackageDir, folderAbs);
  const asDir = refused(dir, 'folder', loc, place.show(folderAbs), ds);
  if (asDir === 'refused') return undefined;
  return asDir ? { source: 'folder', real: asDir } : 'missing';
}

/** The real path when `r` is usable as `want`; 'refused' (with a diagnostic) when it must not be opened. */
function refused(
  r: Resolved,
  want: 'file' | 'folder',
  loc: Loc,
  what: string,
  ds: Diagnostic[],
): string | 'refused' | undefined {
  if (r.kind === 'missing') return undefined;
  if (r.kind === 'found' && (r.stats.isFile() || r.stats.isDirectory())) {
    return (want === 'file') === r.stats.isFile() ? r.real : undefined;
  }
  const bad = unusable(r, want, loc, what);
  if (bad) ds.push(bad);
  return 'refused';
}

function fileOf(m: Manifest, t: Pick<Target, 'platform' | 'version' | 'arch'>): unknown {
  return getOwn(getOwn(getOwn(getOwn(m.packages, t.platform), t.version), t.arch), 'file');
}
