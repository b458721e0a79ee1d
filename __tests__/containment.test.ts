// Hostile package trees, one class of defect at a time. Whatever the tree: the problem is a diagnostic with
// its rule id (or, for the output folder, an output-dir-unsafe error); a canary file outside the package
// folder never shows up in the result or in a ZIP; nothing outside the output folder is written.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BuildResult, buildPackage } from '../src/package/build.js';
import { isInside } from '../src/package/contain.js';
import { SCAN_MAX_ENTRIES } from '../src/package/layout.js';
import { RULES } from '../src/package/rules/catalogue.js';
import { sha256 } from './support/hash.js';
import {
  BASE_CONFIG,
  type Canary,
  canary,
  cleanupTemp,
  filesText,
  goodManifest,
  infoZip,
  manifestPackage,
  prebuiltPackage,
  SH_INSTALL,
  SH_UNINSTALL,
  snapshot,
  tempDir,
  validPackage,
  writeTree,
} from './support/pkg.js';
import { REPO } from './support/runner.js';

afterAll(cleanupTemp);

/** A config whose linux payload gets `lines` (indented under its key). */
const linuxWith = (lines: string) => BASE_CONFIG.replace('  linux:\n', `  linux:\n${lines}`);
/** The package's own files minus the linux payload, which `over` replaces. */
const noLinux = { 'linux/install.sh': null, 'linux/uninstall.sh': null, 'linux/agent.rpm': null };
/** Install scripts plus the canary: a payload anyone would happily zip. */
const bait = (c: Canary) => ({
  'install.sh': SH_INSTALL,
  'uninstall.sh': SH_UNINSTALL,
  'secret.env': c.text,
});

interface Case {
  what: string;
  rule: keyof typeof RULES;
  make: (c: Canary) => string;
}

/**
 * Validates and builds `pkg` (made with canary `c`) into a folder two levels below a watched one, and checks
 * what must hold for every tree: no canary in the result or the output, nothing changed outside the output.
 */
async function contained(c: Canary, pkg: string): Promise<BuildResult> {
  const watched = tempDir('watched-');
  const out = path.join(watched, 'a', 'b', 'out');
  mkdirSync(path.dirname(out), { recursive: true });
  const before = snapshot(pkg, c.dir, watched);
  const r = await buildPackage({ packageDir: pkg, cwd: pkg, outputDir: out });
  const after = snapshot(pkg, c.dir, watched);
  for (const k of after.keys()) if (isInside(k, out)) after.delete(k);
  expect([...after]).toEqual([...before]);
  expect(JSON.stringify(r)).not.toContain(c.text);
  expect(filesText(out)).not.toContain(c.text);
  return r;
}

async function expectRule(c: Pick<Case, 'rule' | 'make'>): Promise<void> {
  const can = canary();
  const r = await contained(can, c.make(can));
  const d = r.diagnostics.find((x) => x.rule === c.rule);
  expect(d, JSON.stringify(r.diagnostics, null, 1)).toMatchObject({ severity: RULES[c.rule].severity });
  if (RULES[c.rule].severity === 'error') expect(r.ok).toBe(false);
}

/** manifest.json mapping amazon to `file`, with `sha` as its checksum, next to `extra`. */
function listing(file: string, sha: string, extra: Parameters<typeof writeTree>[1] = {}): string {
  const manifest = goodManifest({
    packages: { amazon: { _any: { x86_64: { file } } } },
    files: { [file]: { checksums: { sha256: sha } } },
  });
  return writeTree(tempDir(), { 'manifest.json': manifest, ...extra });
}

describe('paths named by the config or manifest stay inside the package folder', () => {
  const cases: Case[] = [
    {
      what: 'payloads.linux.path: ../<outside>',
      rule: 'path-outside-package',
      make: (c) => {
        writeTree(c.dir, bait(c));
        return validPackage({ 'distributor.yaml': linuxWith(`    path: ../${path.basename(c.dir)}\n`) });
      },
    },
    {
      what: 'an absolute payload path',
      rule: 'path-outside-package',
      make: (c) => {
        writeTree(c.dir, bait(c));
        return validPackage({ 'distributor.yaml': linuxWith(`    path: ${c.dir}\n`) });
      },
    },
    {
      what: 'path: /proc/self',
      rule: 'path-outside-package',
      make: () => validPackage({ 'distributor.yaml': linuxWith('    path: /proc/self\n') }),
    },
    {
      what: 'a payload folder that is a symlink out of the package',
      rule: 'path-outside-package',
      make: (c) => {
        writeTree(c.dir, bait(c));
        return validPackage({ ...noLinux, linux: { symlink: c.dir } });
      },
    },
    {
      what: 'distributor.yaml a symlink to a .env outside (never quoted)',
      rule: 'path-outside-package',
      make: (c) => validPackage({ 'distributor.yaml': { symlink: c.file } }),
    },
    {
      what: 'manifest.json a symlink out of the package',
      rule: 'path-outside-package',
      make: (c) => {
        writeFileSync(c.file, goodManifest({ description: c.text }));
        return manifestPackage(goodManifest(), { 'manifest.json': { symlink: c.file } });
      },
    },
    {
      what: 'a prebuilt ZIP that is a symlink out of the package',
      rule: 'path-outside-package',
      make: (c) => {
        const zip = path.join(c.dir, 'linux.zip');
        infoZip(writeTree(tempDir(), bait(c)), zip);
        return listing('linux.zip', sha256(readFileSync(zip)), { 'linux.zip': { symlink: zip } });
      },
    },
    {
      what: 'a manifest `files` key with ../ (its folder outside is never opened)',
      rule: 'path-outside-package',
      make: (c) => {
        writeTree(c.dir, Object.fromEntries(Object.entries(bait(c)).map(([k, v]) => [`linux/${k}`, v])));
        return listing(`../${path.basename(c.dir)}/linux.zip`, 'a'.repeat(64));
      },
    },
  ];
  it.each(cases)('$what → $rule', expectRule);
});

describe('`rules:` cannot switch off what protects the filesystem', () => {
  it('file: ../../escaped.zip with file-name-pattern off writes nothing outside the output folder', async () => {
    const config = `${linuxWith('    file: ../../escaped.zip\n')}rules:\n  file-name-pattern: "off"\n`;
    const c = {
      rule: 'path-outside-package' as const,
      make: () => validPackage({ 'distributor.yaml': config }),
    };
    await expectRule(c);
    await expectRule({ ...c, rule: 'rule-fixed' });
  });

  it('payload-missing off, with the payload folder missing: still an error, not a crash', async () => {
    const rules = 'rules:\n  payload-missing: "off"\n  file-unreadable: "off"\n';
    await expectRule({
      rule: 'payload-missing',
      make: () => validPackage({ ...noLinux, 'distributor.yaml': `${BASE_CONFIG}${rules}` }),
    });
  });
});

describe('special files are never opened (no hang), sizes are checked before reading', () => {
  const cases: Case[] = [
    {
      what: 'manifest.json a FIFO',
      rule: 'special-file',
      make: () => manifestPackage(goodManifest(), { 'manifest.json': { fifo: true } }),
    },
    {
      what: 'distributor.yaml a FIFO',
      rule: 'special-file',
      make: () => validPackage({ 'distributor.yaml': { fifo: true } }),
    },
    {
      what: 'distributor.yaml a symlink to /dev/zero',
      rule: 'path-outside-package',
      make: () => validPackage({ 'distributor.yaml': { symlink: '/dev/zero' } }),
    },
    {
      what: 'a prebuilt linux.zip that is a FIFO',
      rule: 'special-file',
      make: () => listing('linux.zip', 'a'.repeat(64), { 'linux.zip': { fifo: true } }),
    },
    {
      what: 'a payload file that is a symlink to a FIFO inside the package',
      rule: 'special-file',
      make: () => validPackage({ pipe: { fifo: true }, 'linux/pipe': { symlink: '../pipe' } }),
    },
    {
      what: 'a sparse 8 GiB distributor.yaml',
      rule: 'config-too-large',
      make: () => {
        const pkg = validPackage();
        truncateSync(path.join(pkg, 'distributor.yaml'), 8 * 1024 ** 3);
        return pkg;
      },
    },
    {
      what: 'a 2 MiB manifest.json',
      rule: 'manifest-too-large',
      make: () => manifestPackage(goodManifest({ description: 'x'.repeat(2 * 1024 * 1024) })),
    },
  ];
  it.each(cases)('$what → $rule', expectRule, 10_000);
});

describe('what used to crash is a diagnostic', () => {
  const cases: Case[] = [
    {
      what: 'a config that is a folder',
      rule: 'file-unreadable',
      make: () => validPackage({ 'distributor.yaml': null, 'distributor.yaml/x': 'x' }),
    },
    {
      what: 'a file of 4 GiB (sparse): validate says what build refuses',
      rule: 'zip-entry-limit',
      make: () => {
        const pkg = validPackage({ 'linux/big.bin': '' });
        truncateSync(path.join(pkg, 'linux', 'big.bin'), 4 * 1024 ** 3);
        return pkg;
      },
    },
    {
      what: 'more than 65,535 entries',
      rule: 'zip-entry-limit',
      make: () => {
        const pkg = validPackage();
        const py =
          'import os,sys\nfor i in range(66000): open(os.path.join(sys.argv[1], "f%d" % i), "w").close()';
        execFileSync('python3', ['-c', py, path.join(pkg, 'linux')]);
        return pkg;
      },
    },
    {
      what: 'a 40,000-character exclude pattern',
      rule: 'config-schema',
      make: () => validPackage({ 'distributor.yaml': linuxWith(`    exclude: ["${'{'.repeat(40_000)}"]\n`) }),
    },
    {
      what: 'an exclude pattern with brace groups that expand to millions of alternatives',
      rule: 'config-schema',
      make: () => validPackage({ 'distributor.yaml': linuxWith(`    exclude: ["${'{a,b}'.repeat(30)}"]\n`) }),
    },
  ];
  it.each(cases)('$what → $rule', expectRule);

  it('an exclude pattern a regular expression would backtrack on for minutes matches at once', async () => {
    const pattern = `${'*a'.repeat(12)}*b`;
    const pkg = validPackage({
      'distributor.yaml': linuxWith(`    exclude: ["${pattern}", "${'*a'.repeat(12)}"]\n`),
      [`linux/${'a'.repeat(200)}`]: 'kept?',
    });
    const r = await buildPackage({ packageDir: pkg });
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toEqual([]);
  }, 10_000);
});

/** Runs the CLI (the committed bundle) as a user without root's override of file permissions. */
function cliUnprivileged(
  args: string[],
  cwd: string,
): { code: number | null; doc: { diagnostics?: { rule: string }[]; error?: { code?: string } } } {
  const asRoot = process.getuid?.() === 0;
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'distributor.js'), ...args, '--json'], {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return { code: r.status, doc: JSON.parse(r.stdout || '{}') };
}

describe('what cannot be read or written (as a user that file permissions apply to)', () => {
  const unreadable = (make: () => string, file: string) => () => {
    const pkg = make();
    chmodSync(pkg, 0o755);
    chmodSync(path.join(pkg, file), 0);
    return pkg;
  };
  it.each([
    ['the config', unreadable(() => validPackage(), 'distributor.yaml')],
    ['manifest.json', unreadable(() => manifestPackage(), 'manifest.json')],
    ['a payload file', unreadable(() => validPackage(), 'linux/agent.rpm')],
    ['a prebuilt ZIP', unreadable(() => prebuiltPackage(), 'linux.zip')],
  ])('%s → file-unreadable, exit 1', (_what, make) => {
    const pkg = make();
    const r = cliUnprivileged(['validate', pkg], pkg);
    expect(r.doc.diagnostics?.map((d) => d.rule)).toContain('file-unreadable');
    expect(r.code).toBe(1);
  });

  it('an output folder that cannot be created → output-dir-unsafe, exit 2, nothing written', () => {
    const pkg = validPackage();
    chmodSync(pkg, 0o755);
    const parent = tempDir();
    chmodSync(parent, 0o755);
    const r = cliUnprivileged(['build', pkg, '--output-dir', path.join(parent, 'out')], pkg);
    expect(r.doc.error?.code).toBe('output-dir-unsafe');
    expect(r.code).toBe(2);
    expect(snapshot(parent).size).toBe(1);
  });
});

describe('the output folder', () => {
  it('a prebuilt package folder given as the output is refused and left as it is', async () => {
    const pkg = prebuiltPackage();
    const before = snapshot(pkg);
    await expect(buildPackage({ packageDir: validPackage(), outputDir: pkg })).rejects.toMatchObject({
      code: 'output-dir-unsafe',
    });
    expect(snapshot(pkg)).toEqual(before);
  });

  it('a ZIP named manifest.json → file-name-reserved', async () => {
    await expectRule({
      rule: 'file-name-reserved',
      make: () => validPackage({ 'distributor.yaml': linuxWith('    file: manifest.json\n') }),
    });
  });
});

describe('the smaller ones', () => {
  it('Windows names that differ only in case → name-case-collision', async () => {
    await expectRule({
      rule: 'name-case-collision',
      make: () => validPackage({ 'windows/AGENT.msi': 'x' }),
    });
  });

  it('a script over 4 MB is still checked (its first 4 MB)', async () => {
    const long = `#!/bin/sh\n[[ -f /etc/x ]] && echo x\n${'# padding\n'.repeat(500_000)}`;
    await expectRule({
      rule: 'sh-bashism',
      // An ubuntu target: its sh is dash, so the bash-ism is an error (for amazon alone it is a notice).
      make: () =>
        validPackage({
          'distributor.yaml': BASE_CONFIG.replace(
            'arch: [x86_64, arm64] }\n',
            'arch: [x86_64, arm64] }\n      - { platform: ubuntu, version: "22.04", arch: x86_64 }\n',
          ),
          'linux/install.sh': long,
        }),
    });
  });
});

describe('scale', () => {
  it('10,000 files and a 200-level tree pass; 257 levels are tree-too-deep', async () => {
    const many = validPackage();
    const py = `import os,sys
for d in range(100):
    os.mkdir(os.path.join(sys.argv[1], 'd%d' % d))
    for i in range(100): open(os.path.join(sys.argv[1], 'd%d' % d, 'f%d' % i), 'w').close()`;
    execFileSync('python3', ['-c', py, path.join(many, 'linux')]);
    const r = await buildPackage({ packageDir: many });
    expect(r.ok).toBe(true);
    const deep = validPackage();
    mkdirSync(path.join(deep, 'linux', ...Array<string>(199).fill('d')), { recursive: true });
    writeFileSync(path.join(deep, 'linux', ...Array<string>(199).fill('d'), 'f'), 'deep');
    const rd = await buildPackage({ packageDir: deep });
    expect(rd.diagnostics).toEqual([]);
    expect(rd.manifest && rd.ok).toBeTruthy();
    mkdirSync(path.join(deep, 'linux', ...Array<string>(256).fill('d')), { recursive: true });
    await expectRule({ rule: 'tree-too-deep', make: () => deep });
  });
});

it('symlinked top-level items inside the package are followed', async () => {
  const pkg = validPackage({ 'real.yaml': BASE_CONFIG, 'distributor.yaml': { symlink: 'real.yaml' } });
  symlinkSync('linux', path.join(pkg, 'linux-link'));
  writeFileSync(path.join(pkg, 'real.yaml'), linuxWith('    path: linux-link\n'));
  const r = await buildPackage({ packageDir: pkg });
  expect(r.diagnostics).toEqual([]);
  expect(r.ok).toBe(true);
});

describe('symlinked folders that copy a tree many times over', () => {
  it('the scan stops past four times the ZIP entry limit, and zip-entry-limit says so', async () => {
    // 8 links to a folder with 8 links to a folder with 8 links to 600 files: 307,200 paths.
    const files: Record<string, string | { symlink: string }> = {};
    for (let i = 0; i < 600; i++) files[`linux/z/f${i}`] = 'x';
    for (let i = 0; i < 8; i++) {
      files[`linux/y/l${i}`] = { symlink: '../z' };
      files[`linux/x/l${i}`] = { symlink: '../y' };
      files[`linux/w/l${i}`] = { symlink: '../x' };
    }
    const r = await buildPackage({ packageDir: validPackage(files) });
    const d = r.diagnostics.find((x) => x.rule === 'zip-entry-limit');
    expect(d?.message).toContain(`more than ${SCAN_MAX_ENTRIES} files and folders`);
    expect(r.ok).toBe(false);
  });
});
