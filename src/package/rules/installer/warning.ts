// The installer-arch warning: which installer, what it is built for and how that was learnt, which hosts
// the payload is mapped to that cannot install it (and through which targets), and the fix.
import path from 'node:path';
import type { Diagnostic, PayloadModel, Target } from '../../types.js';
import { diag } from '../catalogue.js';
import type { Arch, Installer, InstallerArch } from './types.js';

export function archWarning(
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
