// What the SSM Agent reports as platform, version and architecture (reference: ssm-api.md §7.1),
// and the spellings people write instead.
import { didYouMean } from './source/suggest.js';

/** Platform and architecture names are short: a suggestion may be up to two edits away. */
const MAX_SUGGESTION_DISTANCE = 2;

/** Platforms the Distributor documentation lists. */
export const DOCUMENTED_PLATFORMS = [
  'amazon',
  'centos',
  'debian',
  'opensuse',
  'opensuseleap',
  'oracle',
  'redhat',
  'suse',
  'ubuntu',
  'windows',
] as const;

/** Platforms the agent reports (raw /etc/os-release ID) that Distributor does not document. */
export const UNDOCUMENTED_PLATFORMS = ['almalinux', 'fedora', 'raspbian', 'rocky'] as const;

/** Spellings that no agent reports, mapped to what it reports instead. */
export const PLATFORM_ALIASES: Record<string, string> = {
  rhel: 'redhat',
  'red-hat': 'redhat',
  redhatenterpriseserver: 'redhat',
  amzn: 'amazon',
  amazonlinux: 'amazon',
  'amazon-linux': 'amazon',
  al2: 'amazon',
  al2023: 'amazon',
  sles: 'suse',
  sled: 'suse',
  ol: 'oracle',
  oraclelinux: 'oracle',
  'opensuse-leap': 'opensuseleap',
  leap: 'opensuseleap',
  win: 'windows',
  win32: 'windows',
  windowsserver: 'windows',
  windows_server: 'windows',
  rockylinux: 'rocky',
  alma: 'almalinux',
};

const NOT_SUPPORTED: Record<string, string> = {
  macos: 'Distributor does not support macOS',
  darwin: 'Distributor does not support macOS',
  mac_os_x: 'Distributor does not support macOS',
  linux: 'there is no `linux` platform: list each distribution (amazon, ubuntu, redhat, ...) or use `_any`',
  bottlerocket: 'the agent refuses packages on Bottlerocket',
  flatcar: 'the agent refuses packages on Flatcar',
};

export const ARCHES = ['x86_64', 'arm64', '386', 'arm'] as const;

export const ARCH_ALIASES: Record<string, string> = {
  amd64: 'x86_64',
  x64: 'x86_64',
  'x86-64': 'x86_64',
  x86_64_v2: 'x86_64',
  aarch64: 'arm64',
  arm64v8: 'arm64',
  armv8: 'arm64',
  i386: '386',
  i686: '386',
  x86: '386',
  ia32: '386',
  armhf: 'arm',
  armv7: 'arm',
  armv7l: 'arm',
};

export type PlatformVerdict =
  { kind: 'ok' } | { kind: 'undocumented' } | { kind: 'unknown'; suggestion?: string; reason?: string };

export function classifyPlatform(p: string): PlatformVerdict {
  if (p === '_any' || (DOCUMENTED_PLATFORMS as readonly string[]).includes(p)) return { kind: 'ok' };
  if ((UNDOCUMENTED_PLATFORMS as readonly string[]).includes(p)) return { kind: 'undocumented' };
  const lower = p.toLowerCase();
  const reason = NOT_SUPPORTED[lower];
  if (reason) return { kind: 'unknown', reason };
  const alias = PLATFORM_ALIASES[lower];
  if (alias) return { kind: 'unknown', suggestion: alias };
  const known = [...DOCUMENTED_PLATFORMS, ...UNDOCUMENTED_PLATFORMS];
  if ((known as readonly string[]).includes(lower)) return { kind: 'unknown', suggestion: lower };
  const near = didYouMean(lower, known, MAX_SUGGESTION_DISTANCE);
  return near ? { kind: 'unknown', suggestion: near } : { kind: 'unknown' };
}

export function classifyArch(a: string): { ok: true } | { ok: false; suggestion?: string } {
  if (a === '_any' || (ARCHES as readonly string[]).includes(a)) return { ok: true };
  const lower = a.toLowerCase();
  const alias = ARCH_ALIASES[lower] ?? ((ARCHES as readonly string[]).includes(lower) ? lower : undefined);
  if (alias) return { ok: false, suggestion: alias };
  const near = didYouMean(lower, ARCHES, MAX_SUGGESTION_DISTANCE);
  return near ? { ok: false, suggestion: near } : { ok: false };
}

/**
 * Version strings hosts report, per platform, as one pattern per dot-separated segment
 * (a host version has exactly that many segments). Platforms missing here are not checked.
 */
const VERSION_SHAPES: Record<string, { segments: RegExp[][]; examples: string }> = {
  // Amazon Linux 2 → "2", AL2023 → "2023", Amazon Linux 1 → "2018.03"
  amazon: { segments: [[/^(2|2023)$/], [/^20\d\d$/, /^\d\d$/]], examples: '2, 2023, 2018.03' },
  ubuntu: { segments: [[/^\d\d$/, /^\d\d$/]], examples: '22.04, 24.04, 25.04' },
  debian: { segments: [[/^\d+$/]], examples: '11, 12, 13' },
  // Raspberry Pi OS (32-bit) reports ID=raspbian with Debian's VERSION_ID; the 64-bit one reports debian.
  raspbian: { segments: [[/^\d+$/]], examples: '11, 12' },
  // CentOS Linux 7/8 and CentOS Stream 8/9/10 report the major only.
  centos: { segments: [[/^\d+$/]], examples: '7, 9, 10' },
  fedora: { segments: [[/^\d+$/]], examples: '41, 42' },
  // RHEL 7 and later always report major.minor ("7.9", "9.6", "10.0"); so do its rebuilds.
  redhat: { segments: [[/^\d+$/, /^\d+$/]], examples: '8.10, 9.6, 10.0' },
  oracle: { segments: [[/^\d+$/, /^\d+$/]], examples: '7.9, 8.10, 9.6' },
  rocky: { segments: [[/^\d+$/, /^\d+$/]], examples: '8.10, 9.6, 10.0' },
  almalinux: { segments: [[/^\d+$/, /^\d+$/]], examples: '8.10, 9.6, 10.0' },
  // SLES reports the service pack as the minor ("15.6" for 15 SP6), and the bare major on a release
  // without one (SLES 15 and 12 GA: VERSION_ID="15", "12").
  suse: { segments: [[/^(12|15)$/], [/^\d+$/, /^\d+$/]], examples: '15, 15.5, 15.6' },
  // openSUSE Leap always reports a minor, even on the first release of a major ("15.0").
  opensuseleap: { segments: [[/^\d+$/, /^\d+$/]], examples: '15.5, 15.6' },
  // WMI Win32_OperatingSystem.Version, e.g. 10.0.17763 (2019); Nano Server appends "nano".
  windows: {
    segments: [[/^(6|10)$/, /^\d+$/, /^\d+(nano)?$/]],
    examples: '10.0.17763, 10.0.20348, 10.0.26100, 10.0.14393nano',
  },
};

export const WINDOWS_BUILDS: Record<string, string> = {
  '2012': '6.2.9200',
  '2012r2': '6.3.9600',
  '2016': '10.0.14393',
  '2019': '10.0.17763',
  '2022': '10.0.20348',
  '2025': '10.0.26100',
};

export type VersionKeyVerdict =
  | { kind: 'ok' }
  | { kind: 'form'; suggestion?: string }
  | { kind: 'unreported'; suggestion?: string; examples: string };

const EXACT_KEY = /^[A-Za-z0-9_.-]+$/;

/** Checks a platform version key against the forms the agent matches and the versions hosts report. */
export function classifyVersionKey(platform: string, key: string): VersionKeyVerdict {
  if (key === '_any' || key === '*') return { kind: 'ok' };
  let base = key;
  let wildcard = false;
  if (key.endsWith('.*')) {
    base = key.slice(0, -2);
    wildcard = true;
  } else if (key.endsWith('.*nano')) {
    // nano hosts: "10.*nano" style keys
    base = key.slice(0, -6);
    wildcard = true;
  }
  const segs = base.split('.');
  if (!EXACT_KEY.test(base) || segs.some((s) => s === '')) {
    // e.g. 8.x, 8*, >=8, 8.*.1, " 8"
    const m = /^(\d+(?:\.\d+)*)(?:\.[xX*]|\*)$/.exec(key.trim());
    return m ? { kind: 'form', suggestion: `${m[1]}.*` } : { kind: 'form' };
  }
  if (/^\d+(\.\d+)*\.[xX]$/.test(key)) return { kind: 'form', suggestion: `${key.slice(0, -2)}.*` };
  const shape = VERSION_SHAPES[platform];
  if (!shape) return { kind: 'ok' };
  if (platform === 'windows' && !wildcard) {
    const build = WINDOWS_BUILDS[key.toLowerCase().replace(/\s+/g, '')];
    if (build) return { kind: 'unreported', suggestion: build, examples: shape.examples };
    if (key === 'nano') return { kind: 'ok' };
  }
  const fits = shape.segments.some((pattern) =>
    wildcard
      ? segs.length <= pattern.length && segs.every((s, i) => pattern[i]?.test(s))
      : segs.length === pattern.length && segs.every((s, i) => pattern[i]?.test(s)),
  );
  if (fits) return { kind: 'ok' };
  // A bare major that hosts report with a minor: suggest the prefix form.
  const longer = shape.segments.some(
    (pattern) => segs.length < pattern.length && segs.every((s, i) => pattern[i]?.test(s)),
  );
  if (!wildcard && longer) return { kind: 'unreported', suggestion: `${key}.*`, examples: shape.examples };
  // A version with more precision than hosts report: suggest its prefix.
  const shorter = shape.segments.find(
    (pattern) => segs.length > pattern.length && pattern.every((p, i) => p.test(segs[i] ?? '')),
  );
  if (shorter) {
    return {
      kind: 'unreported',
      suggestion: segs.slice(0, shorter.length).join('.'),
      examples: shape.examples,
    };
  }
  return { kind: 'unreported', examples: shape.examples };
}

export const isWindows = (platform: string) => platform === 'windows';
