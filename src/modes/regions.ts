// Running one publish or promote in several regions: a bounded-parallel runner that keeps the regions'
// order, the per-region bucket name (`{region}` in `s3-bucket`), and the checks a `regions` list must pass.
// No AWS code here: the modes pass in what runs in each region.

/** The placeholder `s3-bucket` may hold, replaced by each region's name. */
export const REGION_PLACEHOLDER = '{region}';

/** An AWS region name: `us-east-1`, `ap-southeast-2`, `us-gov-west-1`, `eu-central-2`. */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The longest region name accepted (the longest real one is 14 characters). */
export const MAX_REGION_NAME = 32;

/**
 * Runs `fn` once per region, at most `limit` at a time, and returns the results in the order of `regions`
 * (not the order they finished in). A region that fails does not stop the others: every region is run to
 * its end. It never rejects when `fn` never rejects; when `fn` does reject, it rejects with the first
 * rejection (in the regions' order) once every started region has settled, so nothing is left running.
 * A `limit` below 1 (or not a number) counts as 1; a fraction is rounded down.
 */
export async function runRegions<T>(
  regions: readonly string[],
  limit: number,
  fn: (region: string) => Promise<T>,
): Promise<T[]> {
  const width = limit >= 1 ? Math.min(Math.floor(limit), regions.length) : 1;
  const results: T[] = new Array<T>(regions.length);
  const errors: { index: number; error: unknown }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < regions.length) {
      const index = next++;
      try {
        results[index] = await fn(regions[index]!);
      } catch (error) {
        errors.push({ index, error });
      }
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  if (errors.length > 0) throw errors.reduce((a, b) => (b.index < a.index ? b : a)).error;
  return results;
}

/**
 * The bucket used in `region`: `{region}` in `s3-bucket` replaced by the region's name (every occurrence).
 * Without a `regions` list the caller passes the one `region` input, so `{region}` works there too.
 */
export function regionBucket(bucket: string, region: string): string {
  return bucket.replaceAll(REGION_PLACEHOLDER, region);
}

/** Whether `name` is a region name this action accepts. */
export function isRegionName(name: string): boolean {
  return name.length <= MAX_REGION_NAME && REGION_NAME.test(name);
}

/**
 * What is wrong with a `regions` list, as input problems (empty when it is fine): values that are not
 * region names (the first few shown, shortened and made one line by `show`), regions listed more than once,
 * more than `max` regions.
 */
export function regionListProblems(
  list: readonly string[],
  max: number,
  show: (value: string) => string,
): string[] {
  const problems: string[] = [];
  const bad = list.filter((r) => !isRegionName(r));
  if (bad.length > 0)
    problems.push(
      `\`regions\` holds ${bad.length === 1 ? 'a value that is not a region name' : `${bad.length} values that are not region names`}: ${bad
        .slice(0, 5)
        .map((b) => `"${show(b.slice(0, 40))}"`)
        .join(
          ', ',
        )}${bad.length > 5 ? ', …' : ''}; write region names like us-east-1, eu-west-1 (commas, spaces or lines between them).`,
    );
  const seen = new Set<string>();
  const dup = new Set(list.filter((r) => (seen.has(r) ? true : (seen.add(r), false))));
  if (dup.size > 0)
    problems.push(
      `\`regions\` lists ${[...dup]
        .slice(0, 5)
        .map((d) => show(d.slice(0, 40)))
        .join(', ')}${dup.size > 5 ? ', …' : ''} more than once.`,
    );
  if (list.length > max) problems.push(`\`regions\` lists ${list.length} regions; at most ${max}.`);
  return problems;
}

/** The bucket names `s3-bucket` makes in these regions that `valid` refuses (each once, in order). */
export function invalidRegionBuckets(
  bucket: string,
  regions: readonly string[],
  valid: (name: string) => boolean,
): string[] {
  return [...new Set(regions.map((r) => regionBucket(bucket, r)).filter((b) => !valid(b)))];
}
