// Large files: read in fixed CHUNK-sized pieces, one read ahead, and either stored as they come or deflated
// as independent blocks, BLOCKS_AHEAD of them at once on the threadpool. Block boundaries never depend on
// I/O timing, so the bytes do not either.
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { Entry } from './format.js';
import { notRegular, OPEN_FLAGS, readFull } from './input.js';
import { noop, type Output } from './output.js';
import { BLOCK_OUT_CHUNK, BLOCKS_AHEAD, DICTIONARY_BYTES, PROBE_BYTES, PROBE_RATIO } from './tuning.js';

/** The streaming buffers of one archive, handed out and taken back. */
export class BufferRing {
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

export async function streamStored(out: Output, e: Entry, ring: BufferRing): Promise<number> {
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
export async function streamDeflated(
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
