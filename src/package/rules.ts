// The validation rules that look at the package as a whole: names, versions, targets, payload contents.
// (Config/manifest shape is checked by config.ts and manifest.ts, script text by scripts.ts.)
import { diag, type RuleId } from './catalogue.js';
import {
  classifyArch,
  classifyPlatform,
  classifyVersionKey,
  DOCUMENTED_PLATFORMS,
  isWindows,
} from './platforms.js';
import { checkPowerShellScript, checkShellScript } from './scripts.js';
import type { Diagnostic, Loc, PayloadContent, PayloadEntry, Target } from './types.js';

/** A value and where it was written (undefined when it came from an input or flag). */
export interface Located<T> {
  value: T;
  loc: Loc | undefined;
}

/** One ZIP of the package: built from a folder or taken prebuilt. */
export interface PayloadModel {
  /** Payload key (config) or ZIP name without extension (manifest). */
  name: string;
  /** ZIP file name in the manifest and in S3. */
  file: string;
  /** Where the payload was declared. */
  loc: Loc;
  fileLoc: Loc;
  targets: Target[];
  source: 'folder' | 'zip';
  /** Display path of the folder or ZIP. */
  display: string;
  /** Absolute path of the folder or ZIP. */
  abs: string;
  content?: PayloadContent;
}

export interface PackageModel {
  name: Located<string>;
  version?: Located<string>;
  payloads: PayloadModel[];
}

export const NAME_PATTERN = /^[a-zA-Z0-9_\-.]{3,128}$/;
export const VERSION_PATTERN = /^[a-zA-Z0-9_\-.]{1,128}$/;
export const FILE_PATTERN = NAME_PATTERN;
export const RESERVED_PREFIXES = ['aws', 'amazon', 'amzn', 'AWSEC2', 'AWSConfigRemediation', 'AWSSupport'];
const CONFIGURE_PACKAGE_NAME = /^[a-zA-Z][a-zA-Z0-9\-_]{0,39}$/;
export const MAX_FILES = 20;
export const MAX_FILE_BYTES = 1024 ** 3;

/** Packages AWS publishes through Distributor; a customer package of the same name is shadowed by them. */
export const AWS_PACKAGES = [
  'AmazonCloudWatchAgent',
  'AmazonEFSUtils',
  'AWSCodeDeployAgent',
  'AWSDistroOTel-Collector',
  'AWSEC2Launch-Agent',
  'AWSEFSTools',
  'AwsEnaNetworkDriver',
  'AWSKinesisTap',
  'AWSNitroEnclavesWindows',
  'AWSNVMe',
  'AWSPVDriver',
  'AwsVssComponents',
  'AmazonInspector2-InspectorSsmPlugin',
];

const ACTIONS = ['install', 'uninstall', 'update', 'validate'] as const;

export function checkName(name: Located<string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const n = name.value;
  if (!NAME_PATTERN.test(n)) {
    out.push(
      diag(
        'name-pattern',
        name.loc,
        `Package name "${n}" is not a valid SSM document name: use 3 to 128 letters, digits, "_", "-" or ".".`,
      ),
    );
    return out;
  }
  const reserved = RESERVED_PREFIXES.find((p) => n.startsWith(p));
  if (reserved) {
    out.push(
      diag(
        'name-reserved-prefix',
        name.loc,
        `Package name "${n}" starts with the reserved prefix "${reserved}"; SSM refuses it. Choose a name starting with your organisation, e.g. "Acme${n.slice(reserved.length)}".`,
      ),
    );
  }
  const aws = AWS_PACKAGES.find((p) => p.toLowerCase() === n.toLowerCase());
  if (aws) {
    out.push(
      diag(
        'name-aws-package',
        name.loc,
        `"${n}" is the name of a package AWS publishes (${aws}); AWS-ConfigureAWSPackage would install AWS's package instead of yours. Choose another name.`,
      ),
    );
  }
  if (!CONFIGURE_PACKAGE_NAME.test(n)) {
    out.push(
      diag(
        'name-configure-package',
        name.loc,
        `"${n}" does not match AWS-ConfigureAWSPackage's name pattern (a letter, then up to 39 letters, digits, "-" or "_"); installs will have to pass the document ARN. Prefer a name like "${
          n
            .replace(/[^a-zA-Z0-9\-_]/g, '-')
            .replace(/^[^a-zA-Z]+/, '')
            .slice(0, 40) || 'AcmeAgent'
        }".`,
      ),
    );
  }
  return out;
}

export function checkVersion(version: Located<string> | undefined, fallbackLoc: Loc): Diagnostic[] {
  if (!version || version.value === '') {
    return [
      diag(
        'version-missing',
        fallbackLoc,
        'No version: set the `version` input (or --version), push a tag like v1.2.3, or add `version:` to the config.',
      ),
    ];
  }
  const v = version.value;
  if (!VERSION_PATTERN.test(v)) {
    return [
      diag(
        'version-pattern',
        version.loc,
        `Version "${v}" is not a valid SSM version name: use 1 to 128 letters, digits, "_", "-" or "." (e.g. 1.2.3 or 1.2.3-rc.1).`,
      ),
    ];
  }
  if (v.toLowerCase() === 'latest') {
    return [
      diag(
        'version-latest',
        version.loc,
        'The version "latest" is reserved: the SSM Agent treats it as "the default version". Use a real version number.',
      ),
    ];
  }
  return [];
}

export function checkTargets(payloads: readonly PayloadModel[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, { payload: PayloadModel; target: Target }>();
  const reported = new Set<string>();
  const once = (key: string, d: Diagnostic) => {
    if (reported.has(key)) return;
    reported.add(key);
    out.push(d);
  };
  for (const payload of payloads) {
    for (const t of payload.targets) {
      const pv = classifyPlatform(t.platform);
      const pLoc = t.fieldLocs.platform;
      const at = `${pLoc.file}:${pLoc.line}:${pLoc.column}`;
      if (pv.kind === 'unknown') {
        const hint = pv.reason
          ? `: ${pv.reason}.`
          : pv.suggestion
            ? `; did you mean "${pv.suggestion}"?`
            : `. Use one of: ${DOCUMENTED_PLATFORMS.join(', ')}, or _any.`;
        once(
          `p${at}`,
          diag('platform-unknown', pLoc, `No SSM Agent reports the platform "${t.platform}"${hint}`),
        );
      } else if (pv.kind === 'undocumented') {
        once(
          `p${at}`,
          diag(
            'platform-undocumented',
            pLoc,
            `The agent reports "${t.platform}" (from /etc/os-release), but Distributor does not document support for it; test an install on such a host.`,
          ),
        );
      }
      const av = classifyArch(t.arch);
      const aLoc = t.fieldLocs.arch;
      if (!av.ok) {
        once(
          `a${aLoc.file}:${aLoc.line}:${aLoc.column}:${t.arch}`,
          diag(
            'arch-unknown',
            aLoc,
            `No SSM Agent reports the architecture "${t.arch}"${av.suggestion ? `; did you mean "${av.suggestion}"?` : '. Use x86_64, arm64, 386 or _any.'}`,
          ),
        );
      }
      const vLoc = t.fieldLocs.version;
      // A misspelt platform (rhel) is checked as the platform it stands for (redhat).
      const meant = pv.kind === 'unknown' && pv.suggestion ? pv.suggestion : t.platform;
      const vv = classifyVersionKey(meant, t.version);
      const vKey = `v${vLoc.file}:${vLoc.line}:${vLoc.column}:${t.version}`;
      if (vv.kind === 'form') {
        once(
          vKey,
          diag(
            'version-key-form',
            vLoc,
            `"${t.version}" is not a version key the agent understands${vv.suggestion ? `; did you mean "${vv.suggestion}"?` : ': use _any, *, an exact version, or a prefix ending in .* (e.g. 8.*).'}`,
          ),
        );
      } else if (vv.kind === 'unreported') {
        once(
          vKey,
          diag(
            'version-key-unreported',
            vLoc,
            `No ${meant} host reports the version "${t.version}" (they report e.g. ${vv.examples}), and an exact key matches only an identical version${vv.suggestion ? `; did you mean "${vv.suggestion}"?` : '.'}`,
          ),
        );
      }
      const key = `${t.platform}\u0000${t.version}\u0000${t.arch}`;
      const prev = seen.get(key);
      if (prev && prev.payload.file !== payload.file) {
        out.push(
          diag(
            'target-conflict',
            t.loc,
            `${t.platform} ${t.version} ${t.arch} is mapped to both ${prev.payload.file} (${prev.target.loc.file}:${prev.target.loc.line ?? '?'}) and ${payload.file}; each host can get only one file. Remove one of the two targets.`,
          ),
        );
      } else if (!prev) {
        seen.set(key, { payload, target: t });
      }
    }
  }
  return out;
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/** Checks one payload's files and scripts. */
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
  const families = new Set(
    p.targets.map((t) => (t.platform === '_any' ? 'any' : isWindows(t.platform) ? 'windows' : 'sh')),
  );
  if (families.has('windows') && families.has('sh')) {
    const win = p.targets.find((t) => isWindows(t.platform))!;
    const other = p.targets.find((t) => t.platform !== '_any' && !isWindows(t.platform))!;
    out.push(
      diag(
        'script-mixed-platforms',
        p.loc,
        `${p.file} is mapped to windows (${win.loc.file}:${win.loc.line ?? '?'}) and to ${other.platform} (${other.loc.file}:${other.loc.line ?? '?'}); Windows runs install.ps1 and the others run install.sh, and one ZIP cannot hold both. Split it into a Windows payload and a Linux payload.`,
      ),
    );
  }
  const root = new Map<string, PayloadEntry>();
  for (const e of files) if (!e.path.includes('/')) root.set(e.path, e);

  for (const action of ACTIONS) {
    const sh = root.get(`${action}.sh`);
    const ps1 = root.get(`${action}.ps1`);
    if (sh && ps1) {
      out.push(
        diag(
          'script-duplicate',
          { file: ps1.display },
          `Payload "${p.name}" has both ${action}.sh and ${action}.ps1; the agent fails with "${action} has more than one implementation". Keep the one for the platform this ZIP targets.`,
        ),
      );
    }
  }

  // Which script family must be present?
  const wanted: ('sh' | 'ps1')[] = families.has('windows') ? ['ps1'] : families.has('sh') ? ['sh'] : [];
  const complete = (ext: string) => root.has(`install.${ext}`) && root.has(`uninstall.${ext}`);
  const expected: 'sh' | 'ps1' | undefined =
    wanted[0] ?? (complete('ps1') && !complete('sh') ? 'ps1' : complete('sh') ? 'sh' : undefined);
  for (const action of ['install', 'uninstall'] as const) {
    const exts = expected ? [expected] : (['sh', 'ps1'] as const);
    if (exts.some((x) => root.has(`${action}.${x}`))) continue;
    const nested = files.find((e) => {
      const parts = e.path.split('/');
      return parts.length === 2 && exts.some((x) => parts[1] === `${action}.${x}`);
    });
    if (nested) {
      out.push(
        diag(
          'script-nested',
          { file: nested.display },
          `${action} script is in the subfolder "${nested.path.split('/')[0]}/", not at the root of ${p.file}; the agent reports "package is missing install action". Move the folder's contents up one level${p.source === 'zip' ? ' (zip the folder contents, not the folder)' : ''}.`,
        ),
      );
      continue;
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
    out.push(
      diag(
        'script-missing',
        { file: p.display },
        `Payload "${p.name}" has no ${name} at its root; ${why} ${name}.${hint}`,
      ),
    );
  }

  // Script contents.
  const actionScripts = new Set(ACTIONS.flatMap((a) => [`${a}.sh`, `${a}.ps1`]));
  for (const e of files) {
    const lower = e.path.toLowerCase();
    const isSh = lower.endsWith('.sh');
    const isPs1 = lower.endsWith('.ps1');
    if (!isSh && !isPs1) continue;
    if (e.size > 4 * 1024 * 1024) continue; // not a script anyone writes by hand
    let bytes: Buffer;
    try {
      bytes = await content.read(e.path);
    } catch (err) {
      out.push(
        diag(
          'file-unreadable',
          { file: e.display },
          `Cannot read: ${err instanceof Error ? err.message : String(err)}.`,
        ),
      );
      continue;
    }
    if (isSh) {
      const found = checkShellScript(bytes, e.display);
      // Bash-only syntax matters where the agent runs the script with sh; helper scripts may be run with bash.
      out.push(...(actionScripts.has(e.path) ? found : found.filter((d) => d.rule === 'sh-crlf')));
    } else {
      out.push(...checkPowerShellScript(bytes, e.display));
    }
  }

  if (families.has('windows')) {
    for (const e of content.entries) {
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

/** Applies `rules:` severity overrides from the config. */
export function applyOverrides(
  ds: readonly Diagnostic[],
  overrides: Readonly<Record<string, string>> | undefined,
): Diagnostic[] {
  if (!overrides) return [...ds];
  const out: Diagnostic[] = [];
  for (const d of ds) {
    const o = overrides[d.rule];
    if (o === 'off') continue;
    out.push(o === 'error' || o === 'warning' || o === 'notice' ? { ...d, severity: o } : d);
  }
  return out;
}

export type { RuleId };
