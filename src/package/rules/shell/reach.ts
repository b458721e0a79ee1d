// Which shell runs `sh install.sh` on the hosts a ZIP goes to (reference: reliability.md, added facts): bash
// in POSIX mode on Amazon Linux and the Red Hat and SUSE families, which still accepts `[[ ]]`, `(( ))` and
// `function f`; dash on Debian and Ubuntu (and Raspberry Pi OS), which rejects them. A platform `_any` key
// reaches Debian and Ubuntu hosts too, and a platform name not known here may be dash: both count as dash.
import { isWindows } from '../../platforms.js';

/** Platforms whose /bin/sh is bash. */
export const BASH_SH_PLATFORMS: ReadonlySet<string> = new Set([
  'amazon',
  'redhat',
  'centos',
  'oracle',
  'rocky',
  'almalinux',
  'fedora',
  'suse',
  'opensuse',
  'opensuseleap',
]);

/** A ZIP's target platforms, by the sh their hosts run `install.sh` with. */
export interface ShellReach {
  /** Debian, Ubuntu, `_any`, and names not known to be bash: hosts that (may) run dash. */
  dash: string[];
  /** Hosts that run bash as sh. */
  bash: string[];
  /** Windows, which runs no `.sh` script. */
  none: string[];
}

/** Sorts target platforms by their sh (each once, in order); undefined when there are none, i.e. unknown. */
export function shellReach(platforms: readonly string[] | undefined): ShellReach | undefined {
  if (!platforms || platforms.length === 0) return undefined;
  const r: ShellReach = { dash: [], bash: [], none: [] };
  for (const p of new Set(platforms)) {
    if (BASH_SH_PLATFORMS.has(p)) r.bash.push(p);
    else if (isWindows(p)) r.none.push(p);
    else r.dash.push(p);
  }
  return r;
}
