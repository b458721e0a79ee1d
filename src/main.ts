// run(): inputs → mode → outputs + summary. The only module that knows about GitHub.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import pkg from '../package.json' with { type: 'json' };
import type { PublishResult } from './aws/publish.js';
import { type CommonOptions, InputError, type PublishInputs, parseAll } from './inputs.js';
import { type BuildResult, buildPackage, UsageError } from './package/build.js';
import { previewText } from './package/hosts.js';
import { artifactNameProblem, defaultArtifactName, uploadArtifact } from './report/artifact.js';
import { annotationProps, countBySeverity, plural } from './report/diagnostics.js';
import { publishSummary, validateSummary } from './report/summary.js';

export async function run(): Promise<void> {
  const started = Date.now();
  try {
    const { common, publish } = parseAll((n) => core.getInput(n), process.env);
    if (common.artifactName) {
      const problem = artifactNameProblem(common.artifactName);
      if (problem) throw new InputError([`\`artifact-name\`: ${problem}`]);
    }
    if (common.mode === 'promote') {
      throw new InputError(['`mode: promote` is not available in this version; use validate or publish.']);
    }
    const result = await buildStep(common);
    if (!result.ok) {
      await core.summary.addRaw(validateSummary(result)).write();
      const c = countBySeverity(result.diagnostics);
      core.setFailed(
        `${plural(c.errors, 'error')} in ${common.packageDir}; see the annotations and the job summary.${publish ? ' Nothing was uploaded or published.' : ''}`,
      );
      return;
    }
    const artifactLine = common.uploadArtifact ? await artifactStep(common, result) : undefined;
    if (artifactLine === false) return;
    const warnings = countBySeverity(result.diagnostics).warnings;
    if (common.failOnWarnings && warnings > 0) {
      await core.summary.addRaw(validateSummary(result, artifactLine)).write();
      core.setFailed(
        `${plural(warnings, 'warning')} in ${common.packageDir}, and fail-on-warnings is set.${publish ? ' Nothing was uploaded or published.' : ''}`,
      );
      return;
    }
    if (publish) {
      await publishStep(publish, result, started);
      return;
    }
    await core.summary.addRaw(validateSummary(result, artifactLine)).write();
  } catch (e) {
    if (
      e instanceof InputError ||
      e instanceof UsageError ||
      (e instanceof Error && e.name === 'PublishError')
    ) {
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

async function publishStep(p: PublishInputs, build: BuildResult, started: number): Promise<void> {
  const { publish } = await import('./aws/publish.js');
  const manifestBytes = readFileSync(build.manifestPath!);
  let result: PublishResult;
  try {
    result = await core.group(`Publish ${build.name} ${build.version} to ${p.region}`, () =>
      publish({
        name: build.name!,
        version: build.version!,
        files: build.files,
        manifestPath: build.manifestPath!,
        manifestBytes,
        bucket: p.bucket,
        prefix: p.prefix,
        region: p.region,
        setDefault: p.setDefault,
        onExistingVersion: p.onExistingVersion,
        tags: p.tags,
        waitTimeoutMs: p.waitTimeoutSeconds * 1000,
        maxPollDelayMs: 10_000,
        requestTimeoutMs: p.requestTimeoutSeconds * 1000,
        deadline: started + p.timeoutSeconds * 1000,
        actionVersion: pkg.version,
        env: process.env,
        log: (line) => core.info(line),
      }),
    );
  } catch (e) {
    await core.summary.addRaw(validateSummary(build)).write();
    throw e;
  }
  core.setOutput('document-name', result.documentName);
  core.setOutput('document-arn', result.documentArn);
  core.setOutput('document-version', result.documentVersion);
  core.setOutput('version-name', result.versionName);
  core.setOutput('default-version', result.defaultVersion);
  core.setOutput('status', result.status);
  core.setOutput('changed', String(result.changed));
  core.setOutput('s3-uri', result.s3Uri);
  core.info(
    result.changed
      ? `Published ${result.documentName} ${result.versionName} as document version ${result.documentVersion} (${result.status}).`
      : `${result.documentName} ${result.versionName} was already published as document version ${result.documentVersion}; nothing changed.`,
  );
  await core.summary.addRaw(publishSummary(build, result)).write();
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
