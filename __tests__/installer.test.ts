// installer-arch: the architecture an RPM, .deb, MSI or EXE is built for, read from its first bytes (or its
// name), against the architectures the payload is mapped to. Real-format files are built here by small
// writers, and by rpmbuild, dpkg-deb and msibuild where they are installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../src/package/build.js';
import {
  archFromBytes,
  archFromName,
  INSTALLER_READ_BYTES,
  installerArch,
  type InstallerKind,
} from '../src/package/rules/installer/index.js';
import type { Diagnostic, PayloadContent, PayloadEntry } from '../src/package/types.js';
import { sha256 } from './support/hash.js';
import {
  cleanupTemp,
  infoZip,
  PS1_INSTALL,
  PS1_UNINSTALL,
  SH_INSTALL,
  SH_UNINSTALL,
  type Spec,
  tempDir,
  writeTree,
} from './support/pkg.js';

afterAll(cleanupTemp);

// --- Writers of the real formats (only the parts the rule reads, laid out as the tools lay them out).

/** An RPM header structure: magic, counts, 16-byte index entries, then the data store. */
function rpmHeader(entries: { tag: number; type: number; data: Buffer; count?: number }[]): Buffer {
  const index: Buffer[] = [];
  const store: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const ie = Buffer.alloc(16);
    ie.writeUInt32BE(e.tag, 0);
    ie.writeUInt32BE(e.type, 4);
    ie.writeUInt32BE(offset, 8);
    ie.writeUInt32BE(e.count ?? 1, 12);
    index.push(ie);
    store.push(e.data);
    offset += e.data.length;
  }
  const head = Buffer.alloc(16);
  head.writeUInt32BE(0x8eade801, 0);
  head.writeUInt32BE(entries.length, 8);
  head.writeUInt32BE(offset, 12);
  return Buffer.concat([head, ...index, ...store]);
}

const cstr = (s: string) => Buffer.from(`${s}\0`, 'latin1');

/** An RPM: the 96-byte lead, a signature header (padded to 8 bytes), the main header with RPMTAG_ARCH. */
function rpm(arch: string | undefined, opts: { leadType?: number; payload?: number } = {}): Buffer {
  const lead = Buffer.alloc(96);
  lead.writeUInt32BE(0xedabeedb, 0);
  lead[4] = 3;
  lead.writeUInt16BE(opts.leadType ?? 0, 6);
  lead.writeUInt16BE(1, 8); // archnum 1: i386 and x86_64 alike, which is why the rule never reads it
  lead.write('acme-agent-1.0-1', 10, 'latin1');
  lead.writeUInt16BE(1, 76);
  lead.writeUInt16BE(5, 78);
  const sig = rpmHeader([
    { tag: 1000, type: 4, data: Buffer.from([0, 0, 16, 0]) }, // SIGTAG_SIZE
    { tag: 1004, type: 7, data: Buffer.alloc(16, 0xab), count: 16 }, // SIGTAG_MD5
  ]);
  const pad = Buffer.alloc((8 - (sig.length % 8)) % 8);
  const main = rpmHeader([
    { tag: 1000, type: 6, data: cstr('acme-agent') },
    { tag: 1001, type: 6, data: cstr('1.0') },
    { tag: 1002, type: 6, data: cstr('1') },
    { tag: 1004, type: 9, data: cstr('The Acme agent') },
    { tag: 1005, type: 9, data: cstr('A long description. '.repeat(50)) },
    { tag: 1021, type: 6, data: cstr('linux') },
    ...(arch === undefined ? [] : [{ tag: 1022, type: 6, data: cstr(arch) }]),
  ]);
  return Buffer.concat([lead, sig, pad, main, Buffer.alloc(opts.payload ?? 256, 0x5a)]);
}

/** One ustar member. */
function tarEntry(name: string, body: Buffer, type = '0'): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'utf8');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(type, 156, 'latin1');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return Buffer.concat([h, body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}

const tar = (members: Buffer[]) => Buffer.concat([...members, Buffer.alloc(1024)]);

function arMember(name: string, data: Buffer): Buffer {
  const h = `${name.padEnd(16)}${'0'.padEnd(12)}${'0'.padEnd(6)}${'0'.padEnd(6)}${'100644'.padEnd(8)}${String(data.length).padEnd(10)}\`\n`;
  return Buffer.concat([Buffer.from(h, 'latin1'), data, Buffer.alloc(data.length % 2, 0x0a)]);
}

/** A .deb: debian-binary, control.tar.gz (or .tar, or .xz), data.tar.gz. */
function deb(arch: string, control: 'gz' | 'tar' | 'xz' = 'gz', extra: Buffer[] = []): Buffer {
  const controlFile = Buffer.from(
    `Package: acme-agent\nVersion: 1.0-1\nArchitecture: ${arch}\nMaintainer: Acme <ops@example.com>\nDescription: the Acme agent\n`,
  );
  const controlTar = tar([
    tarEntry('./', Buffer.alloc(0), '5'),
    ...extra,
    tarEntry('./control', controlFile),
  ]);
  const member =
    control === 'gz'
      ? arMember('control.tar.gz', zlib.gzipSync(controlTar))
      : control === 'tar'
        ? arMember('control.tar', controlTar)
        : arMember('control.tar.xz', Buffer.from('\xfd7zXZ\0 not really xz', 'latin1'));
  return Buffer.concat([
    Buffer.from('!<arch>\n', 'latin1'),
    arMember('debian-binary', Buffer.from('2.0\n')),
    member,
    arMember('data.tar.gz', zlib.gzipSync(tar([]))),
  ]);
}

/** A PE file: MZ header, e_lfanew, PE signature, COFF machine. */
function pe(machine: number): Buffer {
  const b = Buffer.alloc(1024);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(machine, 0x84);
  return b;
}

/**
 * An MSI: an OLE compound file (512-byte sectors: FAT, directory, mini FAT, mini stream) whose
 * "\x05SummaryInformation" property set has PIDSI_TEMPLATE = `template`.
 */
function msi(template: string): Buffer {
  const FREE = 0xffffffff;
  const END = 0xfffffffe;
  const str = Buffer.from(`${template}\0`, 'latin1');
  const value = Buffer.alloc(8 + Math.ceil(str.length / 4) * 4);
  value.writeUInt32LE(0x1e, 0);
  value.writeUInt32LE(str.length, 4);
  str.copy(value, 8);
  const section = Buffer.alloc(16 + value.length);
  section.writeUInt32LE(section.length, 0);
  section.writeUInt32LE(1, 4);
  section.writeUInt32LE(7, 8);
  section.writeUInt32LE(16, 12);
  value.copy(section, 16);
  const ps = Buffer.alloc(48 + section.length);
  ps.writeUInt16LE(0xfffe, 0);
  ps.writeUInt32LE(0x00020006, 4);
  ps.writeUInt32LE(1, 24);
  Buffer.from('e0859ff2f94f6810ab9108002b27b3d9', 'hex').copy(ps, 28);
  ps.writeUInt32LE(48, 44);
  section.copy(ps, 48);
  const miniSectors = Math.ceil(ps.length / 64);
  const sector = () => Buffer.alloc(512, 0xff);
  const fat = sector();
  fat.writeUInt32LE(0xfffffffd, 0);
  for (const n of [1, 2, 3]) fat.writeUInt32LE(END, n * 4);
  const miniFat = sector();
  for (let i = 0; i < miniSectors; i++) miniFat.writeUInt32LE(i + 1 < miniSectors ? i + 1 : END, i * 4);
  const dirEntry = (name: string, type: number, start: number, size: number, child = FREE) => {
    const e = Buffer.alloc(128);
    e.write(name, 0, 'utf16le');
    e.writeUInt16LE((name.length + 1) * 2, 0x40);
    e[0x42] = type;
    e[0x43] = 1;
    e.writeUInt32LE(FREE, 0x44);
    e.writeUInt32LE(FREE, 0x48);
    e.writeUInt32LE(child, 0x4c);
    e.writeUInt32LE(start, 0x74);
    e.writeUInt32LE(size, 0x78);
    return e;
  };
  const dir = Buffer.concat([
    dirEntry('Root Entry', 5, 3, miniSectors * 64, 1),
    dirEntry('\u0005SummaryInformation', 2, 0, ps.length),
    Buffer.alloc(256),
  ]);
  const mini = Buffer.alloc(512);
  ps.copy(mini);
  const header = Buffer.alloc(512);
  Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(header);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x2c);
  header.writeUInt32LE(1, 0x30);
  header.writeUInt32LE(4096, 0x38);
  header.writeUInt32LE(2, 0x3c);
  header.writeUInt32LE(1, 0x40);
  header.writeUInt32LE(END, 0x44);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i === 0 ? 0 : FREE, 0x4c + i * 4);
  return Buffer.concat([header, fat, dir, miniFat, mini]);
}

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

// --- Parsers

describe('the architecture from the first bytes', () => {
  it.each([
    ['x86_64', ['x86_64']],
    ['aarch64', ['arm64']],
    ['i686', ['386', 'x86_64']],
    ['armv7hl', ['arm']],
    ['ppc64le', []],
  ])('RPM header arch %s fits %j', async (arch, fits) => {
    expect(await archFromBytes('rpm', rpm(arch))).toEqual({
      written: arch,
      fits,
      any: false,
      how: 'RPM header',
    });
  });

  it('a noarch RPM fits every architecture; a source RPM, an unknown arch or no arch tag says nothing', async () => {
    expect(await archFromBytes('rpm', rpm('noarch'))).toMatchObject({
      any: true,
      fits: ['x86_64', 'arm64', '386', 'arm'],
    });
    expect(await archFromBytes('rpm', rpm('x86_64', { leadType: 1 }))).toBeUndefined();
    expect(await archFromBytes('rpm', rpm('sparc64v'))).toBeUndefined();
    expect(await archFromBytes('rpm', rpm(undefined))).toBeUndefined();
  });

  it.each([
    ['amd64', ['x86_64']],
    ['arm64', ['arm64']],
    ['i386', ['386']],
    ['armhf', ['arm']],
  ])('Debian control Architecture %s fits %j (control.tar.gz and control.tar)', async (arch, fits) => {
    const want = { written: arch, fits, any: false, how: 'Debian control file' };
    expect(await archFromBytes('deb', deb(arch))).toEqual(want);
    expect(await archFromBytes('deb', deb(arch, 'tar'))).toEqual(want);
  });

  it('Architecture: all fits every architecture; control.tar.xz has no decoder here (the name decides)', async () => {
    expect(await archFromBytes('deb', deb('all'))).toMatchObject({ any: true, written: 'all' });
    expect(await archFromBytes('deb', deb('amd64', 'xz'))).toBeUndefined();
  });

  it('finds ./control after other members of the control tar', async () => {
    const md5sums = tarEntry('./md5sums', Buffer.from('0'.repeat(32) + '  usr/bin/acme\n'.repeat(2000)));
    expect(
      await archFromBytes(
        'deb',
        deb('arm64', 'gz', [tarEntry('./conffiles', Buffer.from('/etc/acme\n')), md5sums]),
      ),
    ).toMatchObject({ written: 'arm64' });
  });

  it.each([
    [0x14c, 'x86 (32-bit)', ['386', 'x86_64', 'arm64']],
    [0x8664, 'x64', ['x86_64', 'arm64']],
    [0xaa64, 'ARM64', ['arm64']],
    [0x1c4, 'ARMv7 (32-bit)', ['arm']],
  ])('PE machine 0x%s is %s, fits %j', async (machine, written, fits) => {
    const want = { written, fits, any: false, how: 'PE header' };
    expect(await archFromBytes('exe', pe(machine))).toEqual(want);
  });

  it.each([
    ['x64;1033', 'x64', ['x86_64', 'arm64']],
    ['Intel;1033', 'Intel (32-bit x86)', ['386', 'x86_64', 'arm64']],
    [';1033', 'Intel (32-bit x86)', ['386', 'x86_64', 'arm64']],
    ['Arm64;1033,1031', 'Arm64', ['arm64']],
  ])('MSI Template %s is %s', async (template, written, fits) => {
    expect(await archFromBytes('msi', msi(template))).toEqual({
      written,
      fits,
      any: false,
      how: 'MSI summary information',
    });
  });

  it('an MSI Template it does not know says nothing', async () => {
    expect(await archFromBytes('msi', msi('Alpha;1033'))).toBeUndefined();
  });
});

describe('real packages made by the tools', () => {
  it.skipIf(!has('rpmbuild'))('rpmbuild: x86_64, aarch64 and noarch RPMs', async () => {
    const top = tempDir();
    mkdirSync(path.join(top, 'SPECS'));
    const spec = path.join(top, 'SPECS', 'acme.spec');
    writeFileSync(
      spec,
      'Name: acme-agent\nVersion: 1.0\nRelease: 1\nSummary: test\nLicense: MIT\n%description\nTest.\n%files\n',
    );
    for (const target of ['x86_64-linux', 'aarch64-linux'])
      execFileSync('rpmbuild', ['--define', `_topdir ${top}`, '--target', target, '-bb', spec], {
        stdio: 'ignore',
      });
    writeFileSync(
      spec,
      readFileSync(spec, 'utf8').replace('%description', 'BuildArch: noarch\n%description'),
    );
    execFileSync('rpmbuild', ['--define', `_topdir ${top}`, '-bb', spec], { stdio: 'ignore' });
    const found: Record<string, unknown> = {};
    for (const arch of readdirSync(path.join(top, 'RPMS'))) {
      const [file] = readdirSync(path.join(top, 'RPMS', arch));
      const head = readFileSync(path.join(top, 'RPMS', arch, file!)).subarray(0, INSTALLER_READ_BYTES);
      found[arch] = await archFromBytes('rpm', head);
    }
    expect(found).toEqual({
      aarch64: { written: 'aarch64', fits: ['arm64'], any: false, how: 'RPM header' },
      noarch: { written: 'noarch', fits: ['x86_64', 'arm64', '386', 'arm'], any: true, how: 'RPM header' },
      x86_64: { written: 'x86_64', fits: ['x86_64'], any: false, how: 'RPM header' },
    });
  });

  it.skipIf(!has('dpkg-deb'))('dpkg-deb: gzip and xz control members', async () => {
    const dir = tempDir();
    writeTree(dir, {
      'pkg/DEBIAN/control':
        'Package: acme-agent\nVersion: 1.0\nArchitecture: arm64\nMaintainer: A <a@example.com>\nDescription: test\n',
    });
    const gz = path.join(dir, 'gz.deb');
    const xz = path.join(dir, 'xz.deb');
    execFileSync('dpkg-deb', ['--build', '-Zgzip', path.join(dir, 'pkg'), gz], { stdio: 'ignore' });
    execFileSync('dpkg-deb', ['--build', '-Zxz', path.join(dir, 'pkg'), xz], { stdio: 'ignore' });
    expect(await archFromBytes('deb', readFileSync(gz))).toEqual({
      written: 'arm64',
      fits: ['arm64'],
      any: false,
      how: 'Debian control file',
    });
    expect(await archFromBytes('deb', readFileSync(xz))).toBeUndefined();
  });

  it.skipIf(!has('msibuild'))('msibuild: the Template of a real MSI', async () => {
    const dir = tempDir();
    const found: unknown[] = [];
    for (const template of ['x64;1033', 'Intel;1033', 'Arm64;1033']) {
      const file = path.join(dir, `${template.split(';')[0]}.msi`);
      execFileSync('msibuild', [
        file,
        '-s',
        'Acme agent',
        'Acme Corp',
        template,
        '{6E2F3D9A-6B8E-4C57-9E51-0C5B7A3D2F10}',
      ]);
      found.push((await archFromBytes('msi', readFileSync(file).subarray(0, INSTALLER_READ_BYTES)))?.written);
    }
    expect(found).toEqual(['x64', 'Intel (32-bit x86)', 'Arm64']);
  });
});

describe('the architecture from the file name (the fallback)', () => {
  it.each<[InstallerKind, string, string | undefined]>([
    ['rpm', 'acme-agent-1.2.0-1.el9.x86_64.rpm', 'x86_64'],
    ['rpm', 'acme-agent-x86_64.rpm', 'x86_64'],
    ['rpm', 'falcon-sensor-7.10.0-16303.amzn2023.aarch64.rpm', 'aarch64'],
    ['rpm', 'acme-agent-1.0-1.noarch.rpm', 'noarch'],
    ['rpm', 'acme-agent-1.0-1.i686.rpm', 'i686'],
    ['rpm', 'acme-agent.rpm', undefined],
    ['rpm', 'acme-x86_64-and-aarch64.rpm', undefined],
    ['deb', 'acme-agent_1.2.0_amd64.deb', 'amd64'],
    ['deb', 'acme-agent_1.2.0_arm64.deb', 'arm64'],
    ['deb', 'acme-agent_1.2.0_all.deb', 'all'],
    ['deb', 'install-all-tools.deb', undefined],
    ['msi', 'AcmeAgent-x64.msi', 'x64'],
    ['msi', 'AcmeAgent_win64.msi', 'win64'],
    ['msi', 'AcmeAgent-win32-x64.msi', 'x64'],
    ['msi', 'AcmeAgent-arm64.msi', 'arm64'],
    ['exe', 'vc_redist.x86.exe', 'x86'],
    ['exe', 'setup.exe', undefined],
    ['exe', 'setup-x86-x64.exe', undefined],
  ])('%s %s → %s', (kind, name, written) => {
    const got = archFromName(kind, `sub/dir/${name}`);
    expect(got?.written).toBe(written);
    if (got) expect(got.how).toBe('file name');
  });
});

describe('hostile bytes: no throw, no hang, nothing said', () => {
  const samples: [InstallerKind, Buffer][] = [
    ['rpm', rpm('x86_64')],
    ['deb', deb('amd64')],
    ['deb', deb('amd64', 'tar')],
    ['exe', pe(0x8664)],
    ['msi', msi('x64;1033')],
  ];

  it('every truncation of a valid file gives its architecture or nothing', async () => {
    for (const [kind, full] of samples) {
      const want = (await archFromBytes(kind, full))!.written;
      for (let n = 0; n < full.length; n += full.length > 4096 ? 7 : 1) {
        const got = await archFromBytes(kind, full.subarray(0, n));
        if (got) expect(got.written, `${kind} cut at ${n}`).toBe(want);
      }
    }
  });

  it('random bytes, and valid files with random bytes overwritten', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...samples),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 40 }),
        fc.uint8Array({ maxLength: 700 }),
        async ([kind, full], edits, noise) => {
          const b = Buffer.from(full);
          for (const [at, v] of edits) b[at % b.length] = v;
          await archFromBytes(kind, b);
          await archFromBytes(kind, Buffer.concat([full.subarray(0, 8), Buffer.from(noise)]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts and sizes that point far away are refused, not followed', async () => {
    const r = rpm('x86_64');
    r.writeUInt32BE(0xffffffff, 96 + 8); // signature nindex
    expect(await archFromBytes('rpm', r)).toBeUndefined();
    const r2 = rpm('x86_64');
    r2.writeUInt32BE(0x7fffffff, 96 + 12); // signature hsize: the main header would be 2 GiB away
    expect(await archFromBytes('rpm', r2)).toBeUndefined();
    const d = deb('amd64');
    d.write('9999999999', 8 + 48, 'latin1'); // debian-binary's size
    expect(await archFromBytes('deb', d)).toBeUndefined();
    const p = pe(0x8664);
    p.writeUInt32LE(0xfffffff0, 0x3c);
    expect(await archFromBytes('exe', p)).toBeUndefined();
    const m = msi('x64;1033');
    m.writeUInt32LE(1, 512 + 4); // FAT: the directory sector chains to itself
    expect(await archFromBytes('msi', m)).toBeUndefined();
    const m2 = msi('x64;1033');
    m2.writeUInt32LE(0, 512 * 3); // mini FAT: the summary stream's first mini sector chains to itself
    expect(await archFromBytes('msi', m2)).toBeUndefined();
  });

  it('a gzip bomb in place of control.tar.gz is unpacked to a bounded prefix only', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const b = Buffer.concat([
      Buffer.from('!<arch>\n', 'latin1'),
      arMember('debian-binary', Buffer.from('2.0\n')),
      arMember('control.tar.gz', bomb),
    ]).subarray(0, INSTALLER_READ_BYTES);
    expect(await archFromBytes('deb', b)).toBeUndefined();
  });

  it('reads at most 64 KiB of an installer, never all of it, and a read that fails is no finding', async () => {
    const big = Buffer.concat([rpm('aarch64'), Buffer.alloc(8 * 1024 * 1024)]);
    const limits: (number | undefined)[] = [];
    const entry: PayloadEntry = {
      path: 'agent.rpm',
      type: 'file',
      size: big.length,
      mode: 0o644,
      display: 'x/agent.rpm',
    };
    const content: PayloadContent = {
      entries: [entry],
      read: async (_p, limit) => {
        limits.push(limit);
        return big.subarray(0, limit ?? big.length);
      },
    };
    expect((await installerArch(content, entry, 'rpm'))?.written).toBe('aarch64');
    expect(limits).toEqual([INSTALLER_READ_BYTES]);
    const failing: PayloadContent = { entries: [entry], read: () => Promise.reject(new Error('EIO')) };
    expect(await installerArch(failing, { ...entry, path: 'agent.x86_64.rpm' }, 'rpm')).toMatchObject({
      how: 'file name',
    });
  });
});

// --- The rule, through the whole pipeline

const LINUX = (targets: string) =>
  `name: TestAgent\nversion: 1.0.0\npayloads:\n  linux:\n    targets:\n${targets}`;
const AMAZON_BOTH = '      - { platform: amazon, version: ["2", "2023"], arch: [x86_64, arm64] }\n';

function linuxPackage(targets: string, files: Record<string, Spec>): string {
  return writeTree(tempDir(), {
    'distributor.yaml': LINUX(targets),
    'linux/install.sh': SH_INSTALL,
    'linux/uninstall.sh': SH_UNINSTALL,
    ...files,
  });
}

function windowsPackage(arch: string, files: Record<string, Spec>): string {
  return writeTree(tempDir(), {
    'distributor.yaml': `name: TestAgent\nversion: 1.0.0\npayloads:\n  windows:\n    targets:\n      - { platform: windows, version: _any, arch: ${arch} }\n`,
    'windows/install.ps1': PS1_INSTALL,
    'windows/uninstall.ps1': PS1_UNINSTALL,
    ...files,
  });
}

async function archFindings(dir: string): Promise<Diagnostic[]> {
  const r = await buildPackage({ packageDir: dir, cwd: dir });
  const others = r.diagnostics.filter((d) => d.rule !== 'installer-arch');
  expect(others, JSON.stringify(others, null, 1)).toEqual([]);
  return r.diagnostics.filter((d) => d.rule === 'installer-arch');
}

describe('installer-arch', () => {
  it("an x86_64 RPM in a ZIP mapped to arm64 too (the README's layout example): one warning that says it all", async () => {
    const ds = await archFindings(linuxPackage(AMAZON_BOTH, { 'linux/acme-agent.rpm': rpm('x86_64') }));
    expect(ds).toHaveLength(1);
    const d = ds[0]!;
    expect(d).toMatchObject({
      severity: 'warning',
      file: 'linux/acme-agent.rpm',
      payload: 'linux',
      platforms: ['amazon'],
    });
    expect(d.message).toMatch(/^acme-agent\.rpm is built for x86_64 \(RPM header\)/);
    expect(d.message).toContain('arm64 hosts (amazon 2, amazon 2023; distributor.yaml line 6)');
    expect(d.message).toContain('Add the arm64 build to the ZIP');
    expect(d.message).toContain('or map only x86_64 to this ZIP');
  });

  it('no warning when the ZIP holds a build for each architecture it is mapped to (the script picks one)', async () => {
    expect(
      await archFindings(
        linuxPackage(AMAZON_BOTH, { 'linux/pkgs/a.rpm': rpm('x86_64'), 'linux/pkgs/b.rpm': rpm('aarch64') }),
      ),
    ).toEqual([]);
  });

  it('an x86_64 agent with a noarch helper RPM: the helper is no build for arm64', async () => {
    const ds = await archFindings(
      linuxPackage(AMAZON_BOTH, {
        'linux/agent.rpm': rpm('x86_64'),
        'linux/agent-config.rpm': rpm('noarch'),
      }),
    );
    expect(ds.map((d) => d.file)).toEqual(['linux/agent.rpm']);
  });

  it('noarch and all fit every host; an installer of unknown architecture says nothing', async () => {
    const targets = '      - { platform: debian, version: _any, arch: _any }\n';
    expect(
      await archFindings(
        linuxPackage(targets, {
          'linux/a.rpm': rpm('noarch'),
          'linux/b.deb': deb('all'),
          'linux/c_1.0_all.deb': 'not a real deb',
          'linux/d.rpm': 'rpm bytes',
        }),
      ),
    ).toEqual([]);
  });

  it('an installer of the same kind whose architecture is unknown may be the other build: nothing said', async () => {
    expect(
      await archFindings(
        linuxPackage(AMAZON_BOTH, { 'linux/agent.rpm': rpm('x86_64'), 'linux/other.rpm': 'not an rpm' }),
      ),
    ).toEqual([]);
  });

  it('the file name decides when the bytes do not (a stand-in file, a control.tar.xz)', async () => {
    const debTargets = '      - { platform: ubuntu, version: "22.04", arch: [x86_64, arm64] }\n';
    const ds = await archFindings(
      linuxPackage(debTargets, { 'linux/acme-agent_1.0_amd64.deb': deb('amd64', 'xz') }),
    );
    expect(ds).toHaveLength(1);
    expect(ds[0]!.message).toContain('is built for amd64 (file name)');
    expect(ds[0]!.message).toContain('arm64 hosts (ubuntu 22.04;');
  });

  it('arch _any: the architectures the platform has (Amazon Linux: arm64, not 386)', async () => {
    const ds = await archFindings(
      linuxPackage('      - { platform: amazon, version: _any, arch: _any }\n', {
        'linux/agent.rpm': rpm('x86_64'),
      }),
    );
    expect(ds).toHaveLength(1);
    expect(ds[0]!.message).toContain(
      'is mapped with arch _any (amazon _any; distributor.yaml line 6), so arm64 hosts get it too',
    );
    expect(ds[0]!.message).toContain('or map only x86_64 to this ZIP instead of _any');
  });

  it('Windows: an x64 MSI with arch _any reaches 386 hosts; a 32-bit MSI or EXE runs everywhere', async () => {
    const ds = await archFindings(windowsPackage('_any', { 'windows/agent.msi': msi('x64;1033') }));
    expect(ds).toHaveLength(1);
    expect(ds[0]!.message).toContain('is built for x64 (MSI summary information)');
    expect(ds[0]!.message).toContain('so 386 hosts get it too');
    expect(ds[0]!.message).toContain('or map only x86_64 to this ZIP instead of _any');
    expect(
      await archFindings(
        windowsPackage('_any', { 'windows/agent.msi': msi('Intel;1033'), 'windows/setup.exe': pe(0x14c) }),
      ),
    ).toEqual([]);
    expect(await archFindings(windowsPackage('x86_64', { 'windows/agent.msi': msi('x64;1033') }))).toEqual(
      [],
    );
  });

  it('Windows: an ARM64 EXE mapped to x86_64', async () => {
    const ds = await archFindings(windowsPackage('x86_64', { 'windows/bin/agent.exe': pe(0xaa64) }));
    expect(ds.map((d) => d.message)).toEqual([
      'bin/agent.exe is built for ARM64 (PE header), but payload "windows" sends it to x86_64 hosts (windows _any; distributor.yaml line 6), which cannot run it. Replace it with the build for x86_64.',
    ]);
  });

  it('a build for no architecture the agent runs on: replace it', async () => {
    const ds = await archFindings(linuxPackage(AMAZON_BOTH, { 'linux/agent.rpm': rpm('ppc64le') }));
    expect(ds[0]!.message).toContain('x86_64 and arm64 hosts');
    expect(ds[0]!.message).toContain('Replace it with the build for x86_64 and arm64.');
  });

  it('RPMs are not judged against Windows targets, nor MSIs against Linux ones', async () => {
    const dir = writeTree(tempDir(), {
      'distributor.yaml':
        'name: TestAgent\nversion: 1.0.0\npayloads:\n  linux:\n    targets:\n      - { platform: amazon, version: _any, arch: x86_64 }\n',
      'linux/install.sh': SH_INSTALL,
      'linux/uninstall.sh': SH_UNINSTALL,
      'linux/agent.rpm': rpm('x86_64'),
      'linux/tools/windows-agent.msi': msi('Arm64;1033'),
    });
    expect(await archFindings(dir)).toEqual([]);
  });

  it('hostile installers (truncated, garbage, bomb) in a package: no crash, nothing said', async () => {
    const files: Record<string, Spec> = {
      'linux/cut.rpm': rpm('aarch64').subarray(0, 150),
      'linux/garbage.rpm': Buffer.concat([Buffer.from('edabeedb', 'hex'), Buffer.alloc(5000, 0xff)]),
      'linux/bomb.deb': Buffer.concat([
        Buffer.from('!<arch>\n', 'latin1'),
        arMember('control.tar.gz', zlib.gzipSync(Buffer.alloc(32 * 1024 * 1024, 0x41))),
      ]),
      'linux/empty.rpm': '',
    };
    expect(await archFindings(linuxPackage(AMAZON_BOTH, files))).toEqual([]);
  });

  it('a prebuilt ZIP: the installer is read from the ZIP', async () => {
    const root = tempDir();
    const src = writeTree(tempDir(), {
      'install.sh': SH_INSTALL,
      'uninstall.sh': SH_UNINSTALL,
      'rpms/acme-agent.rpm': rpm('x86_64', { payload: 200_000 }),
    });
    infoZip(src, path.join(root, 'linux.zip'));
    const manifest = {
      schemaVersion: '2.0',
      version: '1.0.0',
      packages: { amazon: { _any: { x86_64: { file: 'linux.zip' }, arm64: { file: 'linux.zip' } } } },
      files: { 'linux.zip': { checksums: { sha256: sha256(readFileSync(path.join(root, 'linux.zip'))) } } },
    };
    writeFileSync(path.join(root, 'manifest.json'), JSON.stringify(manifest, null, 2));
    const ds = await archFindings(root);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.file).toBe('linux.zip:rpms/acme-agent.rpm');
    expect(ds[0]!.message).toContain('is built for x86_64 (RPM header)');
    expect(ds[0]!.message).toContain('arm64 hosts (amazon _any; manifest.json line');
  });
});

describe('through the CLI bundle', () => {
  const REPO = path.resolve(import.meta.dirname, '..');
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [path.join(REPO, 'bin', 'distributor.js'), ...args], {
      cwd: REPO,
      encoding: 'utf8',
    });

  it("examples/acme-agent is clean; the README's layout (its x86_64 RPM alone) gets the warning", () => {
    const clean = cli(['validate', path.join(REPO, 'examples', 'acme-agent')]);
    expect(clean.status, clean.stdout).toBe(0);
    expect(clean.stdout).toContain('0 errors, 0 warnings');
    const copy = tempDir();
    cpSync(path.join(REPO, 'examples', 'acme-agent'), copy, { recursive: true });
    rmSync(path.join(copy, 'linux-rpm', 'acme-agent-aarch64.rpm'));
    const r = cli(['validate', copy]);
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(
      /linux-rpm\/acme-agent-x86_64\.rpm: installer-arch warning: acme-agent-x86_64\.rpm is built for x86_64 \(file name\), but payload "linux-rpm" sends it to arm64 hosts \(amazon 2, amazon 2023, redhat 8\.\*, redhat 9\.\*; distributor\.yaml lines 11, 12\)/,
    );
    expect(r.stdout).toContain('0 errors, 1 warning');
  });
});
