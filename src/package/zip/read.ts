// Reads a prebuilt ZIP payload for validation: its entries as the SSM Agent would extract them
// (reference: reliability.md §3.1), and any entry's bytes on demand. A ZIP that cannot be read is a
// `zip-invalid` diagnostic, never an exception.
import path from 'node:path';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { errorText } from '../../errors.js';
import { ioReason, isIoError } from '../contain.js';
import { diag } from '../rules/catalogue.js';
import type { Diagnostic, EntryType, Loc, PayloadContent, PayloadEntry } from '../types.js';
import { MAX_ENTRIES } from './format.js';
import { structureProblem } from './structure.js';

/** `read()` refuses entries larger than this (it is used to read scripts). */
export const MAX_READ_BYTES = 16 * 1024 * 1024;
const MAX_LINK_BYTES = 4096;

/** "Version made by" hosts whose external attributes carry a Unix mode (Unix, OS X). */
const UNIX_HOSTS = new Set([3, 19]);
/** Hosts whose external attributes are MS-DOS attributes (FAT, NTFS, VFAT). */
const DOS_HOSTS = new Set([0, 11, 14]);
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function openZip(zipPath: string): Promise<ZipFile> {
  return yauzl
    .openPromise(zipPath, {
      lazyEntries: true,
      autoClose: false,
      // Names stay raw bytes (yauzl would fail the whole ZIP on the first unsafe name; we name each
      // one). The agent's unzip also takes name bytes as they are, whatever the UTF-8 flag says.
      decodeStrings: false,
      strictFileNames: true,
      validateEntrySizes: true,
    })
    .then((zip) => {
      // An error emitted between reads must never become an unhandled 'error' event.
      zip.on('error', () => {});
      return zip;
    });
}

/** A name for messages: invalid UTF-8 bytes and control characters shown as escapes. */
function showName(raw: Buffer): string {
  let s = '';
  let i = 0;
  while (i < raw.length) {
    const b = raw[i] as number;
    const len = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 0;
    if (len > 1 && i + len <= raw.length) {
      try {
        s += strictUtf8.decode(raw.subarray(i, i + len));
        i += len;
        continue;
      } catch {
        // fall through to an escape
      }
    }
    if (len === 1 && b >= 0x20 && b !== 0x7f) s += String.fromCharCode(b);
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
    i++;
  }
  return s;
}

/** Why a raw entry name is unsafe to extract, or undefined. */
function unsafeReason(raw: Buffer, name: string | undefined): string | undefined {
  if (raw.length === 0) return 'has an empty name';
  if (name === undefined) return 'is not valid UTF-8';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character';
  if (name.includes('\\')) return 'contains a backslash, which is a folder separator on Windows';
  if (name.startsWith('/')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  if (name.split('/').includes('..')) return 'has a `..` segment that climbs out of the extraction folder';
  return undefined;
}

/** The entry's type and permission bits, read the way the agent's unzip (Go archive/zip) reads them. */
function typeAndMode(entry: Entry, dirByName: boolean): { type: EntryType; mode: number } {
  const host = entry.versionMadeBy >> 8;
  let type: EntryType = 'file';
  let mode = 0;
  if (UNIX_HOSTS.has(host)) {
    const m = entry.externalFileAttributes >>> 16;
    mode = m & 0o7777;
    const fmt = m & S_IFMT;
    if (fmt === S_IFDIR) type = 'dir';
    else if (fmt === S_IFLNK) type = 'symlink';
    else if (fmt === S_IFREG || fmt === 0) type = 'file';
    else type = 'other';
  } else if (DOS_HOSTS.has(host)) {
    const attrs = entry.externalFileAttributes & 0xff;
    if (attrs & 0x10) {
      type = 'dir';
      mode = 0o777;
    } else {
      mode = attrs & 0x01 ? 0o444 : 0o666;
    }
  }
  if (dirByName && type !== 'symlink' && type !== 'other') type = 'dir';
  return { type, mode };
}

/** Reads an entry's bytes, refusing more than `cap`; with `head`, its first `head` bytes instead. */
async function readEntry(zip: ZipFile, entry: Entry, cap: number, head?: number): Promise<Buffer> {
  if (head === undefined && entry.uncompressedSize > cap) {
    throw new Error(`the entry is ${entry.uncompressedSize} bytes; only entries up to ${cap} bytes are read`);
  }
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    chunks.push(chunk);
    if (head !== undefined && total >= head) {
      stream.destroy();
      return Buffer.concat(chunks).subarray(0, head);
    }
    if (total > cap) {
      stream.destroy();
      throw new Error(`the entry holds more than ${cap} bytes`);
    }
  }
  return Buffer.concat(chunks);
}

/**
 * Opens a prebuilt ZIP: its entries (unsafe names reported and left out), and read access to them.
 * A ZIP that cannot be read gives a `zip-invalid` diagnostic and no content.
 */
export async function openZipPayload(
  zipPath: string,
  display: string,
): Promise<{ content?: PayloadContent; diagnostics: Diagnostic[] }> {
  const where: Where = { loc: { file: display }, zipName: path.basename(display), display };
  let zip: ZipFile;
  let listed: Entry[];
  try {
    zip = await openZip(zipPath);
  } catch (e) {
    if (isIoError(e)) {
      return { diagnostics: [diag('file-unreadable', where.loc, `Cannot read: ${ioReason(e)}.`)] };
    }
    return { diagnostics: [invalid(where, errorText(e))] };
  }
  if (zip.entryCount > MAX_ENTRIES) {
    zip.close();
    const message = `${where.zipName} holds ${zip.entryCount} entries; a package ZIP may hold at most ${MAX_ENTRIES}, the most a ZIP without ZIP64 can, and it was not read further. Rebuild it with fewer files.`;
    return { diagnostics: [diag('zip-entry-limit', where.loc, message)] };
  }
  try {
    listed = await listEntries(zip);
    const why = await structureProblem(zipPath, zip, listed);
    if (why !== undefined) throw new Error(why);
  } catch (e) {
    zip.close();
    if (isIoError(e))
      return { diagnostics: [diag('file-unreadable', where.loc, `Cannot read: ${ioReason(e)}.`)] };
    return { diagnostics: [invalid(where, errorText(e))] };
  }
  const entries: PayloadEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  /** Entry number (in central-directory order) of the last entry with each path: what extraction leaves on disk. */
  const index = new Map<string, number>();
  try {
    for (const [n, entry] of listed.entries()) {
      const e = await readEntryInfo(zip, entry, where, diagnostics);
      if (!e) continue;
      entries.push(e);
      if (e.type !== 'dir') index.set(e.path, n);
    }
  } finally {
    zip.close();
  }
  return { content: zipContent(zipPath, display, entries, index), diagnostics };
}

/** Where a ZIP is, for messages. */
interface Where {
  loc: Loc;
  zipName: string;
  display: string;
}

function invalid(where: Where, why: string): Diagnostic {
  return diag(
    'zip-invalid',
    where.loc,
    `${where.zipName} cannot be read as a ZIP (${why}); the agent could not extract it either. Rebuild it, or let this action build it from a folder.`,
  );
}

/** Every entry of the central directory; throws what yauzl finds wrong with the ZIP. */
async function listEntries(zip: ZipFile): Promise<Entry[]> {
  const listed: Entry[] = [];
  for await (const entry of zip.eachEntry()) listed.push(entry);
  return listed;
}

/** One entry as the agent extracts it, or undefined (with a diagnostic) when its name is unsafe. */
async function readEntryInfo(
  zip: ZipFile,
  entry: Entry,
  where: Where,
  diagnostics: Diagnostic[],
): Promise<PayloadEntry | undefined> {
  const raw = entry.fileNameRaw;
  let name: string | undefined;
  try {
    name = strictUtf8.decode(raw);
  } catch {
    name = undefined;
  }
  const reason = unsafeReason(raw, name);
  if (reason !== undefined || name === undefined) {
    diagnostics.push(
      diag(
        'path-unsafe',
        where.loc,
        `Entry "${showName(raw)}" in ${where.zipName} ${reason ?? 'is not valid UTF-8'}; the agent refuses to extract names that could land outside its folder. Rebuild the ZIP with plain relative paths.`,
      ),
    );
    return undefined;
  }
  const entryPath = name.replace(/\/+$/, '');
  if (entryPath === '') return undefined; // "/" alone is caught above; a bare "./"-style root has nothing to extract
  const { type, mode } = typeAndMode(entry, name.endsWith('/'));
  const e: PayloadEntry = {
    path: entryPath,
    type,
    size: entry.uncompressedSize,
    mode,
    display: `${where.display}:${entryPath}`,
  };
  if ((entry.generalPurposeBitFlag & 0x1) !== 0) {
    diagnostics.push(invalid(where, `entry "${name}" is encrypted`));
  } else if (type !== 'dir' && entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    diagnostics.push(
      invalid(
        where,
        `entry "${name}" uses compression method ${entry.compressionMethod}; only stored and deflated entries can be extracted`,
      ),
    );
  }
  if (type === 'symlink') diagnostics.push(await symlinkProblem(zip, entry, e, where));
  return e;
}

async function symlinkProblem(
  zip: ZipFile,
  entry: Entry,
  e: PayloadEntry,
  where: Where,
): Promise<Diagnostic> {
  try {
    e.linkTarget = (await readEntry(zip, entry, MAX_LINK_BYTES)).toString('utf8');
  } catch {
    // A link whose text cannot be read is reported all the same, without it.
  }
  const to = e.linkTarget !== undefined ? ` to "${e.linkTarget}"` : '';
  return diag(
    'zip-symlink',
    where.loc,
    `Entry "${e.path}" in ${where.zipName} is a symlink${to}; the agent does not restore links: it writes a regular file holding the link text. Put the real file in the ZIP (Info-ZIP: zip without -y).`,
  );
}

/** Read access to the entries: each read opens the ZIP again and takes the entry with that number. */
function zipContent(
  zipPath: string,
  display: string,
  entries: PayloadEntry[],
  index: ReadonlyMap<string, number>,
): PayloadContent {
  return {
    entries,
    async read(p: string, limit?: number): Promise<Buffer> {
      const want = index.get(p);
      if (want === undefined) throw new Error(`${display}:${p} is not a file in the ZIP`);
      const z = await openZip(zipPath);
      try {
        let n = -1;
        for await (const entry of z.eachEntry()) {
          n++;
          if (n === want) return await readEntry(z, entry, MAX_READ_BYTES, limit);
        }
        throw new Error(`${display}:${p} is no longer in the ZIP`);
      } finally {
        z.close();
      }
    },
  };
}
