// A tiny ZIP writer for hostile archives: every field can be set to a lie (sizes, names, offsets, flags,
// counts), the central directory can disagree with the local headers, and ZIP64 records can be added.
// APPNOTE.TXT 4.3: local header, data, central directory, [ZIP64 end record + locator], end record.
import { crc32, deflateRawSync } from 'node:zlib';

export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;
export const S_IFIFO = 0o010000;
const FLAG_UTF8 = 1 << 11;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;

/** Fields as written; each may be overridden in the local header or the central directory only. */
interface Fields {
  name: Buffer;
  flags: number;
  method: number;
  crc: number;
  csize: number;
  usize: number;
}

export interface ZipEntrySpec {
  name: string | Buffer;
  /** Uncompressed content (default empty). */
  data?: string | Buffer;
  /** 0 store, 8 deflate (default: deflate when there is data), anything else as given. */
  method?: number;
  /** General purpose flags (default: UTF-8 names). */
  flags?: number;
  /** Unix mode with its type bits (default 0o100644; a name ending in / gets 0o040755). */
  mode?: number;
  /** The bytes stored instead of the compressed data (e.g. a corrupt deflate stream). */
  body?: Buffer;
  /** Overrides in both headers. */
  both?: Partial<Fields>;
  /** Overrides in the local header only. */
  local?: Partial<Fields>;
  /** Overrides in the central directory only; `offset` points the entry at any local header. */
  central?: Partial<Fields> & { offset?: number };
}

export interface ZipOptions {
  /** Write ZIP64 extra fields, the ZIP64 end record and locator (sizes and counts as 0xFFFF/0xFFFFFFFF). */
  zip64?: boolean;
  /** Entry count written in the end record (default: the real count). */
  count?: number;
  /** Archive comment (at most 65,535 bytes). */
  comment?: Buffer;
  /** Bytes before the first local header (a self-extractor stub). */
  prefix?: Buffer;
}

const buf = (s: string | Buffer) => (Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8'));

function fieldsOf(e: ZipEntrySpec): { f: Fields; body: Buffer } {
  const data = buf(e.data ?? '');
  const method = e.method ?? (data.length > 0 ? 8 : 0);
  const packed = method === 8 ? deflateRawSync(data) : data;
  const body = e.body ?? packed;
  const f: Fields = {
    name: buf(e.name),
    flags: e.flags ?? FLAG_UTF8,
    method,
    crc: crc32(data),
    csize: body.length,
    usize: data.length,
  };
  return { f: { ...f, ...e.both }, body };
}

function zip64Extra(f: Fields, offset?: number): Buffer {
  const parts = [f.usize, f.csize, ...(offset === undefined ? [] : [offset])];
  const b = Buffer.alloc(4 + parts.length * 8);
  b.writeUInt16LE(0x0001, 0);
  b.writeUInt16LE(parts.length * 8, 2);
  parts.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 4 + i * 8));
  return b;
}

function localHeader(f: Fields, zip64: boolean): Buffer {
  const extra = zip64 ? zip64Extra(f) : Buffer.alloc(0);
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(zip64 ? 45 : 20, 4);
  h.writeUInt16LE(f.flags, 6);
  h.writeUInt16LE(f.method & MAX16, 8);
  h.writeUInt32LE(0x2100, 10); // 04:08:00, 1980-01-01 + one month
  h.writeUInt32LE(f.crc >>> 0, 14);
  h.writeUInt32LE(zip64 ? MAX32 : f.csize >>> 0, 18);
  h.writeUInt32LE(zip64 ? MAX32 : f.usize >>> 0, 22);
  h.writeUInt16LE(f.name.length, 26);
  h.writeUInt16LE(extra.length, 28);
  return Buffer.concat([h, f.name, extra]);
}

function centralHeader(f: Fields, mode: number, offset: number, zip64: boolean): Buffer {
  const extra = zip64 ? zip64Extra(f, offset) : Buffer.alloc(0);
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE((3 << 8) | (zip64 ? 45 : 20), 4);
  h.writeUInt16LE(zip64 ? 45 : 20, 6);
  h.writeUInt16LE(f.flags, 8);
  h.writeUInt16LE(f.method & MAX16, 10);
  h.writeUInt32LE(0x2100, 12);
  h.writeUInt32LE(f.crc >>> 0, 16);
  h.writeUInt32LE(zip64 ? MAX32 : f.csize >>> 0, 20);
  h.writeUInt32LE(zip64 ? MAX32 : f.usize >>> 0, 24);
  h.writeUInt16LE(f.name.length, 28);
  h.writeUInt16LE(extra.length, 30);
  h.writeUInt32LE(((mode & 0xffff) << 16) >>> 0, 38);
  h.writeUInt32LE(zip64 ? MAX32 : offset >>> 0, 42);
  return Buffer.concat([h, f.name, extra]);
}

function endRecords(count: number, cdSize: number, cdOffset: number, o: ZipOptions): Buffer {
  const out: Buffer[] = [];
  if (o.zip64) {
    const r = Buffer.alloc(56);
    r.writeUInt32LE(0x06064b50, 0);
    r.writeBigUInt64LE(44n, 4);
    r.writeUInt16LE(45, 12);
    r.writeUInt16LE(45, 14);
    r.writeBigUInt64LE(BigInt(count), 24);
    r.writeBigUInt64LE(BigInt(count), 32);
    r.writeBigUInt64LE(BigInt(cdSize), 40);
    r.writeBigUInt64LE(BigInt(cdOffset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
    loc.writeUInt32LE(1, 16);
    out.push(r, loc);
  }
  const comment = o.comment ?? Buffer.alloc(0);
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  const n = o.zip64 ? MAX16 : Math.min(count, MAX16);
  e.writeUInt16LE(n, 8);
  e.writeUInt16LE(n, 10);
  e.writeUInt32LE(o.zip64 ? MAX32 : cdSize, 12);
  e.writeUInt32LE(o.zip64 ? MAX32 : cdOffset, 16);
  e.writeUInt16LE(comment.length, 20);
  out.push(e, comment);
  return Buffer.concat(out);
}

/** The archive's bytes. */
export function makeZip(entries: readonly ZipEntrySpec[], o: ZipOptions = {}): Buffer {
  const parts: Buffer[] = [o.prefix ?? Buffer.alloc(0)];
  let offset = parts[0]!.length;
  const central: Buffer[] = [];
  for (const e of entries) {
    const { f, body } = fieldsOf(e);
    const here = offset;
    const lh = localHeader({ ...f, ...e.local }, o.zip64 === true);
    parts.push(lh, body);
    offset += lh.length + body.length;
    const dir = buf(e.name).at(-1) === 0x2f;
    const mode = e.mode ?? (dir ? S_IFDIR | 0o755 : S_IFREG | 0o644);
    const { offset: at, ...cd } = e.central ?? {};
    central.push(centralHeader({ ...f, ...cd }, mode, at ?? here, o.zip64 === true));
  }
  const cd = Buffer.concat(central);
  return Buffer.concat([...parts, cd, endRecords(o.count ?? entries.length, cd.length, offset, o)]);
}

export const SH_OK = '#!/bin/sh\nset -eu\necho ok\n';

/** install.sh and uninstall.sh at the root, plus `extra` entries. */
export function scriptsZip(extra: readonly ZipEntrySpec[] = [], o: ZipOptions = {}): Buffer {
  return makeZip(
    [
      { name: 'install.sh', data: SH_OK, mode: S_IFREG | 0o755 },
      { name: 'uninstall.sh', data: SH_OK, mode: S_IFREG | 0o755 },
      ...extra,
    ],
    o,
  );
}
