// Rules for a payload's scripts: which ones the agent looks for at the ZIP root (install and uninstall,
// optionally update and validate), in the form its targets run, and what is in them.
import { ioReason } from '../contain.js';
import { isWindows } from '../platforms.js';
import type { Diagnostic, PayloadContent, PayloadEntry, PayloadModel } from '../types.js';
import { diag } from './catalogue.js';
import { checkPowerShellScript } from './powershell.js';
import { checkShellScript } from './shell/check.js';

const ACTIONS = ['install', 'uninstall', 'update', 'validate'] as const;
const ACTION_SCRIPTS = new Set(ACTIONS.flatMap((a) => [`${a}.sh`, `${a}.ps1`]));
/** Of larger scripts, the lines in their first this many bytes are checked. */
export const MAX_SCRIPT_BYTES = 4 * 1024 * 1024;

type Family = 'windows' | 'sh' | 'any';

/** The script families a payload's targets run: `.ps1` on windows, `.sh` elsewhere, either for `_any`. */
export function scriptFamilies(p: PayloadModel): Set<Family> {
  return new Set(
    p.targets.map((t) => (t.platform === '_any' ? 'any' : isWindows(t.platform) ? 'windows' : 'sh')),
  );
}

/** Checks a payload's scripts; `files` are its regular files. */
export async function checkScripts(
  p: PayloadModel,
  files: readonly PayloadEntry[],
  content: PayloadContent,
): Promise<Diagnostic[]> {
  const families = scriptFamilies(p);
  const root = new Map<string, PayloadEntry>();
  for (const e of files) if (!e.path.includes('/')) root.set(e.path, e);
  const out = [...mixedPlatforms(p, families), ...duplicates(p, root)];
  // Which script family must be present?
  const complete = (ext: string) => root.has(`install.${ext}`) && root.has(`uninstall.${ext}`);
  const expected: 'sh' | 'ps1' | undefined = families.has('windows')
    ? 'ps1'
    : families.has('sh')
      ? 'sh'
      : complete('ps1') && !complete('sh')
        ? 'ps1'
        : complete('sh')
          ? 'sh'
          : undefined;
  for (const action of ['install', 'uninstall'] as const) {
    const d = missing(p, action, expected, files, root);
    if (d) out.push(d);
  }
  out.push(...(await contents(files, content)));
  return out;
}

function mixedPlatforms(p: PayloadModel, families: Set<Family>): Diagnostic[] {
  if (!families.has('windows') || !families.has('sh')) return [];
  const win = p.targets.find((t) => isWindows(t.platform))!;
  const other = p.targets.find((t) => t.platform !== '_any' && !isWindows(t.platform))!;
  return [
    diag(
      'script-mixed-platforms',
      p.loc,
      `${p.file} is mapped to windows (${win.loc.file}:${win.loc.line ?? '?'}) and to ${other.platform} (${other.loc.file}:${other.loc.line ?? '?'}); Windows runs install.ps1 and the others run install.sh, and one ZIP cannot hold both. Split it into a Windows payload and a Linux payload.`,
    ),
  ];
}

function duplicates(p: PayloadModel, root: ReadonlyMap<string, PayloadEntry>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const action of ACTIONS) {
    const ps1 = root.get(`${action}.ps1`);
    if (!ps1 || !root.has(`${action}.sh`)) continue;
    out.push(
      diag(
        'script-duplicate',
        { file: ps1.display },
        `Payload "${p.name}" has both ${action}.sh and ${action}.ps1; the agent fails with "${action} has more than one implementation". Keep the one for the platform this ZIP targets.`,
      ),
    );
  }
  return out;
}

/** A required script the agent would not find at the root: one folder down, misnamed, or absent. */
function missing(
  p: PayloadModel,
  action: 'install' | 'uninstall',
  expected: 'sh' | 'ps1' | undefined,
  files: readonly PayloadEntry[],
  root: ReadonlyMap<string, PayloadEntry>,
): Diagnostic | undefined {
  const exts = expected ? [expected] : (['sh', 'ps1'] as const);
  if (exts.some((x) => root.has(`${action}.${x}`))) return undefined;
  const nested = files.find((e) => {
    const parts = e.path.split('/');
    return parts.length === 2 && exts.some((x) => parts[1] === `${action}.${x}`);
  });
  if (nested) {
    return diag(
      'script-nested',
      { file: nested.display },
      `${action} script is in the subfolder "${nested.path.split('/')[0]}/", not at the root of ${p.file}; the agent reports "package is missing install action". Move the folder's contents up one level${p.source === 'zip' ? ' (zip the folder contents, not the folder)' : ''}.`,
    );
  }
  const other = expected === 'sh' ? 'ps1' : expected === 'ps1' ? 'sh' : undefined;
  const caseMismatch = files.find(
    (e) => !e.path.includes('/') && exts.some((x) => e.path.toLowerCase() === `${action}.${x}`),
  );
  const why =
    expected === 'ps1'
      ? 'windows targets run'
      : expected === 'sh'
        ? 'non-Windows targets run'
        : 'the agent runs';
  const name = expected ? `${action}.${expected}` : `${action}.sh or ${action}.ps1`;
  let hint = '';
  if (caseMismatch)
    hint = ` Found "${caseMismatch.path}": rename it to "${name}" (names are case-sensitive).`;
  else if (other && root.has(`${action}.${other}`))
    hint = ` Found ${action}.${other}, which these targets do not run.`;
  return diag(
    'script-missing',
    { file: p.display },
    `Payload "${p.name}" has no ${name} at its root; ${why} ${name}.${hint}`,
  );
}

/** A script's first bytes, cut after their last complete line when the script goes on (`size` is its length). */
function wholeLines(bytes: Buffer, size: number): Buffer {
  if (bytes.length >= size) return bytes;
  const end = bytes.lastIndexOf(0x0a);
  return end >= 0 ? bytes.subarray(0, end + 1) : bytes;
}

/** The text of every script in the payload (of one over MAX_SCRIPT_BYTES, its first lines up to that size). */
async function contents(files: readonly PayloadEntry[], content: PayloadContent): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const e of files) {
    const lower = e.path.toLowerCase();
    const isSh = lower.endsWith('.sh');
    if (!isSh && !lower.endsWith('.ps1')) continue;
    let bytes: Buffer;
    try {
      bytes = wholeLines(await content.read(e.path, MAX_SCRIPT_BYTES), e.size);
    } catch (err) {
      out.push(diag('file-unreadable', { file: e.display }, `Cannot read: ${ioReason(err)}.`));
      continue;
    }
    if (!isSh) out.push(...checkPowerShellScript(bytes, e.display));
    else {
      const found = checkShellScript(bytes, e.display);
      // Bash-only syntax matters where the agent runs the script with sh; helper scripts may be run with bash.
      out.push(...(ACTION_SCRIPTS.has(e.path) ? found : found.filter((d) => d.rule === 'sh-crlf')));
    }
  }
  return out;
}
