// Deterministic, streaming ZIP writer for payload folders.
//
// Layout: entries sorted by the bytes of their UTF-8 names, every parent folder written explicitly,
// DOS timestamps only (no extra fields, no comments), Unix modes normalised to 0644/0755, UTF-8 flag
// set. No ZIP64: more than 65,535 entries, or any size or offset that does not fit in 32 bits, is an
// error.
//
// How the work is spread: files up to SMALL_MAX are read whole (synchronously: they are small and
// usually cached), CRC'd on the main thread and deflated by one of LANES reusable async zlib streams
// per archive, so the libuv threadpool compresses several entries at once; their local headers carry
// the real CRC and sizes. Larger files are read in fixed CHUNK-sized pieces that are deflated as
// independent blocks in parallel on the threadpool, and end with a data descriptor (general-purpose
// flag bit 3). The SHA-256 of the ZIP is computed from the bytes as they are appended; the output is
// written with large writev calls and never read back. Memory is bounded by the per-archive windows
// below, not by file sizes.
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';

export interface ZipInput {
  /** POSIX path relative to the payload root (no leading `/`, no `.` or `..` segments). */
  name: string;
  type: 'file' | 'dir';
  /** Where to read a file's bytes (required for files). */
  absPath?: string;
  /** Unix permission bits as found; only "any execute bit set" matters for files. */
  mode: number;
  /** Expected size in bytes; reading a different number of bytes is an error. */
  size: number;
}

export interface ZipOptions {
  /** The timestamp written for every entry (UTC, even seconds, 1980–2107). */
  mtime: Date;
  /** Deflate level, 0–9; default 6. */
  level?: number;
}

export interface ZipResult {
  size: number;
  /** Lowercase hex SHA-256 of the whole ZIP file. */
  sha256: string;
  entries: number;
}

// ---------------------------------------------------------------- tuning

const KiB = 1024;
const MiB = 1024 * KiB;
/** Files up to this size are read whole and compressed in one call; larger ones are streamed. */
const SMALL_MAX = 1 * MiB;
/**
 * Read size and deflate block size for streamed files. Reads always fill it, so block boundaries never
 * depend on I/O timing; like LANES and BLOCKS_AHEAD it is part of the output format (changing it changes
 * the bytes of deflated entries, never their content).
 */
const CHUNK = 1 * MiB;
/** Blocks of one streamed file that are compressed at the same time. */
const BLOCKS_AHEAD = 4;
/** Streaming buffers per archive: the blocks being compressed or written, plus one being read ahead. */
const RING_BUFFERS = BLOCKS_AHEAD + 2;
/** Each deflate block is primed with this much of the input before it (the deflate window). */
const DICTIONARY_BYTES = 32 * KiB;
/** Output buffer of a block's deflater: large enough for a whole block, so one threadpool job per block. */
const BLOCK_OUT_CHUNK = CHUNK + 64 * KiB;
/** The writer issues one writev once this much is queued. */
const FLUSH_BYTES = 2 * MiB;
/** Bytes of small files (per archive) that may be read or compressed ahead of the writer. */
const WINDOW_BYTES = 8 * MiB;
const WINDOW_ENTRIES = 1024;
/** A streamed file whose first PROBE_BYTES do not shrink below PROBE_RATIO is stored instead. */
const PROBE_BYTES = 4 * MiB;
const PROBE_RATIO = 0.97;
/** Small-file deflate streams per archive (a constant: the lane rule is part of the output format). */
const LANES = 4;
/** Archives written at the same time; more wait (see archiveSlot). */
const MAX_ARCHIVES = 4;
/** Output chunk size of a lane's deflater. */
const LANE_CHUNK = 64 * KiB;

// ---------------------------------------------------------------- ZIP format constants

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
const FLAG_DESCRIPTOR = 1 << 3;
const FLAG_UTF8 = 1 << 11;
const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const DOS_DIR = 0x10;
const MAX_ENTRIES = 0xffff;
/** 0xFFFFFFFF itself means "see ZIP64", so every 32-bit field must stay below it. */
const MAX_32 = 0xffffffff;

// ---------------------------------------------------------------- public helpers

/** 1980-02-01T00:00:00Z: clear of the 1980-01-01 edge, where a local-time reader can underflow the DOS epoch. */
const DEFAULT_EPOCH_SECONDS = Date.UTC(1980, 1, 1) / 1000;
const DOS_MIN_SECONDS = Date.UTC(1980, 0, 1) / 1000;
const DOS_MAX_SECONDS = Date.UTC(2107, 11, 31, 23, 59, 58) / 1000;

/**
 * The timestamp for every entry: `SOURCE_DATE_EPOCH` (integer seconds since 1970-01-01T00:00:00Z),
 * clamped to at least 1980-01-01 and rounded down to an even second; 1980-02-01T00:00:00Z when it is
 * unset or empty. Throws when it holds anything but digits, or a time after 2107.
 */
export function zipTimestamp(env: Record<string, string | undefined> = process.env): Date {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return new Date(DEFAULT_EPOCH_SECONDS * 1000);
  if (!/^[0-9]+$/.test(raw)) {
    throw new Error(
      `SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01T00:00:00Z (digits only), got ${JSON.stringify(raw)}.`,
    );
  }
  let seconds = Number(raw);
  if (!Number.isSafeInteger(seconds) || seconds > DOS_MAX_SECONDS) {
    throw new Error(
      `SOURCE_DATE_EPOCH=${raw} is after 2107-12-31, the last date a ZIP (DOS) timestamp can hold.`,
    );
  }
  seconds = Math.max(seconds, DOS_MIN_SECONDS);
  seconds -= seconds % 2;
  return new Date(seconds * 1000);
}

// Formats that are already compressed: deflating them costs CPU and saves next to nothing.
// Executables and libraries (.exe, .dll, .so, ELF binaries) are not listed: measured at level 6,
// Windows PE executables shrink to 45–57% of their size and ELF binaries to about 40%. A large one
// that does not shrink (a self-extracting installer) is caught by the probe in streamDeflated.
const STORED_EXTENSIONS = new Set(
  [
    // installers and packages
    'rpm deb msi msp msu msm cab msix msixbundle appx appxbundle nupkg snupkg pkg dmg apk aab ipa snap vsix whl egg crx xpi',
    // archives and compressed streams
    'zip jar war ear aar gz tgz bz2 tbz tbz2 xz txz lz tlz lzma lz4 lzo zst zstd tzst br 7z rar squashfs sqfs',
    // office documents (ZIP containers)
    'docx xlsx pptx odt ods odp',
    // images, audio, video, fonts
    'png jpg jpeg gif webp avif heic heif jxl mp3 mp4 m4a m4v aac ogg oga ogv opus flac webm mkv mov wmv wma woff woff2',
  ]
    .join(' ')
    .split(' '),
);

/** Whether an entry is stored as is (already-compressed formats) rather than deflated. */
export function shouldStore(name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return false;
  return STORED_EXTENSIONS.has(base.slice(dot + 1).toLowerCase());
}

// ---------------------------------------------------------------- planning

interface Entry {
  /** Entry name as written (folders end with `/`). */
  name: string;
  nameBuf: Buffer;
  dir: boolean;
  absPath: string;
  size: number;
  exec: boolean;
  store: boolean;
  streamed: boolean;
}

interface CentralRecord {
  entry: Entry;
  flags: number;
  method: number;
  crc: number;
  csize: number;
  usize: number;
  offset: number;
}

function badInput(name: string, why: string): Error {
  return new Error(`Cannot zip ${JSON.stringify(name)}: ${why}`);
}

function checkPath(raw: string, name: string): void {
  if (name === '') throw badInput(raw, 'the name is empty.');
  if (name.startsWith('/')) throw badInput(raw, 'the name must be relative to the payload root.');
  if (name.includes('\\') || name.includes('\0')) {
    throw badInput(raw, 'the name contains a backslash or a NUL character.');
  }
  for (const seg of name.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') {
      throw badInput(raw, 'the name has an empty, "." or ".." segment.');
    }
  }
  if (Buffer.from(name, 'utf8').toString('utf8') !== name) {
    throw badInput(raw, 'the name is not valid Unicode (lone surrogate).');
  }
}

function plan(inputs: readonly ZipInput[]): Entry[] {
  const byName = new Map<string, Entry>();
  const addDir = (path: string): void => {
    const name = `${path}/`;
    if (byName.has(name)) return;
    byName.set(name, {
      name,
      nameBuf: Buffer.from(name, 'utf8'),
      dir: true,
      absPath: '',
      size: 0,
      exec: true,
      store: true,
      streamed: false,
    });
  };
  const addParents = (path: string): void => {
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) addDir(path.slice(0, i));
  };
  for (const input of inputs) {
    if (input.type === 'dir') {
      const path = input.name.endsWith('/') ? input.name.slice(0, -1) : input.name;
      checkPath(input.name, path);
      addParents(path);
      addDir(path);
      continue;
    }
    if (input.type !== 'file') throw badInput(input.name, `unsupported entry type ${String(input.type)}.`);
    checkPath(input.name, input.name);
    if (!input.absPath) throw badInput(input.name, 'a file needs absPath.');
    if (!Number.isSafeInteger(input.size) || input.size < 0) {
      throw badInput(input.name, `size ${input.size} is not a byte count.`);
    }
    if (input.size >= MAX_32) {
      throw badInput(
        input.name,
        `it is ${input.size} bytes; files of 4 GiB or more need ZIP64, which is not written.`,
      );
    }
    if (byName.has(input.name)) throw badInput(input.name, 'the name is listed twice.');
    addParents(input.name);
    byName.set(input.name, {
      name: input.name,
      nameBuf: Buffer.from(input.name, 'utf8'),
      dir: false,
      absPath: input.absPath,
      size: input.size,
      exec: (input.mode & 0o111) !== 0,
      store: shouldStore(input.name),
      streamed: input.size > SMALL_MAX,
    });
  }
  for (const e of byName.values()) {
    if (!e.dir && byName.has(`${e.name}/`)) throw badInput(e.name, 'the name is both a file and a folder.');
    if (e.nameBuf.length > 0xffff) throw badInput(e.name, 'the name is longer than 65,535 bytes.');
  }
  if (byName.size > MAX_ENTRIES) {
    throw new Error(
      `Cannot zip ${byName.size} entries (files plus folders): more than 65,535 needs ZIP64, which is not written.`,
    );
  }
  return [...byName.values()].sort((a, b) => Buffer.compare(a.nameBuf, b.nameBuf));
}

function dosDateTime(mtime: Date): { date: number; time: number } {
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

// ---------------------------------------------------------------- records

interface Stamp {
  date: number;
  time: number;
}

function localHeader(e: Entry, s: Stamp, flags: number, method: number, crc: number, csize: number): Buffer {
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

function dataDescriptor(crc: number, csize: number, usize: number): Buffer {
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

function centralDirectory(records: readonly CentralRecord[], s: Stamp, cdOffset: number): Buffer {
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
    throw new Error('The ZIP would reach 4 GiB, which needs ZIP64.');
  b.writeUInt32LE(SIG_END, o);
  b.writeUInt16LE(records.length, o + 8);
  b.writeUInt16LE(records.length, o + 10);
  b.writeUInt32LE(cdSize, o + 12);
  b.writeUInt32LE(cdOffset, o + 16);
  return b;
}

// ---------------------------------------------------------------- output

/** Marks an error of the output file (as opposed to one of an input). */
class OutputError extends Error {}

interface Mark {
  pos: number;
  hash: Hash;
}

const noop = (): void => {};

function writevAt(fd: number, bufs: Buffer[], pos: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.writev(fd, bufs, pos, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

async function writeAll(fd: number, bufs: Buffer[], pos: number): Promise<void> {
  let rest = bufs;
  while (rest.length > 0) {
    const group = rest.length > 512 ? rest.slice(0, 512) : rest;
    let n = await writevAt(fd, group, pos);
    if (n <= 0) throw new Error('the file system accepted no bytes.');
    pos += n;
    let i = 0;
    while (i < group.length && n >= group[i]!.length) n -= group[i++]!.length;
    const partial = i < group.length && n > 0 ? [group[i]!.subarray(n)] : [];
    rest = [...partial, ...rest.slice(i + (partial.length > 0 ? 1 : 0))];
  }
}

/** Sequential output with a running SHA-256; at most one writev in flight, buffers released once written. */
class Output {
  pos = 0;
  private hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private releases: (() => void)[] = [];
  private writePos = 0;
  private writing: Promise<void> = Promise.resolve();

  private readonly fd: number;
  private readonly path: string;

  constructor(fd: number, path: string) {
    this.fd = fd;
    this.path = path;
  }

  append(buf: Buffer, release?: () => void): void {
    if (buf.length > 0) {
      this.hash.update(buf);
      this.pending.push(buf);
      this.pendingBytes += buf.length;
      this.pos += buf.length;
    }
    if (release) this.releases.push(release);
  }

  /** Starts a write once enough is queued; waits for the previous one first (backpressure). */
  async maybeFlush(): Promise<void> {
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    await this.writing;
    if (this.pending.length === 0 && this.releases.length === 0) return;
    const bufs = this.pending;
    const releases = this.releases;
    const at = this.writePos;
    this.writePos += this.pendingBytes;
    this.pending = [];
    this.releases = [];
    this.pendingBytes = 0;
    this.writing = writeAll(this.fd, bufs, at)
      .catch((err: unknown) => {
        throw new OutputError(`Cannot write ${this.path}: ${(err as Error).message}`, { cause: err });
      })
      .finally(() => {
        for (const r of releases) r();
      });
  }

  /** Remembers the current end (after writing what is queued), to come back to with `rewind`. */
  async mark(): Promise<Mark> {
    await this.flush();
    return { pos: this.pos, hash: this.hash.copy() };
  }

  /** Drops everything appended since `m`, bytes and hash alike. */
  async rewind(m: Mark): Promise<void> {
    await this.writing;
    for (const r of this.releases) r();
    this.pending = [];
    this.releases = [];
    this.pendingBytes = 0;
    this.pos = m.pos;
    this.writePos = m.pos;
    this.hash = m.hash.copy();
  }

  async finish(): Promise<string> {
    await this.flush();
    await this.writing;
    await new Promise<void>((resolve, reject) => {
      fs.ftruncate(this.fd, this.pos, (err) => {
        if (err) reject(new OutputError(`Cannot write ${this.path}: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
    return this.hash.digest('hex');
  }

  /** Waits for any write in flight, ignoring its outcome (before closing on an error). */
  async settle(): Promise<void> {
    await this.writing.catch(noop);
  }
}

// ---------------------------------------------------------------- streamed inputs

class BufferRing {
  private free: Buffer[] = [];
  private waiters: ((b: Buffer) => void)[] = [];

  constructor(count: number, size: number) {
    for (let i = 0; i < count; i++) this.free.push(Buffer.allocUnsafeSlow(size));
  }

  acquire(): Promise<Buffer> {
    const b = this.free.pop();
    return b ? Promise.resolve(b) : new Promise((resolve) => this.waiters.push(resolve));
  }

  release(b: Buffer): void {
    const w = this.waiters.shift();
    if (w) w(b);
    else this.free.push(b);
  }
}

function readAt(fd: number, buf: Buffer, off: number, len: number, pos: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, off, len, pos, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

/** Fills `buf` from `pos` unless the file ends first; returns the byte count. */
async function readFull(fd: number, buf: Buffer, pos: number): Promise<number> {
  let n = 0;
  while (n < buf.length) {
    const r = await readAt(fd, buf, n, buf.length - n, pos + n);
    if (r === 0) break;
    n += r;
  }
  return n;
}

interface Chunk {
  buf: Buffer;
  n: number;
}

/**
 * Reads a file in CHUNK pieces, one read ahead, and hands each piece to `consume`, which must release
 * the buffer (now or later). Returns CRC-32 and size; throws if the size differs from the expected one.
 * `consume` may return true to stop early.
 */
async function streamFile(
  e: Entry,
  ring: BufferRing,
  consume: (c: Chunk, crc: number, total: number) => Promise<boolean>,
): Promise<{ crc: number; total: number; stopped: boolean }> {
  const fd = await fs.promises.open(e.absPath, OPEN_FLAGS);
  let next: Promise<Chunk> | undefined;
  try {
    if (!(await fd.stat()).isFile()) throw notRegular();
    let pos = 0;
    const readNext = async (): Promise<Chunk> => {
      const buf = await ring.acquire();
      try {
        const n = await readFull(fd.fd, buf, pos);
        pos += n;
        return { buf, n };
      } catch (err) {
        ring.release(buf);
        throw err;
      }
    };
    let crc = 0;
    let total = 0;
    next = readNext();
    for (;;) {
      const c = await next;
      next = undefined;
      if (c.n === 0) {
        ring.release(c.buf);
        break;
      }
      total += c.n;
      if (total > e.size) {
        ring.release(c.buf);
        throw new Error(`it grew while being read (expected ${e.size} bytes).`);
      }
      next = readNext();
      next.catch(noop);
      crc = zlib.crc32(c.buf.subarray(0, c.n), crc);
      if (await consume(c, crc, total)) {
        return { crc, total, stopped: true };
      }
    }
    if (total !== e.size)
      throw new Error(`it shrank while being read (expected ${e.size} bytes, read ${total}).`);
    return { crc, total, stopped: false };
  } finally {
    if (next) {
      const c = await next.catch(() => undefined);
      if (c) ring.release(c.buf);
    }
    await fd.close();
  }
}

async function streamStored(out: Output, e: Entry, ring: BufferRing): Promise<number> {
  const r = await streamFile(e, ring, async (c) => {
    out.append(c.buf.subarray(0, c.n), () => ring.release(c.buf));
    await out.maybeFlush();
    return false;
  });
  return r.crc;
}

/**
 * Deflates one block of a streamed file as its own raw deflate stream, primed with the 32 KiB before
 * it as dictionary and ended with a sync flush (the last block with Z_FINISH): the blocks concatenate
 * into one valid deflate stream, and each depends only on its bytes and the 32 KiB before them.
 */
function deflateBlock(
  data: Buffer,
  level: number,
  dictionary: Buffer | undefined,
  last: boolean,
): Promise<Buffer> {
  const opts: zlib.ZlibOptions = {
    level,
    chunkSize: BLOCK_OUT_CHUNK,
    finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
  };
  if (dictionary) opts.dictionary = dictionary;
  return new Promise((resolve, reject) => {
    zlib.deflateRaw(data, opts, (err, z) => (err ? reject(err) : resolve(z)));
  });
}

/**
 * Deflates a big file in CHUNK-sized blocks, BLOCKS_AHEAD of them compressing at once on the
 * threadpool, so one large file keeps every core busy. Block boundaries are fixed, so the bytes do not
 * depend on timing. Returns undefined when storing is smaller (what was appended is then to be dropped).
 */
async function streamDeflated(
  out: Output,
  e: Entry,
  ring: BufferRing,
  level: number,
): Promise<{ crc: number; csize: number } | undefined> {
  const pending: { buf: Buffer; n: number; z: Promise<Buffer> }[] = [];
  let csize = 0;
  let appended = 0;
  let probed = false;
  let dictionary: Buffer | undefined;
  const appendOldest = async (): Promise<void> => {
    const b = pending.shift()!;
    try {
      const z = await b.z;
      out.append(z);
      csize += z.length;
      appended += b.n;
    } finally {
      ring.release(b.buf);
    }
    await out.maybeFlush();
  };
  try {
    const r = await streamFile(e, ring, async (c, _crc, total) => {
      const data = c.buf.subarray(0, c.n);
      // A file that turns out longer or shorter fails in streamFile, so "last" can go by the size.
      const z = deflateBlock(data, level, dictionary, total === e.size);
      z.catch(noop);
      pending.push({ buf: c.buf, n: c.n, z });
      dictionary = Buffer.from(data.subarray(Math.max(0, c.n - DICTIONARY_BYTES)));
      while (pending.length >= BLOCKS_AHEAD) await appendOldest();
      if (!probed && appended >= PROBE_BYTES) {
        probed = true;
        return csize >= appended * PROBE_RATIO;
      }
      return false;
    });
    if (r.stopped) return undefined;
    while (pending.length > 0) await appendOldest();
    return csize < e.size ? { crc: r.crc, csize } : undefined;
  } finally {
    // After a failure or the probe: let the blocks still compressing finish before their buffers are reused.
    for (const b of pending.splice(0)) {
      await b.z.catch(noop);
      ring.release(b.buf);
    }
  }
}

// ---------------------------------------------------------------- lanes (small files)

interface SmallResult {
  crc: number;
  method: number;
  data: Buffer;
}

/** O_NONBLOCK: opening a FIFO must not hang (it is then refused as not a regular file). */
const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

function notRegular(): Error {
  return new Error('it is not a regular file.');
}

/** Reads up to `buf.length` bytes of a regular file from its start; returns the byte count. */
function readSmall(path: string, buf: Buffer): number {
  const fd = fs.openSync(path, OPEN_FLAGS);
  try {
    if (!fs.fstatSync(fd).isFile()) throw notRegular();
    let n = 0;
    while (n < buf.length) {
      const r = fs.readSync(fd, buf, n, buf.length - n, n);
      if (r === 0) break;
      n += r;
    }
    return n;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * One zlib deflate stream that compresses small entries one after the other, reset between them.
 * A reset stream still holds the previous entry's bytes in its window, and zlib's match search may
 * look at them at the very end of the input, so an entry's compressed bytes can depend on the
 * entries the same lane compressed before it. Entries are therefore dealt to lanes by a fixed rule
 * (position among the archive's small entries, modulo LANES) and each lane works through its share
 * in order: the result depends only on the inputs, never on timing or on the number of CPUs.
 */
class Lane {
  private readonly deflater: zlib.DeflateRaw;
  private readonly level: number;
  private chunks: Buffer[] = [];
  /** Two input buffers: the next entry is read while the current one is compressed. */
  private readonly buffers = [Buffer.allocUnsafeSlow(64 * KiB), Buffer.allocUnsafeSlow(64 * KiB)];
  private readonly bufferFree: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];
  private turn = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(level: number) {
    this.level = level;
    // Every write is a whole entry, finished with Z_FINISH, after which the stream is reset.
    this.deflater = zlib.createDeflateRaw({ level, chunkSize: LANE_CHUNK, flush: zlib.constants.Z_FINISH });
    this.deflater.on('data', (c: Buffer) => this.chunks.push(c));
    this.deflater.on('error', noop); // reported to the pending write
  }

  /** Queues an entry behind the lane's earlier ones. */
  run(e: Entry): Promise<SmallResult> {
    const slot = this.turn++ % 2;
    const read = this.bufferFree[slot]!.then(() => this.read(slot, e));
    read.catch(noop);
    const result = this.tail.then(() => read).then((r) => this.compress(e, r.raw, r.crc));
    this.tail = result.catch(noop);
    this.bufferFree[slot] = this.tail;
    return result;
  }

  /** Skips the queued entries, waits for the ones in progress and frees the deflater. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.tail;
    this.deflater.close();
  }

  private async read(slot: number, e: Entry): Promise<{ raw: Buffer; crc: number }> {
    if (this.stopped) throw new Error('cancelled');
    let buf = this.buffers[slot]!;
    if (buf.length < e.size + 1) {
      buf = Buffer.allocUnsafeSlow(Math.max(e.size + 1, buf.length * 2));
      this.buffers[slot] = buf;
    }
    // Small files are read synchronously: for files in the page cache, open/read/close cost less
    // than three threadpool round trips, which would also queue behind the lanes' deflate jobs.
    // Ask for one byte more than expected, to notice a file that grew.
    const n = readSmall(e.absPath, buf.subarray(0, e.size + 1));
    if (n > e.size) throw new Error(`it grew while being read (expected ${e.size} bytes).`);
    if (n < e.size) throw new Error(`it shrank while being read (expected ${e.size} bytes, read ${n}).`);
    const raw = buf.subarray(0, n);
    return { raw, crc: zlib.crc32(raw) };
  }

  private async compress(e: Entry, raw: Buffer, crc: number): Promise<SmallResult> {
    if (!e.store && raw.length > 0 && this.level > 0) {
      const z = await this.deflate(raw);
      if (z.length < raw.length) return { crc, method: METHOD_DEFLATE, data: z };
    }
    // The input buffer is reused for a later entry: copy.
    return { crc, method: METHOD_STORE, data: Buffer.from(raw) };
  }

  private deflate(raw: Buffer): Promise<Buffer> {
    const d = this.deflater;
    return new Promise((resolve, reject) => {
      d.write(raw, (err) => {
        if (err) {
          reject(err);
          return;
        }
        // zlib pushes an entry's output before the write completes; take anything still buffered too.
        while (d.readableLength > 0 && d.read() !== null);
        const out = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
        this.chunks = [];
        d.reset();
        resolve(out);
      });
    });
  }
}

// ---------------------------------------------------------------- writeZip

// Archives written at once (the rest wait their turn): a few keep every core busy, and memory then
// stays bounded however many payloads a caller hands over together.
let activeArchives = 0;
const waitingArchives: (() => void)[] = [];

async function archiveSlot(): Promise<() => void> {
  if (activeArchives < MAX_ARCHIVES) activeArchives++;
  else await new Promise<void>((resolve) => waitingArchives.push(resolve));
  let released = false;
  return () => {
    if (released) return;
    released = true;
    // A waiting archive takes the slot over; otherwise it is freed.
    const next = waitingArchives.shift();
    if (next) next();
    else activeArchives--;
  };
}

function inputError(outPath: string, e: Entry, err: unknown): Error {
  if (err instanceof OutputError) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new Error(`Cannot add ${e.absPath} to ${outPath} as ${e.name}: ${why}`, { cause: err });
}

/**
 * Writes a deterministic ZIP of `inputs` to `outPath` and returns its size and SHA-256. Same names,
 * bytes and modes give the same ZIP, whatever the input order, file times, umask or time zone.
 * On failure the partial file is removed and the error names the input that caused it.
 */
export async function writeZip(
  outPath: string,
  inputs: readonly ZipInput[],
  opts: ZipOptions,
): Promise<ZipResult> {
  const entries = plan(inputs);
  const stamp = dosDateTime(opts.mtime);
  const level = opts.level ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9)
    throw new Error(`Deflate level ${level} is not 0–9.`);

  const release = await archiveSlot();
  try {
    return await write(outPath, entries, stamp, level);
  } finally {
    release();
  }
}

async function write(
  outPath: string,
  entries: readonly Entry[],
  stamp: Stamp,
  level: number,
): Promise<ZipResult> {
  const handle = await fs.promises.open(outPath, 'w');
  const out = new Output(handle.fd, outPath);
  const results: (Promise<SmallResult> | undefined)[] = new Array(entries.length);
  let ring: BufferRing | undefined;
  let ahead = 0;
  let aheadBytes = 0;
  let nextJob = 0;
  let smallCount = 0;
  const lanes: Lane[] = [];
  const pump = (): void => {
    while (nextJob < entries.length && ahead < WINDOW_ENTRIES && (aheadBytes < WINDOW_BYTES || ahead === 0)) {
      const e = entries[nextJob]!;
      if (!e.dir && !e.streamed) {
        const k = smallCount++ % LANES;
        lanes[k] ??= new Lane(level);
        const p = lanes[k].run(e);
        p.catch(noop);
        results[nextJob] = p;
        ahead++;
        aheadBytes += e.size;
      }
      nextJob++;
    }
  };

  try {
    const records: CentralRecord[] = [];
    for (let i = 0; i < entries.length; i++) {
      pump();
      const e = entries[i]!;
      const offset = out.pos;
      if (offset >= MAX_32) throw new Error('The ZIP would reach 4 GiB, which needs ZIP64.');
      try {
        if (e.dir) {
          out.append(localHeader(e, stamp, FLAG_UTF8, METHOD_STORE, 0, 0));
          records.push({
            entry: e,
            flags: FLAG_UTF8,
            method: METHOD_STORE,
            crc: 0,
            csize: 0,
            usize: 0,
            offset,
          });
        } else if (!e.streamed) {
          const r = await results[i]!;
          results[i] = undefined;
          ahead--;
          aheadBytes -= e.size;
          out.append(localHeader(e, stamp, FLAG_UTF8, r.method, r.crc, r.data.length));
          out.append(r.data);
          records.push({
            entry: e,
            flags: FLAG_UTF8,
            method: r.method,
            crc: r.crc,
            csize: r.data.length,
            usize: e.size,
            offset,
          });
        } else {
          ring ??= new BufferRing(RING_BUFFERS, CHUNK);
          const flags = FLAG_UTF8 | FLAG_DESCRIPTOR;
          let done = false;
          if (!e.store) {
            const m = await out.mark();
            out.append(localHeader(e, stamp, flags, METHOD_DEFLATE, 0, 0));
            const r = await streamDeflated(out, e, ring, level);
            if (r) {
              out.append(dataDescriptor(r.crc, r.csize, e.size));
              records.push({
                entry: e,
                flags,
                method: METHOD_DEFLATE,
                crc: r.crc,
                csize: r.csize,
                usize: e.size,
                offset,
              });
              done = true;
            } else {
              await out.rewind(m);
            }
          }
          if (!done) {
            out.append(localHeader(e, stamp, flags, METHOD_STORE, 0, 0));
            const crc = await streamStored(out, e, ring);
            out.append(dataDescriptor(crc, e.size, e.size));
            records.push({
              entry: e,
              flags,
              method: METHOD_STORE,
              crc,
              csize: e.size,
              usize: e.size,
              offset,
            });
          }
        }
      } catch (err) {
        throw inputError(outPath, e, err);
      }
      await out.maybeFlush();
    }
    const cdOffset = out.pos;
    out.append(centralDirectory(records, stamp, cdOffset));
    const sha256 = await out.finish();
    await handle.close();
    await Promise.all(lanes.map((l) => l.stop()));
    return { size: out.pos, sha256, entries: entries.length };
  } catch (err) {
    await Promise.all(lanes.map((l) => l.stop()));
    await out.settle();
    await handle.close().catch(noop);
    await fs.promises.rm(outPath, { force: true }).catch(noop);
    throw err;
  }
}
