// Rules for the package name (the SSM document name) and the version (VersionName and the manifest's).
import type { Diagnostic, Loc, Setting } from '../types.js';
import { diag, type RuleId } from './catalogue.js';

export const NAME_PATTERN = /^[a-zA-Z0-9_\-.]{3,128}$/;
export const VERSION_PATTERN = /^[a-zA-Z0-9_\-.]{1,128}$/;
/** The document-name prefixes SSM reserves, spelt as CreateDocument's documentation spells them. */
export const RESERVED_PREFIXES = ['aws', 'amazon', 'amzn', 'AWSEC2', 'AWSConfigRemediation', 'AWSSupport'];

/**
 * The reserved prefix a name starts with: `exact` when in the documented spelling (SSM refuses it),
 * otherwise in another case (whether SSM matches case-insensitively is not documented; some
 * implementations do). The documented spelling wins when both apply (`AWSSupportX`, `awsAgent`).
 */
export function reservedPrefix(name: string): { prefix: string; exact: boolean } | undefined {
  const exact = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (exact) return { prefix: exact, exact: true };
  const lower = name.toLowerCase();
  // The longest match names the prefix best (`AwsSupportX` is about AWSSupport, not aws).
  const other = [...RESERVED_PREFIXES]
    .sort((x, y) => y.length - x.length)
    .find((p) => lower.startsWith(p.toLowerCase()));
  return other ? { prefix: other, exact: false } : undefined;
}
const CONFIGURE_PACKAGE_NAME = /^[a-zA-Z][a-zA-Z0-9\-_]{0,39}$/;

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

/** A problem with a setting: at the place it was written, or saying where the caller took it from. */
function about(rule: RuleId, setting: Setting, message: string): Diagnostic {
  return setting.loc
    ? diag(rule, setting.loc, message)
    : diag(rule, undefined, `${message} (from ${setting.source})`);
}

export function checkName(name: Setting): Diagnostic[] {
  const n = name.value;
  if (!NAME_PATTERN.test(n)) {
    return [
      about(
        'name-pattern',
        name,
        `Package name "${n}" is not a valid SSM document name: use 3 to 128 letters, digits, "_", "-" or ".".`,
      ),
    ];
  }
  const out: Diagnostic[] = [];
  const reserved = reservedPrefix(n);
  if (reserved) {
    const start = n.slice(0, reserved.prefix.length);
    const rest = n.slice(reserved.prefix.length).replace(/^[-_.]+/, '');
    const better = /^acme/i.test(rest) ? rest : `Acme${rest || 'Agent'}`;
    out.push(
      reserved.exact
        ? about(
            'name-reserved-prefix',
            name,
            `Package name "${n}" starts with the reserved prefix "${reserved.prefix}"; SSM refuses it. Choose a name starting with your organisation, e.g. "${better}".`,
          )
        : about(
            'name-reserved-case',
            name,
            `Package name "${n}" starts with "${start}", the reserved prefix "${reserved.prefix}" in another case; SSM may refuse it, and it reads as a document published by AWS. Choose a name starting with your organisation, e.g. "${better}".`,
          ),
    );
  }
  const aws = AWS_PACKAGES.find((p) => p.toLowerCase() === n.toLowerCase());
  if (aws) {
    out.push(
      about(
        'name-aws-package',
        name,
        `"${n}" is the name of a package AWS publishes (${aws}); AWS-ConfigureAWSPackage would install AWS's package instead of yours. Choose another name.`,
      ),
    );
  }
  if (!CONFIGURE_PACKAGE_NAME.test(n)) {
    const better =
      n
        .replace(/[^a-zA-Z0-9\-_]/g, '-')
        .replace(/^[^a-zA-Z]+/, '')
        .slice(0, 40) || 'AcmeAgent';
    out.push(
      about(
        'name-configure-package',
        name,
        `"${n}" does not match AWS-ConfigureAWSPackage's name pattern (a letter, then up to 39 letters, digits, "-" or "_"); installs will have to pass the document ARN. Prefer a name like "${better}".`,
      ),
    );
  }
  return out;
}

/** The rules a version given at all can break; the first that applies is reported. */
const VERSION_RULES: { rule: RuleId; breaks: (v: string) => boolean; message: (v: string) => string }[] = [
  {
    rule: 'version-pattern',
    breaks: (v) => !VERSION_PATTERN.test(v),
    message: (v) =>
      `Version "${v}" is not a valid SSM version name: use 1 to 128 letters, digits, "_", "-" or "." (e.g. 1.2.3 or 1.2.3-rc.1).`,
  },
  {
    rule: 'version-latest',
    breaks: (v) => v.toLowerCase() === 'latest',
    message: () =>
      'The version "latest" is reserved: the SSM Agent treats it as "the default version". Use a real version number.',
  },
];

/**
 * Checks the decided version. Without one, `version-missing` is reported at `fallbackLoc` (the config or
 * manifest); `howToSet` is the caller's advice on giving a version, e.g. "push a tag like v1.2.3".
 */
export function checkVersion(
  version: Setting | undefined,
  fallbackLoc: Loc,
  howToSet?: string,
): Diagnostic[] {
  if (!version || version.value === '') {
    const given = howToSet ? `${howToSet}, or ` : '';
    return [diag('version-missing', fallbackLoc, `No version: ${given}add \`version:\` to the config.`)];
  }
  const v = version.value;
  const broken = VERSION_RULES.find((r) => r.breaks(v));
  return broken ? [about(broken.rule, version, broken.message(v))] : [];
}
