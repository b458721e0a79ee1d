// Scans a payload folder into entries, reporting what cannot or should not go into a ZIP.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { diag } from './catalogue.js';
import type { Diagnostic, PayloadContent, PayloadEntry } from './types.js';

/** Files that operating systems and editors leave behind; never shipped. */
export const ALWAYS_IGNORED = ['.DS_Store', 'Thumbs.db', 'desktop.ini', '.git', '.gitkeep', '.gitattributes'];

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A display path for a file: relative to `base` with forward slashes (what GitHub annotations expect). */
export function displayPath(abs: string, base: string): string {
  const rel = path.relative(base, abs);
  return (rel === '' ? '.' : rel).split(path.sep).join('/');
}

export interface ScanOptions {
  /** Absolute payload folder. */
  root: string;
  /** Absolute package folder: symlinks may not leave it. */
  packageRoot: string;
  /** Base for display paths (the working directory). */
  displayBase: string;
  exclude?: readonly string[];
  /** Absolute paths never to descend into (e.g. the output folder). */
  skip?: readonly string[];
}

/** Why a name cannot be used as a ZIP entry name, or undefined when it can. */
export function unsafeNameReason(name: string): string | undefined {
  if (name.includes('\\'))
    return 'contains a backslash, which Windows and the agent treat as a folder separator';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character';
  return undefined;
}

export async function scanFolder(
  opts: ScanOptions,
): Promise<{ content: PayloadContent; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const entries: PayloadEntry[] = [];
  const realPackageRoot = await fs.realpath(opts.packageRoot);
  const isExcluded = opts.exclude?.length ? picomatch([...opts.exclude], { dot: true }) : () => false;
  const skip = new Set((opts.skip ?? []).map((p) => path.resolve(p)));
  const visited = new Set<string>();
  const show = (abs: string) => displayPath(abs, opts.displayBase);

  async function walk(dirAbs: string, dirRel: string): Promise<void> {
    const real = await fs.realpath(dirAbs).catch(() => dirAbs);
    if (visited.has(real)) return; // a symlinked folder that loops back
    visited.add(real);
    let names: Buffer[];
    try {
      names = (await fs.readdir(dirAbs, { encoding: 'buffer' })) as Buffer[];
    } catch (e) {
      diagnostics.push(diag('file-unreadable', { file: show(dirAbs) }, `Cannot read folder: ${errText(e)}.`));
      return;
    }
    names.sort(Buffer.compare);
    for (const raw of names) {
      let name: string;
      try {
        name = utf8.decode(raw);
      } catch {
        const shown = raw.toString('latin1');
        diagnostics.push(
          diag(
            'path-unsafe',
            { file: show(path.join(dirAbs, shown)) },
            `The name is not valid UTF-8; rename it using UTF-8 characters (ZIP names are stored as UTF-8).`,
          ),
        );
        continue;
      }
      if (ALWAYS_IGNORED.includes(name)) continue;
      const abs = path.join(dirAbs, name);
      const rel = dirRel ? `${dirRel}/${name}` : name;
      if (skip.has(abs)) continue;
      if (isExcluded(rel)) continue;
      const reason = unsafeNameReason(name);
      if (reason) {
        diagnostics.push(diag('path-unsafe', { file: show(abs) }, `The name ${reason}; rename the file.`));
        continue;
      }
      await visit(abs, rel);
    }
  }

  async function visit(abs: string, rel: string): Promise<void> {
    let st: import('node:fs').Stats;
    try {
      st = await fs.lstat(abs);
    } catch (e) {
      diagnostics.push(diag('file-unreadable', { file: show(abs) }, `Cannot read: ${errText(e)}.`));
      return;
    }
    const display = show(abs);
    if (st.isSymbolicLink()) {
      const linkTarget = await fs.readlink(abs);
      let target: string;
      try {
        target = await fs.realpath(abs);
      } catch {
        diagnostics.push(
          diag(
            'symlink-escape',
            { file: display },
            `Symlink to "${linkTarget}" points nowhere; remove it or replace it with the file itself.`,
          ),
        );
        return;
      }
      if (!isInside(target, realPackageRoot)) {
        diagnostics.push(
          diag(
            'symlink-escape',
            { file: display },
            `Symlink to "${linkTarget}" leaves the package folder; packaging it could ship files from the build machine. Copy the file into the package instead.`,
          ),
        );
        return;
      }
      const tst = await fs.stat(target);
      diagnostics.push(
        diag(
          'symlink',
          { file: display },
          `Symlink to "${linkTarget}" is stored as a copy of its target; replace it with the file to silence this.`,
        ),
      );
      if (tst.isDirectory()) {
        entries.push({ path: rel, type: 'dir', size: 0, mode: tst.mode & 0o7777, display });
        await walk(target, rel);
      } else if (tst.isFile()) {
        entries.push({
          path: rel,
          type: 'file',
          size: tst.size,
          mode: tst.mode & 0o7777,
          absPath: target,
          display,
        });
      }
      return;
    }
    if (st.isDirectory()) {
      entries.push({ path: rel, type: 'dir', size: 0, mode: st.mode & 0o7777, absPath: abs, display });
      await walk(abs, rel);
      return;
    }
    if (st.isFile()) {
      entries.push({ path: rel, type: 'file', size: st.size, mode: st.mode & 0o7777, absPath: abs, display });
      return;
    }
    diagnostics.push(
      diag(
        'special-file',
        { file: display },
        `${kindOf(st)} cannot be packaged; remove it from the payload folder or exclude it.`,
      ),
    );
  }

  await walk(opts.root, '');
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const content: PayloadContent = {
    entries,
    async read(p: string) {
      const e = byPath.get(p);
      if (!e?.absPath || e.type !== 'file') throw new Error(`${p} is not a file of this payload`);
      return fs.readFile(e.absPath);
    },
  };
  return { content, diagnostics };
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function kindOf(st: import('node:fs').Stats): string {
  if (st.isFIFO()) return 'A named pipe (FIFO)';
  if (st.isSocket()) return 'A socket';
  if (st.isCharacterDevice()) return 'A character device';
  if (st.isBlockDevice()) return 'A block device';
  return 'This special file';
}

export function errText(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e) {
    const code = String((e as { code: unknown }).code);
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    if (code === 'ENOENT') return 'no such file';
  }
  return e instanceof Error ? e.message : String(e);
}
