// The release steps rendered: the canary and rollout tables, the rollout-report and regions-report
// outputs, the headline phrases, and hostile text from instances and inputs kept as data.
import { describe, expect, it } from 'vitest';
import type { PromoteResult } from '../src/aws/promote.js';
import type { PublishResult } from '../src/aws/publish.js';
import type { CanaryReport, RolloutReport } from '../src/aws/rollout-types.js';
import { ActionError } from '../src/errors.js';
import type { Outcome } from '../src/modes/outcome.js';
import { regionsFailure } from '../src/modes/region-runs.js';
import { renderAction } from '../src/report/action.js';
import { fitRollout, REPORT_JSON_MAX } from '../src/report/release.js';
import { decode, md, tables, tagsOf } from './support/markdown.js';

const outputsOf = (o: Outcome) => Object.fromEntries(renderAction(o).outputs);

const canary = (over: Partial<CanaryReport> = {}): CanaryReport => ({
  documentName: 'AcmeAgent',
  versionName: '2.0.0',
  documentVersion: '8',
  targets: 'tag:Ring=canary',
  installationType: 'Uninstall and reinstall',
  commandId: '0b8a2c1e-0000-4000-8000-000000000001',
  status: 'Success',
  instances: [
    {
      instanceId: 'i-0000000000000000a',
      status: 'Success',
      statusDetails: 'Success',
      responseCode: 0,
      outputTail: 'ok',
    },
    {
      instanceId: 'i-0000000000000000b',
      status: 'Success',
      statusDetails: 'Success',
      responseCode: 0,
      outputTail: 'ok',
    },
  ],
  succeeded: 2,
  failed: 0,
  pending: 0,
  timedOut: false,
  ok: true,
  ...over,
});

const rollout = (over: Partial<RolloutReport> = {}): RolloutReport => ({
  documentName: 'AcmeAgent',
  following: [
    {
      associationId: '11111111-2222-4333-8444-555555555555',
      associationName: 'acme-web',
      targets: 'tag:Role=web',
      started: true,
      executionId: '99999999-2222-4333-8444-555555555555',
      status: 'Failed',
      detailedStatus: 'Failed',
      succeeded: 8,
      failed: 2,
      pending: 0,
      failures: [
        { instanceId: 'i-00000000000000001', status: 'Failed', detailedStatus: 'Failed' },
        { instanceId: 'i-00000000000000002', status: 'Failed', detailedStatus: 'TimedOut' },
      ],
      failuresOmitted: 0,
    },
  ],
  pinned: [
    {
      associationId: '22222222-2222-4333-8444-555555555555',
      associationName: undefined,
      targets: 'tag:Role=db',
      version: '1.0.0',
    },
  ],
  waited: true,
  timedOut: false,
  totals: { targets: 10, succeeded: 8, failed: 2, pending: 0 },
  maxFailed: { kind: 'percent', value: 20, text: '20%' },
  exceeded: false,
  ...over,
});

const promoted = (over: Partial<PromoteResult> = {}): PromoteResult => ({
  documentName: 'AcmeAgent',
  rollback: false,
  target: { documentVersion: '8', versionName: '2.0.0' },
  source: 'version',
  reason: 'Named by the `version` input.',
  before: { documentVersion: '7', versionName: '1.9.0' },
  after: { documentVersion: '8', versionName: '2.0.0' },
  changed: true,
  recorded: true,
  notices: [],
  consoleUrl: undefined,
  ...over,
});

describe('canary and rollout in the summary and outputs', () => {
  it('a promote with both: tables with the counts, rollout-report JSON, the headline phrases', () => {
    const o: Outcome = {
      mode: 'promote',
      packageDir: '',
      promote: promoted({ canary: canary(), rollout: rollout() }),
    };
    const r = renderAction(o);
    const out = Object.fromEntries(r.outputs);
    expect(JSON.parse(out['rollout-report']!)).toEqual({ canary: canary(), rollout: rollout() });
    expect(r.summary.split('\n')[0]).toBe(
      '## ✅ Promoted AcmeAgent 2.0.0 (document version 8) to default; was 1.9.0 (7); canary 2/2 succeeded; rollout: 8 of 10 targets succeeded, 2 failed',
    );
    const html = md.render(r.summary);
    const t = tables(html).map((rows) => rows.map((cells) => cells.map(decode)));
    const canaryRows = t.find((rows) => rows[0]?.[0] === 'i-0000000000000000a')!;
    expect(canaryRows).toEqual([
      ['i-0000000000000000a', 'Success', '0', 'Success'],
      ['i-0000000000000000b', 'Success', '0', 'Success'],
    ]);
    const assoc = t.find((rows) => rows[0]?.[0]?.startsWith('acme-web'))!;
    expect(assoc[0]!.slice(3)).toEqual(['Failed', '8', '2', '0']);
    const failures = t.find((rows) => rows[0]?.[0] === 'i-00000000000000001')!;
    expect(failures.map((x) => x[3])).toEqual(['Failed', 'TimedOut']);
    expect(t.some((rows) => rows[0]?.[2] === '1.0.0')).toBe(true);
    expect(decode(html)).toContain('max-failed-targets 20%');
  });

  it('a failed canary: the failure, the failed instance with its response code and output tail, default unchanged', () => {
    const c = canary({
      instances: [
        {
          instanceId: 'i-0000000000000000a',
          status: 'Failed',
          statusDetails: 'Failed',
          responseCode: 1,
          outputTail: 'install.sh: line 3: rpm: not found\nfailed',
        },
      ],
      succeeded: 0,
      failed: 1,
      ok: false,
      status: 'Failed',
    });
    const o: Outcome = {
      mode: 'promote',
      packageDir: '',
      promoteProgress: {
        documentName: 'AcmeAgent',
        before: { documentVersion: '7', versionName: '1.9.0' },
        target: { documentVersion: '8', versionName: '2.0.0' },
        updateSent: false,
        canary: c,
      },
      failure: {
        type: 'error',
        stage: 'promote',
        error: new ActionError('rollout', 'The canary failed on 1 of 1 instances.'),
      },
    };
    const r = renderAction(o);
    expect(r.failed).toContain('The canary failed');
    const text = decode(md.render(r.summary));
    expect(text).toContain('is still `1.9.0`'.replace(/`/g, ''));
    expect(text).toContain('install.sh: line 3: rpm: not found\nfailed');
    expect(Object.fromEntries(r.outputs)['error-kind']).toBe('rollout');
    expect(JSON.parse(Object.fromEntries(r.outputs)['rollout-report']!).canary.ok).toBe(false);
  });

  it('hostile instance output and status text stay data: no HTML, no escaping the fence, bounded', () => {
    const evil = '```\n</details><img src=x onerror=alert(1)>\n::error::pwned\n\u0000\u001b[31m|x|';
    const c = canary({
      instances: Array.from({ length: 150 }, (_, k) => ({
        instanceId: `i-${k.toString(16).padStart(17, '0')}`,
        status: 'Failed',
        statusDetails: `<b>${evil}</b>`.repeat(50),
        responseCode: 1,
        outputTail: evil.repeat(40).slice(-1000),
      })),
      succeeded: 0,
      failed: 150,
      ok: false,
    });
    const o: Outcome = { mode: 'promote', packageDir: '', promote: promoted({ canary: c }) };
    const r = renderAction(o);
    const html = md.render(r.summary);
    const allowed = [
      'h2',
      'h3',
      'p',
      'code',
      'strong',
      'table',
      'thead',
      'tr',
      'th',
      'tbody',
      'td',
      'details',
      'summary',
      'pre',
      'a',
    ];
    for (const t of tagsOf(html)) expect(allowed).toContain(t);
    expect(tagsOf(html)).not.toContain('img');
    expect(tagsOf(html)).not.toContain('b');
    // 100 rows listed, the rest counted; 10 output tails shown.
    expect(decode(html)).toContain('and 50 more');
    expect((r.summary.match(/<details><summary>Output of/g) ?? []).length).toBe(10);
    expect(r.summary).not.toMatch(/[\u0000\u001b]/);
    expect(Buffer.byteLength(r.summary)).toBeLessThan(512 * 1024);
    for (const line of r.log) expect(line).not.toMatch(/^\s*::/);
  });

  it('no associations follow the default: said so; a rollout without wait says it was not followed', () => {
    const none = renderAction({
      mode: 'promote',
      packageDir: '',
      promote: promoted({
        rollout: rollout({
          following: [],
          pinned: [],
          totals: { targets: 0, succeeded: 0, failed: 0, pending: 0 },
        }),
      }),
    });
    expect(decode(md.render(none.summary))).toContain(
      'No AWS-ConfigureAWSPackage association installs AcmeAgent at its default version',
    );
    const started = renderAction({
      mode: 'promote',
      packageDir: '',
      promote: promoted({ rollout: rollout({ waited: false }) }),
    });
    expect(started.summary).toContain('wait-for-rollout is off');
    expect(started.summary.split('\n')[0]).toMatch(/; started 1 association$/);
  });
});

describe('regions', () => {
  const pub = (region: string, over: Partial<PublishResult> = {}): PublishResult =>
    ({
      documentName: 'AcmeAgent',
      documentArn: `arn:aws:ssm:${region}:123456789012:document/AcmeAgent`,
      documentVersion: '3',
      versionName: '2.0.0',
      defaultVersion: '3',
      previousDefaultVersion: '2',
      status: 'Active',
      changed: true,
      versionCreated: true,
      documentCreated: false,
      defaultChanged: true,
      tagsChanged: [],
      uploaded: 2,
      s3Uri: `s3://pkgs-${region}/AcmeAgent/2.0.0`,
      uploads: [],
      consoleUrl: undefined,
      ...over,
    }) as PublishResult;

  it('one failed region: the step fails with its kind, names it, the others are reported as published', () => {
    const runs = [
      { region: 'us-east-1', bucket: 'pkgs-us-east-1', publish: pub('us-east-1') },
      {
        region: 'eu-west-1',
        bucket: 'pkgs-eu-west-1',
        progress: undefined,
        error: new ActionError('permission', 'ssm:CreateDocument was denied.', {
          hint: 'Grant ssm:CreateDocument.',
          action: 'ssm:CreateDocument',
        }),
      },
      {
        region: 'ap-southeast-2',
        bucket: 'pkgs-ap-southeast-2',
        publish: pub('ap-southeast-2', { versionCreated: false, changed: false }),
      },
    ];
    const failure = regionsFailure(runs, 'publish')!;
    expect(failure.kind).toBe('permission');
    expect(failure.message).toBe(
      '1 of 3 regions failed: eu-west-1 (ssm:CreateDocument was denied). 2 regions published.',
    );
    expect(failure.hint).toMatch(/^Grant ssm:CreateDocument\. Re-running redoes only what is missing/);
    const o: Outcome = {
      mode: 'publish',
      packageDir: 'pkg',
      regions: runs,
      failure: { type: 'error', stage: 'publish', error: failure },
    };
    const r = renderAction(o);
    const out = outputsOf(o);
    expect(out['error-kind']).toBe('permission');
    expect(out.changed).toBe('true');
    const report = JSON.parse(out['regions-report']!) as {
      region: string;
      ok: boolean;
      error?: { kind: string };
    }[];
    expect(report.map((x) => [x.region, x.ok, x.error?.kind])).toEqual([
      ['us-east-1', true, undefined],
      ['eu-west-1', false, 'permission'],
      ['ap-southeast-2', true, undefined],
    ]);
    const rows = tables(md.render(r.summary))
      .find((t) => t[0]?.[0] === 'us-east-1')!
      .map((c) => c.map(decode));
    expect(rows.map((c) => [c[0], c[1]!.startsWith('✅'), c[2]])).toEqual([
      ['us-east-1', true, '3'],
      ['eu-west-1', false, '—'],
      ['ap-southeast-2', true, '3'],
    ]);
    expect(r.summary).toContain('A re-run redoes only what is missing');
  });

  it('all regions published: the headline lists them; the step does not fail', () => {
    const runs = ['us-east-1', 'eu-west-1'].map((region) => ({ region, publish: pub(region) }));
    expect(regionsFailure(runs, 'publish')).toBeUndefined();
    const o: Outcome = { mode: 'publish', packageDir: 'pkg', regions: runs };
    expect(headlineOf(o)).toBe(
      'Published pkg in 2 regions (2 new): us-east-1 (document version 3), eu-west-1 (document version 3)',
    );
    expect(renderAction(o).failed).toBeUndefined();
  });

  it('more than 10 failed regions: 10 named, the rest counted', () => {
    const runs = Array.from({ length: 12 }, (_, k) => ({
      region: `us-test-${k + 1}`,
      error: new ActionError('network', 'unreachable'),
    }));
    expect(regionsFailure(runs, 'promote')!.message).toMatch(
      /^12 of 12 regions failed: us-test-1 \(unreachable\);.*us-test-10 \(unreachable\); and 2 more\. No region promoted\.$/,
    );
  });
});

const headlineOf = (o: Outcome) =>
  renderAction(o)
    .summary.split('\n')[0]!
    .replace(/^## ✅ /, '');

describe('rollout-report stays within an output', () => {
  it('300 associations × 120 failed targets and 300 pinned: shortened to fit, the totals whole, the cuts counted', () => {
    const big = rollout({
      following: Array.from({ length: 300 }, (_, k) => ({
        ...rollout().following[0]!,
        associationId: `11111111-2222-4333-8444-${k.toString().padStart(12, '0')}`,
        targets: 'x'.repeat(300),
        failed: 120,
        failures: Array.from({ length: 50 }, (_, f) => ({
          instanceId: `i-${f.toString(16).padStart(17, '0')}`,
          status: 'Failed',
          detailedStatus: 'd'.repeat(500),
        })),
        failuresOmitted: 70,
      })),
      pinned: Array.from({ length: 300 }, (_, k) => ({
        associationId: `22222222-2222-4333-8444-${k.toString().padStart(12, '0')}`,
        associationName: undefined,
        targets: 'tag:Role=db',
        version: '1.0.0',
      })),
      totals: { targets: 36000, succeeded: 0, failed: 36000, pending: 0 },
    });
    expect(JSON.stringify(big).length).toBeGreaterThan(8_000_000);
    const out = outputsOf({ mode: 'promote', packageDir: '', promote: promoted({ rollout: big }) })[
      'rollout-report'
    ]!;
    expect(out.length).toBeLessThanOrEqual(REPORT_JSON_MAX);
    const r = (JSON.parse(out) as { rollout: RolloutReport }).rollout;
    expect(r.totals).toEqual(big.totals);
    expect(r.following.length + (r.followingOmitted ?? 0)).toBe(300);
    expect(r.followingOmitted).toBeGreaterThan(0);
    expect(r.following[0]!.failures).toHaveLength(5);
    expect(r.following[0]!.failuresOmitted).toBe(115);
    expect(r.pinned).toHaveLength(100);
    expect(r.pinnedOmitted).toBe(200);
  });
  it('a report that fits is passed through as it is', () => {
    expect(fitRollout(rollout(), REPORT_JSON_MAX)).toEqual(rollout());
  });
});
