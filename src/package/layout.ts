// Scans a payload folder into entries, reporting what cannot or should not go into a ZIP.
import fs, { type Stats } from 'node:fs';
import path from 'node:path';
import { ioReason, isInside, kindOf, readHead } from './contain.js';
import { globMatcher } from './glob.js';
import { diag } from './rules/catalogue.js';
import type { Diagnostic, PayloadContent, PayloadEntry } from './types.js';

/** Files that operating systems and editors leave behind; never shipped. */
export const ALWAYS_IGNORED = ['.DS_Store', 'Thumbs.db', 'desktop.ini', '.git', '.gitkeep', '.gitattributes'];

/** Folders nest at most this many levels below the package folder. */
export const MAX_TREE_DEPTH = 256;

/** A scan stops reading past this many entries of one payload: four times what a ZIP can hold. */
export const SCAN_MAX_ENTRIES = 4 * 65_535;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A display path for a file: relative to `base`, with forward slashes on every OS. */
export function displayPath(abs: string, base: string): string {
  const rel = path.relative(base, abs);
  return (rel === '' ? '.' : rel).split(path.sep).join('/');
}

/** The file name of a display path (`linux/install.sh`, `linux.zip:install.sh` → `install.sh`). */
export const baseName = (display: string): string => display.split(/[/:\\]/).pop() || display;

export interface ScanOptions {
  /** Absolute payload folder, as the config or manifest names it (display paths start from it). */
  root: string;
  /** Its real path, already checked to be inside the package folder. */
  realRoot: string;
  /** Real path of the package folder: symlinks may not leave it. */
  realPackageRoot: string;
  /** How many levels the payload folder is below the package folder. */
  baseDepth: number;
  /** Base for display paths (the working directory). */
  displayBase: string;
  exclude?: readonly string[];
}

/** For `exclude` patterns with a trailing `/`: a folder, or a symlink to one (asked only when such a pattern matches). */
function isFolder(abs: string): boolean {
  try {
    return fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
}

/** Why a name cannot be used as a ZIP entry name, or undefined when it can. */
export function unsafeNameReason(name: string): string | undefined {
  if (name.includes('\\'))
    return 'contains a backslash, which Windows and the agent treat as a folder separator';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character';
  return undefined;
}

/**
 * Walks a payload folder. The calls are synchronous (one system call per entry, no threadpool round trip),
 * and a folder's real path is its parent's plus its name unless it is a symlink (no realpath per folder), so
 * the time grows with the number of entries, not with the depth.
 */
export async function scanFolder(
  opts: ScanOptions,
): Promise<{ content: PayloadContent; diagnostics: Diagnostic[] }> {
  const scanner = new Scanner(opts);
  scanner.walk(opts.root, opts.realRoot, '', opts.baseDepth);
  const entries = scanner.entries;
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const content: PayloadContent = {
    entries,
    async read(p: string, limit?: number) {
      const e = byPath.get(p);
      if (!e?.absPath || e.type !== 'file') throw new Error(`${p} is not a file of this payload`);
      return readHead(e.absPath, limit ?? e.size);
    },
  };
  return { content, diagnostics: scanner.diagnostics };
}

type ScanRule =
  'file-unreadable' | 'path-unsafe' | 'special-file' | 'symlink' | 'symlink-escape' | 'tree-too-deep';

class Scanner {
  readonly entries: PayloadEntry[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly opts: ScanOptions;
  private readonly isExcluded: (rel: string, isFolder: () => boolean) => boolean;
  /**
   * Real paths of the folders being walked (the current one and those above it): a symlinked folder that
   * loops back to one of them is not walked again. A folder reached twice side by side (a folder and a
   * symlink to it) is walked both times: each path gets its copy.
   */
  private readonly walking = new Set<string>();
  private tooDeep = false;

  constructor(opts: ScanOptions) {
    this.opts = opts;
    this.isExcluded = opts.exclude?.length ? globMatcher(opts.exclude) : () => false;
  }

  /** `depth`: how many levels `dirAbs` is below the package folder. */
  walk(dirAbs: string, dirReal: string, dirRel: string, depth: number): void {
    if (this.walking.has(dirReal) || this.entries.length >= SCAN_MAX_ENTRIES) return;
    this.walking.add(dirReal);
    try {
      this.walkNames(dirAbs, dirReal, dirRel, depth);
    } finally {
      this.walking.delete(dirReal);
    }
  }

  private walkNames(dirAbs: string, dirReal: string, dirRel: string, depth: number): void {
    let names: Buffer[];
    try {
      names = fs.readdirSync(dirAbs, { encoding: 'buffer' });
    } catch (e) {
      this.report('file-unreadable', dirAbs, `Cannot read folder: ${ioReason(e)}.`);
      return;
    }
    names.sort(Buffer.compare);
    for (const raw of names) {
      // Symlinked folders can copy a tree many times over: past this many entries, nothing more is read
      // (the payload is over the ZIP entry limit already, and zip-entry-limit says so).
      if (this.entries.length >= SCAN_MAX_ENTRIES) return;
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
      if (ALWAYS_IGNORED.includes(name) || this.isExcluded(rel, () => isFolder(abs))) continue;
      const reason = unsafeNameReason(name);
      if (reason) this.report('path-unsafe', abs, `The name ${reason}; rename the file.`);
      else this.visit(abs, path.join(dirReal, name), rel, depth + 1);
    }
  }

  private visit(abs: string, real: string, rel: string, depth: number): void {
    let st: Stats;
    try {
      st = fs.lstatSync(abs);
    } catch (e) {
      this.report('file-unreadable', abs, `Cannot read: ${ioReason(e)}.`);
      return;
    }
    if (st.isSymbolicLink()) this.visitLink(abs, rel, depth);
    else if (st.isDirectory()) this.addDir(abs, real, rel, st, abs, depth);
    else if (st.isFile()) this.addFile(abs, rel, st, abs);
    else {
      const what = kindOf(st);
      this.report(
        'special-file',
        abs,
        `${what.charAt(0).toUpperCase()}${what.slice(1)} cannot be packaged, so it was not opened; remove it from the payload folder or exclude it.`,
      );
    }
  }

  /** A folder (or a symlink to one, `shownAs`), unless it nests too deep. */
  private addDir(abs: string, real: string, rel: string, st: Stats, shownAs: string, depth: number): void {
    if (depth > MAX_TREE_DEPTH) {
      if (!this.tooDeep) {
        this.report(
          'tree-too-deep',
          shownAs,
          `Folders nest more than ${MAX_TREE_DEPTH} levels below the package folder here; nothing deeper was read. Flatten the tree.`,
        );
      }
      this.tooDeep = true;
      return;
    }
    const display = this.show(shownAs);
    this.entries.push({ path: rel, type: 'dir', size: 0, mode: st.mode & 0o7777, absPath: abs, display });
    this.walk(abs, real, rel, depth);
  }

  /** A regular file (or a symlink to one, `shownAs`), if it can be read: validate finds what would stop the build. */
  private addFile(file: string, rel: string, st: Stats, shownAs: string): void {
    try {
      fs.accessSync(file, fs.constants.R_OK);
    } catch (e) {
      this.report('file-unreadable', shownAs, `Cannot read: ${ioReason(e)}.`);
      return;
    }
    this.entries.push({
      path: rel,
      type: 'file',
      size: st.size,
      mode: st.mode & 0o7777,
      absPath: file,
      display: this.show(shownAs),
    });
  }

  /** A symlink inside the package is stored as a copy of its target; one that leaves it is refused. */
  private visitLink(abs: string, rel: string, depth: number): void {
    let linkTarget = '';
    let target: string;
    try {
      linkTarget = fs.readlinkSync(abs);
      target = fs.realpathSync.native(abs);
    } catch {
      const message = `Symlink to "${linkTarget}" points nowhere; remove it or replace it with the file itself.`;
      return this.report('symlink-escape', abs, message);
    }
    if (!isInside(target, this.opts.realPackageRoot)) {
      return this.report(
        'symlink-escape',
        abs,
        `Symlink to "${linkTarget}" leaves the package folder; packaging it could ship files from the build machine. Copy the file into the package instead.`,
      );
    }
    let tst: Stats;
    try {
      tst = fs.lstatSync(target);
    } catch (e) {
      return this.report('file-unreadable', abs, `Cannot read: ${ioReason(e)}.`);
    }
    if (!tst.isDirectory() && !tst.isFile()) {
      return this.report(
        'special-file',
        abs,
        `Symlink to "${linkTarget}" points at ${kindOf(tst)}, which cannot be packaged, so it was not opened.`,
      );
    }
    this.report(
      'symlink',
      abs,
      `Symlink to "${linkTarget}" is stored as a copy of its target; replace it with the file to silence this.`,
    );
    if (tst.isDirectory()) this.addDir(target, target, rel, tst, abs, depth);
    else this.addFile(target, rel, tst, abs);
  }

  private report(rule: ScanRule, abs: string, message: string): void {
    this.diagnostics.push(diag(rule, { file: this.show(abs) }, message));
  }

  private show(abs: string): string {
    return displayPath(abs, this.opts.displayBase);
  }
}

/** A folder directly in the package folder. */
export interface TopFolder {
  name: string;
  abs: string;
  /** Its real path (the package folder's real path plus its name). */
  real: string;
  display: string;
}

/** Folders directly in the package folder that hold an install script. */
export async function scriptFolders(
  packageDir: string,
  realPackageDir: string,
  displayBase: string,
): Promise<TopFolder[]> {
  const out: TopFolder[] = [];
  const entries = await fs.promises.readdir(packageDir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const abs = path.join(packageDir, e.name);
    const names = await fs.promises.readdir(abs).catch(() => [] as string[]);
    if (names.some((n) => /^install\.(sh|ps1)$/.test(n)))
      out.push({
        abs,
        real: path.join(realPackageDir, e.name),
        display: displayPath(abs, displayBase),
        name: e.name,
      });
  }
  return out;
}
