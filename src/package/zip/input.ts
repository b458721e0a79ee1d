// Reading the input files: regular files only (a FIFO must neither hang nor be zipped), whole or in pieces.
import fs from 'node:fs';

/** O_NONBLOCK: opening a FIFO must not hang (it is then refused as not a regular file). */
export const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

export function notRegular(): Error {
  return new Error('it is not a regular file.');
}

/** Reads up to `buf.length` bytes of a regular file from its start; returns the byte count. */
export function readSmall(path: string, buf: Buffer): number {
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

function readAt(fd: number, buf: Buffer, off: number, len: number, pos: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, off, len, pos, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

/** Fills `buf` from `pos` unless the file ends first; returns the byte count. */
export async function readFull(fd: number, buf: Buffer, pos: number): Promise<number> {
  let n = 0;
  while (n < buf.length) {
    const r = await readAt(fd, buf, n, buf.length - n, pos + n);
    if (r === 0) break;
    n += r;
  }
  return n;
}
