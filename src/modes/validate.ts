// mode: validate: build the package (no AWS), optionally upload the result as a workflow artifact.
// Also the first half of publish: `checkedBuild` refuses a package with errors (or with warnings
// under fail-on-warnings) before anything leaves the machine.
import { defaultArtifactName, uploadArtifact } from '../github/artifact.js';
import { type BuildRequest, buildPackage } from '../package/build.js';
import { failed, type ModeName, type Outcome } from './outcome.js';

export interface ArtifactRequest {
  /** Undefined: `<name>-<version>` (plus the run attempt). */
  name: string | undefined;
  /** Undefined: the repository's default. */
  retentionDays: number | undefined;
  env: Record<string, string | undefined>;
}

export interface ValidateOptions {
  build: BuildRequest;
  failOnWarnings: boolean;
  /** Undefined: no artifact. */
  artifact?: ArtifactRequest | undefined;
}

/** Builds and checks the package; the outcome fails when it has errors, or warnings with failOnWarnings. */
export async function checkedBuild(mode: ModeName, o: ValidateOptions): Promise<Outcome> {
  const out: Outcome = { mode, packageDir: o.build.packageDir };
  let build;
  try {
    build = await buildPackage(o.build);
  } catch (e) {
    return failed(out, 'build', e);
  }
  const withBuild: Outcome = { ...out, build };
  if (!build.ok) return { ...withBuild, failure: { type: 'problems', reason: 'errors' } };
  if (o.failOnWarnings && build.diagnostics.some((d) => d.severity === 'warning'))
    return { ...withBuild, failure: { type: 'problems', reason: 'warnings' } };
  if (!o.artifact || !build.output) return withBuild;
  const files = [...build.output.files.map((f) => f.path), build.output.manifestPath];
  const name = o.artifact.name ?? defaultArtifactName(build.name, build.version, o.artifact.env);
  try {
    const retention = o.artifact.retentionDays ? { retentionDays: o.artifact.retentionDays } : {};
    const artifact = await uploadArtifact(name, files, build.output.dir, retention);
    return { ...withBuild, artifact };
  } catch (e) {
    return failed(withBuild, 'artifact', e);
  }
}

export function validate(o: ValidateOptions): Promise<Outcome> {
  return checkedBuild('validate', o);
}
