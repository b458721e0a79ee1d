// config → layout → rules → ZIPs → manifest. Pure: no AWS, no GitHub.
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { diag, hasErrors } from './catalogue.js';
import { CONFIG_FILES, findConfig, type PackageConfig, parseConfig } from './config.js';
import { previewRows } from './hosts.js';
import { displayPath, errText, scanFolder } from './layout.js';
import {
  buildManifest,
  manifestProblems,
  type ParsedManifest,
  parseManifest,
  serializeManifest,
} from './manifest.js';
import {
  applyOverrides,
  checkFileCount,
  checkName,
  checkPayload,
  checkTargets,
  checkVersion,
  type Located,
  MAX_FILE_BYTES,
  type PackageModel,
  type PayloadModel,
} from './rules.js';
import type { BuiltFile, Diagnostic, Loc, Manifest } from './types.js';
import { writeZip, zipTimestamp } from './zip.js';
import { openZipPayload } from './zipread.js';

export interface BuildOptions {
  /** The package folder. */
  packageDir: string;
  /** Where to write the ZIPs and manifest.json; omit to validate only. */
  outputDir?: string | undefined;
  /** Overrides the config's package name. */
  name?: string | undefined;
  /** The version from an input or a tag; overrides the config's. */
  version?: { value: string; source: string } | undefined;
  /** Base for display paths in diagnostics (default: the working directory). */
  cwd?: string | undefined;
  /** For SOURCE_DATE_EPOCH (default: process.env). */
  env?: Record<string, string | undefined> | undefined;
}

export interface BuildResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** How the package folder was read. */
  kind?: 'config' | 'manifest';
  name?: string;
  version?: string;
  /** The manifest as built (checksums filled) or, when validating only, with placeholder checksums. */
  manifest?: Manifest;
  manifestPath?: string;
  manifestSha256?: string;
  manifestBytes?: number;
  files: BuiltFile[];
  outputDir?: string;
  preview: ReturnType<typeof previewRows>;
}

const PLACEHOLDER_SHA = '0'.repeat(64);
const MANIFEST = 'manifest.json';

/** Thrown for problems with the options themselves (not the package); the message says what to do. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export async function buildPackage(opts: BuildOptions): Promise<BuildResult> {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const pkgDir = path.resolve(cwd, opts.packageDir);
  const show = (abs: string) => displayPath(abs, cwd);
  const result: BuildResult = { ok: false, diagnostics: [], files: [], preview: [] };
  const ds = result.diagnostics;

  const st = await fs.stat(pkgDir).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new UsageError(
      `Package folder "${opts.packageDir}" does not exist or is not a folder (resolved to ${pkgDir}).`,
    );
  }
  const outAbs = opts.outputDir ? path.resolve(cwd, opts.outputDir) : undefined;

  // 1. Read the package description: a config, or a hand-written/prebuilt manifest.json.
  const configs = await findConfig(pkgDir);
  let config: PackageConfig | undefined;
  let parsedManifest: ParsedManifest | undefined;
  const payloads: PayloadModel[] = [];
  let sourceLoc: Loc;
  if (configs.length > 1) {
    ds.push(
      diag(
        'config-ambiguous',
        { file: show(path.join(pkgDir, configs[1]!)) },
        `Found ${configs.join(' and ')}; keep exactly one config file.`,
      ),
    );
    return result;
  }
  if (configs.length === 1) {
    result.kind = 'config';
    const file = path.join(pkgDir, configs[0]!);
    sourceLoc = { file: show(file) };
    const text = await fs.readFile(file, 'utf8');
    const parsed = parseConfig(text, show(file), file.endsWith('.json') ? 'json' : 'yaml');
    ds.push(...parsed.diagnostics);
    if (!parsed.config) return finish();
    config = parsed.config;
    for (const pc of config.payloads) {
      const abs = path.resolve(pkgDir, pc.path);
      payloads.push({
        name: pc.name,
        file: pc.file,
        loc: pc.loc,
        fileLoc: pc.fileLoc,
        targets: pc.targets,
        source: 'folder',
        display: show(abs),
        abs,
      });
    }
  } else {
    const mfile = path.join(pkgDir, MANIFEST);
    const raw = await fs.readFile(mfile).catch(() => undefined);
    if (!raw) {
      ds.push(
        diag(
          'config-missing',
          { file: show(pkgDir) },
          `No ${CONFIG_FILES.join(', ')} or ${MANIFEST} in ${show(pkgDir)}; add a distributor.yaml (see the README) or point package-dir at the package folder.`,
        ),
      );
      return result;
    }
    result.kind = 'manifest';
    sourceLoc = { file: show(mfile) };
    const { parsed, diagnostics } = parseManifest(raw, show(mfile));
    ds.push(...diagnostics);
    parsedManifest = parsed;
    if (!parsed.manifest) return finish();
    for (const [file, loc] of Object.entries(parsed.fileLocs)) {
      const zipAbs = path.join(pkgDir, file);
      const folderAbs = path.join(pkgDir, file.replace(/\.zip$/i, ''));
      const targets = parsed.targets.filter((t) => fileOf(parsed.manifest!, t) === file);
      const base = { name: file.replace(/\.zip$/i, ''), file, loc, fileLoc: loc, targets };
      if ((await fs.stat(zipAbs).catch(() => undefined))?.isFile()) {
        payloads.push({ ...base, source: 'zip', display: show(zipAbs), abs: zipAbs });
      } else if (folderAbs !== zipAbs && (await fs.stat(folderAbs).catch(() => undefined))?.isDirectory()) {
        payloads.push({ ...base, source: 'folder', display: show(folderAbs), abs: folderAbs });
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
  }

  // 2. Name and version.
  const name: Located<string> = opts.name
    ? { value: opts.name, loc: undefined }
    : config?.name
      ? config.name
      : { value: path.basename(pkgDir), loc: undefined };
  result.name = name.value;
  const manifestVersion = parsedManifest?.manifest?.version;
  const version: Located<string> | undefined = opts.version?.value
    ? { value: opts.version.value, loc: undefined }
    : config?.version
      ? config.version
      : manifestVersion !== undefined
        ? { value: manifestVersion, loc: parsedManifest?.versionLoc ?? sourceLoc }
        : undefined;
  const versionDiags = checkVersion(version, sourceLoc);
  // Input-given values have no file: say where they came from.
  for (const d of [...checkName(name), ...versionDiags]) {
    if (d.file) ds.push(d);
    else {
      const from = d.rule.startsWith('name')
        ? opts.name
          ? 'the `name` input'
          : `the package folder's name (set \`name\` in the config)`
        : (opts.version?.source ?? 'the version');
      ds.push({ ...d, message: `${d.message} (from ${from})` });
    }
  }
  if (version) result.version = version.value;
  const hasPrebuilt = payloads.some((p) => p.source === 'zip');
  if (hasPrebuilt && manifestVersion !== undefined && version && version.value !== manifestVersion) {
    ds.push(
      diag(
        'version-mismatch',
        parsedManifest?.versionLoc ?? sourceLoc,
        `${MANIFEST} says version "${manifestVersion}" but ${opts.version?.source ?? 'the requested version'} is "${version.value}"; prebuilt packages are published as they are. Rebuild the manifest with the new version or publish "${manifestVersion}".`,
      ),
    );
  }
  const model: PackageModel = version ? { name, version, payloads } : { name, payloads };

  // 3. Read every payload (in parallel) and run the rules.
  const zipHashes = new Map<string, { sha256: string; size: number }>();
  await Promise.all(
    payloads.map(async (p) => {
      const exists = await fs.stat(p.abs).catch(() => undefined);
      if (!exists) {
        ds.push(
          diag(
            'payload-missing',
            p.loc,
            `Payload folder ${p.display} does not exist; create it or fix \`path\` for payload "${p.name}".`,
          ),
        );
        return;
      }
      if (p.source === 'folder') {
        if (outAbs && isInside(outAbs, p.abs)) {
          throw new UsageError(
            `The output folder ${show(outAbs)} is inside the payload folder ${p.display}; choose an output-dir outside it.`,
          );
        }
        const exclude = config?.payloads.find((c) => c.name === p.name)?.exclude ?? [];
        const skip = outAbs ? [outAbs] : [];
        const scanned = await scanFolder({
          root: p.abs,
          packageRoot: pkgDir,
          displayBase: cwd,
          exclude,
          skip,
        });
        ds.push(...scanned.diagnostics);
        p.content = scanned.content;
      } else {
        const opened = await openZipPayload(p.abs, p.display);
        ds.push(...opened.diagnostics);
        if (opened.content) p.content = opened.content;
        const h = await hashFile(p.abs);
        zipHashes.set(p.file, h);
        if (h.size > MAX_FILE_BYTES) {
          ds.push(
            diag(
              'file-size',
              { file: p.display },
              `${p.file} is ${mb(h.size)}; each file must be at most 1 GB.`,
            ),
          );
        }
        const declared = parsedManifest?.manifest?.files[p.file]?.checksums.sha256;
        if (declared && /^[0-9a-fA-F]{64}$/.test(declared) && declared.toLowerCase() !== h.sha256) {
          ds.push(
            diag(
              'checksum-mismatch',
              parsedManifest?.fileLocs[p.file] ?? sourceLoc,
              `${p.file} has sha256 ${h.sha256}, but ${MANIFEST} says ${declared}; the agent would refuse the download. Rebuild the manifest from the ZIP you mean to ship.`,
            ),
          );
        }
      }
    }),
  );
  payloads.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  ds.push(...checkTargets(payloads), ...checkFileCount(payloads, sourceLoc));
  for (const p of payloads) ds.push(...(await checkPayload(p)));
  if (config) ds.push(...(await undeclaredPayloads(pkgDir, config, payloads, show, outAbs)));

  // 4. The manifest, first with placeholder checksums: its size is known before anything is built.
  const draft = buildManifestFor(model, new Map(), parsedManifest?.manifest, config);
  result.manifest = draft;
  result.preview = previewRows(draft);
  ds.push(...manifestProblems(draft, sourceLoc.file));
  if (!opts.outputDir || hasErrors(applyOverrides(ds, config?.rules))) return finish();

  // 5. Build into a fresh sibling folder, then swap it in, so a failure never leaves a half-written output.
  await checkOutputDir(outAbs!, show);
  const tmp = `${outAbs}.partial-${process.pid}-${Date.now()}`;
  await fs.mkdir(tmp, { recursive: true });
  try {
    const mtime = zipTimestamp(opts.env ?? process.env);
    const built = await Promise.all(
      payloads.map(async (p): Promise<BuiltFile> => {
        const dest = path.join(tmp, p.file);
        if (p.source === 'zip') {
          await fs.copyFile(p.abs, dest);
          const h = zipHashes.get(p.file)!;
          return { name: p.file, path: dest, size: h.size, sha256: h.sha256 };
        }
        const inputs = p.content!.entries.map((e) => ({
          name: e.path,
          type: e.type === 'dir' ? ('dir' as const) : ('file' as const),
          mode: e.mode,
          size: e.size,
          ...(e.absPath && e.type === 'file' ? { absPath: e.absPath } : {}),
        }));
        const r = await writeZip(dest, inputs, { mtime });
        return { name: p.file, path: dest, size: r.size, sha256: r.sha256 };
      }),
    );
    for (const f of built) {
      if (f.size > MAX_FILE_BYTES) {
        ds.push(
          diag(
            'file-size',
            { file: show(payloads.find((p) => p.file === f.name)!.abs) },
            `${f.name} is ${mb(f.size)} after compression; each file must be at most 1 GB. Split the payload.`,
          ),
        );
      }
      const stated = parsedManifest?.manifest?.files[f.name]?.checksums.sha256;
      const p = payloads.find((x) => x.file === f.name);
      if (stated && p?.source === 'folder' && stated.toLowerCase() !== f.sha256) {
        ds.push(
          diag(
            'checksum-recomputed',
            parsedManifest?.fileLocs[f.name] ?? sourceLoc,
            `${MANIFEST} says sha256 ${stated} for ${f.name}; the built ZIP's is ${f.sha256}, which the new manifest carries.`,
          ),
        );
      }
    }
    const sums = new Map(built.map((f) => [f.name, f.sha256]));
    const manifest = buildManifestFor(model, sums, parsedManifest?.manifest, config);
    const bytes = serializeManifest(manifest);
    ds.push(...manifestProblems(manifest, sourceLoc.file));
    if (hasErrors(applyOverrides(ds, config?.rules))) return finish();
    await fs.writeFile(path.join(tmp, MANIFEST), bytes);
    await swapInto(tmp, outAbs!);
    result.manifest = manifest;
    result.preview = previewRows(manifest);
    result.outputDir = outAbs!;
    result.manifestPath = path.join(outAbs!, MANIFEST);
    result.manifestSha256 = createHash('sha256').update(bytes).digest('hex');
    result.manifestBytes = bytes.length;
    result.files = built.map((f) => ({ ...f, path: path.join(outAbs!, f.name) }));
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  return finish();

  function finish(): BuildResult {
    const final = applyOverrides(ds, config?.rules);
    final.sort(byLocation);
    result.diagnostics = final;
    result.ok = !hasErrors(final);
    if (!result.ok) {
      result.files = [];
      delete result.manifestPath;
      delete result.manifestSha256;
    }
    return result;
  }
}

function buildManifestFor(
  model: PackageModel,
  sums: ReadonlyMap<string, string>,
  original: Manifest | undefined,
  config: PackageConfig | undefined,
): Manifest {
  const publisher = config?.publisher ?? original?.publisher;
  const description = config?.description ?? original?.description;
  return buildManifest({
    version: model.version?.value ?? '0',
    ...(publisher !== undefined ? { publisher } : {}),
    ...(description !== undefined ? { description } : {}),
    mappings: model.payloads.map((p) => ({
      file: p.file,
      sha256: sums.get(p.file) ?? PLACEHOLDER_SHA,
      targets: p.targets,
    })),
  });
}

function fileOf(m: Manifest, t: { platform: string; version: string; arch: string }): string | undefined {
  return m.packages[t.platform]?.[t.version]?.[t.arch]?.file;
}

/** Folders next to the payloads that hold install scripts but are not declared: probably forgotten. */
async function undeclaredPayloads(
  pkgDir: string,
  config: PackageConfig,
  payloads: readonly PayloadModel[],
  show: (abs: string) => string,
  outAbs: string | undefined,
): Promise<Diagnostic[]> {
  const declared = new Set(payloads.map((p) => path.resolve(p.abs)));
  const out: Diagnostic[] = [];
  const entries = await fs.readdir(pkgDir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const abs = path.join(pkgDir, e.name);
    if (declared.has(abs) || abs === outAbs) continue;
    const names = await fs.readdir(abs).catch(() => [] as string[]);
    if (names.some((n) => /^install\.(sh|ps1)$/.test(n))) {
      out.push(
        diag(
          'payload-unused',
          { file: show(abs) },
          `Folder "${e.name}" has install scripts but is not a payload in ${config.file}, so it is never shipped; add it under \`payloads:\` or remove it.`,
        ),
      );
    }
  }
  return out;
}

async function checkOutputDir(outAbs: string, show: (abs: string) => string): Promise<void> {
  const names = await fs.readdir(outAbs).catch(() => undefined);
  if (!names) return;
  const foreign = names.filter((n) => n !== MANIFEST && !n.toLowerCase().endsWith('.zip'));
  if (foreign.length > 0) {
    throw new UsageError(
      `Output folder ${show(outAbs)} holds files this tool did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}); it replaces the folder's contents on every build, so choose an empty or new output-dir.`,
    );
  }
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

export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      h.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch (e) {
    throw new Error(`Cannot read ${file}: ${errText(e)}`, { cause: e });
  }
  return { sha256: h.digest('hex'), size };
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

function byLocation(a: Diagnostic, b: Diagnostic): number {
  const fa = a.file ?? '';
  const fb = b.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}
