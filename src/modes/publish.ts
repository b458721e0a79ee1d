// mode: publish: the checked build of validate, then the AWS steps (upload, create the version, wait,
// verify, tags, default). The AWS client code is loaded only here, so validate starts fast.
import { readFile } from 'node:fs/promises';
import { noProgress, type PublishProgress } from '../aws/progress.js';
import type { PublishOptions } from '../aws/publish.js';
import { ActionError, toActionError } from '../errors.js';
import { NAME_PATTERN, VERSION_PATTERN } from '../package/rules/names.js';
import { failed, type Outcome, type RegionRun } from './outcome.js';
import { prefixed, regionsFailure } from './region-runs.js';
import { regionBucket, runRegions } from './regions.js';
import { checkedBuild, type ValidateOptions } from './validate.js';

/** Everything publish needs besides what the build produces. */
export type AwsTarget = Omit<
  PublishOptions,
  'name' | 'version' | 'files' | 'manifestPath' | 'manifestBytes' | 'progress'
>;

export interface PublishModeOptions extends ValidateOptions {
  aws: AwsTarget;
  /** `regions`: publish the one build to each, at most `limit` at a time (`{region}` in the bucket replaced). */
  regions?: { list: string[]; limit: number } | undefined;
}

export async function publishMode(o: PublishModeOptions): Promise<Outcome> {
  const built = await checkedBuild('publish', o);
  const build = built.build;
  if (built.failure || !build?.ok) return built;
  if (!build.output) return failed(built, 'build', new Error('publish needs an output folder to build into'));
  // What SSM would refuse is refused before anything is uploaded, whatever `rules:` made of it.
  const refused = unpublishable(build.name, build.version);
  if (refused) return failed(built, 'publish', refused);
  let manifestBytes: Buffer;
  let publish: typeof import('../aws/publish.js').publish;
  try {
    manifestBytes = await readFile(build.output.manifestPath);
    ({ publish } = await import('../aws/publish.js'));
  } catch (e) {
    return failed(built, 'publish', e);
  }
  const one = (aws: AwsTarget, progress: PublishProgress) =>
    publish({
      ...aws,
      progress,
      name: build.name,
      version: build.version,
      files: build.output!.files,
      manifestPath: build.output!.manifestPath,
      manifestBytes,
    });
  if (o.regions) {
    const runs = await runRegions(o.regions.list, o.regions.limit, async (region): Promise<RegionRun> => {
      const progress = noProgress();
      const bucket = regionBucket(o.aws.bucket, region);
      try {
        const result = await one({ ...o.aws, region, bucket, log: prefixed(o.aws.log, region) }, progress);
        return { region, bucket, publish: result };
      } catch (e) {
        return { region, bucket, progress, error: toActionError(e) };
      }
    });
    const failure = regionsFailure(runs, 'publish');
    return failure ? { ...failed(built, 'publish', failure), regions: runs } : { ...built, regions: runs };
  }
  const progress: PublishProgress = noProgress();
  try {
    const aws = { ...o.aws, bucket: regionBucket(o.aws.bucket, o.aws.region) };
    return { ...built, publish: await one(aws, progress) };
  } catch (e) {
    return { ...failed(built, 'publish', e), progress };
  }
}

/** A name or version SSM would reject (its object keys would be wrong too), even with its rule downgraded. */
function unpublishable(name: string, version: string): ActionError | undefined {
  const bad = !NAME_PATTERN.test(name)
    ? ['name', name]
    : !VERSION_PATTERN.test(version)
      ? ['version', version]
      : undefined;
  if (!bad) return undefined;
  return new ActionError(
    'input',
    `The package ${bad[0]} "${bad[1]!}" is not one SSM accepts; nothing was uploaded.`,
    {
      hint: `Use letters, digits, "-", "_" and "." only (${bad[0] === 'name' ? '3 to 128' : '1 to 128'} characters); \`rules:\` cannot make SSM accept it.`,
      code: `${bad[0]}-pattern`,
    },
  );
}
