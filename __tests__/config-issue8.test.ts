// Issue 8, the config: `rules:` scoped to payloads and platforms, `preview-hosts:`, `{version}` in `file:`,
// `exclude` matched like .gitignore, the name hint of a manifest-only folder, and validate's word on
// hand-written checksums.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type BuildResult, buildPackage } from '../src/package/build.js';
import { MAX_PREVIEW_HOSTS, parseConfig } from '../src/package/config.js';
import { HOSTS } from '../src/package/hosts.js';
import { applyOverrides, type RuleOverrides } from '../src/package/rules/overrides.js';
import { VALIDATE_HASH_MAX } from '../src/package/stages/output.js';
import type { Diagnostic } from '../src/package/types.js';
import {
  BASE_CONFIG,
  cleanupTemp,
  goodManifest,
  manifestPackage,
  SH_UNINSTALL,
  tempDir,
  validPackage,
} from './support/pkg.js';
import { REPO } from './support/runner.js';

afterAll(cleanupTemp);

const yaml = (text: string) => parseConfig(text, 'pkg/distributor.yaml', 'yaml');
const of = (r: { diagnostics: Diagnostic[] }, rule: string) => r.diagnostics.filter((d) => d.rule === rule);
const zipEntries = (zip: string) =>
  execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();

/** install.sh with a bash-only `[[ ]]` on line 2: sh-bashism on hosts whose sh is dash. */
const BASHISM = '#!/bin/sh\nif [[ -f /etc/acme ]]; then echo yes; fi\n';
const TARGET = (platform: string) =>
  `    targets: [{ platform: ${platform}, version: _any, arch: x86_64 }]\n`;

/** Two Linux payloads, `legacy` and `current`, both with the same bashism, for the given platforms. */
function twoPayloads(rules: string, legacy = 'ubuntu', current = 'ubuntu'): string {
  const body = `name: TestAgent\nversion: 1.0.0\npayloads:\n  legacy:\n${TARGET(legacy)}  current:\n${TARGET(current)}rules:\n${rules}`;
  return validPackage({
    'distributor.yaml': body,
    'linux/install.sh': null,
    'linux/uninstall.sh': null,
    'linux/agent.rpm': null,
    'windows/install.ps1': null,
    'windows/uninstall.ps1': null,
    'windows/agent.msi': null,
    'legacy/install.sh': BASHISM,
    'legacy/uninstall.sh': SH_UNINSTALL,
    'current/install.sh': BASHISM,
    'current/uninstall.sh': SH_UNINSTALL,
  });
}

/** Which payload each finding of a rule is about, sorted. */
async function payloadsWith(dir: string, rule: string): Promise<string[]> {
  const r = await buildPackage({ packageDir: dir, cwd: dir });
  return of(r, rule)
    .flatMap((d) => [d, ...(d.also ?? [])].map((l) => l.file?.split('/')[0] ?? '?'))
    .filter((v, i, a) => a.indexOf(v) === i)
    .sort();
}

describe('scoped `rules:`', () => {
  it('entries after a plain severity never apply: a warning at the first of them, and the config is read', async () => {
    const dir = twoPayloads(
      '  sh-bashism:\n    - { severity: "off", payloads: [legacy] }\n    - error\n    - warning\n    - { severity: notice, payloads: [current] }\n',
    );
    const r = await buildPackage({ packageDir: dir, cwd: dir });
    const dead = of(r, 'config-schema');
    expect(dead.map((d) => [d.severity, d.line])).toEqual([['warning', 12]]);
    expect(dead[0]!.message).toContain(
      'this entry and the 1 after it never apply: entry 2 (`error`) matches every finding first',
    );
    expect(await payloadsWith(dir, 'sh-bashism')).toEqual(['current']);
    expect(of(r, 'sh-bashism').every((d) => d.severity === 'error')).toBe(true);
  });

  it('a plain severity last leaves nothing dead', async () => {
    const dir = twoPayloads('  sh-bashism:\n    - { severity: "off", payloads: [legacy] }\n    - warning\n');
    const r = await buildPackage({ packageDir: dir, cwd: dir });
    expect(of(r, 'config-schema')).toEqual([]);
  });

  it('silencing a finding in one payload leaves the same finding in another', async () => {
    expect(await payloadsWith(twoPayloads('  sh-pipefail: "off"\n'), 'sh-bashism')).toEqual([
      'current',
      'legacy',
    ]);
    const scoped = twoPayloads('  sh-bashism: { severity: "off", payloads: [legacy] }\n');
    expect(await payloadsWith(scoped, 'sh-bashism')).toEqual(['current']);
    // The ZIP name is accepted for the payload too.
    const byZip = twoPayloads('  sh-bashism: { severity: "off", payloads: [legacy.zip] }\n');
    expect(await payloadsWith(byZip, 'sh-bashism')).toEqual(['current']);
  });

  it('a platform scope matches a finding only when every platform it concerns is listed', async () => {
    // legacy goes to ubuntu only, current to ubuntu and debian (two targets).
    const body = `name: TestAgent\nversion: 1.0.0\npayloads:\n  legacy:\n${TARGET('ubuntu')}  current:\n    targets:\n      - { platform: ubuntu, version: _any, arch: x86_64 }\n      - { platform: debian, version: _any, arch: x86_64 }\nrules:\n  sh-bashism: { severity: notice, platforms: [ubuntu] }\n`;
    const dir = twoPayloads('');
    writeFileSync(path.join(dir, 'distributor.yaml'), body);
    const r = await buildPackage({ packageDir: dir, cwd: dir });
    const sev = Object.fromEntries(of(r, 'sh-bashism').map((d) => [d.file?.split('/')[0], d.severity]));
    expect(sev).toEqual({ legacy: 'notice', current: 'error' });
  });

  it('the first entry whose scope matches applies, in the order written', async () => {
    const list = (entries: string) => twoPayloads(`  sh-bashism:\n${entries}`);
    const a = await buildPackage({
      packageDir: list('    - { severity: notice, payloads: [legacy] }\n    - "off"\n'),
    });
    expect(of(a, 'sh-bashism').map((d) => [d.payload, d.severity])).toEqual([['legacy', 'notice']]);
    const b = await buildPackage({
      packageDir: list('    - "off"\n    - { severity: notice, payloads: [legacy] }\n'),
    });
    expect(of(b, 'sh-bashism')).toEqual([]);
  });

  it('as a function: payload and platform scopes, unscoped entries, findings without a payload', () => {
    const d = (payload: string | undefined, platforms: string[] | undefined): Diagnostic => ({
      rule: 'sh-pipefail',
      severity: 'warning',
      message: 'm',
      ...(payload === undefined ? {} : { payload }),
      ...(platforms === undefined ? {} : { platforms }),
    });
    const rules: RuleOverrides = {
      'sh-pipefail': [
        { severity: 'off', payloads: new Set(['a']), platforms: new Set(['amazon']) },
        { severity: 'notice', platforms: new Set(['amazon', 'redhat']) },
      ],
    };
    const out = applyOverrides(
      [
        d('a', ['amazon']),
        d('a', ['amazon', 'ubuntu']),
        d('b', ['redhat', 'amazon']),
        d(undefined, undefined),
        d('a', []),
      ],
      rules,
    );
    expect(out.map((x) => [x.payload, x.severity])).toEqual([
      ['a', 'warning'],
      ['b', 'notice'],
      [undefined, 'warning'],
      ['a', 'warning'],
    ]);
    const unscoped = applyOverrides([d(undefined, undefined)], { 'sh-pipefail': [{ severity: 'error' }] });
    expect(unscoped[0]!.severity).toBe('error');
  });

  it('a payload that is not declared is config-schema at its line, with a did-you-mean', () => {
    const r = yaml(
      `payloads:\n  linux:\n${TARGET('amazon')}rules:\n  sh-bashism:\n    - { severity: "off", payloads: [lnux] }\n    - { severity: notice, platforms: [amazn] }\n`,
    );
    expect(r.config).toBeUndefined();
    expect(of(r, 'config-schema').map((x) => [x.line, x.message])).toEqual([
      [
        6,
        'rules.sh-bashism[0].payloads[0]: there is no payload `lnux`; did you mean `linux`? Name a key under `payloads` (or its ZIP name).',
      ],
      [
        7,
        'rules.sh-bashism[1].platforms[0]: no target or preview host has the platform `amazn`, so this entry would never apply; did you mean `amazon`? Name a platform of the targets or preview hosts (`amazon`).',
      ],
    ]);
  });

  it('a name is a payload key before it is a ZIP name', () => {
    const r = yaml(
      `payloads:\n  a:\n    file: b.zip\n${TARGET('amazon')}  b:\n    file: c.zip\n${TARGET('amazon')}rules:\n  sh-pipefail: [{ severity: "off", payloads: [b] }, { severity: notice, payloads: [b.zip] }]\n`,
    );
    expect(r.diagnostics).toEqual([]);
    const [byKey, byZip] = r.config!.rules['sh-pipefail']!;
    expect([...byKey!.payloads!]).toEqual(['b', 'c.zip', 'c']);
    // `b` is the key of the other payload: only b.zip stands for payload a.
    expect([...byZip!.payloads!]).toEqual(['a', 'b.zip']);
  });

  it('a malformed entry is config-schema in the words of a plain severity', () => {
    const r = yaml(
      `payloads:\n  linux:\n${TARGET('amazon')}rules:\n  sh-crlf: warn\n  sh-pipefail: { severity: "off", payload: [linux] }\n  sh-bashism: [ { payloads: [linux] } ]\n  ps1-bom: []\n`,
    );
    expect(of(r, 'config-schema').map((x) => [x.line, x.message])).toEqual([
      [5, 'rules.sh-crlf: `warn` is not allowed; use `error`, `warning`, `notice` or `off`.'],
      [6, 'rules.sh-pipefail: unknown key `payload`; did you mean `payloads`?'],
      [7, 'rules.sh-bashism[0]: missing `severity`; add `severity`.'],
      [8, 'rules.ps1-bom: is empty; add at least one entry.'],
    ]);
  });

  it('a rule that cannot be changed stays fixed in the scoped form', async () => {
    const dir = validPackage({
      'distributor.yaml': `${BASE_CONFIG}rules:\n  symlink-escape:\n    - { severity: "off", payloads: [linux] }\n`,
      'linux/passwd': { symlink: '/etc/passwd' },
    });
    const r = await buildPackage({ packageDir: dir, cwd: dir });
    expect(of(r, 'rule-fixed')).toMatchObject([{ line: 11, severity: 'warning' }]);
    expect(of(r, 'symlink-escape')).toMatchObject([{ severity: 'error', payload: 'linux' }]);
    expect(r.ok).toBe(false);
  });
});

describe('`preview-hosts:`', () => {
  const HOSTS_CONFIG = `${BASE_CONFIG}preview-hosts:
  - { platform: amazon, version: "2023", arch: arm64, label: Graviton build farm }
  - { platform: ubuntu, version: "26.04", arch: x86_64, label: Web fleet }
  - { platform: ubunut, version: "24.04", arch: x86_64 }
`;

  it('adds the listed hosts to the preview and warns at each one that gets no ZIP', async () => {
    const dir = validPackage({ 'distributor.yaml': HOSTS_CONFIG });
    const r = await buildPackage({ packageDir: dir, cwd: dir });
    expect(r.ok).toBe(true);
    expect(r.preview).toHaveLength(HOSTS.length + 3);
    expect(r.preview.slice(HOSTS.length).map((p) => [p.label, p.file ?? p.reason])).toEqual([
      ['Graviton build farm', 'linux.zip'],
      ['Web fleet', 'no manifest found: no ubuntu or _any platform'],
      ['ubunut 24.04 x86_64', 'no manifest found: no ubunut or _any platform'],
    ]);
    const unserved = of(r, 'preview-host-unserved');
    expect(unserved.map((d) => [d.file, d.line, d.severity])).toEqual([
      ['distributor.yaml', 12, 'warning'],
      ['distributor.yaml', 13, 'warning'],
    ]);
    expect(unserved[0]!.message).toBe(
      'Preview host "Web fleet" (ubuntu 26.04 x86_64) gets no ZIP: no manifest found: no ubuntu or _any platform. The agent would say: "failed to find platform: no manifest found for platform: ubuntu, version 26.04, architecture x86_64". Add a target that matches it, or remove it from `preview-hosts`.',
    );
    expect(unserved[1]!.message).toContain('no host reports the platform "ubunut" (did you mean "ubuntu"?)');
    expect(unserved[1]!.platforms).toEqual(['ubunut']);
  });

  it('a scoped `rules:` entry can silence it for a platform', async () => {
    const dir = validPackage({
      'distributor.yaml': HOSTS_CONFIG.replace(
        'preview-hosts:',
        'rules:\n  preview-host-unserved: { severity: "off", platforms: [ubuntu] }\npreview-hosts:',
      ),
    });
    const r = await buildPackage({ packageDir: dir, cwd: dir });
    // No target has ubuntu, but a preview host does: the entry applies to that host's warning only.
    expect(of(r, 'config-schema')).toEqual([]);
    expect(of(r, 'preview-host-unserved').map((d) => d.platforms)).toEqual([['ubunut']]);
  });

  it('a platform neither a target nor a preview host has is still refused', async () => {
    const dir = validPackage({
      'distributor.yaml': HOSTS_CONFIG.replace(
        'preview-hosts:',
        'rules:\n  preview-host-unserved: { severity: "off", platforms: [debian] }\npreview-hosts:',
      ),
    });
    const r = await buildPackage({ packageDir: dir, cwd: dir });
    expect(of(r, 'config-schema')[0]?.message).toContain(
      'no target or preview host has the platform `debian`',
    );
  });

  it('refuses empty values, control characters, missing fields, unknown keys and overlong lists', () => {
    const r = yaml(`payloads:
  linux:
${TARGET('amazon')}preview-hosts:
  - { platform: "", version: "1", arch: x86_64 }
  - { platform: ubuntu, version: "24.04\\n", arch: x86_64 }
  - { platform: ubuntu, version: "24.04" }
  - { platform: ubuntu, version: "24.04", arch: x86_64, lable: x }
  - { platform: ubuntu, version: "24.04", arch: x86_64, label: "a\\u0007b" }
`);
    expect(r.config).toBeUndefined();
    expect(of(r, 'config-schema').map((x) => [x.line, x.message])).toEqual([
      [5, 'preview-hosts[0].platform: is empty; give it a value.'],
      [
        6,
        'preview-hosts[1].version: contains a control character or a line break; write it as one line of printable text.',
      ],
      [7, 'preview-hosts[2]: missing `arch`; add it as the SSM Agent reports it, e.g. `arch: x86_64`.'],
      [8, 'preview-hosts[3]: unknown key `lable`; did you mean `label`?'],
      [
        9,
        'preview-hosts[4].label: contains a control character or a line break; write it as one line of printable text.',
      ],
    ]);
    const many = Array.from(
      { length: MAX_PREVIEW_HOSTS + 1 },
      () => '  - { platform: ubuntu, version: "24.04", arch: x86_64 }',
    ).join('\n');
    const big = yaml(`payloads:\n  linux:\n${TARGET('amazon')}preview-hosts:\n${many}\n`);
    expect(of(big, 'config-schema').map((x) => [x.line, x.message])).toEqual([
      [
        4,
        `preview-hosts: lists ${MAX_PREVIEW_HOSTS + 1} hosts; at most ${MAX_PREVIEW_HOSTS} are allowed. Keep one host per distinct platform, version and architecture.`,
      ],
    ]);
  });

  it('reads the label default and keeps values as written', () => {
    const r = yaml(
      `payloads:\n  linux:\n${TARGET('amazon')}preview-hosts:\n  - { platform: redhat, version: 10.0, arch: x86_64 }\n`,
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.previewHosts).toEqual([
      {
        label: 'redhat 10.0 x86_64',
        platform: 'redhat',
        version: '10.0',
        arch: 'x86_64',
        loc: { file: 'pkg/distributor.yaml', line: 5, column: 5 },
      },
    ]);
  });
});

describe('`{version}` in `file:`', () => {
  const versioned = (file: string, extra = '') =>
    BASE_CONFIG.replace('  linux:\n', `  linux:\n    file: ${file}\n`).replace('version: 1.0.0\n', extra);

  it('is the decided version in the ZIP written, the manifest and the preview', async () => {
    const dir = validPackage({ 'distributor.yaml': versioned('agent-{version}-linux.zip') });
    const out = path.join(tempDir(), 'out');
    const r = await buildPackage({
      packageDir: dir,
      cwd: dir,
      outputDir: out,
      version: { value: '2.4.0', source: 'the test' },
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.files).sort()).toEqual(['agent-2.4.0-linux.zip', 'windows.zip']);
    expect(manifest.packages.amazon._any.arm64.file).toBe('agent-2.4.0-linux.zip');
    expect(existsSync(path.join(out, 'agent-2.4.0-linux.zip'))).toBe(true);
    expect(r.output?.files.map((f) => f.name).sort()).toEqual(['agent-2.4.0-linux.zip', 'windows.zip']);
    expect(r.preview.find((p) => p.label === 'Amazon Linux 2023')?.file).toBe('agent-2.4.0-linux.zip');
  });

  it('the ZIP name rules check the name with the version in it', async () => {
    const dir = validPackage({ 'distributor.yaml': versioned(`${'a'.repeat(115)}-{version}.zip`) });
    const r = await buildPackage({ packageDir: dir, version: { value: '1.0.0-rc.12', source: 'x' } });
    const d = of(r, 'file-name-pattern');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toContain(`"${'a'.repeat(115)}-1.0.0-rc.12.zip"`);
    expect(d[0]!.line).toBe(4);
    const fine = await buildPackage({ packageDir: dir, version: { value: '1.0', source: 'x' } });
    expect(fine.ok).toBe(true);
  });

  it('without a version the name keeps the placeholder, and its name check waits for one', async () => {
    const dir = validPackage({ 'distributor.yaml': versioned('agent-{version}-linux.zip') });
    const r = await buildPackage({ packageDir: dir });
    expect(r.diagnostics.map((d) => d.rule)).toEqual(['version-missing']);
    expect(r.preview.find((p) => p.label === 'Amazon Linux 2023')?.file).toBe('agent-{version}-linux.zip');
  });

  it('two names that meet once the version is in them are config-schema', async () => {
    const body = BASE_CONFIG.replace('  windows:\n', '  windows:\n    file: agent-1.0.0.zip\n').replace(
      '  linux:\n',
      '  linux:\n    file: agent-{version}.zip\n',
    );
    const r = await buildPackage({ packageDir: validPackage({ 'distributor.yaml': body }) });
    expect(of(r, 'config-schema').map((d) => d.message)).toEqual([
      'Payloads `windows` and `linux` both produce agent-1.0.0.zip once `{version}` is replaced by "1.0.0"; give one of them a different `file`.',
    ]);
    expect(of(r, 'config-schema')[0]!.line).toBe(5);
  });

  it('another placeholder is config-schema at the `file:` line; `{version}` in a default name is not one', () => {
    const r = yaml(`payloads:\n  linux:\n    file: agent-{Version}-{arch}.zip\n${TARGET('amazon')}`);
    expect(of(r, 'config-schema').map((x) => [x.line, x.message])).toEqual([
      [
        3,
        'payloads.linux.file: unknown placeholder `{Version}`; did you mean `{version}`? The only placeholder is `{version}`, replaced by the package version.',
      ],
      [
        3,
        'payloads.linux.file: unknown placeholder `{arch}`. The only placeholder is `{version}`, replaced by the package version.',
      ],
    ]);
    const key = yaml(`payloads:\n  "a{version}":\n${TARGET('amazon')}`);
    expect(key.config?.payloads[0]).toMatchObject({ file: 'a{version}.zip', versioned: false });
  });
});

describe('`exclude`, matched like .gitignore', () => {
  const tree = {
    'linux/app.log': 'x',
    'linux/a/b/c.log': 'x',
    'linux/a/b/keep.log': 'x',
    'linux/docs/guide.md': 'x',
    'linux/src/docs/api.md': 'x',
    'linux/build/out.bin': 'x',
    'linux/src/build/gen.c': 'x',
    'linux/tools/build': 'a file named build',
  };

  async function zipped(exclude: string): Promise<string[]> {
    const body = BASE_CONFIG.replace('  linux:\n', `  linux:\n    exclude: ${exclude}\n`);
    const dir = validPackage({ 'distributor.yaml': body, ...tree });
    const out = path.join(tempDir(), 'out');
    const r: BuildResult = await buildPackage({ packageDir: dir, outputDir: out });
    expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
    return zipEntries(path.join(out, 'linux.zip')).filter((e) => !/^(install|uninstall)\.sh$|agent/.test(e));
  }

  it('a pattern without a slash matches at any depth; `!` brings a file back', async () => {
    expect(await zipped('["*.log", "!keep.log"]')).toEqual([
      'a/',
      'a/b/',
      'a/b/keep.log',
      'build/',
      'build/out.bin',
      'docs/',
      'docs/guide.md',
      'src/',
      'src/build/',
      'src/build/gen.c',
      'src/docs/',
      'src/docs/api.md',
      'tools/',
      'tools/build',
    ]);
  });

  it('a trailing slash matches folders only, at any depth', async () => {
    const got = await zipped('["build/"]');
    expect(got.filter((e) => e.includes('build'))).toEqual(['tools/build']);
  });

  it('a leading or inner slash anchors the pattern at the payload folder', async () => {
    const got = await zipped('["/docs", "src/build/*.c"]');
    expect(got.filter((e) => /docs|build\//.test(e))).toEqual([
      'build/',
      'build/out.bin',
      'src/build/',
      'src/docs/',
      'src/docs/api.md',
    ]);
  });
});

describe('a manifest-only folder with a name that cannot be a document name', () => {
  it("names the caller's option for choosing another name", async () => {
    const dir = path.join(tempDir(), 'my agent');
    cpSync(manifestPackage(), dir, { recursive: true });
    const r = await buildPackage({ packageDir: dir, nameHint: 'pass --name' });
    expect(of(r, 'name-pattern')[0]?.message).toMatch(
      /\(from the package folder's name; pass --name to choose another\)$/,
    );
    const action = await buildPackage({ packageDir: dir, nameHint: 'set the `name` input' });
    expect(of(action, 'name-pattern')[0]?.message).toContain('set the `name` input to choose another');
  });
});

describe('hand-written checksums of folder payloads, without a build', () => {
  it('validate says what build says: the same notice, the same words', async () => {
    const dir = manifestPackage(goodManifest());
    const validated = of(await buildPackage({ packageDir: dir, cwd: dir }), 'checksum-recomputed');
    const out = path.join(tempDir(), 'out');
    const built = of(
      await buildPackage({ packageDir: dir, cwd: dir, outputDir: out }),
      'checksum-recomputed',
    );
    expect(built).toHaveLength(1);
    expect(validated).toEqual(built);
    expect(validated[0]).toMatchObject({ severity: 'notice', file: 'manifest.json' });
  });

  it('a current checksum gets no notice from either', async () => {
    const dir = manifestPackage(goodManifest());
    const out = path.join(tempDir(), 'out');
    const first = await buildPackage({ packageDir: dir, outputDir: out });
    const sha = first.output!.files[0]!.sha256;
    writeFileSync(
      path.join(dir, 'manifest.json'),
      goodManifest({ files: { 'linux.zip': { checksums: { sha256: sha } } } }),
    );
    expect(of(await buildPackage({ packageDir: dir }), 'checksum-recomputed')).toEqual([]);
    const again = await buildPackage({ packageDir: dir, outputDir: path.join(tempDir(), 'o') });
    expect(of(again, 'checksum-recomputed')).toEqual([]);
  });

  it('a folder too large to zip for validate gets a notice that the build will recompute it', async () => {
    const dir = manifestPackage(goodManifest(), { 'linux/big.bin': '' });
    truncateSync(path.join(dir, 'linux', 'big.bin'), VALIDATE_HASH_MAX + 1);
    const [d, ...rest] = of(await buildPackage({ packageDir: dir, cwd: dir }), 'checksum-recomputed');
    expect(rest).toEqual([]);
    expect(d?.severity).toBe('notice');
    expect(d?.message).toContain('validate does not build a ZIP from more than 64 MiB of files');
    expect(d?.message).toContain('the build will compute its sha256');
  });

  it('through the CLI (dist bundle): `validate` prints the notice `build` prints', () => {
    const dir = manifestPackage(goodManifest());
    const bin = path.join(REPO, 'bin', 'distributor.js');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
    const line = (text: string) => text.split('\n').find((l) => l.includes('checksum-recomputed'));
    const v = run('validate', '.');
    const b = run('build', '.', '--output-dir', path.join(tempDir(), 'out'));
    expect(v.status, v.stdout + v.stderr).toBe(0);
    expect(line(v.stdout)).toMatch(
      /^manifest\.json:\d+:\d+: checksum-recomputed notice: manifest\.json says/,
    );
    expect(line(v.stdout)).toBe(line(b.stdout));
  });

  it('through the CLI: a manifest-only folder with a bad name points at --name', () => {
    const dir = path.join(tempDir(), 'my agent');
    cpSync(manifestPackage(), dir, { recursive: true });
    const bin = path.join(REPO, 'bin', 'distributor.js');
    const r = spawnSync(process.execPath, [bin, 'validate', dir], { encoding: 'utf8' });
    expect(r.stdout).toContain("(from the package folder's name; pass --name to choose another)");
  });
});

describe('never throws on config-like `rules:` and `preview-hosts:`', () => {
  it('on arbitrary shapes', () => {
    const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
    const scope = fc.record(
      {
        severity: fc.oneof(scalar, fc.constantFrom('off', 'error', 'notice')),
        payloads: fc.oneof(scalar, fc.array(fc.oneof(scalar, fc.constant('l')), { maxLength: 3 })),
        platforms: fc.oneof(scalar, fc.array(fc.oneof(scalar, fc.constant('amazon')), { maxLength: 3 })),
      },
      { requiredKeys: [] },
    );
    const entry = fc.oneof(scalar, scope, fc.array(fc.oneof(scalar, scope), { maxLength: 3 }));
    const host = fc.record(
      { platform: scalar, version: scalar, arch: scalar, label: scalar },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('sh-pipefail', 'symlink', '__proto__', 'x'), entry, { maxKeys: 3 }),
        fc.oneof(scalar, fc.array(host, { maxLength: 3 })),
        fc.oneof(fc.constant('l.zip'), fc.constant('l-{version}.zip'), fc.string({ maxLength: 12 })),
        (rules, hosts, file) => {
          const text = JSON.stringify({
            payloads: { l: { file, targets: [{ platform: 'amazon', version: '_any', arch: 'x86_64' }] } },
            rules,
            'preview-hosts': hosts,
          });
          const r = parseConfig(text, 'x', 'json');
          if (r.config) expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          else expect(r.diagnostics.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 400 },
    );
  });
});
