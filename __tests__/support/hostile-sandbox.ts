// One sandbox per run of a hostile tree: `<root>/pkg` (the package), `<root>/outside/` (files the run must
// never read: each holds the run's canary token) and the output folder. Snapshots (names, types, sizes,
// mtimes, modes, link targets; nothing is ever opened) show what a run wrote outside its output folder;
// access times show what it read outside the package.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sha256 } from './hash.js';
import { scriptsZip, S_IFREG, SH_OK } from './hostile-zip.js';

/** Access time given to the outside files before a run: a read moves it (relatime updates an atime older than the mtime). */
const OLD_ATIME = new Date('2001-01-01T00:00:00Z');
/** The outside files' mtime: whole seconds, so that setting it again changes nothing a snapshot sees. */
const OUTSIDE_MTIME = new Date('2020-01-01T00:00:00Z');
/** The marker the injected workflow commands carry. */
export const MARK = 'HOSTILE';

/** An install or uninstall script that passes every script rule. */
export const SH = SH_OK;
export const CONFIG = `name: HostileAgent
version: 1.0.0
payloads:
  linux:
    targets:
      - { platform: amazon, version: _any, arch: x86_64 }
`;

/** A manifest.json mapping amazon/_any/x86_64 to `file` with that sha256; `over` replaces top-level keys. */
export function manifestText(file: string, sha: string, over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    schemaVersion: '2.0',
    version: '1.0.0',
    packages: { amazon: { _any: { x86_64: { file } } } },
    files: { [file]: { checksums: { sha256: sha } } },
    ...over,
  });
}

export class Sandbox {
  readonly root: string;
  readonly token = `CANARY-${randomBytes(12).toString('hex')}`;
  /** Output folder, relative to root (what the run is given). */
  out = 'out';
  /** Package folder, relative to root. */
  pkg = 'pkg';

  constructor(root: string) {
    this.root = root;
    fs.mkdirSync(root, { recursive: true });
    this.writeOutside();
  }

  at(rel: string): string {
    return path.isAbsolute(rel) ? rel : path.join(this.root, ...rel.split('/'));
  }

  get outAbs(): string {
    return this.at(this.out);
  }

  put(rel: string, content: string | Buffer, mode?: number): this {
    const abs = this.at(rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
    if (mode !== undefined) fs.chmodSync(abs, mode);
    return this;
  }

  dir(rel: string, mode?: number): this {
    fs.mkdirSync(this.at(rel), { recursive: true });
    if (mode !== undefined) fs.chmodSync(this.at(rel), mode);
    return this;
  }

  link(rel: string, target: string): this {
    const abs = this.at(rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.symlinkSync(target, abs);
    return this;
  }

  fifo(rel: string): this {
    const abs = this.at(rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    execFileSync('mkfifo', [abs]);
    return this;
  }

  chmod(rel: string, mode: number): this {
    fs.chmodSync(this.at(rel), mode);
    return this;
  }

  /** A path inside the package folder. */
  p(rel: string): string {
    return `${this.pkg}/${rel}`;
  }

  /** The base config package: distributor.yaml (or `name`) holding `config`, and a linux payload. */
  configPackage(config = CONFIG, name = 'distributor.yaml'): this {
    return this.put(this.p(name), config).scripts(this.p('linux'));
  }

  scripts(folder: string): this {
    return this.put(`${folder}/install.sh`, SH).put(`${folder}/uninstall.sh`, SH);
  }

  /** A prebuilt package: manifest.json and `file` holding `zip`, with its right sha256. */
  prebuilt(zip: Buffer = scriptsZip(), file = 'linux.zip', over: Record<string, unknown> = {}): this {
    this.put(this.p(file), zip);
    return this.put(this.p('manifest.json'), manifestText(file, sha256(zip), over));
  }

  private writeOutside(): void {
    const t = this.token;
    const zip = scriptsZip([{ name: 'canary', data: t, method: 0, mode: S_IFREG | 0o644 }]);
    this.put('outside/canary', `${t}\n`)
      .put('outside/.env', `AWS_SECRET_ACCESS_KEY=${t}\n`)
      .put('outside/install.sh', `${SH}# ${t}\n`)
      .put('outside/uninstall.sh', `${SH}# ${t}\n`)
      .put('outside/linux/install.sh', `${SH}# ${t}\n`)
      .put('outside/linux/uninstall.sh', SH)
      .put('outside/linux/canary', t)
      .put('outside/linux.zip', zip)
      .put('outside/distributor.yaml', CONFIG.replace('HostileAgent', t))
      .put('outside/manifest.json', manifestText('linux.zip', sha256(zip), { publisher: t }));
    const all: string[] = [];
    walkTree(this.at('outside'), (abs) => void all.push(abs.toString()));
    resetAtimes(all);
  }

  /** The outside files and folders whose access time shows a read (not the output folder or its parents). */
  watched(): string[] {
    const out = this.outAbs;
    const list: string[] = [];
    walkTree(this.at('outside'), (raw, st) => {
      const abs = raw.toString('utf8');
      const holdsOut = out === abs || out.startsWith(abs + path.sep);
      if (!holdsOut && (st?.isFile() || st?.isDirectory())) list.push(abs);
    });
    return list;
  }
}

/** Sets each path's access time back (and its mtime to the fixed outside one), so that a later read shows. */
export function resetAtimes(paths: readonly string[]): void {
  for (const p of paths) {
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (st?.isFile() || st?.isDirectory()) fs.utimesSync(p, OLD_ATIME, OUTSIDE_MTIME);
  }
}

/** The paths whose access time moved since resetAtimes. */
export function readSince(paths: readonly string[]): string[] {
  const moved = (p: string) => {
    try {
      return fs.lstatSync(p).atimeMs > OLD_ATIME.getTime() + 1000;
    } catch {
      return false; // removed: the snapshot shows it
    }
  };
  return paths.filter(moved);
}

/**
 * Walks `root` by raw names (invalid UTF-8 included), links not followed; `visit` sees each path and its
 * lstat (undefined when gone) and returns false to stay out of a folder. Folders that cannot be listed are
 * passed to `unlisted`.
 */
export function walkTree(
  root: string,
  visit: (abs: Buffer, st: fs.Stats | undefined) => boolean | void,
  unlisted: (abs: Buffer) => void = () => {},
): void {
  const walk = (abs: Buffer) => {
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(abs);
    } catch {
      st = undefined;
    }
    if (visit(abs, st) === false || !st?.isDirectory()) return;
    let names: Buffer[];
    try {
      names = fs.readdirSync(abs, { encoding: 'buffer' });
    } catch {
      unlisted(abs);
      return;
    }
    for (const n of names) walk(Buffer.concat([abs, Buffer.from(path.sep), n]));
  };
  walk(Buffer.from(root));
}

export type Snapshot = Map<string, string>;

/**
 * Every name under `root` with what it is; nothing is opened (FIFOs included). `bulk` folders (relative) are
 * not listed: their own mtime shows names added or removed.
 */
export function snapshot(root: string, bulk: readonly string[] = []): Snapshot {
  const snap: Snapshot = new Map();
  const rel = (abs: Buffer) => path.relative(root, abs.toString('utf8')) || '.';
  const describe = (abs: Buffer, st: fs.Stats | undefined) => {
    if (!st) return 'gone';
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) return `link ${fs.readlinkSync(abs).toString()}`;
    if (st.isFile()) return `file ${mode} ${st.size} ${Math.floor(st.mtimeMs)}`;
    if (st.isDirectory()) return bulk.includes(rel(abs)) ? `dir ${mode} ${st.mtimeMs}` : `dir ${mode}`;
    return `special ${mode} ${st.mode >> 12}`;
  };
  walkTree(
    root,
    (abs, st) => {
      snap.set(rel(abs), describe(abs, st));
      return !bulk.includes(rel(abs));
    },
    (abs) => snap.set(rel(abs), `${snap.get(rel(abs))} unlisted`),
  );
  return snap;
}

/** What changed between two snapshots, as `+name`, `-name` and `~name` lines. */
export function changes(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const [k, v] of after) {
    if (!before.has(k)) out.push(`+${k}`);
    else if (before.get(k) !== v) out.push(`~${k} (${before.get(k)} -> ${v})`);
  }
  for (const k of before.keys()) if (!after.has(k)) out.push(`-${k}`);
  return out;
}

/** Hands every path under `root` to `uid` (links themselves, not their targets; `bulk` folders only themselves). */
export function chownTree(root: string, uid: number, bulk: readonly string[] = []): void {
  walkTree(root, (abs) => {
    fs.lchownSync(abs, uid, uid);
    return !bulk.includes(path.relative(root, abs.toString()));
  });
}

/** Removes a corpus folder (made listable again first when not root: chmod 000 trees). */
export function removeTree(root: string): void {
  if (process.getuid?.() !== 0) spawnSync('chmod', ['-R', 'u+rwX', root], { stdio: 'ignore' });
  spawnSync('rm', ['-rf', root], { stdio: 'ignore' });
}
