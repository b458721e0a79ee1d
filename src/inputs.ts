// Action inputs → one typed, validated options object. All problems are reported together.

export const MODES = ['validate', 'publish', 'promote'] as const;
export type Mode = (typeof MODES)[number];

export interface CommonOptions {
  mode: Mode;
  packageDir: string;
  outputDir: string;
  name: string | undefined;
  /** The version and where it came from ("the `version` input", "the tag v1.2.3"). */
  version: { value: string; source: string } | undefined;
  uploadArtifact: boolean;
  artifactName: string | undefined;
  retentionDays: number | undefined;
  failOnWarnings: boolean;
}

export class InputError extends Error {
  override name = 'InputError';
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0]! : `Invalid inputs:\n- ${problems.join('\n- ')}`);
  }
}

export type GetInput = (name: string) => string;

/** Reads `v1.2.3` / `1.2.3` / `pkg/v1.2.3` from a pushed tag ref; undefined for branches. */
export function versionFromRef(ref: string | undefined): string | undefined {
  if (!ref?.startsWith('refs/tags/')) return undefined;
  const tag = ref.slice('refs/tags/'.length);
  const last = tag.slice(tag.lastIndexOf('/') + 1);
  return /^v\d/.test(last) ? last.slice(1) : last;
}

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

export function parseBool(name: string, raw: string, dflt: boolean, problems: string[]): boolean {
  if (raw === '') return dflt;
  if (TRUE.includes(raw)) return true;
  if (FALSE.includes(raw)) return false;
  problems.push(`\`${name}\` must be true or false, got "${raw}".`);
  return dflt;
}

export function parseCommon(get: GetInput, env: Record<string, string | undefined>): CommonOptions {
  const problems: string[] = [];
  const modeRaw = get('mode') || 'validate';
  const mode = (MODES as readonly string[]).includes(modeRaw) ? (modeRaw as Mode) : 'validate';
  if (!(MODES as readonly string[]).includes(modeRaw)) {
    problems.push(`\`mode\` must be one of ${MODES.join(', ')}; got "${modeRaw}".`);
  }
  const packageDir = get('package-dir') || '.';
  const outputDir = get('output-dir') || 'distributor-build';
  const name = get('name') || undefined;
  let version: CommonOptions['version'];
  const vIn = get('version');
  const fromTag = versionFromRef(env.GITHUB_REF);
  if (vIn) version = { value: vIn, source: 'the `version` input' };
  else if (fromTag)
    version = { value: fromTag, source: `the tag ${env.GITHUB_REF?.slice('refs/tags/'.length)}` };
  const uploadRaw = get('upload-artifact') || 'auto';
  let uploadArtifact = mode === 'validate';
  if (uploadRaw !== 'auto')
    uploadArtifact = parseBool('upload-artifact', uploadRaw, uploadArtifact, problems);
  const artifactName = get('artifact-name') || undefined;
  const retRaw = get('retention-days') || '0';
  let retentionDays: number | undefined;
  if (!/^\d+$/.test(retRaw) || Number(retRaw) > 90) {
    problems.push(
      `\`retention-days\` must be a whole number of days from 1 to 90 (0 = the repository's default); got "${retRaw}".`,
    );
  } else if (Number(retRaw) > 0) retentionDays = Number(retRaw);
  const failOnWarnings = parseBool('fail-on-warnings', get('fail-on-warnings'), false, problems);
  if (problems.length > 0) throw new InputError(problems);
  return {
    mode,
    packageDir,
    outputDir,
    name,
    version,
    uploadArtifact,
    artifactName,
    retentionDays,
    failOnWarnings,
  };
}
