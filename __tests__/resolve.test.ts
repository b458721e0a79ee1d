// The agent's manifest matching (platform → version → arch, no backtracking) and the host preview.
import { describe, expect, it } from 'vitest';
import { HOSTS, previewRows } from '../src/package/hosts.js';
import {
  classifyVersionKey,
  DOCUMENTED_PLATFORMS,
  UNDOCUMENTED_PLATFORMS,
  WINDOWS_BUILDS,
} from '../src/package/platforms.js';
import {
  type Host,
  resolveHost,
  selectVersionKey,
  versionFallbacks,
  versionKeyMatches,
  wildcardMatchLength,
} from '../src/package/resolve.js';
import type { Manifest, PackageMapping } from '../src/package/types.js';

type Packages = Manifest['packages'];

/** Builds `packages` from platform → version → arch → file. */
const pk = (spec: Record<string, Record<string, Record<string, string>>>): Packages =>
  Object.fromEntries(
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

const miss = (p: string, v: string, a: string) =>
  `failed to find platform: no manifest found for platform: ${p}, version ${v}, architecture ${a}`;

const host = (platform: string, version: string, arch = 'x86_64'): Host => ({ platform, version, arch });

function fileFor(packages: Packages, h: Host): string {
  const r = resolveHost(packages, undefined, h);
  return r.ok ? r.file : `ERR ${r.message}`;
}

describe('platform level', () => {
  const packages = pk({
    redhat: { '8.*': { x86_64: 'rhel8.zip' } },
    _any: { _any: { _any: 'fallback.zip' } },
  });

  it.each([
    [host('redhat', '8.6'), 'rhel8.zip'],
    [host('ubuntu', '22.04'), 'fallback.zip'],
    [host('ubuntu', '22.04', 'arm64'), 'fallback.zip'],
    // redhat exists: the agent never falls back to the _any platform, even though it would match
    [host('redhat', '9.4'), `ERR ${miss('redhat', '9.4', 'x86_64')}`],
    [host('redhat', '8.6', 'arm64'), `ERR ${miss('redhat', '8.6', 'arm64')}`],
  ])('%j → %s', (h, want) => {
    expect(fileFor(packages, h)).toBe(want);
  });

  it('fails with the agent text when neither the platform nor _any is there', () => {
    const r = resolveHost(
      pk({ amazon: { _any: { _any: 'a.zip' } } }),
      undefined,
      host('debian', '12', 'arm64'),
    );
    expect(r).toEqual({ ok: false, stage: 'platform', message: miss('debian', '12', 'arm64') });
  });

  it('_any is case-sensitive at every level: _ANY matches no host', () => {
    const h = host('ubuntu', '24.04');
    expect(resolveHost(pk({ _ANY: { _any: { _any: 'a.zip' } } }), undefined, h)).toMatchObject({
      ok: false,
      stage: 'platform',
    });
    expect(resolveHost(pk({ ubuntu: { _Any: { _any: 'a.zip' } } }), undefined, h)).toMatchObject({
      ok: false,
      stage: 'version',
    });
    expect(resolveHost(pk({ ubuntu: { _any: { _ANY: 'a.zip' } } }), undefined, h)).toMatchObject({
      ok: false,
      stage: 'arch',
    });
  });

  it('matches keys only, never inherited object properties', () => {
    const r = resolveHost(
      pk({ amazon: { _any: { _any: 'a.zip' } } }),
      undefined,
      host('constructor', 'toString'),
    );
    expect(r.ok).toBe(false);
    expect(fileFor(pk({}), host('__proto__', '1'))).toBe(`ERR ${miss('__proto__', '1', 'x86_64')}`);
  });
});

describe('version level', () => {
  const redhat = pk({
    redhat: {
      '7': { x86_64: 'bare7.zip' },
      '8.*': { x86_64: 'rhel8.zip' },
      '9.*': { x86_64: 'rhel9.zip' },
      '9.4.*': { x86_64: 'rhel94.zip' },
    },
  });

  it.each([
    ['8', 'rhel8.zip'],
    ['8.6', 'rhel8.zip'],
    ['8.6.1', 'rhel8.zip'],
    ['8.10', 'rhel8.zip'],
    ['80.1', 'ERR'],
    ['80', 'ERR'],
    ['9', 'rhel9.zip'],
    ['9.0', 'rhel9.zip'],
    ['9.4', 'rhel94.zip'],
    ['9.4.2', 'rhel94.zip'],
    ['9.41', 'rhel9.zip'],
    ['7', 'bare7.zip'],
    ['7.9', 'ERR'],
    ['', 'ERR'],
  ])('redhat %s → %s', (v, want) => {
    const got = fileFor(redhat, host('redhat', v));
    if (want === 'ERR') expect(got).toBe(`ERR ${miss('redhat', v, 'x86_64')}`);
    else expect(got).toBe(want);
  });

  it('reports the chosen keys', () => {
    expect(resolveHost(redhat, undefined, host('redhat', '9.4.2'))).toEqual({
      ok: true,
      file: 'rhel94.zip',
      keys: { platform: 'redhat', version: '9.4.*', arch: 'x86_64' },
    });
  });

  it('an exact key wins over any wildcard', () => {
    const p = pk({
      redhat: { '9.4': { x86_64: 'exact.zip' }, '9.4.*': { x86_64: 'w.zip' }, _any: { x86_64: 'a.zip' } },
    });
    expect(fileFor(p, host('redhat', '9.4'))).toBe('exact.zip');
    expect(fileFor(p, host('redhat', '9.4.1'))).toBe('w.zip');
  });

  it.each([
    [{ '*': 'star.zip', _any: 'any.zip' }, 'any.zip'],
    [{ '*': 'star.zip' }, 'star.zip'],
    [{ '8.*': 'eight.zip', _any: 'any.zip', '*': 'star.zip' }, 'any.zip'],
    [{ '2.*': 'two.zip', _any: 'any.zip' }, 'two.zip'],
  ])('fallback order %j → %s', (keys, want) => {
    const p = pk({ amazon: Object.fromEntries(Object.entries(keys).map(([k, f]) => [k, { x86_64: f }])) });
    expect(fileFor(p, host('amazon', '2'))).toBe(want);
  });

  it('keys that are neither exact nor end in .* never match by prefix', () => {
    const p = pk({
      redhat: { '8': { x86_64: 'a' }, '8*': { x86_64: 'b' }, '8.x': { x86_64: 'c' }, '*.*': { x86_64: 'd' } },
    });
    expect(fileFor(p, host('redhat', '8.6'))).toBe(`ERR ${miss('redhat', '8.6', 'x86_64')}`);
  });
});

describe('versionFallbacks', () => {
  const keySets = [
    ['7', '8.*', '9.*', '9.4.*', '_any', '*'],
    ['9.4', '9.4.*', '9.*', '*'],
    ['10.0.*', '10.0.*nano', '10.*nano', '10.0.14393nano', '_any'],
    ['12', '12.*', '_any'],
    ['2023', '2.*', '*'],
    ['8..*', '.*', '8.6.1.*'],
  ];
  const versions = ['7', '8', '8.6', '8.6.1', '9', '9.4', '9.4.2', '9.41', '10.0.14393', '10.0.14393nano'];
  const more = ['12', '12.1', '2', '2023', '', '8..1', 'x'];

  it('starts with the key the agent chooses, and lists each next choice once', () => {
    for (const keys of keySets) {
      for (const v of [...versions, ...more]) {
        const chain = versionFallbacks(new Set(keys), v);
        expect(chain[0], `${v} in ${keys.join(' ')}`).toBe(selectVersionKey(keys, v));
        // removing the chosen key makes the next one the agent's choice
        for (let i = 0; i < chain.length; i++) {
          const left = keys.filter((k) => !chain.slice(0, i).includes(k));
          expect(selectVersionKey(left, v), `${v} without ${chain.slice(0, i).join(' ')}`).toBe(chain[i]);
        }
        const rest = keys.filter((k) => !chain.includes(k));
        expect(selectVersionKey(rest, v)).toBeUndefined();
      }
    }
  });

  it('orders exact, longer wildcard, shorter wildcard, _any, *', () => {
    expect(versionFallbacks(new Set(['*', '_any', '9.*', '9.4.*', '9.4']), '9.4')).toEqual([
      '9.4',
      '9.4.*',
      '9.*',
      '_any',
      '*',
    ]);
  });
});

describe('Nano Server versions', () => {
  const NANO = '10.0.14393nano';
  const win = (keys: Record<string, string>) =>
    pk({ windows: Object.fromEntries(Object.entries(keys).map(([k, f]) => [k, { x86_64: f }])) });

  it.each([
    [{ '10.0.*': 'full.zip', '10.0.*nano': 'nano.zip' }, NANO, 'nano.zip'],
    [{ '10.0.*': 'full.zip', '10.0.*nano': 'nano.zip' }, '10.0.14393', 'full.zip'],
    [{ '10.*nano': 'short.zip', '10.0.*nano': 'long.zip' }, NANO, 'long.zip'],
    // only keys ending in "nano" are considered for a nano host; others fall through to _any
    [{ '10.0.*': 'full.zip', _any: 'any.zip' }, NANO, 'any.zip'],
    [{ '10.0.*': 'full.zip' }, NANO, 'ERR'],
    // non-nano hosts skip nano keys
    [{ '10.0.*nano': 'nano.zip' }, '10.0.17763', 'ERR'],
    // "nano" is taken off the key only: the host's last segment keeps it
    [{ '10.0.14393.*nano': 'nano.zip' }, NANO, 'ERR'],
    // a bare "nano" key is an exact key like any other
    [{ nano: 'nano.zip' }, NANO, 'ERR'],
    [{ [NANO]: 'exact.zip', '10.0.*nano': 'nano.zip' }, NANO, 'exact.zip'],
  ])('%j for %s → %s', (keys, v, want) => {
    const got = fileFor(win(keys), host('windows', v));
    expect(got).toBe(want === 'ERR' ? `ERR ${miss('windows', v, 'x86_64')}` : want);
  });

  it('wildcardMatchLength counts the covered segments', () => {
    expect(wildcardMatchLength('10.0.*nano', NANO)).toBe(2);
    expect(wildcardMatchLength('10.0.*', NANO)).toBe(0);
    expect(wildcardMatchLength('9.4.*', '9.4')).toBe(2);
    expect(wildcardMatchLength('9.4.*', '9')).toBe(0);
    expect(wildcardMatchLength('8', '8')).toBe(0);
    expect(versionKeyMatches('8', '8')).toBe(true);
    expect(versionKeyMatches('8', '8.6')).toBe(false);
    expect(versionKeyMatches('8.*', '8.6.1')).toBe(true);
  });
});

describe('arch level and files', () => {
  const packages = pk({
    amazon: { '2023': { arm64: 'arm.zip', _any: 'any.zip' }, '2': { x86_64: 'x86.zip' } },
  });

  it.each([
    [host('amazon', '2023', 'arm64'), 'arm.zip'],
    [host('amazon', '2023', 'x86_64'), 'any.zip'],
    [host('amazon', '2023', '386'), 'any.zip'],
    [host('amazon', '2', 'x86_64'), 'x86.zip'],
    [host('amazon', '2', 'arm64'), `ERR ${miss('amazon', '2', 'arm64')}`],
  ])('%j → %s', (h, want) => {
    expect(fileFor(packages, h)).toBe(want);
  });

  it('stops at the arch level without trying other version keys', () => {
    const p = pk({ amazon: { '2': { x86_64: 'x.zip' }, _any: { arm64: 'arm.zip' } } });
    const r = resolveHost(p, undefined, host('amazon', '2', 'arm64'));
    expect(r).toEqual({ ok: false, stage: 'arch', message: miss('amazon', '2', 'arm64') });
  });

  it('needs the chosen file in `files` when files are given', () => {
    const files = ['any.zip'];
    expect(resolveHost(packages, files, host('amazon', '2023', 'x86_64')).ok).toBe(true);
    expect(resolveHost(packages, files, host('amazon', '2023', 'arm64'))).toEqual({
      ok: false,
      stage: 'file',
      message: 'failed to find file for &{FileName:arm.zip}',
    });
    expect(resolveHost(packages, undefined, host('amazon', '2023', 'arm64')).ok).toBe(true);
  });
});

describe('host preview', () => {
  const mapping: PackageMapping = {
    packages: pk({
      amazon: {
        '2': { x86_64: 'linux-rpm.zip', arm64: 'linux-rpm.zip' },
        '2023': { x86_64: 'linux-rpm.zip', arm64: 'linux-rpm.zip' },
      },
      redhat: {
        '8.*': { x86_64: 'linux-rpm.zip', arm64: 'linux-rpm.zip' },
        '9.*': { x86_64: 'linux-rpm.zip', arm64: 'linux-rpm.zip' },
      },
      ubuntu: { '22.04': { x86_64: 'linux-deb.zip', arm64: 'linux-deb.zip' } },
      debian: { _any: { x86_64: 'linux-deb.zip', arm64: 'linux-deb.zip' } },
      windows: { _any: { x86_64: 'windows.zip' } },
    }),
    files: ['linux-rpm.zip', 'linux-deb.zip', 'windows.zip'],
  };
  const rows = previewRows(mapping);
  const row = (label: string, arch = 'x86_64') => {
    const r = rows.find((x) => x.label === label && x.arch === arch);
    if (!r) throw new Error(`no row ${label} ${arch}`);
    return r;
  };

  it('gives one row per host, in order', () => {
    expect(rows.map((r) => [r.label, r.arch])).toEqual(HOSTS.map((h) => [h.label, h.arch]));
  });

  it.each([
    ['Amazon Linux 2023', 'arm64', 'linux-rpm.zip'],
    ['Amazon Linux 2', 'x86_64', 'linux-rpm.zip'],
    ['RHEL 8.10', 'arm64', 'linux-rpm.zip'],
    ['RHEL 9.4', 'x86_64', 'linux-rpm.zip'],
    ['Ubuntu 22.04', 'arm64', 'linux-deb.zip'],
    ['Debian 11', 'x86_64', 'linux-deb.zip'],
    ['Windows Server 2016 Nano Server', 'x86_64', 'windows.zip'],
    ['Windows Server 2012 R2', 'x86_64', 'windows.zip'],
  ])('%s %s gets %s', (label, arch, file) => {
    expect(row(label, arch)).toMatchObject({ file });
    expect(row(label, arch).message).toBeUndefined();
  });

  it('says why a host gets nothing, with the agent text', () => {
    expect(row('Amazon Linux AMI 2018.03')).toMatchObject({
      message: miss('amazon', '2018.03', 'x86_64'),
      reason: 'no manifest found: no version key matches 2018.03',
    });
    expect(row('Ubuntu 24.04', 'arm64').message).toBe(miss('ubuntu', '24.04', 'arm64'));
    expect(row('Debian 12 (32-bit, on-premises)', '386')).toMatchObject({
      message: miss('debian', '12', '386'),
      reason: 'no manifest found: no 386 or _any architecture',
    });
    expect(row('SLES 15 SP5').reason).toBe('no manifest found: no suse or _any platform');
    expect(row('SLES 15 SP5').file).toBeUndefined();
  });

  it('a file the mapping does not list is the agent\'s "failed to find file"', () => {
    const r = previewRows({ ...mapping, files: ['linux-deb.zip'] }).find((x) => x.label === 'RHEL 9.4');
    expect(r).toMatchObject({ reason: 'failed to find file: not listed in files' });
    expect(r?.file).toBeUndefined();
  });
});

describe('built-in hosts', () => {
  const platforms = new Set<string>([...DOCUMENTED_PLATFORMS, ...UNDOCUMENTED_PLATFORMS]);

  it('use only names, versions and architectures the agent reports', () => {
    for (const h of HOSTS) {
      expect(platforms.has(h.platform), h.label).toBe(true);
      expect(['x86_64', 'arm64', '386', 'arm']).toContain(h.arch);
      expect(h.version).toMatch(/^\d+(\.\d+)*(nano)?$/);
      // the version-key rules accept every built-in host's version as an exact key
      expect(classifyVersionKey(h.platform, h.version), h.label).toEqual({ kind: 'ok' });
    }
    const windows = HOSTS.filter((h) => h.platform === 'windows').map((h) => h.version.replace(/nano$/, ''));
    for (const v of windows) expect(Object.values(WINDOWS_BUILDS)).toContain(v);
  });

  it('cover the common fleets, each host once', () => {
    const ids = HOSTS.map((h) => `${h.platform} ${h.version} ${h.arch}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'amazon 2 x86_64',
        'amazon 2 arm64',
        'amazon 2023 arm64',
        'amazon 2018.03 x86_64',
        'ubuntu 20.04 arm64',
        'ubuntu 24.04 x86_64',
        'ubuntu 25.04 arm64',
        'debian 11 arm64',
        'debian 12 x86_64',
        'debian 13 arm64',
        'raspbian 12 arm',
        'redhat 8.10 arm64',
        'redhat 9.4 x86_64',
        'redhat 9.6 arm64',
        'redhat 10.0 x86_64',
        'centos 7 x86_64',
        'centos 9 arm64',
        'rocky 9.6 x86_64',
        'rocky 8.10 x86_64',
        'almalinux 9.6 arm64',
        'almalinux 8.10 x86_64',
        'oracle 9.6 x86_64',
        'oracle 8.10 x86_64',
        'suse 15.6 arm64',
        'suse 15.5 x86_64',
        'suse 15 x86_64',
        'opensuseleap 15.6 x86_64',
        'windows 10.0.14393 x86_64',
        'windows 10.0.14393nano x86_64',
        'windows 10.0.17763 x86_64',
        'windows 10.0.20348 x86_64',
        'windows 10.0.26100 x86_64',
        'windows 6.3.9600 x86_64',
      ]),
    );
  });
});
