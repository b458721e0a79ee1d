// mode: validate, through the committed dist/index.js exactly as the runner runs it.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startArtifactService } from './support/artifact-server.js';
import { sha256 } from './support/hash.js';
import { BASE_CONFIG, cleanupTemp, tempDir, validPackage } from './support/pkg.js';
import { annotations, REPO, runAction } from './support/runner.js';

afterAll(cleanupTemp);

const EXAMPLE = path.join(REPO, 'examples', 'acme-agent');

describe('dist/index.js in validate mode', () => {
  it('builds the example: outputs, files, summary with the resolution preview', async () => {
    const out = path.join(tempDir(), 'build');
    const r = await runAction({
      mode: 'validate',
      'package-dir': EXAMPLE,
      'output-dir': out,
      'upload-artifact': 'false',
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(annotations(r.stdout).filter((a) => a.level === 'error')).toEqual([]);
    expect(r.outputs['package-name']).toBe('AcmeMonitoringAgent');
    expect(r.outputs.version).toBe('2.4.0');
    expect(r.outputs.errors).toBe('0');
    const files = JSON.parse(r.outputs.files ?? '[]') as { name: string; size: number; sha256: string }[];
    expect(files.map((f) => f.name)).toEqual(['linux-deb.zip', 'linux-rpm.zip', 'windows.zip']);
    for (const f of files) {
      const bytes = readFileSync(path.join(out, f.name));
      expect(bytes.length).toBe(f.size);
      expect(sha256(bytes)).toBe(f.sha256);
    }
    const manifestPath = r.outputs['manifest-path']!;
    expect(manifestPath).toBe(path.join(out, 'manifest.json'));
    const manifestBytes = readFileSync(manifestPath);
    expect(sha256(manifestBytes)).toBe(r.outputs['manifest-sha256']);
    const manifest = JSON.parse(manifestBytes.toString());
    expect(manifest.version).toBe('2.4.0');
    expect(manifest.packages.amazon['2023'].arm64.file).toBe('linux-rpm.zip');
    for (const f of files) expect(manifest.files[f.name].checksums.sha256).toBe(f.sha256);
    // The summary: the result on the first line, files with sha256, which ZIP each host gets (collapsed).
    expect(r.summary.split('\n')[0]).toBe('## ✅ Valid: AcmeMonitoringAgent 2.4.0, 3 ZIPs');
    expect(r.summary).toMatch(
      /<details><summary>Which ZIP each host gets \(\d+ of \d+ hosts get one\)<\/summary>/,
    );
    expect(r.outputs['error-kind']).toBeUndefined();
    for (const f of files) expect(r.summary).toContain(f.sha256);
    expect(r.summary).toMatch(/Amazon Linux 2023[^\n]*arm64[^\n]*linux-rpm\.zip/);
    expect(r.summary).toMatch(/Windows Server 2022[^\n]*windows\.zip/);
    expect(r.summary).toMatch(/SUSE[^\n]*—/);
  });

  it('fails a broken package with file/line annotations and no output', async () => {
    const dir = validPackage({
      'distributor.yaml': `name: TestAgent\nversion: 1.0.0\npayloads:\n  linux:\n    targets:\n      - { platform: rhel, version: "8", arch: amd64 }\n`,
      'linux/install.sh': '#!/bin/sh\r\necho hi\r\n',
      'windows/install.ps1': null,
      'windows/uninstall.ps1': null,
      'windows/agent.msi': null,
    });
    const out = path.join(tempDir(), 'build');
    const r = await runAction({ 'package-dir': dir, 'output-dir': out }, { cwd: dir });
    expect(r.code).toBe(1);
    const errs = annotations(r.stdout).filter((a) => a.level === 'error' && a.props.title);
    const byTitle = Object.fromEntries(errs.map((a) => [a.props.title, a]));
    expect(byTitle['platform-unknown']?.props).toMatchObject({ file: 'distributor.yaml', line: '6' });
    expect(byTitle['platform-unknown']?.message).toContain('did you mean "redhat"');
    expect(byTitle['arch-unknown']?.props).toMatchObject({ file: 'distributor.yaml', line: '6' });
    expect(byTitle['sh-crlf']?.props).toMatchObject({ file: 'linux/install.sh', line: '1' });
    expect(
      annotations(r.stdout).some((a) => a.level === 'warning' && a.props.title === 'version-key-unreported'),
    ).toBe(true);
    expect(r.outputs.errors).toBe(String(errs.length));
    expect(r.outputs.files).toBe('[]');
    expect(r.outputs['manifest-path']).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(r.summary.split('\n')[0]).toBe('## ❌ Validate failed: TestAgent 1.0.0 has 3 errors');
    expect(r.outputs['error-kind']).toBe('package');
    expect(r.summary).toContain('`platform-unknown`');
    expect(r.stdout).toMatch(/::error::3 errors in/);
  });

  it('succeeds without a job summary file (outside a job step), printing the result', async () => {
    const r = await runAction(
      { 'package-dir': EXAMPLE, 'output-dir': path.join(tempDir(), 'o'), 'upload-artifact': 'false' },
      { env: { GITHUB_STEP_SUMMARY: '' } },
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Valid: AcmeMonitoringAgent 2.4.0, 3 ZIPs');
    expect(r.stdout).not.toMatch(/::error/);
  });

  it('a package folder that does not exist fails with its own kind, in the summary and the outputs', async () => {
    const missing = path.join(tempDir(), 'nope');
    const r = await runAction({ 'package-dir': missing, 'output-dir': path.join(tempDir(), 'o') });
    expect(r.code).toBe(1);
    const first = r.summary.split('\n')[0] ?? '';
    expect(first).toMatch(/^## ❌ Validate failed \(package folder unusable\): /);
    expect(first).toContain('nope');
    expect(r.outputs['error-kind']).toBe('package');
    expect(r.stdout).not.toContain('Internal error');
  });

  it('takes the version from a pushed v-tag', async () => {
    const out = path.join(tempDir(), 'build');
    const r = await runAction(
      { 'package-dir': EXAMPLE, 'output-dir': out, 'upload-artifact': 'false' },
      { env: { GITHUB_REF: 'refs/tags/v3.1.4', GITHUB_EVENT_NAME: 'push' } },
    );
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.version).toBe('3.1.4');
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).version).toBe('3.1.4');
  });

  it('reports every bad input at once', async () => {
    const r = await runAction({ mode: 'deploy', 'fail-on-warnings': 'maybe', 'retention-days': '500' });
    expect(r.code).toBe(1);
    expect(r.summary.split('\n')[0]).toBe('## ❌ Invalid inputs: 3 problems, listed below');
    expect(r.outputs['error-kind']).toBe('input');
    expect(r.stdout).toContain('`mode` must be one of validate, publish, promote;');
    expect(r.stdout).toContain('`fail-on-warnings` must be true or false');
    expect(r.stdout).toContain('`retention-days`');
  });

  it('fails on warnings only when fail-on-warnings is set', async () => {
    // An ubuntu target: its sh is dash, so pipefail is a warning (for amazon alone it is a notice).
    const dir = validPackage({
      'distributor.yaml': BASE_CONFIG.replace(
        'arch: [x86_64, arm64] }\n',
        'arch: [x86_64, arm64] }\n      - { platform: ubuntu, version: "22.04", arch: x86_64 }\n',
      ),
      'linux/uninstall.sh': '#!/bin/sh\nset -euo pipefail\n',
    });
    const ok = await runAction(
      { 'package-dir': dir, 'output-dir': path.join(tempDir(), 'o'), 'upload-artifact': 'false' },
      { cwd: dir },
    );
    expect(ok.code).toBe(0);
    expect(annotations(ok.stdout).map((a) => a.props.title)).toContain('sh-pipefail');
    const strict = await runAction(
      {
        'package-dir': dir,
        'output-dir': path.join(tempDir(), 'o'),
        'upload-artifact': 'false',
        'fail-on-warnings': 'true',
      },
      { cwd: dir },
    );
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('fail-on-warnings is set');
  });

  it('a GITHUB_OUTPUT that cannot be written fails the step in one error line, the stack under debug only', async () => {
    const r = await runAction(
      { 'package-dir': EXAMPLE, 'output-dir': path.join(tempDir(), 'o'), 'upload-artifact': 'false' },
      { env: { GITHUB_OUTPUT: path.join(tempDir(), 'missing', 'output') } },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error::Could not report the result: Error: Missing file at path: /m);
    const plain = r.stdout.split('\n').filter((l) => !l.startsWith('::debug::'));
    expect(plain.join('\n')).not.toMatch(/^\s+at /m);
    expect(r.stderr).toBe('');
  });

  it('outside a runner with artifact upload on, skips the upload with a notice and still succeeds', async () => {
    const r = await runAction({ 'package-dir': EXAMPLE, 'output-dir': path.join(tempDir(), 'o') });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout.toLowerCase()).toContain('artifact');
    expect(r.outputs['artifact-name'] ?? '').toBe('');
  });

  it('uploads exactly the ZIPs and manifest.json as the workflow artifact', async () => {
    const svc = await startArtifactService();
    try {
      const out = path.join(tempDir(), 'o');
      const noProxy = {
        HTTP_PROXY: '',
        HTTPS_PROXY: '',
        ALL_PROXY: '',
        http_proxy: '',
        https_proxy: '',
        all_proxy: '',
      };
      const r = await runAction(
        { 'package-dir': EXAMPLE, 'output-dir': out, version: '5.0.0' },
        { env: { ...svc.env, ...noProxy, GITHUB_RUN_ATTEMPT: '2' } },
      );
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.outputs['artifact-name']).toBe('AcmeMonitoringAgent-5.0.0-attempt-2');
      expect(Number(r.outputs['artifact-id'])).toBeGreaterThan(0);
      const [up] = svc.uploads();
      expect(up?.name).toBe('AcmeMonitoringAgent-5.0.0-attempt-2');
      const zipFile = path.join(tempDir(), 'artifact.zip');
      writeFileSync(zipFile, up!.zip);
      const names = execFileSync(
        'python3',
        [
          '-c',
          'import zipfile,sys; print("\\n".join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))',
          zipFile,
        ],
        {
          encoding: 'utf8',
        },
      );
      expect(names.trim().split('\n')).toEqual([
        'linux-deb.zip',
        'linux-rpm.zip',
        'manifest.json',
        'windows.zip',
      ]);
      expect(r.summary).toContain('AcmeMonitoringAgent-5.0.0-attempt-2');
    } finally {
      await svc.close();
    }
  });
});
