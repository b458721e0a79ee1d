// Rules for targets: platform names, architectures and version keys as the SSM Agent reports and matches
// them, `_any` spelt in another case, and one host mapped to two ZIPs. Keys that hide broader ones:
// shadow.ts.
import {
  classifyArch,
  classifyPlatform,
  classifyVersionKey,
  DOCUMENTED_PLATFORMS,
  type PlatformVerdict,
} from '../platforms.js';
import type { Diagnostic, Loc, PayloadModel, Target } from '../types.js';
import { diag } from './catalogue.js';

export function checkTargets(payloads: readonly PayloadModel[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  // A value listed once but expanded into many targets is reported once.
  const reported = new Set<string>();
  const seen = new Map<string, { payload: PayloadModel; target: Target }>();
  for (const payload of payloads) {
    for (const t of payload.targets) {
      const about = (d: Diagnostic): Diagnostic => ({ ...d, payload: payload.name, platforms: [t.platform] });
      const once = (key: string, d: Diagnostic | undefined) => {
        if (!d || reported.has(key)) return;
        reported.add(key);
        out.push(about(d));
      };
      const pv = classifyPlatform(t.platform);
      once(`p${at(t.fieldLocs.platform)}`, anyCase(t, 'platform') ?? platformProblem(t, pv));
      once(`a${at(t.fieldLocs.arch)}:${t.arch}`, anyCase(t, 'arch') ?? archProblem(t));
      once(`v${at(t.fieldLocs.version)}:${t.version}`, anyCase(t, 'version') ?? versionKeyProblem(t, pv));
      const key = `${t.platform}\u0000${t.version}\u0000${t.arch}`;
      const prev = seen.get(key);
      if (!prev) seen.set(key, { payload, target: t });
      else if (prev.payload.file !== payload.file) out.push(about(conflict(t, payload, prev)));
    }
  }
  return out;
}

/** `_ANY`, `_Any`, …: the agent compares keys with `_any` case-sensitively, so such a key matches no host. */
export const isAnyCase = (key: string): boolean => key !== '_any' && key.toLowerCase() === '_any';

function anyCase(t: Target, field: 'platform' | 'version' | 'arch'): Diagnostic | undefined {
  const key = t[field];
  if (!isAnyCase(key)) return undefined;
  return diag(
    'any-keyword-case',
    t.fieldLocs[field],
    `The ${field} key "${key}" matches no host: the agent's keyword _any is case-sensitive; did you mean "_any"?`,
  );
}

const at = (l: Loc) => `${l.file}:${l.line}:${l.column}`;

function platformProblem(t: Target, pv: PlatformVerdict): Diagnostic | undefined {
  const loc = t.fieldLocs.platform;
  if (pv.kind === 'undocumented') {
    return diag(
      'platform-undocumented',
      loc,
      `The agent reports "${t.platform}" (from /etc/os-release), but Distributor does not document support for it; test an install on such a host.`,
    );
  }
  if (pv.kind !== 'unknown') return undefined;
  const hint = pv.reason
    ? `: ${pv.reason}.`
    : pv.suggestion
      ? `; did you mean "${pv.suggestion}"?`
      : `. Use one of: ${DOCUMENTED_PLATFORMS.join(', ')}, or _any.`;
  return diag('platform-unknown', loc, `No SSM Agent reports the platform "${t.platform}"${hint}`);
}

function archProblem(t: Target): Diagnostic | undefined {
  const av = classifyArch(t.arch);
  if (av.ok) return undefined;
  const hint = av.suggestion
    ? `; did you mean "${av.suggestion}"?`
    : '. Use x86_64, arm64, 386, arm or _any.';
  return diag('arch-unknown', t.fieldLocs.arch, `No SSM Agent reports the architecture "${t.arch}"${hint}`);
}

function versionKeyProblem(t: Target, pv: PlatformVerdict): Diagnostic | undefined {
  // A misspelt platform (rhel) is checked as the platform it stands for (redhat), `_ANY` as `_any`.
  const meant = isAnyCase(t.platform)
    ? '_any'
    : pv.kind === 'unknown' && pv.suggestion
      ? pv.suggestion
      : t.platform;
  const vv = classifyVersionKey(meant, t.version);
  const loc = t.fieldLocs.version;
  if (vv.kind === 'form') {
    const hint = vv.suggestion
      ? `; did you mean "${vv.suggestion}"?`
      : ': use _any, *, an exact version, or a prefix ending in .* (e.g. 8.*).';
    return diag('version-key-form', loc, `"${t.version}" is not a version key the agent understands${hint}`);
  }
  if (vv.kind !== 'unreported') return undefined;
  return diag(
    'version-key-unreported',
    loc,
    `No ${meant} host reports the version "${t.version}" (they report e.g. ${vv.examples}), and an exact key matches only an identical version${vv.suggestion ? `; did you mean "${vv.suggestion}"?` : '.'}`,
  );
}

function conflict(
  t: Target,
  payload: PayloadModel,
  prev: { payload: PayloadModel; target: Target },
): Diagnostic {
  return diag(
    'target-conflict',
    t.loc,
    `${t.platform} ${t.version} ${t.arch} is mapped to both ${prev.payload.file} (${prev.target.loc.file}:${prev.target.loc.line ?? '?'}) and ${payload.file}; each host can get only one file. Remove one of the two targets.`,
  );
}
