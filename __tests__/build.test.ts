// Building: determinism across machines' accidents, what independent ZIP readers see, output safety.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ActionError } from '../src/errors.js';
import { buildPackage } from '../src/package/build.js';
import { cleanupTemp, tempDir, validPackage, writeTree } from './support/pkg.js';
import { REPO } from './support/runner.js';

afterAll(cleanupTemp);

const EXAMPLE = path.join(REPO, 'examples', 'acme-agent');

/** Copies the example in reverse file order, with the given mtime and umask (in a child process). */
function copyExample(mtime: Date, umask: string, reverse: boolean): string {
  const dir = tempDir();
  const files: string[] = execFileSync('find', ['.', '-type', 'f'], { cwd: EXAMPLE, encoding: 'utf8' })
    .trim()
    .split('\n')
    .sort();
  if (reverse) files.reverse();
  const script = files
    .map(
      (f) =>
        `mkdir -p "$(dirname "${dir}/${f}")" && cat "${EXAMPLE}/${f}" > "${dir}/${f}"${isExec(f) ? ` && chmod +x "${dir}/${f}"` : ''}`,
    )
    .join(' && ');
  execFileSync('sh', ['-c', `umask ${umask} && ${script}`]);
  for (const f of files) utimesSync(path.join(dir, f), mtime, mtime);
  return dir;
}
const isExec = (f: string) => (statSync(path.join(EXAMPLE, f)).mode & 0o111) !== 0;

describe('deterministic build', () => {
  it('same tree with other mtimes, umask and creation order ⇒ byte-identical ZIPs and manifest', async () => {
    const a = copyExample(new Date('2001-02-03T04:05:06Z'), '022', false);
    const b = copyExample(new Date('2024-12-31T23:59:58Z'), '077', true);
    const outA = path.join(tempDir(), 'a');
    const outB = path.join(tempDir(), 'b');
    const ra = await buildPackage({ packageDir: a, outputDir: outA, env: {} });
    const rb = await buildPackage({ packageDir: b, outputDir: outB, env: { TZ: 'Asia/Kolkata' } });
    expect(ra.ok && rb.ok).toBe(true);
    expect(rb.output?.files.map((f) => f.sha256)).toEqual(ra.output?.files.map((f) => f.sha256));
    expect(rb.output?.manifestSha256).toBe(ra.output?.manifestSha256);
    for (const f of ['linux-rpm.zip', 'linux-deb.zip', 'windows.zip', 'manifest.json']) {
      expect(readFileSync(path.join(outB, f)).equals(readFileSync(path.join(outA, f)))).toBe(true);
    }
  });

  it('SOURCE_DATE_EPOCH sets the entry timestamps', async () => {
    const out = path.join(tempDir(), 'o');
    const r = await buildPackage({
      packageDir: EXAMPLE,
      outputDir: out,
      env: { SOURCE_DATE_EPOCH: '1700000000' },
    });
    expect(r.ok).toBe(true);
    const py = execFileSync(
      'python3',
      [
        '-c',
        'import zipfile,sys; print(zipfile.ZipFile(sys.argv[1]).infolist()[0].date_time)',
        path.join(out, 'windows.zip'),
      ],
      { encoding: 'utf8' },
    );
    expect(py.trim()).toBe('(2023, 11, 14, 22, 13, 20)');
  });
});

describe('what independent readers see', () => {
  it('Info-ZIP and Python zipfile accept every ZIP; scripts at the root; modes and methods as designed', async () => {
    const out = path.join(tempDir(), 'o');
    const r = await buildPackage({ packageDir: EXAMPLE, outputDir: out });
    expect(r.ok).toBe(true);
    for (const f of r.output?.files ?? []) {
      expect(execFileSync('unzip', ['-t', f.path], { encoding: 'utf8' })).toContain('No errors detected');
    }
    const info = execFileSync(
      'python3',
      [
        '-c',
        `import zipfile,sys,json
z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None
print(json.dumps([[i.filename,(i.external_attr>>16)&0o777,i.compress_type,bool(i.flag_bits&0x800)] for i in z.infolist()]))`,
        path.join(out, 'linux-deb.zip'),
      ],
      { encoding: 'utf8' },
    );
    const entries = JSON.parse(info) as [string, number, number, boolean][];
    const byName = Object.fromEntries(entries.map((e) => [e[0], e]));
    expect(entries.map((e) => e[0])).toEqual([...entries.map((e) => e[0])].sort());
    expect(byName['install.sh']?.[1]).toBe(0o644);
    expect(byName['bin/']?.[1]).toBe(0o755);
    expect(byName['bin/acme-healthcheck']?.[1]).toBe(0o755);
    expect(byName['acme-agent_amd64.deb']?.[2]).toBe(0); // stored
    expect(byName['install.sh']?.[2]).toBe(8); // deflated
    expect(byName['README.md']).toBeUndefined(); // excluded by the config
    expect(entries.every((e) => e[3])).toBe(true); // UTF-8 flag
    // Extracted bytes equal the sources.
    const x = tempDir();
    execFileSync('unzip', ['-q', path.join(out, 'linux-deb.zip'), '-d', x]);
    expect(
      readFileSync(path.join(x, 'install.sh')).equals(
        readFileSync(path.join(EXAMPLE, 'linux-deb', 'install.sh')),
      ),
    ).toBe(true);
  });
});

describe('output folder safety', () => {
  it('a failed build leaves the previous output untouched', async () => {
    const out = path.join(tempDir(), 'o');
    expect((await buildPackage({ packageDir: EXAMPLE, outputDir: out })).ok).toBe(true);
    const before = readdirSync(out).map((f) => [f, readFileSync(path.join(out, f)).toString('base64')]);
    const broken = validPackage({ 'linux/uninstall.sh': null });
    const r = await buildPackage({ packageDir: broken, outputDir: out });
    expect(r.ok).toBe(false);
    expect(readdirSync(out).map((f) => [f, readFileSync(path.join(out, f)).toString('base64')])).toEqual(
      before,
    );
    expect(readdirSync(path.dirname(out))).toEqual(['o']); // no partial folders left behind
  });

  it('refuses an output folder it did not make, leaving it untouched', async () => {
    const refused = async (outputDir: string, why: RegExp, packageDir = EXAMPLE) => {
      const err = await buildPackage({ packageDir, outputDir }).catch((e: unknown) => e);
      expect(err, outputDir).toBeInstanceOf(ActionError);
      expect(err).toMatchObject({
        kind: 'input',
        code: 'output-dir-unsafe',
        message: expect.stringMatching(why),
      });
    };
    const foreign = writeTree(tempDir(), { 'notes.txt': 'mine', 'keep.zip/a': 'kept' });
    await refused(
      foreign,
      /^The output folder .* holds files this tool did not write \(keep\.zip, notes\.txt\)/,
    );
    expect(readFileSync(path.join(foreign, 'keep.zip', 'a'), 'utf8')).toBe('kept');
    const file = path.join(tempDir(), 'out.zip');
    writeFileSync(file, 'a file');
    await refused(file, /is a file, not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('a file');
    await refused(path.join(file, 'sub'), /cannot be created: .*out\.zip is not a folder/);
    const link = path.join(tempDir(), 'link');
    symlinkSync(tempDir(), link);
    await refused(link, /is a symlink/);
    expect(readdirSync(path.dirname(file))).toEqual(['out.zip']);
  });

  it('refuses an output folder in a payload folder, the package folder, and one holding it', async () => {
    const pkg = tempDir();
    cpSync(EXAMPLE, pkg, { recursive: true });
    const before = readdirSync(pkg, { recursive: true }).sort();
    for (const [out, why] of [
      [path.join(pkg, 'windows', 'out'), /is inside the folder of payload windows/],
      [path.join(pkg, 'windows'), /holds files this tool did not write/],
      [path.join(pkg, 'linux-rpm', 'new', 'deeper'), /is inside the folder of payload linux-rpm/],
      [pkg, /is the package folder/],
      [path.dirname(pkg), /holds the package folder/],
    ] as const) {
      await expect(buildPackage({ packageDir: pkg, outputDir: out }), out).rejects.toMatchObject({
        code: 'output-dir-unsafe',
        message: expect.stringMatching(why),
      });
    }
    expect(readdirSync(pkg, { recursive: true }).sort()).toEqual(before);
  });

  it('builds into a folder inside the package folder that no payload reads (package-dir: . with the default)', async () => {
    const pkg = tempDir();
    cpSync(EXAMPLE, pkg, { recursive: true });
    const out = path.join(pkg, 'distributor-build');
    const first = await buildPackage({ packageDir: pkg, outputDir: out });
    expect(first.diagnostics.filter((d) => d.severity !== 'notice')).toEqual([]);
    expect(first.ok && first.output?.files.map((f) => f.name).sort()).toEqual([
      'linux-deb.zip',
      'linux-rpm.zip',
      'windows.zip',
    ]);
    // The second build reads the same package (not its own output) and replaces the marked folder.
    const again = await buildPackage({ packageDir: pkg, outputDir: out });
    expect(again.ok && again.output?.manifestSha256).toBe(first.ok && first.output?.manifestSha256);
  });

  it('marks the folders it makes, and replaces a marked one whole', async () => {
    const out = path.join(tempDir(), 'o');
    expect((await buildPackage({ packageDir: EXAMPLE, outputDir: out })).ok).toBe(true);
    expect(readFileSync(path.join(out, '.distributor-build'), 'utf8')).toContain('replaces this folder');
    writeFileSync(path.join(out, 'stale.txt'), 'left by hand');
    expect((await buildPackage({ packageDir: EXAMPLE, outputDir: out })).ok).toBe(true);
    expect(readdirSync(out).sort()).toEqual([
      '.distributor-build',
      'linux-deb.zip',
      'linux-rpm.zip',
      'manifest.json',
      'windows.zip',
    ]);
    const empty = tempDir();
    expect((await buildPackage({ packageDir: EXAMPLE, outputDir: empty })).ok).toBe(true);
  });

  it('rebuilding over its own previous output replaces it', async () => {
    const out = path.join(tempDir(), 'o');
    writeFileSync(path.join(tempDir(), 'x'), '');
    expect((await buildPackage({ packageDir: EXAMPLE, outputDir: out })).ok).toBe(true);
    const r = await buildPackage({
      packageDir: EXAMPLE,
      outputDir: out,
      version: { value: '9.9.9', source: 'test' },
    });
    expect(r.ok).toBe(true);
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).version).toBe('9.9.9');
  });
});

describe('a folder and a symlink to it', () => {
  // Both paths are stored with every file: the scan used to skip a folder it had walked through the other
  // path, leaving an empty folder in the ZIP.
  for (const [real, link] of [
    ['real', 'link'],
    ['lnk-target', 'lnkdir'],
  ] as const) {
    it(`${real}/ and ${link} → ${real} both hold the file`, async () => {
      const dir = validPackage({
        [`linux/${real}/file.txt`]: 'data\n',
        [`linux/${real}/sub/deep.txt`]: 'deep\n',
        [`linux/${link}`]: { symlink: real },
      });
      const out = path.join(tempDir(), 'out');
      const r = await buildPackage({ packageDir: dir, outputDir: out, cwd: dir });
      expect(r.ok).toBe(true);
      const names = execFileSync('unzip', ['-Z1', path.join(out, 'linux.zip')], { encoding: 'utf8' })
        .trim()
        .split('\n');
      for (const top of [real, link])
        expect(names).toEqual(expect.arrayContaining([`${top}/file.txt`, `${top}/sub/deep.txt`]));
    });
  }

  it('a symlink looping back to a folder above it is not walked again', async () => {
    const dir = validPackage({ 'linux/a/b/file.txt': 'x\n', 'linux/a/b/up': { symlink: '..' } });
    const out = path.join(tempDir(), 'out');
    const r = await buildPackage({ packageDir: dir, outputDir: out, cwd: dir });
    expect(r.ok).toBe(true);
    const names = execFileSync('unzip', ['-Z1', path.join(out, 'linux.zip')], { encoding: 'utf8' });
    expect(names).toContain('a/b/file.txt');
    expect(names).not.toContain('a/b/up/b/up');
  });
});
