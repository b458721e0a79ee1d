// Rule installer-arch: an installer in a payload (RPM, .deb, MSI, EXE) is built for one architecture and the
// payload is mapped to hosts of another. The architecture is read from the file's first bytes (the RPM
// header, the Debian control file, the PE machine type, the MSI summary information), else from its name.
// Every byte read is hostile: each parser is bounds-checked, loops only over what the prefix holds (capped),
// and gives up (undefined) rather than guess or throw.
//
// The readers: rpm.ts, deb.ts, pe.ts, msi.ts (on cfb.ts); names.ts for file-name conventions; fit.ts for
// which hosts an architecture fits and which a payload's targets send an installer to; warning.ts for the
// message.
import type { Diagnostic, PayloadContent, PayloadEntry, PayloadModel } from '../../types.js';
import { debArch } from './deb.js';
import { targetArches } from './fit.js';
import { msiArch } from './msi.js';
import { archFromName, installerKind } from './names.js';
import { peArch } from './pe.js';
import { rpmArch } from './rpm.js';
import { INSTALLER_READ_BYTES, type Installer, type InstallerArch, type InstallerKind } from './types.js';
import { archWarning } from './warning.js';

export { archFromName, installerKind } from './names.js';
export { INSTALLER_READ_BYTES, type Arch, type InstallerArch, type InstallerKind } from './types.js';

/** Installers per payload whose bytes are read; the rest are judged by their names. */
const MAX_SNIFFED = 16;
/** Installers per payload looked at at all. */
const MAX_INSTALLERS = 1000;

/** The architecture in an installer's first bytes, if they say it. Never throws. */
export async function archFromBytes(kind: InstallerKind, b: Buffer): Promise<InstallerArch | undefined> {
  try {
    if (kind === 'rpm') return rpmArch(b);
    if (kind === 'deb') return await debArch(b);
    // An MSI is an OLE compound file; a Windows executable (or a self-extracting installer) a PE file.
    return kind === 'msi' ? msiArch(b) : peArch(b);
  } catch {
    return undefined;
  }
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
