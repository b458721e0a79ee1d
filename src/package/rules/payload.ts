// Rules for the payloads as a whole: ZIP names and count, empty payloads, paths Windows cannot create,
// folders that look like payloads but are not declared.
import type { TopFolder } from '../layout.js';
import { isWindows } from '../platforms.js';
import type { Diagnostic, Loc, PayloadEntry, PayloadModel } from '../types.js';
import { diag } from './catalogue.js';
import { checkScripts } from './scripts.js';

export const FILE_PATTERN = /^[a-zA-Z0-9_\-.]{3,128}$/;
export const MAX_FILES = 20;
export const MAX_FILE_BYTES = 1024 ** 3;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/** Checks one payload: its ZIP name, then (once scanned) its files and scripts. */
export async function checkPayload(p: PayloadModel): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  if (!FILE_PATTERN.test(p.file)) {
    out.push(
      diag(
        'file-name-pattern',
        p.fileLoc,
        `ZIP name "${p.file}" is not a valid attachment name: use 3 to 128 letters, digits, "_", "-" or "." (no spaces).`,
      ),
    );
  }
  const content = p.content;
  if (!content) return out;
  const files = content.entries.filter((e) => e.type === 'file');
  if (files.length === 0) {
    out.push(
      diag(
        'payload-empty',
        { file: p.display },
        `Payload "${p.name}" has no files; the agent reports "Package is incomplete". Add install and uninstall scripts and the software they install.`,
      ),
    );
    return out;
  }
  out.push(...(await checkScripts(p, files, content)));
  if (p.targets.some((t) => isWindows(t.platform))) out.push(...windowsPaths(content.entries));
  return out;
}

function windowsPaths(entries: readonly PayloadEntry[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of entries) {
    const base = e.path.split('/').pop() ?? e.path;
    let why: string | undefined;
    if (/[<>:"|?*]/.test(base)) why = 'contains one of < > : " | ? *';
    else if (WINDOWS_RESERVED.test(base)) why = 'is a reserved device name on Windows';
    else if (/[. ]$/.test(base)) why = 'ends with a dot or a space';
    if (why) {
      out.push(
        diag(
          'path-windows-unsafe',
          { file: e.display },
          `"${e.path}" ${why}, so it cannot be extracted on Windows hosts; rename it.`,
        ),
      );
    }
  }
  return out;
}

export function checkFileCount(payloads: readonly PayloadModel[], loc: Loc): Diagnostic[] {
  if (payloads.length <= MAX_FILES) return [];
  return [
    diag(
      'file-count',
      loc,
      `The package has ${payloads.length} ZIP files; a package version can attach at most ${MAX_FILES}. Merge payloads that target the same platform family.`,
    ),
  ];
}

/**
 * Folders at the package root that hold install scripts but are no payload: probably forgotten.
 * `candidates` are such folders (see layout.ts), by absolute path and display path.
 */
export function checkUndeclared(
  candidates: readonly TopFolder[],
  payloads: readonly PayloadModel[],
  configFile: string,
): Diagnostic[] {
  const declared = new Set(payloads.map((p) => p.abs));
  return candidates
    .filter((c) => !declared.has(c.abs))
    .map((c) =>
      diag(
        'payload-unused',
        { file: c.display },
        `Folder "${c.name}" has install scripts but is not a payload in ${configFile}, so it is never shipped; add it under \`payloads:\` or remove it.`,
      ),
    );
}

/** A ZIP over the 1 GB the agent accepts: a prebuilt one, or one just built (`built`). */
export function checkFileSize(file: string, size: number, loc: Loc, built: boolean): Diagnostic[] {
  if (size <= MAX_FILE_BYTES) return [];
  const message = built
    ? `${file} is ${mb(size)} after compression; each file must be at most 1 GB. Split the payload.`
    : `${file} is ${mb(size)}; each file must be at most 1 GB.`;
  return [diag('file-size', loc, message)];
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
