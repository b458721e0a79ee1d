// MSI: an OLE compound file (read by cfb.ts) whose "\x05SummaryInformation" property-set stream holds the
// Template property, e.g. "x64;1033": the platform before the `;` names the architecture (empty means
// Intel, 32-bit x86). The property set is bounds-checked and its value length capped.
import { cfbStream } from './cfb.js';
import { WIN_X64, WIN_X86 } from './fit.js';
import { type Arch, INSTALLER_READ_BYTES, type InstallerArch } from './types.js';

const SUMMARY_STREAM = '\u0005SummaryInformation';
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

/** The architecture in an MSI's summary information, if the first bytes hold it. */
export function msiArch(b: Buffer): InstallerArch | undefined {
  const template = msiTemplate(b);
  if (template === undefined) return undefined;
  const platform = template.split(';')[0]!.trim().toLowerCase();
  const m = Object.hasOwn(MSI_PLATFORMS, platform) ? MSI_PLATFORMS[platform] : undefined;
  return m ? { ...m, any: false, how: 'MSI summary information' } : undefined;
}

function msiTemplate(b: Buffer): string | undefined {
  const stream = cfbStream(b, SUMMARY_STREAM, 48, INSTALLER_READ_BYTES);
  return stream ? templateProperty(stream) : undefined;
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
