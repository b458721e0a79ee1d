// Reads a prebuilt ZIP payload for validation: its entries as the SSM Agent would extract them
// (reference: reliability.md §3.1), and any entry's bytes on demand. Never throws for a bad ZIP.
import path from 'node:path';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { diag } from './catalogue.js';
import type { Diagnostic, EntryType, PayloadContent, PayloadEntry } from './types.js';

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

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

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

/** Reads an entry's bytes, refusing more than `cap`. */
async function readEntry(zip: ZipFile, entry: Entry, cap: number): Promise<Buffer> {
  if (entry.uncompressedSize > cap) {
    throw new Error(`the entry is ${entry.uncompressedSize} bytes; only entries up to ${cap} bytes are read`);
  }
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > cap) {
      stream.destroy();
      throw new Error(`the entry holds more than ${cap} bytes`);
    }
    chunks.push(chunk);
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
  const diagnostics: Diagnostic[] = [];
  const loc = { file: display };
  const zipName = path.basename(display);
  const invalid = (why: string) =>
    diag(
      'zip-invalid',
      loc,
      `${zipName} cannot be read as a ZIP (${why}); the agent could not extract it either. Rebuild it, or let this action build it from a folder.`,
    );

  let zip: ZipFile;
  try {
    zip = await openZip(zipPath);
  } catch (e) {
    return { diagnostics: [invalid(errText(e))] };
  }

  const entries: PayloadEntry[] = [];
  /** Entry number (in central-directory order) of the last entry with each path: what extraction leaves on disk. */
  const index = new Map<string, number>();
  try {
    let n = -1;
    for await (const entry of zip.eachEntry()) {
      n++;
      const raw = entry.fileNameRaw;
      let name: string | undefined;
      try {
        name = strictUtf8.decode(raw);
      } catch {
        name = undefined;
      }
      const shown = name ?? showName(raw);
      const reason = unsafeReason(raw, name);
      if (reason !== undefined || name === undefined) {
        diagnostics.push(
          diag(
            'path-unsafe',
            loc,
            `Entry "${showName(raw)}" in ${zipName} ${reason ?? 'is not valid UTF-8'}; the agent refuses to extract names that could land outside its folder. Rebuild the ZIP with plain relative paths.`,
          ),
        );
        continue;
      }
      const dirByName = name.endsWith('/');
      const entryPath = name.replace(/\/+$/, '');
      if (entryPath === '') continue; // "/" alone is caught above; a bare "./"-style root has nothing to extract
      const { type, mode } = typeAndMode(entry, dirByName);
      const e: PayloadEntry = {
        path: entryPath,
        type,
        size: entry.uncompressedSize,
        mode,
        display: `${display}:${entryPath}`,
      };
      if ((entry.generalPurposeBitFlag & 0x1) !== 0) {
        diagnostics.push(invalid(`entry "${shown}" is encrypted`));
      } else if (type !== 'dir' && entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        diagnostics.push(
          invalid(
            `entry "${shown}" uses compression method ${entry.compressionMethod}; only stored and deflated entries can be extracted`,
          ),
        );
      }
      if (type === 'symlink') {
        let target: string | undefined;
        try {
          target = (await readEntry(zip, entry, MAX_LINK_BYTES)).toString('utf8');
          e.linkTarget = target;
        } catch {
          target = undefined;
        }
        diagnostics.push(
          diag(
            'zip-symlink',
            loc,
            `Entry "${entryPath}" in ${zipName} is a symlink${target !== undefined ? ` to "${target}"` : ''}; the agent does not restore links: it writes a regular file holding the link text. Put the real file in the ZIP (Info-ZIP: zip without -y).`,
          ),
        );
      }
      entries.push(e);
      if (type !== 'dir') index.set(entryPath, n);
    }
  } catch (e) {
    zip.close();
    return { diagnostics: [...diagnostics, invalid(errText(e))] };
  }
  zip.close();

  const content: PayloadContent = {
    entries,
    async read(p: string): Promise<Buffer> {
      const want = index.get(p);
      if (want === undefined) throw new Error(`${display}:${p} is not a file in the ZIP`);
      const z = await openZip(zipPath);
      try {
        let n = -1;
        for await (const entry of z.eachEntry()) {
          n++;
          if (n === want) return await readEntry(z, entry, MAX_READ_BYTES);
        }
        throw new Error(`${display}:${p} is no longer in the ZIP`);
      } finally {
        z.close();
      }
    },
  };
  return { content, diagnostics };
}
