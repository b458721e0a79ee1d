// The OLE compound file (CFB) an MSI is: a 512-byte header, sectors of 512 or 4096 bytes chained by the FAT,
// a directory of 128-byte entries, and small streams in 64-byte mini sectors inside the root entry's data,
// chained by the mini FAT. Only the prefix held in memory is read: the FAT sectors the header itself lists,
// chains followed to a capped length with loops refused, and a directory read in part when it runs on.
import { INSTALLER_READ_BYTES } from './types.js';

const CFB_MAGIC = Buffer.from('d0cf11e0a1b11ae1', 'hex');
const END_OF_CHAIN = 0xfffffffe;
/** Sectors of one chain followed at most (the prefix holds at most 128 of 512 bytes). */
const MAX_CHAIN = 256;

interface DirEntry {
  start: number;
  size: number;
}

class Cfb {
  private readonly shift: number;
  private readonly difat: number[] = [];

  constructor(private readonly b: Buffer) {
    this.shift = b.readUInt16LE(0x1e);
    for (let i = 0; i < 109; i++) this.difat.push(b.readUInt32LE(0x4c + i * 4));
  }

  /** The byte range of sector `n`, when it lies inside the buffer. */
  private sector(n: number): [number, number] | undefined {
    if (n >= 0xfffffffa) return undefined;
    const start = (n + 1) * 2 ** this.shift;
    const end = start + 2 ** this.shift;
    return end <= this.b.length ? [start, end] : undefined;
  }

  /** The FAT entry of sector `n` (only the FAT sectors the header lists and the buffer holds). */
  private next(n: number): number | undefined {
    const perSector = 2 ** (this.shift - 2);
    const fatSector = this.difat[Math.floor(n / perSector)];
    if (fatSector === undefined) return undefined;
    const s = this.sector(fatSector);
    return s ? this.b.readUInt32LE(s[0] + (n % perSector) * 4) : undefined;
  }

  /**
   * The first `max` bytes of the chain starting at sector `start`. Where the chain leaves the buffer (or the
   * FAT that maps it does), the bytes so far with `partial`, else undefined.
   */
  chain(start: number, max: number, partial = false): Buffer | undefined {
    const parts: Buffer[] = [];
    const seen = new Set<number>();
    let total = 0;
    for (let n = start; n !== END_OF_CHAIN && total < max;) {
      if (seen.has(n) || seen.size >= MAX_CHAIN) return undefined;
      seen.add(n);
      const r = this.sector(n);
      const following = r ? this.next(n) : undefined;
      if (!r || following === undefined) {
        if (r) parts.push(this.b.subarray(r[0], r[1]));
        return partial ? Buffer.concat(parts) : undefined;
      }
      parts.push(this.b.subarray(r[0], r[1]));
      total += r[1] - r[0];
      n = following;
    }
    return Buffer.concat(parts).subarray(0, max);
  }
}

/**
 * The stream `name` (a storage-level stream entry) of the compound file in `b`, when its declared size is
 * between `min` and `max` and all its bytes are in `b`; undefined otherwise.
 */
export function cfbStream(b: Buffer, name: string, min: number, max: number): Buffer | undefined {
  if (b.length < 512 || !b.subarray(0, 8).equals(CFB_MAGIC)) return undefined;
  if (b.readUInt16LE(0x1c) !== 0xfffe) return undefined;
  const shift = b.readUInt16LE(0x1e);
  if ((shift !== 9 && shift !== 12) || b.readUInt16LE(0x20) !== 6) return undefined;
  const cfb = new Cfb(b);
  // The directory may be read in part: the root entry comes first, and the stream's entry is looked for in
  // what the prefix holds.
  const dir = cfb.chain(b.readUInt32LE(0x30), INSTALLER_READ_BYTES, true);
  if (!dir) return undefined;
  const { root, found } = dirEntries(dir, name);
  if (!found || found.size < min || found.size > max) return undefined;
  let stream: Buffer | undefined;
  if (found.size < b.readUInt32LE(0x38)) {
    // A small stream lives in the mini stream (the root entry's data), in 64-byte sectors chained by the
    // mini FAT.
    if (!root) return undefined;
    const mini = cfb.chain(root.start, Math.min(root.size, INSTALLER_READ_BYTES), true);
    const miniFat = cfb.chain(b.readUInt32LE(0x3c), INSTALLER_READ_BYTES, true);
    if (!mini || !miniFat) return undefined;
    stream = miniChain(mini, miniFat, found.start, found.size);
  } else {
    stream = cfb.chain(found.start, found.size);
  }
  return stream && stream.length >= found.size ? stream : undefined;
}

/** The root entry (the first, when it is one) and the last stream entry called `name` in `dir`. */
function dirEntries(dir: Buffer, name: string): { root: DirEntry | undefined; found: DirEntry | undefined } {
  let root: DirEntry | undefined;
  let found: DirEntry | undefined;
  for (let at = 0; at + 128 <= dir.length; at += 128) {
    const nameBytes = dir.readUInt16LE(at + 0x40);
    if (nameBytes < 2 || nameBytes > 64) continue;
    const entryName = dir.toString('utf16le', at, at + nameBytes - 2);
    const type = dir[at + 0x42];
    const entry = { start: dir.readUInt32LE(at + 0x74), size: dir.readUInt32LE(at + 0x78) };
    if (type === 5 && at === 0) root = entry;
    else if (type === 2 && entryName === name) found = entry;
  }
  return { root, found };
}

/** The bytes of a mini-stream chain: 64-byte sectors of `mini`, chained by `miniFat`. */
function miniChain(mini: Buffer, miniFat: Buffer, start: number, size: number): Buffer | undefined {
  const parts: Buffer[] = [];
  const seen = new Set<number>();
  let total = 0;
  for (let n = start; total < size;) {
    if (n === END_OF_CHAIN || seen.has(n) || seen.size >= 1024) return undefined;
    seen.add(n);
    if (n * 64 + 64 > mini.length || n * 4 + 4 > miniFat.length) return undefined;
    parts.push(mini.subarray(n * 64, n * 64 + 64));
    total += 64;
    n = miniFat.readUInt32LE(n * 4);
  }
  return Buffer.concat(parts).subarray(0, size);
}
