// Containment: every path the config or the manifest names, and every top-level file the build reads, must be
// inside the package folder once symlinks are resolved, and be what it should be (a regular file or a folder),
// before anything is opened. Paths are checked as written first, then after realpath.
import { constants, promises as fs, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { diag, type RuleId } from './rules/catalogue.js';
import type { Diagnostic, Loc } from './types.js';

/** An error of the file system (it has an errno code such as ENOENT), as opposed to a bug. */
export function isIoError(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return e instanceof Error && typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
}

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** Why a path written in the config or manifest cannot be used, judged from its text alone. */
export function lexicalProblem(written: string): { rule: RuleId; why: string } | undefined {
  if (/[\u0000-\u001f\u007f]/.test(written))
    return { rule: 'path-unsafe', why: 'contains a control character' };
  if (written.includes('\\')) return { rule: 'path-outside-package', why: 'contains a backslash' };
  if (written.startsWith('/') || /^[A-Za-z]:/.test(written))
    return { rule: 'path-outside-package', why: 'is an absolute path' };
  if (written.split('/').includes('..')) return { rule: 'path-outside-package', why: 'contains `..`' };
  return undefined;
}

/** What a path is, once resolved: nothing, outside the package, unreadable, or inside it (with its lstat). */
export type Resolved =
  | { kind: 'missing' }
  | { kind: 'outside' }
  | { kind: 'error'; error: NodeJS.ErrnoException }
  | { kind: 'found'; real: string; stats: Stats };

/** Resolves `abs` (symlinks included) and says whether it stays inside `realRoot`; nothing is opened. */
export async function resolveInside(realRoot: string, abs: string): Promise<Resolved> {
  let real: string;
  try {
    real = await fs.realpath(abs);
  } catch (e) {
    if (!isIoError(e)) throw e;
    return e.code === 'ENOENT' || e.code === 'ENOTDIR' ? { kind: 'missing' } : { kind: 'error', error: e };
  }
  if (!isInside(real, realRoot)) return { kind: 'outside' };
  try {
    return { kind: 'found', real, stats: await fs.lstat(real) };
  } catch (e) {
    if (!isIoError(e)) throw e;
    return { kind: 'error', error: e };
  }
}

/** What a special file is, in words. */
export function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isDirectory()) return 'a folder';
  return 'a special file';
}

/** Why a file could not be read, in words (an errno code becomes what it means). */
export function ioReason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'no such file';
  if (code === 'ELOOP') return 'too many levels of symlinks';
  if (code === 'ENAMETOOLONG') return 'the path is longer than the system allows';
  return e instanceof Error ? e.message : String(e);
}

/**
 * The diagnostic for a path that is not usable as `want` ('file' or 'folder'), or undefined when it is (or
 * when nothing is there). `wrongKind` is the rule for a file where a folder should be, or the reverse.
 */
export function unusable(
  r: Resolved,
  want: 'file' | 'folder',
  loc: Loc,
  what: string,
  wrongKind: RuleId = 'file-unreadable',
): Diagnostic | undefined {
  switch (r.kind) {
    case 'missing':
      return undefined;
    case 'outside':
      return diag(
        'path-outside-package',
        loc,
        `${what} resolves outside the package folder (through a symlink); it was not read. Keep every file of the package inside its folder.`,
      );
    case 'error':
      return diag('file-unreadable', loc, `Cannot read ${what}: ${ioReason(r.error)}.`);
    case 'found': {
      const st = r.stats;
      if (want === 'file' ? st.isFile() : st.isDirectory()) return undefined;
      if (st.isFile() || st.isDirectory())
        return diag(wrongKind, loc, `${what} is ${st.isFile() ? 'a file' : 'a folder'}, not a ${want}.`);
      return diag(
        'special-file',
        loc,
        `${what} is ${kindOf(st)}; it was not opened. Replace it with a ${want}.`,
      );
    }
  }
}

/** Opens a regular file without following a final symlink and without blocking (a FIFO is refused, not waited on). */
async function openRegular(file: string): Promise<{ fh: FileHandle; size: number }> {
  const fh = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  const st = await fh.stat().catch(async (e: unknown) => {
    await fh.close();
    throw e;
  });
  if (!st.isFile()) {
    await fh.close();
    throw Object.assign(new Error(`it is ${kindOf(st)}`), { code: 'EINVAL' });
  }
  return { fh, size: st.size };
}

/** Up to `n` bytes from the start of an open file. */
async function readStart(fh: FileHandle, n: number): Promise<Buffer> {
  const buf = Buffer.alloc(n);
  let got = 0;
  while (got < n) {
    const { bytesRead } = await fh.read(buf, got, n - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** A regular file of at most `cap` bytes, whole; undefined when it is larger (checked before reading). */
export async function readCapped(file: string, cap: number): Promise<Buffer | undefined> {
  const { fh, size } = await openRegular(file);
  try {
    if (size > cap) return undefined;
    const bytes = await readStart(fh, size + 1);
    if (bytes.length !== size)
      throw Object.assign(new Error('it changed while being read'), { code: 'EAGAIN' });
    return bytes;
  } finally {
    await fh.close();
  }
}

/** The first `limit` bytes of a regular file (all of it when it is shorter). */
export async function readHead(file: string, limit: number): Promise<Buffer> {
  const { fh, size } = await openRegular(file);
  try {
    return await readStart(fh, Math.min(size, limit));
  } finally {
    await fh.close();
  }
}
