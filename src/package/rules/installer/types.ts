// The shapes the installer-arch modules share: the installer kinds, the agent architectures, and what an
// installer was found to be built for.
import { ARCHES } from '../../platforms.js';
import type { PayloadEntry } from '../../types.js';

export type Arch = (typeof ARCHES)[number];
export type InstallerKind = 'rpm' | 'deb' | 'msi' | 'exe';

/** At most this many bytes of an installer are read, never the whole file. */
export const INSTALLER_READ_BYTES = 64 * 1024;

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

/** One installer in a payload, with what it is built for (undefined when unknown). */
export interface Installer {
  entry: PayloadEntry;
  kind: InstallerKind;
  arch: InstallerArch | undefined;
}
