// Reading prebuilt ZIPs: entries as the agent extracts them, hostile names, symlinks, broken files.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_READ_BYTES, openZipPayload } from '../src/package/zip/read.js';
import { cleanupTemp, infoZip, tempDir, writeTree } from './support/pkg.js';

afterAll(cleanupTemp);

interface PyEntry {
  /** Entry name; `hex` gives raw name bytes instead. */
  name?: string;
  hex?: string;
  data?: string;
  /** Unix mode including the file-type bits (made by Unix); omit for an MS-DOS entry. */
  unix?: number;
  dosAttrs?: number;
  /** 0 stored, 8 deflated, 12 bzip2. */
  method?: number;
  /** Repeat `data` this many times. */
  repeat?: number;
}

/** Writes a ZIP with Python's zipfile, which writes any name it is given. */
function pyZip(entries: PyEntry[]): string {
  const out = path.join(tempDir(), 'payload.zip');
  const script = `
import json, sys, zipfile
out, spec = sys.argv[1], json.loads(sys.stdin.read())
placeholders = {}
with zipfile.ZipFile(out, 'w') as z:
    for i, e in enumerate(spec):
        name = e.get('name')
        if 'hex' in e:
            raw = bytes.fromhex(e['hex'])
            name = 'P%0*d' % (len(raw) - 1, i)
            placeholders[name.encode()] = raw
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = e.get('method', 8)
        if 'unix' in e:
            info.create_system = 3
            info.external_attr = e['unix'] << 16
        else:
            info.create_system = 0
            info.external_attr = e.get('dosAttrs', 0)
        z.writestr(info, e.get('data', '') * e.get('repeat', 1))
data = open(out, 'rb').read()
for k, v in placeholders.items():
    data = data.replace(k, v)
open(out, 'wb').write(data)
`;
  execFileSync('python3', ['-c', script, out], { input: JSON.stringify(entries) });
  return out;
}

const FILE = 0o100000;
const DIR = 0o040000;
const LINK = 0o120000;

const openFds = () => readdirSync('/proc/self/fd').length;

describe('a ZIP made with Info-ZIP', () => {
  const src = writeTree(tempDir(), {
    'install.sh': { mode: 0o755, content: '#!/bin/sh\necho install\n' },
    'uninstall.sh': { mode: 0o644, content: '#!/bin/sh\necho uninstall\n' },
    'bin/acme-tool': { mode: 0o750, content: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]) },
    'etc/acme/acme.conf': 'level=info\n'.repeat(1000),
  });
  const zipPath = path.join(tempDir(), 'linux.zip');
  infoZip(src, zipPath);

  it('lists files and folders with type, mode, size and display path', async () => {
    const { content, diagnostics } = await openZipPayload(zipPath, 'pkg/linux.zip');
    expect(diagnostics).toEqual([]);
    const byPath = Object.fromEntries(content!.entries.map((e) => [e.path, e]));
    expect(Object.keys(byPath).sort()).toEqual(
      ['bin', 'bin/acme-tool', 'etc', 'etc/acme', 'etc/acme/acme.conf', 'install.sh', 'uninstall.sh'].sort(),
    );
    expect(byPath['install.sh']).toEqual({
      path: 'install.sh',
      type: 'file',
      size: 23,
      mode: 0o755,
      display: 'pkg/linux.zip:install.sh',
    });
    expect(byPath['uninstall.sh']).toMatchObject({ type: 'file', mode: 0o644 });
    expect(byPath['bin/acme-tool']).toMatchObject({ type: 'file', mode: 0o750, size: 8 });
    expect(byPath['etc/acme']).toMatchObject({ type: 'dir', size: 0 });
    expect(byPath['etc/acme/acme.conf']!.size).toBe(11_000);
  });

  it('reads an entry back byte for byte, deflated or stored', async () => {
    const { content } = await openZipPayload(zipPath, 'linux.zip');
    expect((await content!.read('install.sh')).toString()).toBe('#!/bin/sh\necho install\n');
    expect(await content!.read('bin/acme-tool')).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
    expect((await content!.read('etc/acme/acme.conf')).toString()).toBe('level=info\n'.repeat(1000));
  });

  it('refuses to read what is not a file in the ZIP', async () => {
    const { content } = await openZipPayload(zipPath, 'linux.zip');
    await expect(content!.read('missing.sh')).rejects.toThrow(/linux\.zip:missing\.sh is not a file/);
    await expect(content!.read('etc/acme')).rejects.toThrow(/not a file/);
  });

  it('closes every file handle', async () => {
    const before = openFds();
    for (let i = 0; i < 20; i++) {
      const { content } = await openZipPayload(zipPath, 'linux.zip');
      await content!.read('install.sh');
      await content!.read('missing.sh').catch(() => undefined);
      await openZipPayload(__filename, 'not-a.zip');
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(openFds()).toBe(before);
  });
});

describe('symlink entries', () => {
  it('zip -y keeps a symlink: zip-symlink names the entry and its target', async () => {
    const src = writeTree(tempDir(), {
      'install.sh': '#!/bin/sh\n',
      'uninstall.sh': '#!/bin/sh\n',
      passwd: { symlink: '/etc/passwd' },
    });
    const zipPath = path.join(tempDir(), 'linux.zip');
    infoZip(src, zipPath, ['-y']);
    const { content, diagnostics } = await openZipPayload(zipPath, 'out/linux.zip');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ rule: 'zip-symlink', severity: 'error', file: 'out/linux.zip' });
    expect(diagnostics[0]!.message).toContain('"passwd"');
    expect(diagnostics[0]!.message).toContain('"/etc/passwd"');
    const link = content!.entries.find((e) => e.path === 'passwd');
    expect(link).toMatchObject({ type: 'symlink', linkTarget: '/etc/passwd', mode: 0o777 });
    // what the agent would write: a file holding the link text
    expect((await content!.read('passwd')).toString()).toBe('/etc/passwd');
  });

  it('any entry with the symlink file type is reported, whatever wrote it', async () => {
    const zipPath = pyZip([
      { name: 'install.sh', data: '#!/bin/sh\n', unix: FILE | 0o755 },
      { name: 'creds', data: '../../../root/.aws/credentials', unix: LINK | 0o777 },
    ]);
    const { content, diagnostics } = await openZipPayload(zipPath, 'linux.zip');
    expect(diagnostics.map((d) => d.rule)).toEqual(['zip-symlink']);
    expect(diagnostics[0]!.message).toContain(
      '"creds" in linux.zip is a symlink to "../../../root/.aws/credentials"',
    );
    expect(content!.entries.map((e) => [e.path, e.type])).toEqual([
      ['install.sh', 'file'],
      ['creds', 'symlink'],
    ]);
  });

  it('without -y the target is stored as a plain file', async () => {
    const src = writeTree(tempDir(), { 'real.txt': 'hello', 'link.txt': { symlink: 'real.txt' } });
    const zipPath = path.join(tempDir(), 'linux.zip');
    infoZip(src, zipPath);
    const { content, diagnostics } = await openZipPayload(zipPath, 'linux.zip');
    expect(diagnostics).toEqual([]);
    expect(content!.entries.find((e) => e.path === 'link.txt')?.type).toBe('file');
  });
});

describe('unsafe entry names', () => {
  it.each([
    ['../evil.sh', 'climbs out'],
    ['ok/../../evil.sh', 'climbs out'],
    ['/etc/cron.d/evil', 'absolute path'],
    ['a\\b.sh', 'backslash'],
    ['..\\..\\evil.ps1', 'backslash'],
    ['C:/Windows/evil.ps1', 'drive letter'],
    ['c:evil.ps1', 'drive letter'],
    ['bad\u0001name.sh', 'control character'],
    ['tab\tname.sh', 'control character'],
  ])('%j → path-unsafe (%s)', async (name, why) => {
    const zipPath = pyZip([
      { name: 'install.sh', data: '#!/bin/sh\n', unix: FILE | 0o644 },
      { name, data: 'x', unix: FILE | 0o644 },
    ]);
    const { content, diagnostics } = await openZipPayload(zipPath, 'linux.zip');
    expect(diagnostics.map((d) => d.rule)).toEqual(['path-unsafe']);
    expect(diagnostics[0]!.file).toBe('linux.zip');
    expect(diagnostics[0]!.message).toContain(why);
    expect(diagnostics[0]!.message).toContain(`in linux.zip`);
    // the safe entry is still there; the unsafe one is left out
    expect(content!.entries.map((e) => e.path)).toEqual(['install.sh']);
  });

  it('names the entry, with control characters escaped', async () => {
    const { diagnostics } = await openZipPayload(
      pyZip([{ name: 'a\u0001b', unix: FILE | 0o644 }]),
      'linux.zip',
    );
    expect(diagnostics[0]!.message).toContain('Entry "a\\x01b"');
    const dots = await openZipPayload(pyZip([{ name: '../evil.sh', unix: FILE | 0o644 }]), 'linux.zip');
    expect(dots.diagnostics[0]!.message).toContain('Entry "../evil.sh"');
  });

  it('invalid UTF-8 in a name → path-unsafe with the bytes escaped', async () => {
    const zipPath = pyZip([
      { hex: Buffer.from('bad_\xff.sh', 'latin1').toString('hex'), data: 'x', unix: FILE | 0o644 },
      { name: 'café.sh', data: 'y', unix: FILE | 0o644 },
    ]);
    const { content, diagnostics } = await openZipPayload(zipPath, 'linux.zip');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ rule: 'path-unsafe' });
    expect(diagnostics[0]!.message).toContain('Entry "bad_\\xff.sh"');
    expect(diagnostics[0]!.message).toContain('not valid UTF-8');
    expect(content!.entries.map((e) => e.path)).toEqual(['café.sh']);
  });
});

describe('modes and types from the external attributes', () => {
  it('Unix entries: permission bits and file types as stored, folders by mode or trailing slash', async () => {
    const zipPath = pyZip([
      { name: 'tool', data: 'x', unix: FILE | 0o4755 },
      { name: 'noperm', data: 'x', unix: FILE },
      { name: 'lib/', unix: DIR | 0o700 },
      { name: 'share/', unix: 0o755 },
      { name: 'fifo', unix: 0o010644 },
      { name: 'plain', data: 'abc', unix: 0o644 },
    ]);
    const { content, diagnostics } = await openZipPayload(zipPath, 'linux.zip');
    expect(diagnostics).toEqual([]);
    expect(content!.entries.map((e) => `${e.path} ${e.type} ${e.mode.toString(8)}`)).toEqual([
      'tool file 4755',
      'noperm file 0',
      'lib dir 700',
      'share dir 755',
      'fifo other 644',
      'plain file 644',
    ]);
  });

  it('MS-DOS entries: 0666 files, 0444 read-only files, 0777 folders (0666 when only the name says folder)', async () => {
    const zipPath = pyZip([
      { name: 'install.ps1', data: 'x' },
      { name: 'readonly.txt', data: 'x', dosAttrs: 0x01 },
      { name: 'Folder', dosAttrs: 0x10 },
      { name: 'Other/', dosAttrs: 0x20 },
    ]);
    const { content } = await openZipPayload(zipPath, 'windows.zip');
    expect(content!.entries.map((e) => [e.path, e.type, e.mode.toString(8)])).toEqual([
      ['install.ps1', 'file', '666'],
      ['readonly.txt', 'file', '444'],
      ['Folder', 'dir', '777'],
      ['Other', 'dir', '666'],
    ]);
  });
});

describe('entries the agent cannot extract', () => {
  it('an encrypted entry → zip-invalid naming it', async () => {
    const src = writeTree(tempDir(), { 'install.sh': '#!/bin/sh\n' });
    const zipPath = path.join(tempDir(), 'linux.zip');
    execFileSync('zip', ['-q', '-P', 'secret', zipPath, 'install.sh'], { cwd: src });
    const { content, diagnostics } = await openZipPayload(zipPath, 'linux.zip');
    expect(diagnostics.map((d) => d.rule)).toEqual(['zip-invalid']);
    expect(diagnostics[0]!.message).toContain('"install.sh" is encrypted');
    await expect(content!.read('install.sh')).rejects.toThrow(/encrypted/);
  });

  it('a compression method other than store or deflate → zip-invalid', async () => {
    const zipPath = pyZip([{ name: 'install.sh', data: '#!/bin/sh\n', unix: FILE | 0o644, method: 12 }]);
    const { diagnostics } = await openZipPayload(zipPath, 'linux.zip');
    expect(diagnostics.map((d) => d.rule)).toEqual(['zip-invalid']);
    expect(diagnostics[0]!.message).toContain('compression method 12');
  });
});

describe('reading', () => {
  it('a name stored twice reads as the last one (what extraction leaves on disk)', async () => {
    const zipPath = pyZip([
      { name: 'install.sh', data: 'first', unix: FILE | 0o644 },
      { name: 'install.sh', data: 'second', unix: FILE | 0o644 },
    ]);
    const { content } = await openZipPayload(zipPath, 'linux.zip');
    expect((await content!.read('install.sh')).toString()).toBe('second');
  });

  it(`refuses entries over ${MAX_READ_BYTES} bytes`, async () => {
    const zipPath = pyZip([
      { name: 'big.sh', data: '#'.repeat(1024), repeat: MAX_READ_BYTES / 1024 + 1, unix: FILE | 0o644 },
      { name: 'small.sh', data: 'ok', unix: FILE | 0o644 },
    ]);
    const { content } = await openZipPayload(zipPath, 'linux.zip');
    expect(content!.entries.find((e) => e.path === 'big.sh')?.size).toBe(MAX_READ_BYTES + 1024);
    await expect(content!.read('big.sh')).rejects.toThrow(/bytes/);
    expect((await content!.read('small.sh')).toString()).toBe('ok');
    // Its first bytes can still be read (the script checks read the first 4 MB of a long script).
    expect((await content!.read('big.sh', 10)).toString()).toBe('#'.repeat(10));
  });
});

describe('entry counts', () => {
  it('a ZIP of more than 65,535 entries (ZIP64) is zip-entry-limit, and not listed', async () => {
    const zipPath = path.join(tempDir(), 'many.zip');
    const py = `import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for i in range(65536): z.writestr('f%d' % i, '')`;
    execFileSync('python3', ['-c', py, zipPath]);
    const r = await openZipPayload(zipPath, 'many.zip');
    expect(r.content).toBeUndefined();
    expect(r.diagnostics.map((d) => d.rule)).toEqual(['zip-entry-limit']);
    expect(r.diagnostics[0]!.message).toContain('holds 65536 entries');
  });
});

describe('broken ZIPs → zip-invalid, never a throw', () => {
  const good = () => {
    const src = writeTree(tempDir(), {
      'install.sh': '#!/bin/sh\necho hi\n'.repeat(200),
      'uninstall.sh': 'x',
    });
    const zipPath = path.join(tempDir(), 'linux.zip');
    infoZip(src, zipPath);
    return zipPath;
  };

  it.each([
    ['garbage', () => Buffer.from('this is not a zip file at all, just text\n'.repeat(10))],
    ['an empty file', () => Buffer.alloc(0)],
    [
      'a ZIP cut in half',
      () => {
        const b = readFileSync(good());
        return b.subarray(0, b.length >> 1);
      },
    ],
    ['a ZIP missing its last bytes', () => readFileSync(good()).subarray(0, -10)],
    [
      'a corrupted central directory',
      () => {
        const b = Buffer.from(readFileSync(good()));
        const cd = b.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
        b.fill(0xaa, cd, cd + 4);
        return b;
      },
    ],
  ])('%s', async (_what, bytes) => {
    const zipPath = path.join(tempDir(), 'linux.zip');
    writeFileSync(zipPath, bytes());
    const r = await openZipPayload(zipPath, 'pkg/linux.zip');
    expect(r.content).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ rule: 'zip-invalid', severity: 'error', file: 'pkg/linux.zip' });
    expect(r.diagnostics[0]!.message).toMatch(/^linux\.zip cannot be read as a ZIP \(.+\)/);
  });

  it('a path that does not exist is file-unreadable', async () => {
    const r = await openZipPayload(path.join(tempDir(), 'nope.zip'), 'nope.zip');
    expect(r.diagnostics.map((d) => d.rule)).toEqual(['file-unreadable']);
    expect(r.diagnostics[0]!.message).toBe('Cannot read: no such file.');
  });

  it('a deflated entry whose data is damaged is zip-invalid at open: its CRC-32 no longer agrees', async () => {
    const zipPath = good();
    const b = Buffer.from(readFileSync(zipPath));
    const lfh = b.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const nameLen = b.readUInt16LE(lfh + 26);
    const extraLen = b.readUInt16LE(lfh + 28);
    const dataStart = lfh + 30 + nameLen + extraLen;
    b.fill(0xff, dataStart, dataStart + 8);
    writeFileSync(zipPath, b);
    const { content, diagnostics } = await openZipPayload(zipPath, 'linux.zip');
    expect(content).toBeUndefined();
    expect(diagnostics.map((d) => d.rule)).toEqual(['zip-invalid']);
  });
});
