// RPM: the 96-byte lead, the signature header (padded to 8 bytes), then the main header, whose RPMTAG_ARCH
// string is the architecture. The counts in the headers are checked against rpm's own limits and against
// what the prefix holds; a source package (lead type 1) or anything malformed gives undefined.
import { fromTable, RPM_ARCHES } from './fit.js';
import type { InstallerArch } from './types.js';

const RPM_LEAD_MAGIC = 0xedabeedb;
const RPM_HEADER_MAGIC = 0x8eade8; // then the header version, 1
const RPMTAG_ARCH = 1022;
const RPM_STRING_TYPE = 6;

interface RpmHeader {
  /** Offset of the first index entry; `count` of them are inside the buffer. */
  index: number;
  count: number;
  store: number;
  storeSize: number;
  end: number;
}

/** The architecture in an RPM's first bytes (noarch fits every host), if they say it. */
export function rpmArch(b: Buffer): InstallerArch | undefined {
  return fromTable(rpmArchString(b), RPM_ARCHES, 'noarch', 'RPM header');
}

function rpmHeader(b: Buffer, at: number): RpmHeader | undefined {
  if (at + 16 > b.length) return undefined;
  if (b.readUIntBE(at, 3) !== RPM_HEADER_MAGIC || b[at + 3] !== 1) return undefined;
  const nindex = b.readUInt32BE(at + 8);
  const hsize = b.readUInt32BE(at + 12);
  // rpm itself refuses more than 65535 tags or a 256 MB data store.
  if (nindex === 0 || nindex > 0xffff || hsize > 0x0fffffff) return undefined;
  const index = at + 16;
  const store = index + nindex * 16;
  const count = Math.min(nindex, Math.floor((b.length - index) / 16));
  return { index, count, store, storeSize: hsize, end: store + hsize };
}

function rpmArchString(b: Buffer): string | undefined {
  if (b.length < 96 + 16 || b.readUInt32BE(0) !== RPM_LEAD_MAGIC) return undefined;
  if (b.readUInt16BE(6) !== 0) return undefined; // lead type 1: a source package
  const sig = rpmHeader(b, 96);
  if (!sig) return undefined;
  const main = rpmHeader(b, Math.ceil(sig.end / 8) * 8);
  if (!main) return undefined;
  for (let i = 0; i < main.count; i++) {
    const e = main.index + i * 16;
    if (b.readUInt32BE(e) !== RPMTAG_ARCH) continue;
    if (b.readUInt32BE(e + 4) !== RPM_STRING_TYPE) return undefined;
    const offset = b.readUInt32BE(e + 8);
    if (offset >= main.storeSize) return undefined;
    return archString(b, main.store + offset, Math.min(b.length, main.end));
  }
  return undefined;
}

/** A NUL-terminated architecture name between `from` and `to`: plain letters, digits, `_`, `-`, `.`. */
function archString(b: Buffer, from: number, to: number): string | undefined {
  if (from >= to) return undefined;
  const nul = b.indexOf(0, from);
  if (nul < 0 || nul >= to || nul - from > 32) return undefined;
  const s = b.toString('latin1', from, nul);
  return /^[A-Za-z0-9_.-]{1,32}$/.test(s) ? s : undefined;
}
