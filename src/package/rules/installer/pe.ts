// PE (EXE, DLL, and most self-extracting installers): `MZ`, the PE header offset e_lfanew at 0x3c, the
// `PE\0\0` signature there, then the COFF Machine field, which names the architecture.
import { WIN_X64, WIN_X86 } from './fit.js';
import type { Arch, InstallerArch } from './types.js';

const PE_MACHINES: Record<number, { written: string; fits: readonly Arch[] }> = {
  0x14c: { written: 'x86 (32-bit)', fits: WIN_X86 },
  0x8664: { written: 'x64', fits: WIN_X64 },
  0xaa64: { written: 'ARM64', fits: ['arm64'] },
  0x1c0: { written: 'ARM (32-bit)', fits: ['arm'] },
  0x1c2: { written: 'ARM Thumb (32-bit)', fits: ['arm'] },
  0x1c4: { written: 'ARMv7 (32-bit)', fits: ['arm'] },
  0x200: { written: 'IA-64 (Itanium)', fits: [] },
};

/** The architecture in a PE file's machine type, if the first bytes hold a PE header with a known one. */
export function peArch(b: Buffer): InstallerArch | undefined {
  if (b.length < 0x40 || b[0] !== 0x4d || b[1] !== 0x5a) return undefined;
  const lfanew = b.readUInt32LE(0x3c);
  if (lfanew < 4 || lfanew + 6 > b.length) return undefined;
  if (b.readUInt32BE(lfanew) !== 0x50450000) return undefined;
  const m = PE_MACHINES[b.readUInt16LE(lfanew + 4)];
  return m ? { ...m, any: false, how: 'PE header' } : undefined;
}
