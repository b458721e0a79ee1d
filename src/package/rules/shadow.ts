// version-key-shadowed: a more specific key hides a broader one, and the agent never falls back to it
// (reference: ssm-api.md §7.2). Two levels:
//   - version: for the hosts it matches, an exact key (`12`) or a longer wildcard (`9.4.*`) is chosen over
//     `12.*`, `9.*`, `_any` and `*`; a host whose architecture the chosen key lacks gets nothing, even when
//     a broader key has it;
//   - platform: a host whose platform has its own key (`debian`) never uses the `_any` platform.
// The hosts tried: the built-in list, plus the identities the package's own exact version keys name, on
// each architecture the package uses.
import { HOSTS } from '../hosts.js';
import { mappingFrom } from '../manifest/index.js';
import { classifyArch, classifyPlatform, classifyVersionKey } from '../platforms.js';
import { versionFallbacks } from '../resolve.js';
import { getOwn, isRecord } from '../source/tree.js';
import type { Diagnostic, Loc, PayloadModel } from '../types.js';
import { diag } from './catalogue.js';

const ANY = '_any';
/** OS releases named in one message; the rest are counted. */
const MAX_NAMED = 6;
/** Architectures tried for a package that maps `_any` (besides the ones it names). */
const COMMON_ARCHES = ['x86_64', 'arm64'];
/** Identities tried beyond the built-in hosts, at most (a real package names a few dozen). */
const MAX_SYNTHESIZED = 5000;
/** An exact key that could be a reported version (`12`, `9.4`, `10.0.14393nano`): short, at most 4 segments. */
const REPORTABLE = /^(?=.{1,32}$)\d[0-9A-Za-z]*(\.[0-9A-Za-z]+){0,3}$/;

/** One host identity to try, and how a message names its OS release (the architecture is added). */
interface Candidate {
  platform: string;
  version: string;
  arch: string;
  name: string;
}

/** One platform key of the mapping: its version keys, and each one's architecture keys. */
interface PlatformKeys {
  versions: Set<string>;
  arches: Map<string, Set<string>>;
}

/** What one shadowing key costs: the hosts that lose, the keys that would have served them. */
interface Loss {
  platform: string;
  /** The shadowing version key (unset at the platform level). */
  version?: string;
  hosts: Candidate[];
  seen: Set<string>;
  hidden: string[];
  /** Whether, for every losing host, the next key the agent would choose is one that serves it. */
  removable: boolean;
}

/** Where a key was first written, and the payload of that target. */
interface KeyPlace {
  loc: Loc;
  payload: string;
}

export function checkShadowing(payloads: readonly PayloadModel[]): Diagnostic[] {
  const { packages } = mappingFrom(payloads);
  const platforms = new Map<string, PlatformKeys>();
  for (const p of Object.keys(packages)) platforms.set(p, keysOf(getOwn(packages, p)));
  const any = platforms.get(ANY);

  const versionLoss = new Map<string, Loss>();
  const platformLoss = new Map<string, Loss>();
  for (const h of candidates(payloads, platforms)) {
    // The agent's platform level (resolve.ts selectPlatformKey): the host's platform, else _any.
    const pKey = h.platform !== '' && platforms.has(h.platform) ? h.platform : any ? ANY : undefined;
    if (pKey === undefined) continue;
    const keys = platforms.get(pKey);
    if (!keys) continue;
    const chain = versionFallbacks(keys.versions, h.version);
    const serves = (k: string) => archServes(keys.arches.get(k), h.arch);
    const chosen = chain[0];
    if (chosen !== undefined) {
      if (serves(chosen)) continue;
      const hidden = chain.slice(1).find(serves);
      if (hidden !== undefined) {
        const loss = lossFor(versionLoss, `${pKey}\u0000${chosen}`, pKey, chosen);
        record(loss, h, hidden, chain[1] === hidden);
        continue;
      }
    }
    if (pKey === ANY || !any) continue;
    const anyChosen = versionFallbacks(any.versions, h.version)[0];
    if (anyChosen !== undefined && archServes(any.arches.get(anyChosen), h.arch))
      record(lossFor(platformLoss, pKey, pKey), h, ANY, true);
  }

  const places = keyPlaces(payloads);
  const out: Diagnostic[] = [];
  for (const [key, loss] of versionLoss) {
    const { platform, version = '' } = loss;
    const place = places.versions.get(key);
    const have = [...(platforms.get(platform)?.arches.get(version) ?? [])];
    const lacking = [...new Set(loss.hosts.map((h) => h.arch))];
    const d = diag(
      'version-key-shadowed',
      place?.loc,
      `${platform} "${version}" (${have.length ? `${few(have)} only` : 'no architectures'}) hides ${few(
        loss.hidden.map((k) => `"${k}"`),
        ' and ',
      )}: ${hostList(loss.hosts)} get no ZIP (the agent does not fall back). Add ${lacking.join(' and ')} under "${version}"${loss.removable ? ` or remove "${version}"` : ''}.`,
    );
    out.push(about(d, place, platform));
  }
  for (const { platform, hosts } of platformLoss.values()) {
    const place = places.platforms.get(platform);
    const d = diag(
      'version-key-shadowed',
      place?.loc,
      `Platform "${platform}" hides "_any": ${hostList(hosts)} get no ZIP (a host whose platform has its own key never falls back to _any). Map those versions and architectures under "${platform}", or remove "${platform}".`,
    );
    out.push(about(d, place, platform));
  }
  return out;
}

function keysOf(versions: unknown): PlatformKeys {
  const out: PlatformKeys = { versions: new Set(), arches: new Map() };
  if (!isRecord(versions)) return out;
  for (const [v, arches] of Object.entries(versions)) {
    out.versions.add(v);
    out.arches.set(v, new Set(isRecord(arches) ? Object.keys(arches) : []));
  }
  return out;
}

function lossFor(losses: Map<string, Loss>, key: string, platform: string, version?: string): Loss {
  let loss = losses.get(key);
  if (!loss) {
    loss = { platform, hosts: [], seen: new Set(), hidden: [], removable: true };
    if (version !== undefined) loss.version = version;
    losses.set(key, loss);
  }
  return loss;
}

function record(loss: Loss, h: Candidate, hidden: string, next: boolean): void {
  const id = `${h.platform}\u0000${h.version}\u0000${h.arch}`;
  if (loss.seen.has(id)) return;
  loss.seen.add(id);
  loss.hosts.push(h);
  if (!loss.hidden.includes(hidden)) loss.hidden.push(hidden);
  loss.removable &&= next;
}

/**
 * The built-in hosts, then for each platform key the identities its exact version keys (and the `_any`
 * platform's) name, on each architecture the package uses; versions no host of that platform reports
 * (version-key-unreported) are not tried. Exact keys of the `_any` platform stand for any platform without
 * a key of its own (platform ""). At most MAX_SYNTHESIZED of those: a hostile config may list thousands.
 */
function* candidates(
  payloads: readonly PayloadModel[],
  platforms: ReadonlyMap<string, PlatformKeys>,
): Generator<Candidate> {
  const seen = new Set<string>();
  let budget = MAX_SYNTHESIZED;
  const fresh = (platform: string, version: string, arch: string) => {
    const id = `${platform}\u0000${version}\u0000${arch}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  };
  for (const h of HOSTS) {
    if (fresh(h.platform, h.version, h.arch)) yield { ...h, name: h.label };
  }
  const more = (platform: string, version: string, arch: string) =>
    budget > 0 && fresh(platform, version, arch) && budget-- > 0;
  const arches = new Set<string>();
  for (const p of payloads) {
    for (const t of p.targets) {
      if (t.arch === ANY) COMMON_ARCHES.forEach((a) => arches.add(a));
      else if (classifyArch(t.arch).ok) arches.add(t.arch);
    }
  }
  const exact = (keys: PlatformKeys | undefined) =>
    [...(keys?.versions ?? [])].filter((v) => v !== ANY && v !== '*' && REPORTABLE.test(v));
  const anyExact = exact(platforms.get(ANY));
  for (const [platform, keys] of platforms) {
    if (platform === ANY || classifyPlatform(platform).kind === 'unknown') continue;
    for (const version of new Set([...exact(keys), ...anyExact])) {
      if (classifyVersionKey(platform, version).kind !== 'ok') continue;
      for (const arch of arches) {
        if (more(platform, version, arch)) yield { platform, version, arch, name: `${platform} ${version}` };
      }
    }
  }
  for (const version of anyExact) {
    for (const arch of arches) {
      if (more('', version, arch))
        yield { platform: '', version, arch, name: `${version} (any other platform)` };
    }
  }
}

/** Where each platform key and each platform/version key was first written. */
function keyPlaces(payloads: readonly PayloadModel[]): {
  platforms: Map<string, KeyPlace>;
  versions: Map<string, KeyPlace>;
} {
  const platforms = new Map<string, KeyPlace>();
  const versions = new Map<string, KeyPlace>();
  for (const p of payloads) {
    for (const t of p.targets) {
      if (!platforms.has(t.platform))
        platforms.set(t.platform, { loc: t.fieldLocs.platform, payload: p.name });
      const key = `${t.platform}\u0000${t.version}`;
      if (!versions.has(key)) versions.set(key, { loc: t.fieldLocs.version, payload: p.name });
    }
  }
  return { platforms, versions };
}

function about(d: Diagnostic, place: KeyPlace | undefined, platform: string): Diagnostic {
  if (place) d.payload = place.payload;
  d.platforms = [platform];
  return d;
}

/** The agent's architecture level: the host's architecture, else `_any` (resolve.ts selectArchKey). */
const archServes = (arches: ReadonlySet<string> | undefined, arch: string): boolean =>
  arches !== undefined && (arches.has(arch) || arches.has(ANY));

/** A short list: the first few, then how many more. */
function few(items: readonly string[], sep = ', ', max = 4): string {
  const shown = items.slice(0, max).join(sep);
  return items.length > max ? `${shown}${sep}${items.length - max} more` : shown;
}

/** "Debian 13 x86_64/arm64, Debian 11 386 hosts": the hosts by OS release, in order. */
function hostList(hosts: readonly Candidate[]): string {
  const releases = new Map<string, string[]>();
  for (const h of hosts) {
    const arches = releases.get(h.name);
    if (arches) arches.push(h.arch);
    else releases.set(h.name, [h.arch]);
  }
  const all = [...releases].map(([name, arches]) => `${name} ${arches.join('/')}`);
  const named = all.slice(0, MAX_NAMED);
  const more = all.length - named.length;
  return `${named.join(', ')}${more > 0 ? ` and ${more} more` : ''} hosts`;
}
