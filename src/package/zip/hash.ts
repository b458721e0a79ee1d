// The SHA-256 of a file, streamed (a prebuilt ZIP can be up to the agent's 1 GB and more).
import { createHash } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';

/** Never follows a final symlink, never waits on a FIFO. */
const FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Hex SHA-256 and size of a file; file-system errors propagate as they are. */
export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  const fh = await fs.open(file, FLAGS);
  try {
    for await (const chunk of fh.createReadStream({ highWaterMark: 1 << 20, autoClose: false })) {
      h.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } finally {
    await fh.close();
  }
  return { sha256: h.digest('hex'), size };
}
