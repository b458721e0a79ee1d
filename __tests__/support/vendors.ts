// Eight real-world Distributor package layouts, rebuilt from the facts of their public repositories (the
// ZIP names, the manifest keys, what the scripts do and the shell constructs they use, the installers and
// their architectures) with scripts written for these tests. Each layout can be written as a temp tree:
//   prebuilt — manifest.json as the original's packager writes it, plus the ZIPs (made here with Info-ZIP);
//   config   — distributor.yaml and one folder per payload;
//   folders  — manifest.json plus one folder per ZIP (`x.zip` ↔ `x/`), for the layouts that ship that way.
// Every layout carries the verdict the SSM Agent would give it (see vendors.test.ts) and hosts with the ZIP
// the agent picks for them from the original's manifest.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { infoZip, tempDir, writeTree } from './pkg.js';

export type Form = 'prebuilt' | 'config' | 'folders';

export interface VendorTarget {
  platform: string;
  version: string;
  arch: string;
}

export interface VendorPayload {
  /** Config key. */
  key: string;
  /** Folder of the payload (several payloads may share one, as sample-ssm-converge's two Linux ZIPs do). */
  dir: string;
  /** ZIP name as the original writes it. */
  zip: string;
  /** The config's `file:` when the original puts the version in the ZIP name (`{version}` placeholder). */
  fileTemplate?: string;
  targets: VendorTarget[];
  /** Extra Info-ZIP options for the prebuilt ZIP (e.g. `-0`: stored, as cdk-ssm-document's test ZIP is). */
  zipArgs?: string[];
}

export interface Verdict {
  /** Whether the package passes (no error). */
  ok: boolean;
  /** The exact set of rules reported as errors. */
  errors: string[];
  /** Rules that must be reported (at least as warnings; any severity but off). */
  warnings?: string[];
  /** Notices that must be reported. */
  notices?: string[];
  /** Rules that must not be reported at all. */
  forbidden?: string[];
  /** Rules that may be reported but never as errors. */
  notErrors?: string[];
  /** Findings that must not be reported: a rule and a pattern of its message. */
  notSaid?: [rule: string, message: RegExp][];
  /** Findings that must be reported (any severity): a rule and a pattern of its message. */
  mustSay?: [rule: string, message: RegExp][];
}

/** A host as the agent reports it, and the ZIP it gets (undefined: the agent finds nothing). */
export type HostCheck = [platform: string, version: string, arch: string, file: string | undefined];

export interface VendorLayout {
  id: string;
  /** Where the facts come from: repository, commit, folder. */
  source: string;
  /** What the layout shows (for the test names and the report). */
  about: string;
  name: string;
  version: string;
  publisher?: string;
  description?: string;
  payloads: VendorPayload[];
  /** Payload folder → file → content (text or bytes). */
  folders: Record<string, Record<string, string | Buffer>>;
  /** The manifest.json text as the original writes it, given each ZIP's bytes. */
  manifest(zips: ReadonlyMap<string, Buffer>): string;
  forms: Form[];
  verdicts: Partial<Record<Form, Verdict>>;
  hosts: HostCheck[];
}

// ---------------------------------------------------------------- dummy installers (headers only)

const sha = (alg: 'sha256' | 'sha1', b: Buffer) => createHash(alg).update(b).digest('hex');

/** An RPM lead, a signature header (the size tag) and a main header with NAME, VERSION, RELEASE, OS and ARCH. */
export function rpm(name: string, version: string, release: string, arch: string): Buffer {
  const lead = Buffer.alloc(96);
  lead.writeUInt32BE(0xedabeedb, 0);
  lead[4] = 3; // major
  lead[5] = 0; // minor
  lead.writeUInt16BE(0, 6); // binary package
  lead.writeUInt16BE(arch === 'aarch64' ? 19 : arch === 'noarch' ? 0 : 1, 8);
  lead.write(`${name}-${version}-${release}`.slice(0, 65), 10, 'latin1');
  lead.writeUInt16BE(1, 76); // Linux
  lead.writeUInt16BE(5, 78); // header-style signature
  // Entries are [tag, string] (RPM_STRING_TYPE 6) or [tag, number] (RPM_INT32_TYPE 4).
  const header = (entries: [number, string | number][]): Buffer => {
    const index = Buffer.alloc(16 * entries.length);
    const store: Buffer[] = [];
    let offset = 0;
    entries.forEach(([tag, value], i) => {
      let data: Buffer;
      if (typeof value === 'number') {
        const pad = Buffer.alloc((4 - (offset % 4)) % 4);
        store.push(pad);
        offset += pad.length;
        data = Buffer.alloc(4);
        data.writeUInt32BE(value);
      } else data = Buffer.from(`${value}\0`, 'latin1');
      index.writeUInt32BE(tag, i * 16);
      index.writeUInt32BE(typeof value === 'number' ? 4 : 6, i * 16 + 4);
      index.writeUInt32BE(offset, i * 16 + 8);
      index.writeUInt32BE(1, i * 16 + 12);
      store.push(data);
      offset += data.length;
    });
    const intro = Buffer.alloc(16);
    intro.writeUInt32BE(0x8eade801, 0);
    intro.writeUInt32BE(entries.length, 8);
    intro.writeUInt32BE(offset, 12);
    return Buffer.concat([intro, index, ...store]);
  };
  const main = header([
    [1000, name],
    [1001, version],
    [1002, release],
    [1021, 'linux'],
    [1022, arch],
  ]);
  const signature = header([[1000, main.length]]); // RPMSIGTAG_SIZE; then padding to 8 bytes
  const pad = Buffer.alloc((8 - ((96 + signature.length) % 8)) % 8);
  return Buffer.concat([lead, signature, pad, main]);
}

/** One ustar member. */
function tarMember(name: string, body: Buffer): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'latin1');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([h, body, pad]);
}

const tar = (members: Buffer[]) => Buffer.concat([...members, Buffer.alloc(1024)]);

/** One `ar` member as dpkg writes it. */
function arMember(name: string, body: Buffer): Buffer {
  const h = `${name.padEnd(16)}${'0'.padEnd(12)}${'0'.padEnd(6)}${'0'.padEnd(6)}${'100644'.padEnd(8)}${String(body.length).padEnd(10)}\`\n`;
  return Buffer.concat([
    Buffer.from(h, 'latin1'),
    body,
    body.length % 2 ? Buffer.from('\n') : Buffer.alloc(0),
  ]);
}

/** A .deb: debian-binary, control.tar.gz with ./control (Package, Version, Architecture), empty data.tar.gz. */
export function deb(pkg: string, version: string, arch: string): Buffer {
  const control = `Package: ${pkg}\nVersion: ${version}\nArchitecture: ${arch}\nMaintainer: test fixtures\nDescription: dummy package for the vendor fixtures\n`;
  return Buffer.concat([
    Buffer.from('!<arch>\n'),
    arMember('debian-binary', Buffer.from('2.0\n')),
    arMember('control.tar.gz', gzipSync(tar([tarMember('./control', Buffer.from(control))]))),
    arMember('data.tar.gz', gzipSync(tar([]))),
  ]);
}

const MACHINE = { i386: 0x14c, x86_64: 0x8664, arm64: 0xaa64 } as const;

/** A PE executable's DOS stub and COFF header with the machine type (no sections). */
export function pe(machine: keyof typeof MACHINE): Buffer {
  const b = Buffer.alloc(0x40 + 24);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x40, 0x3c);
  b.write('PE\0\0', 0x40, 'latin1');
  b.writeUInt16LE(MACHINE[machine], 0x44);
  b.writeUInt16LE(0x0102, 0x40 + 22); // executable, 32-bit words
  return b;
}

/** The first sector of an OLE compound file (what an MSI is); the architecture is in the file name. */
export function msi(): Buffer {
  const b = Buffer.alloc(512);
  Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(b, 0);
  return b;
}

// ---------------------------------------------------------------- small helpers for the data

const t = (platform: string, version: string, arch: string): VendorTarget => ({ platform, version, arch });

/** packages{} of a manifest from the payloads, in payload order (as the originals' packagers build it). */
function packagesOf(
  payloads: readonly VendorPayload[],
): Record<string, Record<string, Record<string, { file: string }>>> {
  const out: Record<string, Record<string, Record<string, { file: string }>>> = {};
  for (const p of payloads)
    for (const x of p.targets) ((out[x.platform] ??= {})[x.version] ??= {})[x.arch] = { file: p.zip };
  return out;
}

const sha256Files = (zips: ReadonlyMap<string, Buffer>, names: readonly string[]) =>
  Object.fromEntries(names.map((n) => [n, { checksums: { sha256: sha('sha256', zips.get(n)!) } }]));

const zipNames = (payloads: readonly VendorPayload[]) => [...new Set(payloads.map((p) => p.zip))];

// ---------------------------------------------------------------- 1. CrowdStrike custom-binary-package

// Scripts are copied into each ZIP by the package manager the ZIP's distro uses (yum, zypper, dpkg).
const CS_YUM_INSTALL = `#!/bin/bash
#
# Falcon sensor installer for the RPM distros (Amazon Linux, RHEL, CentOS, Oracle Linux).
#
rpm_file="falcon-sensor.rpm"

install_rpm() {
  yum install -y libnl
  rpm -ivh "$1"
  echo "configuring the sensor with: falconctl -s -f --cid=<CID> $3"
  /opt/CrowdStrike/falconctl -s -f --cid="$2" $3
  systemctl restart falcon-sensor
  rm $1
}

if pgrep -u root falcon-sensor >/dev/null 2>&1 ; then
  echo "falcon-sensor is running already; nothing to do"
  exit 0
fi

install_rpm $rpm_file $SSM_CID $SSM_LINUX_INSTALLPARAMS
`;

// bash-only: (( )), the function keyword and an ERR trap; the ZIP only reaches bash-as-sh platforms.
const CS_YUM_UNINSTALL = `#!/usr/bin/env bash

echo 'Removing the Falcon sensor'
while (( "$#" )); do
  echo "argument: $1"
  shift
done
echo 'Reading the parameters'

# Report the failing line and command
function on_error {
    code=$?
    echo "[ERROR] removing the sensor failed ($code) at line $1: '$2'"
    exit $code
}

trap 'on_error "\${LINENO}" "\${BASH_COMMAND}" ' ERR

sudo yum -y remove falcon-sensor $SSM_LINUX_UNINSTALLPARAMS

echo "Cleaning up"

if ! pgrep falcon-sensor >/dev/null; then
  echo "The Falcon sensor is removed"
else
  echo "falcon-sensor is still running"
  exit 1
fi`;

const CS_ZYPPER_INSTALL = `#!/usr/bin/env bash
rpm_file="falcon-sensor.rpm"

install() {
  pkg="\${1}"
  zypper -n --no-gpg-checks install "\${pkg}"
  echo "configuring the sensor with: falconctl -s -f --cid=<CID> $3"
  /opt/CrowdStrike/falconctl -s -f --cid="$2" $3
  rm $1
}

if pgrep -u root falcon-sensor >/dev/null 2>&1 ; then
  echo "falcon-sensor is running already; nothing to do"
  exit 0
fi

install $rpm_file $SSM_CID $SSM_LINUX_INSTALLPARAMS`;

const CS_ZYPPER_UNINSTALL = `#!/usr/bin/env bash
sudo zypper -n --no-gpg-checks remove falcon-sensor`;

const CS_DPKG_INSTALL = `#!/bin/bash
#
# Falcon sensor installer for Debian and Ubuntu.
#
deb_file="falcon-sensor.deb"

install() {
  apt-get install -y libnl-3-200 libnl-genl-3-200
  export DEBIAN_FRONTEND=noninteractive
  dpkg -i "$1"
  echo "configuring the sensor with: falconctl -s -f --cid=<CID> $3"
  /opt/CrowdStrike/falconctl -s -f --cid="$2" $3
  systemctl restart falcon-sensor
  rm $1
}

if pgrep -u root falcon-sensor >/dev/null 2>&1 ; then
  echo "falcon-sensor is running already; nothing to do"
  exit 0
fi

install $deb_file $SSM_CID $SSM_LINUX_INSTALLPARAMS`;

// POSIX (the ZIP reaches dash): a [ ] loop, a name () function and an EXIT trap.
const CS_DPKG_UNINSTALL = `#!/usr/bin/env sh

set -e

echo 'Removing the Falcon sensor'
while [ "$#" -ne 0 ]; do
  echo "argument: $1"
  shift
done

echo 'Reading the parameters'

# Report the failing line and command
on_error () {
    code=$?
    echo "[ERROR] removing the sensor failed ($code) at line $1: '$2'"
    exit "$code"
}

trap 'on_error "\${LINENO}" "\${BASH_COMMAND}" ' EXIT

sudo dpkg -r falcon-sensor $SSM_LINUX_UNINSTALLPARAMS

echo "Cleaning up"

if ! pgrep falcon-sensor >/dev/null; then
  echo "The Falcon sensor is removed"
else
  echo "falcon-sensor is still running"
  exit 1
fi`;

const CS_WIN_INSTALL = `<#
.SYNOPSIS
    Installs the CrowdStrike Falcon sensor from the bundled WindowsSensor.exe
#>
[CmdletBinding()]
param()
Write-Output 'Installing the Falcon sensor'

if (Get-Service -Name CSAgent -ErrorAction SilentlyContinue) {
    Write-Output 'The CSAgent service exists already'
    Exit 0
}

$Installer = Join-Path -Path $PSScriptRoot -ChildPath 'WindowsSensor.exe'
if (-not (Test-Path -Path $Installer)) { throw "$Installer is missing." }
if (-not $env:SSM_CID) { throw 'SSM_CID is not set; pass it in additionalArguments.' }

$Arguments = @('/install', '/quiet', '/norestart', "CID=$($env:SSM_CID)", 'ProvWaitTime=180')
if ($env:SSM_INSTALLTOKEN) { $Arguments += "ProvToken=$($env:SSM_INSTALLTOKEN)" }
if ($env:SSM_WIN_INSTALLPARAMS) { $Arguments += $env:SSM_WIN_INSTALLPARAMS.Split(' ') }

$Process = Start-Process -FilePath $Installer -ArgumentList $Arguments -PassThru -Wait
if ($Process.ExitCode -ne 0) { throw "WindowsSensor.exe exited with $($Process.ExitCode)" }

$Service = Get-Service -Name CSAgent -ErrorAction SilentlyContinue
if (-not $Service -or $Service.Status -ne 'Running') { throw 'CSAgent is not running after the install' }
Write-Output 'Installed'
`;

const CS_WIN_UNINSTALL = `
[CmdletBinding()]
param()

Write-Output 'Removing the Falcon sensor'
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12

if (-not (Get-Service -Name CSAgent -ErrorAction SilentlyContinue)) {
  Write-Output 'CSAgent is not installed'
  Exit 0
}

# The bundle's cached copy does the uninstall
$Package = Get-Package -Name 'CrowdStrike Windows Sensor'
$Uninstaller = $Package.Metadata['BundleCachePath']
$Arguments = '/uninstall /quiet' + $env:SSM_WIN_UNINSTALLPARAMS
$Process = Start-Process -FilePath $Uninstaller -ArgumentList $Arguments -PassThru -Wait
if ($Process.ExitCode -ne 0) {
  Write-Output "The uninstaller exited with $($Process.ExitCode)"
  exit 1
}
if (Test-Path -Path HKLM:\\System\\Crowdstrike) {
  Write-Output 'The CrowdStrike registry key is still there'
  exit 1
}
Write-Output 'Removed'
`;

const CS_BIN_DIRS: [
  dir: string,
  platform: string,
  version: string,
  arch: string,
  tool: 'yum' | 'zypper' | 'dpkg',
][] = [
  ['CS_AMAZON2_x86_64', 'amazon', '2', 'x86_64', 'yum'],
  ['CS_AMAZON2_ARM64', 'amazon', '2', 'arm64', 'yum'],
  ['CS_AMAZON2023_x86_64', 'amazon', '2023', 'x86_64', 'yum'],
  ['CS_AMAZON2023_ARM64', 'amazon', '2023', 'arm64', 'yum'],
  ['CS_UBUNTU_x86_64', 'ubuntu', '_any', 'x86_64', 'dpkg'],
  ['CS_DEBIAN_x86_64', 'debian', '_any', 'x86_64', 'dpkg'],
  ['CS_UBUNTU_ARM64', 'ubuntu', '_any', 'arm64', 'dpkg'],
  ['CS_RHEL7_x86_64', 'redhat', '7', 'x86_64', 'yum'],
  ['CS_RHEL8_x86_64', 'redhat', '8', 'x86_64', 'yum'],
  ['CS_RHEL8_ARM64', 'redhat', '8', 'arm64', 'yum'],
  ['CS_RHEL9_x86_64', 'redhat', '9', 'x86_64', 'yum'],
  ['CS_RHEL9_ARM64', 'redhat', '9', 'arm64', 'yum'],
  ['CS_CENTOS8_x86_64', 'centos', '8', 'x86_64', 'yum'],
  ['CS_CENTOS8_ARM64', 'centos', '8', 'arm64', 'yum'],
  ['CS_ORACLE7_x86_64', 'oracle', '7', 'x86_64', 'yum'],
  ['CS_ORACLE8_x86_64', 'oracle', '8', 'x86_64', 'yum'],
  ['CS_ORACLE9_x86_64', 'oracle', '9', 'x86_64', 'yum'],
  ['CS_SLES12_x86_64', 'suse', '12', 'x86_64', 'zypper'],
  ['CS_SLES15_x86_64', 'suse', '15', 'x86_64', 'zypper'],
];

const rpmArch = (arch: string) => (arch === 'arm64' ? 'aarch64' : 'x86_64');
const debArch = (arch: string) => (arch === 'arm64' ? 'arm64' : 'amd64');

function csBinaryFolder(platform: string, version: string, arch: string, tool: 'yum' | 'zypper' | 'dpkg') {
  if (tool === 'dpkg')
    return {
      'install.sh': CS_DPKG_INSTALL,
      'uninstall.sh': CS_DPKG_UNINSTALL,
      'falcon-sensor.deb': deb('falcon-sensor', '7.20.0-17306', debArch(arch)),
    };
  const release = platform === 'amazon' ? `17306.amzn${version}` : `17306.el${version}`;
  return {
    'install.sh': tool === 'yum' ? CS_YUM_INSTALL : CS_ZYPPER_INSTALL,
    'uninstall.sh': tool === 'yum' ? CS_YUM_UNINSTALL : CS_ZYPPER_UNINSTALL,
    'falcon-sensor.rpm': rpm('falcon-sensor', '7.20.0', release, rpmArch(arch)),
  };
}

const crowdstrikeBinaryPayloads: VendorPayload[] = [
  ...CS_BIN_DIRS.map(([dir, platform, version, arch]) => ({
    key: dir,
    dir,
    zip: `${dir}.zip`,
    targets: [t(platform, version, arch)],
  })),
  { key: 'CS_WINDOWS', dir: 'CS_WINDOWS', zip: 'CS_WINDOWS.zip', targets: [t('windows', '_any', '_any')] },
];

const crowdstrikeBinary: VendorLayout = {
  id: 'crowdstrike-binary',
  source:
    'CrowdStrike/aws-ssm-distributor@2b59c58 custom-binary-package/package (agent_list.json, scripts/, packager.py)',
  about:
    '20 ZIPs, major-only version keys (redhat/oracle "8" style), bash-only uninstall scripts on bash-as-sh distros',
  name: 'CrowdStrike-FalconSensor',
  version: '1.0',
  publisher: 'Crowdstrike Inc.',
  description: 'CrowdStrike custom Install Package',
  payloads: crowdstrikeBinaryPayloads,
  folders: {
    ...Object.fromEntries(CS_BIN_DIRS.map(([dir, p, v, a, tool]) => [dir, csBinaryFolder(p, v, a, tool)])),
    CS_WINDOWS: {
      'install.ps1': CS_WIN_INSTALL,
      'uninstall.ps1': CS_WIN_UNINSTALL,
      'WindowsSensor.exe': pe('i386'),
    },
  },
  // packager.py: json.dumps without indentation (one line); files from a set of hashes.
  manifest: (zips) =>
    JSON.stringify({
      schemaVersion: '2.0',
      publisher: 'Crowdstrike Inc.',
      description: 'CrowdStrike custom Install Package',
      version: '1.0',
      packages: packagesOf(crowdstrikeBinaryPayloads),
      files: sha256Files(zips, zipNames(crowdstrikeBinaryPayloads)),
    }),
  forms: ['prebuilt', 'folders', 'config'],
  verdicts: {},
  hosts: [
    ['amazon', '2', 'arm64', 'CS_AMAZON2_ARM64.zip'],
    ['amazon', '2023', 'x86_64', 'CS_AMAZON2023_x86_64.zip'],
    ['redhat', '8.6', 'x86_64', undefined], // "8" matches only a host reporting exactly 8
    ['redhat', '9.4', 'arm64', undefined],
    ['oracle', '8.9', 'x86_64', undefined],
    ['centos', '8', 'arm64', 'CS_CENTOS8_ARM64.zip'],
    ['suse', '15', 'x86_64', 'CS_SLES15_x86_64.zip'], // SLES 15 without a service pack
    ['suse', '15.5', 'x86_64', undefined],
    ['ubuntu', '22.04', 'arm64', 'CS_UBUNTU_ARM64.zip'],
    ['debian', '12', 'x86_64', 'CS_DEBIAN_x86_64.zip'],
    ['debian', '12', 'arm64', undefined],
    ['windows', '10.0.20348', 'x86_64', 'CS_WINDOWS.zip'],
    ['windows', '10.0.26100', 'arm64', 'CS_WINDOWS.zip'],
  ],
};
{
  const v: Verdict = {
    ok: true,
    errors: [],
    warnings: ['version-key-unreported'],
    // The bash-only uninstall.sh ZIPs go to Amazon Linux, RHEL, CentOS and Oracle only, where sh is bash.
    notErrors: ['sh-bashism'],
    forbidden: ['manifest-schema', 'file-count', 'ps1-bom', 'installer-arch', 'script-kind-mismatch'],
    // SLES 12 and 15 without a service pack report exactly "12" and "15".
    notSaid: [['version-key-unreported', /\bsuse\b/]],
    // The ERR trap of the yum uninstall.sh is bash-only too (dash: "trap: ERR: bad trap").
    mustSay: [['sh-bashism', /\btrap\b.*\bERR\b/]],
  };
  crowdstrikeBinary.verdicts = {
    prebuilt: v,
    folders: { ...v, notices: ['checksum-recomputed'] },
    config: v,
  };
}

// ---------------------------------------------------------------- 2. CrowdStrike custom-api-package (older)

// One template for every Linux ZIP; the packager fills in the sensor filter and the package manager.
const CS_API_INSTALL = `#!/bin/bash
if pgrep  -u root falcon-sensor >/dev/null 2>&1 ; then
  echo "The Falcon sensor is installed already; change its version with a sensor update policy."
  exit 0
fi

# Stop at the first failing command and say where
function fail_at {
    rc="$?"
    echo "[ERROR] installing the sensor failed with $rc at line $1: '$2'"
    exit "$rc"
}

trap 'fail_at "\${LINENO}" "\${BASH_COMMAND}" ' ERR

# Print to stderr and stop
function die {
    >&2 echo \${@}
    exit 1
}

# Log a command, then run it (never pass a URL or a token through here)
function run {
    echo "running: [$*]"
    "$@"
}

function url_encode {
  value="$1"
  value="\${value//+/%2b}"
  value="\${value//\\'/%27}"
  value="\${value//:/%3a}"
  value="\${value// /%20}"
  echo "$value"
}

echo 'Installing the Falcon sensor'
download_dir="/tmp"

echo 'Reading the parameters'
if [[ -z "$SSM_CS_CCID" ]]; then
    die "SSM_CS_CCID is not set; pass it in additionalArguments (SSM Agent 2.3.1550.0 or later)."
    exit 1
fi

proxy=""
proxy_host=""
proxy_port=""

cid="\${SSM_CS_CCID}"
token="\${SSM_CS_INSTALLTOKEN}"
extra="\${SSM_CS_LINUX_INSTALLPARAMS:-}"
extra="\${extra//\\\`/\\\\\\\`}"
extra="\${extra//\\$/\\\\\\$}"
declare -a params="($extra)"

for arg in "\${params[@]}"; do
    if [[ $arg == *"--aph="* ]]; then
        proxy_host="\${arg#*=}"
        proxy_host="\${proxy_host//http*:'//'}"
        echo "proxy host: $proxy_host"
    elif [[ $arg == *"--app="* ]]; then
        proxy_port="\${arg#*=}"
        echo "proxy port: $proxy_port"
    fi
done

if [ -n "$proxy_host" ] && [ -n "$proxy_port" ]; then
    proxy="http://$proxy_host:$proxy_port"
elif [ -n "$proxy_host" ]; then
    proxy="http://$proxy_host"
fi

if [ -n "$proxy" ]; then
    proxy="\${proxy//\\"}"
    proxy="\${proxy//\\'}"
    echo "talking to the CrowdStrike API through $proxy"
fi

agent="crowdstrike-custom-api-distributor-package/v2.0.0"
filter="@@FILTER@@"
api="https://\${SSM_CS_HOST}/sensors/combined/installers/v1?limit=1&sort=version"

if [[ -n $SSM_CS_LINUX_VERSION ]]; then
    query="\${filter}+version:'\${SSM_CS_LINUX_VERSION}'"
    url="$api&filter=$(url_encode "$query")"
    echo "installing the requested version \${SSM_CS_LINUX_VERSION}"
else
    url="$api&offset=1&filter=$(url_encode "$filter")"
    echo "installing the release before the latest"
fi

echo 'Looking up the installer'
if ! resp="$(curl -x "$proxy" --retry 15 --retry-delay 10 -sf -H "Authorization: Bearer \${SSM_CS_AUTH_TOKEN}" -H "User-Agent: $agent" "$url")" ; then
    die "the installer query failed (exit $?)"
fi

if ! grep -q -e "name" -e "sha256" <<<"\${resp}"; then
    die "the installer query returned no name or sha256: $resp"
fi

name="$(echo -n "\${resp}" | grep "name" | cut -d\\" -f4)"
digest="$(echo -n "\${resp}" | grep "sha256" | cut -d\\" -f4)"
version="$(echo -n "\${resp}" | grep '"version"' | cut -d\\" -f4)"
installer="\${download_dir}/\${name}"

echo "Downloading the installer $digest"
if ! resp="$(curl -x "$proxy" --retry 15 --retry-delay 10 -sf -H "Authorization: Bearer \${SSM_CS_AUTH_TOKEN}" -H "User-Agent: $agent" "https://$SSM_CS_HOST/sensors/entities/download-installer/v1?id=$digest" -o "\${installer}")" ; then
    die "the download failed (exit $?)"
fi

install_dpkg()
{
    pkg="$(realpath "$1")"
    run export DEBIAN_FRONTEND=noninteractive
    run apt-get update
    run apt-get -y install "$pkg"
}

install_yum()
{
    pkg="\${1}"
    sudo rpm -qa | grep falcon-sensor || yum install "\${pkg}" -y
}

install_zypper()
{
    pkg="\${1}"
    sudo zypper -n --no-gpg-checks install "\${pkg}"
}

echo "Installing \${installer} (sensor \${version})"

case "@@PACKAGE_MANAGER@@" in
  "dpkg")
    install_dpkg "\${installer}"
    ;;
  "yum")
    install_yum "\${installer}"
    ;;
  "zypper")
    install_zypper "\${installer}"
    ;;
  *)
    die "unknown package manager"
    exit 1
    ;;
esac

if [[ "$token" ]]; then
       echo "passing the installation token"
       params+=("--provisioning-token=$token")
fi

params+=("--cid=$cid")

run /opt/CrowdStrike/falconctl -s "\${params[@]}"

if [[ -L "/sbin/init" ]]
then
    run systemctl start falcon-sensor
else
    run sudo service falcon-sensor start
fi

sleep 5s

if ps -e | grep falcon-sensor &>/dev/null ;
then
    unset SSM_CS_INSTALLTOKEN SSM_CS_LINUX_INSTALLPARAMS SSM_CS_CCID SSM_CS_AUTH_TOKEN SSM_CS_HOST
    rm "\${installer}" || true
    echo "Falcon sensor \${version} installed"
else
    die "falcon-sensor is not running after the install"
    exit 1
fi
`;

const CS_API_UNINSTALL = `#!/bin/bash
echo 'Removing the Falcon sensor'

# Stop at the first failing command and say where
function fail_at {
    rc="$?"
    echo "[ERROR] removing the sensor failed with $rc at line $1: '$2'"
    exit "$rc"
}

trap 'fail_at "\${LINENO}" "\${BASH_COMMAND}" ' ERR

# Print to stderr
function die {
    >&2 echo \${@}
}

aid="$(sudo /opt/CrowdStrike/falconctl -g --aid | awk -F\\" '{print $2}')"
pkg="falcon-sensor"
echo "Removing the sensor of agent $aid"

if type dnf >/dev/null 2>&1; then
    sudo dnf remove -q -y "$pkg" || sudo rpm -e --nodeps "$pkg"
elif type yum >/dev/null 2>&1; then
    sudo yum remove -q -y "$pkg" || sudo rpm -e --nodeps "$pkg"
elif type zypper >/dev/null 2>&1; then
    sudo zypper --n remove -y "$pkg" || sudo rpm -e --nodeps "$pkg"
elif type apt >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive sudo apt-get purge -y "$pkg"
else
   sudo rpm -e --nodeps "$pkg"
fi

if ! pgrep falcon-sensor >/dev/null; then
    echo "The Falcon sensor is removed"
else
    die "falcon-sensor is still running"
    exit 1
fi
`;

// The copyright sign sits in the comment-based help block: the only non-ASCII text in the script.
const CS_API_WIN_INSTALL = `<#
.SYNOPSIS
    Downloads the Falcon sensor from the CrowdStrike API and installs it

.NOTES
    MIT License
    Copyright \u00a9 CrowdStrike, Inc.
    #>
[CmdletBinding()]
param()

Write-Output 'Installing the Falcon sensor'
$ErrorActionPreference = "Stop"

function Convert-QueryValue {
    param ([Parameter(Mandatory = $true)] [string]$Value)
    return $Value.Replace("+", "%2b").Replace("'", "%27").Replace(":", "%3a").Replace(" ", "%20")
}

if (Get-Service -Name CSAgent -ErrorAction SilentlyContinue) {
    Write-Output 'The Falcon sensor is installed already; change its version with a sensor update policy.'
    Exit 0
}
if (-not $env:SSM_CS_CCID) { throw 'SSM_CS_CCID is not set; pass it in additionalArguments.' }

$Filter = "os:'Windows'+platform:'windows'"
if ($env:SSM_CS_WINDOWS_VERSION) {
    $Query = "limit=1&filter=$(Convert-QueryValue ($Filter + "+version:'$($env:SSM_CS_WINDOWS_VERSION)'"))"
} else {
    $Query = "limit=1&offset=1&sort=version&filter=$(Convert-QueryValue $Filter)"
}
$Headers = @{ Authorization = "Bearer $($env:SSM_CS_AUTH_TOKEN)" }
$Found = Invoke-RestMethod -Uri "https://$($env:SSM_CS_HOST)/sensors/combined/installers/v1?$Query" -Headers $Headers
$Installer = Join-Path $env:TEMP $Found.resources[0].name
Invoke-WebRequest -Uri "https://$($env:SSM_CS_HOST)/sensors/entities/download-installer/v1?id=$($Found.resources[0].sha256)" -Headers $Headers -OutFile $Installer
$Process = Start-Process -FilePath $Installer -ArgumentList @('/install', '/quiet', '/norestart', "CID=$($env:SSM_CS_CCID)") -PassThru -Wait
if ($Process.ExitCode -ne 0) { throw "The installer exited with $($Process.ExitCode)" }
Write-Output 'Installed'
`;

const CS_API_WIN_UNINSTALL = `[CmdletBinding()]
param()

Write-Output 'Removing the Falcon sensor'
if (-not (Get-Service -Name CSAgent -ErrorAction SilentlyContinue)) {
  Write-Output 'CSAgent is not installed'
  Exit 0
}
$Package = Get-Package -Name 'CrowdStrike Windows Sensor'
$Process = Start-Process -FilePath $Package.Metadata['BundleCachePath'] -ArgumentList ('/uninstall /quiet ' + $env:SSM_CS_WINDOWS_UNINSTALLPARAMS) -PassThru -Wait
if ($Process.ExitCode -ne 0) {
  Write-Output "The uninstaller exited with $($Process.ExitCode)"
  exit 1
}
Write-Output 'Removed'
`;

// distros.json: name, version key, arch, package manager (the filter names the sensor build to download).
const CS_API_DISTROS: [platform: string, version: string, arch: string, tool: string][] = [
  ['amazon', '2', 'x86_64', 'yum'],
  ['amazon', '2', 'arm64', 'yum'],
  ['amazon', '2023', 'x86_64', 'yum'],
  ['amazon', '2023', 'arm64', 'yum'],
  ['redhat', '7.*', 'x86_64', 'yum'],
  ['redhat', '8.*', 'x86_64', 'yum'],
  ['redhat', '8.*', 'arm64', 'yum'],
  ['redhat', '9.*', 'x86_64', 'yum'],
  ['redhat', '9.*', 'arm64', 'yum'],
  ['almalinux', '8.*', 'x86_64', 'yum'],
  ['almalinux', '8.*', 'arm64', 'yum'],
  ['almalinux', '9.*', 'arm64', 'yum'],
  ['almalinux', '9.*', 'x86_64', 'yum'],
  ['rocky', '8.*', 'x86_64', 'yum'],
  ['rocky', '8.*', 'arm64', 'yum'],
  ['rocky', '9.*', 'arm64', 'yum'],
  ['rocky', '9.*', 'x86_64', 'yum'],
  ['centos', '7.*', 'x86_64', 'yum'],
  ['centos', '8.*', 'x86_64', 'yum'],
  ['centos', '8.*', 'arm64', 'yum'],
  ['oracle', '6.*', 'x86_64', 'yum'],
  ['oracle', '7.*', 'x86_64', 'yum'],
  ['oracle', '8.*', 'x86_64', 'yum'],
  ['suse', '12.*', 'x86_64', 'zypper'],
  ['suse', '15.*', 'x86_64', 'zypper'],
  ['ubuntu', '16.*', 'x86_64', 'dpkg'],
  ['ubuntu', '18.*', 'x86_64', 'dpkg'],
  ['ubuntu', '20.*', 'x86_64', 'dpkg'],
  ['ubuntu', '22.*', 'x86_64', 'dpkg'],
  ['ubuntu', '24.*', 'x86_64', 'dpkg'],
  ['ubuntu', '24.*', 'arm64', 'dpkg'],
  ['ubuntu', '22.*', 'arm64', 'dpkg'],
  ['ubuntu', '18.*', 'arm64', 'dpkg'],
  ['ubuntu', '20.*', 'arm64', 'dpkg'],
  ['debian', '9.*', 'x86_64', 'dpkg'],
  ['debian', '10.*', 'x86_64', 'dpkg'],
  ['debian', '11.*', 'x86_64', 'dpkg'],
  ['debian', '12.*', 'x86_64', 'dpkg'],
  ['debian', '12', 'arm64', 'dpkg'], // the exact key that shadows "12.*" for Debian 12 x86_64
  ['windows', '_any', '_any', ''],
];

/** The packager's folder and ZIP name: platform + version without `.*`/`_any` + `-` + arch. */
const csApiDir = (p: string, v: string, a: string) => `${p}${v.replace('.*', '').replace('_any', '')}-${a}`;

const crowdstrikeApiPayloads: VendorPayload[] = CS_API_DISTROS.map(([p, v, a]) => ({
  key: csApiDir(p, v, a),
  dir: csApiDir(p, v, a),
  zip: `${csApiDir(p, v, a)}.zip`,
  targets: [t(p, v, a)],
}));

const CS_API_DESCRIPTION =
  'The CrowdStrike Falcon cloud platform helps stop breaches with a single lightweight agent. Source: https://github.com/CrowdStrike/aws-ssm-distributor/tree/main/custom-api-package';

const crowdstrikeApi: VendorLayout = {
  id: 'crowdstrike-api',
  source:
    'CrowdStrike/aws-ssm-distributor@6fad627 custom-api-package/package (distros.json, linux/, windows/, packager.py)',
  about:
    '40 targets in 40 ZIPs, one bash installer template (filled per distro), debian "12" shadowing "12.*", © in a ps1 comment',
  name: 'CrowdStrike-FalconSensor',
  version: '2.0.0',
  publisher: 'Crowdstrike Inc.',
  description: CS_API_DESCRIPTION,
  payloads: crowdstrikeApiPayloads,
  folders: Object.fromEntries(
    CS_API_DISTROS.map(([p, v, a, tool]) => {
      const filter = `os:'${p}'+os_version:'${v.replace('.*', '')}${a === 'arm64' ? ' - arm64' : ''}'+platform:'linux'`;
      const fill = (s: string) => s.replaceAll('@@FILTER@@', filter).replaceAll('@@PACKAGE_MANAGER@@', tool);
      const files =
        p === 'windows'
          ? { 'install.ps1': CS_API_WIN_INSTALL, 'uninstall.ps1': CS_API_WIN_UNINSTALL }
          : { 'install.sh': fill(CS_API_INSTALL), 'uninstall.sh': fill(CS_API_UNINSTALL) };
      return [csApiDir(p, v, a), files];
    }),
  ),
  // packager.py: json.dump with indent=4.
  manifest: (zips) =>
    JSON.stringify(
      {
        schemaVersion: '2.0',
        publisher: 'Crowdstrike Inc.',
        description: CS_API_DESCRIPTION,
        version: '2.0.0',
        packages: packagesOf(crowdstrikeApiPayloads),
        files: sha256Files(zips, zipNames(crowdstrikeApiPayloads)),
      },
      null,
      4,
    ),
  forms: ['prebuilt', 'config'],
  verdicts: {},
  hosts: [
    ['debian', '12', 'x86_64', undefined], // "12" wins over "12.*" and has only arm64
    ['debian', '12', 'arm64', 'debian12-arm64.zip'],
    ['debian', '11', 'x86_64', 'debian11-x86_64.zip'],
    ['redhat', '9.4', 'arm64', 'redhat9-arm64.zip'],
    ['redhat', '8.10', 'x86_64', 'redhat8-x86_64.zip'],
    ['almalinux', '9.3', 'x86_64', 'almalinux9-x86_64.zip'],
    ['rocky', '8.9', 'arm64', 'rocky8-arm64.zip'],
    ['centos', '7', 'x86_64', 'centos7-x86_64.zip'],
    ['oracle', '8.9', 'x86_64', 'oracle8-x86_64.zip'],
    ['suse', '15.5', 'x86_64', 'suse15-x86_64.zip'],
    ['suse', '15.5', 'arm64', undefined],
    ['ubuntu', '24.04', 'arm64', 'ubuntu24-arm64.zip'],
    ['ubuntu', '16.04', 'arm64', undefined],
    ['amazon', '2023', 'arm64', 'amazon2023-arm64.zip'],
    ['windows', '10.0.17763', 'x86_64', 'windows-_any.zip'],
  ],
};
{
  const v: Verdict = {
    ok: false,
    // 40 ZIPs (limit 20); bash-only syntax in the ZIPs that reach Debian and Ubuntu, where sh is dash.
    errors: ['file-count', 'sh-bashism'],
    warnings: ['version-key-shadowed'],
    notErrors: ['ps1-bom'],
    forbidden: ['manifest-schema', 'version-key-unreported', 'script-kind-mismatch'],
  };
  crowdstrikeApi.verdicts = { prebuilt: v, config: v };
}

// ---------------------------------------------------------------- 3. AWS Distro for OpenTelemetry collector

const ADOT_HEADER = `# Part of the AWS Distro for OpenTelemetry collector's SSM Distributor package (Apache-2.0).
`;
const adotInstall = (installCmd: string) => `#!/usr/bin/env bash
${ADOT_HEADER}
set -e
set -u

echo 'Installing AWSDistroOTel-Collector.'

${installCmd}

readonly ctl='/opt/aws/aws-otel-collector/bin/aws-otel-collector-ctl'
readonly conf='/opt/aws/aws-otel-collector/etc/config.yaml'

# SSM_CONFIG (additionalArguments) carries a base64 collector config
if [ \${SSM_CONFIG:+has_config} ]; then
    echo "\${SSM_CONFIG}" | base64 -d > \${conf}
fi

"\${ctl}" -a start
`;
const adotUninstall = (removeCmd: string) => `#!/usr/bin/env bash
${ADOT_HEADER}
set -e
set -u

echo 'Uninstalling AWSDistroOTel-Collector.'

readonly ctl='/opt/aws/aws-otel-collector/bin/aws-otel-collector-ctl'
if [ -x "\${ctl}" ]; then
    "\${ctl}" -a stop
fi

${removeCmd}
`;
const ADOT_WIN_INSTALL = `${ADOT_HEADER}
Set-StrictMode -Version 2.0
$ErrorActionPreference = "Stop"

Write-Output 'Installing ADOTCollector.'
Start-Process msiexec.exe -Wait -ArgumentList '/i aws-otel-collector.msi'

$Ctl = "\${Env:ProgramFiles}\\Amazon\\AWSOTelCollector\\aws-otel-collector-ctl.ps1"
$Conf = "\${Env:ProgramFiles}\\Amazon\\AWSOTelCollector\\config.yaml"

if (Test-Path Env:SSM_CONFIG) {
    $Text = [System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String($Env:SSM_CONFIG))
    [System.IO.File]::WriteAllLines($Conf, $Text, (New-Object System.Text.UTF8Encoding $False))
}

& "\${Ctl}" -a start
`;
const ADOT_WIN_UNINSTALL = `${ADOT_HEADER}
Set-StrictMode -Version 2.0
$ErrorActionPreference = "Stop"

Write-Output 'Uninstalling ADOTCollector.'
$Ctl = "\${Env:ProgramFiles}\\Amazon\\AWSOTelCollector\\aws-otel-collector-ctl.ps1"
if (Test-Path -LiteralPath "\${Ctl}" -PathType Leaf) {
    & "\${Ctl}" -a stop
}

[System.Management.ManagementObject[]] $Products = Get-WmiObject -Class Win32_Product -Filter "Name='AWS OTel Collector'"
if ($Products) {
    for ($i = 0; $i -lt @($Products).Count; $i++) {
        @($Products)[$i].Uninstall()
    }
}
`;

const adotPayload = (key: string, targets: VendorTarget[]): VendorPayload => ({
  key,
  dir: key,
  zip: `${key}.zip`,
  targets,
});
// ssm_manifest.py: windows, amazon, ubuntu, debian, redhat, centos (x86_64 only), suse; every version _any.
const adotPayloads: VendorPayload[] = [
  adotPayload('windows-amd64-msi', [t('windows', '_any', 'x86_64')]),
  adotPayload(
    'linux-amd64-rpm',
    ['amazon', 'redhat', 'centos', 'suse'].map((p) => t(p, '_any', 'x86_64')),
  ),
  adotPayload(
    'linux-arm64-rpm',
    ['amazon', 'redhat', 'suse'].map((p) => t(p, '_any', 'arm64')),
  ),
  adotPayload(
    'linux-amd64-deb',
    ['ubuntu', 'debian'].map((p) => t(p, '_any', 'x86_64')),
  ),
  adotPayload(
    'linux-arm64-deb',
    ['ubuntu', 'debian'].map((p) => t(p, '_any', 'arm64')),
  ),
];
const ADOT_ORDER = ['windows', 'amazon', 'ubuntu', 'debian', 'redhat', 'centos', 'suse'];

const adot: VendorLayout = {
  id: 'adot-collector',
  source:
    'aws-observability/aws-otel-collector@ed0b1d595 tools/ssm (ssm_manifest.py, linux-*-rpm|deb/, windows-amd64-msi/)',
  about: '5 ZIPs, every version key _any, POSIX scripts with a bash shebang, RPM/DEB/MSI per architecture',
  name: 'AWSDistroOTel-Collector',
  version: '0.43.1',
  payloads: adotPayloads,
  folders: {
    'linux-amd64-rpm': {
      'install.sh': adotInstall('rpm -U --force ./aws-otel-collector.rpm'),
      'uninstall.sh': adotUninstall('rpm -e aws-otel-collector'),
      'aws-otel-collector.rpm': rpm('aws-otel-collector', '0.43.1', '1', 'x86_64'),
    },
    'linux-arm64-rpm': {
      'install.sh': adotInstall('rpm -U --force ./aws-otel-collector.rpm'),
      'uninstall.sh': adotUninstall('rpm -e aws-otel-collector'),
      'aws-otel-collector.rpm': rpm('aws-otel-collector', '0.43.1', '1', 'aarch64'),
    },
    'linux-amd64-deb': {
      'install.sh': adotInstall('dpkg -i -E ./aws-otel-collector.deb'),
      'uninstall.sh': adotUninstall('dpkg -r aws-otel-collector'),
      'aws-otel-collector.deb': deb('aws-otel-collector', '0.43.1-1', 'amd64'),
    },
    'linux-arm64-deb': {
      'install.sh': adotInstall('dpkg -i -E ./aws-otel-collector.deb'),
      'uninstall.sh': adotUninstall('dpkg -r aws-otel-collector'),
      'aws-otel-collector.deb': deb('aws-otel-collector', '0.43.1-1', 'arm64'),
    },
    'windows-amd64-msi': {
      'install.ps1': ADOT_WIN_INSTALL,
      'uninstall.ps1': ADOT_WIN_UNINSTALL,
      'aws-otel-collector.msi': msi(),
    },
  },
  // json.dump without indentation; packages in the script's dict order; files in aoc_files order.
  manifest: (zips) => {
    const pk = packagesOf(adotPayloads);
    return JSON.stringify({
      schemaVersion: '2.0',
      version: '0.43.1',
      packages: Object.fromEntries(ADOT_ORDER.map((p) => [p, pk[p]])),
      files: sha256Files(zips, [
        'linux-amd64-rpm.zip',
        'linux-arm64-rpm.zip',
        'linux-amd64-deb.zip',
        'linux-arm64-deb.zip',
        'windows-amd64-msi.zip',
      ]),
    });
  },
  forms: ['prebuilt', 'config'],
  verdicts: {},
  hosts: [
    ['amazon', '2023', 'arm64', 'linux-arm64-rpm.zip'],
    ['amazon', '2', 'x86_64', 'linux-amd64-rpm.zip'],
    ['redhat', '9.4', 'arm64', 'linux-arm64-rpm.zip'],
    ['centos', '7', 'x86_64', 'linux-amd64-rpm.zip'],
    ['centos', '8', 'arm64', undefined],
    ['suse', '15.5', 'arm64', 'linux-arm64-rpm.zip'],
    ['ubuntu', '22.04', 'x86_64', 'linux-amd64-deb.zip'],
    ['debian', '12', 'arm64', 'linux-arm64-deb.zip'],
    ['rocky', '9.3', 'x86_64', undefined],
    ['windows', '10.0.20348', 'x86_64', 'windows-amd64-msi.zip'],
    ['windows', '10.0.14393nano', 'x86_64', 'windows-amd64-msi.zip'],
  ],
};
{
  const v: Verdict = {
    ok: true,
    errors: [],
    // Right: AWS publishes a package of this name, and the agent installs AWS's before the account's own.
    warnings: ['name-aws-package'],
    forbidden: [
      'sh-bashism',
      'sh-pipefail',
      'ps1-bom',
      'installer-arch',
      'manifest-schema',
      'script-kind-mismatch',
    ],
  };
  adot.verdicts = { prebuilt: v, config: v };
}

// ---------------------------------------------------------------- 4. aws-samples/sample-ssm-converge

const CONVERGE_VERSION = '0.1.2';
const CONVERGE_INSTALL = `#!/bin/bash
# Distributor install for ssm-converge: the agent unpacks the ZIP into the working folder;
# copy the library into place and put the CLI on the PATH.

set -e

INSTALL_PATH="\${INSTALL_PATH:-/opt/ssm-converge}"
BIN_PATH="/usr/local/bin/ssm-converge"

echo "[ssm-converge] installing into $INSTALL_PATH"

# Start from a clean folder so no stale files stay behind.
if [ -d "$INSTALL_PATH" ]; then
  rm -rf "$INSTALL_PATH"
fi
mkdir -p "$INSTALL_PATH"

cp -r src/. "$INSTALL_PATH/"
install -m 0755 cli/ssm-converge "$BIN_PATH"
mkdir -p /var/lib/ssm-converge/history

VERSION=$(grep '^SSM_CONVERGE_VERSION=' "$INSTALL_PATH/lib.sh" | head -1 | cut -d'"' -f2)
echo "[ssm-converge] installed $VERSION"
`;
const CONVERGE_UNINSTALL = `#!/bin/bash
# Distributor uninstall for ssm-converge: removes the library and the CLI, keeps the compliance history.

set +e

INSTALL_PATH="\${INSTALL_PATH:-/opt/ssm-converge}"
BIN_PATH="/usr/local/bin/ssm-converge"

rm -rf "$INSTALL_PATH"
rm -f "$BIN_PATH"
echo "[ssm-converge] removed; history kept in /var/lib/ssm-converge/"
`;
// Library files the CLI sources with bash (never run by the agent's sh): bash-only syntax and box drawing.
const CONVERGE_LIB = `#!/bin/bash
# \u2550\u2550\u2550 ssm-converge library \u2550\u2550\u2550
SSM_CONVERGE_VERSION="${CONVERGE_VERSION}"

_log() {
  local level="$1"; shift
  printf '%s [%s] %s\\n' "$(date -u +%FT%TZ)" "$level" "$*"
}

declare -A RESOURCE_HANDLERS=()
register_resource() {
  RESOURCE_HANDLERS[$1]="$2"
}

converge_run() {
  local cfg="$1"
  if [[ ! -f "$cfg" ]]; then
    _log error "no such configuration: $cfg"
    return 1
  fi
  _log info "\u2500\u2500 converging $cfg"
}
`;
const CONVERGE_RESOURCE = `#!/bin/bash
# file resource \u2014 keeps a file's content, owner and mode
resource_file() {
  local path="$1" mode="\${2:-0644}"
  [[ -e "$path" ]] || touch "$path"
  chmod "$mode" "$path"
}
register_resource file resource_file
`;
const CONVERGE_CLI = `#!/bin/bash
# \u2550\u2550\u2550 ssm-converge command line \u2550\u2550\u2550
SSM_CONVERGE_VERSION="${CONVERGE_VERSION}"
source /opt/ssm-converge/lib.sh
case "\${1:-help}" in
  version|--version|-v) echo "$SSM_CONVERGE_VERSION" ;;
  run) converge_run "$2" ;;
  *) echo "usage: ssm-converge status|history|drift|run <config>|version" ;;
esac
`;
const CONVERGE_WIN_INSTALL = `# =============================================================================
# Distributor install for ssm-converge (Windows): copies the library and the CLI into place.
# =============================================================================

$ErrorActionPreference = 'Stop'

$InstallPath = if ($env:INSTALL_PATH) { $env:INSTALL_PATH } else { 'C:\\ProgramData\\ssm-converge' }
$CliPath = Join-Path $InstallPath 'ssm-converge.ps1'

Write-Host "[ssm-converge] installing into $InstallPath"
foreach ($old in @('lib.ps1', 'resources', 'ssm-converge.ps1')) {
    $p = Join-Path $InstallPath $old
    if (Test-Path $p) { Remove-Item -LiteralPath $p -Recurse -Force -ErrorAction SilentlyContinue }
}
$null = New-Item -ItemType Directory -Force -Path (Join-Path $InstallPath 'history')
Copy-Item -Path 'src\\lib.ps1' -Destination (Join-Path $InstallPath 'lib.ps1') -Force
Copy-Item -Path 'src\\resources' -Destination $InstallPath -Recurse -Force
Copy-Item -Path 'cli\\ssm-converge.ps1' -Destination $CliPath -Force
Write-Host "[ssm-converge] installed; run: & '$CliPath' help"
`;
const CONVERGE_WIN_UNINSTALL = `# Distributor uninstall for ssm-converge (Windows): keeps the compliance history.
$ErrorActionPreference = 'SilentlyContinue'
$InstallPath = if ($env:INSTALL_PATH) { $env:INSTALL_PATH } else { 'C:\\ProgramData\\ssm-converge' }
foreach ($old in @('lib.ps1', 'resources', 'ssm-converge.ps1')) {
    $p = Join-Path $InstallPath $old
    if (Test-Path $p) { Remove-Item -LiteralPath $p -Recurse -Force }
}
Write-Host "[ssm-converge] removed"
`;

const convergeZip = (suffix: string) => `ssm-converge-${CONVERGE_VERSION}-${suffix}.zip`;
const convergePayload = (key: string, dir: string, targets: VendorTarget[]): VendorPayload => ({
  key,
  dir,
  zip: convergeZip(key),
  fileTemplate: `ssm-converge-{version}-${key}.zip`,
  targets,
});
const CONVERGE_LINUX = ['amazon', 'redhat', 'ubuntu', 'debian'];
const convergePayloads: VendorPayload[] = [
  convergePayload(
    'linux-amd64',
    'linux',
    CONVERGE_LINUX.map((p) => t(p, '_any', 'x86_64')),
  ),
  convergePayload(
    'linux-arm64',
    'linux',
    CONVERGE_LINUX.map((p) => t(p, '_any', 'arm64')),
  ),
  convergePayload('windows-amd64', 'windows', [t('windows', '_any', 'x86_64')]),
];

const converge: VendorLayout = {
  id: 'sample-ssm-converge',
  source:
    'aws-samples/sample-ssm-converge@c7d4478 distributor/ (build-package.sh, install/uninstall .sh/.ps1)',
  about:
    'version in the ZIP names, `size` in every files entry, an extra top-level `name`, two identical Linux ZIPs',
  name: 'ssm-converge',
  version: CONVERGE_VERSION,
  publisher: 'ssm-converge',
  payloads: convergePayloads,
  folders: {
    linux: {
      'install.sh': CONVERGE_INSTALL,
      'uninstall.sh': CONVERGE_UNINSTALL,
      'src/lib.sh': CONVERGE_LIB,
      'src/resources/file.sh': CONVERGE_RESOURCE,
      'cli/ssm-converge': CONVERGE_CLI,
    },
    windows: {
      'install.ps1': CONVERGE_WIN_INSTALL,
      'uninstall.ps1': CONVERGE_WIN_UNINSTALL,
      'src/lib.ps1':
        "$script:SsmConvergeVersion = '0.1.2'\nfunction Write-ConvergeLog { param($Message) Write-Host $Message }\n",
      'src/resources/file.ps1':
        'function Invoke-FileResource { param($Path) if (-not (Test-Path $Path)) { New-Item $Path } }\n',
      'cli/ssm-converge.ps1':
        "param($Command = 'help')\n. 'C:\\ProgramData\\ssm-converge\\lib.ps1'\nWrite-Host \"ssm-converge $Command\"\n",
    },
  },
  // build-package.sh writes the manifest with a heredoc: `name` on top, and each files entry has a `size`
  // (the arm64 entry reuses the amd64 byte count: the two ZIPs are copies of one).
  manifest: (zips) => {
    const amd = convergeZip('linux-amd64');
    const arm = convergeZip('linux-arm64');
    const win = convergeZip('windows-amd64');
    const entry = (n: string, sizeOf = n) => ({
      checksums: { sha256: sha('sha256', zips.get(n)!) },
      size: zips.get(sizeOf)!.length,
    });
    return JSON.stringify(
      {
        schemaVersion: '2.0',
        publisher: 'ssm-converge',
        name: 'ssm-converge',
        version: CONVERGE_VERSION,
        packages: packagesOf(convergePayloads),
        files: { [amd]: entry(amd), [arm]: entry(arm, amd), [win]: entry(win) },
      },
      null,
      2,
    );
  },
  forms: ['prebuilt', 'config'],
  verdicts: {},
  hosts: [
    ['amazon', '2023', 'arm64', convergeZip('linux-arm64')],
    ['redhat', '9.4', 'x86_64', convergeZip('linux-amd64')],
    ['ubuntu', '24.04', 'arm64', convergeZip('linux-arm64')],
    ['debian', '12', 'x86_64', convergeZip('linux-amd64')],
    ['suse', '15.5', 'x86_64', undefined],
    ['windows', '10.0.17763', 'x86_64', convergeZip('windows-amd64')],
    ['windows', '10.0.20348', 'arm64', undefined],
  ],
};
converge.verdicts = {
  prebuilt: {
    ok: true,
    errors: [],
    warnings: ['manifest-unknown-key'], // the top-level `name`
    forbidden: ['manifest-schema', 'file-size-mismatch', 'sh-bashism', 'ps1-bom', 'script-kind-mismatch'],
  },
  config: {
    ok: true,
    errors: [],
    forbidden: ['file-name-pattern', 'sh-bashism', 'ps1-bom', 'script-kind-mismatch'],
  },
};

// ---------------------------------------------------------------- 5. Uptycs uptycs-state-manager

const UPTYCS_VERSION = '5.7.0.25';
const uptycsRpmInstall = (file: string) => `#!/bin/bash
#
# Installs the Uptycs agent RPM shipped in this ZIP
#
filename=${file}

rpm -ivh "$filename"`;
const UPTYCS_RPM_UNINSTALL = `#!/usr/bin/env bash

version=$(sudo rpm -qa 2>/dev/null | grep uptycs)
sudo rpm -e $version`;
const uptycsDebInstall = (file: string) => `#!/bin/bash
#
# Installs the Uptycs agent package shipped in this ZIP (Ubuntu)
#
filename=${file}

Install() {
  dpkg -i $filename
}

Install $filename`;
const uptycsDebUninstall = (service: string) => `#!/usr/bin/env sh

set -e

sudo systemctl stop ${service}
`;
const UPTYCS_WIN_MSI = 'assets-osquery-5.5.1.14-Uptycs-windows.msi';
const UPTYCS_WIN_INSTALL = `<#
.SYNOPSIS
    Installs the Uptycs agent MSI shipped in this ZIP
#>
[CmdletBinding()]
$filename = "${UPTYCS_WIN_MSI}"
$arguments = "/i \`"$filename\`" /qn"
Start-Process "msiexec.exe" -ArgumentList $arguments -Wait`;
const UPTYCS_WIN_UNINSTALL = `<#
.SYNOPSIS
    Removes the Uptycs agent
#>
$DisplayName = "Uptycs osquery agent"
$Key = "HKLM:\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall"
$Product = Get-ChildItem $Key | Where-Object { $_.GetValue("DisplayName") -eq $DisplayName } | Select-Object -First 1 -ExpandProperty PSChildName
$Code = (Get-ItemProperty "$Key\\$Product").ProductCode
Start-Process "msiexec.exe" -ArgumentList "/x \`"$Code\`" /qn" -Wait
`;

const UPTYCS_DIRS: [dir: string, platform: string, arch: string][] = [
  ['UPT_PRO_AMAZON2_x86_64', 'amazon', 'x86_64'],
  ['UPT_PRO_AMAZON2_ARM64', 'amazon', 'arm64'],
  ['UPT_PRO_REDHAT_x86_64', 'redhat', 'x86_64'],
  ['UPT_PRO_REDHAT_ARM64', 'redhat', 'arm64'],
  ['UPT_PRO_SUSE_x86_64', 'suse', 'x86_64'],
  ['UPT_PRO_UBUNTU_x86_64', 'ubuntu', 'x86_64'],
  ['UPT_PRO_UBUNTU_ARM64', 'ubuntu', 'arm64'],
  ['UPT_PRO_WINDOWS', 'windows', 'x86_64'],
];
const uptycsPayloads: VendorPayload[] = UPTYCS_DIRS.map(([dir, p, a]) => ({
  key: dir,
  dir,
  zip: `${dir}-${UPTYCS_VERSION}.zip`,
  fileTemplate: `${dir}-{version}.zip`,
  targets: [t(p, '_any', a)],
}));
function uptycsFolder(platform: string, arch: string): Record<string, string | Buffer> {
  if (platform === 'windows')
    return {
      'install.ps1': UPTYCS_WIN_INSTALL,
      'uninstall.ps1': UPTYCS_WIN_UNINSTALL,
      [UPTYCS_WIN_MSI]: msi(),
    };
  if (platform === 'ubuntu') {
    const file = `assets-uptycs-protect-${UPTYCS_VERSION}-Uptycs${arch === 'arm64' ? '.arm64' : ''}.deb`;
    return {
      'install.sh': uptycsDebInstall(file),
      'uninstall.sh': uptycsDebUninstall(arch === 'arm64' ? 'osquery-agent' : 'osqueryd'),
      [file]: deb('uptycs-protect', UPTYCS_VERSION, debArch(arch)),
    };
  }
  const file = `assets-uptycs-protect-${UPTYCS_VERSION}-Uptycs${arch === 'arm64' ? '.aarch64' : ''}.rpm`;
  return {
    'install.sh': uptycsRpmInstall(file),
    'uninstall.sh': UPTYCS_RPM_UNINSTALL,
    [file]: rpm('uptycs-protect', UPTYCS_VERSION, '1', rpmArch(arch)),
  };
}

const uptycs: VendorLayout = {
  id: 'uptycs',
  source:
    'jharris-uptycs/uptycs-state-manager@f2094e9 ssm-distributor-sources (uptycs-agent-mapping.json, UPT_PRO_*/, create_package.py)',
  about: '8 ZIPs named <dir>-<version>.zip, every version key _any, installers named by the vendor',
  name: 'UptycsAgent',
  version: UPTYCS_VERSION,
  publisher: 'Uptycs.',
  description: 'Uptycs osquery agent for Linux and Windows',
  payloads: uptycsPayloads,
  folders: Object.fromEntries(UPTYCS_DIRS.map(([dir, p, a]) => [dir, uptycsFolder(p, a)])),
  // create_package.py: json.dumps without indentation.
  manifest: (zips) =>
    JSON.stringify({
      schemaVersion: '2.0',
      publisher: 'Uptycs.',
      description: 'Uptycs osquery agent for Linux and Windows',
      version: UPTYCS_VERSION,
      packages: packagesOf(uptycsPayloads),
      files: sha256Files(zips, zipNames(uptycsPayloads)),
    }),
  forms: ['prebuilt', 'config'],
  verdicts: {},
  hosts: [
    ['amazon', '2023', 'arm64', `UPT_PRO_AMAZON2_ARM64-${UPTYCS_VERSION}.zip`],
    ['amazon', '2', 'x86_64', `UPT_PRO_AMAZON2_x86_64-${UPTYCS_VERSION}.zip`],
    ['redhat', '8.10', 'arm64', `UPT_PRO_REDHAT_ARM64-${UPTYCS_VERSION}.zip`],
    ['suse', '15.5', 'x86_64', `UPT_PRO_SUSE_x86_64-${UPTYCS_VERSION}.zip`],
    ['suse', '15.5', 'arm64', undefined],
    ['ubuntu', '22.04', 'arm64', `UPT_PRO_UBUNTU_ARM64-${UPTYCS_VERSION}.zip`],
    ['debian', '12', 'x86_64', undefined],
    ['windows', '10.0.20348', 'x86_64', `UPT_PRO_WINDOWS-${UPTYCS_VERSION}.zip`],
  ],
};
{
  const v: Verdict = {
    ok: true,
    errors: [],
    forbidden: ['sh-bashism', 'ps1-bom', 'installer-arch', 'file-name-pattern', 'script-kind-mismatch'],
  };
  uptycs.verdicts = { prebuilt: v, config: v };
}

// ---------------------------------------------------------------- 6. udondan/cdk-ssm-document

const cdkPayloads: VendorPayload[] = [
  {
    key: 'package',
    dir: 'package',
    zip: 'package.zip',
    targets: [t('_any', '_any', 'x86_64')],
    zipArgs: ['-0'],
  },
];
const cdk: VendorLayout = {
  id: 'cdk-ssm-document',
  source: 'udondan/cdk-ssm-document@e63448d test/documents/distributor/v1 (manifest.json, package.zip)',
  about:
    'platform _any with a shell-only ZIP (Windows x86_64 hosts get it too), scripts without a shebang, stored ZIP',
  name: 'Test-Distribution-Package',
  version: '1.0',
  publisher: 'test-cdk-ssm-document',
  description: 'doing 1.0 things',
  payloads: cdkPayloads,
  folders: {
    package: {
      'install.sh': 'echo "pretend to install it"\n',
      'uninstall.sh': 'echo "pretend to remove it"\n',
      'update.sh': 'echo "pretend to update it"\n',
    },
  },
  // The test fixture's manifest: keys in this order, two-space indentation.
  manifest: (zips) =>
    JSON.stringify(
      {
        files: sha256Files(zips, ['package.zip']),
        publisher: 'test-cdk-ssm-document',
        schemaVersion: '2.0',
        description: 'doing 1.0 things',
        packages: packagesOf(cdkPayloads),
        version: '1.0',
      },
      null,
      2,
    ),
  forms: ['prebuilt', 'config'],
  verdicts: {},
  hosts: [
    ['amazon', '2023', 'x86_64', 'package.zip'],
    ['ubuntu', '22.04', 'x86_64', 'package.zip'],
    ['amazon', '2023', 'arm64', undefined],
    ['windows', '10.0.20348', 'x86_64', 'package.zip'], // and then finds no install.ps1
  ],
};
{
  const v: Verdict = {
    ok: true,
    errors: [],
    warnings: ['script-kind-mismatch'],
    forbidden: ['script-missing', 'sh-bashism'],
  };
  cdk.verdicts = { prebuilt: v, config: v };
}

// ---------------------------------------------------------------- 7. atheiman/ssm-distributor-example

const atheimanPayloads: VendorPayload[] = [
  { key: 'windows', dir: 'windows', zip: 'windows.zip', targets: [t('windows', '_any', '_any')] },
  {
    key: 'linux',
    dir: 'linux',
    zip: 'linux.zip',
    targets: [
      'amazon',
      'centos',
      'debian',
      'opensuse',
      'opensuseleap',
      'oracle',
      'redhat',
      'suse',
      'ubuntu',
    ].map((p) => t(p, '_any', '_any')),
  },
];
const ATHEIMAN_CONFIG = '{\n  "a": "A",\n  "b": ["be", "bee"]\n}\n';
const atheimanScript = (verb: string, cmd: string) => `#!/bin/sh

echo "${verb} the config file..."

${cmd}
`;
const atheiman: VendorLayout = {
  id: 'atheiman-example',
  source:
    'atheiman/ssm-distributor-example@13cb96f (manifest.json, linux/, windows/; ZIPs made by hand with zip -j)',
  about:
    'hand-written manifest with checksums typed in, folders beside it, arch _any everywhere, opensuse platforms',
  name: 'ssm-distributor-example',
  version: '1.0.4',
  publisher: 'AustinHeiman',
  payloads: atheimanPayloads,
  folders: {
    linux: {
      'config-file.json': ATHEIMAN_CONFIG,
      'install.sh': atheimanScript('Installing', 'cp -v ./config-file.json /tmp/config-file.json'),
      'uninstall.sh': atheimanScript('Removing', 'rm -fv /tmp/config-file.json'),
      'update.sh': atheimanScript('Updating', 'cp -v ./config-file.json /tmp/config-file.json'),
    },
    windows: {
      'config-file.json': ATHEIMAN_CONFIG.replaceAll('\n', '\r\n'),
      'install.ps1':
        "Write-Output 'Installing the config file...'\n\n# call the installer here, e.g. msiexec /i Example.msi /quiet\n",
      'uninstall.ps1':
        "Write-Output 'Removing the config file...'\n\n# call the uninstaller here, e.g. msiexec /x Example.msi /quiet\n",
      'update.ps1': "Write-Output 'Updating the config file...'\n\n# call the installer here\n",
    },
  },
  manifest: (zips) =>
    JSON.stringify(
      {
        schemaVersion: '2.0',
        version: '1.0.4',
        publisher: 'AustinHeiman',
        packages: packagesOf(atheimanPayloads),
        files: sha256Files(zips, ['windows.zip', 'linux.zip']),
      },
      null,
      2,
    ),
  forms: ['folders', 'prebuilt', 'config'],
  verdicts: {},
  hosts: [
    ['windows', '10.0.26100', 'arm64', 'windows.zip'],
    ['windows', '6.3.9600', 'x86_64', 'windows.zip'],
    ['opensuseleap', '15.5', 'x86_64', 'linux.zip'],
    ['ubuntu', '24.04', 'arm64', 'linux.zip'],
    ['debian', '11', '386', 'linux.zip'],
    ['rocky', '9.3', 'x86_64', undefined],
  ],
};
{
  const v: Verdict = { ok: true, errors: [], forbidden: ['sh-bashism', 'ps1-bom', 'script-kind-mismatch'] };
  // The checksums in the repository's manifest.json are typed in by hand: stale for ZIPs built from the folders.
  atheiman.verdicts = { folders: { ...v, notices: ['checksum-recomputed'] }, prebuilt: v, config: v };
}

// ---------------------------------------------------------------- 8. aws-organization-centralised-package-distribution

const awsOrgPayloads: VendorPayload[] = [
  {
    key: 'package',
    dir: 'package',
    zip: 'aws-cli.zip',
    targets: [t('windows', '_any', 'x86_64'), t('amazon', '_any', 'x86_64')],
  },
];
const awsOrg: VendorLayout = {
  id: 'aws-org-centralised',
  source:
    'aws-samples/aws-organization-centralised-package-distribution@fbfe445 account-customization (distribution-manifest.json, package/, data.tf, main.tf)',
  about:
    'one ZIP with both .sh and .ps1 scripts for Windows and Amazon Linux; Terraform puts archive_file output_sha (SHA-1) in the sha256 slot',
  name: 'test_AddSoftwarePackageToDistributor',
  version: '1.0',
  payloads: awsOrgPayloads,
  folders: {
    package: {
      '.DS_Store': Buffer.from('00000001427564310000100000000800', 'hex'),
      'install.ps1': 'msiexec /i PowerShell-7.3.5-win-x64.msi /quiet\n',
      'install.sh': 'sudo yum -y install powershell-7.3.5-1.rh.x86_64.rpm\n',
      'uninstall.ps1': 'msiexec /x PowerShell-7.3.5-win-x64.msi /quiet\n',
      'uninstall.sh': 'sudo yum remove -y powershell-7.3.5-1.rh.x86_64.rpm\n',
      'PowerShell-7.3.5-win-x64.msi': msi(),
      'powershell-7.3.5-1.rh.x86_64.rpm': rpm('powershell', '7.3.5', '1.rh', 'x86_64'),
    },
  },
  // templatefile() of distribution-manifest.json (four-space indentation) with calculated_sha = output_sha.
  manifest: (zips) =>
    JSON.stringify(
      {
        schemaVersion: '2.0',
        version: '1.0',
        packages: packagesOf(awsOrgPayloads),
        files: { 'aws-cli.zip': { checksums: { sha256: sha('sha1', zips.get('aws-cli.zip')!) } } },
      },
      null,
      4,
    ),
  forms: ['prebuilt', 'config'],
  verdicts: {
    prebuilt: {
      ok: false,
      errors: ['checksum-format', 'script-duplicate', 'script-mixed-platforms'],
      forbidden: ['installer-arch', 'manifest-schema'],
    },
    config: {
      ok: false,
      errors: ['script-duplicate', 'script-mixed-platforms'],
      forbidden: ['installer-arch'],
    },
  },
  hosts: [
    ['amazon', '2023', 'x86_64', 'aws-cli.zip'],
    ['amazon', '2', 'arm64', undefined],
    ['windows', '10.0.20348', 'x86_64', 'aws-cli.zip'],
    ['redhat', '9.4', 'x86_64', undefined],
  ],
};

export const VENDORS: readonly VendorLayout[] = [
  crowdstrikeBinary,
  crowdstrikeApi,
  adot,
  converge,
  uptycs,
  cdk,
  atheiman,
  awsOrg,
];

// ---------------------------------------------------------------- writing the trees

const q = (s: string) => JSON.stringify(s);

/** distributor.yaml for the layout: one payload per ZIP, its folder, its `file:` and its targets. */
export function configYaml(v: VendorLayout): string {
  const lines = [`# ${v.id}: rebuilt from ${v.source}`, `name: ${v.name}`, `version: ${q(v.version)}`];
  if (v.publisher) lines.push(`publisher: ${q(v.publisher)}`);
  if (v.description) lines.push(`description: ${q(v.description)}`);
  lines.push('payloads:');
  for (const p of v.payloads) {
    lines.push(`  ${p.key}:`);
    if (p.dir !== p.key) lines.push(`    path: ${p.dir}`);
    const file = p.fileTemplate ?? p.zip;
    if (file !== `${p.key}.zip`) lines.push(`    file: ${q(file)}`);
    lines.push('    targets:');
    for (const x of p.targets)
      lines.push(`      - { platform: ${x.platform}, version: ${q(x.version)}, arch: ${x.arch} }`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes each payload folder under `root`. */
function writeFolders(v: VendorLayout, root: string): void {
  for (const [dir, files] of Object.entries(v.folders)) {
    writeTree(root, Object.fromEntries(Object.entries(files).map(([f, body]) => [`${dir}/${f}`, body])));
  }
}

/** Each ZIP of the layout, made from its folder by Info-ZIP (identical folders give identical bytes). */
function makeZips(v: VendorLayout, stage: string, out: string): Map<string, Buffer> {
  const zips = new Map<string, Buffer>();
  const byDir = new Map<string, string>();
  for (const p of v.payloads) {
    if (zips.has(p.zip)) continue;
    const target = path.join(out, p.zip);
    const same = byDir.get(p.dir);
    if (same) copyFileSync(same, target);
    else {
      infoZip(path.join(stage, p.dir), target, p.zipArgs ?? []);
      byDir.set(p.dir, target);
    }
    zips.set(p.zip, readFileSync(target));
  }
  return zips;
}

/**
 * Writes the layout in one form into a new temp folder named after the package, and returns that folder.
 * `folders`: the manifest's checksums are the ones a person typed in before zipping (stale).
 */
export function writeVendor(v: VendorLayout, form: Form): string {
  const root = path.join(tempDir(`vendor-${v.id}-${form}-`), v.name);
  mkdirSync(root);
  if (form === 'config') {
    writeFolders(v, root);
    writeFileSync(path.join(root, 'distributor.yaml'), configYaml(v));
    return root;
  }
  const stage = tempDir('vendor-stage-');
  writeFolders(v, stage);
  const zips = makeZips(v, stage, form === 'prebuilt' ? root : tempDir('vendor-zips-'));
  if (form === 'folders') {
    writeFolders(v, root);
    const stale = new Map([...zips.keys()].map((n) => [n, Buffer.from(`typed in by hand for ${n}`)]));
    writeFileSync(path.join(root, 'manifest.json'), v.manifest(stale));
  } else {
    writeFileSync(path.join(root, 'manifest.json'), v.manifest(zips));
  }
  return root;
}

/** The layout with some payload files replaced (a broken variant, e.g. an installer for the wrong architecture). */
export function variant(
  v: VendorLayout,
  id: string,
  patch: Record<string, Record<string, string | Buffer>>,
): VendorLayout {
  const folders = { ...v.folders };
  for (const [dir, files] of Object.entries(patch)) folders[dir] = { ...folders[dir], ...files };
  return { ...v, id, folders };
}
