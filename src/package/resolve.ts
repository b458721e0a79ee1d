// Which ZIP a host gets: the SSM Agent's own manifest matching (reference: ssm-api.md §7.2).
// Platform, then version, then architecture; each level picks one key and never backtracks.
import type { Manifest } from './types.js';

/** A host as the agent describes it: platform name, platform version and architecture. */
export interface Host {
  platform: string;
  version: string;
  arch: string;
}

/** The level at which matching stopped: a key level, or the `files` lookup. */
export type MissStage = 'platform' | 'version' | 'arch' | 'file';

export type Resolution =
  | { ok: true; file: string; keys: { platform: string; version: string; arch: string } }
  | { ok: false; message: string; stage: MissStage };

const ANY = '_any';
const STAR = '*';
const WILDCARD = '.*';
const NANO = 'nano';

/** A map level as found; anything that is not an object behaves like an empty map (as a nil map does in the agent). */
function level(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Platform key: the host's platform, else `_any`. */
export function selectPlatformKey(keys: readonly string[], platform: string): string | undefined {
  if (keys.includes(platform)) return platform;
  return keys.includes(ANY) ? ANY : undefined;
}

/** Architecture key: the host's architecture, else `_any`. */
export function selectArchKey(keys: readonly string[], arch: string): string | undefined {
  if (keys.includes(arch)) return arch;
  return keys.includes(ANY) ? ANY : undefined;
}

/**
 * How many leading dot-separated segments of `hostVersion` the wildcard key `key` covers,
 * or 0 when it does not match. Only keys ending in `.*` match this way; a Nano Server host
 * (version ending in `nano`) only considers keys ending in `.*nano`, and other hosts skip those.
 * The `nano` suffix is removed from the key only: the host's last segment keeps it, so
 * `10.0.*nano` matches `10.0.14393nano` while `10.0.14393.*nano` does not.
 */
export function wildcardMatchLength(key: string, hostVersion: string): number {
  let k = key;
  const hostNano = hostVersion.endsWith(NANO);
  const keyNano = k.endsWith(NANO);
  if (hostNano && keyNano) k = k.slice(0, -NANO.length);
  else if (hostNano || keyNano) return 0;
  if (!k.endsWith(WILDCARD)) return 0;
  const prefix = k.slice(0, -WILDCARD.length).split('.');
  const segs = hostVersion.split('.');
  if (segs.length < prefix.length) return 0;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== segs[i]) return 0;
  return prefix.length;
}

/**
 * Version key: the exact version; else the wildcard key (`8.*`, `9.4.*`, `10.0.*nano`) covering the
 * most leading segments; else `_any`; else `*`. A key without `.*` (e.g. `8`) matches only exactly.
 */
export function selectVersionKey(keys: readonly string[], version: string): string | undefined {
  if (keys.includes(version)) return version;
  let best: string | undefined;
  let bestLength = 0;
  for (const k of keys) {
    const n = wildcardMatchLength(k, version);
    if (n > bestLength) {
      bestLength = n;
      best = k;
    }
  }
  if (best !== undefined) return best;
  if (keys.includes(ANY)) return ANY;
  if (keys.includes(STAR)) return STAR;
  return undefined;
}

/**
 * Every version key that matches a host reporting `version`, in the order the agent prefers them: the one it
 * chooses first (`selectVersionKey`), then the one it would choose if that one were not there, and so on.
 * A wildcard matches only as `<the host's first n segments>.*` (`…nano` for a Nano Server host), so the
 * wildcards are looked up by prefix instead of compared one by one: cheap with thousands of keys.
 */
export function versionFallbacks(keys: ReadonlySet<string>, version: string): string[] {
  const out: string[] = [];
  if (keys.has(version)) out.push(version);
  const segs = version.split('.');
  const suffix = version.endsWith(NANO) ? `${WILDCARD}${NANO}` : WILDCARD;
  for (let n = segs.length; n >= 1; n--) {
    const k = `${segs.slice(0, n).join('.')}${suffix}`;
    if (keys.has(k) && !out.includes(k)) out.push(k);
  }
  for (const k of [ANY, STAR]) if (keys.has(k) && !out.includes(k)) out.push(k);
  return out;
}

/** Whether a version key would be chosen for a host reporting `version` if it were the only key. */
export function versionKeyMatches(key: string, version: string): boolean {
  return selectVersionKey([key], version) !== undefined;
}

/** The agent's text when no platform/version/arch entry matches. */
export function noManifestMessage(host: Host): string {
  return `failed to find platform: no manifest found for platform: ${host.platform}, version ${host.version}, architecture ${host.arch}`;
}

/** The agent's text when the chosen file is not listed in `files` (it prints its Go struct with %+v). */
export function missingFileMessage(file: string): string {
  return `failed to find file for &{FileName:${file}}`;
}

/**
 * Resolves the file a host would install, exactly as the agent does. With `files` (the ZIPs the
 * manifest's `files` lists), the chosen file must also be one of them.
 */
export function resolveHost(
  packages: Manifest['packages'],
  files: readonly string[] | undefined,
  host: Host,
): Resolution {
  const platforms = level(packages);
  const pKey = selectPlatformKey(Object.keys(platforms), host.platform);
  if (pKey === undefined) return { ok: false, message: noManifestMessage(host), stage: 'platform' };
  const versions = level(platforms[pKey]);
  const vKey = selectVersionKey(Object.keys(versions), host.version);
  if (vKey === undefined) return { ok: false, message: noManifestMessage(host), stage: 'version' };
  const arches = level(versions[vKey]);
  const aKey = selectArchKey(Object.keys(arches), host.arch);
  if (aKey === undefined) return { ok: false, message: noManifestMessage(host), stage: 'arch' };
  const ref = level(arches[aKey]);
  const file = typeof ref.file === 'string' ? ref.file : '';
  if (files !== undefined && !files.includes(file)) {
    return { ok: false, message: missingFileMessage(file), stage: 'file' };
  }
  return { ok: true, file, keys: { platform: pKey, version: vKey, arch: aKey } };
}
