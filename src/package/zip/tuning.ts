// The writer's tuning: how work is batched and spread, and the bounds on memory. CHUNK, BLOCKS_AHEAD and
// LANES are also part of the output format (see each).

export const KiB = 1024;
export const MiB = 1024 * KiB;
/** Files up to this size are read whole and compressed in one call; larger ones are streamed. */
export const SMALL_MAX = 1 * MiB;
/**
 * Read size and deflate block size for streamed files. Reads always fill it, so block boundaries never
 * depend on I/O timing; like LANES and BLOCKS_AHEAD it is part of the output format (changing it changes
 * the bytes of deflated entries, never their content).
 */
export const CHUNK = 1 * MiB;
/** Blocks of one streamed file that are compressed at the same time. */
export const BLOCKS_AHEAD = 4;
/** Streaming buffers per archive: the blocks being compressed or written, plus one being read ahead. */
export const RING_BUFFERS = BLOCKS_AHEAD + 2;
/** Each deflate block is primed with this much of the input before it (the deflate window). */
export const DICTIONARY_BYTES = 32 * KiB;
/** Output buffer of a block's deflater: large enough for a whole block, so one threadpool job per block. */
export const BLOCK_OUT_CHUNK = CHUNK + 64 * KiB;
/** The writer issues one writev once this much is queued. */
export const FLUSH_BYTES = 2 * MiB;
/** Bytes of small files (per archive) that may be read or compressed ahead of the writer. */
export const WINDOW_BYTES = 8 * MiB;
export const WINDOW_ENTRIES = 1024;
/** A streamed file whose first PROBE_BYTES do not shrink below PROBE_RATIO is stored instead. */
export const PROBE_BYTES = 4 * MiB;
export const PROBE_RATIO = 0.97;
/** Small-file deflate streams per archive (a constant: the lane rule is part of the output format). */
export const LANES = 4;
/** Archives written at the same time; more wait (see archiveSlot). */
export const MAX_ARCHIVES = 4;
/** Output chunk size of a lane's deflater. */
export const LANE_CHUNK = 64 * KiB;
