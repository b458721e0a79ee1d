// Rules for the payloads as a whole: ZIP names and count, empty payloads, paths Windows cannot create,
// folders that look like payloads but are not declared.
import { lexicalProblem } from '../contain.js';
import { SCAN_MAX_ENTRIES, type TopFolder } from '../layout.js';
import type { StatedSize } from '../manifest/index.js';
import { isWindows } from '../platforms.js';
import { MANIFEST, OUTPUT_MARKER, type PackageModel } from '../stages/model.js';
import { getOwn } from '../source/tree.js';
import type { Diagnostic, Loc, PayloadEntry, PayloadModel } from '../types.js';
import { shouldStore } from '../zip/entries.js';
import { MAX_32, MAX_ENTRIES } from '../zip/format.js';
import { diag } from './catalogue.js';
import { checkInstallers } from './installer/index.js';
import { checkScripts } from './scripts.js';

export const FILE_PATTERN = /^[a-zA-Z0-9_\-.]{3,128}$/;
/** Files the build writes into the output folder besides the ZIPs. */
const RESERVED_FILES = [MANIFEST, OUTPUT_MARKER];
export const MAX_FILES = 20;
export const MAX_FILE_BYTES = 1024 ** 3;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/** Checks one payload: its ZIP name, then (once scanned) its files and scripts. */
export async function checkPayload(p: PayloadModel): Promise<Diagnostic[]> {
  const out = zipName(p);
  const content = p.content;
  if (!content) return out;
  const files = content.entries.filter((e) => e.type === 'file');
  if (files.length === 0) {
    out.push(
      diag(
        'payload-empty',
        { file: p.display },
        `Payload "${p.name}" has no files; the agent reports "Package is incomplete". Add install and uninstall scripts and the software they install.`,
      ),
    );
    return out;
  }
  if (p.source === 'folder') out.push(...writerLimits(p, content.entries));
  out.push(...(await checkScripts(p, files, content)));
  out.push(...(await checkInstallers(p)));
  if (p.targets.some((t) => isWindows(t.platform))) {
    // One finding per entry at most, and entries can number 65,535: appended one by one, not spread.
    for (const d of windowsPaths(content.entries)) out.push(d);
    for (const d of caseCollisions(content.entries)) out.push(d);
  }
  return out;
}

/** The ZIP name: it is written into the output folder, next to manifest.json and the build's marker. */
function zipName(p: PayloadModel): Diagnostic[] {
  const bad = lexicalProblem(p.file);
  if (bad) {
    const message = `ZIP name "${p.file}" ${bad.why}; a ZIP is written into the output folder under its name, which must be a plain file name.`;
    return [diag(bad.rule, p.fileLoc, message)];
  }
  if (!FILE_PATTERN.test(p.file)) {
    const message = `ZIP name "${p.file}" is not a valid attachment name: use 3 to 128 letters, digits, "_", "-" or "." (no spaces).`;
    return [diag('file-name-pattern', p.fileLoc, message)];
  }
  const reserved = RESERVED_FILES.find((r) => r.toLowerCase() === p.file.toLowerCase());
  if (reserved) {
    const message = `ZIP name "${p.file}" is the name of the ${reserved} the build writes next to the ZIPs, which would overwrite it (or it them); choose another name.`;
    return [diag('file-name-reserved', p.fileLoc, message)];
  }
  return [];
}

/**
 * What the ZIP writer cannot write (no ZIP64): more than 65,535 entries, a file of 4 GiB or more, a name over
 * 65,535 bytes; and a ZIP that is over the agent's 1 GB already from the files stored as they are.
 */
function writerLimits(p: PayloadModel, entries: readonly PayloadEntry[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const count = entries.filter((e) => e.type === 'file' || e.type === 'dir').length;
  if (count > MAX_ENTRIES) {
    const has = count >= SCAN_MAX_ENTRIES ? `more than ${SCAN_MAX_ENTRIES}` : String(count);
    const message = `Payload "${p.name}" has ${has} files and folders; a ZIP without ZIP64 holds at most ${MAX_ENTRIES} entries. Split the payload, or pack its many small files into one archive.`;
    out.push(diag('zip-entry-limit', { file: p.display }, message));
  }
  let stored = 0;
  for (const e of entries) {
    if (e.type !== 'file' && e.type !== 'dir') continue;
    if (e.size >= MAX_32) {
      const message = `${e.path} is ${e.size} bytes; a file of 4 GiB or more needs ZIP64, which is not written (and the agent accepts at most 1 GB per ZIP).`;
      out.push(diag('zip-entry-limit', { file: e.display }, message));
    } else if (Buffer.byteLength(e.path) + (e.type === 'dir' ? 1 : 0) > 0xffff) {
      const message = `The path is ${Buffer.byteLength(e.path)} bytes long; a ZIP entry name holds at most 65,535.`;
      out.push(diag('zip-entry-limit', { file: e.display }, message));
    } else if (e.type === 'file' && shouldStore(e.path)) stored += e.size;
  }
  if (stored > MAX_FILE_BYTES) {
    const message = `${p.file} would be at least ${mb(stored)}: its already-compressed files are stored as they are. Each file must be at most 1 GB; split the payload.`;
    out.push(diag('file-size', { file: p.display }, message));
  }
  return out;
}

/** Windows file systems ignore case: two names that differ only in case are one file there. */
function caseCollisions(entries: readonly PayloadEntry[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, string>();
  for (const e of entries) {
    const key = e.path.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, e.path);
    else if (first !== e.path) {
      const message = `"${e.path}" and "${first}" differ only in case; on Windows they are one file, and extracting the ZIP writes one over the other. Rename one of them.`;
      out.push(diag('name-case-collision', { file: e.display }, message));
    }
  }
  return out;
}

function windowsPaths(entries: readonly PayloadEntry[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of entries) {
    const base = e.path.split('/').pop() ?? e.path;
    let why: string | undefined;
    if (/[<>:"|?*]/.test(base)) why = 'contains one of < > : " | ? *';
    else if (WINDOWS_RESERVED.test(base)) why = 'is a reserved device name on Windows';
    else if (/[. ]$/.test(base)) why = 'ends with a dot or a space';
    if (why) {
      out.push(
        diag(
          'path-windows-unsafe',
          { file: e.display },
          `"${e.path}" ${why}, so it cannot be extracted on Windows hosts; rename it.`,
        ),
      );
    }
  }
  return out;
}

export function checkFileCount(payloads: readonly PayloadModel[], loc: Loc): Diagnostic[] {
  if (payloads.length <= MAX_FILES) return [];
  return [
    diag(
      'file-count',
      loc,
      `The package has ${payloads.length} ZIP files; a package version can attach at most ${MAX_FILES}. Merge payloads that target the same platform family.`,
    ),
  ];
}

/**
 * Folders at the package root that hold install scripts but are no payload: probably forgotten.
 * `candidates` are such folders (see layout.ts), by real path and display path.
 */
export function checkUndeclared(
  candidates: readonly TopFolder[],
  payloads: readonly PayloadModel[],
  configFile: string,
): Diagnostic[] {
  const declared = new Set(payloads.map((p) => p.real));
  return candidates
    .filter((c) => !declared.has(c.real))
    .map((c) =>
      diag(
        'payload-unused',
        { file: c.display },
        `Folder "${c.name}" has install scripts but is not a payload in ${configFile}, so it is never shipped; add it under \`payloads:\` or remove it.`,
      ),
    );
}

/** A ZIP over the 1 GB the agent accepts: a prebuilt one, or one just built (`built`). */
export function checkFileSize(file: string, size: number, loc: Loc, built: boolean): Diagnostic[] {
  if (size <= MAX_FILE_BYTES) return [];
  const message = built
    ? `${file} is ${mb(size)} after compression; each file must be at most 1 GB. Split the payload.`
    : `${file} is ${mb(size)}; each file must be at most 1 GB.`;
  return [diag('file-size', loc, message)];
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/**
 * The `size` of a `files` entry in a hand-written manifest. A prebuilt ZIP must have it (file-size-mismatch).
 * A ZIP built from a folder has no size until it is built: its stated size is not checked, and the built
 * manifest, like every manifest the build writes, lists checksums only (SSM records each attachment's size
 * itself when it copies it), so the notice says the value is dropped.
 */
export function checkStatedSizes(model: PackageModel): Diagnostic[] {
  const { source } = model;
  if (source.kind !== 'manifest') return [];
  const out: Diagnostic[] = [];
  for (const p of model.payloads) {
    const stated = getOwn(source.parsed.sizes, p.file) as StatedSize | undefined;
    if (!stated) continue;
    const about = { payload: p.name, platforms: [...new Set(p.targets.map((t) => t.platform))] };
    if (p.source === 'zip') {
      const actual = model.prebuilt.get(p.file)?.size;
      if (actual === undefined || actual === stated.bytes) continue;
      const message = `${MANIFEST} says size ${stated.bytes} for ${p.file}, but the ZIP is ${actual} bytes, so the manifest was written for another ZIP. Write ${actual} (and check its sha256), or remove \`size\`, which is optional.`;
      out.push({ ...diag('file-size-mismatch', stated.loc, message), ...about });
    } else {
      const message = `${MANIFEST} says size ${stated.bytes} for ${p.file}, which is built from the folder ${p.display}: its size is known only once built, so the value is not checked and the built manifest leaves \`size\` out (SSM records each file's size itself). Remove it, or ship the prebuilt ZIP.`;
      out.push({ ...diag('checksum-recomputed', stated.loc, message), ...about });
    }
  }
  return out;
}
