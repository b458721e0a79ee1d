// The release inputs: canary-targets, the rollout options, regions and `{region}` buckets — defaults,
// every form each accepts, and a message naming the input and the fix for each form it refuses.
import { describe, expect, it } from 'vitest';
import { ActionError } from '../src/errors.js';
import { parseAll } from '../src/inputs.js';
import { parseCanaryTargets, parseFailedTargets } from '../src/inputs-release.js';
import { INPUT_DEFAULTS } from './support/runner.js';

const getter = (m: Record<string, string>) => (n: string) => m[n] ?? '';
const publish = { mode: 'publish', 's3-bucket': 'my-bucket', region: 'us-east-1', 'set-default': 'true' };
const promote = { mode: 'promote', name: 'Pkg', version: '1.0.0', region: 'us-east-1' };

function problems(m: Record<string, string>): string {
  try {
    parseAll(getter(m), {});
  } catch (e) {
    expect(e).toBeInstanceOf(ActionError);
    return (e as ActionError).message;
  }
  throw new Error('no input error');
}

describe('canary-targets', () => {
  it('instance ids, by commas, spaces or lines, de-duplicated', () => {
    const p: string[] = [];
    expect(
      parseCanaryTargets(
        'i-0123456789abcdef0, i-0123456789abcdef1\ni-0123456789abcdef0 mi-0123456789abcdef2',
        p,
      ),
    ).toEqual({
      instanceIds: ['i-0123456789abcdef0', 'i-0123456789abcdef1', 'mi-0123456789abcdef2'],
    });
    expect(p).toEqual([]);
  });
  it('tag filters, one per line, values split on commas', () => {
    const p: string[] = [];
    expect(parseCanaryTargets('tag:Ring=canary\n tag:Env = prod,stage ', p)).toEqual({
      tags: [
        { key: 'Ring', values: ['canary'] },
        { key: 'Env', values: ['prod', 'stage'] },
      ],
    });
    expect(p).toEqual([]);
  });
  it.each([
    ['i-0123456789abcdef0\ntag:Ring=canary', /mixes instance ids and tag filters/],
    ['tag:Ring', /is not a tag filter: write tag:Key=Value/],
    ['tag:=x', /is not a tag filter/],
    ['tag:Ring=', /is not a tag filter/],
    ['web-1', /not an instance id.*"web-1"/],
    [
      Array.from({ length: 51 }, (_, i) => `i-${(i + 1).toString(16).padStart(17, '0')}`).join(','),
      /51 instances; Run Command takes at most 50/,
    ],
    [
      Array.from({ length: 6 }, (_, i) => `tag:K${i}=v`).join('\n'),
      /6 tag filters; Run Command takes at most 5/,
    ],
    ['tag:Ring=a<b', /is not a tag filter/],
  ])('refuses %j', (raw, re) => {
    const p: string[] = [];
    expect(parseCanaryTargets(raw, p)).toBeUndefined();
    expect(p.join(' ')).toMatch(re);
  });
  it('a hostile line is shown on one line, cut', () => {
    const p: string[] = [];
    parseCanaryTargets(`x\u001b[31m::error::pwned${'y'.repeat(500)}`, p);
    expect(p[0]).not.toMatch(/[\u0000-\u001f]/);
    expect(p[0]!.length).toBeLessThan(400);
  });
});

describe('max-failed-targets', () => {
  it.each([
    ['0', { kind: 'count', value: 0, text: '0' }],
    ['5', { kind: 'count', value: 5, text: '5' }],
    ['10%', { kind: 'percent', value: 10, text: '10%' }],
    ['12.5 %', { kind: 'percent', value: 12.5, text: '12.5%' }],
    ['100%', { kind: 'percent', value: 100, text: '100%' }],
  ])('%s', (raw, want) => expect(parseFailedTargets(raw)).toEqual(want));
  it.each(['-1', '101%', 'five', '1e3', '5%%', ''])('refuses %j', (raw) =>
    expect(parseFailedTargets(raw)).toBeUndefined(),
  );
});

describe('readRelease through parseAll', () => {
  it('defaults: no canary, no rollout, one region', () => {
    expect(parseAll(getter(promote), {}).promote?.release).toEqual({
      canary: undefined,
      rollout: undefined,
      regions: undefined,
      maxParallelRegions: 4,
    });
  });
  it('a canary with its defaults, and a rollout with its defaults', () => {
    const r = parseAll(
      getter({ ...promote, 'canary-targets': 'tag:Ring=canary', 'start-associations': 'true' }),
      {},
    ).promote!.release;
    expect(r.canary).toEqual({
      targets: { tags: [{ key: 'Ring', values: ['canary'] }] },
      installationType: 'Uninstall and reinstall',
      maxConcurrency: '50',
      maxErrors: '0',
      timeoutSeconds: 900,
    });
    expect(r.rollout).toEqual({
      wait: false,
      timeoutSeconds: 1800,
      maxFailed: { kind: 'count', value: 0, text: '0' },
    });
  });
  it('every option set', () => {
    const r = parseAll(
      getter({
        ...publish,
        'canary-targets': 'i-0123456789abcdef0',
        'installation-type': 'In-place update',
        'max-concurrency': '10%',
        'max-errors': '1',
        'canary-timeout-seconds': '120',
        'start-associations': 'true',
        'wait-for-rollout': 'true',
        'rollout-timeout-seconds': '600',
        'max-failed-targets': '5%',
      }),
      {},
    ).publish!.release;
    expect(r.canary).toMatchObject({
      installationType: 'In-place update',
      maxConcurrency: '10%',
      maxErrors: '1',
      timeoutSeconds: 120,
    });
    expect(r.rollout).toEqual({
      wait: true,
      timeoutSeconds: 600,
      maxFailed: { kind: 'percent', value: 5, text: '5%' },
    });
  });
  it.each([
    [
      { ...promote, 'installation-type': 'reinstall', 'canary-targets': 'tag:A=b' },
      /`installation-type` must be "Uninstall and reinstall" or "In-place update"/,
    ],
    [
      { ...promote, 'max-concurrency': '0', 'canary-targets': 'tag:A=b' },
      /`max-concurrency` must be a number of instances/,
    ],
    [{ ...promote, 'max-errors': '110%', 'canary-targets': 'tag:A=b' }, /`max-errors` must be/],
    [{ ...promote, 'max-errors': '1' }, /`max-errors` has no effect without `canary-targets`/],
    [
      { ...promote, 'wait-for-rollout': 'true' },
      /`wait-for-rollout` has no effect without `start-associations: true`/,
    ],
    [{ ...promote, 'max-failed-targets': '3' }, /`max-failed-targets` has no effect without/],
    [
      { ...promote, 'start-associations': 'true', 'max-failed-targets': 'lots' },
      /`max-failed-targets` must be a number of targets/,
    ],
    [{ ...promote, 'start-associations': 'yes' }, /`start-associations` must be true or false/],
    [
      { ...publish, 'set-default': 'false', 'start-associations': 'true' },
      /set `set-default: true`, or start them in the promote step/,
    ],
    [
      { ...promote, 'rollout-timeout-seconds': '0', 'start-associations': 'true' },
      /`rollout-timeout-seconds` must be a whole number of seconds from 1 to 21600/,
    ],
    [{ ...promote, regions: 'us-east-1 Mars' }, /`regions` holds a value that is not a region name: "Mars"/],
    [{ ...promote, regions: 'us-east-1,us-east-1' }, /`regions` lists us-east-1 more than once/],
    [
      { ...promote, regions: 'us-east-1 eu-west-1', 'canary-targets': 'i-0123456789abcdef0' },
      /an instance exists in one region only.*Give the canary group as a tag/,
    ],
    [
      { ...promote, regions: 'us-east-1', 'max-parallel-regions': '0' },
      /`max-parallel-regions` must be a whole number from 1 to 30/,
    ],
    [{ ...publish, 's3-bucket': 'pkgs-{region}-{account}' }, /`\{region\}` is the only placeholder/],
    [{ ...publish, 's3-bucket': `${'b'.repeat(55)}-{region}` }, /does not make a valid bucket name/],
  ])('refuses %j', (m, re) => expect(problems(m)).toMatch(re));
  it('regions: the region input is not needed; {region} buckets are checked per region', () => {
    const p = parseAll(
      getter({
        mode: 'publish',
        's3-bucket': 'pkgs-{region}',
        regions: 'us-east-1, eu-west-1\nap-southeast-2',
      }),
      {},
    ).publish!;
    expect(p.release.regions).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
    expect(p.region).toBe('us-east-1');
    expect(p.bucket).toBe('pkgs-{region}');
  });
  it('a {region} bucket works with the one region too', () => {
    expect(parseAll(getter({ ...publish, 's3-bucket': 'pkgs-{region}' }), {}).publish!.bucket).toBe(
      'pkgs-{region}',
    );
  });
});

describe('the defaults action.yml declares', () => {
  // The runner passes each declared default as the input's value when `with:` leaves it out.
  const withDefaults = (m: Record<string, string>) => (n: string) => m[n] ?? INPUT_DEFAULTS[n] ?? '';
  it.each([
    ['validate', {}],
    ['publish', { mode: 'publish', 's3-bucket': 'my-bucket', region: 'us-east-1' }],
    ['publish with set-default', publish],
    ['promote', promote],
    ['rollback', { mode: 'promote', name: 'Pkg', rollback: 'true', region: 'us-east-1' }],
    ['promote with start-associations', { ...promote, 'start-associations': 'true' }],
  ])('%s: are accepted, and parse as when nothing was passed', (_label, m: Record<string, string>) => {
    expect(parseAll(withDefaults(m), {})).toEqual(parseAll(getter(m), {}));
  });
});
