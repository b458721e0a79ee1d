// The output file: bytes appended in order, hashed (SHA-256) as they are appended, written with large
// writev calls, at most one in flight, and never read back.
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { errorText } from '../../errors.js';
import { FLUSH_BYTES } from './tuning.js';

/** Marks an error of the output file (as opposed to one of an input). */
export class OutputError extends Error {}

export interface Mark {
  pos: number;
  hash: Hash;
}

export const noop = (): void => {};

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
export class Output {
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
        throw new OutputError(`Cannot write ${this.path}: ${errorText(err)}`, { cause: err });
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
