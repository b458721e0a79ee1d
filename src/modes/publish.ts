// mode: publish: the checked build of validate, then the AWS steps (upload, create the version, wait,
// verify, tags, default). The AWS client code is loaded only here, so validate starts fast.
import { readFile } from 'node:fs/promises';
import { noProgress, type PublishProgress } from '../aws/progress.js';
import type { PublishOptions } from '../aws/publish.js';
import { failed, type Outcome } from './outcome.js';
import { checkedBuild, type ValidateOptions } from './validate.js';

/** Everything publish needs besides what the build produces. */
export type AwsTarget = Omit<
  PublishOptions,
  'name' | 'version' | 'files' | 'manifestPath' | 'manifestBytes' | 'progress'
>;

export interface PublishModeOptions extends ValidateOptions {
  aws: AwsTarget;
}

export async function publishMode(o: PublishModeOptions): Promise<Outcome> {
  const built = await checkedBuild('publish', o);
  const build = built.build;
  if (built.failure || !build?.ok) return built;
  if (!build.output) return failed(built, 'build', new Error('publish needs an output folder to build into'));
  const progress: PublishProgress = noProgress();
  try {
    const { publish } = await import('../aws/publish.js');
    const result = await publish({
      ...o.aws,
      progress,
      name: build.name,
      version: build.version,
      files: build.output.files,
      manifestPath: build.output.manifestPath,
      manifestBytes: await readFile(build.output.manifestPath),
    });
    return { ...built, publish: result };
  } catch (e) {
    return { ...failed(built, 'publish', e), progress };
  }
}
