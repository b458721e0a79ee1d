// Which agent architectures an installer's written architecture fits, and which architectures a payload's
// targets send an installer to. An i686 RPM also installs on x86_64 (rpm's multilib), a .deb only on its own
// arch; Windows runs 32-bit x86 programs on every host (WOW64, and emulation on Arm64) and x64 ones on Arm64.
import { ARCHES, isWindows } from '../../platforms.js';
import type { Target } from '../../types.js';
import type { Arch, InstallerArch, InstallerKind } from './types.js';

export const ALL: readonly Arch[] = ARCHES;

/** Linux installers: an i686 RPM installs on x86_64 too (rpm's multilib); a .deb only on its own arch. */
export const RPM_ARCHES: Record<string, readonly Arch[]> = {
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
export const DEB_ARCHES: Record<string, readonly Arch[]> = {
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
export const WIN_X86: readonly Arch[] = ['386', 'x86_64', 'arm64'];
export const WIN_X64: readonly Arch[] = ['x86_64', 'arm64'];

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

/** A written architecture looked up in `table` (`anyName`, noarch / all, fits every host). */
export function fromTable(
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

const isWindowsKind = (k: InstallerKind) => k === 'msi' || k === 'exe';

/** The architectures the payload's targets send an installer of this kind to, each with those targets. */
export function targetArches(targets: readonly Target[], kind: InstallerKind): Map<Arch, Target[]> {
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
