// The ZIP format as this writer uses it: DOS timestamps only, no extra fields, no comments, Unix modes,
// the UTF-8 flag, no ZIP64 (APPNOTE.TXT 4.3: local header, data descriptor, central directory, end record).

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_DESCRIPTOR = 0x08074b50;
const SIG_END = 0x06054b50;
const LOCAL_LEN = 30;
const CENTRAL_LEN = 46;
const DESCRIPTOR_LEN = 16;
const END_LEN = 22;
/** Version made by: high byte 3 = Unix (so readers honour the mode bits), low byte 20 = spec 2.0. */
const MADE_BY = (3 << 8) | 20;
const VERSION_NEEDED = 20;
export const FLAG_DESCRIPTOR = 1 << 3;
export const FLAG_UTF8 = 1 << 11;
export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const DOS_DIR = 0x10;
export const MAX_ENTRIES = 0xffff;
/** 0xFFFFFFFF itself means "see ZIP64", so every 32-bit field must stay below it. */
export const MAX_32 = 0xffffffff;

/** What this ZIP format cannot hold without ZIP64: too many entries, a file or the archive of 4 GiB or more. */
export class ZipLimitError extends Error {
  readonly what: 'entries' | 'file' | 'archive';
  constructor(what: 'entries' | 'file' | 'archive', message: string) {
    super(message);
    this.what = what;
  }
}

/** An input file that could not be read; `input` is its entry name. */
export class ZipInputError extends Error {
  readonly input: string;
  constructor(input: string, message: string, cause: unknown) {
    super(message, { cause });
    this.input = input;
  }
}

/** One entry as planned: its name, where its bytes come from, and how they are written. */
export interface Entry {
  /** Entry name as written (folders end with `/`). */
  name: string;
  nameBuf: Buffer;
  dir: boolean;
  absPath: string;
  size: number;
  exec: boolean;
  /** Stored as is (an already-compressed format), not deflated. */
  store: boolean;
  /** Read in CHUNK pieces and written with a data descriptor, rather than read whole. */
  streamed: boolean;
}

/** What the central directory says about an entry once its data is written. */
export interface CentralRecord {
  entry: Entry;
  flags: number;
  method: number;
  crc: number;
  csize: number;
  usize: number;
  offset: number;
}

/** A DOS date and time, as two 16-bit fields. */
export interface Stamp {
  date: number;
  time: number;
}

export function dosDateTime(mtime: Date): Stamp {
  const ms = mtime.getTime();
  if (!Number.isFinite(ms)) throw new Error('ZipOptions.mtime is not a valid date.');
  const y = mtime.getUTCFullYear();
  if (y < 1980 || y > 2107) {
    throw new Error(
      `ZipOptions.mtime ${mtime.toISOString()} is outside 1980–2107, the range of a ZIP (DOS) timestamp.`,
    );
  }
  return {
    date: ((y - 1980) << 9) | ((mtime.getUTCMonth() + 1) << 5) | mtime.getUTCDate(),
    time: (mtime.getUTCHours() << 11) | (mtime.getUTCMinutes() << 5) | (mtime.getUTCSeconds() >> 1),
  };
}

export function localHeader(
  e: Entry,
  s: Stamp,
  flags: number,
  method: number,
  crc: number,
  csize: number,
): Buffer {
  const b = Buffer.allocUnsafe(LOCAL_LEN + e.nameBuf.length);
  b.writeUInt32LE(SIG_LOCAL, 0);
  b.writeUInt16LE(VERSION_NEEDED, 4);
  b.writeUInt16LE(flags, 6);
  b.writeUInt16LE(method, 8);
  b.writeUInt16LE(s.time, 10);
  b.writeUInt16LE(s.date, 12);
  // With a data descriptor the CRC and sizes follow the data instead.
  const known = (flags & FLAG_DESCRIPTOR) === 0;
  b.writeUInt32LE(known ? crc : 0, 14);
  b.writeUInt32LE(known ? csize : 0, 18);
  b.writeUInt32LE(known ? e.size : 0, 22);
  b.writeUInt16LE(e.nameBuf.length, 26);
  b.writeUInt16LE(0, 28);
  e.nameBuf.copy(b, LOCAL_LEN);
  return b;
}

export function dataDescriptor(crc: number, csize: number, usize: number): Buffer {
  const b = Buffer.allocUnsafe(DESCRIPTOR_LEN);
  b.writeUInt32LE(SIG_DESCRIPTOR, 0);
  b.writeUInt32LE(crc, 4);
  b.writeUInt32LE(csize, 8);
  b.writeUInt32LE(usize, 12);
  return b;
}

function externalAttributes(e: Entry): number {
  if (e.dir) return (((S_IFDIR | 0o755) << 16) | DOS_DIR) >>> 0;
  return ((S_IFREG | (e.exec ? 0o755 : 0o644)) << 16) >>> 0;
}

export function centralDirectory(records: readonly CentralRecord[], s: Stamp, cdOffset: number): Buffer {
  let len = END_LEN;
  for (const r of records) len += CENTRAL_LEN + r.entry.nameBuf.length;
  const b = Buffer.alloc(len);
  let o = 0;
  for (const r of records) {
    b.writeUInt32LE(SIG_CENTRAL, o);
    b.writeUInt16LE(MADE_BY, o + 4);
    b.writeUInt16LE(VERSION_NEEDED, o + 6);
    b.writeUInt16LE(r.flags, o + 8);
    b.writeUInt16LE(r.method, o + 10);
    b.writeUInt16LE(s.time, o + 12);
    b.writeUInt16LE(s.date, o + 14);
    b.writeUInt32LE(r.crc, o + 16);
    b.writeUInt32LE(r.csize, o + 20);
    b.writeUInt32LE(r.usize, o + 24);
    b.writeUInt16LE(r.entry.nameBuf.length, o + 28);
    // extra length, comment length, disk number start, internal attributes: all 0 (Buffer.alloc)
    b.writeUInt32LE(externalAttributes(r.entry), o + 38);
    b.writeUInt32LE(r.offset, o + 42);
    r.entry.nameBuf.copy(b, o + CENTRAL_LEN);
    o += CENTRAL_LEN + r.entry.nameBuf.length;
  }
  const cdSize = o;
  if (cdOffset >= MAX_32 || cdSize >= MAX_32)
    throw new ZipLimitError('archive', 'The ZIP would reach 4 GiB, which needs ZIP64.');
  b.writeUInt32LE(SIG_END, o);
  b.writeUInt16LE(records.length, o + 8);
  b.writeUInt16LE(records.length, o + 10);
  b.writeUInt32LE(cdSize, o + 12);
  b.writeUInt32LE(cdOffset, o + 16);
  return b;
}
