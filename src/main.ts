// run(): inputs → mode → outputs + summary. The only module that knows about GitHub.
import path from 'node:path';
import * as core from '@actions/core';
import { type CommonOptions, InputError, parseCommon } from './inputs.js';
import { type BuildResult, buildPackage, UsageError } from './package/build.js';
import { previewText } from './package/hosts.js';
import { artifactNameProblem, defaultArtifactName, uploadArtifact } from './report/artifact.js';
import { annotationProps, countBySeverity, plural } from './report/diagnostics.js';
import { validateSummary } from './report/summary.js';

export async function run(): Promise<void> {
  try {
    const common = parseCommon((n) => core.getInput(n), process.env);
    if (common.artifactName) {
      const problem = artifactNameProblem(common.artifactName);
      if (problem) throw new InputError([`\`artifact-name\`: ${problem}`]);
    }
    if (common.mode !== 'validate') {
      throw new InputError([
        `\`mode: ${common.mode}\` is not available in this version; use \`mode: validate\`.`,
      ]);
    }
    const result = await buildStep(common);
    if (!result.ok) {
      await core.summary.addRaw(validateSummary(result)).write();
      const c = countBySeverity(result.diagnostics);
      core.setFailed(
        `${plural(c.errors, 'error')} in ${common.packageDir}; see the annotations and the job summary.`,
      );
      return;
    }
    const artifactLine = common.uploadArtifact ? await artifactStep(common, result) : undefined;
    if (artifactLine === false) return;
    await core.summary.addRaw(validateSummary(result, artifactLine)).write();
    const c = countBySeverity(result.diagnostics);
    if (common.failOnWarnings && c.warnings > 0) {
      core.setFailed(
        `${plural(c.warnings, 'warning')} in ${common.packageDir}, and fail-on-warnings is set.`,
      );
    }
  } catch (e) {
    if (e instanceof InputError || e instanceof UsageError) {
      core.setFailed(e.message);
    } else {
      const err = e instanceof Error ? e : new Error(String(e));
      if (err.stack) core.debug(err.stack);
      core.setFailed(`Unexpected failure: ${err.message}`);
    }
  }
}

async function buildStep(opts: CommonOptions): Promise<BuildResult> {
  const result = await core.group(`Validate and build ${opts.packageDir}`, async () => {
    const r = await buildPackage({
      packageDir: opts.packageDir,
      outputDir: opts.outputDir,
      name: opts.name,
      version: opts.version,
    });
    report(r);
    return r;
  });
  const counts = countBySeverity(result.diagnostics);
  core.setOutput('package-name', result.name ?? '');
  core.setOutput('version', result.version ?? '');
  core.setOutput('errors', String(counts.errors));
  core.setOutput('warnings', String(counts.warnings));
  core.setOutput('output-dir', result.outputDir ?? '');
  core.setOutput('manifest-path', result.manifestPath ?? '');
  core.setOutput('manifest-sha256', result.manifestSha256 ?? '');
  core.setOutput(
    'files',
    JSON.stringify(result.files.map((f) => ({ name: f.name, size: f.size, sha256: f.sha256 }))),
  );
  return result;
}

/** Uploads the workflow artifact; returns the summary line, or false when the step failed. */
async function artifactStep(opts: CommonOptions, result: BuildResult): Promise<string | undefined | false> {
  const name =
    opts.artifactName ?? defaultArtifactName(result.name ?? 'package', result.version ?? '0', process.env);
  const files = [...result.files.map((f) => f.path), result.manifestPath!];
  let outcome: Awaited<ReturnType<typeof uploadArtifact>>;
  try {
    outcome = await uploadArtifact(
      name,
      files,
      result.outputDir!,
      opts.retentionDays ? { retentionDays: opts.retentionDays } : {},
    );
  } catch (e) {
    // The build itself succeeded and stays in output-dir; say so with the upload problem.
    await core.summary.addRaw(validateSummary(result)).write();
    core.setFailed(
      `${e instanceof Error ? e.message : String(e)} (the build succeeded: ${result.outputDir})`,
    );
    return false;
  }
  if (outcome.status === 'uploaded') {
    core.info(`Uploaded artifact "${name}" (${outcome.size ?? 0} bytes).`);
    core.setOutput('artifact-name', name);
    if (outcome.id !== undefined) core.setOutput('artifact-id', String(outcome.id));
    return `📦 Artifact **${name}** holds the ZIPs and manifest.json.`;
  }
  if (outcome.status === 'exists') {
    core.warning(outcome.reason ?? `Artifact "${name}" already exists.`);
    core.setOutput('artifact-name', name);
    return `📦 Artifact **${name}** was already uploaded by this run.`;
  }
  core.info(outcome.reason ?? 'Artifact upload skipped.');
  return undefined;
}

function report(r: BuildResult): void {
  for (const d of r.diagnostics) {
    const props = annotationProps(d);
    if (d.severity === 'error') core.error(d.message, props);
    else if (d.severity === 'warning') core.warning(d.message, props);
    else core.notice(d.message, props);
  }
  if (r.preview.length > 0) core.info(`Which ZIP each host gets:\n${previewText(r.preview)}`);
  for (const f of r.files) core.info(`${f.name}  ${f.size} bytes  sha256 ${f.sha256}`);
  if (r.manifestPath)
    core.info(`Wrote ${path.relative(process.cwd(), r.manifestPath)} (sha256 ${r.manifestSha256}).`);
}
