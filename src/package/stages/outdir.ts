// The output folder. Every build replaces it whole, so it may only be a folder this tool made (it holds the
// marker file) or an empty one, never a file or a symlink, never inside a payload folder or holding the package. It
// is checked before anything is written, and a refusal leaves it untouched. The build writes into a sibling
// folder and swaps it in, so that a failure never leaves a half-written output.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ActionError } from '../../errors.js';
import { ioReason, isInside, isIoError, kindOf } from '../contain.js';
import { OUTPUT_MARKER, type Place } from './model.js';

export const MARKER_TEXT =
  'Written by the Distributor package build. It replaces this folder whole on every build.\n';

const HINT =
  'Choose a new or empty folder outside the package folder, or one this tool wrote before (it holds a .distributor-build file).';

/** The error that refuses an output folder: `why` completes "The output folder X …". */
export function refuseOutput(place: Place, why: string, cause?: unknown): ActionError {
  const shown = place.show(place.outputDir ?? '');
  return new ActionError('input', `The output folder ${shown} ${why}.`, {
    hint: HINT,
    code: 'output-dir-unsafe',
    cause,
  });
}

/**
 * Refuses (with an ActionError of code output-dir-unsafe) an output folder the build must not replace.
 * Returns its real path (what it is or would be), for checkOutputOverlap once the payloads are known.
 */
export async function checkOutputDir(place: Place): Promise<string | undefined> {
  const out = place.outputDir;
  if (!out) return undefined;
  const st = await fs.lstat(out).catch((e: unknown) => {
    if (isIoError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return undefined;
    throw refuseOutput(place, `cannot be used (${ioReason(e)}); it was left as it is`, e);
  });
  if (st?.isSymbolicLink())
    throw refuseOutput(place, 'is a symlink, which is not followed; it was left as it is');
  if (st && !st.isDirectory()) {
    const what = st.isFile() ? 'a file' : kindOf(st);
    throw refuseOutput(place, `is ${what}, not a folder; it was left as it is`);
  }
  const real = await realOf(place, out);
  const pkg = place.show(place.packageDir);
  if (real === place.realPackageDir) throw refuseOutput(place, 'is the package folder');
  if (isInside(place.realPackageDir, real))
    throw refuseOutput(place, `holds the package folder ${pkg}; a build replaces its output folder whole`);
  if (st) await checkContents(place, out);
  return real;
}

/**
 * Inside the package folder the output may only sit apart from what the build reads: not in a payload
 * folder (the next build would package it) and not holding one (the build replaces it whole).
 */
export async function checkOutputOverlap(
  place: Place,
  outReal: string | undefined,
  payloads: readonly { abs: string; name: string }[],
): Promise<void> {
  if (!outReal) return;
  for (const p of payloads) {
    const real = await fs.realpath(p.abs).catch(() => p.abs);
    if (real === outReal || isInside(outReal, real))
      throw refuseOutput(
        place,
        `is inside the folder of payload ${p.name}; the build would read what it writes`,
      );
    if (isInside(real, outReal))
      throw refuseOutput(place, `holds payload ${p.name}; a build replaces its output folder whole`);
  }
}

/** The real path `out` has or would have: its nearest existing ancestor's real path, plus the rest. */
async function realOf(place: Place, out: string): Promise<string> {
  const rest: string[] = [];
  let p = out;
  for (;;) {
    const real = await fs.realpath(p).catch((e: unknown) => {
      if (isIoError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return undefined;
      throw refuseOutput(place, `cannot be used (${ioReason(e)})`, e);
    });
    if (real !== undefined) {
      const st = await fs.stat(real).catch(() => undefined);
      if (rest.length > 0 && !st?.isDirectory())
        throw refuseOutput(place, `cannot be created: ${place.show(p)} is not a folder`);
      return path.join(real, ...rest.reverse());
    }
    if (path.dirname(p) === p) return out;
    rest.push(path.basename(p));
    p = path.dirname(p);
  }
}

/** An existing folder: empty, or holding the marker of an earlier build. */
async function checkContents(place: Place, out: string): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(out);
  } catch (e) {
    throw refuseOutput(place, `cannot be read (${ioReason(e)}); it was left as it is`, e);
  }
  if (names.length === 0) return;
  const marker = await fs.lstat(path.join(out, OUTPUT_MARKER)).catch(() => undefined);
  if (marker?.isFile()) return;
  names.sort();
  const shown = `${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}`;
  throw refuseOutput(
    place,
    `holds files this tool did not write (${shown}) and no ${OUTPUT_MARKER} file; every build replaces the folder whole, so it was left as it is`,
  );
}

/** The fresh sibling folder the build writes into. */
export async function makeStaging(place: Place, out: string): Promise<string> {
  const tmp = `${out}.partial-${process.pid}-${Date.now()}`;
  try {
    await fs.mkdir(path.dirname(out), { recursive: true });
    await fs.mkdir(tmp);
  } catch (e) {
    if (!isIoError(e)) throw e;
    throw refuseOutput(place, `cannot be created (${ioReason(e)})`, e);
  }
  return tmp;
}

/** `dir/name`, refusing a name that would land anywhere but directly in `dir`. */
export function inside(dir: string, name: string): string {
  const dest = path.join(dir, name);
  if (path.dirname(dest) !== dir || path.basename(dest) !== name)
    throw new Error(`${JSON.stringify(name)} would be written outside the output folder`);
  return dest;
}

/** Replaces `out` with the finished staging folder `tmp`; the previous output is removed once replaced. */
export async function swapInto(place: Place, tmp: string, out: string): Promise<void> {
  const old = `${out}.old-${process.pid}-${Date.now()}`;
  let hadOld = true;
  try {
    await fs.rename(out, old);
  } catch (e) {
    if (!isIoError(e)) throw e;
    if (e.code !== 'ENOENT') throw refuseOutput(place, `cannot be replaced (${ioReason(e)})`, e);
    hadOld = false;
  }
  try {
    await fs.rename(tmp, out);
  } catch (e) {
    if (hadOld) await fs.rename(old, out).catch(() => undefined);
    if (!isIoError(e)) throw e;
    throw refuseOutput(place, `cannot be replaced (${ioReason(e)})`, e);
  }
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
}
