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
// below, not by file sizes. The parts: entries.ts (what goes in), format.ts (the records), lanes.ts
// (small files), stream.ts (large files), output.ts (the file and its hash).

import fs from 'node:fs';
import { errorText } from '../../errors.js';
import { plan, type ZipInput } from './entries.js';
import {
  type CentralRecord,
  centralDirectory,
  dataDescriptor,
  dosDateTime,
  type Entry,
  FLAG_DESCRIPTOR,
  FLAG_UTF8,
  localHeader,
  MAX_32,
  METHOD_DEFLATE,
  METHOD_STORE,
  type Stamp,
  ZipInputError,
  ZipLimitError,
} from './format.js';
import { type SmallResult, SmallFiles } from './lanes.js';
import { noop, Output, OutputError } from './output.js';
import { BufferRing, streamDeflated, streamStored } from './stream.js';
import { CHUNK, MAX_ARCHIVES, RING_BUFFERS } from './tuning.js';

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
  if (err instanceof OutputError || err instanceof ZipLimitError) return err;
  return new ZipInputError(
    e.name,
    `Cannot add ${e.absPath} to ${outPath} as ${e.name}: ${errorText(err)}`,
    err,
  );
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
  // 'wx': a name that is already there (a link put in its place) is never written through.
  const handle = await fs.promises.open(outPath, 'wx');
  const out = new Output(handle.fd, outPath);
  const small = new SmallFiles(entries, level);
  let ring: BufferRing | undefined;
  try {
    const records: CentralRecord[] = [];
    for (let i = 0; i < entries.length; i++) {
      small.pump();
      const e = entries[i]!;
      const offset = out.pos;
      if (offset >= MAX_32)
        throw new ZipLimitError('archive', 'The ZIP would reach 4 GiB, which needs ZIP64.');
      try {
        if (e.dir) records.push(writeDir(out, e, stamp, offset));
        else if (!e.streamed) records.push(writeSmall(out, e, stamp, offset, await small.take(i)));
        else {
          ring ??= new BufferRing(RING_BUFFERS, CHUNK);
          records.push(await writeStreamed(out, e, stamp, offset, ring, level));
        }
      } catch (err) {
        throw inputError(outPath, e, err);
      }
      await out.maybeFlush();
    }
    out.append(centralDirectory(records, stamp, out.pos));
    const sha256 = await out.finish();
    await handle.close();
    await small.stop();
    return { size: out.pos, sha256, entries: entries.length };
  } catch (err) {
    await small.stop();
    await out.settle();
    await handle.close().catch(noop);
    await fs.promises.rm(outPath, { force: true }).catch(noop);
    throw err;
  }
}

function record(
  e: Entry,
  flags: number,
  method: number,
  crc: number,
  csize: number,
  offset: number,
): CentralRecord {
  return { entry: e, flags, method, crc, csize, usize: e.size, offset };
}

function writeDir(out: Output, e: Entry, stamp: Stamp, offset: number): CentralRecord {
  out.append(localHeader(e, stamp, FLAG_UTF8, METHOD_STORE, 0, 0));
  return record(e, FLAG_UTF8, METHOD_STORE, 0, 0, offset);
}

/** A small file: its CRC and sizes are known, so the local header carries them. */
function writeSmall(out: Output, e: Entry, stamp: Stamp, offset: number, r: SmallResult): CentralRecord {
  out.append(localHeader(e, stamp, FLAG_UTF8, r.method, r.crc, r.data.length));
  out.append(r.data);
  return record(e, FLAG_UTF8, r.method, r.crc, r.data.length, offset);
}

/** A large file: deflated unless that does not pay (then rewound and stored), sizes in a data descriptor. */
async function writeStreamed(
  out: Output,
  e: Entry,
  stamp: Stamp,
  offset: number,
  ring: BufferRing,
  level: number,
): Promise<CentralRecord> {
  const flags = FLAG_UTF8 | FLAG_DESCRIPTOR;
  if (!e.store) {
    const m = await out.mark();
    out.append(localHeader(e, stamp, flags, METHOD_DEFLATE, 0, 0));
    const r = await streamDeflated(out, e, ring, level);
    if (r) {
      out.append(dataDescriptor(r.crc, r.csize, e.size));
      return record(e, flags, METHOD_DEFLATE, r.crc, r.csize, offset);
    }
    await out.rewind(m);
  }
  out.append(localHeader(e, stamp, flags, METHOD_STORE, 0, 0));
  const crc = await streamStored(out, e, ring);
  out.append(dataDescriptor(crc, e.size, e.size));
  return record(e, flags, METHOD_STORE, crc, e.size, offset);
}
