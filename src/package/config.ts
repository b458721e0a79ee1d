// The package config (distributor.yaml / distributor.yml / distributor.json): its model, and reading it
// against schema/distributor.schema.json so that each problem points at the place the user wrote.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import configSchema from '../../schema/distributor.schema.json' with { type: 'json' };
import { patternProblem } from './glob.js';
import type { HostIdentity } from './hosts.js';
import { diag, hasErrors, isOverridable, sortDiagnostics } from './rules/catalogue.js';
import type { RuleOverrides, RuleSetting } from './rules/overrides.js';
import { readJson } from './source/json.js';
import { type SchemaProblem, schemaProblems } from './source/schema.js';
import { didYouMean } from './source/suggest.js';
import {
  type DuplicateHandler,
  escapePointer,
  getOwn,
  locAt,
  pathText,
  setOwn,
  type SourceTree,
} from './source/tree.js';
import { readYaml } from './source/yaml.js';
import type { Diagnostic, Located, Loc, Severity, Target } from './types.js';

export interface PayloadConfig {
  /** The key under `payloads`. */
  name: string;
  /** Where the payload key was written. */
  loc: Loc;
  /** Folder relative to the package folder (default: the key). */
  path: string;
  /** Where `path` was written, or the payload key when it was not. */
  pathLoc: Loc;
  /** ZIP name (default: `<key>.zip`), as written: `{version}` in it is replaced when the version is decided. */
  file: string;
  /** Whether `file` holds the `{version}` placeholder. */
  versioned: boolean;
  /** Where `file` was written, or the payload key when it was not. */
  fileLoc: Loc;
  exclude: string[];
  /** Every platform/version/arch combination the payload's targets expand to. */
  targets: Target[];
}

export interface PackageConfig {
  /** Display path of the config file. */
  file: string;
  name?: Located<string>;
  version?: Located<string>;
  publisher?: string;
  description?: string;
  payloads: PayloadConfig[];
  /** `rules:`, each entry a list (a plain severity is one unscoped entry). */
  rules: RuleOverrides;
  /** `preview-hosts:`: the fleet's own identities, added to the preview, each with where it was written. */
  previewHosts: PreviewHost[];
}

export interface PreviewHost extends HostIdentity {
  loc: Loc;
}

/** The one placeholder `file:` may hold. */
export const VERSION_PLACEHOLDER = '{version}';

/** At most this many `preview-hosts:` entries (each is resolved against the mapping). */
export const MAX_PREVIEW_HOSTS = 500;

export const CONFIG_FILES = ['distributor.yaml', 'distributor.yml', 'distributor.json'] as const;

/** Beyond this many expanded targets the manifest could never fit in 64 KB; stop before using the memory. */
const MAX_TARGETS = 10_000;

/** Unknown `rules:` scope names that get a did-you-mean; the rest are reported without one. */
const MAX_SCOPE_SUGGESTIONS = 50;
/** Platforms a message about an unknown platform scope names (the rest are counted). */
const MAX_KNOWN_LISTED = 10;

/** Larger config files are not read (config-too-large). */
export const CONFIG_MAX_BYTES = 1024 * 1024;

/**
 * The config names present in a package folder, whatever they are (a file, a folder, a symlink, a FIFO: what
 * each is gets checked before it is read), in CONFIG_FILES order.
 */
export async function findConfig(packageDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of CONFIG_FILES) {
    if (await fs.lstat(path.join(packageDir, name)).catch(() => undefined)) found.push(name);
  }
  return found;
}

/** Parses and validates a config. `display` is the path diagnostics carry. */
export function parseConfig(
  text: string,
  display: string,
  format: 'yaml' | 'json',
): { config?: PackageConfig; diagnostics: Diagnostic[] } {
  const ds: Diagnostic[] = [];
  const tree = readTree(text.startsWith('\uFEFF') ? text.slice(1) : text, display, format, ds);
  if (!tree) return { diagnostics: sortDiagnostics(ds) };
  const problems = schemaProblems(configSchema, tree, {
    format,
    root: 'the config',
    requiredHints: requiredHints(format),
    emptyHints: emptyHints(format),
    keyNouns: { '/rules': 'rule id' },
  });
  for (const p of problems) ds.push(friendlier(p, tree));
  if (ds.length > 0) return { diagnostics: sortDiagnostics(ds) };
  const config = toConfig(tree, display, ds);
  // Warnings (a `rules:` entry that never applies) leave the config usable.
  if (hasErrors(ds)) return { diagnostics: sortDiagnostics(ds) };
  return { config, diagnostics: [...ds, ...fixedRules(tree, config)] };
}

/** Schema problems that say more than the schema keyword can: control characters, the host list's cap. */
function friendlier(p: SchemaProblem, tree: SourceTree): Diagnostic {
  const where = pathText(p.pointer, tree.value);
  const { keyword } = p.error;
  if (keyword === 'pattern' && p.pointer.startsWith('/preview-hosts/')) {
    const message = `${where}: contains a control character or a line break; write it as one line of printable text.`;
    return diag('config-schema', p.loc, message);
  }
  if (keyword === 'required' && /^\/preview-hosts\/\d+$/.test(p.pointer)) {
    const prop = String((p.error.params as { missingProperty?: unknown }).missingProperty);
    const example = getOwn({ platform: 'ubuntu', version: '24.04', arch: 'x86_64' }, prop) ?? '…';
    const message = `${where}: missing \`${prop}\`; add it as the SSM Agent reports it, e.g. \`${prop}: ${String(example)}\`.`;
    return diag('config-schema', p.loc, message);
  }
  if (keyword === 'maxItems' && p.pointer === '/preview-hosts') {
    const n = Array.isArray(p.error.data) ? p.error.data.length : 0;
    const message = `${where}: lists ${n} hosts; at most ${MAX_PREVIEW_HOSTS} are allowed. Keep one host per distinct platform, version and architecture.`;
    return diag('config-schema', locAt(tree, p.pointer, true), message);
  }
  return diag('config-schema', p.loc, p.message);
}

/** A `rules:` entry for a rule that cannot be changed is ignored, and says so at its line. */
function fixedRules(tree: SourceTree, config: PackageConfig): Diagnostic[] {
  return Object.keys(config.rules)
    .filter((rule) => !isOverridable(rule))
    .map((rule) =>
      diag(
        'rule-fixed',
        locAt(tree, `/rules/${escapePointer(rule)}`, true),
        `\`rules: ${rule}\` is ignored: this rule protects the filesystem or the output and cannot be changed.`,
      ),
    );
}

/** The config as a tree; syntax problems (and duplicate keys) go to `ds` as config-syntax. */
function readTree(
  text: string,
  display: string,
  format: 'yaml' | 'json',
  ds: Diagnostic[],
): SourceTree | undefined {
  const onDuplicate: DuplicateHandler = (key, loc, first) => {
    const message = `Duplicate key \`${key}\` (first on line ${first.line ?? '?'}); keep only one of them.`;
    ds.push(diag('config-syntax', loc, message));
  };
  if (format === 'yaml') {
    const r = readYaml(text, display, onDuplicate);
    for (const p of r.problems) ds.push(diag('config-syntax', p.loc, p.message));
    return r.tree;
  }
  const r = readJson(text, display, { numbersAsText: true, onDuplicate });
  if (r.error) ds.push(diag('config-syntax', r.error.loc, r.error.message));
  if (r.trailing) {
    ds.push(
      diag('config-syntax', r.trailing, 'Invalid JSON: there is more text after the closing `}`; remove it.'),
    );
  }
  return r.tree;
}

function requiredHints(format: 'yaml' | 'json'): Record<string, string> {
  const kv = (k: string, v: string) => (format === 'json' ? `\`"${k}": "${v}"\`` : `\`${k}: ${v}\``);
  return {
    payloads:
      format === 'json'
        ? 'add `"payloads"` with one key per ZIP, each with `"targets"`'
        : 'add `payloads:` with one key per ZIP, each with `targets:`',
    targets:
      format === 'json'
        ? 'add `"targets"`: a list of `{ "platform": …, "version": …, "arch": … }`'
        : 'add `targets:` with at least one `{ platform, version, arch }` entry',
    platform: `add ${kv('platform', 'amazon')} (or redhat, ubuntu, debian, windows, …, or _any)`,
    version: `add ${kv('version', '_any')} (or an exact version such as 2023, or a prefix such as 8.*)`,
    arch: `add ${kv('arch', 'x86_64')}, \`arm64\`, \`386\` or \`_any\``,
  };
}

function emptyHints(format: 'yaml' | 'json'): Record<string, string> {
  return {
    payloads: 'declare at least one payload (one ZIP)',
    targets:
      format === 'json'
        ? 'list at least one `{ "platform": …, "version": …, "arch": … }`'
        : 'list at least one `{ platform, version, arch }`',
    platform: 'list at least one platform, e.g. amazon',
    version: 'list at least one version key, e.g. _any',
    arch: 'list at least one architecture, e.g. x86_64',
  };
}

// The shape the schema guarantees once it passed.
interface RawTarget {
  platform: string | string[];
  version: string | string[];
  arch: string | string[];
}
interface RawScope {
  severity: Severity | 'off';
  payloads?: string[];
  platforms?: string[];
}
type RawRuleEntry = Severity | 'off' | RawScope;
interface RawHost {
  platform: string;
  version: string;
  arch: string;
  label?: string;
}
interface RawPayload {
  path?: string;
  file?: string;
  exclude?: string[];
  targets: RawTarget[];
}
interface RawConfig {
  name?: string;
  version?: string;
  publisher?: string;
  description?: string;
  payloads: Record<string, RawPayload>;
  rules?: Record<string, RawRuleEntry | RawRuleEntry[]>;
  'preview-hosts'?: RawHost[];
}

/** From the validated tree to the typed config; two payloads with one ZIP name, or too many targets, go to `ds`. */
function toConfig(tree: SourceTree, display: string, ds: Diagnostic[]): PackageConfig {
  const raw = tree.value as RawConfig;
  const config: PackageConfig = { file: display, payloads: [], rules: {}, previewHosts: [] };
  if (raw.name !== undefined) config.name = { value: String(raw.name), loc: locAt(tree, '/name') };
  if (raw.version !== undefined)
    config.version = { value: String(raw.version), loc: locAt(tree, '/version') };
  if (raw.publisher !== undefined) config.publisher = String(raw.publisher);
  if (raw.description !== undefined) config.description = String(raw.description);
  config.previewHosts = previewHosts(tree, raw['preview-hosts'] ?? []);

  const budget = { total: 0 };
  const byFile = new Map<string, PayloadConfig>();
  for (const [key, p] of Object.entries(raw.payloads)) {
    const payload = toPayload(tree, key, p, budget);
    ds.push(
      ...excludeProblems(tree, key, payload.exclude),
      ...placeholderProblems(tree, payload, p.file !== undefined),
    );
    const other = byFile.get(payload.file);
    if (other) {
      ds.push(
        diag(
          'config-schema',
          payload.fileLoc,
          `Payloads \`${other.name}\` (line ${other.fileLoc.line ?? '?'}) and \`${key}\` both produce ${payload.file}; give one of them a different \`file\`.`,
        ),
      );
    }
    byFile.set(payload.file, payload);
    config.payloads.push(payload);
  }
  config.rules = ruleSettings(tree, raw.rules ?? {}, config.payloads, config.previewHosts, ds);
  if (budget.total > MAX_TARGETS) {
    ds.push(
      diag(
        'config-schema',
        locAt(tree, '/payloads', true),
        `The targets expand to ${budget.total} platform/version/arch combinations; a manifest holds at most 64 KB, so use _any or version prefixes such as 8.* instead of long lists.`,
      ),
    );
  }
  return config;
}

/** `rules:` as lists of entries; a scope naming no payload, or a platform no target has, goes to `ds`. */
function ruleSettings(
  tree: SourceTree,
  raw: Record<string, RawRuleEntry | RawRuleEntry[]>,
  payloads: readonly PayloadConfig[],
  hosts: readonly PreviewHost[],
  ds: Diagnostic[],
): RuleOverrides {
  // A name is a payload's key first, else a ZIP name as written, else a ZIP name without `.zip`.
  const names = new Map<string, Set<string>>();
  // A finding names its payload by key; a ZIP name that is another payload's key never stands for this one.
  const keys = new Set(payloads.map((p) => p.name));
  const forms = payloads.map((p) => [
    p.name,
    ...[p.file, p.file.replace(/\.zip$/i, '')].filter((n) => n === p.name || !keys.has(n)),
  ]);
  for (const form of [0, 1, 2])
    for (const f of forms) {
      const n = f[form];
      if (n !== undefined && !names.has(n)) names.set(n, new Set(f));
    }
  // A `preview-host-unserved` finding concerns its host's platform, which no target may have.
  const platforms = [
    ...new Set([
      ...payloads.flatMap((p) => p.targets.map((t) => t.platform)),
      ...hosts.map((h) => h.platform),
    ]),
  ];
  const platformSet = new Set(platforms);
  const nameList = [...names.keys()];
  // A hostile config may name thousands of unknown scopes against thousands of names: only the first few
  // get a did-you-mean (each costs one edit distance per name), and no message lists every platform.
  let suggestions = MAX_SCOPE_SUGGESTIONS;
  const unknown = (ptr: string, n: string, what: 'payload' | 'platform') =>
    unknownScope(tree, ptr, n, what, what === 'payload' ? nameList : platforms, suggestions-- > 0);
  const out: Record<string, RuleSetting[]> = {};
  for (const [rule, value] of Object.entries(raw)) {
    const rptr = `/rules/${escapePointer(rule)}`;
    const list = Array.isArray(value) ? value : [value];
    const settings = list.map((entry, i): RuleSetting => {
      const eptr = Array.isArray(value) ? `${rptr}/${i}` : rptr;
      const loc = locAt(tree, eptr, !Array.isArray(value));
      if (typeof entry === 'string') return { severity: entry, loc };
      const s: RuleSetting = { severity: entry.severity, loc };
      if (entry.payloads) {
        const set = new Set<string>();
        entry.payloads.forEach((n, j) => {
          const known = names.get(String(n));
          if (known) for (const k of known) set.add(k);
          else ds.push(unknown(`${eptr}/payloads/${j}`, String(n), 'payload'));
        });
        s.payloads = set;
      }
      if (entry.platforms) {
        entry.platforms.forEach((n, j) => {
          if (!platformSet.has(String(n))) ds.push(unknown(`${eptr}/platforms/${j}`, String(n), 'platform'));
        });
        s.platforms = new Set(entry.platforms.map(String));
      }
      return s;
    });
    ds.push(...deadEntries(tree, rptr, value, settings));
    setOwn(out, rule, settings);
  }
  return out;
}

/** Entries after one that matches every finding (a plain severity) can never apply: a warning at each. */
function deadEntries(
  tree: SourceTree,
  rptr: string,
  value: RawRuleEntry | RawRuleEntry[],
  settings: readonly RuleSetting[],
): Diagnostic[] {
  if (!Array.isArray(value)) return [];
  const all = settings.findIndex((x) => !x.payloads && !x.platforms);
  if (all < 0 || all === settings.length - 1) return [];
  const n = settings.length - all - 1;
  const d = diag(
    'config-schema',
    locAt(tree, `${rptr}/${all + 1}`),
    `${pathText(`${rptr}/${all + 1}`, tree.value)}: ${n === 1 ? 'this entry never applies' : `this entry and the ${n - 1} after it never apply`}: entry ${all + 1} (\`${settings[all]!.severity}\`) matches every finding first. Put the plain severity last.`,
  );
  return [{ ...d, severity: 'warning' }];
}

function unknownScope(
  tree: SourceTree,
  ptr: string,
  name: string,
  what: 'payload' | 'platform',
  known: readonly string[],
  suggest: boolean,
): Diagnostic {
  const guess = suggest ? didYouMean(name, known) : undefined;
  const listed = known.slice(0, MAX_KNOWN_LISTED).map((k) => `\`${k}\``);
  if (known.length > listed.length) listed.push(`${known.length - listed.length} more`);
  const where = pathText(ptr, tree.value);
  const message =
    what === 'payload'
      ? `${where}: there is no payload \`${name}\`${guess ? `; did you mean \`${guess}\`?` : '.'} Name a key under \`payloads\` (or its ZIP name).`
      : `${where}: no target or preview host has the platform \`${name}\`, so this entry would never apply${guess ? `; did you mean \`${guess}\`?` : '.'} Name a platform of the targets or preview hosts (${listed.join(', ')}).`;
  return diag('config-schema', locAt(tree, ptr), message);
}

/** The `preview-hosts:` entries; the label defaults to "platform version arch". */
function previewHosts(tree: SourceTree, raw: readonly RawHost[]): PreviewHost[] {
  return raw.map((h, i) => {
    const [platform, version, arch] = [String(h.platform), String(h.version), String(h.arch)];
    const label = h.label !== undefined ? String(h.label) : `${platform} ${version} ${arch}`;
    return { label, platform, version, arch, loc: locAt(tree, `/preview-hosts/${i}`) };
  });
}

/** `{…}` in a written `file:` other than `{version}` is config-schema at the `file:` line. */
function placeholderProblems(tree: SourceTree, p: PayloadConfig, written: boolean): Diagnostic[] {
  if (!written) return [];
  const out: Diagnostic[] = [];
  const where = pathText(`/payloads/${escapePointer(p.name)}/file`, tree.value);
  for (const m of p.file.matchAll(/\{([^{}]*)\}/g)) {
    if (m[0] === VERSION_PLACEHOLDER) continue;
    const guess = didYouMean(m[1]!, ['version']) ? `; did you mean \`${VERSION_PLACEHOLDER}\`?` : '.';
    const message = `${where}: unknown placeholder \`${m[0]}\`${guess} The only placeholder is \`${VERSION_PLACEHOLDER}\`, replaced by the package version.`;
    out.push(diag('config-schema', p.fileLoc, message));
  }
  return out;
}

/** Patterns that cannot be matched safely (too long, too many alternatives, extglobs) are config-schema errors. */
function excludeProblems(tree: SourceTree, key: string, exclude: readonly string[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  exclude.forEach((pattern, i) => {
    const why = patternProblem(pattern);
    const ptr = `/payloads/${escapePointer(key)}/exclude/${i}`;
    if (why) out.push(diag('config-schema', locAt(tree, ptr), `${pathText(ptr, tree.value)} ${why}.`));
  });
  return out;
}

function toPayload(tree: SourceTree, key: string, p: RawPayload, budget: { total: number }): PayloadConfig {
  const ptr = `/payloads/${escapePointer(key)}`;
  const loc = locAt(tree, ptr, true);
  const targets: Target[] = [];
  p.targets.forEach((t, i) => {
    const tptr = `${ptr}/targets/${i}`;
    const field = (name: keyof RawTarget) => {
      const v = t[name];
      return Array.isArray(v)
        ? v.map((x, j) => ({ value: String(x), loc: locAt(tree, `${tptr}/${name}/${j}`) }))
        : [{ value: String(v), loc: locAt(tree, `${tptr}/${name}`) }];
    };
    const [platforms, versions, arches] = [field('platform'), field('version'), field('arch')];
    budget.total += platforms.length * versions.length * arches.length;
    if (budget.total > MAX_TARGETS) return;
    const tloc = locAt(tree, tptr);
    for (const pl of platforms) {
      for (const ve of versions) {
        for (const ar of arches) {
          const fieldLocs = { platform: pl.loc, version: ve.loc, arch: ar.loc };
          targets.push({ platform: pl.value, version: ve.value, arch: ar.value, loc: tloc, fieldLocs });
        }
      }
    }
  });
  return {
    name: key,
    loc,
    path: p.path ?? key,
    pathLoc: p.path !== undefined ? locAt(tree, `${ptr}/path`) : loc,
    file: p.file ?? `${key}.zip`,
    versioned: p.file !== undefined && p.file.includes(VERSION_PLACEHOLDER),
    fileLoc: p.file !== undefined ? locAt(tree, `${ptr}/file`) : loc,
    exclude: p.exclude ? [...p.exclude] : [],
    targets,
  };
}
