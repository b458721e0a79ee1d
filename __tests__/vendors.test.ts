// Eight real-world Distributor package layouts (support/vendors.ts), each as the original ships it and as a
// distributor.yaml folder, through buildPackage, the CLI (validate, build, resolve) and dist/index.js: the
// verdict must be the one the SSM Agent would give (errors exactly, the warnings that matter, none of the
// false positives), and the ZIP each host gets must be the one the agent picks from the original's manifest.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../src/package/build.js';
import { HOSTS } from '../src/package/hosts.js';
import { readManifestMapping, readMapping } from '../src/package/mapping.js';
import { resolveHost } from '../src/package/resolve.js';
import type { Diagnostic, Manifest } from '../src/package/types.js';
import { cleanupTemp, tempDir } from './support/pkg.js';
import { annotations, REPO, runAction } from './support/runner.js';
import { archFromBytes, installerKind } from '../src/package/rules/installer/index.js';
import {
  deb,
  type Form,
  type HostCheck,
  rpm,
  variant,
  type Verdict,
  VENDORS,
  type VendorLayout,
  writeVendor,
} from './support/vendors.js';

const BIN = path.join(REPO, 'bin', 'distributor.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI bundle (asynchronously, so that a test can run several at once). */
function cli(args: string[], cwd: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const trees = new Map<string, string>();
const key = (v: VendorLayout, form: Form) => `${v.id}:${form}`;
const dirOf = (v: VendorLayout, form: Form) => trees.get(key(v, form))!;

beforeAll(() => {
  for (const v of VENDORS) for (const form of v.forms) trees.set(key(v, form), writeVendor(v, form));
});
afterAll(cleanupTemp);

type Finding = Pick<Diagnostic, 'rule' | 'severity' | 'message' | 'file'>;

const show = (ds: readonly Finding[]) =>
  ds.map((d) => `${d.severity} ${d.rule} ${d.file ?? ''}: ${d.message.slice(0, 160)}`).join('\n');

/** The verdict, as one object, so that a failure shows everything that differs at once. */
function verdictOf(ok: boolean, ds: readonly Finding[], want: Verdict) {
  const has = (rule: string, severity?: string) =>
    ds.some((d) => d.rule === rule && (severity === undefined || d.severity === severity));
  return {
    ok,
    errors: [...new Set(ds.filter((d) => d.severity === 'error').map((d) => d.rule))].sort(),
    missingWarnings: (want.warnings ?? []).filter((r) => !has(r)),
    missingNotices: (want.notices ?? []).filter((r) => !has(r, 'notice')),
    forbidden: ds.filter((d) => want.forbidden?.includes(d.rule)).map((d) => `${d.rule}: ${d.message}`),
    asErrors: ds
      .filter((d) => d.severity === 'error' && want.notErrors?.includes(d.rule))
      .map((d) => `${d.rule}: ${d.file}`),
    said: ds
      .filter((d) => want.notSaid?.some(([rule, re]) => d.rule === rule && re.test(d.message)))
      .map((d) => `${d.rule}: ${d.message}`),
    unsaid: (want.mustSay ?? [])
      .filter(([rule, re]) => !ds.some((d) => d.rule === rule && re.test(d.message)))
      .map(([rule, re]) => `${rule} ${re}`),
  };
}

const expected = (want: Verdict) => ({
  ok: want.ok,
  errors: [...want.errors].sort(),
  missingWarnings: [],
  missingNotices: [],
  forbidden: [],
  asErrors: [],
  said: [],
  unsaid: [],
});

/** The original's packages map (checksums do not matter for matching). */
function originalPackages(v: VendorLayout): Manifest['packages'] {
  const dummy = new Map(v.payloads.map((p) => [p.zip, Buffer.alloc(0)]));
  return (JSON.parse(v.manifest(dummy)) as Manifest).packages;
}

const cases = VENDORS.flatMap((v) => v.forms.map((form) => ({ v, form, want: v.verdicts[form]! })));

describe.each(cases)('$v.id as $form', ({ v, form, want }) => {
  it("buildPackage gives the agent's verdict, and every host the ZIP of the original's manifest", async () => {
    const dir = dirOf(v, form);
    const r = await buildPackage({ packageDir: dir, cwd: dir });
    expect(verdictOf(r.ok, r.diagnostics, want), show(r.diagnostics)).toEqual(expected(want));
    // The preview (our mapping, read from this form) against the agent's matching on the original manifest.
    const original = originalPackages(v);
    const rows = r.preview.map((row) => [row.label, row.arch, row.file]);
    const agent = HOSTS.map((h) => {
      const res = resolveHost(original, undefined, h);
      return [h.label, h.arch, res.ok ? res.file : undefined];
    });
    expect(rows).toEqual(agent);
    // The hand-written hosts, against the manifest drafted from this form.
    expect(r.manifest, show(r.diagnostics)).toBeDefined();
    const got = v.hosts.map(([platform, version, arch]) => {
      const res = resolveHost(r.manifest!.packages, Object.keys(r.manifest!.files), {
        platform,
        version,
        arch,
      });
      return res.ok ? res.file : undefined;
    });
    expect(got).toEqual(v.hosts.map((h) => h[3]));
  });

  it('the CLI: validate --json gives the same verdict, build writes the package only when it is valid', async () => {
    const dir = dirOf(v, form);
    const out = path.join(tempDir('vendor-out-'), 'build');
    const [validated, built] = await Promise.all([
      cli(['validate', dir, '--json'], dir),
      cli(['build', dir, '--output-dir', out, '--json'], dir),
    ]);
    expect(validated.code, validated.stderr).toBe(want.ok ? 0 : 1);
    const j = JSON.parse(validated.stdout) as { ok: boolean; diagnostics: Diagnostic[] };
    expect(verdictOf(j.ok, j.diagnostics, want), show(j.diagnostics)).toEqual(expected(want));
    expect(built.code, built.stdout.slice(0, 2000) + built.stderr).toBe(want.ok ? 0 : 1);
    expect(existsSync(path.join(out, 'manifest.json'))).toBe(want.ok);
    if (!want.ok) return;
    const b = JSON.parse(built.stdout) as { diagnostics: Diagnostic[] };
    expect(verdictOf(true, b.diagnostics, want), show(b.diagnostics)).toEqual(expected(want));
    const m = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(Object.keys(m.files).sort()).toEqual([...new Set(v.payloads.map((p) => p.zip))].sort());
    for (const f of Object.keys(m.files)) expect(existsSync(path.join(out, f)), f).toBe(true);
    expect(m.version).toBe(v.version);
  });

  it('dist/index.js (mode validate) passes or fails as the agent would', async () => {
    const dir = dirOf(v, form);
    const r = await runAction(
      {
        mode: 'validate',
        'package-dir': dir,
        'output-dir': path.join(tempDir(), 'o'),
        'upload-artifact': 'false',
      },
      { cwd: dir },
    );
    expect(r.code, r.stdout.slice(0, 3000)).toBe(want.ok ? 0 : 1);
    const titled = annotations(r.stdout).filter((a) => a.props.title);
    const errorRules = [
      ...new Set(titled.filter((a) => a.level === 'error').map((a) => a.props.title)),
    ].sort();
    expect(errorRules).toEqual([...want.errors].sort());
    for (const rule of want.forbidden ?? []) expect(titled.map((a) => a.props.title)).not.toContain(rule);
    const direct = await buildPackage({ packageDir: dir, cwd: dir });
    const errors = direct.diagnostics.filter((d) => d.severity === 'error').length;
    expect(r.outputs.errors).toBe(String(errors));
  });

  it('resolve on the folder and on its manifest or config picks the ZIP the agent picks', async () => {
    const dir = dirOf(v, form);
    const file = path.join(dir, form === 'config' ? 'distributor.yaml' : 'manifest.json');
    // Every hand-written host through what `resolve` reads: the folder, and the manifest.json given as a file.
    const fromDir = await readMapping({ packageDir: dir, cwd: dir });
    const fromFile = form === 'config' ? fromDir : readManifestMapping(readFileSync(file), file);
    for (const read of [fromDir, fromFile]) {
      expect(read.mapping, show(read.diagnostics)).toBeDefined();
      const got = v.hosts.map(([platform, version, arch]) => {
        const res = resolveHost(read.mapping!.packages, read.mapping!.files, { platform, version, arch });
        return res.ok ? res.file : undefined;
      });
      expect(got).toEqual(v.hosts.map((h) => h[3]));
    }
    // The command itself: the folder for a host that gets a ZIP, the file for one that gets none.
    const asked: [string, HostCheck][] = [
      [dir, v.hosts.find((h) => h[3] !== undefined)!],
      [file, v.hosts.find((h) => h[3] === undefined)!],
    ];
    const asks = asked.map(async ([target, [platform, version, arch, zip]]) => {
      const r = await cli(
        ['resolve', target, '--platform', platform, '--platform-version', version, '--arch', arch],
        dir,
      );
      const out = r.stdout.trim();
      return {
        host: `${path.basename(target)} ${platform} ${version} ${arch}`,
        code: r.code,
        answer: zip === undefined ? out.startsWith('failed to find platform: no manifest found') : out,
        stderr: r.code === 2 ? r.stderr : '',
      };
    });
    const want = asked.map(([target, [platform, version, arch, zip]]) => ({
      host: `${path.basename(target)} ${platform} ${version} ${arch}`,
      code: zip === undefined ? 1 : 0,
      answer: zip ?? true,
      stderr: '',
    }));
    expect(await Promise.all(asks)).toEqual(want);
  });
});

describe('the 40-target package (CrowdStrike custom-api-package)', () => {
  const api = VENDORS.find((v) => v.id === 'crowdstrike-api')!;

  it('says each finding once: a few dozen grouped findings, file-count among the first 3', async () => {
    const dir = dirOf(api, 'prebuilt');
    const r = await buildPackage({ packageDir: dir, cwd: dir });
    const ds = r.diagnostics;
    // Before grouping: 901 findings, file-count the 369th. One install.sh template in 39 ZIPs gives each
    // of its bash-only lines once per severity (error where Debian/Ubuntu get the ZIP).
    expect(ds.length, show(ds.slice(0, 60))).toBeLessThanOrEqual(60);
    const at = ds.findIndex((d) => d.rule === 'file-count');
    expect(at, show(ds.slice(0, 5))).toBeGreaterThanOrEqual(0);
    expect(at).toBeLessThan(3);
    // Every bash-only line that is an error is so in the 14 ZIPs Debian and Ubuntu get, and only there.
    const bashErrors = ds.filter((d) => d.rule === 'sh-bashism' && d.severity === 'error');
    expect(bashErrors.length).toBeGreaterThan(0);
    for (const d of bashErrors) {
      const places = [d.file, ...(d.also ?? []).map((l) => l.file)];
      const zips = new Set(places.map((f) => path.basename((f ?? '').split(':')[0]!)));
      expect(
        [...zips].every((z) => /^(debian|ubuntu)/.test(z)),
        [...zips].join(' '),
      ).toBe(true);
      expect(zips.size, d.message).toBe(14);
    }
  });

  it('the action annotates within GitHub limits, file-count first, and keeps the summary small', async () => {
    const dir = dirOf(api, 'prebuilt');
    const r = await runAction(
      {
        mode: 'validate',
        'package-dir': dir,
        'output-dir': path.join(tempDir(), 'o'),
        'upload-artifact': 'false',
      },
      { cwd: dir },
    );
    expect(r.code).toBe(1);
    const a = annotations(r.stdout);
    // 900 ::error lines and a 276 KB summary before (GitHub's limit: 1 MiB).
    for (const level of ['error', 'warning', 'notice'])
      expect(a.filter((x) => x.level === level).length, level).toBeLessThanOrEqual(10);
    expect(a.find((x) => x.level === 'error' && x.props.title)?.props.title).toBe('file-count');
    expect(Buffer.byteLength(r.summary)).toBeLessThan(256 * 1024);
  });
});

describe('the dummy installers', () => {
  const expectedArch = (name: string, dir: string): string => {
    const n = `${dir}/${name}`.toLowerCase();
    if (/arm64|aarch64/.test(n)) return 'arm64';
    return 'x86_64';
  };

  it('carry their architecture in their headers (RPM header, Debian control, PE machine)', async () => {
    const read: string[] = [];
    for (const v of VENDORS)
      for (const [dir, files] of Object.entries(v.folders))
        for (const [name, body] of Object.entries(files)) {
          const kind = installerKind(name);
          if (!kind || kind === 'msi' || typeof body === 'string') continue;
          const arch = await archFromBytes(kind, body);
          read.push(
            `${v.id} ${dir}/${name}: ${arch?.how} ${arch?.fits.includes(expectedArch(name, dir) as never)}`,
          );
        }
    expect(read.length).toBeGreaterThan(30);
    for (const line of read) expect(line).toMatch(/: (RPM header|Debian control file|PE header) true$/);
  });

  it('an arm64 build in an x86_64 ZIP is found (the layouts above ship none): installer-arch', async () => {
    const adot = VENDORS.find((v) => v.id === 'adot-collector')!;
    const swapped = variant(adot, 'adot-swapped', {
      'linux-amd64-rpm': { 'aws-otel-collector.rpm': rpm('aws-otel-collector', '0.43.1', '1', 'aarch64') },
      'linux-amd64-deb': { 'aws-otel-collector.deb': deb('aws-otel-collector', '0.43.1-1', 'arm64') },
    });
    for (const form of ['prebuilt', 'config'] as const) {
      const dir = writeVendor(swapped, form);
      const r = await buildPackage({ packageDir: dir, cwd: dir });
      const found = r.diagnostics.filter((d) => d.rule === 'installer-arch');
      expect(found.map((d) => d.payload).sort(), show(r.diagnostics)).toEqual([
        'linux-amd64-deb',
        'linux-amd64-rpm',
      ]);
      expect(r.ok).toBe(true); // a warning: the agent installs the ZIP, rpm/dpkg then refuse the package
    }
  });
});
