// run(): inputs → mode → outcome → render. Knows GitHub only through github/.
import pkg from '../package.json' with { type: 'json' };
import { emit, getInput, group, info, registerSecrets } from './github/runner.js';
import {
  type CommonOptions,
  type GetInput,
  parseAll,
  type PromoteInputs,
  type PublishInputs,
} from './inputs.js';
import type { ReleaseInputs } from './inputs-release.js';
import { failed, type Outcome } from './modes/outcome.js';
import { promoteMode } from './modes/promote.js';
import { publishMode } from './modes/publish.js';
import { validate, type ValidateOptions } from './modes/validate.js';
import { renderAction } from './report/action.js';

export async function run(): Promise<void> {
  // Before anything is printed: the runner masks these from here on.
  registerSecrets(process.env);
  const outcome = await runMode(getInput, process.env, Date.now());
  await emit(renderAction(outcome));
}

export async function runMode(
  get: GetInput,
  env: Record<string, string | undefined>,
  started: number,
): Promise<Outcome> {
  let parsed: ReturnType<typeof parseAll>;
  try {
    parsed = parseAll(get, env);
  } catch (e) {
    return failed({ mode: undefined, packageDir: get('package-dir') || '.' }, 'inputs', e);
  }
  const { common, publish, promote } = parsed;
  if (common.mode === 'promote' && promote) {
    return group(`Promote ${promote.name}`, () =>
      promoteMode({ ...promoteOptions(promote, env, started), regions: regionsOf(promote.release) }),
    );
  }
  const base = validateOptions(common, env);
  if (common.mode === 'publish' && publish) {
    return group(`Publish ${common.packageDir}`, () =>
      publishMode({ ...base, aws: awsTarget(publish, env, started), regions: regionsOf(publish.release) }),
    );
  }
  return group(`Validate and build ${common.packageDir}`, () => validate(base));
}

function validateOptions(c: CommonOptions, env: Record<string, string | undefined>): ValidateOptions {
  return {
    build: {
      packageDir: c.packageDir,
      outputDir: c.outputDir,
      name: c.name === undefined ? undefined : { value: c.name, source: 'the `name` input' },
      version: c.version,
      versionHint: 'set the `version` input, or run on a tag push like v1.2.3',
      nameHint: 'set the `name` input',
      env,
    },
    failOnWarnings: c.failOnWarnings,
    artifact: c.uploadArtifact ? { name: c.artifactName, retentionDays: c.retentionDays, env } : undefined,
  };
}

function awsTarget(p: PublishInputs, env: Record<string, string | undefined>, started: number) {
  return {
    bucket: p.bucket,
    prefix: p.prefix,
    region: p.region,
    setDefault: p.setDefault,
    onExistingVersion: p.onExistingVersion,
    tags: p.tags,
    prune: p.prune,
    sharing: p.sharing,
    ...releaseOptions(p.release),
    waitTimeoutMs: p.waitTimeoutSeconds * 1000,
    maxPollDelayMs: 10_000,
    requestTimeoutMs: p.requestTimeoutSeconds * 1000,
    deadline: started + p.timeoutSeconds * 1000,
    actionVersion: pkg.version,
    env,
    log: info,
  };
}

function promoteOptions(p: PromoteInputs, env: Record<string, string | undefined>, started: number) {
  return {
    name: p.name,
    target: p.target,
    region: p.region,
    ...releaseOptions(p.release),
    requestTimeoutMs: p.requestTimeoutSeconds * 1000,
    deadline: started + p.timeoutSeconds * 1000,
    actionVersion: pkg.version,
    env,
    log: info,
  };
}

/** The longest pause between two polls of a canary's or a rollout's progress. */
const RELEASE_POLL_MS = 15_000;

function releaseOptions(r: ReleaseInputs) {
  return {
    canary: r.canary && {
      targets: r.canary.targets,
      installationType: r.canary.installationType,
      maxConcurrency: r.canary.maxConcurrency,
      maxErrors: r.canary.maxErrors,
      timeoutMs: r.canary.timeoutSeconds * 1000,
      maxPollDelayMs: RELEASE_POLL_MS,
    },
    rollout: r.rollout && {
      wait: r.rollout.wait,
      timeoutMs: r.rollout.timeoutSeconds * 1000,
      maxFailed: r.rollout.maxFailed,
      maxPollDelayMs: RELEASE_POLL_MS,
    },
  };
}

const regionsOf = (r: ReleaseInputs) => r.regions && { list: r.regions, limit: r.maxParallelRegions };
