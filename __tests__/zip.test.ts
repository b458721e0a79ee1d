// The ZIP writer: what independent readers (Info-ZIP unzip/zipinfo, Python zipfile, yauzl) see,
// determinism across the accidents of a checkout, the store/deflate policy, limits and failure cleanup.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { shouldStore, type ZipInput, zipTimestamp } from '../src/package/zip/entries.js';
import { writeZip } from '../src/package/zip/writer.js';
import { sha256 } from './support/hash.js';
import { cleanupTemp, type Spec, tempDir, writeTree } from './support/pkg.js';

afterAll(cleanupTemp);
const tmp = () => tempDir('zip-test-');

const MTIME = zipTimestamp({});

/** Writes `files` (path → content, `null` for an empty folder) under a new temp dir. */
function tree(files: Record<string, string | Buffer | null>, modes: Record<string, number> = {}): string {
  const specs: Record<string, Spec> = {};
  for (const [rel, content] of Object.entries(files)) {
    const mode = modes[rel];
    specs[rel] = content === null ? { dir: true } : mode === undefined ? content : { mode, content };
  }
  return writeTree(tmp(), specs);
}

/** The inputs a caller would pass for a folder: every file and folder, relative POSIX names, stat modes. */
function scan(root: string, dirs = true): ZipInput[] {
  const out: ZipInput[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const abs = path.join(dir, name);
      const st = lstatSync(abs);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      if (st.isDirectory()) {
        if (dirs) out.push({ name: rel, type: 'dir', mode: st.mode & 0o7777, size: 0 });
        walk(abs);
      } else {
        out.push({ name: rel, type: 'file', absPath: abs, mode: st.mode & 0o7777, size: st.size });
      }
    }
  };
  walk(root);
  return out;
}

const sha = sha256;

interface PyEntry {
  name: string;
  mode: number;
  method: number;
  date: number[];
  flags: number;
  system: number;
  crc: number;
  size: number;
  csize: number;
  sha256: string;
}

/** Python's zipfile: testzip() result and, per entry, its metadata and the sha256 of its extracted bytes. */
function pyInspect(zip: string): { bad: string | null; entries: PyEntry[] } {
  const script = `
import hashlib, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    out = []
    for i in z.infolist():
        out.append(dict(name=i.filename, mode=i.external_attr >> 16, method=i.compress_type,
                        date=list(i.date_time), flags=i.flag_bits, system=i.create_system, crc=i.CRC,
                        size=i.file_size, csize=i.compress_size,
                        sha256=hashlib.sha256(z.read(i)).hexdigest()))
print(json.dumps(dict(bad=bad, entries=out)))
`;
  return JSON.parse(execFileSync('python3', ['-c', script, zip], { encoding: 'utf8', maxBuffer: 64 << 20 }));
}

/** `unzip -Z -l` lines for entries: name → { perms, method }. */
function zipinfo(zip: string): Map<string, { perms: string; method: string; os: string }> {
  const text = execFileSync('unzip', ['-Z', '-l', zip], { encoding: 'utf8' });
  const out = new Map<string, { perms: string; method: string; os: string }>();
  for (const line of text.split('\n')) {
    // -rwxr-xr-x  2.0 unx      123 b-      100 defN 80-Feb-01 00:00 linux/install.sh
    const m = /^([-dl][-rwxsStT]{9})\s+\S+\s+(\S+)\s+\d+\s+\S+\s+\S+\s+(\S+)\s+\S+\s+\S+\s+(.+)$/.exec(line);
    if (m) out.set(m[4]!, { perms: m[1]!, os: m[2]!, method: m[3]! });
  }
  return out;
}

function unzipTest(zip: string): string {
  return execFileSync('unzip', ['-t', zip], { encoding: 'utf8' });
}

/** yauzl (the project's own reader dependency): names and the sha256 of each entry's bytes. */
function yauzlRead(zip: string): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.open(zip, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zf) => {
      if (err || !zf) return reject(err);
      const out = new Map<string, string>();
      zf.on('error', reject);
      zf.on('end', () => resolve(out));
      zf.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) {
          out.set(entry.fileName, '');
          zf.readEntry();
          return;
        }
        zf.openReadStream(entry, (e2, rs) => {
          if (e2 || !rs) return reject(e2);
          const chunks: Buffer[] = [];
          rs.on('data', (c: Buffer) => chunks.push(c));
          rs.on('error', reject);
          rs.on('end', () => {
            out.set(entry.fileName, sha256(Buffer.concat(chunks)));
            zf.readEntry();
          });
        });
      });
      zf.readEntry();
    });
  });
}

const TEXT = 'install() { echo "installing acme agent"; cp -f ./agent /usr/local/bin/agent; }\n'.repeat(200);

/** Deterministic, compressible text of about `bytes` bytes (varied so deflate has real work). */
function compressible(bytes: number): Buffer {
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const s = `line ${i} key_${i % 977}=value_${(i * 7919) % 10007} ${'abcdefghij'.slice(i % 10)}\n`;
    parts.push(s);
    n += s.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

describe('layout as independent readers see it', () => {
  const root = tree(
    {
      'install.sh': '#!/bin/sh\necho hi\n',
      'uninstall.sh': '#!/bin/sh\necho bye\n',
      'bin/agent': TEXT,
      'config/agent.yaml': 'a: 1\n'.repeat(100),
      'agent.rpm': TEXT, // compressible, but an installer: stored
      'empty.txt': '',
      'données/ü.txt': 'unicode\n',
      'empty-dir': null,
    },
    { 'install.sh': 0o755, 'uninstall.sh': 0o700, 'bin/agent': 0o775, 'config/agent.yaml': 0o600 },
  );
  const out = path.join(tmp(), 'p.zip');
  const built = writeZip(out, scan(root), { mtime: MTIME });

  it('passes unzip -t and reports size and sha256 of the file on disk', async () => {
    const r = await built;
    expect(unzipTest(out)).toMatch(/No errors detected/);
    expect(r.size).toBe(statSync(out).size);
    expect(r.sha256).toBe(execFileSync('sha256sum', [out], { encoding: 'utf8' }).split(' ')[0]);
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.entries).toBe(11);
  });

  it('sorts by UTF-8 bytes and writes every folder explicitly', async () => {
    await built;
    const names = pyInspect(out).entries.map((e) => e.name);
    expect(names).toEqual([
      'agent.rpm',
      'bin/',
      'bin/agent',
      'config/',
      'config/agent.yaml',
      'données/',
      'données/ü.txt',
      'empty-dir/',
      'empty.txt',
      'install.sh',
      'uninstall.sh',
    ]);
  });

  it('normalises modes: 0755 if any execute bit, else 0644; folders 0755; made by Unix', async () => {
    await built;
    const byName = new Map(pyInspect(out).entries.map((e) => [e.name, e]));
    expect(byName.get('install.sh')!.mode).toBe(0o100755);
    expect(byName.get('uninstall.sh')!.mode).toBe(0o100755);
    expect(byName.get('bin/agent')!.mode).toBe(0o100755);
    expect(byName.get('config/agent.yaml')!.mode).toBe(0o100644);
    expect(byName.get('empty.txt')!.mode).toBe(0o100644);
    expect(byName.get('bin/')!.mode).toBe(0o040755);
    for (const e of byName.values()) expect(e.system).toBe(3);
    const info = zipinfo(out);
    expect(info.get('install.sh')!.perms).toBe('-rwxr-xr-x');
    expect(info.get('config/agent.yaml')!.perms).toBe('-rw-r--r--');
    expect(info.get('bin/')!.perms).toBe('drwxr-xr-x');
    expect(info.get('install.sh')!.os).toBe('unx');
  });

  it('stores installers and empty files, deflates text; names are flagged UTF-8; fixed DOS time', async () => {
    await built;
    const byName = new Map(pyInspect(out).entries.map((e) => [e.name, e]));
    expect(byName.get('agent.rpm')!.method).toBe(0);
    expect(byName.get('bin/agent')!.method).toBe(8);
    expect(byName.get('empty.txt')).toMatchObject({ method: 0, size: 0, csize: 0, crc: 0 });
    for (const e of byName.values()) {
      expect(e.flags & 0x800).toBe(0x800);
      expect(e.date).toEqual([1980, 2, 1, 0, 0, 0]);
    }
    const info = zipinfo(out);
    expect(info.get('agent.rpm')!.method).toBe('stor');
    expect(info.get('bin/agent')!.method).toBe('defN');
  });

  it('extracts the exact bytes (Python testzip and read, yauzl)', async () => {
    await built;
    const py = pyInspect(out);
    expect(py.bad).toBeNull();
    const y = await yauzlRead(out);
    for (const e of py.entries) {
      if (e.name.endsWith('/')) continue;
      const src = sha(readFileSync(path.join(root, e.name)));
      expect(e.sha256, e.name).toBe(src);
      expect(y.get(e.name), e.name).toBe(src);
    }
    expect([...y.keys()]).toEqual(py.entries.map((e) => e.name));
  });

  it('has no extra fields, comments or data descriptors for small entries', async () => {
    await built;
    const buf = readFileSync(out);
    // local headers: extra length 0 and CRC/sizes filled in (flag bit 3 clear)
    let o = 0;
    let seen = 0;
    while (buf.readUInt32LE(o) === 0x04034b50) {
      const flags = buf.readUInt16LE(o + 6);
      expect(flags & 0x8).toBe(0);
      expect(buf.readUInt16LE(o + 28)).toBe(0);
      o += 30 + buf.readUInt16LE(o + 26) + buf.readUInt32LE(o + 18);
      seen++;
    }
    expect(seen).toBe(11);
    expect(buf.readUInt32LE(buf.length - 22)).toBe(0x06054b50);
    expect(buf.readUInt16LE(buf.length - 2)).toBe(0); // no archive comment
  });
});

describe('determinism', () => {
  const files: Record<string, string | Buffer> = {
    'install.sh': '#!/bin/sh\n./bin/agent --install\n',
    'bin/agent': TEXT,
    'payload.rpm': randomBytes(3000),
  };
  for (let i = 0; i < 60; i++) files[`web/assets/f${i % 7}/file-${i}.js`] = compressible(500 + i * 97);

  function copy(umask: number, mtime: Date, reverse: boolean): string {
    const old = process.umask(umask);
    try {
      const root = tmp();
      const names = Object.keys(files);
      if (reverse) names.reverse();
      for (const n of names) {
        mkdirSync(path.dirname(path.join(root, n)), { recursive: true });
        writeFileSync(path.join(root, n), files[n]!);
      }
      chmodSync(path.join(root, 'install.sh'), 0o777 & ~umask);
      chmodSync(path.join(root, 'bin/agent'), 0o777 & ~umask);
      for (const n of names) utimesSync(path.join(root, n), mtime, mtime);
      return root;
    } finally {
      process.umask(old);
    }
  }

  it('same bytes, names and modes ⇒ same ZIP, whatever the input order, mtimes, umask or TZ', async () => {
    const a = copy(0o022, new Date('2001-02-03T04:05:06Z'), false);
    const b = copy(0o077, new Date('2024-06-30T23:59:59Z'), true);
    expect(statSync(path.join(a, 'bin/agent')).mode & 0o777).not.toBe(
      statSync(path.join(b, 'bin/agent')).mode & 0o777,
    );
    const inputsB = scan(b, false).reverse();
    const oldTz = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      const ra = await writeZip(path.join(tmp(), 'a.zip'), scan(a), { mtime: MTIME });
      process.env.TZ = 'America/Los_Angeles';
      const rb = await writeZip(path.join(tmp(), 'b.zip'), inputsB, { mtime: MTIME });
      expect(rb.sha256).toBe(ra.sha256);
      expect(rb.size).toBe(ra.size);
    } finally {
      if (oldTz === undefined) delete process.env.TZ;
      else process.env.TZ = oldTz;
    }
  });

  it('archives built at the same time give the same bytes as built alone', async () => {
    const a = copy(0o022, MTIME, false);
    const alone = await writeZip(path.join(tmp(), 'alone.zip'), scan(a), { mtime: MTIME });
    const together = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) =>
        writeZip(path.join(tmp(), `t${i}.zip`), i === 1 ? scan(a).reverse() : scan(a), { mtime: MTIME }),
      ),
    );
    for (const t of together) expect(t.sha256).toBe(alone.sha256);
  });

  it('a different timestamp or mode changes the bytes (the comparison above can fail)', async () => {
    const a = copy(0o022, MTIME, false);
    const base = await writeZip(path.join(tmp(), 'x.zip'), scan(a), { mtime: MTIME });
    const later = await writeZip(path.join(tmp(), 'y.zip'), scan(a), {
      mtime: new Date('1990-01-01T00:00:00Z'),
    });
    expect(later.sha256).not.toBe(base.sha256);
    const inputs = scan(a).map((i) => (i.name === 'install.sh' ? { ...i, mode: 0o644 } : i));
    const mode = await writeZip(path.join(tmp(), 'z.zip'), inputs, { mtime: MTIME });
    expect(mode.sha256).not.toBe(base.sha256);
  });
});

describe('zipTimestamp (SOURCE_DATE_EPOCH)', () => {
  it('defaults to 1980-02-01T00:00:00Z when unset or empty', () => {
    expect(zipTimestamp({}).toISOString()).toBe('1980-02-01T00:00:00.000Z');
    expect(zipTimestamp({ SOURCE_DATE_EPOCH: '' }).toISOString()).toBe('1980-02-01T00:00:00.000Z');
  });

  it('uses SOURCE_DATE_EPOCH, rounded down to an even second, clamped to 1980-01-01', () => {
    expect(zipTimestamp({ SOURCE_DATE_EPOCH: '1700000001' }).toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(zipTimestamp({ SOURCE_DATE_EPOCH: '1700000000' }).toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(zipTimestamp({ SOURCE_DATE_EPOCH: '0' }).toISOString()).toBe('1980-01-01T00:00:00.000Z');
    expect(zipTimestamp({ SOURCE_DATE_EPOCH: '315532801' }).toISOString()).toBe('1980-01-01T00:00:00.000Z');
    expect(zipTimestamp({ SOURCE_DATE_EPOCH: '315532803' }).toISOString()).toBe('1980-01-01T00:00:02.000Z');
  });

  it('rejects malformed or out-of-range values with a clear message', () => {
    for (const bad of ['abc', '-1', '1.5', ' 12', '12 ', '1e9', '0x10']) {
      expect(() => zipTimestamp({ SOURCE_DATE_EPOCH: bad }), bad).toThrow(
        /SOURCE_DATE_EPOCH must be a whole number/,
      );
    }
    expect(() => zipTimestamp({ SOURCE_DATE_EPOCH: '99999999999' })).toThrow(/after 2107/);
  });

  it('writes the epoch as the DOS date and time of every entry, in UTC', async () => {
    const root = tree({ 'a/b.txt': 'x\n', 'c.txt': 'y\n' });
    const out = path.join(tmp(), 'e.zip');
    await writeZip(out, scan(root), { mtime: zipTimestamp({ SOURCE_DATE_EPOCH: '1700000001' }) });
    for (const e of pyInspect(out).entries) expect(e.date).toEqual([2023, 11, 14, 22, 13, 20]);
  });

  it('refuses a timestamp a ZIP cannot hold', async () => {
    const root = tree({ 'a.txt': 'x' });
    await expect(
      writeZip(path.join(tmp(), 'f.zip'), scan(root), { mtime: new Date('1979-12-31T23:59:59Z') }),
    ).rejects.toThrow(/outside 1980–2107/);
    await expect(
      writeZip(path.join(tmp(), 'f.zip'), scan(root), { mtime: new Date(Number.NaN) }),
    ).rejects.toThrow(/not a valid date/);
  });
});

describe('entries and names', () => {
  it('emits parent folders for files only, accepts folders with or without a slash, once each', async () => {
    const root = tree({ 'a/b/c.txt': 'c', 'a/d.txt': 'd' });
    const filesOnly = path.join(tmp(), 'f.zip');
    await writeZip(filesOnly, scan(root, false), { mtime: MTIME });
    expect(pyInspect(filesOnly).entries.map((e) => [e.name, e.mode])).toEqual([
      ['a/', 0o040755],
      ['a/b/', 0o040755],
      ['a/b/c.txt', 0o100644],
      ['a/d.txt', 0o100644],
    ]);
    const inputs: ZipInput[] = [
      ...scan(root, false),
      { name: 'a', type: 'dir', mode: 0o700, size: 0 },
      { name: 'a/b/', type: 'dir', mode: 0o700, size: 0 },
      { name: 'a/b', type: 'dir', mode: 0o755, size: 0 },
      { name: 'x/y', type: 'dir', mode: 0o700, size: 0 },
    ];
    const out = path.join(tmp(), 'd.zip');
    const r = await writeZip(out, inputs, { mtime: MTIME });
    const entries = pyInspect(out).entries;
    expect(entries.map((e) => e.name)).toEqual(['a/', 'a/b/', 'a/b/c.txt', 'a/d.txt', 'x/', 'x/y/']);
    expect(r.entries).toBe(6);
    for (const e of entries.filter((x) => x.name.endsWith('/'))) expect(e.mode).toBe(0o040755);
    expect(unzipTest(out)).toMatch(/No errors detected/);
  });

  it('orders by UTF-8 bytes, not UTF-16 code units', async () => {
    // U+FF71 is EF BD B1 in UTF-8 and sorts before U+1F600 (F0 9F 98 80); in UTF-16 it sorts after.
    const root = tree({ 'ｱ.txt': 'a', '😀.txt': 'b', 'B.txt': 'c', 'a.txt': 'd', 'é.txt': 'e' });
    const out = path.join(tmp(), 'u.zip');
    await writeZip(out, scan(root), { mtime: MTIME });
    const py = pyInspect(out);
    expect(py.entries.map((e) => e.name)).toEqual(['B.txt', 'a.txt', 'é.txt', 'ｱ.txt', '😀.txt']);
    for (const e of py.entries) expect(e.flags & 0x800).toBe(0x800);
    expect(unzipTest(out)).toMatch(/No errors detected/);
  });

  it('rejects duplicate files, file/folder clashes and unsafe names before writing anything', async () => {
    const root = tree({ 'a.txt': 'x' });
    const f = (name: string): ZipInput => ({
      name,
      type: 'file',
      absPath: path.join(root, 'a.txt'),
      mode: 0o644,
      size: 1,
    });
    const out = path.join(tmp(), 'n.zip');
    await expect(writeZip(out, [f('a.txt'), f('a.txt')], { mtime: MTIME })).rejects.toThrow(/listed twice/);
    await expect(writeZip(out, [f('a/b.txt'), f('a')], { mtime: MTIME })).rejects.toThrow(
      /both a file and a folder/,
    );
    for (const bad of ['../a.txt', '/abs.txt', 'a//b.txt', 'a/./b.txt', 'a\\b.txt', '', 'dir/']) {
      await expect(writeZip(out, [f(bad)], { mtime: MTIME }), bad).rejects.toThrow(/Cannot zip/);
    }
    await expect(
      writeZip(out, [{ name: 'x', type: 'file', mode: 0o644, size: 0 }], { mtime: MTIME }),
    ).rejects.toThrow(/absPath/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses what would need ZIP64: more than 65,535 entries, files of 4 GiB', async () => {
    const out = path.join(tmp(), 'big.zip');
    const many: ZipInput[] = Array.from({ length: 65536 }, (_, i) => ({
      name: `f${i}`,
      type: 'file',
      absPath: '/nonexistent',
      mode: 0o644,
      size: 0,
    }));
    await expect(writeZip(out, many, { mtime: MTIME })).rejects.toThrow(/65,535/);
    const huge: ZipInput = {
      name: 'huge.bin',
      type: 'file',
      absPath: '/nonexistent',
      mode: 0o644,
      size: 2 ** 32,
    };
    await expect(writeZip(out, [huge], { mtime: MTIME })).rejects.toThrow(/ZIP64/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('store or deflate', () => {
  it('shouldStore: installers, archives and compressed media by extension, case-insensitive', () => {
    for (const n of [
      'agent.rpm',
      'x/agent.MSI',
      'a.deb',
      'p.cab',
      'a.msix',
      'pkg.nupkg',
      'a.tar.gz',
      'a.tgz',
      'b.zip',
      'c.jar',
      'i.png',
      'i.JPEG',
      'f.woff2',
      'v.mp4',
      'a.zst',
      'a.xz',
      'a.7z',
    ]) {
      expect(shouldStore(n), n).toBe(true);
    }
    for (const n of [
      'agent',
      'agent.exe',
      'lib.dll',
      'lib.so',
      'install.sh',
      'a.json',
      'dir.rpm/readme.txt',
      '.gz',
      'rpm',
    ]) {
      expect(shouldStore(n), n).toBe(false);
    }
  });

  it('stores a small file that deflate would not shrink, and honours level 0', async () => {
    // Up to 1 MiB files are compressed whole; these outputs span several of zlib's output chunks.
    const half = Buffer.concat([randomBytes(400_000), compressible(400_000)]);
    const random = randomBytes(900_000);
    const root = tree({
      'random.bin': randomBytes(5000),
      'text.txt': TEXT,
      'half.dat': half,
      'random.dat': random,
    });
    const out = path.join(tmp(), 's.zip');
    await writeZip(out, scan(root), { mtime: MTIME });
    const py = pyInspect(out);
    expect(py.bad).toBeNull();
    const m = new Map(py.entries.map((e) => [e.name, e]));
    expect(m.get('random.bin')).toMatchObject({ method: 0, csize: 5000 });
    expect(m.get('text.txt')!.method).toBe(8);
    expect(m.get('half.dat')).toMatchObject({ method: 8, size: half.length, sha256: sha(half) });
    expect(m.get('half.dat')!.csize).toBeGreaterThan(400_000);
    expect(m.get('random.dat')).toMatchObject({ method: 0, csize: random.length, sha256: sha(random) });
    const out0 = path.join(tmp(), 's0.zip');
    await writeZip(out0, scan(root), { mtime: MTIME, level: 0 });
    const py0 = pyInspect(out0);
    for (const e of py0.entries) expect(e.method).toBe(0);
    expect(py0.bad).toBeNull();
    await expect(writeZip(out0, scan(root), { mtime: MTIME, level: 10 })).rejects.toThrow(/level/);
  });

  it('streams files bigger than the read chunk: deflated text and stored installers, with data descriptors', async () => {
    const big = compressible(20 * 1024 * 1024 + 12345);
    const rpm = randomBytes(3 * 1024 * 1024 + 7);
    const noise = randomBytes(6 * 1024 * 1024); // not a listed type: the probe stores it
    const noise2 = randomBytes(2 * 1024 * 1024 + 3); // below the probe: deflated, found larger, stored
    const root = tree({
      'big.log': big,
      'agent.rpm': rpm,
      'noise.bin': noise,
      'noise2.dat': noise2,
      'small.txt': 'hi\n',
    });
    const out = path.join(tmp(), 'b.zip');
    const r = await writeZip(out, scan(root), { mtime: MTIME });
    expect(unzipTest(out)).toMatch(/No errors detected/);
    const py = pyInspect(out);
    expect(py.bad).toBeNull();
    const m = new Map(py.entries.map((e) => [e.name, e]));
    expect(m.get('big.log')).toMatchObject({ method: 8, size: big.length, sha256: sha(big) });
    expect(m.get('big.log')!.csize).toBeLessThan(big.length / 3);
    expect(m.get('big.log')!.flags & 0x8).toBe(0x8);
    expect(m.get('agent.rpm')).toMatchObject({
      method: 0,
      size: rpm.length,
      csize: rpm.length,
      sha256: sha(rpm),
    });
    expect(m.get('noise.bin')).toMatchObject({ method: 0, size: noise.length, sha256: sha(noise) });
    expect(m.get('noise2.dat')).toMatchObject({
      method: 0,
      size: noise2.length,
      csize: noise2.length,
      sha256: sha(noise2),
    });
    expect(m.get('small.txt')!.flags & 0x8).toBe(0);
    const info = zipinfo(out);
    expect(info.get('big.log')!.method).toBe('defN');
    expect(info.get('agent.rpm')!.method).toBe('stor');
    const y = await yauzlRead(out);
    expect(y.get('big.log')).toBe(sha(big));
    expect(y.get('agent.rpm')).toBe(sha(rpm));
    expect(r.sha256).toBe(sha(readFileSync(out)));
    // streaming is deterministic too
    const again = await writeZip(path.join(tmp(), 'b2.zip'), scan(root).reverse(), { mtime: MTIME });
    expect(again.sha256).toBe(r.sha256);
  });
});

describe('failures', () => {
  it('removes the partial ZIP and names the input when a file vanished', async () => {
    const root = tree({ 'a.txt': TEXT, 'b/gone.txt': 'soon gone', 'c.txt': TEXT });
    const inputs = scan(root);
    rmSync(path.join(root, 'b/gone.txt'));
    const out = path.join(tmp(), 'v.zip');
    const err = await writeZip(out, inputs, { mtime: MTIME }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(path.join(root, 'b/gone.txt'));
    expect((err as Error).message).toContain('ENOENT');
    expect(existsSync(out)).toBe(false);
  });

  it('removes the partial ZIP when a big file vanished or any file changed size', async () => {
    const root = tree({ 'a.txt': TEXT, 'big.log': compressible(3 * 1024 * 1024), 'z.txt': 'tail' });
    const out = path.join(tmp(), 'w.zip');
    const grown = scan(root).map((i) => (i.name === 'z.txt' ? { ...i, size: i.size - 1 } : i));
    await expect(writeZip(out, grown, { mtime: MTIME })).rejects.toThrow(/z\.txt.*grew/);
    expect(existsSync(out)).toBe(false);
    const shrunk = scan(root).map((i) => (i.name === 'big.log' ? { ...i, size: i.size + 10 } : i));
    await expect(writeZip(out, shrunk, { mtime: MTIME })).rejects.toThrow(/big\.log.*shrank/);
    expect(existsSync(out)).toBe(false);
    const bigGrew = scan(root).map((i) => (i.name === 'big.log' ? { ...i, size: i.size - 10 } : i));
    await expect(writeZip(out, bigGrew, { mtime: MTIME })).rejects.toThrow(/big\.log.*grew/);
    expect(existsSync(out)).toBe(false);
    const inputs = scan(root);
    rmSync(path.join(root, 'big.log'));
    await expect(writeZip(out, inputs, { mtime: MTIME })).rejects.toThrow(/big\.log.*ENOENT/);
    expect(existsSync(out)).toBe(false);
  });

  it('reports an unwritable output', async () => {
    const root = tree({ 'a.txt': 'x' });
    await expect(
      writeZip(path.join(tmp(), 'no', 'such', 'dir.zip'), scan(root), { mtime: MTIME }),
    ).rejects.toThrow(/ENOENT/);
  });
});
