// The build's stages as a caller sees them: the name and version decided once, no stand-in values, messages
// that say where a value came from in the caller's words, folder problems as ActionErrors, and the mapping
// read without a build.
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ActionError } from '../src/errors.js';
import { type BuildResult, buildPackage } from '../src/package/build.js';
import { HOSTS } from '../src/package/hosts.js';
import { readManifestMapping, readMapping } from '../src/package/mapping.js';
import { resolveHost } from '../src/package/resolve.js';
import type { Diagnostic } from '../src/package/types.js';
import {
  BASE_CONFIG,
  cleanupTemp,
  goodManifest,
  manifestPackage,
  prebuiltPackage,
  tempDir,
  validPackage,
  writeTree,
} from './support/pkg.js';

afterAll(cleanupTemp);

const INPUT = { value: '2.0.0', source: 'the `version` input' };
const NO_VERSION = BASE_CONFIG.replace('version: 1.0.0\n', '');

/** manifest.json (version 3.0.0) next to the folder linux/ it maps, or next to linux.zip prebuilt. */
const manifestFolder = () => manifestPackage(goodManifest({ version: '3.0.0' }));
const prebuiltFolder = () => prebuiltPackage(undefined, { version: '3.0.0' });

const rule = (r: BuildResult, id: string): Diagnostic | undefined => r.diagnostics.find((d) => d.rule === id);

describe('the version, decided once', () => {
  it("the caller's wins over the config's, and is the one in the manifest that is written", async () => {
    const out = path.join(tempDir(), 'out');
    const r = await buildPackage({ packageDir: validPackage(), outputDir: out, version: INPUT });
    expect(r.ok).toBe(true);
    expect(r.version).toBe('2.0.0');
    expect(r.manifest?.version).toBe('2.0.0');
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).version).toBe('2.0.0');
  });

  it("without the caller's, the config's", async () => {
    const r = await buildPackage({ packageDir: validPackage() });
    expect([r.ok, r.version, r.manifest?.version]).toEqual([true, '1.0.0', '1.0.0']);
  });

  it("without a config, the manifest's; the caller's still wins when the ZIPs are built here", async () => {
    const dir = manifestFolder();
    expect((await buildPackage({ packageDir: dir })).version).toBe('3.0.0');
    const r = await buildPackage({ packageDir: dir, version: INPUT });
    expect([r.ok, r.version, r.manifest?.version]).toEqual([true, '2.0.0', '2.0.0']);
  });

  it("a prebuilt manifest's version must be the caller's, and the message names where the caller's came from", async () => {
    const r = await buildPackage({ packageDir: prebuiltFolder(), version: INPUT });
    expect(r.ok).toBe(false);
    expect(rule(r, 'version-mismatch')?.message).toContain(
      'manifest.json says version "3.0.0" but the `version` input is "2.0.0"',
    );
    expect((await buildPackage({ packageDir: prebuiltFolder() })).ok).toBe(true);
  });
});

describe('where a value came from', () => {
  it("a caller's value has no file: the message ends with the caller's words for its source", async () => {
    const r = await buildPackage({
      packageDir: validPackage(),
      name: { value: 'ab', source: '--name' },
      version: { value: '1.0 beta', source: 'the tag v1.0 beta' },
    });
    const name = rule(r, 'name-pattern');
    const version = rule(r, 'version-pattern');
    expect(name?.file).toBeUndefined();
    expect(name?.message).toMatch(/ \(from --name\)$/);
    expect(version?.file).toBeUndefined();
    expect(version?.message).toMatch(/ \(from the tag v1\.0 beta\)$/);
    expect(r.name).toBe('ab');
  });

  it('a value from the config points at its line instead', async () => {
    const dir = validPackage({ 'distributor.yaml': BASE_CONFIG.replace('1.0.0', '"1.0 beta"') });
    const d = rule(await buildPackage({ packageDir: dir, cwd: dir }), 'version-pattern');
    expect(d).toMatchObject({ file: 'distributor.yaml', line: 2 });
    expect(d?.message).not.toContain('(from');
  });

  it("without a name anywhere, the package folder's, saying so", async () => {
    const dir = path.join(tempDir(), 'Acme.Agent');
    cpSync(validPackage({ 'distributor.yaml': BASE_CONFIG.replace('name: TestAgent\n', '') }), dir, {
      recursive: true,
    });
    const r = await buildPackage({ packageDir: dir });
    expect(r.name).toBe('Acme.Agent');
    expect(rule(r, 'name-configure-package')?.message).toContain("(from the package folder's name");
  });
});

describe('no version anywhere', () => {
  it("is version-missing, with the caller's advice; no manifest and no stand-in version, but the preview", async () => {
    const dir = validPackage({ 'distributor.yaml': NO_VERSION });
    const r = await buildPackage({ packageDir: dir, cwd: dir, versionHint: 'push a tag like v1.2.3' });
    expect(r.ok).toBe(false);
    expect(rule(r, 'version-missing')).toMatchObject({
      file: 'distributor.yaml',
      message: 'No version: push a tag like v1.2.3, or add `version:` to the config.',
    });
    expect(r.version).toBeUndefined();
    expect(r.manifest).toBeUndefined();
    expect(JSON.stringify(r)).not.toMatch(/"version":"0"/);
    expect(r.preview).toHaveLength(HOSTS.length);
    expect(r.preview.find((p) => p.label === 'Amazon Linux 2023')?.file).toBe('linux.zip');
  });

  it('writes nothing, and `rules:` cannot switch version-missing off', async () => {
    const dir = validPackage({ 'distributor.yaml': `${NO_VERSION}rules:\n  version-missing: "off"\n` });
    const out = path.join(tempDir(), 'out');
    const r = await buildPackage({ packageDir: dir, outputDir: out });
    expect(rule(r, 'version-missing')?.severity).toBe('error');
    expect(r.ok).toBe(false);
    expect(r.output).toBeUndefined();
    expect(existsSync(out)).toBe(false);
  });
});

describe('folders that cannot be used', () => {
  it('a package folder that is not there is an ActionError of kind package', async () => {
    const missing = path.join(tempDir(), 'nope');
    await expect(buildPackage({ packageDir: missing })).rejects.toMatchObject({
      name: 'ActionError',
      kind: 'package',
      message: expect.stringContaining('The package folder'),
    });
    const file = path.join(tempDir(), 'file');
    writeFileSync(file, '');
    await expect(readMapping({ packageDir: file })).rejects.toThrow(ActionError);
  });

  it('messages name the settings neutrally: no inputs, flags or GitHub', async () => {
    const texts: string[] = [];
    const collect = async (p: Promise<unknown>) => {
      try {
        const r = (await p) as BuildResult;
        texts.push(...r.diagnostics.map((d) => d.message));
      } catch (e) {
        texts.push((e as ActionError).message, (e as ActionError).hint ?? '');
      }
    };
    await collect(buildPackage({ packageDir: path.join(tempDir(), 'nope') }));
    await collect(buildPackage({ packageDir: tempDir() }));
    await collect(buildPackage({ packageDir: validPackage({ 'distributor.yaml': NO_VERSION }) }));
    await collect(
      buildPackage({ packageDir: validPackage(), outputDir: writeTree(tempDir(), { 'x.txt': '' }) }),
    );
    const pkg = validPackage();
    await collect(buildPackage({ packageDir: pkg, outputDir: path.join(pkg, 'linux', 'out') }));
    expect(texts.filter((t) => t !== '')).toHaveLength(8);
    for (const t of texts) expect(t).not.toMatch(/\binput\b|--[a-z]|package-dir|output-dir|GitHub|workflow/i);
  });
});

describe('a validate-only result', () => {
  it('is ok with no output; the manifest holds placeholder checksums for the ZIPs not built', async () => {
    const r = await buildPackage({ packageDir: validPackage() });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.output).toBeUndefined();
    expect(Object.values(r.manifest.files).map((f) => f.checksums.sha256)).toEqual([
      '0'.repeat(64),
      '0'.repeat(64),
    ]);
    expect(r.source).toBe('config');
  });
});

describe('readMapping', () => {
  it('reads a config without a version and without reading a payload', async () => {
    const dir = validPackage({ 'distributor.yaml': NO_VERSION, 'linux/install.sh': null });
    const m = await readMapping({ packageDir: dir });
    expect(m.diagnostics).toEqual([]);
    expect(m.source).toBe('config');
    expect(m.mapping?.files).toEqual(['linux.zip', 'windows.zip']);
    const r = resolveHost(m.mapping!.packages, m.mapping!.files, {
      platform: 'amazon',
      version: '2',
      arch: 'arm64',
    });
    expect(r).toMatchObject({ ok: true, file: 'linux.zip' });
  });

  it("reads a manifest's own mapping", async () => {
    const m = await readMapping({ packageDir: manifestFolder() });
    expect(m.source).toBe('manifest');
    expect(m.mapping).toEqual({
      packages: { amazon: { _any: { x86_64: { file: 'linux.zip' } } } },
      files: ['linux.zip'],
    });
  });

  it('reads a manifest.json given as bytes, or says why it cannot', () => {
    const good = readManifestMapping(Buffer.from(goodManifest()), 'm.json');
    expect(good.mapping?.files).toEqual(['linux.zip']);
    const bad = readManifestMapping(Buffer.from('{'), 'm.json');
    expect(bad.mapping).toBeUndefined();
    expect(bad.diagnostics.map((d) => [d.rule, d.file])).toEqual([['manifest-syntax', 'm.json']]);
  });

  it('gives the problems and no mapping for a config it cannot read', async () => {
    const m = await readMapping({ packageDir: validPackage({ 'distributor.yaml': 'payloads: [\n' }) });
    expect(m.mapping).toBeUndefined();
    expect(m.diagnostics.map((d) => d.rule)).toEqual(['config-syntax']);
  });
});
