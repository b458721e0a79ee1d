// Rule installer-arch: an installer in a payload (RPM, .deb, MSI, EXE) is built for one architecture and the
// payload is mapped to hosts of another. The architecture is read from the file's first bytes (the RPM
// header, the Debian control file, the PE machine type, the MSI summary information), else from its name.
// Every byte read is hostile: each parser is bounds-checked, loops only over what the prefix holds (capped),
// and gives up (undefined) rather than guess or throw.
import path from 'node:path';
import zlib from 'node:zlib';
import { ARCHES, isWindows } from '../platforms.js';
import type { Diagnostic, PayloadContent, PayloadEntry, PayloadModel, Target } from '../types.js';
import { diag } from './catalogue.js';

export type Arch = (typeof ARCHES)[number];
export type InstallerKind = 'rpm' | 'deb' | 'msi' | 'exe';

/** At most this many bytes of an installer are read, never the whole file. */
export const INSTALLER_READ_BYTES = 64 * 1024;
/** Installers per payload whose bytes are read; the rest are judged by their names. */
const MAX_SNIFFED = 16;
/** Installers per payload looked at at all. */
const MAX_INSTALLERS = 1000;
/** A gzip'd Debian control.tar is unpacked to at most this many bytes. */
const CONTROL_TAR_MAX = 1024 * 1024;

/** What an installer is built for, and how that was learnt. */
export interface InstallerArch {
  /** The architecture as the file (or its name) writes it, e.g. `x86_64`, `amd64`, `x64`, `noarch`. */
  written: string;
  /** The agent architectures whose hosts can install it, its own first (all of them for noarch / all). */
  fits: readonly Arch[];
  /** True for noarch / all: it is no build for one architecture. */
  any: boolean;
  how: 'RPM header' | 'Debian control file' | 'PE header' | 'MSI summary information' | 'file name';
}

const ALL: readonly Arch[] = ARCHES;

/** Linux installers: an i686 RPM installs on x86_64 too (rpm's multilib); a .deb only on its own arch. */
const RPM_ARCHES: Record<string, readonly Arch[]> = {
  x86_64: ['x86_64'],
  amd64: ['x86_64'],
  aarch64: ['arm64'],
  arm64: ['arm64'],
  i386: ['386', 'x86_64'],
  i486: ['386', 'x86_64'],
  i586: ['386', 'x86_64'],
  i686: ['386', 'x86_64'],
  athlon: ['386', 'x86_64'],
  armv7hl: ['arm'],
  armv7hnl: ['arm'],
  armv7l: ['arm'],
  armv6hl: ['arm'],
  armhfp: ['arm'],
  ppc64le: [],
  ppc64: [],
  s390x: [],
  riscv64: [],
};
const DEB_ARCHES: Record<string, readonly Arch[]> = {
  amd64: ['x86_64'],
  x86_64: ['x86_64'],
  arm64: ['arm64'],
  aarch64: ['arm64'],
  i386: ['386'],
  armhf: ['arm'],
  armel: ['arm'],
  ppc64el: [],
  s390x: [],
  riscv64: [],
  mips64el: [],
  loong64: [],
};
/** Windows runs 32-bit x86 programs everywhere (WOW64, and emulation on Arm64), and x64 ones on Arm64. */
const WIN_X86: readonly Arch[] = ['386', 'x86_64', 'arm64'];
const WIN_X64: readonly Arch[] = ['x86_64', 'arm64'];
const WIN_NAME_ARCHES: Record<string, readonly Arch[]> = {
  x64: WIN_X64,
  x86_64: WIN_X64,
  amd64: WIN_X64,
  '64bit': WIN_X64,
  x86: WIN_X86,
  i386: WIN_X86,
  i686: WIN_X86,
  ia32: WIN_X86,
  '32bit': WIN_X86,
  arm64: ['arm64'],
  aarch64: ['arm64'],
};
/** Name tokens that say "Windows, 64-bit / 32-bit" loosely (win32 is often any Windows): used only alone. */
const WIN_LOOSE_NAMES: Record<string, readonly Arch[]> = { win64: WIN_X64, win32: WIN_X86 };

/**
 * The architectures a target's arch `_any` sends a ZIP to, by platform: the ones the agent runs on there
 * (Amazon Linux, RHEL and its rebuilds, SUSE have no 32-bit releases; Windows Server none since 2008).
 */
const ANY_ARCHES: Record<string, readonly Arch[]> = {
  amazon: ['x86_64', 'arm64'],
  redhat: ['x86_64', 'arm64'],
  centos: ['x86_64', 'arm64'],
  rocky: ['x86_64', 'arm64'],
  almalinux: ['x86_64', 'arm64'],
  oracle: ['x86_64', 'arm64'],
  fedora: ['x86_64', 'arm64'],
  suse: ['x86_64', 'arm64'],
  opensuseleap: ['x86_64', 'arm64'],
  ubuntu: ['x86_64', 'arm64', 'arm'],
  raspbian: ['arm', 'arm64'],
  windows: ['x86_64', '386', 'arm64'],
};

/** The kind of installer a path names, if any (a source RPM installs nothing). */
export function installerKind(p: string): InstallerKind | undefined {
  const base = path.posix.basename(p).toLowerCase();
  if (base.endsWith('.src.rpm') || base.endsWith('.nosrc.rpm')) return undefined;
  const ext = /\.(rpm|deb|msi|exe)$/.exec(base)?.[1];
  return ext as InstallerKind | undefined;
}

const isWindowsKind = (k: InstallerKind) => k === 'msi' || k === 'exe';

/** The architecture in an installer's first bytes, if they say it. Never throws. */
export async function archFromBytes(kind: InstallerKind, b: Buffer): Promise<InstallerArch | undefined> {
  try {
    if (kind === 'rpm') return fromTable(rpmArch(b), RPM_ARCHES, 'noarch', 'RPM header');
    if (kind === 'deb') return fromTable(await debArch(b), DEB_ARCHES, 'all', 'Debian control file');
    // An MSI is an OLE compound file; a Windows executable (or a self-extracting installer) a PE file.
    return kind === 'msi' ? msiArch(b) : peArch(b);
  } catch {
    return undefined;
  }
}

function fromTable(
  written: string | undefined,
  table: Record<string, readonly Arch[]>,
  anyName: string,
  how: InstallerArch['how'],
): InstallerArch | undefined {
  if (written === undefined) return undefined;
  if (written.toLowerCase() === anyName) return { written, fits: ALL, any: true, how };
  const fits = Object.hasOwn(table, written.toLowerCase()) ? table[written.toLowerCase()] : undefined;
  return fits ? { written, fits, any: false, how } : undefined;
}

/** The architecture its file name says (`.x86_64.rpm`, `_arm64.deb`, `-x64.msi`, ...), if it says one. */
export function archFromName(kind: InstallerKind, p: string): InstallerArch | undefined {
  const base = path.posix.basename(p).replace(/\.(rpm|deb|msi|exe)$/i, '');
  // x86_64 is one token; every other run of letters and digits is one.
  const tokens = base
    .toLowerCase()
    .replace(/x86[_-]64/g, 'x86_64')
    .split(/[^a-z0-9_]+|_(?!64)/);
  const words = tokens.map((t) => t.replace(/^_+|_+$/g, '')).filter((t) => t !== '');
  const how = 'file name' as const;
  if (kind === 'deb' && words.at(-1) === 'all') return { written: 'all', fits: ALL, any: true, how };
  if (kind === 'rpm' && words.includes('noarch')) return { written: 'noarch', fits: ALL, any: true, how };
  const pick = (table: Record<string, readonly Arch[]>): InstallerArch | undefined => {
    const hits = words.filter((w) => Object.hasOwn(table, w));
    const distinct = new Set(hits.map((w) => table[w]!.join()));
    if (distinct.size !== 1) return undefined;
    return { written: hits[0]!, fits: table[hits[0]!]!, any: false, how };
  };
  if (kind === 'rpm') return pick(RPM_ARCHES);
  if (kind === 'deb') return pick(DEB_ARCHES);
  const strict = words.some((w) => Object.hasOwn(WIN_NAME_ARCHES, w));
  return strict ? pick(WIN_NAME_ARCHES) : pick(WIN_LOOSE_NAMES);
}

/** What an installer entry is built for: from its first bytes, else from its name; undefined when unknown. */
export async function installerArch(
  content: PayloadContent,
  entry: PayloadEntry,
  kind: InstallerKind,
  sniff = true,
): Promise<InstallerArch | undefined> {
  if (sniff && entry.size >= 8) {
    let head: Buffer | undefined;
    try {
      head = await content.read(entry.path, Math.min(entry.size, INSTALLER_READ_BYTES));
    } catch {
      head = undefined;
    }
    const found = head ? await archFromBytes(kind, head) : undefined;
    if (found) return found;
  }
  return archFromName(kind, entry.path);
}

// --- RPM: the 96-byte lead, the signature header (padded to 8 bytes), then the header with RPMTAG_ARCH.

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

function rpmArch(b: Buffer): string | undefined {
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

// --- Debian: an ar archive; its control.tar(.gz) holds ./control with the Architecture field.

const AR_MAGIC = Buffer.from('!<arch>\n', 'latin1');

async function debArch(b: Buffer): Promise<string | undefined> {
  if (b.length < 8 + 60 || !b.subarray(0, 8).equals(AR_MAGIC)) return undefined;
  let at = 8;
  // debian-binary, then control.tar.*: only the first few members are looked at.
  for (let i = 0; i < 4 && at + 60 <= b.length; i++) {
    if (b[at + 58] !== 0x60 || b[at + 59] !== 0x0a) return undefined;
    const name = b
      .toString('latin1', at, at + 16)
      .trimEnd()
      .replace(/\/$/, '');
    const sizeText = b.toString('latin1', at + 48, at + 58).trim();
    if (!/^[0-9]{1,10}$/.test(sizeText)) return undefined;
    const size = Number(sizeText);
    const data = b.subarray(at + 60, Math.min(b.length, at + 60 + size));
    if (name.startsWith('control.tar')) {
      // .xz and .zst have no decoder here: the file name decides then.
      if (name === 'control.tar') return controlArch(data);
      if (name === 'control.tar.gz') return controlArch(await gunzipHead(data, CONTROL_TAR_MAX));
      return undefined;
    }
    at += 60 + size + (size % 2);
  }
  return undefined;
}

/** The first `max` bytes gzip data unpacks to (what it gives before an error or the end of a truncated input). */
function gunzipHead(data: Buffer, max: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const z = zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      z.destroy();
      resolve(Buffer.concat(chunks).subarray(0, max));
    };
    z.on('data', (c: Buffer) => {
      chunks.push(c);
      total += c.length;
      if (total >= max) finish();
    });
    z.on('end', finish);
    z.on('error', finish);
    z.on('close', finish);
    z.end(data);
  });
}

/** The Architecture field of the `./control` member of a tar. */
function controlArch(tar: Buffer): string | undefined {
  let at = 0;
  for (let i = 0; i < 64 && at + 512 <= tar.length; i++) {
    const h = tar.subarray(at, at + 512);
    if (!tarChecksumOk(h)) return undefined;
    const size = octal(h, 124, 12);
    if (size === undefined) return undefined;
    const ustar = h.toString('latin1', 257, 262) === 'ustar';
    const name = cString(h, 0, 100);
    const prefix = ustar ? cString(h, 345, 155) : '';
    const full = (prefix ? `${prefix}/${name}` : name).replace(/^\.\//, '');
    const type = h[156];
    if ((type === 0x30 || type === 0) && full === 'control') {
      const body = tar.subarray(at + 512, Math.min(tar.length, at + 512 + Math.min(size, 65536)));
      const m = /^Architecture:[ \t]*([A-Za-z0-9-]{1,32})[ \t]*$/im.exec(body.toString('latin1'));
      return m?.[1];
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

function tarChecksumOk(h: Buffer): boolean {
  const stated = octal(h, 148, 8);
  if (stated === undefined) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum === stated;
}

function octal(b: Buffer, at: number, len: number): number | undefined {
  const s = b
    .toString('latin1', at, at + len)
    .replace(/[\0 ]+$/, '')
    .trim();
  return /^[0-7]{1,12}$/.test(s) ? parseInt(s, 8) : undefined;
}

function cString(b: Buffer, at: number, len: number): string {
  const end = b.indexOf(0, at);
  return b.toString('utf8', at, end < 0 || end > at + len ? at + len : end);
}

// --- PE (EXE, DLL): `MZ`, e_lfanew at 0x3c, `PE\0\0`, then the COFF Machine.

const PE_MACHINES: Record<number, { written: string; fits: readonly Arch[] }> = {
  0x14c: { written: 'x86 (32-bit)', fits: WIN_X86 },
  0x8664: { written: 'x64', fits: WIN_X64 },
  0xaa64: { written: 'ARM64', fits: ['arm64'] },
  0x1c0: { written: 'ARM (32-bit)', fits: ['arm'] },
  0x1c2: { written: 'ARM Thumb (32-bit)', fits: ['arm'] },
  0x1c4: { written: 'ARMv7 (32-bit)', fits: ['arm'] },
  0x200: { written: 'IA-64 (Itanium)', fits: [] },
};

function peArch(b: Buffer): InstallerArch | undefined {
  if (b.length < 0x40 || b[0] !== 0x4d || b[1] !== 0x5a) return undefined;
  const lfanew = b.readUInt32LE(0x3c);
  if (lfanew < 4 || lfanew + 6 > b.length) return undefined;
  if (b.readUInt32BE(lfanew) !== 0x50450000) return undefined;
  const m = PE_MACHINES[b.readUInt16LE(lfanew + 4)];
  return m ? { ...m, any: false, how: 'PE header' } : undefined;
}

// --- MSI: an OLE compound file; its "\x05SummaryInformation" stream's Template property ("x64;1033").

const CFB_MAGIC = Buffer.from('d0cf11e0a1b11ae1', 'hex');
const END_OF_CHAIN = 0xfffffffe;
/** Sectors of one chain followed at most (the prefix holds at most 128 of 512 bytes). */
const MAX_CHAIN = 256;
const SUMMARY_FMTID = Buffer.from('e0859ff2f94f6810ab9108002b27b3d9', 'hex');
const PIDSI_TEMPLATE = 7;
const VT_LPSTR = 0x1e;

const MSI_PLATFORMS: Record<string, { written: string; fits: readonly Arch[] }> = {
  '': { written: 'Intel (32-bit x86)', fits: WIN_X86 },
  intel: { written: 'Intel (32-bit x86)', fits: WIN_X86 },
  x64: { written: 'x64', fits: WIN_X64 },
  amd64: { written: 'x64', fits: WIN_X64 },
  arm64: { written: 'Arm64', fits: ['arm64'] },
  arm: { written: 'Arm (32-bit)', fits: ['arm'] },
  intel64: { written: 'Intel64 (Itanium)', fits: [] },
};

function msiArch(b: Buffer): InstallerArch | undefined {
  const template = msiTemplate(b);
  if (template === undefined) return undefined;
  const platform = template.split(';')[0]!.trim().toLowerCase();
  const m = Object.hasOwn(MSI_PLATFORMS, platform) ? MSI_PLATFORMS[platform] : undefined;
  return m ? { ...m, any: false, how: 'MSI summary information' } : undefined;
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

function msiTemplate(b: Buffer): string | undefined {
  if (b.length < 512 || !b.subarray(0, 8).equals(CFB_MAGIC)) return undefined;
  if (b.readUInt16LE(0x1c) !== 0xfffe) return undefined;
  const shift = b.readUInt16LE(0x1e);
  if ((shift !== 9 && shift !== 12) || b.readUInt16LE(0x20) !== 6) return undefined;
  const cfb = new Cfb(b);
  // The directory may be read in part: the root entry comes first, and the summary stream's entry is
  // looked for in what the prefix holds.
  const dir = cfb.chain(b.readUInt32LE(0x30), INSTALLER_READ_BYTES, true);
  if (!dir) return undefined;
  let root: { start: number; size: number } | undefined;
  let summary: { start: number; size: number } | undefined;
  for (let at = 0; at + 128 <= dir.length; at += 128) {
    const nameBytes = dir.readUInt16LE(at + 0x40);
    if (nameBytes < 2 || nameBytes > 64) continue;
    const name = dir.toString('utf16le', at, at + nameBytes - 2);
    const type = dir[at + 0x42];
    const entry = { start: dir.readUInt32LE(at + 0x74), size: dir.readUInt32LE(at + 0x78) };
    if (type === 5 && at === 0) root = entry;
    else if (type === 2 && name === '\u0005SummaryInformation') summary = entry;
  }
  if (!summary || summary.size < 48 || summary.size > INSTALLER_READ_BYTES) return undefined;
  let stream: Buffer | undefined;
  if (summary.size < b.readUInt32LE(0x38)) {
    // A small stream lives in the mini stream (the root entry's data), in 64-byte sectors chained by the
    // mini FAT.
    if (!root) return undefined;
    const mini = cfb.chain(root.start, Math.min(root.size, INSTALLER_READ_BYTES), true);
    const miniFat = cfb.chain(b.readUInt32LE(0x3c), INSTALLER_READ_BYTES, true);
    if (!mini || !miniFat) return undefined;
    stream = miniChain(mini, miniFat, summary.start, summary.size);
  } else {
    stream = cfb.chain(summary.start, summary.size);
  }
  return stream && stream.length >= summary.size ? templateProperty(stream) : undefined;
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

/** PIDSI_TEMPLATE of a SummaryInformation property set stream. */
function templateProperty(s: Buffer): string | undefined {
  if (s.length < 48 || s.readUInt16LE(0) !== 0xfffe || s.readUInt32LE(24) < 1) return undefined;
  if (!s.subarray(28, 44).equals(SUMMARY_FMTID)) return undefined;
  const section = s.readUInt32LE(44);
  if (section + 8 > s.length) return undefined;
  const count = Math.min(s.readUInt32LE(section + 4), Math.floor((s.length - section - 8) / 8));
  for (let i = 0; i < count; i++) {
    const at = section + 8 + i * 8;
    if (s.readUInt32LE(at) !== PIDSI_TEMPLATE) continue;
    const value = section + s.readUInt32LE(at + 4);
    if (value + 8 > s.length || s.readUInt32LE(value) !== VT_LPSTR) return undefined;
    const len = s.readUInt32LE(value + 4);
    if (len > 256 || value + 8 + len > s.length) return undefined;
    const text = s.toString('latin1', value + 8, value + 8 + len).replace(/\0+$/, '');
    return /^[A-Za-z0-9_;, -]*$/.test(text) ? text : undefined;
  }
  return undefined;
}

// --- The rule.

interface Installer {
  entry: PayloadEntry;
  kind: InstallerKind;
  arch: InstallerArch | undefined;
}

/** installer-arch: one warning per installer that hosts the payload is mapped to cannot install. */
export async function checkInstallers(p: PayloadModel): Promise<Diagnostic[]> {
  const content = p.content;
  if (!content || p.targets.length === 0) return [];
  const installers: Installer[] = [];
  for (const entry of content.entries) {
    if (installers.length >= MAX_INSTALLERS) break;
    if (entry.type !== 'file') continue;
    const kind = installerKind(entry.path);
    if (!kind || targetArches(p.targets, kind).size === 0) continue;
    const arch = await installerArch(content, entry, kind, installers.length < MAX_SNIFFED);
    installers.push({ entry, kind, arch });
  }
  const out: Diagnostic[] = [];
  for (const inst of installers) {
    const found = inst.arch;
    if (!found || found.any) continue;
    const same = installers.filter((o) => o !== inst && o.kind === inst.kind);
    // An installer of the same kind whose architecture is unknown may be the build for the other hosts.
    if (same.some((o) => !o.arch)) continue;
    const wanted = targetArches(p.targets, inst.kind);
    const missed = [...wanted.keys()].filter(
      (a) => !found.fits.includes(a) && !same.some((o) => o.arch && !o.arch.any && o.arch.fits.includes(a)),
    );
    if (missed.length > 0) out.push(archWarning(p, inst, found, missed, wanted));
  }
  return out;
}

/** The architectures the payload's targets send an installer of this kind to, each with those targets. */
function targetArches(targets: readonly Target[], kind: InstallerKind): Map<Arch, Target[]> {
  const out = new Map<Arch, Target[]>();
  for (const t of targets) {
    if (isWindowsKind(kind) ? !isWindows(t.platform) && t.platform !== '_any' : isWindows(t.platform))
      continue;
    const arches =
      t.arch === '_any'
        ? Object.hasOwn(ANY_ARCHES, t.platform)
          ? ANY_ARCHES[t.platform]!
          : isWindowsKind(kind)
            ? ANY_ARCHES.windows!
            : ALL
        : (ARCHES as readonly string[]).includes(t.arch)
          ? [t.arch as Arch]
          : [];
    for (const a of arches) out.set(a, [...(out.get(a) ?? []), t]);
  }
  return new Map(ARCHES.filter((a) => out.has(a)).map((a) => [a, out.get(a)!]));
}

function archWarning(
  p: PayloadModel,
  inst: Installer,
  found: InstallerArch,
  missed: Arch[],
  wanted: Map<Arch, Target[]>,
): Diagnostic {
  const targets = [...new Set(missed.flatMap((a) => wanted.get(a)!))];
  const viaAny = targets.some((t) => t.arch === '_any');
  const hosts = `${list(missed)} hosts`;
  const where = targetsText(targets);
  // Its own architecture (the first it fits: x86_64 for x64, 386 for i686), when the payload is mapped to it.
  const own = found.fits[0];
  const verb = inst.kind === 'exe' ? 'run' : 'install';
  const built = `${inst.entry.path} is built for ${found.written} (${found.how})`;
  const sent = viaAny
    ? `payload "${p.name}" is mapped with arch _any (${where}), so ${hosts} get it too and cannot ${verb} it`
    : `payload "${p.name}" sends it to ${hosts} (${where}), which cannot ${verb} it`;
  const fix =
    own !== undefined && wanted.has(own)
      ? `Add the ${list(missed)} build to the ZIP (the install script can pick it by $BWS_ARCHITECTURE), or map only ${own} to this ZIP${viaAny ? ' instead of _any' : ''}.`
      : `Replace it with the build for ${list(missed)}.`;
  const d = diag('installer-arch', { file: inst.entry.display }, `${built}, but ${sent}. ${fix}`);
  return { ...d, payload: p.name, platforms: [...new Set(targets.map((t) => t.platform))] };
}

/** "amazon 2, redhat 8.* (distributor.yaml lines 11, 12)", at most 6 platform/version pairs. */
function targetsText(targets: readonly Target[]): string {
  const pairs = [...new Set(targets.map((t) => `${t.platform} ${t.version}`))];
  const shown = pairs.length > 6 ? [...pairs.slice(0, 6), `${pairs.length - 6} more`] : pairs;
  const files = [...new Set(targets.map((t) => t.loc.file))];
  const lines = [...new Set(targets.map((t) => t.loc.line).filter((l): l is number => l !== undefined))];
  const at =
    files.length === 1 && lines.length > 0
      ? `; ${path.basename(files[0]!)} line${lines.length > 1 ? 's' : ''} ${lines.slice(0, 6).join(', ')}`
      : '';
  return `${shown.join(', ')}${at}`;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
