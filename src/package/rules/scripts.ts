// Rules for a payload's scripts: which ones the agent looks for at the ZIP root (install and uninstall,
// optionally update and validate), in the form its targets run, and what is in them; and, over the whole
// mapping, the hosts a ZIP reaches (through `_any`) that run the script kind it lacks.
import { ioReason } from '../contain.js';
import type { HostIdentity } from '../hosts.js';
import { isWindows } from '../platforms.js';
import { resolveHost } from '../resolve.js';
import type { Diagnostic, PackageMapping, PayloadContent, PayloadEntry, PayloadModel } from '../types.js';
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
  const root = rootFiles(files);
  const out = [...mixedPlatforms(p, families), ...duplicates(p, root)];
  const expected = expectedKind(families, root);
  for (const action of ['install', 'uninstall'] as const) {
    const d = missing(p, action, expected, files, root);
    if (d) out.push(d);
  }
  const platforms = [...new Set(p.targets.map((t) => t.platform))];
  out.push(...(await contents(files, content, platforms)));
  return out;
}

type Kind = 'sh' | 'ps1';

/** The regular files at the payload root, by name. */
function rootFiles(files: readonly PayloadEntry[]): Map<string, PayloadEntry> {
  const root = new Map<string, PayloadEntry>();
  for (const e of files) if (e.type === 'file' && !e.path.includes('/')) root.set(e.path, e);
  return root;
}

/** The script kind the payload must have (script-missing checks it): from its targets, else from its scripts. */
function expectedKind(families: Set<Family>, root: ReadonlyMap<string, PayloadEntry>): Kind | undefined {
  const complete = (ext: string) => root.has(`install.${ext}`) && root.has(`uninstall.${ext}`);
  if (families.has('windows')) return 'ps1';
  if (families.has('sh')) return 'sh';
  if (complete('ps1') && !complete('sh')) return 'ps1';
  return complete('sh') ? 'sh' : undefined;
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

/**
 * The text of every script in the payload (of one over MAX_SCRIPT_BYTES, its first lines up to that size);
 * `platforms` are the payload's target platforms (they decide how much bash-only syntax matters).
 */
async function contents(
  files: readonly PayloadEntry[],
  content: PayloadContent,
  platforms: readonly string[],
): Promise<Diagnostic[]> {
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
      const found = checkShellScript(bytes, e.display, platforms);
      // Bash-only syntax matters where the agent runs the script with sh; helper scripts may be run with bash.
      out.push(...(ACTION_SCRIPTS.has(e.path) ? found : found.filter((d) => d.rule === 'sh-crlf')));
    }
  }
  return out;
}

/** The host labels listed in a script-kind-mismatch message; the rest are counted. */
const MAX_HOST_LABELS = 6;

/**
 * Hosts that get a ZIP without the install script they run: a Windows host runs install.ps1, every other
 * host install.sh. Reported once per ZIP, for the hosts its own targets do not already account for (those
 * are script-missing), and only when the ZIP has the other kind (with neither, script-missing says so).
 * `hosts` are the identities to resolve, e.g. HOSTS; `mapping` is the package's, e.g. mappingFrom(payloads).
 */
export function checkScriptKinds(
  payloads: readonly PayloadModel[],
  mapping: PackageMapping,
  hosts: readonly HostIdentity[],
): Diagnostic[] {
  const byFile = new Map<string, PayloadModel>();
  for (const p of payloads) if (!byFile.has(p.file)) byFile.set(p.file, p);
  const reached = new Map<PayloadModel, { host: HostIdentity; platformKey: string }[]>();
  for (const host of hosts) {
    const r = resolveHost(mapping.packages, mapping.files, host);
    const p = r.ok ? byFile.get(r.file) : undefined;
    if (!r.ok || !p?.content) continue;
    const list = reached.get(p) ?? [];
    list.push({ host, platformKey: r.keys.platform });
    reached.set(p, list);
  }
  const out: Diagnostic[] = [];
  for (const [p, got] of reached) {
    const d = kindMismatch(p, got);
    if (d) out.push(d);
  }
  return out;
}

function kindMismatch(
  p: PayloadModel,
  got: readonly { host: HostIdentity; platformKey: string }[],
): Diagnostic | undefined {
  const root = rootFiles(p.content?.entries ?? []);
  const has = (k: Kind) => root.has(`install.${k}`);
  // Exactly one kind present: both is script-duplicate, neither is script-missing.
  const present: Kind | undefined = has('sh') === has('ps1') ? undefined : has('sh') ? 'sh' : 'ps1';
  if (!present) return undefined;
  const families = scriptFamilies(p);
  // Windows and other platforms named for one ZIP: script-mixed-platforms says to split it.
  if (families.has('windows') && families.has('sh')) return undefined;
  const expected = expectedKind(families, root);
  const needs = (h: HostIdentity): Kind => (isWindows(h.platform) ? 'ps1' : 'sh');
  const lacking = got.filter(({ host }) => needs(host) !== present && needs(host) !== expected);
  const first = lacking[0];
  if (!first) return undefined;
  const key = first.platformKey;
  const via = p.targets.find((t) => t.platform === key)?.loc ?? p.loc;
  const hostsText = hostList(lacking.map((x) => x.host));
  const message =
    present === 'sh'
      ? `${p.file} has install.sh but no install.ps1, and its platform \`${key}\` entry sends it to ${hostsText}: Windows hosts run install.ps1, so the install fails there. Add a \`windows\` platform entry with a ZIP that has install.ps1, or map this ZIP to the Linux platforms explicitly instead of \`${key}\`.`
      : `${p.file} has install.ps1 but no install.sh, and its platform \`${key}\` entry sends it to ${hostsText}: those hosts run install.sh, so the install fails there. Map this ZIP to \`windows\` instead of \`${key}\`, or add entries for the Linux platforms with a ZIP that has install.sh.`;
  return {
    ...diag('script-kind-mismatch', via, message),
    payload: p.name,
    platforms: [...new Set(p.targets.map((t) => t.platform))],
  };
}

/**
 * The hosts by label, each label once, those of one platform sharing their leading words
 * ("Windows Server 2022, 2019, 2016"), at most MAX_HOST_LABELS labels, then the host count.
 */
export function hostList(hosts: readonly HostIdentity[]): string {
  const labels: { platform: string; label: string }[] = [];
  for (const h of hosts)
    if (!labels.some((l) => l.label === h.label)) labels.push({ platform: h.platform, label: h.label });
  const shown = labels.slice(0, MAX_HOST_LABELS);
  const groups: string[][] = [];
  let last: string | undefined;
  for (const l of shown) {
    if (l.platform !== last) groups.push([]);
    groups[groups.length - 1]!.push(l.label);
    last = l.platform;
  }
  const phrases = groups.map(shareLeadingWords);
  const more = labels.length - shown.length;
  // Labels are releases (one may stand for several architectures): "and N more releases", then the host count.
  const text =
    more > 0
      ? `${phrases.join('; ')} and ${more} more ${more === 1 ? 'release' : 'releases'}`
      : phrases.join('; ');
  return `${text} (${hosts.length} preview ${hosts.length === 1 ? 'host' : 'hosts'})`;
}

/** "Debian 12", "Debian 11" → "Debian 12, 11": the words all labels start with are written once. */
function shareLeadingWords(labels: readonly string[]): string {
  if (labels.length < 2) return labels[0] ?? '';
  const split = labels.map((l) => l.split(' '));
  let n = 0;
  while (split.every((w) => w.length > n + 1 && w[n] === split[0]![n])) n++;
  if (n === 0) return labels.join(', ');
  return `${split[0]!.slice(0, n).join(' ')} ${split.map((w) => w.slice(n).join(' ')).join(', ')}`;
}
