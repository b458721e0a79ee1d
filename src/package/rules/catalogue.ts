// The validation rule catalogue: stable ids, default severities and what each rule protects against.
// README.md lists this table (a test keeps them in step); every rule has a test with a package that breaks it.
// The checks live with their subject: the readers (config.ts, manifest/, layout.ts, zip/read.ts) and the
// rule families in this folder (names, targets, payload, scripts).
import type { Diagnostic, Loc, Severity } from '../types.js';

export interface RuleInfo {
  severity: Severity;
  /** One line: what the rule checks and why it matters on AWS or on the host. */
  summary: string;
  /**
   * False for the rules that protect the filesystem and the output, and those without which nothing can be
   * built: `rules:` in the config cannot change them (it gets rule-fixed instead).
   */
  overridable?: false;
}

export const RULES = {
  // --- package config (distributor.yaml / distributor.json)
  'config-missing': {
    severity: 'error',
    overridable: false,
    summary: 'The package folder has neither distributor.yaml/json nor manifest.json.',
  },
  'config-ambiguous': {
    severity: 'error',
    summary: 'More than one of distributor.yaml, distributor.yml and distributor.json is present.',
  },
  'config-syntax': {
    severity: 'error',
    overridable: false,
    summary: 'The config file is not valid YAML/JSON.',
  },
  'config-schema': {
    severity: 'error',
    summary: 'The config does not match schema/distributor.schema.json (missing or mistyped field).',
  },
  'config-too-large': {
    severity: 'error',
    overridable: false,
    summary: 'The config file is over 1 MiB; it is not read.',
  },
  'rule-fixed': {
    severity: 'warning',
    summary:
      '`rules:` tries to change a rule that protects the filesystem or the output; that entry is ignored.',
  },
  // --- names and versions
  'name-pattern': {
    severity: 'error',
    summary: 'Package (document) name must match ^[a-zA-Z0-9_\\-.]{3,128}$ (SSM DocumentName).',
  },
  'name-reserved-prefix': {
    severity: 'error',
    overridable: false,
    summary:
      'Document names may not start with aws, amazon, amzn, AWSEC2, AWSConfigRemediation or AWSSupport.',
  },
  'name-reserved-case': {
    severity: 'warning',
    summary:
      'The name starts with a reserved prefix in another case (`Aws-`, `AMAZON`, ...); SSM may refuse it, and it reads as an AWS document.',
  },
  'name-configure-package': {
    severity: 'warning',
    summary:
      'AWS-ConfigureAWSPackage accepts names matching ^[a-zA-Z][a-zA-Z0-9\\-_]{0,39}$ only; other names need the document ARN.',
  },
  'name-aws-package': {
    severity: 'warning',
    summary: 'The name equals a package AWS publishes; the agent installs the AWS package instead of yours.',
  },
  'version-missing': {
    severity: 'error',
    overridable: false,
    summary:
      'No version: none was given to the build, and the config (or the prebuilt manifest.json) sets none.',
  },
  'version-pattern': {
    severity: 'error',
    summary: 'Version must match ^[a-zA-Z0-9_\\-.]{1,128}$ (SSM VersionName and manifest version).',
  },
  'version-latest': {
    severity: 'error',
    summary: 'The version `latest` is reserved: the agent maps it to the default version.',
  },
  'version-mismatch': {
    severity: 'error',
    summary: 'A prebuilt manifest.json carries a different version than the one requested.',
  },
  // --- targets (platform / version key / arch)
  'platform-unknown': {
    severity: 'error',
    summary:
      'Platform is not a name the SSM Agent reports (e.g. rhel is reported as redhat, amzn as amazon).',
  },
  'platform-undocumented': {
    severity: 'warning',
    summary: 'The agent reports this platform, but Distributor does not document support for it.',
  },
  'arch-unknown': {
    severity: 'error',
    summary:
      'Architecture must be x86_64, arm64, 386, arm or _any (the agent never reports amd64, aarch64, i386).',
  },
  'any-keyword-case': {
    severity: 'error',
    summary:
      'A platform, version or architecture key `_ANY` (any case but `_any`): the keyword is case-sensitive, so the key matches no host.',
  },
  'version-key-form': {
    severity: 'error',
    summary: 'Platform version key must be _any, *, an exact version, or a prefix ending in .* (e.g. 8.*).',
  },
  'version-key-unreported': {
    severity: 'warning',
    summary: 'An exact version key that no host of that platform reports (e.g. redhat 8: hosts report 8.6).',
  },
  'version-key-shadowed': {
    severity: 'warning',
    summary:
      'A more specific key (exact version, or the platform itself) hides a broader one that has architectures it lacks; the agent does not backtrack, so those hosts get nothing.',
  },
  'target-conflict': {
    severity: 'error',
    summary: 'The same platform/version/arch is mapped to two different files.',
  },
  // --- payloads and files
  'payload-missing': {
    severity: 'error',
    overridable: false,
    summary: 'A payload folder named in the config does not exist (or is a file).',
  },
  'payload-empty': {
    severity: 'error',
    summary: 'A payload has no files (the agent reports "Package is incomplete").',
  },
  'payload-unused': {
    severity: 'warning',
    summary: 'A folder with install scripts is not declared as a payload, so it is never shipped.',
  },
  'file-name-pattern': {
    severity: 'error',
    overridable: false,
    summary: 'ZIP file names must match ^[a-zA-Z0-9_\\-.]{3,128}$ (SSM AttachmentName; no spaces).',
  },
  'file-name-reserved': {
    severity: 'error',
    overridable: false,
    summary: 'A ZIP is named manifest.json or .distributor-build (any case), which the build writes itself.',
  },
  'file-count': {
    severity: 'error',
    summary: 'A package version can attach at most 20 files.',
  },
  'file-size': {
    severity: 'error',
    summary: 'Each attached file must be at most 1 GB.',
  },
  'file-unreadable': {
    severity: 'error',
    overridable: false,
    summary: 'A file of the package (the config, a payload file or folder) cannot be read.',
  },
  'path-unsafe': {
    severity: 'error',
    overridable: false,
    summary:
      'An entry path is absolute, contains .., a backslash, a control character or invalid UTF-8 (zip-slip).',
  },
  'path-outside-package': {
    severity: 'error',
    overridable: false,
    summary:
      'A path the config or manifest.json names, or a top-level file or folder, is absolute, has .. or a backslash, or resolves outside the package folder; it is not opened.',
  },
  'path-windows-unsafe': {
    severity: 'warning',
    summary:
      'A path in a Windows payload uses a character or name Windows cannot create (< > : " | ? *, CON, trailing dot).',
  },
  'name-case-collision': {
    severity: 'error',
    summary: 'Two entries of a ZIP for Windows differ only in case; Windows extracts one over the other.',
  },
  'symlink-escape': {
    severity: 'error',
    overridable: false,
    summary: 'A symlink points outside the package folder.',
  },
  symlink: {
    severity: 'warning',
    summary:
      'A symlink inside the package is stored as a copy of its target (the agent cannot restore links).',
  },
  'special-file': {
    severity: 'error',
    overridable: false,
    summary: 'A FIFO, socket or device file (or a symlink to one) cannot be packaged; it is never opened.',
  },
  'tree-too-deep': {
    severity: 'error',
    overridable: false,
    summary: 'A payload folder nests more than 256 levels below the package folder.',
  },
  'zip-entry-limit': {
    severity: 'error',
    overridable: false,
    summary:
      'A ZIP would hold more than 65,535 entries, a file of 4 GiB or more or a name over 65,535 bytes (no ZIP64 is written), or a prebuilt ZIP holds more than 65,535 entries.',
  },
  // --- scripts (what the agent runs)
  'script-missing': {
    severity: 'error',
    summary:
      'install and uninstall scripts must be at the payload root: .ps1 for windows targets, .sh for every other platform.',
  },
  'script-nested': {
    severity: 'error',
    summary:
      'Install scripts are one folder down, not at the ZIP root ("package is missing install action").',
  },
  'script-duplicate': {
    severity: 'error',
    summary: 'An action has both a .sh and a .ps1 script ("has more than one implementation").',
  },
  'script-mixed-platforms': {
    severity: 'error',
    summary: 'One ZIP is mapped to Windows and to other platforms: it would need both .sh and .ps1 scripts.',
  },
  'script-kind-mismatch': {
    severity: 'warning',
    summary:
      'Platform `_any` sends a ZIP to hosts that run the other script kind (a shell-only ZIP to Windows, a .ps1-only ZIP to Linux).',
  },
  'sh-crlf': {
    severity: 'error',
    summary: 'A .sh script has CRLF line endings; `sh install.sh` fails with "$\'\\r\': command not found".',
  },
  'sh-bashism': {
    severity: 'error',
    summary:
      'A .sh action script uses bash-only syntax; the agent runs `sh install.sh`, which is dash on Debian and Ubuntu (a notice when only platforms whose /bin/sh is bash get the ZIP).',
  },
  'sh-pipefail': {
    severity: 'warning',
    summary:
      '`set -o pipefail` is not supported by older dash (Ubuntu 20.04, Debian 11) and aborts the script there (a notice when only bash-as-sh platforms get the ZIP).',
  },
  'ps1-bom': {
    severity: 'error',
    summary:
      'A .ps1 script has non-ASCII text but no UTF-8 BOM; Windows PowerShell 5.1 reads it as ANSI (a warning when the text is only in comments).',
  },
  'installer-arch': {
    severity: 'warning',
    summary:
      'An installer (RPM, .deb, MSI/EXE) built for one architecture is in a ZIP mapped to hosts of another.',
  },
  // --- manifest.json (hand-written or prebuilt)
  'manifest-syntax': {
    severity: 'error',
    overridable: false,
    summary: 'manifest.json is not valid JSON.',
  },
  'manifest-bom': {
    severity: 'error',
    summary: 'manifest.json starts with a byte-order mark.',
  },
  'manifest-trailing': {
    severity: 'error',
    summary: 'manifest.json has content after the JSON object.',
  },
  'manifest-duplicate-key': {
    severity: 'error',
    summary: 'manifest.json repeats a key; the agent silently keeps the last one.',
  },
  'manifest-schema': {
    severity: 'error',
    summary:
      'manifest.json does not match the Distributor manifest format (schemaVersion 2.0, packages, files).',
  },
  'manifest-unknown-key': {
    severity: 'warning',
    summary: 'manifest.json has a top-level key the format does not define; SSM and the agent ignore it.',
  },
  'manifest-size': {
    severity: 'error',
    summary: 'The manifest (document content) must be at most 64 KB.',
  },
  'manifest-too-large': {
    severity: 'error',
    overridable: false,
    summary: 'manifest.json is over 1 MiB; it is not read.',
  },
  'checksum-format': {
    severity: 'error',
    summary: 'A sha256 checksum is not 64 hexadecimal characters.',
  },
  'checksum-mismatch': {
    severity: 'error',
    summary:
      'A prebuilt ZIP does not match the sha256 in manifest.json; the agent refuses it at install time.',
  },
  'checksum-recomputed': {
    severity: 'notice',
    summary:
      'A hand-written checksum was stale (the built ZIP’s replaced it), or a hand-written `size` of a ZIP built from a folder was left out (checksums and sizes are never trusted).',
  },
  'file-unreferenced': {
    severity: 'warning',
    summary: 'A file listed in manifest.json `files` is never referenced from `packages`.',
  },
  'file-unlisted': {
    severity: 'error',
    summary: 'A file referenced from `packages` is not listed in `files`.',
  },
  'file-missing': {
    severity: 'error',
    summary: 'A file listed in manifest.json exists neither as a ZIP nor as a folder to build it from.',
  },
  'file-size-mismatch': {
    severity: 'error',
    summary: 'A `size` in a manifest `files` entry differs from the size of the prebuilt ZIP.',
  },
  'preview-host-unserved': {
    severity: 'warning',
    summary: 'A host listed under `preview-hosts:` in the config gets no ZIP from the package.',
  },
  'zip-invalid': {
    severity: 'error',
    overridable: false,
    summary: 'A prebuilt ZIP cannot be read.',
  },
  'zip-symlink': {
    severity: 'error',
    summary:
      'A prebuilt ZIP holds a symlink entry; the agent extracts it as a text file holding the link target.',
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

/** The catalogue as [id, info] rows, in catalogue order. */
export function ruleList(): [RuleId, RuleInfo][] {
  return Object.entries(RULES as Record<string, RuleInfo>) as [RuleId, RuleInfo][];
}

/** Whether `rules:` in the config can change a rule's severity. */
export function isOverridable(rule: string): boolean {
  return Object.hasOwn(RULES, rule) && (RULES as Record<string, RuleInfo>)[rule]!.overridable !== false;
}

/** Builds a diagnostic for a rule at a location; the severity comes from the catalogue. */
export function diag(rule: RuleId, loc: Loc | undefined, message: string): Diagnostic {
  const d: Diagnostic = { rule, severity: RULES[rule].severity, message };
  if (loc) {
    d.file = loc.file;
    if (loc.line !== undefined) d.line = loc.line;
    if (loc.column !== undefined) d.column = loc.column;
  }
  return d;
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');

/**
 * Sorts diagnostics by file, then line, then column (in place; the order of equals is kept): the order of the
 * readers' own findings. A build's findings are grouped and ordered by importance instead (group.ts).
 */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) => {
    const fa = a.file ?? '';
    const fb = b.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
  });
}
