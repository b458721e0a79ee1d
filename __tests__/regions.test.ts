// `regions`: the bounded-parallel runner, the per-region bucket, the region-name checks, and the router
// that lets one process reach one SSM/STS fake per region (requests go where their SigV4 scope says).
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeDocumentCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  invalidRegionBuckets,
  isRegionName,
  regionBucket,
  regionListProblems,
  runRegions,
} from '../src/modes/regions.js';
import { oneLine } from '../src/text.js';
import { sha256 } from './support/hash.js';
import { cleanupTemp, tempDir } from './support/pkg.js';
import {
  ACCOUNT,
  bucketIn,
  REGION_BUCKET,
  type RegionEndpoints,
  startRegionEndpoints,
} from './support/region-router.js';
import { restoreAwsEnvAfterAll } from './support/aws-env.js';
import { runStep, type StepRun, WAYS } from './support/both-ways.js';
import { annotations, REPO } from './support/runner.js';
import { MUTATING_OPS } from './support/ssm-server.js';

afterAll(cleanupTemp);
restoreAwsEnvAfterAll();

/** A promise resolved from outside. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((ok, ko) => {
    resolve = ok;
    reject = ko;
  });
  return { promise, resolve, reject };
}

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2', 'eu-central-1', 'sa-east-1'];

describe('runRegions', () => {
  it('never has more than `limit` regions in flight, starts the next as one ends, and keeps the order', async () => {
    let inFlight = 0;
    let most = 0;
    const started: string[] = [];
    const gates = new Map(REGIONS.map((r) => [r, deferred()]));
    const run = runRegions(REGIONS, 2, async (region) => {
      started.push(region);
      inFlight++;
      most = Math.max(most, inFlight);
      await gates.get(region)!.promise;
      inFlight--;
      return `done ${region}`;
    });
    await delay(5);
    expect(started).toEqual(REGIONS.slice(0, 2));
    // The second ends first: exactly one more starts, in list order.
    gates.get(REGIONS[1]!)!.resolve();
    await delay(5);
    expect(started).toEqual(REGIONS.slice(0, 3));
    for (const r of [...REGIONS].reverse()) {
      gates.get(r)!.resolve();
      await delay(1);
    }
    expect(await run).toEqual(REGIONS.map((r) => `done ${r}`));
    expect(most).toBe(2);
    expect(started.sort()).toEqual([...REGIONS].sort());
  });

  it('results in the order of the list, whatever order they finish in', async () => {
    const waits = [30, 1, 20, 5, 10, 0];
    const out = await runRegions(REGIONS, 3, async (region) => {
      await delay(waits[REGIONS.indexOf(region)]!);
      return region.toUpperCase();
    });
    expect(out).toEqual(REGIONS.map((r) => r.toUpperCase()));
  });

  it('a region that fails (as data) does not stop or skip the others', async () => {
    const ran: string[] = [];
    const out = await runRegions(REGIONS, 2, async (region) => {
      ran.push(region);
      await delay(1);
      return region === 'eu-west-1' ? { region, error: 'denied' } : { region };
    });
    expect(ran.sort()).toEqual([...REGIONS].sort());
    expect(out.map((o) => o.region)).toEqual(REGIONS);
    expect(out.filter((o) => 'error' in o)).toEqual([{ region: 'eu-west-1', error: 'denied' }]);
  });

  it('a rejecting fn: every region still runs to its end, then the first rejection in list order', async () => {
    const ended: string[] = [];
    const run = runRegions(REGIONS, 2, async (region) => {
      await delay(region === 'eu-west-1' ? 15 : 2);
      ended.push(region);
      if (region === 'eu-west-1' || region === 'us-west-2') throw new Error(`boom ${region}`);
      return region;
    });
    await expect(run).rejects.toThrow('boom eu-west-1');
    // Nothing left running when it rejected.
    expect(ended.sort()).toEqual([...REGIONS].sort());
  });

  it.each([
    [0, 1],
    [-3, 1],
    [Number.NaN, 1],
    [1.7, 1],
    [Infinity, REGIONS.length],
    [100, REGIONS.length],
    [4, 4],
  ])('limit %s → at most %s at a time', async (limit, want) => {
    let inFlight = 0;
    let most = 0;
    const out = await runRegions(REGIONS, limit, async (r) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await delay(3);
      inFlight--;
      return r;
    });
    expect(out).toEqual(REGIONS);
    expect(most).toBe(want);
  });

  it('an empty list: no call, an empty result', async () => {
    let calls = 0;
    expect(
      await runRegions([], 4, async () => {
        calls++;
        return 1;
      }),
    ).toEqual([]);
    expect(calls).toBe(0);
  });

  it('one region: the result of that one call', async () => {
    expect(await runRegions(['eu-west-1'], 4, async (r) => `at ${r}`)).toEqual(['at eu-west-1']);
  });
});

describe('regionBucket', () => {
  it.each([
    ['acme-packages-{region}', 'eu-west-1', 'acme-packages-eu-west-1'],
    ['{region}.acme.packages', 'ap-southeast-2', 'ap-southeast-2.acme.packages'],
    ['acme-{region}-{region}', 'us-east-1', 'acme-us-east-1-us-east-1'],
    ['acme-packages', 'us-west-2', 'acme-packages'],
    ['acme-{REGION}', 'us-west-2', 'acme-{REGION}'],
    ['acme-{region', 'us-west-2', 'acme-{region'],
  ])('%s in %s → %s', (bucket, region, want) => {
    expect(regionBucket(bucket, region)).toBe(want);
  });

  it('the bucket names a template makes that a check refuses, each once', () => {
    const valid = (b: string) => /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(b);
    const long = `${'a'.repeat(50)}-{region}`;
    expect(invalidRegionBuckets(long, ['us-east-1', 'ap-southeast-2', 'us-east-1'], valid)).toEqual([
      `${'a'.repeat(50)}-ap-southeast-2`,
    ]);
    expect(invalidRegionBuckets('acme-{region}', ['us-east-1', 'eu-west-1'], valid)).toEqual([]);
  });
});

describe('region names', () => {
  it.each(['us-east-1', 'eu-west-3', 'ap-southeast-2', 'us-gov-west-1', 'cn-northwest-1', 'ap-east-12'])(
    'accepts %s',
    (r) => expect(isRegionName(r)).toBe(true),
  );

  it.each([
    '',
    'us-east',
    'US-EAST-1',
    'useast1',
    'us-east-1 ',
    ' us-east-1',
    'us-east-1\n::error::x',
    'us-east-123',
    'u-east-1',
    'us--east-1',
    'us-east-1-',
    `us-${'a'.repeat(40)}-1`,
    'us-east-1/../x',
  ])('refuses %j', (r) => expect(isRegionName(r)).toBe(false));

  it('a list: bad names shown (few, bounded, one line), duplicates once, too many', () => {
    const show = (s: string) => oneLine(s);
    expect(regionListProblems(['us-east-1', 'eu-west-1'], 30, show)).toEqual([]);
    const problems = regionListProblems(
      [
        'us-east-1',
        'Mars-1',
        'us-east-1',
        `x\n::error::${'y'.repeat(1000)}`,
        'eu-west-1',
        'eu-west-1',
        'us-east-1',
      ],
      5,
      show,
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(
      /^`regions` holds 2 values that are not region names: "Mars-1", "x\\x0a::error::y+"; /,
    );
    expect(problems[0]!.length).toBeLessThan(300);
    expect(problems[0]).not.toContain('\n');
    expect(problems[1]).toBe('`regions` lists us-east-1, eu-west-1 more than once.');
    expect(problems[2]).toBe('`regions` lists 7 regions; at most 5.');
    const many = Array.from({ length: 500 }, (_, i) => `bad${i}`);
    const [bad] = regionListProblems(many, 1000, show);
    expect(bad).toMatch(/^`regions` holds 500 values .*"bad4", …; write/);
  });
});

describe('the region router', () => {
  const TWO = ['eu-west-1', 'ap-southeast-2'];
  let e: RegionEndpoints;
  beforeEach(async () => {
    e = await startRegionEndpoints(TWO);
  });
  afterEach(async () => {
    await e.close();
  });

  const clients = (region: string) => ({
    ssm: new SSMClient({
      region,
      endpoint: e.env.AWS_ENDPOINT_URL_SSM!,
      credentials: { accessKeyId: e.env.AWS_ACCESS_KEY_ID!, secretAccessKey: e.env.AWS_SECRET_ACCESS_KEY! },
      maxAttempts: 1,
    }),
    sts: new STSClient({
      region,
      endpoint: e.env.AWS_ENDPOINT_URL_STS!,
      credentials: { accessKeyId: e.env.AWS_ACCESS_KEY_ID!, secretAccessKey: e.env.AWS_SECRET_ACCESS_KEY! },
      maxAttempts: 1,
    }),
  });

  it('sends each request to the fake of the region it is signed for, and only there', async () => {
    e.at['eu-west-1']!.ssm.seed('Agent', [{ versionName: 'eu-1' }]);
    e.at['ap-southeast-2']!.ssm.seed('Agent', [{ versionName: 'ap-1' }, { versionName: 'ap-2' }], {
      defaultVersion: '2',
    });
    const eu = clients('eu-west-1');
    const ap = clients('ap-southeast-2');
    const [a, b, c] = await Promise.all([
      eu.ssm.send(new DescribeDocumentCommand({ Name: 'Agent' })),
      ap.ssm.send(new DescribeDocumentCommand({ Name: 'Agent' })),
      ap.ssm.send(new DescribeDocumentCommand({ Name: 'Agent', VersionName: 'ap-1' })),
    ]);
    expect(a.Document?.VersionName).toBe('eu-1');
    expect(b.Document?.VersionName).toBe('ap-2');
    expect(c.Document?.DocumentVersion).toBe('1');
    expect((await eu.sts.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
    // Each fake saw its own calls and none of the other region's.
    expect(e.at['eu-west-1']!.ssm.calls().map((x) => x.input)).toEqual([{ Name: 'Agent' }]);
    expect(e.at['ap-southeast-2']!.ssm.calls().map((x) => x.input)).toEqual([
      { Name: 'Agent' },
      { Name: 'Agent', VersionName: 'ap-1' },
    ]);
    expect(e.at['eu-west-1']!.sts.calls().length).toBe(1);
    expect(e.at['ap-southeast-2']!.sts.calls().length).toBe(0);
    expect(e.router.routed('eu-west-1', 'ssm')).toHaveLength(1);
    expect(e.router.routed('ap-southeast-2', 'ssm')).toHaveLength(2);
    expect(e.router.routed('eu-west-1', 'sts')).toHaveLength(1);
    expect(e.router.unrouted()).toEqual([]);
    for (const c2 of [eu, ap]) {
      c2.ssm.destroy();
      c2.sts.destroy();
    }
  });

  it("a fault injected on one region's fake fires there only; a reset reaches the client as a reset", async () => {
    e.at['eu-west-1']!.ssm.seed('Agent', [{ versionName: 'eu-1' }]);
    e.at['ap-southeast-2']!.ssm.seed('Agent', [{ versionName: 'ap-1' }]);
    const denied = e.at['eu-west-1']!.ssm.inject('DescribeDocument', 'access-denied');
    const reset = e.at['ap-southeast-2']!.ssm.inject('DescribeDocument', 'reset', { after: 1 });
    const eu = clients('eu-west-1');
    const ap = clients('ap-southeast-2');
    await expect(eu.ssm.send(new DescribeDocumentCommand({ Name: 'Agent' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    expect(denied.fired).toBe(1);
    expect((await ap.ssm.send(new DescribeDocumentCommand({ Name: 'Agent' }))).Document?.VersionName).toBe(
      'ap-1',
    );
    const err = await ap.ssm.send(new DescribeDocumentCommand({ Name: 'Agent' })).catch((x: unknown) => x);
    expect(reset.fired).toBe(1);
    expect(String((err as { code?: string }).code ?? (err as Error).message)).toMatch(
      /ECONNRESET|socket hang up/,
    );
    // The eu fake's next call is answered normally: the fault was its own, and spent.
    expect((await eu.ssm.send(new DescribeDocumentCommand({ Name: 'Agent' }))).Document?.VersionName).toBe(
      'eu-1',
    );
    expect(e.at['eu-west-1']!.ssm.calls().map((c) => c.fault)).toEqual(['access-denied', undefined]);
    expect(e.at['ap-southeast-2']!.ssm.calls().map((c) => c.fault)).toEqual([undefined, 'reset']);
    for (const c2 of [eu, ap]) {
      c2.ssm.destroy();
      c2.sts.destroy();
    }
  });

  it('a region with no fake, or no signature: refused by the router and recorded, no fake called', async () => {
    const other = clients('us-west-2');
    await expect(other.ssm.send(new DescribeDocumentCommand({ Name: 'Agent' }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringContaining('no ssm endpoint for region us-west-2'),
    });
    const unsigned = await fetch(e.router.endpoint, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.text()).toContain('no SigV4 credential scope');
    expect(e.router.unrouted().map((c) => [c.region, c.service])).toEqual([
      ['us-west-2', 'ssm'],
      ['', ''],
    ]);
    for (const r of TWO) {
      expect(e.at[r]!.ssm.calls()).toEqual([]);
      expect(e.at[r]!.sts.calls()).toEqual([]);
    }
    other.ssm.destroy();
    other.sts.destroy();
  });

  it("each region's bucket lives in that region: the S3 fake refuses a client of another region", async () => {
    expect(e.s3.buckets().sort()).toEqual(['acme-packages-ap-southeast-2', 'acme-packages-eu-west-1']);
    const s3 = (region: string) =>
      new S3Client({
        region,
        endpoint: e.env.AWS_ENDPOINT_URL_S3!,
        forcePathStyle: true,
        credentials: { accessKeyId: e.env.AWS_ACCESS_KEY_ID!, secretAccessKey: e.env.AWS_SECRET_ACCESS_KEY! },
        maxAttempts: 1,
      });
    const eu = s3('eu-west-1');
    await eu.send(new PutObjectCommand({ Bucket: bucketIn('eu-west-1'), Key: 'k', Body: 'x' }));
    expect(e.s3.object(bucketIn('eu-west-1'), 'k')?.body.toString()).toBe('x');
    await expect(
      eu.send(new PutObjectCommand({ Bucket: bucketIn('ap-southeast-2'), Key: 'k', Body: 'x' })),
    ).rejects.toThrow();
    expect(e.s3.object(bucketIn('ap-southeast-2'), 'k')).toBeUndefined();
    eu.destroy();
    expect(e.endpoints('eu-west-1').ssm).toBe(e.at['eu-west-1']!.ssm);
    expect(e.endpoints('eu-west-1').env.AWS_REGION).toBe('eu-west-1');
    expect(() => e.endpoints('us-west-2')).toThrow(/no endpoints/);
  });
});

// ---------------------------------------------------------------- through dist/index.js

const THREE = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const EXAMPLE = path.join(REPO, 'examples', 'acme-agent');
const PKG = 'AcmeMonitoringAgent';
/** What one publish of the example writes under the prefix: three ZIPs and the manifest. */
const KEYS = [
  `distributor/${PKG}/2.4.0/linux-deb.zip`,
  `distributor/${PKG}/2.4.0/linux-rpm.zip`,
  `distributor/${PKG}/2.4.0/windows.zip`,
  `distributor/${PKG}/manifests/2.4.0.json`,
];

interface RegionEntry {
  region: string;
  ok: boolean;
  bucket?: string;
  documentArn?: string;
  documentVersion?: string | null;
  defaultVersion?: string;
  defaultVersionName?: string | null;
  previousDefaultVersion?: string;
  changed?: boolean;
  error?: { kind: string; message: string; code: string | null };
}

const regionsReport = (r: StepRun): RegionEntry[] =>
  JSON.parse(r.outputs['regions-report'] ?? 'null') as RegionEntry[];
/** The step's failure message: its error annotation. */
const errorLine = (r: StepRun) => annotations(r.stdout).find((a) => a.level === 'error')?.message ?? '';
const code = (r: StepRun) => (r.failed ? 1 : 0);

describe.each(WAYS)('regions (%s)', (way) => {
  let e: RegionEndpoints;
  let out: string;
  beforeEach(async () => {
    e = await startRegionEndpoints(THREE);
    // In process the SDK reads the endpoints from process.env (put back after the file's tests).
    for (const k of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ENDPOINT_URL']) delete process.env[k];
    Object.assign(process.env, e.env);
    out = path.join(tempDir(), 'out');
  });
  afterEach(async () => {
    await e.close();
  });

  const run = (inputs: Record<string, string>) =>
    runStep(
      way,
      { 'request-timeout-seconds': '5', regions: THREE.join(', '), ...inputs },
      { ...e.env, GITHUB_EVENT_NAME: 'push' },
    );
  const publishRun = (inputs: Record<string, string> = {}) =>
    run({
      mode: 'publish',
      'package-dir': EXAMPLE,
      'output-dir': out,
      version: '2.4.0',
      's3-bucket': REGION_BUCKET,
      's3-prefix': 'distributor',
      'set-default': 'true',
      'wait-timeout-seconds': '30',
      ...inputs,
    });
  /** Mutating calls of the current run in `region`: SSM's, and S3 writes to that region's bucket. */
  const writesIn = (region: string) => ({
    ssm: e.at[region]!.ssm.calls()
      .filter((c) => c.run === e.at[region]!.ssm.run && MUTATING_OPS.includes(c.op as never))
      .map((c) => c.op),
    s3: e.s3
      .calls()
      .filter(
        (c) =>
          c.run === e.s3.run && c.bucket === bucketIn(region) && c.method !== 'GET' && c.method !== 'HEAD',
      )
      .map((c) => c.op),
  });
  /** The example published in `region`: one Active default version 1, the bucket holding exactly its files. */
  function publishedIn(region: string): void {
    const ssm = e.at[region]!.ssm;
    const versions = ssm.versions(PKG);
    expect(
      versions.map((v) => [v.versionName, v.status]),
      region,
    ).toEqual([['2.4.0', 'Active']]);
    expect(ssm.document(PKG)?.defaultVersion, region).toBe('1');
    expect(JSON.parse(versions[0]!.content)).toEqual(
      JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')),
    );
    expect(e.s3.keys(bucketIn(region), 'distributor/').sort(), region).toEqual(KEYS);
    for (const key of KEYS) {
      const local = readFileSync(
        path.join(out, key.endsWith('.json') ? 'manifest.json' : path.basename(key)),
      );
      expect(sha256(e.s3.object(bucketIn(region), key)!.body), key).toBe(sha256(local));
    }
  }

  it('publishes to three regions, each its own bucket and SSM; every request reached its own region', async () => {
    const r = await publishRun();
    expect(code(r), r.stdout + r.failure).toBe(0);
    for (const region of THREE) publishedIn(region);
    const report = regionsReport(r);
    expect(report.map((x) => [x.region, x.ok, x.bucket, x.documentVersion, x.changed])).toEqual(
      THREE.map((region) => [region, true, bucketIn(region), '1', true]),
    );
    expect(report.map((x) => x.documentArn)).toEqual(
      THREE.map((region) => `arn:aws:ssm:${region}:${ACCOUNT}:document/${PKG}`),
    );
    expect(r.outputs.changed).toBe('true');
    expect(r.outputs['error-kind']).toBeUndefined();
    for (const region of THREE) {
      expect(e.router.routed(region, 'ssm').length, region).toBeGreaterThan(0);
      expect(e.at[region]!.ssm.count('CreateDocument'), region).toBe(1);
    }
    expect(e.router.unrouted()).toEqual([]);
    // Each region uploaded to its own bucket (what the re-run test counts as writes).
    for (const region of THREE)
      expect(
        writesIn(region).s3.filter((op) => op === 'PutObject'),
        region,
      ).toHaveLength(KEYS.length);
    // The regions ran side by side: each region's first SSM call came before another's last.
    const span = (region: string) => {
      const at = e.at[region]!.ssm.calls().map((c) => c.at);
      return [Math.min(...at), Math.max(...at)] as const;
    };
    expect(span('eu-west-1')[0]).toBeLessThan(span('us-east-1')[1]);
    expect(span('ap-southeast-2')[0]).toBeLessThan(span('us-east-1')[1]);
    // Each region's lines are marked with it (the runs interleave).
    for (const region of THREE) expect(r.stdout).toContain(`[${region}] `);
    expect(r.summary).toContain('### Regions');
  });

  it('max-parallel-regions: 1 runs the regions one after another, in the order listed', async () => {
    const r = await publishRun({ 'max-parallel-regions': '1' });
    expect(code(r), r.stdout + r.failure).toBe(0);
    for (const region of THREE) publishedIn(region);
    const calls = (region: string) => e.at[region]!.ssm.calls().map((c) => c.at);
    for (let i = 1; i < THREE.length; i++)
      expect(Math.min(...calls(THREE[i]!)), THREE[i]).toBeGreaterThanOrEqual(
        Math.max(...calls(THREE[i - 1]!)),
      );
  });

  it.each([
    ['us-east-1, us-east-1', /`regions` lists us-east-1 more than once/],
    ['us-east-1\n::error::forged', /`regions` holds a value that is not a region name: "::error::forged"/],
    [`us-east-1 ${'x'.repeat(5000)}`, /not a region name: "x{40}"/],
  ])('regions %j: an input error before any AWS call', async (regions, message) => {
    const r = await publishRun({ regions });
    expect(code(r)).toBe(1);
    expect(r.outputs['error-kind']).toBe('input');
    expect(errorLine(r)).toMatch(message);
    expect(errorLine(r).length).toBeLessThan(2000);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('::error::forged'))).toEqual([]);
    expect(e.router.routed()).toEqual([]);
    expect(e.router.unrouted()).toEqual([]);
    expect(e.s3.calls()).toEqual([]);
  });

  it('one region denied: the others published, the step failed naming it; the re-run writes only there', async () => {
    const denied = e.at['eu-west-1']!.ssm.inject('CreateDocument', 'access-denied', { times: 100 });
    const r = await publishRun();
    expect(denied.fired).toBeGreaterThan(0);
    expect(code(r)).toBe(1);
    expect(r.outputs['error-kind']).toBe('permission');
    publishedIn('us-east-1');
    publishedIn('ap-southeast-2');
    expect(e.at['eu-west-1']!.ssm.document(PKG)).toBeUndefined();
    const report = regionsReport(r);
    expect(report.map((x) => [x.region, x.ok])).toEqual([
      ['us-east-1', true],
      ['eu-west-1', false],
      ['ap-southeast-2', true],
    ]);
    expect(report[1]!.error).toMatchObject({ kind: 'permission', code: 'AccessDeniedException' });
    expect(report[1]!.error!.message).toContain('CreateDocument');
    expect(errorLine(r)).toMatch(
      /^1 of 3 regions failed: eu-west-1 \(.*CreateDocument.*\)\. 2 regions published\./,
    );
    expect(r.summary).toMatch(/\| eu-west-1 \| ❌ /);
    expect(r.summary).toMatch(/\| us-east-1 \| ✅ \| 1 \| 1 \| yes \|/);

    // The fault gone: only eu-west-1 gets writes; the others are read and left as they are.
    e.newRun();
    const again = await publishRun();
    expect(code(again), again.stdout + again.failure).toBe(0);
    for (const region of THREE) publishedIn(region);
    for (const region of ['us-east-1', 'ap-southeast-2'])
      expect(writesIn(region), region).toEqual({ ssm: [], s3: [] });
    expect(writesIn('eu-west-1').ssm).toContain('CreateDocument');
    expect(e.at['eu-west-1']!.ssm.runCount('CreateDocument')).toBe(1);
    expect(regionsReport(again).map((x) => [x.region, x.ok, x.changed])).toEqual([
      ['us-east-1', true, false],
      ['eu-west-1', true, true],
      ['ap-southeast-2', true, false],
    ]);
  });

  it("promote with a tag canary and the rollout in each region: each region's instances and associations only", async () => {
    const canaries: Record<string, string[]> = {};
    const following: Record<string, string> = {};
    for (const region of THREE) {
      const ssm = e.at[region]!.ssm;
      ssm.seed(PKG, [{ versionName: '1.0.0' }, { versionName: '1.1.0' }]);
      ssm.fleet.delayMs = 30;
      canaries[region] = ssm.fleet.addMany(1, { Ring: 'canary', Role: 'web' }, 'i-0c');
      ssm.fleet.addMany(2, { Role: 'web' }, 'i-0a');
      following[region] = ssm.addAssociation({
        parameters: { action: ['Install'], name: [PKG] },
        targets: [{ Key: 'tag:Role', Values: ['web'] }],
      });
    }
    // The canary fails in eu-west-1 only: that region keeps its default and starts nothing.
    e.at['eu-west-1']!.ssm.fleet.outcomes((_id, inst) =>
      inst.via === 'command' ? { status: 'Failed', output: 'eu-west-1 canary broke' } : undefined,
    );
    const r = await run({
      mode: 'promote',
      name: PKG,
      version: '1.1.0',
      'canary-targets': 'tag:Ring=canary',
      'start-associations': 'true',
      'wait-for-rollout': 'true',
    });
    expect(code(r)).toBe(1);
    expect(r.outputs['error-kind']).toBe('rollout');
    for (const region of THREE) {
      const ssm = e.at[region]!.ssm;
      const commands = ssm.commands();
      expect(
        commands.map((c) => c.instanceIds),
        region,
      ).toEqual([canaries[region]]);
      const ok = region !== 'eu-west-1';
      expect(ssm.document(PKG)?.defaultVersion, region).toBe(ok ? '2' : '1');
      expect(ssm.executions(following[region]), region).toHaveLength(ok ? 1 : 0);
    }
    const report = regionsReport(r) as unknown as {
      region: string;
      ok: boolean;
      canary?: { ok: boolean };
      rollout?: { totals: { targets: number; succeeded: number } };
    }[];
    expect(report.map((x) => [x.region, x.ok, x.canary?.ok, x.rollout?.totals])).toEqual([
      ['us-east-1', true, true, { targets: 3, succeeded: 3, failed: 0, pending: 0 }],
      ['eu-west-1', false, false, undefined],
      ['ap-southeast-2', true, true, { targets: 3, succeeded: 3, failed: 0, pending: 0 }],
    ]);
    expect(r.summary).toContain('#### eu-west-1');
    expect(r.summary).toContain('eu-west-1 canary broke');
  });

  it('promote across regions moves each default; a region whose version is not Active fails alone; the re-run moves only that one', async () => {
    for (const region of THREE)
      e.at[region]!.ssm.seed(PKG, [
        { versionName: '1.0.0' },
        region === 'ap-southeast-2'
          ? {
              versionName: '1.1.0',
              status: 'Failed',
              statusInformation: 'The specified S3 bucket does not exist.',
            }
          : { versionName: '1.1.0' },
      ]);
    const promoteRun = () => run({ mode: 'promote', name: PKG, version: '1.1.0' });
    const r = await promoteRun();
    expect(code(r)).toBe(1);
    expect(r.outputs['error-kind']).toBe('conflict');
    expect(e.at['us-east-1']!.ssm.document(PKG)?.defaultVersion).toBe('2');
    expect(e.at['eu-west-1']!.ssm.document(PKG)?.defaultVersion).toBe('2');
    expect(e.at['ap-southeast-2']!.ssm.document(PKG)?.defaultVersion).toBe('1');
    expect(e.at['ap-southeast-2']!.ssm.count('UpdateDocumentDefaultVersion')).toBe(0);
    const report = regionsReport(r);
    expect(
      report.map((x) => [x.region, x.ok, x.defaultVersion, x.previousDefaultVersion, x.changed]),
    ).toEqual([
      ['us-east-1', true, '2', '1', true],
      ['eu-west-1', true, '2', '1', true],
      ['ap-southeast-2', false, undefined, undefined, undefined],
    ]);
    expect(report[2]!.error?.kind).toBe('conflict');
    expect(report[2]!.error?.message).toContain('Failed, not Active');
    expect(errorLine(r)).toMatch(
      /^1 of 3 regions failed: ap-southeast-2 \(.*Failed, not Active.*\)\. 2 regions promoted\./,
    );
    // Promote touches neither S3 nor STS.
    expect(e.s3.calls()).toEqual([]);
    for (const region of THREE) expect(e.at[region]!.sts.calls(), region).toEqual([]);

    // The version fixed there: the re-run moves only that default; the others are read, not written.
    e.at['ap-southeast-2']!.ssm.setStatus(PKG, '2', 'Active');
    e.newRun();
    const again = await promoteRun();
    expect(code(again), again.stdout + again.failure).toBe(0);
    for (const region of THREE) expect(e.at[region]!.ssm.document(PKG)?.defaultVersion, region).toBe('2');
    for (const region of ['us-east-1', 'eu-west-1'])
      expect(writesIn(region), region).toEqual({ ssm: [], s3: [] });
    expect(writesIn('ap-southeast-2').ssm).toContain('UpdateDocumentDefaultVersion');
    expect(e.at['ap-southeast-2']!.ssm.runCount('UpdateDocumentDefaultVersion')).toBe(1);
    expect(regionsReport(again).map((x) => [x.region, x.ok, x.changed])).toEqual([
      ['us-east-1', true, false],
      ['eu-west-1', true, false],
      ['ap-southeast-2', true, true],
    ]);
    expect(again.outputs.changed).toBe('true');
  });
});
