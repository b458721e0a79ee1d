// Keys that hide broader ones the agent never falls back to (version-key-shadowed), `_any` in another case
// (any-keyword-case), SUSE's bare major, and the built-in hosts on a sample mapping; from a config and from a
// hand-written manifest.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../src/package/build.js';
import { HOSTS, previewRows } from '../src/package/hosts.js';
import { resolveHost } from '../src/package/resolve.js';
import { checkShadowing } from '../src/package/rules/shadow.js';
import type { Diagnostic, Manifest, PayloadModel } from '../src/package/types.js';
import { cleanupTemp, goodManifest, manifestPackage, validPackage } from './support/pkg.js';
import { REPO } from './support/runner.js';

afterAll(cleanupTemp);

type Spec = Record<string, Record<string, Record<string, string>>>;

/** A linux-only config; `targets` are the lines under `targets:` (the first is line 6). */
const configDir = (...targets: string[]) =>
  validPackage({
    'distributor.yaml': `name: TestAgent\nversion: 1.0.0\npayloads:\n  linux:\n    targets:\n${targets.map((t) => `      - ${t}\n`).join('')}`,
    'windows/install.ps1': null,
    'windows/uninstall.ps1': null,
    'windows/agent.msi': null,
  });

/** platform → version → arch list, all to linux.zip. */
const packagesOf = (spec: Record<string, Record<string, string[]>>): Manifest['packages'] =>
  Object.fromEntries(
    Object.entries(spec).map(([p, vs]) => [
      p,
      Object.fromEntries(
        Object.entries(vs).map(([v, as]) => [
          v,
          Object.fromEntries(as.map((a) => [a, { file: 'linux.zip' }])),
        ]),
      ),
    ]),
  );

/** A manifest folder mapping `spec` to linux.zip, and the manifest's text. */
function manifestDir(spec: Record<string, Record<string, string[]>>): { dir: string; text: string } {
  const text = goodManifest({ packages: packagesOf(spec) });
  return { dir: manifestPackage(text), text };
}

/** The 1-based line of the first line containing `needle` after the first line containing `after`. */
function lineOf(text: string, needle: string, after?: string): number {
  const lines = text.split('\n');
  const from = after === undefined ? 0 : lines.findIndex((l) => l.includes(after));
  const i = lines.findIndex((l, j) => j >= from && l.includes(needle));
  if (i < 0) throw new Error(`no ${needle}`);
  return i + 1;
}

async function diagnostics(dir: string): Promise<Diagnostic[]> {
  return (await buildPackage({ packageDir: dir, cwd: dir })).diagnostics;
}

const only = (ds: Diagnostic[], rule: string) => ds.filter((d) => d.rule === rule);

describe('version-key-shadowed at the version level', () => {
  it('an exact key (arm64 only) hides the wildcard: Debian 12 x86_64 gets nothing', async () => {
    const ds = await diagnostics(
      configDir(
        '{ platform: debian, version: "12", arch: arm64 }',
        '{ platform: debian, version: "12.*", arch: [x86_64, arm64] }',
      ),
    );
    const got = only(ds, 'version-key-shadowed');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      severity: 'warning',
      file: 'distributor.yaml',
      line: 6,
      column: 38,
      payload: 'linux',
      platforms: ['debian'],
    });
    expect(got[0]!.message).toBe(
      'debian "12" (arm64 only) hides "12.*": Debian 12 x86_64 hosts get no ZIP (the agent does not fall back). Add x86_64 under "12" or remove "12".',
    );
  });

  it('a longer wildcard hides a shorter one', async () => {
    const ds = await diagnostics(
      configDir(
        '{ platform: redhat, version: "9.4.*", arch: x86_64 }',
        '{ platform: redhat, version: "9.*", arch: [x86_64, arm64] }',
      ),
    );
    const [d, ...rest] = only(ds, 'version-key-shadowed');
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ line: 6, platforms: ['redhat'] });
    expect(d!.message).toContain('redhat "9.4.*" (x86_64 only) hides "9.*": RHEL 9.4 arm64 hosts get no ZIP');
    // RHEL 9.6 arm64 is served by 9.*: it is not named
    expect(d!.message).not.toContain('9.6');
  });

  it('an exact key hides _any, and _any hides *', async () => {
    const exact = only(
      await diagnostics(
        configDir(
          '{ platform: amazon, version: "2023", arch: x86_64 }',
          '{ platform: amazon, version: _any, arch: [x86_64, arm64] }',
        ),
      ),
      'version-key-shadowed',
    );
    expect(exact.map((d) => d.message)).toEqual([
      'amazon "2023" (x86_64 only) hides "_any": Amazon Linux 2023 arm64 hosts get no ZIP (the agent does not fall back). Add arm64 under "2023" or remove "2023".',
    ]);
    const star = only(
      await diagnostics(
        configDir(
          '{ platform: ubuntu, version: _any, arch: x86_64 }',
          '{ platform: ubuntu, version: "*", arch: arm64 }',
        ),
      ),
      'version-key-shadowed',
    );
    expect(star).toHaveLength(1);
    expect(star[0]!.message).toMatch(
      /^ubuntu "_any" \(x86_64 only\) hides "\*": Ubuntu 25\.04 arm64, Ubuntu 24\.04 arm64, .* hosts get no ZIP/,
    );
  });

  it('an exact key can hide a broader key further down: removing it is not offered when that would not help', async () => {
    const ds = await diagnostics(
      configDir(
        '{ platform: debian, version: "12", arch: arm64 }',
        '{ platform: debian, version: "12.*", arch: arm64 }',
        '{ platform: debian, version: _any, arch: [x86_64, arm64] }',
      ),
    );
    const msgs = only(ds, 'version-key-shadowed').map((d) => d.message);
    const twelve = msgs.find((m) => m.startsWith('debian "12" '));
    expect(twelve).toBe(
      'debian "12" (arm64 only) hides "_any": Debian 12 x86_64 hosts get no ZIP (the agent does not fall back). Add x86_64 under "12".',
    );
  });

  it('names the identities of the exact keys themselves, even when the built-in hosts lack them', async () => {
    const ds = await diagnostics(
      configDir(
        '{ platform: debian, version: "10", arch: arm64 }',
        '{ platform: debian, version: "10.*", arch: [x86_64, arm64] }',
      ),
    );
    expect(only(ds, 'version-key-shadowed').map((d) => d.message)).toEqual([
      'debian "10" (arm64 only) hides "10.*": debian 10 x86_64 hosts get no ZIP (the agent does not fall back). Add x86_64 under "10" or remove "10".',
    ]);
  });

  it('does not invent hosts for versions no host reports', async () => {
    // redhat "9" is version-key-unreported (hosts report 9.x); no host ever picks it
    const ds = await diagnostics(
      configDir(
        '{ platform: redhat, version: "9", arch: arm64 }',
        '{ platform: redhat, version: "9.*", arch: [x86_64, arm64] }',
      ),
    );
    expect(only(ds, 'version-key-shadowed')).toEqual([]);
    expect(only(ds, 'version-key-unreported')).toHaveLength(1);
  });

  it.each([
    ['the same arches', ['{ platform: debian, version: "12", arch: [x86_64, arm64] }']],
    ['_any arch on the exact key', ['{ platform: debian, version: "12", arch: _any }']],
    ['an exact key with more arches', ['{ platform: debian, version: "12", arch: [x86_64, arm64, "386"] }']],
  ])('nothing when the exact key has %s', async (_what, exact) => {
    const ds = await diagnostics(
      configDir(...exact, '{ platform: debian, version: "12.*", arch: [x86_64, arm64] }'),
    );
    expect(only(ds, 'version-key-shadowed')).toEqual([]);
  });

  it('nothing for a broader key that lacks the arch too', async () => {
    const ds = await diagnostics(
      configDir(
        '{ platform: debian, version: "12", arch: arm64 }',
        '{ platform: debian, version: "12.*", arch: arm64 }',
      ),
    );
    expect(only(ds, 'version-key-shadowed')).toEqual([]);
  });

  it('from a manifest: at the shadowing key, in the manifest', async () => {
    const { dir, text } = manifestDir({ debian: { '12': ['arm64'], '12.*': ['x86_64', 'arm64'] } });
    const got = only(await diagnostics(dir), 'version-key-shadowed');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      file: 'manifest.json',
      line: lineOf(text, '"12": {', '"debian"'),
      payload: 'linux',
      platforms: ['debian'],
    });
    expect(got[0]!.message).toContain('debian "12" (arm64 only) hides "12.*": Debian 12 x86_64 hosts');
  });

  it('from a manifest: nothing when the exact key has the same arches', async () => {
    const { dir } = manifestDir({ debian: { '12': ['x86_64', 'arm64'], '12.*': ['x86_64', 'arm64'] } });
    expect(only(await diagnostics(dir), 'version-key-shadowed')).toEqual([]);
  });
});

describe('version-key-shadowed at the platform level', () => {
  it('a debian key hides the _any platform for the Debian hosts it does not serve', async () => {
    const ds = await diagnostics(
      configDir(
        '{ platform: debian, version: "12", arch: [x86_64, arm64] }',
        '{ platform: _any, version: _any, arch: _any }',
      ),
    );
    const got = only(ds, 'version-key-shadowed');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ line: 6, column: 21, payload: 'linux', platforms: ['debian'] });
    const m = got[0]!.message;
    expect(m).toMatch(
      /^Platform "debian" hides "_any": Debian 13 x86_64\/arm64, Debian 11 x86_64\/arm64, Debian 12 \(32-bit, on-premises\) 386, /,
    );
    expect(m).toContain('Debian 12 (32-bit, on-premises) 386');
    expect(m).toContain('a host whose platform has its own key never falls back to _any');
    expect(m).not.toContain('Debian 12 x86_64');
  });

  it('from a manifest, at the platform key', async () => {
    const { dir, text } = manifestDir({ debian: { '12': ['x86_64', 'arm64'] }, _any: { _any: ['_any'] } });
    const got = only(await diagnostics(dir), 'version-key-shadowed');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ file: 'manifest.json', line: lineOf(text, '"debian": {') });
    expect(got[0]!.message).toContain('Platform "debian" hides "_any": Debian 13 x86_64');
  });

  it('a loss within the platform is reported there, not again at the platform', async () => {
    const ds = await diagnostics(
      configDir(
        '{ platform: debian, version: "12", arch: arm64 }',
        '{ platform: debian, version: "12.*", arch: [x86_64, arm64] }',
        '{ platform: _any, version: _any, arch: _any }',
      ),
    );
    const msgs = only(ds, 'version-key-shadowed').map((d) => d.message);
    expect(msgs).toHaveLength(2);
    expect(msgs.find((m) => m.startsWith('debian "12"'))).toContain('Debian 12 x86_64 hosts');
    expect(msgs.find((m) => m.startsWith('Platform "debian"'))).not.toContain('Debian 12 x86_64');
  });

  it.each([
    [
      'config',
      () =>
        configDir(
          '{ platform: debian, version: _any, arch: _any }',
          '{ platform: _any, version: _any, arch: _any }',
        ),
    ],
    ['manifest', () => manifestDir({ debian: { _any: ['_any'] }, _any: { _any: ['_any'] } }).dir],
  ])('nothing when the platform key serves every host _any would (%s)', async (_what, make) => {
    expect(only(await diagnostics(make()), 'version-key-shadowed')).toEqual([]);
  });
});

describe('any-keyword-case', () => {
  it.each([
    [
      'platform',
      '{ platform: _ANY, version: _any, arch: x86_64 }',
      21,
      ['platform-unknown', 'platform-undocumented'],
    ],
    [
      'version',
      '{ platform: redhat, version: _Any, arch: x86_64 }',
      38,
      ['version-key-unreported', 'version-key-form'],
    ],
    ['arch', '{ platform: amazon, version: _any, arch: _ANY }', 50, ['arch-unknown']],
  ])(
    'config: %s key in another case is an error, instead of the usual finding',
    async (field, target, column, instead) => {
      const r = await buildPackage({ packageDir: configDir(target) });
      const got = only(r.diagnostics, 'any-keyword-case');
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ severity: 'error', line: 6, column, payload: 'linux' });
      expect(got[0]!.message).toMatch(
        new RegExp(
          `^The ${field} key "_an?y" matches no host: the agent's keyword _any is case-sensitive; did you mean "_any"\\?$`,
          'i',
        ),
      );
      for (const rule of instead) expect(only(r.diagnostics, rule)).toEqual([]);
      expect(r.ok).toBe(false);
    },
  );

  it('manifest: every level', async () => {
    const { dir, text } = manifestDir({
      _ANY: { _any: ['x86_64'] },
      redhat: { ANY: ['x86_64'], _aNy: ['x86_64'] },
      amazon: { _any: ['_Any'] },
    });
    const got = only(await diagnostics(dir), 'any-keyword-case');
    expect(got.map((d) => [d.line, d.message.slice(0, 30)])).toEqual(
      expect.arrayContaining([
        [lineOf(text, '"_ANY"'), 'The platform key "_ANY" matche'],
        [lineOf(text, '"_aNy"'), 'The version key "_aNy" matches'],
        [lineOf(text, '"_Any"'), 'The arch key "_Any" matches no'],
      ]),
    );
    expect(got).toHaveLength(3);
    // "ANY" (no underscore) is not the keyword in another case: the usual finding
    expect(only(await diagnostics(dir), 'version-key-unreported').map((d) => d.line)).toEqual([
      lineOf(text, '"ANY"'),
    ]);
  });

  it('the agent matches nothing with _ANY', () => {
    const packages = packagesOf({ _ANY: { _any: ['x86_64'] }, amazon: { _ANY: ['_ANY'] } });
    expect(
      resolveHost(packages, undefined, { platform: 'ubuntu', version: '24.04', arch: 'x86_64' }),
    ).toMatchObject({ ok: false, stage: 'platform' });
    expect(
      resolveHost(packages, undefined, { platform: 'amazon', version: '2023', arch: 'x86_64' }),
    ).toMatchObject({ ok: false, stage: 'version' });
    const arch = packagesOf({ amazon: { _any: ['_ANY'] } });
    expect(
      resolveHost(arch, undefined, { platform: 'amazon', version: '2023', arch: 'x86_64' }),
    ).toMatchObject({ ok: false, stage: 'arch' });
  });
});

describe('target findings name their payload and platform', () => {
  it('platform-unknown, arch-unknown, version-key-unreported and target-conflict', async () => {
    const dir = validPackage({
      'distributor.yaml':
        'name: TestAgent\nversion: 1.0.0\npayloads:\n  linux:\n    targets:\n      - { platform: rhel, version: "8", arch: amd64 }\n  windows:\n    targets:\n      - { platform: windows, version: _any, arch: x86_64 }\n      - { platform: amazon, version: _any, arch: x86_64 }\n  linux2:\n    path: linux\n    targets:\n      - { platform: amazon, version: _any, arch: x86_64 }\n',
    });
    const ds = await diagnostics(dir);
    const pick = (rule: string) => only(ds, rule).map((d) => [d.payload, d.platforms]);
    expect(pick('platform-unknown')).toEqual([['linux', ['rhel']]]);
    expect(pick('arch-unknown')).toEqual([['linux', ['rhel']]]);
    expect(pick('version-key-unreported')).toEqual([['linux', ['rhel']]]);
    // reported at the second of the two targets (payloads are read in name order): the windows one, line 10
    expect(only(ds, 'target-conflict').map((d) => [d.payload, d.platforms, d.line])).toEqual([
      ['windows', ['amazon'], 10],
    ]);
  });
});

describe('SUSE versions', () => {
  it.each([
    ['suse', '"15"', []],
    ['suse', '"12"', []],
    ['suse', '"15.6"', []],
    ['suse', '"16"', ['16.*']],
    ['opensuseleap', '"15"', ['15.*']],
  ])('%s %s', async (platform, version, hints) => {
    const ds = await diagnostics(configDir(`{ platform: ${platform}, version: ${version}, arch: x86_64 }`));
    const got = only(ds, 'version-key-unreported');
    expect(got.map((d) => /did you mean "([^"]+)"/.exec(d.message)?.[1])).toEqual(hints);
  });

  it('a SLES 15 host without a service pack gets the "15" key', () => {
    const sles15 = HOSTS.find((h) => h.platform === 'suse' && h.version === '15');
    expect(sles15).toBeDefined();
    const packages = packagesOf({ suse: { '15': ['x86_64'], '15.*': ['arm64'] } });
    expect(resolveHost(packages, undefined, sles15!)).toMatchObject({ ok: true, keys: { version: '15' } });
  });
});

describe('the built-in hosts on a sample mapping', () => {
  const spec: Spec = {
    amazon: {
      '2023': { x86_64: 'al2023.zip', arm64: 'al2023.zip' },
      '2': { x86_64: 'al2.zip', arm64: 'al2.zip' },
    },
    redhat: {
      '10.*': { x86_64: 'el10.zip', arm64: 'el10.zip' },
      '9.*': { x86_64: 'el9.zip', arm64: 'el9.zip' },
      '8.*': { x86_64: 'el8.zip' },
    },
    centos: { '9': { _any: 'el9.zip' } },
    rocky: { '9.*': { _any: 'el9.zip' } },
    almalinux: { '8.*': { x86_64: 'el8.zip' } },
    oracle: { _any: { x86_64: 'el9.zip' } },
    debian: { '13': { _any: 'deb13.zip' }, _any: { x86_64: 'deb.zip', arm64: 'deb.zip' } },
    ubuntu: { '25.04': { _any: 'deb13.zip' }, '24.04': { _any: 'deb.zip' } },
    suse: { '15.*': { x86_64: 'suse.zip', arm64: 'suse.zip' } },
    raspbian: { _any: { arm: 'pi.zip' } },
    windows: { '10.0.*': { x86_64: 'win.zip' }, '6.3.*': { x86_64: 'win2012.zip' } },
  };
  const packages: Manifest['packages'] = Object.fromEntries(
    Object.entries(spec).map(([p, vs]) => [
      p,
      Object.fromEntries(
        Object.entries(vs).map(([v, as]) => [
          v,
          Object.fromEntries(Object.entries(as).map(([a, f]) => [a, { file: f }])),
        ]),
      ),
    ]),
  );
  const files = [
    ...new Set(Object.values(spec).flatMap((vs) => Object.values(vs).flatMap((as) => Object.values(as)))),
  ];
  const rows = previewRows({ packages, files });
  const got = (label: string, arch = 'x86_64') => {
    const r = rows.find((x) => x.label === label && x.arch === arch);
    if (!r) throw new Error(`no host ${label} ${arch}`);
    return r.file ?? `— ${r.reason}`;
  };

  it.each([
    ['RHEL 10.0', 'arm64', 'el10.zip'],
    ['RHEL 9.6', 'x86_64', 'el9.zip'],
    ['RHEL 8.10', 'arm64', '— no manifest found: no arm64 or _any architecture'],
    ['CentOS Stream 9', 'arm64', 'el9.zip'],
    ['CentOS 7', 'x86_64', '— no manifest found: no version key matches 7'],
    ['Rocky Linux 9.6', 'arm64', 'el9.zip'],
    ['Rocky Linux 8.10', 'x86_64', '— no manifest found: no version key matches 8.10'],
    ['AlmaLinux 8.10', 'x86_64', 'el8.zip'],
    ['Oracle Linux 9.6', 'arm64', '— no manifest found: no arm64 or _any architecture'],
    ['Debian 13', 'arm64', 'deb13.zip'],
    ['Debian 12', 'arm64', 'deb.zip'],
    ['Debian 12 (32-bit, on-premises)', '386', '— no manifest found: no 386 or _any architecture'],
    ['Ubuntu 25.04', 'arm64', 'deb13.zip'],
    ['Ubuntu 22.04', 'x86_64', '— no manifest found: no version key matches 22.04'],
    ['Amazon Linux 2023', 'arm64', 'al2023.zip'],
    ['Amazon Linux 2', 'x86_64', 'al2.zip'],
    ['SLES 15 SP6', 'arm64', 'suse.zip'],
    ['SLES 15 (no service pack)', 'x86_64', 'suse.zip'],
    ['openSUSE Leap 15.6', 'x86_64', '— no manifest found: no opensuseleap or _any platform'],
    ['Raspberry Pi OS 12 (32-bit)', 'arm', 'pi.zip'],
    ['Windows Server 2025', 'x86_64', 'win.zip'],
    [
      'Windows Server 2016 Nano Server',
      'x86_64',
      '— no manifest found: no version key matches 10.0.14393nano',
    ],
    ['Windows Server 2012 R2', 'x86_64', 'win2012.zip'],
  ])('%s %s → %s', (label, arch, want) => {
    expect(got(label, arch)).toBe(want);
  });
});

describe('checkShadowing on a hostile mapping', () => {
  it('thousands of exact keys, long keys and odd characters: one finding per key, at most, and no hang', () => {
    const loc = { file: 'distributor.yaml', line: 1, column: 1 };
    const target = (platform: string, version: string, arch: string) => ({
      platform,
      version,
      arch,
      loc,
      fieldLocs: { platform: loc, version: loc, arch: loc },
    });
    const targets = [
      ...Array.from({ length: 4000 }, (_, i) => target('debian', String(i), 'arm64')),
      ...Array.from({ length: 4000 }, (_, i) => target('_any', `${i}.${i}`, 'x86_64')),
      target('debian', '_any', '_any'),
      target('debian', `${'1.'.repeat(20000)}*`, '_any'),
      target('debian', '12\u0000x', 'arm64'),
      target('__proto__', 'constructor', 'toString'),
      target('_any', '_any', '_any'),
    ];
    const payload: PayloadModel = {
      name: 'linux',
      file: 'linux.zip',
      loc,
      fileLoc: loc,
      targets,
      source: 'folder',
      display: 'linux',
      abs: '/nonexistent/linux',
    };
    const ds = checkShadowing([payload]);
    const keys = ds.map((d) => d.message.split(' hides ')[0]);
    expect(new Set(keys).size).toBe(keys.length);
    // debian "12" (arm64 only) hides debian's _any for Debian 12 x86_64 and 386
    expect(ds.find((d) => d.message.startsWith('debian "12" '))?.message).toContain(
      'hides "_any": Debian 12 x86_64, Debian 12 (32-bit, on-premises) 386 hosts',
    );
    expect(ds.length).toBeLessThanOrEqual(4001);
  });
});

describe('through the CLI bundle', () => {
  const cli = (args: string[], cwd: string) =>
    spawnSync(process.execPath, [path.join(REPO, 'bin', 'distributor.js'), ...args], {
      cwd,
      encoding: 'utf8',
    });

  it('validate reports the shadowing key and _ANY, and the preview groups architectures', () => {
    const dir = configDir(
      '{ platform: debian, version: "12", arch: arm64 }',
      '{ platform: debian, version: "12.*", arch: [x86_64, arm64] }',
      '{ platform: _ANY, version: _any, arch: x86_64 }',
    );
    const r = cli(['validate', dir], dir);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      /^distributor\.yaml:6:38: version-key-shadowed warning: debian "12" \(arm64 only\) hides "12\.\*": Debian 12 x86_64 hosts get no ZIP/m,
    );
    expect(r.stdout).toMatch(
      /^distributor\.yaml:8:21: any-keyword-case error: The platform key "_ANY" matches no host/m,
    );
    expect(r.stdout).not.toContain('platform-unknown');
    expect(r.stdout).toMatch(
      /^Debian 13 +debian +13 +x86_64, arm64 +— no manifest found: no version key matches 13$/m,
    );
    expect(r.stdout).toMatch(/^Debian 12 +debian +12 +arm64 +linux\.zip$/m);
    expect(r.stdout).toMatch(
      /^Debian 12 +debian +12 +x86_64 +— no manifest found: no x86_64 or _any architecture$/m,
    );
  });
});
