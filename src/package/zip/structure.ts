// What the central directory says checked against the rest of the ZIP, as the agent's extractor (Go's
// archive/zip) does when it reads: each entry's local header carries the same name (and, without a data
// descriptor, the same CRC and sizes), no two entries share bytes, and the data matches its CRC-32.
// A ZIP that fails is refused whole: a reader trusting one of the two directories would extract other files
// than the ones validated.
import { promises as fs } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { Entry, ZipFile } from 'yauzl';

const LOCAL_SIGNATURE = 0x04034b50;
const LOCAL_HEADER = 30;
/** Bytes of entry data decompressed to check CRCs, in all; entries past it are checked by their headers only. */
export const CRC_CHECK_BUDGET = 256 * 1024 * 1024;

/** Why the ZIP's directories or data disagree, or undefined when they agree. */
export async function structureProblem(
  zipPath: string,
  zip: ZipFile,
  entries: readonly Entry[],
): Promise<string | undefined> {
  const fh = await fs.open(zipPath, 'r');
  try {
    const spans: [number, number, string][] = [];
    for (const e of entries) {
      const local = await localHeader(fh, e);
      const why = headerMismatch(e, local);
      if (why) return why;
      const start = e.relativeOffsetOfLocalHeader;
      spans.push([start, local.dataStart + e.compressedSize, shown(e)]);
    }
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) {
      if (spans[i]![0] < spans[i - 1]![1])
        return `entries ${spans[i - 1]![2]} and ${spans[i]![2]} overlap in the file`;
    }
  } finally {
    await fh.close();
  }
  return crcProblem(zip, entries);
}

interface Local {
  name: Buffer;
  flags: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  dataStart: number;
}

async function localHeader(fh: fs.FileHandle, e: Entry): Promise<Local> {
  const head = Buffer.alloc(LOCAL_HEADER);
  const at = e.relativeOffsetOfLocalHeader;
  const { bytesRead } = await fh.read(head, 0, LOCAL_HEADER, at);
  if (bytesRead < LOCAL_HEADER || head.readUInt32LE(0) !== LOCAL_SIGNATURE)
    throw new Error(`entry ${shown(e)} has no local header at offset ${at}`);
  const nameLength = head.readUInt16LE(26);
  const name = Buffer.alloc(nameLength);
  await fh.read(name, 0, nameLength, at + LOCAL_HEADER);
  return {
    name,
    flags: head.readUInt16LE(6),
    crc: head.readUInt32LE(14),
    compressedSize: head.readUInt32LE(18),
    uncompressedSize: head.readUInt32LE(22),
    dataStart: at + LOCAL_HEADER + nameLength + head.readUInt16LE(28),
  };
}

function headerMismatch(e: Entry, local: Local): string | undefined {
  if (!local.name.equals(e.fileNameRaw as unknown as Buffer))
    return `entry ${shown(e)} is named differently in its local header`;
  // With a data descriptor (flag bit 3) the local header's CRC and sizes are zero by design; ZIP64 sizes
  // (0xFFFFFFFF) live in an extra field.
  if (local.flags & 0x08) return undefined;
  if (local.crc !== e.crc32) return `entry ${shown(e)} has another CRC-32 in its local header`;
  const zip64 = local.compressedSize === 0xffffffff || local.uncompressedSize === 0xffffffff;
  if (!zip64 && (local.compressedSize !== e.compressedSize || local.uncompressedSize !== e.uncompressedSize))
    return `entry ${shown(e)} has other sizes in its local header`;
  return undefined;
}

/** Decompresses entries (within the budget) and compares their CRC-32 with the directory's. */
async function crcProblem(zip: ZipFile, entries: readonly Entry[]): Promise<string | undefined> {
  let budget = CRC_CHECK_BUDGET;
  for (const e of entries) {
    // Encrypted entries and other compression methods are refused on their own terms (read.ts).
    const readable =
      (e.generalPurposeBitFlag & 1) === 0 && (e.compressionMethod === 0 || e.compressionMethod === 8);
    if (!readable || e.uncompressedSize === 0 || e.uncompressedSize > budget) continue;
    budget -= e.uncompressedSize;
    let crc = 0;
    const stream = await zip.openReadStreamPromise(e);
    for await (const chunk of stream as AsyncIterable<Buffer>) crc = crc32(chunk, crc);
    if (crc >>> 0 !== e.crc32 >>> 0) return `entry ${shown(e)} does not match its CRC-32`;
  }
  return undefined;
}

const shown = (e: Entry) =>
  JSON.stringify((e.fileNameRaw as unknown as Buffer).toString('latin1')).slice(0, 80);
