// Action inputs → options: defaults, every problem at once, tags and tag refs.
import { describe, expect, it } from 'vitest';
import { ActionError } from '../src/errors.js';
import { parseAll, parseTags, versionFromRef } from '../src/inputs.js';

const getter = (m: Record<string, string>) => (n: string) => m[n] ?? '';
const parseCommon = (get: (n: string) => string, env: Record<string, string>) => parseAll(get, env).common;

describe('versionFromRef', () => {
  it.each([
    ['refs/tags/v1.2.3', '1.2.3'],
    ['refs/tags/1.2.3', '1.2.3'],
    ['refs/tags/acme-agent/v2.0.0-rc.1', '2.0.0-rc.1'],
    ['refs/tags/very', 'very'],
    ['refs/heads/main', undefined],
    [undefined, undefined],
  ])('%s → %s', (ref, want) => expect(versionFromRef(ref)).toBe(want));
});

describe('parseCommon', () => {
  it('has a default for every optional input', () => {
    expect(parseCommon(getter({}), {})).toEqual({
      mode: 'validate',
      packageDir: '.',
      outputDir: 'distributor-build',
      name: undefined,
      version: undefined,
      uploadArtifact: true,
      artifactName: undefined,
      retentionDays: undefined,
      failOnWarnings: false,
    });
  });
  it('the version input wins over the tag; upload-artifact auto is off in publish mode', () => {
    const o = parseCommon(
      getter({ version: '9.9.9', mode: 'publish', 's3-bucket': 'my-bucket', region: 'us-east-1' }),
      {
        GITHUB_REF: 'refs/tags/v1.0.0',
      },
    );
    expect(o.version).toEqual({ value: '9.9.9', source: 'the `version` input' });
    expect(o.uploadArtifact).toBe(false);
    expect(parseCommon(getter({}), { GITHUB_REF: 'refs/tags/v1.0.0' }).version?.value).toBe('1.0.0');
  });
});

describe('parseTags', () => {
  it('reads key=value lines and JSON objects', () => {
    const p: string[] = [];
    expect(parseTags('team=platform\n\n owner = ops \nurl=https://x/y=b', p)).toEqual([
      { Key: 'team', Value: 'platform' },
      { Key: 'owner', Value: 'ops' },
      { Key: 'url', Value: 'https://x/y=b' },
    ]);
    expect(parseTags('{"a": "1", "b": 2}', p)).toEqual([
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '2' },
    ]);
    expect(p).toEqual([]);
  });
  it('reports malformed lines, reserved keys, bad characters and too many tags', () => {
    const p: string[] = [];
    parseTags('novalue\naws:owner=x\nbad=semi;colon', p);
    expect(p.join('\n')).toMatch(/line 1/);
    expect(p.join('\n')).toMatch(/aws: prefix is reserved/);
    expect(p.join('\n')).toMatch(/Tag value of "bad"/);
    const many: string[] = [];
    parseTags(Array.from({ length: 51 }, (_, i) => `k${i}=v`).join('\n'), many);
    expect(many.join()).toContain('at most 50');
  });
});

describe('parsePublish / parseAll', () => {
  it('defaults, with the region from the environment', () => {
    expect(
      parseAll(getter({ mode: 'publish', 's3-bucket': 'my-bucket' }), { AWS_REGION: 'eu-west-1' }).publish,
    ).toEqual({
      bucket: 'my-bucket',
      prefix: '',
      region: 'eu-west-1',
      setDefault: false,
      onExistingVersion: 'skip-if-identical',
      tags: [],
      waitTimeoutSeconds: 600,
      timeoutSeconds: 1800,
      requestTimeoutSeconds: 30,
      release: { canary: undefined, rollout: undefined, regions: undefined, maxParallelRegions: 4 },
    });
  });
  it('reports the problems of common and publish inputs together', () => {
    try {
      parseAll(
        getter({
          mode: 'publish',
          'fail-on-warnings': 'nope',
          's3-bucket': 'Bad_Bucket',
          'on-existing-version': 'replace',
        }),
        {},
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ActionError);
      expect((e as ActionError).kind).toBe('input');
      const text = (e as ActionError).message;
      for (const s of ['fail-on-warnings', 'not a valid bucket name', 'No AWS region', 'on-existing-version'])
        expect(text).toContain(s);
    }
  });
  it('promote without a target or name, and a bad artifact-name: every problem together', () => {
    const e = (() => {
      try {
        parseAll(getter({ mode: 'promote', 'artifact-name': 'a/b' }), { AWS_REGION: 'us-east-1' });
      } catch (err) {
        return err as ActionError;
      }
      return undefined;
    })();
    expect(e?.kind).toBe('input');
    expect(e?.message).toContain('`name` is required in promote mode');
    expect(e?.message).toContain('Promote mode needs a target');
    expect(e?.message).toContain('`artifact-name`');
  });
  it('promote: a version name or rollback, never both; no publish inputs asked for', () => {
    const env = { AWS_REGION: 'eu-west-1' };
    const byName = parseAll(getter({ mode: 'promote', name: 'Acme', version: '1.2.0' }), env);
    expect(byName.promote).toEqual({
      name: 'Acme',
      target: { versionName: '1.2.0' },
      region: 'eu-west-1',
      timeoutSeconds: 1800,
      requestTimeoutSeconds: 30,
      release: { canary: undefined, rollout: undefined, regions: undefined, maxParallelRegions: 4 },
    });
    expect(byName.publish).toBeUndefined();
    const back = parseAll(getter({ mode: 'promote', name: 'Acme', rollback: 'true' }), env);
    expect(back.promote?.target).toEqual({ rollback: true });
    expect(() =>
      parseAll(getter({ mode: 'promote', name: 'Acme', version: '1.2.0', rollback: 'true' }), env),
    ).toThrow(/Set either `version`.*not both/);
  });
  it.each([
    ['', undefined],
    ['3', { keep: 3, dryRun: false, s3: false }],
    ['0', 'must be a whole number of versions to keep, 1 or more'],
    ['-1', 'must be a whole number'],
    ['2.5', 'must be a whole number'],
    ['many', 'must be a whole number'],
  ])('keep-versions %j', (keep, want) => {
    const get = getter({
      mode: 'publish',
      's3-bucket': 'my-bucket',
      region: 'us-east-1',
      'keep-versions': keep,
    });
    if (typeof want === 'string') expect(() => parseAll(get, {})).toThrow(want);
    else expect(parseAll(get, {}).publish?.prune).toEqual(want);
  });
  it('prune-dry-run and prune-s3 are read with keep-versions, and refused without it', () => {
    const base = { mode: 'publish', 's3-bucket': 'my-bucket', region: 'us-east-1' };
    const on = parseAll(
      getter({ ...base, 'keep-versions': '5', 'prune-dry-run': 'true', 'prune-s3': 'true' }),
      {},
    );
    expect(on.publish?.prune).toEqual({ keep: 5, dryRun: true, s3: true });
    expect(() => parseAll(getter({ ...base, 'prune-s3': 'true' }), {})).toThrow(
      /`prune-s3` has no effect without `keep-versions`/,
    );
    expect(() => parseAll(getter({ ...base, 'keep-versions': '2', 'prune-s3': 'maybe' }), {})).toThrow(
      /`prune-s3` must be true or false/,
    );
  });
  it('a mistyped mode names only the modes that exist, and the one meant', () => {
    expect(() => parseAll(getter({ mode: 'publsh' }), {})).toThrow(
      /`mode` must be one of validate, publish, promote; got "publsh"\. Did you mean "publish"\?/,
    );
  });
  it('does not ask for publish inputs in validate mode', () => {
    expect(parseAll(getter({}), {}).publish).toBeUndefined();
  });
});

/** The input error parseAll throws for `inputs`, or undefined when they are accepted. */
function inputErrorOf(inputs: Record<string, string>): ActionError | undefined {
  try {
    parseAll(getter({ mode: 'publish', 's3-bucket': 'my-bucket', region: 'us-east-1', ...inputs }), {});
  } catch (e) {
    return e as ActionError;
  }
  return undefined;
}

describe('inputs that become paths, names and S3 keys', () => {
  const NAMED = ['package-dir', 'output-dir', 'name', 'version', 'artifact-name', 's3-prefix'];
  const CONTROLS = ['\n', '\r', '\0', '\u001b', '\u0085', '\u2028'];

  it.each(NAMED)('`%s` with a control character is an input error that shows it escaped', (input) => {
    for (const c of CONTROLS) {
      const e = inputErrorOf({ [input]: `pkg${c}::add-mask::x` });
      expect(e?.kind, JSON.stringify(c)).toBe('input');
      expect(e?.message).toContain(`\`${input}\` contains`);
      expect(e?.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    }
    expect(inputErrorOf({ [input]: 'pkg-1.0' })).toBeUndefined();
  });
  it('`s3-prefix` may not start with / nor hold . or .. segments', () => {
    expect(inputErrorOf({ 's3-prefix': '/abs' })?.message).toContain('may not start with /');
    expect(inputErrorOf({ 's3-prefix': 'a/../b' })?.message).toContain('. or .. segments');
    expect(inputErrorOf({ 's3-prefix': 'releases/agents' })).toBeUndefined();
  });
  it('tag keys and values hold no control character or line separator', () => {
    for (const tags of ['{"a\\rb": "1"}', '{"k": "v\\u2028w"}', '{"k": "v\\u0000"}', 'k=v\rx']) {
      const p: string[] = [];
      parseTags(tags, p);
      expect(p, tags).not.toEqual([]);
      expect(p.join(' ')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    }
  });
});
