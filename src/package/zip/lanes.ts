// Small files: read whole and deflated by one of LANES reusable zlib streams per archive, so that the
// threadpool compresses several entries at once.
import zlib from 'node:zlib';
import { type Entry, METHOD_DEFLATE, METHOD_STORE } from './format.js';
import { readSmall } from './input.js';
import { noop } from './output.js';
import { KiB, LANE_CHUNK, LANES, WINDOW_BYTES, WINDOW_ENTRIES } from './tuning.js';

/** A small entry's data as it goes into the ZIP. */
export interface SmallResult {
  crc: number;
  method: number;
  data: Buffer;
}

/**
 * One zlib deflate stream that compresses small entries one after the other, reset between them.
 * A reset stream still holds the previous entry's bytes in its window, and zlib's match search may
 * look at them at the very end of the input, so an entry's compressed bytes can depend on the
 * entries the same lane compressed before it. Entries are therefore dealt to lanes by a fixed rule
 * (position among the archive's small entries, modulo LANES) and each lane works through its share
 * in order: the result depends only on the inputs, never on timing or on the number of CPUs.
 */
export class Lane {
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

/**
 * The small entries of one archive, dealt to the lanes by their position (modulo LANES) and read and
 * compressed ahead of the writer, at most WINDOW_ENTRIES entries and WINDOW_BYTES bytes ahead.
 */
export class SmallFiles {
  private readonly entries: readonly Entry[];
  private readonly level: number;
  private readonly lanes: Lane[] = [];
  private readonly results: (Promise<SmallResult> | undefined)[];
  private ahead = 0;
  private aheadBytes = 0;
  private nextJob = 0;
  private smallCount = 0;

  constructor(entries: readonly Entry[], level: number) {
    this.entries = entries;
    this.level = level;
    this.results = new Array(entries.length);
  }

  /** Starts the entries that fit in the window. */
  pump(): void {
    const { entries } = this;
    while (
      this.nextJob < entries.length &&
      this.ahead < WINDOW_ENTRIES &&
      (this.aheadBytes < WINDOW_BYTES || this.ahead === 0)
    ) {
      const e = entries[this.nextJob]!;
      if (!e.dir && !e.streamed) {
        const k = this.smallCount++ % LANES;
        this.lanes[k] ??= new Lane(this.level);
        const p = this.lanes[k].run(e);
        p.catch(noop);
        this.results[this.nextJob] = p;
        this.ahead++;
        this.aheadBytes += e.size;
      }
      this.nextJob++;
    }
  }

  /** The data of small entry `i`, once ready; the window moves on. */
  async take(i: number): Promise<SmallResult> {
    const r = await this.results[i]!;
    this.results[i] = undefined;
    this.ahead--;
    this.aheadBytes -= this.entries[i]!.size;
    return r;
  }

  /** Stops every lane (skipping what is queued) and frees its deflater. */
  async stop(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.stop()));
  }
}
