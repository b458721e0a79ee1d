// Script findings scoped by where the ZIP goes (issue 8, items 2, 3, 4 and 7a), through buildPackage: bash-only
// syntax is an error only where dash can run it, a .ps1's non-ASCII comments are a warning, `_any` sending a
// ZIP to hosts that run the other script kind is a warning, and `trap … ERR` is a bash-ism.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../src/package/build.js';
import type { Diagnostic } from '../src/package/types.js';
import { sha256 } from './support/hash.js';
import {
  cleanupTemp,
  infoZip,
  PS1_INSTALL,
  PS1_UNINSTALL,
  SH_INSTALL,
  SH_UNINSTALL,
  tempDir,
  type Spec,
  validPackage,
  writeTree,
} from './support/pkg.js';

afterAll(cleanupTemp);

const BASHISM = '#!/bin/bash\nset -e\nif [[ -f /etc/os-release ]]; then echo found; fi\n';
const PIPEFAIL = '#!/bin/sh\nset -euo pipefail\necho bye\n';

/** A package whose one payload `linux` has `targets` (YAML list lines) and `files`. */
function linuxPackage(targets: string[], files: Record<string, Spec | null>, extra = ''): string {
  const body = `name: TestAgent\nversion: 1.0.0\npayloads:\n  linux:\n    targets:\n${targets
    .map((t) => `      - ${t}\n`)
    .join('')}${extra}`;
  const all: Record<string, Spec | null> = {
    'distributor.yaml': body,
    'linux/install.sh': SH_INSTALL,
    'linux/uninstall.sh': SH_UNINSTALL,
    ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`linux/${k}`, v])),
  };
  const kept = Object.entries(all).filter((e): e is [string, Spec] => e[1] !== null);
  return writeTree(tempDir(), Object.fromEntries(kept));
}

const AMAZON = '{ platform: amazon, version: _any, arch: [x86_64, arm64] }';
const REDHAT = '{ platform: redhat, version: "9.*", arch: x86_64 }';
const UBUNTU = '{ platform: ubuntu, version: "22.04", arch: x86_64 }';
const ANY = '{ platform: _any, version: _any, arch: _any }';

async function diagnostics(dir: string): Promise<{ ds: Diagnostic[]; ok: boolean }> {
  const r = await buildPackage({ packageDir: dir, cwd: dir });
  return { ds: r.diagnostics, ok: r.ok };
}
const ofRule = (ds: Diagnostic[], rule: string) => ds.filter((d) => d.rule === rule);

/** A prebuilt package: linux.zip from `files`, and a manifest mapping `packages` to it. */
function prebuilt(files: Record<string, Spec>, packages: unknown): string {
  const root = tempDir();
  infoZip(writeTree(tempDir(), files), path.join(root, 'linux.zip'));
  const sha = sha256(readFileSync(path.join(root, 'linux.zip')));
  const manifest = {
    schemaVersion: '2.0',
    version: '1.0.0',
    packages,
    files: { 'linux.zip': { checksums: { sha256: sha } } },
  };
  writeFileSync(path.join(root, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return root;
}

describe('sh-bashism and sh-pipefail are scoped by the platforms that get the ZIP', () => {
  it('only bash-as-sh platforms (amazon, redhat) → a notice carrying them, and the build passes', async () => {
    const { ds, ok } = await diagnostics(linuxPackage([AMAZON, REDHAT], { 'install.sh': BASHISM }));
    expect(ds.map((d) => [d.rule, d.severity, d.line])).toEqual([['sh-bashism', 'notice', 3]]);
    const m = ds[0]!.message;
    expect(m).toContain('`[[ … ]]`');
    expect(m).toContain('goes only to platforms whose /bin/sh is bash');
    expect(ds[0]!.platforms).toEqual(['amazon', 'redhat']);
    expect(m).toContain('would fail if a Debian or Ubuntu target');
    expect(m).toContain('`sh install.sh`');
    expect(m).toContain('the `#!/bin/bash` line is ignored');
    expect(ok).toBe(true);
  });

  it('an ubuntu target added to the same ZIP → an error carrying ubuntu', async () => {
    const { ds, ok } = await diagnostics(linuxPackage([AMAZON, UBUNTU], { 'install.sh': BASHISM }));
    expect(ds.map((d) => [d.rule, d.severity, d.line])).toEqual([['sh-bashism', 'error', 3]]);
    expect(ds[0]!.message).toContain('sh is dash on Debian and Ubuntu; this ZIP can reach such hosts');
    expect(ds[0]!.platforms).toEqual(['amazon', 'ubuntu']);
    expect(ok).toBe(false);
  });

  it('platform _any → an error', async () => {
    const { ds } = await diagnostics(linuxPackage([ANY], { 'install.sh': BASHISM }));
    const [d] = ofRule(ds, 'sh-bashism');
    expect(d?.severity).toBe('error');
    expect(d?.message).toContain('this ZIP can reach such hosts (a Debian, Ubuntu or `_any` target');
    expect(d?.platforms).toEqual(['_any']);
  });

  it('a platform name not known to run bash → an error (conservatively)', async () => {
    const { ds } = await diagnostics(
      linuxPackage(['{ platform: linuxmint, version: _any, arch: x86_64 }'], { 'install.sh': BASHISM }),
    );
    const [d] = ofRule(ds, 'sh-bashism');
    expect(d?.severity).toBe('error');
    expect(d?.message).toContain('a platform not known to run bash as sh');
  });

  it('the summary of many bash-only lines follows the same scope', async () => {
    const many = `#!/bin/sh\n${Array.from({ length: 25 }, (_, i) => `source ./p${i}.sh`).join('\n')}\n`;
    const bashOnly = ofRule(
      (await diagnostics(linuxPackage([AMAZON], { 'install.sh': many }))).ds,
      'sh-bashism',
    );
    expect(bashOnly).toHaveLength(21);
    expect(bashOnly.every((d) => d.severity === 'notice')).toBe(true);
    expect(bashOnly[20]!.message).toMatch(/^5 more lines use bash-only syntax .*that works here because/);
    const dash = ofRule((await diagnostics(linuxPackage([UBUNTU], { 'install.sh': many }))).ds, 'sh-bashism');
    expect(dash.every((d) => d.severity === 'error')).toBe(true);
  });

  it('sh-pipefail: a notice for bash-only platforms, a warning otherwise', async () => {
    const bash = (await diagnostics(linuxPackage([AMAZON], { 'uninstall.sh': PIPEFAIL }))).ds;
    expect(bash.map((d) => [d.rule, d.severity, d.line])).toEqual([['sh-pipefail', 'notice', 2]]);
    expect(bash[0]!.message).toContain('this ZIP goes only to platforms whose /bin/sh is bash');
    expect(bash[0]!.message).toContain('(set -o pipefail) 2>/dev/null && set -o pipefail');
    const dash = (await diagnostics(linuxPackage([AMAZON, UBUNTU], { 'uninstall.sh': PIPEFAIL }))).ds;
    expect(dash.map((d) => [d.rule, d.severity, d.line])).toEqual([['sh-pipefail', 'warning', 2]]);
    expect(dash[0]!.message).toContain('this ZIP can reach such hosts');
  });

  it('a prebuilt ZIP takes its targets from the manifest', async () => {
    const files = { 'install.sh': BASHISM, 'uninstall.sh': SH_UNINSTALL };
    const bash = await diagnostics(prebuilt(files, { redhat: { '9.*': { x86_64: { file: 'linux.zip' } } } }));
    expect(bash.ds.map((d) => [d.rule, d.severity, d.file])).toEqual([
      ['sh-bashism', 'notice', 'linux.zip:install.sh'],
    ]);
    expect(bash.ds[0]!.message).toContain('platforms whose /bin/sh is bash');
    expect(bash.ok).toBe(true);
    const dash = await diagnostics(
      prebuilt(files, {
        redhat: { '9.*': { x86_64: { file: 'linux.zip' } } },
        debian: { '12': { x86_64: { file: 'linux.zip' } } },
      }),
    );
    expect(dash.ds.map((d) => [d.rule, d.severity])).toEqual([['sh-bashism', 'error']]);
    expect(dash.ds[0]!.message).toContain('this ZIP can reach such hosts');
    expect(dash.ds[0]!.platforms).toEqual(['redhat', 'debian']);
    expect(dash.ok).toBe(false);
  });

  it('`rules:` still overrides the scoped severity', async () => {
    const dir = linuxPackage([AMAZON], { 'install.sh': BASHISM }, 'rules:\n  sh-bashism: error\n');
    const { ds, ok } = await diagnostics(dir);
    expect(ds.map((d) => [d.rule, d.severity])).toEqual([['sh-bashism', 'error']]);
    expect(ok).toBe(false);
  });
});

describe('ps1-bom: non-ASCII text only in comments is a warning', () => {
  /** The valid two-payload package with windows/install.ps1 = `text`; its ps1-bom findings. */
  async function ps1(text: string | Buffer): Promise<{ ds: Diagnostic[]; ok: boolean }> {
    const { ds, ok } = await diagnostics(validPackage({ 'windows/install.ps1': text }));
    return { ds: ofRule(ds, 'ps1-bom'), ok };
  }

  it.each([
    ['a # line comment', "# Copyright © Acme\nWrite-Output 'ok'\n", 1, 13],
    ['a trailing comment', "Write-Output 'ok' # © Acme\n", 1, 21],
    ['a <# block #> comment', "<#\n.SYNOPSIS\n  Installs Acme © 2024\n#>\nWrite-Output 'ok'\n", 3, 17],
    ['a comment after a here-string', "$t = @'\nplain # text\n'@ # ©\nWrite-Output $t\n", 3, 6],
    ['a comment after "…" with `" in it', 'Write-Output "say `"hi`"" # ©\n', 1, 29],
    ["a comment after '…' with '' in it", "Write-Output 'it''s' # ©\n", 1, 24],
  ])('© in %s → warning at the comment, and the build passes', async (_what, text, line, column) => {
    const { ds, ok } = await ps1(text);
    expect(ds.map((d) => [d.severity, d.line, d.column])).toEqual([['warning', line, column]]);
    expect(ds[0]!.message).toContain('only in comments');
    expect(ds[0]!.message).toContain('does not change what the script does');
    expect(ds[0]!.message).toContain('UTF-8 with BOM');
    expect(ok).toBe(true);
  });

  it.each([
    ["a '…' string", "Write-Output 'Copyright ©'\n", 1, 25],
    ['a "…" string', 'Write-Output "Copyright ©"\n', 1, 25],
    ['a "…" string holding #', 'Write-Output "a # ©"\n', 1, 19],
    ["a '…' string holding #", "Write-Output 'a # ©'\n", 1, 19],
    ["a @'…'@ here-string holding #", "$t = @'\n# not a comment ©\n'@\n", 2, 17],
    ['a @"…"@ here-string with "@ inside a line', '$t = @"\nx "@ # ©\n"@\n', 2, 8],
    ['a word like a#b', 'Write-Output a#©\n', 1, 16],
    ['an escaped `#', 'Write-Output `# ©\n', 1, 17],
    ['a "…$(…)…" string', 'Write-Output "$(\'a\') # ©"\n', 1, 24],
    ['a ${…} name', '${a#©} = 1\n', 1, 5],
    ['code (an en dash)', 'Write-Output "ok" –NoNewline\n', 1, 19],
    ['an unterminated <# comment', "Write-Output 'ok'\n<# ©\n", 2, 4],
  ])('© in %s → error', async (_what, text, line, column) => {
    const { ds, ok } = await ps1(text);
    expect(ds.map((d) => [d.severity, d.line, d.column])).toEqual([['error', line, column]]);
    expect(ds[0]!.message).not.toContain('only in comments');
    expect(ok).toBe(false);
  });

  it('points at the first non-ASCII character outside comments, even after one in a comment', async () => {
    const { ds } = await ps1("# © Acme\nWrite-Output 'ok'\nWrite-Output 'Café'\n");
    expect(ds.map((d) => [d.severity, d.line, d.column])).toEqual([['error', 3, 18]]);
  });

  it('Windows-1252 bytes in a comment → a warning that says it is not UTF-8', async () => {
    const { ds } = await ps1(Buffer.from([...Buffer.from('# caf'), 0xe9, 0x0a, ...Buffer.from('exit 0\n')]));
    expect(ds.map((d) => [d.severity, d.line])).toEqual([['warning', 1]]);
    expect(ds[0]!.message).toContain('not UTF-8');
  });
});

describe('script-kind-mismatch: `_any` sends a ZIP to hosts that run the other script kind', () => {
  it('a shell-only ZIP at _any → one warning naming the Windows hosts, with the fix', async () => {
    const { ds, ok } = await diagnostics(linuxPackage([ANY], {}));
    const found = ofRule(ds, 'script-kind-mismatch');
    expect(found).toHaveLength(1);
    const d = found[0]!;
    expect(d).toMatchObject({ severity: 'warning', file: 'distributor.yaml', line: 6, payload: 'linux' });
    expect(d.platforms).toEqual(['_any']);
    expect(d.message).toContain('linux.zip has install.sh but no install.ps1');
    expect(d.message).toMatch(/sends it to Windows Server 2025, 2022, 2019, 2016, .*\(\d+ preview hosts\)/);
    expect(d.message).not.toMatch(/Ubuntu|Amazon/);
    expect(d.message).toContain('Add a `windows` platform entry');
    expect(ds.filter((x) => x !== d)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('with a windows platform entry of its own, Windows hosts get that ZIP: no warning', async () => {
    const body = `name: TestAgent\nversion: 1.0.0\npayloads:\n  linux:\n    targets:\n      - ${ANY}\n  windows:\n    targets:\n      - { platform: windows, version: _any, arch: _any }\n`;
    const dir = writeTree(tempDir(), {
      'distributor.yaml': body,
      'linux/install.sh': SH_INSTALL,
      'linux/uninstall.sh': SH_UNINSTALL,
      'windows/install.ps1': PS1_INSTALL,
      'windows/uninstall.ps1': PS1_UNINSTALL,
    });
    const { ds, ok } = await diagnostics(dir);
    expect(ds).toEqual([]);
    expect(ok).toBe(true);
  });

  it('a .ps1-only ZIP at _any → the Linux hosts, listed by label, capped', async () => {
    const dir = writeTree(tempDir(), {
      'distributor.yaml': `name: TestAgent\nversion: 1.0.0\npayloads:\n  win:\n    targets:\n      - ${ANY}\n`,
      'win/install.ps1': PS1_INSTALL,
      'win/uninstall.ps1': PS1_UNINSTALL,
    });
    const { ds } = await diagnostics(dir);
    const [d] = ofRule(ds, 'script-kind-mismatch');
    expect(d?.message).toContain('win.zip has install.ps1 but no install.sh');
    expect(d?.message).toMatch(
      /Amazon Linux 2023, 2, AMI 2018\.03; Ubuntu .* and \d+ more releases \(\d+ preview hosts\)/,
    );
    expect(d?.message).not.toContain('Windows Server');
    expect(d?.message).toContain('Map this ZIP to `windows` instead of `_any`');
  });

  it('a prebuilt manifest mapping _any to a shell-only ZIP → the same warning', async () => {
    const dir = prebuilt(
      { 'install.sh': SH_INSTALL, 'uninstall.sh': SH_UNINSTALL },
      { _any: { _any: { _any: { file: 'linux.zip' } } } },
    );
    const { ds } = await diagnostics(dir);
    const [d] = ofRule(ds, 'script-kind-mismatch');
    expect(d).toMatchObject({ severity: 'warning', payload: 'linux' });
    expect(d?.file?.endsWith('manifest.json')).toBe(true);
    expect(d?.message).toContain('sends it to Windows Server 2025, 2022, 2019');
  });

  it('a ZIP with no install script at all is script-missing only', async () => {
    const dir = linuxPackage([ANY], { 'install.sh': null, 'uninstall.sh': null, 'agent.rpm': 'rpm' });
    const { ds } = await diagnostics(dir);
    expect(ofRule(ds, 'script-kind-mismatch')).toEqual([]);
    expect(ofRule(ds, 'script-missing').length).toBeGreaterThan(0);
  });

  it('Windows hosts that reach a shell ZIP through an explicit windows entry are script-missing only', async () => {
    const dir = linuxPackage(['{ platform: windows, version: _any, arch: x86_64 }'], {});
    const { ds } = await diagnostics(dir);
    expect(ofRule(ds, 'script-kind-mismatch')).toEqual([]);
    expect(ofRule(ds, 'script-missing').length).toBeGreaterThan(0);
  });
});

describe('sh-bashism: `trap … ERR`', () => {
  it('is flagged at its line, with what dash says', async () => {
    const script = "#!/bin/sh\nset -e\ntrap 'echo failed >&2' ERR\necho ok\n";
    const { ds } = await diagnostics(linuxPackage([UBUNTU], { 'install.sh': script }));
    expect(ds.map((d) => [d.rule, d.severity, d.line, d.column])).toEqual([['sh-bashism', 'error', 3, 24]]);
    expect(ds[0]!.message).toContain('`trap … ERR`');
    expect(ds[0]!.message).toContain('"trap: ERR: bad trap"');
  });

  it('EXIT traps, resets and quoted text are not', async () => {
    const script = [
      '#!/bin/sh',
      'trap \'rm -f "$tmp"\' EXIT',
      'trap - INT',
      'echo trap ERR',
      'echo "trap \'x\' ERR"',
      '# trap x ERR',
      'trap err INT TERM',
      '',
    ].join('\n');
    const { ds } = await diagnostics(linuxPackage([UBUNTU], { 'install.sh': script }));
    expect(ds).toEqual([]);
  });
});
