// Common OS identities exactly as the SSM Agent reports them (reference: ssm-api.md §7.1), and a
// preview of which ZIP each of them gets from a package mapping (report/preview.ts renders it).
import { type MissStage, resolveHost } from './resolve.js';
import type { PackageMapping } from './types.js';

export interface HostIdentity {
  /** What a person calls the OS, e.g. "Ubuntu 22.04". */
  label: string;
  platform: string;
  version: string;
  arch: string;
}

const both = (label: string, platform: string, version: string): HostIdentity[] => [
  { label, platform, version, arch: 'x86_64' },
  { label, platform, version, arch: 'arm64' },
];
const x64 = (label: string, platform: string, version: string): HostIdentity => ({
  label,
  platform,
  version,
  arch: 'x86_64',
});

/**
 * Platform = /etc/os-release ID after the agent's renames (rhel→redhat, amzn→amazon, sles→suse,
 * ol→oracle, opensuse-leap→opensuseleap); version = VERSION_ID verbatim; Windows version = WMI
 * Win32_OperatingSystem.Version, with `nano` appended on Nano Server; arch = Go's GOARCH with
 * amd64→x86_64: x86_64, arm64, 386, or arm (32-bit ARM).
 *
 * The versions, as the OS writes them: RHEL and its rebuilds major.minor ("10.0", "9.6", "8.10");
 * CentOS Stream the major ("9"); Debian the major ("13"); SLES the service pack as the minor ("15.6"
 * for 15 SP6) and the bare major without one ("15"); openSUSE Leap always major.minor; Raspberry Pi OS
 * (32-bit) ID=raspbian with Debian's major.
 */
export const HOSTS: readonly HostIdentity[] = [
  ...both('Amazon Linux 2023', 'amazon', '2023'),
  ...both('Amazon Linux 2', 'amazon', '2'),
  x64('Amazon Linux AMI 2018.03', 'amazon', '2018.03'),
  ...both('Ubuntu 25.04', 'ubuntu', '25.04'),
  ...both('Ubuntu 24.04', 'ubuntu', '24.04'),
  ...both('Ubuntu 22.04', 'ubuntu', '22.04'),
  ...both('Ubuntu 20.04', 'ubuntu', '20.04'),
  ...both('Debian 13', 'debian', '13'),
  ...both('Debian 12', 'debian', '12'),
  ...both('Debian 11', 'debian', '11'),
  { label: 'Debian 12 (32-bit, on-premises)', platform: 'debian', version: '12', arch: '386' },
  { label: 'Debian 11 (32-bit, on-premises)', platform: 'debian', version: '11', arch: '386' },
  { label: 'Raspberry Pi OS 12 (32-bit)', platform: 'raspbian', version: '12', arch: 'arm' },
  ...both('RHEL 10.0', 'redhat', '10.0'),
  ...both('RHEL 9.6', 'redhat', '9.6'),
  ...both('RHEL 9.4', 'redhat', '9.4'),
  ...both('RHEL 8.10', 'redhat', '8.10'),
  ...both('CentOS Stream 9', 'centos', '9'),
  x64('CentOS 7', 'centos', '7'),
  ...both('Rocky Linux 9.6', 'rocky', '9.6'),
  x64('Rocky Linux 8.10', 'rocky', '8.10'),
  ...both('AlmaLinux 9.6', 'almalinux', '9.6'),
  x64('AlmaLinux 8.10', 'almalinux', '8.10'),
  ...both('Oracle Linux 9.6', 'oracle', '9.6'),
  x64('Oracle Linux 8.10', 'oracle', '8.10'),
  ...both('SLES 15 SP6', 'suse', '15.6'),
  ...both('SLES 15 SP5', 'suse', '15.5'),
  x64('SLES 15 (no service pack)', 'suse', '15'),
  x64('openSUSE Leap 15.6', 'opensuseleap', '15.6'),
  x64('Windows Server 2025', 'windows', '10.0.26100'),
  x64('Windows Server 2022', 'windows', '10.0.20348'),
  x64('Windows Server 2019', 'windows', '10.0.17763'),
  x64('Windows Server 2016', 'windows', '10.0.14393'),
  x64('Windows Server 2016 Nano Server', 'windows', '10.0.14393nano'),
  x64('Windows Server 2012 R2', 'windows', '6.3.9600'),
];

export interface PreviewRow extends HostIdentity {
  /** The ZIP the host installs. */
  file?: string;
  /** The agent's error text when it installs nothing. */
  message?: string;
  /** A short reason for the table when it installs nothing. */
  reason?: string;
}

/** Which ZIP each host gets, by the agent's own matching. */
export function previewRows(mapping: PackageMapping, hosts: readonly HostIdentity[] = HOSTS): PreviewRow[] {
  return hosts.map((h) => {
    const row: PreviewRow = { label: h.label, platform: h.platform, version: h.version, arch: h.arch };
    const r = resolveHost(mapping.packages, mapping.files, h);
    if (r.ok) {
      row.file = r.file;
    } else {
      row.message = r.message;
      row.reason = shortReason(r.stage, h);
    }
    return row;
  });
}

function shortReason(stage: MissStage, h: HostIdentity): string {
  switch (stage) {
    case 'platform':
      return `no manifest found: no ${h.platform} or _any platform`;
    case 'version':
      return `no manifest found: no version key matches ${h.version}`;
    case 'arch':
      return `no manifest found: no ${h.arch} or _any architecture`;
    case 'file':
      return 'failed to find file: not listed in files';
  }
}
