// File-name conventions: which installer kind a path names, and the architecture its name writes
// (`.x86_64.rpm`, `_arm64.deb`, `-x64.msi`, ...), the fallback when the first bytes say nothing.
import path from 'node:path';
import { ALL, DEB_ARCHES, RPM_ARCHES, WIN_X64, WIN_X86 } from './fit.js';
import type { Arch, InstallerArch, InstallerKind } from './types.js';

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

/** The kind of installer a path names, if any (a source RPM installs nothing). */
export function installerKind(p: string): InstallerKind | undefined {
  const base = path.posix.basename(p).toLowerCase();
  if (base.endsWith('.src.rpm') || base.endsWith('.nosrc.rpm')) return undefined;
  const ext = /\.(rpm|deb|msi|exe)$/.exec(base)?.[1];
  return ext as InstallerKind | undefined;
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
