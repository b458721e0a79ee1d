// Every rule of the catalogue, each with a package that breaks it, through the whole pipeline.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../src/package/build.js';
import { RULES } from '../src/package/rules/catalogue.js';
import type { Diagnostic } from '../src/package/types.js';
import { sha256 as sha } from './support/hash.js';
import {
  BASE_CONFIG,
  cleanupTemp,
  goodManifest,
  manifestPackage,
  prebuiltPackage,
  PS1_INSTALL,
  SH_INSTALL,
  SH_UNINSTALL,
  tempDir,
  validPackage,
  writeTree,
} from './support/pkg.js';

afterAll(cleanupTemp);

const config = (body: string) => ({ 'distributor.yaml': body });
const linuxOnly = (targets: string, extra = '') =>
  `name: TestAgent\nversion: 1.0.0\n${extra}payloads:\n  linux:\n    targets:\n${targets}`;

interface Case {
  rule: keyof typeof RULES;
  what: string;
  make: () => string;
  version?: string;
  /** Expected display-path suffix and line of the diagnostic. */
  file?: string;
  line?: number;
}

/** The valid package with the name (line 1) `name`. */
const nameCase = (rule: Case['rule'], what: string, name: string): Case => ({
  rule,
  what,
  make: () => validPackage(config(BASE_CONFIG.replace('TestAgent', name))),
  line: 1,
});

/** The valid package with one file replaced by `text`, which breaks the rule at `line`. */
const scriptCase = (rule: Case['rule'], what: string, file: string, text: string, line: number): Case => ({
  rule,
  what,
  make: () => validPackage({ [file]: text }),
  file,
  line,
});

/** As scriptCase, with an ubuntu target added to the linux payload: its sh is dash (amazon's is bash). */
const dashScriptCase = (
  rule: Case['rule'],
  what: string,
  file: string,
  text: string,
  line: number,
): Case => ({
  rule,
  what,
  make: () =>
    validPackage({
      ...config(
        BASE_CONFIG.replace(
          'arch: [x86_64, arm64] }\n',
          'arch: [x86_64, arm64] }\n      - { platform: ubuntu, version: "22.04", arch: x86_64 }\n',
        ),
      ),
      [file]: text,
    }),
  file,
  line,
});

/** A linux-only package whose one target (line 6) breaks the rule. */
const targetCase = (rule: Case['rule'], what: string, target: string): Case => ({
  rule,
  what,
  make: () => validPackage(config(linuxOnly(`      - ${target}\n`))),
  line: 6,
});

const cases: Case[] = [
  { rule: 'config-missing', what: 'an empty folder', make: () => tempDir() },
  {
    rule: 'config-ambiguous',
    what: 'both YAML and JSON configs',
    make: () => validPackage({ 'distributor.json': '{}' }),
  },
  {
    rule: 'config-too-large',
    what: 'a config over 1 MiB',
    make: () => validPackage(config(`${BASE_CONFIG}#${'x'.repeat(1024 * 1024)}\n`)),
    file: 'distributor.yaml',
  },
  {
    rule: 'rule-fixed',
    what: 'rules: trying to switch off file-name-pattern',
    make: () => validPackage(config(`${BASE_CONFIG}rules:\n  file-name-pattern: "off"\n`)),
    line: 11,
  },
  {
    rule: 'config-syntax',
    what: 'broken YAML',
    make: () => validPackage(config('name: [unclosed\n')),
    line: 1,
  },
  {
    rule: 'config-schema',
    what: 'a target without arch',
    make: () => validPackage(config(linuxOnly('      - { platform: amazon, version: _any }\n'))),
    file: 'distributor.yaml',
    line: 6,
  },
  {
    rule: 'name-pattern',
    what: 'a two-letter name',
    make: () => validPackage(config(BASE_CONFIG.replace('TestAgent', 'ab'))),
    file: 'distributor.yaml',
    line: 1,
  },
  nameCase('name-reserved-prefix', 'a name starting with aws', 'awsAgent'),
  nameCase('name-configure-package', 'a name with a dot', 'Acme.Agent'),
  nameCase('name-aws-package', 'the name of an AWS package', 'AwsEnaNetworkDriver'),
  {
    rule: 'version-missing',
    what: 'no version anywhere',
    make: () => validPackage(config(BASE_CONFIG.replace('version: 1.0.0\n', ''))),
  },
  {
    rule: 'version-pattern',
    what: 'a version with a space',
    make: () => validPackage(config(BASE_CONFIG.replace('1.0.0', '"1.0 beta"'))),
    line: 2,
  },
  { rule: 'version-latest', what: 'the version latest', make: () => validPackage(), version: 'latest' },
  {
    rule: 'version-mismatch',
    what: 'a prebuilt manifest of another version',
    make: () => prebuiltPackage(),
    version: '2.0.0',
  },
  targetCase(
    'platform-unknown',
    'rhel instead of redhat',
    '{ platform: rhel, version: "8.*", arch: x86_64 }',
  ),
  targetCase('platform-undocumented', 'rocky', '{ platform: rocky, version: "9.*", arch: x86_64 }'),
  targetCase('arch-unknown', 'amd64 instead of x86_64', '{ platform: amazon, version: _any, arch: amd64 }'),
  targetCase('version-key-form', '8.x instead of 8.*', '{ platform: redhat, version: "8.x", arch: x86_64 }'),
  targetCase(
    'version-key-unreported',
    'a bare major for RHEL',
    '{ platform: redhat, version: "8", arch: x86_64 }',
  ),
  {
    rule: 'target-conflict',
    what: 'one host mapped to two ZIPs',
    make: () =>
      validPackage({
        ...config(
          `${linuxOnly('      - { platform: amazon, version: _any, arch: x86_64 }\n')}  linux2:\n    targets:\n      - { platform: amazon, version: _any, arch: x86_64 }\n`,
        ),
        'linux2/install.sh': SH_INSTALL,
        'linux2/uninstall.sh': SH_UNINSTALL,
      }),
    line: 9,
  },
  {
    rule: 'payload-missing',
    what: 'a payload folder that does not exist',
    make: () =>
      validPackage({ 'linux/install.sh': null, 'linux/uninstall.sh': null, 'linux/agent.rpm': null }),
    line: 4,
  },
  {
    rule: 'payload-empty',
    what: 'an empty payload folder',
    make: () =>
      validPackage({
        'linux/install.sh': null,
        'linux/uninstall.sh': null,
        'linux/agent.rpm': null,
        linux: { dir: true },
      }),
  },
  {
    rule: 'payload-unused',
    what: 'a folder with install scripts not in the config',
    make: () => validPackage({ 'extra/install.sh': SH_INSTALL, 'extra/uninstall.sh': SH_UNINSTALL }),
    file: 'extra',
  },
  {
    rule: 'file-name-pattern',
    what: 'a ZIP name with a space',
    make: () =>
      validPackage(config(BASE_CONFIG.replace('  linux:\n', '  linux:\n    file: "my agent.zip"\n'))),
    line: 5,
  },
  {
    rule: 'file-count',
    what: '21 payloads',
    make: () => {
      let body = 'name: TestAgent\nversion: 1.0.0\npayloads:\n';
      const files: Record<string, string> = {};
      for (let i = 0; i < 21; i++) {
        body += `  p${i}:\n    targets:\n      - { platform: ubuntu, version: "${10 + i}.04", arch: x86_64 }\n`;
        files[`p${i}/install.sh`] = SH_INSTALL;
        files[`p${i}/uninstall.sh`] = SH_UNINSTALL;
      }
      return writeTree(tempDir(), { 'distributor.yaml': body, ...files });
    },
  },
  {
    rule: 'file-name-reserved',
    what: 'a ZIP named manifest.json',
    make: () =>
      validPackage(config(BASE_CONFIG.replace('  linux:\n', '  linux:\n    file: Manifest.json\n'))),
    line: 5,
  },
  {
    rule: 'path-outside-package',
    what: 'a payload path with ..',
    make: () => validPackage(config(BASE_CONFIG.replace('  linux:\n', '  linux:\n    path: ../linux\n'))),
    line: 5,
  },
  {
    rule: 'name-case-collision',
    what: 'two Windows files that differ only in case',
    make: () => validPackage({ 'windows/Agent.msi': 'msi' }),
    file: 'windows/agent.msi',
  },
  {
    rule: 'tree-too-deep',
    what: 'folders nested 257 levels below the package folder',
    make: () => {
      const root = validPackage();
      mkdirSync(path.join(root, 'linux', ...Array<string>(256).fill('d')), { recursive: true });
      return root;
    },
  },
  {
    rule: 'zip-entry-limit',
    what: 'a file of 4 GiB (sparse)',
    make: () => {
      const root = validPackage();
      writeFileSync(path.join(root, 'linux', 'big.bin'), '');
      truncateSync(path.join(root, 'linux', 'big.bin'), 4 * 1024 ** 3);
      return root;
    },
    file: 'linux/big.bin',
  },
  {
    rule: 'file-size',
    what: 'a prebuilt ZIP over 1 GB',
    make: () => {
      const root = prebuiltPackage();
      truncateSync(path.join(root, 'linux.zip'), 1024 ** 3 + 1);
      return root;
    },
    file: 'linux.zip',
  },
  {
    rule: 'file-unreadable',
    what: 'a path longer than the OS allows',
    make: () => {
      const root = validPackage();
      // Relative chdir/mkdir steps: no single call sees the whole path, which ends up longer than PATH_MAX.
      const py =
        'import os,sys\nos.chdir(sys.argv[1])\nfor i in range(18):\n    os.mkdir("d"*250); os.chdir("d"*250)\n';
      execFileSync('python3', ['-c', py, path.join(root, 'linux')]);
      return root;
    },
  },
  {
    rule: 'path-unsafe',
    what: 'a backslash in a file name',
    make: () => validPackage({ 'linux/conf\\agent.conf': 'x' }),
    file: 'linux/conf\\agent.conf',
  },
  {
    rule: 'path-windows-unsafe',
    what: 'a colon in a Windows file name',
    make: () => validPackage({ 'windows/a:b.txt': 'x' }),
    file: 'windows/a:b.txt',
  },
  {
    rule: 'symlink-escape',
    what: 'a symlink to /etc/passwd',
    make: () => validPackage({ 'linux/passwd': { symlink: '/etc/passwd' } }),
    file: 'linux/passwd',
  },
  {
    rule: 'symlink',
    what: 'a symlink inside the payload',
    make: () => validPackage({ 'linux/agent-link.rpm': { symlink: 'agent.rpm' } }),
    file: 'linux/agent-link.rpm',
  },
  {
    rule: 'special-file',
    what: 'a FIFO',
    make: () => validPackage({ 'linux/pipe': { fifo: true } }),
    file: 'linux/pipe',
  },
  {
    rule: 'script-missing',
    what: 'no uninstall.sh',
    make: () => validPackage({ 'linux/uninstall.sh': null }),
    file: 'linux',
  },
  {
    rule: 'script-nested',
    what: 'scripts one folder down',
    make: () =>
      validPackage({
        'linux/install.sh': null,
        'linux/uninstall.sh': null,
        'linux/agent/install.sh': SH_INSTALL,
        'linux/agent/uninstall.sh': SH_UNINSTALL,
      }),
    file: 'linux/agent/install.sh',
  },
  {
    rule: 'script-duplicate',
    what: 'install.sh and install.ps1',
    make: () => validPackage({ 'linux/install.ps1': PS1_INSTALL }),
    file: 'linux/install.ps1',
  },
  {
    rule: 'script-mixed-platforms',
    what: 'one ZIP for Linux and Windows',
    make: () =>
      validPackage(
        config(
          linuxOnly(
            '      - { platform: amazon, version: _any, arch: x86_64 }\n      - { platform: windows, version: _any, arch: x86_64 }\n',
          ),
        ),
      ),
    line: 4,
  },
  scriptCase('sh-crlf', 'CRLF line endings', 'linux/install.sh', '#!/bin/sh\r\necho hi\r\n', 1),
  dashScriptCase(
    'sh-bashism',
    '[[ ]] in install.sh',
    'linux/install.sh',
    '#!/bin/sh\nset -eu\nif [[ -f x ]]; then echo y; fi\n',
    3,
  ),
  dashScriptCase(
    'sh-pipefail',
    'set -euo pipefail',
    'linux/uninstall.sh',
    '#!/bin/sh\nset -euo pipefail\necho bye\n',
    2,
  ),
  scriptCase(
    'ps1-bom',
    'non-ASCII text without a BOM',
    'windows/install.ps1',
    "Write-Output 'ok'\nWrite-Output 'Café installé'\n",
    2,
  ),
  {
    rule: 'manifest-syntax',
    what: 'a missing comma',
    make: () => manifestPackage('{\n  "schemaVersion": "2.0"\n  "version": "1.0.0"\n}\n'),
    file: 'manifest.json',
    line: 3,
  },
  {
    rule: 'manifest-bom',
    what: 'a UTF-8 BOM',
    make: () =>
      manifestPackage(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(goodManifest())])),
    file: 'manifest.json',
    line: 1,
  },
  {
    rule: 'manifest-trailing',
    what: 'content after the object',
    make: () => manifestPackage(`${goodManifest()}\n}\n`),
    file: 'manifest.json',
  },
  {
    rule: 'manifest-duplicate-key',
    what: 'version twice',
    make: () =>
      manifestPackage(
        goodManifest().replace('"version": "1.0.0",', '"version": "1.0.0",\n  "version": "1.0.1",'),
      ),
    file: 'manifest.json',
    line: 4,
  },
  {
    rule: 'manifest-schema',
    what: 'schemaVersion 1.0',
    make: () => manifestPackage(goodManifest({ schemaVersion: '1.0' })),
    file: 'manifest.json',
    line: 2,
  },
  {
    rule: 'manifest-unknown-key',
    what: 'a misspelt top-level key',
    make: () => manifestPackage(goodManifest({ publsher: 'Acme' })),
    file: 'manifest.json',
  },
  {
    rule: 'manifest-size',
    what: 'a description over 64 KB',
    make: () =>
      validPackage(
        config(BASE_CONFIG.replace('version: 1.0.0', `version: 1.0.0\ndescription: "${'x'.repeat(66000)}"`)),
      ),
  },
  {
    rule: 'manifest-too-large',
    what: 'a manifest.json over 1 MiB',
    make: () => manifestPackage(goodManifest({ description: 'x'.repeat(1024 * 1024) })),
    file: 'manifest.json',
  },
  {
    rule: 'checksum-format',
    what: 'a short checksum',
    make: () =>
      manifestPackage(goodManifest({ files: { 'linux.zip': { checksums: { sha256: 'abc123' } } } })),
    file: 'manifest.json',
  },
  {
    rule: 'checksum-mismatch',
    what: 'a prebuilt ZIP whose sha256 differs',
    make: () => prebuiltPackage(undefined, { sha: 'b'.repeat(64) }),
    file: 'manifest.json',
  },
  {
    rule: 'checksum-recomputed',
    what: 'a stale hand-written checksum (build)',
    make: () => manifestPackage(goodManifest()),
    file: 'manifest.json',
  },
  {
    rule: 'file-unreferenced',
    what: 'a file never referenced',
    make: () =>
      manifestPackage(
        goodManifest({
          files: {
            'linux.zip': { checksums: { sha256: 'a'.repeat(64) } },
            'old.zip': { checksums: { sha256: 'c'.repeat(64) } },
          },
        }),
        { 'old/install.sh': SH_INSTALL, 'old/uninstall.sh': SH_UNINSTALL },
      ),
    file: 'manifest.json',
  },
  {
    rule: 'file-unlisted',
    what: 'a reference to a file not in files',
    make: () =>
      manifestPackage(
        goodManifest({
          packages: { amazon: { _any: { x86_64: { file: 'linux.zip' }, arm64: { file: 'arm.zip' } } } },
        }),
      ),
    file: 'manifest.json',
  },
  {
    rule: 'file-missing',
    what: 'a listed file with no ZIP and no folder',
    make: () => writeTree(tempDir(), { 'manifest.json': goodManifest() }),
    file: 'manifest.json',
  },
  {
    rule: 'zip-invalid',
    what: 'a prebuilt ZIP that is not a ZIP',
    make: () => {
      const root = prebuiltPackage();
      writeFileSync(path.join(root, 'linux.zip'), 'not a zip at all');
      const m = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8'));
      m.files['linux.zip'].checksums.sha256 = sha(Buffer.from('not a zip at all'));
      writeFileSync(path.join(root, 'manifest.json'), JSON.stringify(m));
      return root;
    },
    file: 'linux.zip',
  },
  {
    rule: 'zip-symlink',
    what: 'a prebuilt ZIP with a symlink entry',
    make: () =>
      prebuiltPackage(
        { 'install.sh': SH_INSTALL, 'uninstall.sh': SH_UNINSTALL, passwd: { symlink: '/etc/passwd' } },
        { zipArgs: ['-y'] },
      ),
    file: 'linux.zip',
  },
  nameCase('name-reserved-case', 'a name starting with AWS- (the reserved aws in capitals)', 'AWS-AcmeAgent'),
  // cases:names (insert above)
  {
    rule: 'version-key-shadowed',
    what: 'debian "12" (arm64 only) hiding "12.*" from Debian 12 x86_64',
    make: () =>
      validPackage(
        config(
          linuxOnly(
            '      - { platform: debian, version: "12", arch: arm64 }\n      - { platform: debian, version: "12.*", arch: [x86_64, arm64] }\n',
          ),
        ),
      ),
    line: 6,
  },
  targetCase('any-keyword-case', '_ANY as the platform', '{ platform: _ANY, version: _any, arch: x86_64 }'),
  // cases:targets (insert above)
  {
    rule: 'script-kind-mismatch',
    what: 'platform _any sends a shell-only ZIP to Windows hosts',
    make: () =>
      validPackage({
        ...config(linuxOnly('      - { platform: _any, version: _any, arch: _any }\n')),
        'windows/install.ps1': null,
        'windows/uninstall.ps1': null,
        'windows/agent.msi': null,
      }),
    file: 'distributor.yaml',
    line: 6,
  },
  // cases:scripts (insert above)
  {
    rule: 'installer-arch',
    what: 'an x86_64-only RPM in a ZIP mapped to x86_64 and arm64 (known from its file name)',
    make: () =>
      validPackage({ 'linux/agent.rpm': null, 'linux/agent-1.0-1.x86_64.rpm': Buffer.from('rpm bytes') }),
    file: 'linux/agent-1.0-1.x86_64.rpm',
  },
  {
    rule: 'file-size-mismatch',
    what: 'a prebuilt ZIP whose size differs from the size in manifest.json',
    make: () => {
      const root = prebuiltPackage();
      const m = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8'));
      m.files['linux.zip'].size = 7;
      writeFileSync(path.join(root, 'manifest.json'), JSON.stringify(m, null, 2));
      return root;
    },
    file: 'manifest.json',
    line: 18,
  },
  // cases:manifest (insert above)
  {
    rule: 'preview-host-unserved',
    what: 'a `preview-hosts:` entry that no target serves',
    make: () =>
      validPackage(
        config(`${BASE_CONFIG}preview-hosts:\n  - { platform: ubuntu, version: "24.04", arch: x86_64 }\n`),
      ),
    file: 'distributor.yaml',
    line: 11,
  },
  // cases:config (insert above)
];

function find(ds: Diagnostic[], rule: string): Diagnostic | undefined {
  return ds.find((d) => d.rule === rule);
}

describe('rule catalogue', () => {
  it('has a breaking package for every rule', () => {
    const covered = new Set(cases.map((c) => c.rule));
    expect(Object.keys(RULES).filter((r) => !covered.has(r as never))).toEqual([]);
  });

  it('the valid base package has no diagnostics at all', async () => {
    const r = await buildPackage({ packageDir: validPackage() });
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
  });

  for (const c of cases) {
    it(`${c.rule}: ${c.what}`, async () => {
      const dir = c.make();
      const build = c.rule === 'checksum-recomputed' || c.rule === 'file-size';
      const r = await buildPackage({
        packageDir: dir,
        cwd: dir,
        ...(build ? { outputDir: path.join(tempDir(), 'out') } : {}),
        ...(c.version ? { version: { value: c.version, source: 'the test' } } : {}),
      });
      const d = find(r.diagnostics, c.rule);
      expect(d, `expected ${c.rule} among ${JSON.stringify(r.diagnostics, null, 1)}`).toBeDefined();
      expect(d!.severity).toBe(RULES[c.rule].severity);
      expect(d!.message.length).toBeGreaterThan(20);
      if (c.file) expect(d!.file?.endsWith(c.file), `${d!.file} should end with ${c.file}`).toBe(true);
      if (c.line) expect(d!.line).toBe(c.line);
      if (RULES[c.rule].severity === 'error') {
        expect(r.ok).toBe(false);
        expect(r.output).toBeUndefined();
      }
    });
  }
});

describe('did-you-mean hints', () => {
  it.each([
    ['platform: rhel', 'redhat'],
    ['platform: amzn', 'amazon'],
    ['platform: Ubuntu', 'ubuntu'],
    ['arch: aarch64', 'arm64'],
    ['arch: i386', '386'],
    ['version: "8"', '8.*'],
    ['version: "2019"', '10.0.17763'],
  ])('%s suggests %s', async (field, hint) => {
    const [key, value] = field.split(': ') as [string, string];
    const t: Record<string, string> = {
      platform: key === 'version' && value === '"2019"' ? 'windows' : 'redhat',
      version: '"8.*"',
      arch: 'x86_64',
    };
    t[key] = value;
    const fam = t.platform === 'windows' ? 'windows' : 'linux';
    const body = `name: TestAgent\nversion: 1.0.0\npayloads:\n  ${fam}:\n    targets:\n      - { platform: ${t.platform}, version: ${t.version}, arch: ${t.arch} }\n`;
    const r = await buildPackage({ packageDir: validPackage(config(body)) });
    const msgs = r.diagnostics.map((d) => d.message).join('\n');
    expect(msgs).toContain(`did you mean "${hint}"`);
  });
});

describe('severity overrides', () => {
  it('`rules:` in the config turns a rule off or changes its severity', async () => {
    const body = `${linuxOnly('      - { platform: redhat, version: "8", arch: x86_64 }\n')}rules:\n  version-key-unreported: error\n  sh-pipefail: "off"\n`;
    const dir = validPackage({
      ...config(body),
      'linux/install.sh': '#!/bin/sh\nset -o pipefail\n',
      'windows/install.ps1': null,
      'windows/uninstall.ps1': null,
      'windows/agent.msi': null,
    });
    const r = await buildPackage({ packageDir: dir });
    expect(r.diagnostics.map((d) => [d.rule, d.severity])).toEqual([['version-key-unreported', 'error']]);
    expect(r.ok).toBe(false);
  });
});

describe('all problems in one run', () => {
  it('reports config, script and layout problems together, sorted by file and line', async () => {
    const dir = validPackage({
      ...config(BASE_CONFIG.replace('arch: [x86_64, arm64]', 'arch: [amd64, aarch64]')),
      'linux/install.sh': '#!/bin/sh\r\necho\r\n',
      'windows/uninstall.ps1': null,
    });
    mkdirSync(path.join(dir, 'linux', 'empty'));
    const r = await buildPackage({ packageDir: dir, cwd: dir });
    const rules = r.diagnostics.map((d) => d.rule);
    expect(rules).toEqual(expect.arrayContaining(['arch-unknown', 'sh-crlf', 'script-missing']));
    expect(rules.filter((x) => x === 'arch-unknown')).toHaveLength(2);
    const files = r.diagnostics.map((d) => d.file ?? '');
    expect([...files].sort()).toEqual(files);
  });
});
