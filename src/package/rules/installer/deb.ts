// Debian: an ar archive whose first members are debian-binary and control.tar(.gz); the tar's ./control
// file has the Architecture field. Only the first few ar members and tar entries are looked at, a gzip'd
// control.tar is unpacked to at most CONTROL_TAR_MAX bytes, and .xz / .zst (no decoder here) give
// undefined, leaving the file name to decide.
import zlib from 'node:zlib';
import { DEB_ARCHES, fromTable } from './fit.js';
import type { InstallerArch } from './types.js';

const AR_MAGIC = Buffer.from('!<arch>\n', 'latin1');
/** A gzip'd Debian control.tar is unpacked to at most this many bytes. */
const CONTROL_TAR_MAX = 1024 * 1024;

/** The architecture in a .deb's first bytes (all fits every host), if they say it. */
export async function debArch(b: Buffer): Promise<InstallerArch | undefined> {
  return fromTable(await debArchString(b), DEB_ARCHES, 'all', 'Debian control file');
}

async function debArchString(b: Buffer): Promise<string | undefined> {
  if (b.length < 8 + 60 || !b.subarray(0, 8).equals(AR_MAGIC)) return undefined;
  let at = 8;
  // debian-binary, then control.tar.*: only the first few members are looked at.
  for (let i = 0; i < 4 && at + 60 <= b.length; i++) {
    if (b[at + 58] !== 0x60 || b[at + 59] !== 0x0a) return undefined;
    const name = b
      .toString('latin1', at, at + 16)
      .trimEnd()
      .replace(/\/$/, '');
    const sizeText = b.toString('latin1', at + 48, at + 58).trim();
    if (!/^[0-9]{1,10}$/.test(sizeText)) return undefined;
    const size = Number(sizeText);
    const data = b.subarray(at + 60, Math.min(b.length, at + 60 + size));
    if (name.startsWith('control.tar')) {
      // .xz and .zst have no decoder here: the file name decides then.
      if (name === 'control.tar') return controlArch(data);
      if (name === 'control.tar.gz') return controlArch(await gunzipHead(data, CONTROL_TAR_MAX));
      return undefined;
    }
    at += 60 + size + (size % 2);
  }
  return undefined;
}

/** The first `max` bytes gzip data unpacks to (what it gives before an error or the end of a truncated input). */
function gunzipHead(data: Buffer, max: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const z = zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      z.destroy();
      resolve(Buffer.concat(chunks).subarray(0, max));
    };
    z.on('data', (c: Buffer) => {
      chunks.push(c);
      total += c.length;
      if (total >= max) finish();
    });
    z.on('end', finish);
    z.on('error', finish);
    z.on('close', finish);
    z.end(data);
  });
}

/** The Architecture field of the `./control` member of a tar. */
function controlArch(tar: Buffer): string | undefined {
  let at = 0;
  for (let i = 0; i < 64 && at + 512 <= tar.length; i++) {
    const h = tar.subarray(at, at + 512);
    if (!tarChecksumOk(h)) return undefined;
    const size = octal(h, 124, 12);
    if (size === undefined) return undefined;
    const ustar = h.toString('latin1', 257, 262) === 'ustar';
    const name = cString(h, 0, 100);
    const prefix = ustar ? cString(h, 345, 155) : '';
    const full = (prefix ? `${prefix}/${name}` : name).replace(/^\.\//, '');
    const type = h[156];
    if ((type === 0x30 || type === 0) && full === 'control') {
      const body = tar.subarray(at + 512, Math.min(tar.length, at + 512 + Math.min(size, 65536)));
      const m = /^Architecture:[ \t]*([A-Za-z0-9-]{1,32})[ \t]*$/im.exec(body.toString('latin1'));
      return m?.[1];
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

function tarChecksumOk(h: Buffer): boolean {
  const stated = octal(h, 148, 8);
  if (stated === undefined) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum === stated;
}

function octal(b: Buffer, at: number, len: number): number | undefined {
  const s = b
    .toString('latin1', at, at + len)
    .replace(/[\0 ]+$/, '')
    .trim();
  return /^[0-7]{1,12}$/.test(s) ? parseInt(s, 8) : undefined;
}

function cString(b: Buffer, at: number, len: number): string {
  const end = b.indexOf(0, at);
  return b.toString('utf8', at, end < 0 || end > at + len ? at + len : end);
}
