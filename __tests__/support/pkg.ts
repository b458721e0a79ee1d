// Writes package folders for tests into fresh temp dirs.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sha256 } from './hash.js';

export type Spec =
  | string
  | Buffer
  | { symlink: string }
  | { mode: number; content: string | Buffer }
  | { fifo: true }
  | { dir: true };

const made: string[] = [];

export function tempDir(prefix = 'dist-test-'): string {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}

export function cleanupTemp(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Creates files under `root` (paths with /), returning root. */
export function writeTree(root: string, files: Record<string, Spec>): string {
  for (const [rel, spec] of Object.entries(files)) {
    const abs = path.join(root, ...rel.split('/'));
    mkdirSync(path.dirname(abs), { recursive: true });
    if (typeof spec === 'string' || Buffer.isBuffer(spec)) writeFileSync(abs, spec);
    else if ('symlink' in spec) symlinkSync(spec.symlink, abs);
    else if ('fifo' in spec) execFileSync('mkfifo', [abs]);
    else if ('dir' in spec) mkdirSync(abs, { recursive: true });
    else writeFileSync(abs, spec.content, { mode: spec.mode });
  }
  return root;
}

export const SH_INSTALL = '#!/bin/sh\nset -eu\necho "installing"\n';
export const SH_UNINSTALL = '#!/bin/sh\nset -eu\necho "removing"\n';
export const PS1_INSTALL = "$ErrorActionPreference = 'Stop'\nWrite-Output 'installing'\n";
export const PS1_UNINSTALL = "$ErrorActionPreference = 'Stop'\nWrite-Output 'removing'\n";

export const BASE_CONFIG = `name: TestAgent
version: 1.0.0
payloads:
  linux:
    targets:
      - { platform: amazon, version: _any, arch: [x86_64, arm64] }
  windows:
    targets:
      - { platform: windows, version: _any, arch: x86_64 }
`;

/** A valid two-payload package; `over` replaces or adds files (null removes). */
export function validPackage(over: Record<string, Spec | null> = {}): string {
  const files: Record<string, Spec | null> = {
    'distributor.yaml': BASE_CONFIG,
    'linux/install.sh': SH_INSTALL,
    'linux/uninstall.sh': SH_UNINSTALL,
    'linux/agent.rpm': Buffer.from('rpm bytes'),
    'windows/install.ps1': PS1_INSTALL,
    'windows/uninstall.ps1': PS1_UNINSTALL,
    'windows/agent.msi': Buffer.from('msi bytes'),
    ...over,
  };
  const kept = Object.fromEntries(Object.entries(files).filter(([, v]) => v !== null)) as Record<
    string,
    Spec
  >;
  return writeTree(tempDir(), kept);
}

/** Makes a ZIP with Info-ZIP from a folder's contents (-X: no extra attributes, -y: keep symlinks). */
export function infoZip(dir: string, out: string, extra: string[] = []): void {
  execFileSync('zip', ['-q', '-r', '-X', ...extra, out, '.'], { cwd: dir });
}

/** A hand-written manifest.json: amazon/_any/x86_64 → linux.zip (sha256 a…a); `over` replaces top-level keys. */
export function goodManifest(over: Record<string, unknown> = {}): string {
  const manifest = {
    schemaVersion: '2.0',
    version: '1.0.0',
    packages: { amazon: { _any: { x86_64: { file: 'linux.zip' } } } },
    files: { 'linux.zip': { checksums: { sha256: 'a'.repeat(64) } } },
    ...over,
  };
  return JSON.stringify(manifest, null, 2);
}

/** A folder holding manifest.json plus the payload folder linux/ (the console's Advanced workflow). */
export function manifestPackage(
  manifest: string | Buffer = goodManifest(),
  extra: Record<string, Spec> = {},
): string {
  return writeTree(tempDir(), {
    'manifest.json': manifest,
    'linux/install.sh': SH_INSTALL,
    'linux/uninstall.sh': SH_UNINSTALL,
    ...extra,
  });
}

/** A prebuilt package: linux.zip made by Info-ZIP from `files`, and a manifest.json stating its sha256. */
export function prebuiltPackage(
  files: Record<string, Spec> = { 'install.sh': SH_INSTALL, 'uninstall.sh': SH_UNINSTALL },
  opts: { zipArgs?: string[]; version?: string; sha?: string } = {},
): string {
  const root = tempDir();
  infoZip(writeTree(tempDir(), files), path.join(root, 'linux.zip'), opts.zipArgs ?? []);
  const sha = opts.sha ?? sha256(readFileSync(path.join(root, 'linux.zip')));
  const manifest = goodManifest({
    version: opts.version ?? '1.0.0',
    files: { 'linux.zip': { checksums: { sha256: sha } } },
  });
  writeFileSync(path.join(root, 'manifest.json'), manifest);
  return root;
}

/** A file outside every package folder whose content is found nowhere else: no result or ZIP may hold it. */
export interface Canary {
  dir: string;
  file: string;
  text: string;
}

export function canary(name = 'secret.env'): Canary {
  const dir = tempDir('canary-');
  const text = `CANARY_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const file = path.join(dir, name);
  writeFileSync(file, `TOKEN=${text}\n`);
  return { dir, file, text };
}

/** Every path under each folder with its type, mode, size and content hash (up to 16 MiB); symlinks are not followed. */
export function snapshot(...dirs: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (abs: string): void => {
    const st = lstatSync(abs);
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isDirectory()) {
      out.set(abs, `dir ${mode}`);
      for (const n of readdirSync(abs)) walk(path.join(abs, n));
    } else if (st.isFile())
      out.set(
        abs,
        `file ${mode} ${st.size} ${st.size > 0 && st.size < 1 << 24 ? sha256(readFileSync(abs)) : ''}`,
      );
    else if (st.isSymbolicLink()) out.set(abs, `link ${readlinkSync(abs)}`);
    else out.set(abs, `other ${mode}`);
  };
  for (const d of dirs) walk(d);
  return out;
}

/** The bytes of every file under `dir`, with each ZIP's entries extracted (a deflated canary is still found). */
export function filesText(dir: string): string {
  if (!existsSync(dir)) return '';
  const py = `import os, sys, zipfile
for root, _, names in os.walk(sys.argv[1]):
    for n in names:
        p = os.path.join(root, n)
        sys.stdout.buffer.write(open(p, 'rb').read())
        if zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as z:
                for i in z.infolist(): sys.stdout.buffer.write(z.read(i))`;
  return execFileSync('python3', ['-c', py, dir], { maxBuffer: 1 << 30 }).toString('latin1');
}
