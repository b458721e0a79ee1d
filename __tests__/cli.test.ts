// The CLI, through bin/distributor.js (which runs the committed dist/cli bundle).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, tempDir, validPackage } from './support/pkg.js';
import { REPO } from './support/runner.js';

afterAll(cleanupTemp);

const BIN = path.join(REPO, 'bin', 'distributor.js');
const EXAMPLE = path.join(REPO, 'examples', 'acme-agent');
const cli = (args: string[], cwd = REPO) =>
  spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });

describe('distributor CLI', () => {
  it('build writes the ZIPs and manifest and prints the preview', () => {
    const out = path.join(tempDir(), 'out');
    const r = cli(['build', EXAMPLE, '--output-dir', out]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Which ZIP each host gets');
    expect(r.stdout).toMatch(/✔ AcmeMonitoringAgent 2\.4\.0: 0 errors, 0 warnings; built 3 ZIPs/);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.files).sort()).toEqual(['linux-deb.zip', 'linux-rpm.zip', 'windows.zip']);
    const listing = execFileSync('unzip', ['-Z1', path.join(out, 'linux-rpm.zip')], { encoding: 'utf8' });
    expect(listing.split('\n')).toEqual(expect.arrayContaining(['install.sh', 'uninstall.sh', 'update.sh']));
  });

  it('validate prints file:line: rule severity: message and exits 1', () => {
    const dir = validPackage({
      'distributor.yaml':
        'name: TestAgent\nversion: 1.0.0\npayloads:\n  linux:\n    targets:\n      - { platform: amzn, version: _any, arch: x86_64 }\n',
      windows: null,
    });
    const r = cli(['validate', dir], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^distributor\.yaml:6:\d+: platform-unknown error: .*did you mean "amazon"/m);
    expect(r.stdout).toMatch(/✘ TestAgent 1\.0\.0: 1 error/);
  });

  it('--json gives a machine-readable result', () => {
    const r = cli(['validate', EXAMPLE, '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(true);
    expect(j.name).toBe('AcmeMonitoringAgent');
    expect(j.preview.length).toBeGreaterThan(10);
  });

  it.each([
    [['amazon', '2023', 'arm64'], 'linux-rpm.zip'],
    [['amazon', '2', 'x86_64'], 'linux-rpm.zip'],
    [['redhat', '8.6', 'x86_64'], 'linux-rpm.zip'],
    [['redhat', '9.4', 'arm64'], 'linux-rpm.zip'],
    [['ubuntu', '22.04', 'arm64'], 'linux-deb.zip'],
    [['debian', '12', 'x86_64'], 'linux-deb.zip'],
    [['windows', '10.0.20348', 'x86_64'], 'windows.zip'],
  ])('resolve %j on the package folder → %s', (host, file) => {
    const [platform, version, arch] = host as [string, string, string];
    const r = cli([
      'resolve',
      EXAMPLE,
      '--platform',
      platform,
      '--platform-version',
      version,
      '--arch',
      arch,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(file);
  });

  it('resolve on a built manifest.json, and the agent text when nothing matches', () => {
    const out = path.join(tempDir(), 'out');
    expect(cli(['build', EXAMPLE, '--output-dir', out]).status).toBe(0);
    const m = path.join(out, 'manifest.json');
    const hit = cli(['resolve', m, '--platform', 'amazon', '--platform-version', '2023', '--arch', 'x86_64']);
    expect(hit.stdout.trim()).toBe('linux-rpm.zip');
    const miss = cli(['resolve', m, '--platform', 'redhat', '--platform-version', '7.9', '--arch', 'x86_64']);
    expect(miss.status).toBe(1);
    expect(miss.stdout.trim()).toBe(
      'failed to find platform: no manifest found for platform: redhat, version 7.9, architecture x86_64',
    );
    // The config file stands for its folder.
    const cfg = path.join(EXAMPLE, 'distributor.yaml');
    const viaConfig = cli([
      'resolve',
      cfg,
      '--platform',
      'amazon',
      '--platform-version',
      '2023',
      '--arch',
      'x86_64',
    ]);
    expect(viaConfig.status, viaConfig.stderr).toBe(0);
    expect(viaConfig.stdout.trim()).toBe('linux-rpm.zip');
  });

  it('usage errors exit 2 with a message', () => {
    expect(cli(['frobnicate']).status).toBe(2);
    const r = cli(['resolve', EXAMPLE, '--platform', 'amazon']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--platform-version');
    const missing = cli(['build', '/nonexistent/package']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('does not exist');
  });

  it('rules lists the catalogue', () => {
    const r = cli(['rules']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^sh-crlf\s+error\s+/m);
  });

  it('--version prints the package version; --help and <command> --help print usage and exit 0', () => {
    const version = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string })
      .version;
    for (const flag of ['--version', '-V']) {
      const r = cli([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
    const top = cli(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/^Usage: distributor <command>/);
    expect(top.stdout).toContain('2 usage error, 3 internal error');
    const build = cli(['build', '--help']);
    expect(build.status).toBe(0);
    expect(build.stdout).toMatch(/^Usage: distributor build \[package-dir\]/);
    expect(build.stdout).toContain('--output-dir DIR');
    expect(build.stderr).toBe('');
  });

  it('suggests the command or option meant, and exits 2', () => {
    const cmd = cli(['bulid', EXAMPLE]);
    expect(cmd.status).toBe(2);
    expect(cmd.stderr).toContain('Unknown command "bulid". Did you mean "build"?');
    const opt = cli(['build', EXAMPLE, '--outptu-dir', path.join(tempDir(), 'o')]);
    expect(opt.status).toBe(2);
    expect(opt.stderr).toContain('Did you mean "--output-dir"?');
    expect(opt.stderr).toContain('distributor build --help');
    expect(opt.stderr).not.toMatch(/\n\s+at /);
  });

  it('a reader that goes away (| head, | true) ends the output quietly with exit 0', () => {
    // `true` exits without reading, so every write of the CLI meets a closed pipe (EPIPE).
    for (const args of ['rules', `validate ${EXAMPLE}`, `build ${EXAMPLE} --output-dir ${tempDir()}/o`]) {
      const r = spawnSync(
        'bash',
        ['-c', `"${process.execPath}" "${BIN}" ${args} | true; echo "status=\${PIPESTATUS[0]}" >&2`],
        {
          encoding: 'utf8',
        },
      );
      expect(r.stderr, args).toBe('status=0\n');
    }
  });
});

describe('resolve on a hand-written manifest with `size` and `downloadLocation` (issue 8)', () => {
  const SHA = 'a'.repeat(64);
  /** sample-ssm-converge's shape: per-arch ZIP names, `size` on every file, a `name` key at the top. */
  const manifest = (size: unknown) =>
    JSON.stringify(
      {
        schemaVersion: '2.0',
        publisher: 'ssm-converge',
        name: 'ssm-converge',
        version: '1.0.0',
        packages: {
          amazon: {
            _any: {
              x86_64: { file: 'ssm-converge-1.0.0-linux-amd64.zip' },
              arm64: { file: 'ssm-converge-1.0.0-linux-arm64.zip' },
            },
          },
        },
        files: {
          'ssm-converge-1.0.0-linux-amd64.zip': { checksums: { sha256: SHA }, size },
          'ssm-converge-1.0.0-linux-arm64.zip': {
            checksums: { sha256: SHA },
            size,
            downloadLocation: 'https://example-bucket.s3.amazonaws.com/ssm-converge-1.0.0-linux-arm64.zip',
          },
        },
      },
      null,
      2,
    );
  const host = ['--platform', 'amazon', '--platform-version', '2023', '--arch', 'arm64'];

  it('resolves it, given as the file and as its package folder (ZIPs to be built from folders)', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'manifest.json'), manifest(4242));
    for (const target of [path.join(dir, 'manifest.json'), dir]) {
      const r = cli(['resolve', target, ...host]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toBe('ssm-converge-1.0.0-linux-arm64.zip\n');
      expect(r.stderr).not.toContain('manifest-schema');
    }
  });

  it('a manifest that cannot be used exits 1 with its problems, not 2 with the usage', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'manifest.json'), manifest('4242'));
    for (const target of [path.join(dir, 'manifest.json'), dir]) {
      const r = cli(['resolve', target, ...host]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /manifest\.json:\d+:\d+: manifest-schema error: files\["ssm-converge-1\.0\.0-linux-amd64\.zip"\]\.size is "4242"/,
      );
      expect(r.stderr).toContain('cannot read the package mapping');
      expect(r.stderr).not.toMatch(/Usage:|Exit status/);
    }
  });
});

describe('resolve with `{version}` in ZIP names', () => {
  const config = (version: string) =>
    `name: TestAgent\n${version}payloads:\n  linux:\n    file: agent-{version}-linux.zip\n    targets:\n      - { platform: amazon, version: _any, arch: x86_64 }\n`;
  const host = ['--platform', 'amazon', '--platform-version', '2023', '--arch', 'x86_64'];

  it('--version gives the name a tag-versioned build writes; without it, the config’s version', () => {
    const bare = validPackage({ 'distributor.yaml': config('') });
    expect(cli(['resolve', bare, ...host]).stdout).toBe('agent-{version}-linux.zip\n');
    const given = cli(['resolve', bare, ...host, '--version', '2.4.0']);
    expect(given.status, given.stderr).toBe(0);
    expect(given.stdout).toBe('agent-2.4.0-linux.zip\n');
    const pinned = validPackage({ 'distributor.yaml': config('version: 1.0.0\n') });
    expect(cli(['resolve', pinned, ...host]).stdout).toBe('agent-1.0.0-linux.zip\n');
    expect(cli(['resolve', pinned, ...host, '--version', '3.0.0']).stdout).toBe('agent-3.0.0-linux.zip\n');
  });
});
