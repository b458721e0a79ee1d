// Scans a payload folder into entries, reporting what cannot or should not go into a ZIP.
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { errorText } from '../errors.js';
import { diag } from './rules/catalogue.js';
import type { Diagnostic, PayloadContent, PayloadEntry } from './types.js';

/** Files that operating systems and editors leave behind; never shipped. */
export const ALWAYS_IGNORED = ['.DS_Store', 'Thumbs.db', 'desktop.ini', '.git', '.gitkeep', '.gitattributes'];

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A display path for a file: relative to `base`, with forward slashes on every OS. */
export function displayPath(abs: string, base: string): string {
  const rel = path.relative(base, abs);
  return (rel === '' ? '.' : rel).split(path.sep).join('/');
}

/** The file name of a display path (`linux/install.sh`, `linux.zip:install.sh` → `install.sh`). */
export const baseName = (display: string): string => display.split(/[/:\\]/).pop() || display;

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** An error of the file system (it has an errno code such as ENOENT), as opposed to a bug. */
export function isIoError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string';
}

/** Why a file could not be read, in words (an errno code becomes what it means). */
export function ioReason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'no such file';
  return errorText(e);
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
  const scanner = new Scanner(opts, await fs.realpath(opts.packageRoot));
  await scanner.walk(opts.root, '');
  const entries = scanner.entries;
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const content: PayloadContent = {
    entries,
    async read(p: string) {
      const e = byPath.get(p);
      if (!e?.absPath || e.type !== 'file') throw new Error(`${p} is not a file of this payload`);
      return fs.readFile(e.absPath);
    },
  };
  return { content, diagnostics: scanner.diagnostics };
}

class Scanner {
  readonly entries: PayloadEntry[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly opts: ScanOptions;
  private readonly realPackageRoot: string;
  private readonly isExcluded: (rel: string) => boolean;
  private readonly skip: Set<string>;
  /** Real paths of the folders walked so far: a symlinked folder that loops back is walked once. */
  private readonly visited = new Set<string>();

  constructor(opts: ScanOptions, realPackageRoot: string) {
    this.opts = opts;
    this.realPackageRoot = realPackageRoot;
    this.isExcluded = opts.exclude?.length ? picomatch([...opts.exclude], { dot: true }) : () => false;
    this.skip = new Set((opts.skip ?? []).map((p) => path.resolve(p)));
  }

  async walk(dirAbs: string, dirRel: string): Promise<void> {
    const real = await fs.realpath(dirAbs).catch(() => dirAbs);
    if (this.visited.has(real)) return;
    this.visited.add(real);
    let names: Buffer[];
    try {
      names = (await fs.readdir(dirAbs, { encoding: 'buffer' })) as Buffer[];
    } catch (e) {
      this.report('file-unreadable', dirAbs, `Cannot read folder: ${ioReason(e)}.`);
      return;
    }
    names.sort(Buffer.compare);
    for (const raw of names) {
      let name: string;
      try {
        name = utf8.decode(raw);
      } catch {
        const shown = path.join(dirAbs, raw.toString('latin1'));
        this.report(
          'path-unsafe',
          shown,
          'The name is not valid UTF-8; rename it using UTF-8 characters (ZIP names are stored as UTF-8).',
        );
        continue;
      }
      const abs = path.join(dirAbs, name);
      const rel = dirRel ? `${dirRel}/${name}` : name;
      if (ALWAYS_IGNORED.includes(name) || this.skip.has(abs) || this.isExcluded(rel)) continue;
      const reason = unsafeNameReason(name);
      if (reason) this.report('path-unsafe', abs, `The name ${reason}; rename the file.`);
      else await this.visit(abs, rel);
    }
  }

  private async visit(abs: string, rel: string): Promise<void> {
    let st: Stats;
    try {
      st = await fs.lstat(abs);
    } catch (e) {
      this.report('file-unreadable', abs, `Cannot read: ${ioReason(e)}.`);
      return;
    }
    const display = this.show(abs);
    if (st.isSymbolicLink()) return this.visitLink(abs, rel);
    if (st.isDirectory()) {
      this.entries.push({ path: rel, type: 'dir', size: 0, mode: st.mode & 0o7777, absPath: abs, display });
      return this.walk(abs, rel);
    }
    if (st.isFile()) {
      this.entries.push({
        path: rel,
        type: 'file',
        size: st.size,
        mode: st.mode & 0o7777,
        absPath: abs,
        display,
      });
      return;
    }
    this.report(
      'special-file',
      abs,
      `${kindOf(st)} cannot be packaged; remove it from the payload folder or exclude it.`,
    );
  }

  /** A symlink inside the package is stored as a copy of its target; one that leaves it is refused. */
  private async visitLink(abs: string, rel: string): Promise<void> {
    const linkTarget = await fs.readlink(abs);
    let target: string;
    try {
      target = await fs.realpath(abs);
    } catch {
      const message = `Symlink to "${linkTarget}" points nowhere; remove it or replace it with the file itself.`;
      return this.report('symlink-escape', abs, message);
    }
    if (!isInside(target, this.realPackageRoot)) {
      return this.report(
        'symlink-escape',
        abs,
        `Symlink to "${linkTarget}" leaves the package folder; packaging it could ship files from the build machine. Copy the file into the package instead.`,
      );
    }
    const tst = await fs.stat(target);
    this.report(
      'symlink',
      abs,
      `Symlink to "${linkTarget}" is stored as a copy of its target; replace it with the file to silence this.`,
    );
    const display = this.show(abs);
    if (tst.isDirectory()) {
      this.entries.push({ path: rel, type: 'dir', size: 0, mode: tst.mode & 0o7777, display });
      await this.walk(target, rel);
    } else if (tst.isFile()) {
      this.entries.push({
        path: rel,
        type: 'file',
        size: tst.size,
        mode: tst.mode & 0o7777,
        absPath: target,
        display,
      });
    }
  }

  private report(
    rule: 'file-unreadable' | 'path-unsafe' | 'special-file' | 'symlink' | 'symlink-escape',
    abs: string,
    message: string,
  ): void {
    this.diagnostics.push(diag(rule, { file: this.show(abs) }, message));
  }

  private show(abs: string): string {
    return displayPath(abs, this.opts.displayBase);
  }
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'A named pipe (FIFO)';
  if (st.isSocket()) return 'A socket';
  if (st.isCharacterDevice()) return 'A character device';
  if (st.isBlockDevice()) return 'A block device';
  return 'This special file';
}

/** A folder directly in the package folder. */
export interface TopFolder {
  name: string;
  abs: string;
  display: string;
}

/** Folders directly in the package folder (other than `skip`) that hold an install script. */
export async function scriptFolders(
  packageDir: string,
  displayBase: string,
  skip: string | undefined,
): Promise<TopFolder[]> {
  const out: TopFolder[] = [];
  const entries = await fs.readdir(packageDir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const abs = path.join(packageDir, e.name);
    if (abs === skip) continue;
    const names = await fs.readdir(abs).catch(() => [] as string[]);
    if (names.some((n) => /^install\.(sh|ps1)$/.test(n)))
      out.push({ abs, display: displayPath(abs, displayBase), name: e.name });
  }
  return out;
}
